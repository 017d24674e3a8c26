"""mlpc delete as a cleanup: the pipeline goes last so a rerun after a failure finishes the job;
--artifacts keeps the prefixes the pipeline reads as inputs unless named; Approved versions are
shown apart; running executions are stopped (--stop-executions) or the delete refuses; --ci
removes the generated CodePipeline stack. moto lacks DeleteModelPackage(Group) and
StopPipelineExecution (and never has a running execution): those go through botocore's Stubber."""

from __future__ import annotations

import boto3
import yaml
from botocore.stub import Stubber
from deploy_support import BUCKET, Routed, cli, edit
from test_models_cli import GROUP, register

from mlpc.deploy import session

ARN = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/mini"


def keys(moto) -> list:
    return sorted(o["Key"] for o in moto.s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def with_raw_input(project):
    edit(project, "  Quick: {type: Boolean, default: false}\n",
         '  Quick: {type: Boolean, default: false}\n  InputData: {type: String, default: "s3://mlpc-test-bucket/mini/raw/"}\n')
    edit(project, "    code: scripts/prep.py\n",
         '    code: scripts/prep.py\n    inputs:\n      raw: {source: "${params.InputData}", destination: /opt/ml/processing/input}\n')


def route(monkeypatch, operations, stubbed):
    def connect(profile, region):
        aws = session.connect(profile, region)
        aws.clients["sagemaker"] = Routed(aws.sagemaker, stubbed, set(operations))
        return aws

    monkeypatch.setattr("mlpc.cli.aws_support.connect", connect)


def test_artifacts_keep_pipeline_inputs_unless_named(moto, project):
    with_raw_input(project)
    moto.s3.create_bucket(Bucket=BUCKET)
    assert cli("upsert", project).exit_code == 0
    moto.s3.put_object(Bucket=BUCKET, Key="mini/raw/data.csv", Body=b"1,2\n")
    moto.s3.put_object(Bucket=BUCKET, Key="mini/exec-1/Prep/output/train.csv", Body=b"1,2\n")
    result = cli("delete", project, "--artifacts", "--yes")
    assert result.exit_code == 0, result.output
    assert "keeping 1 object(s) under s3://mlpc-test-bucket/mini/raw/: a pipeline input" in result.stdout
    assert keys(moto) == ["mini/raw/data.csv"]  # code uploads and outputs gone, the raw input kept
    again = cli("delete", project, "--artifacts", "--include-input", "s3://mlpc-test-bucket/mini/raw/", "--yes")
    assert again.exit_code == 0, again.output
    assert keys(moto) == []


def test_plan_shows_approved_versions_apart(moto, project):
    moto.s3.create_bucket(Bucket=BUCKET)
    assert cli("upsert", project).exit_code == 0
    moto.sm.create_model_package_group(ModelPackageGroupName=GROUP)
    arns = [register(moto, 0.9, "c1"), register(moto, 0.95, "c2")]
    moto.sm.update_model_package(ModelPackageArn=arns[1], ModelApprovalStatus="Approved")
    result = cli("delete", project, "--model-packages", input="n\n")
    assert result.exit_code == 1
    assert "model package group mini-models and its 2 version(s)" in result.stdout
    assert "APPROVED, possibly deployed: mini-models version(s) 2" in result.stdout
    assert "aborted: nothing was deleted" in result.stderr


def _running(stub):
    stub.add_response("list_pipeline_executions", {"PipelineExecutionSummaries": [
        {"PipelineExecutionArn": f"{ARN}/execution/run1", "PipelineExecutionStatus": "Executing"}]},
        {"PipelineName": "mini", "SortBy": "CreationTime", "SortOrder": "Descending"})


def test_a_running_execution_refuses_the_delete_with_a_hint(moto, project, monkeypatch):
    moto.s3.create_bucket(Bucket=BUCKET)
    assert cli("upsert", project).exit_code == 0
    stubbed = boto3.client("sagemaker", region_name="us-east-1")
    stub = Stubber(stubbed)
    _running(stub)
    route(monkeypatch, {"list_pipeline_executions"}, stubbed)
    with stub:
        result = cli("delete", "mini", "--yes")
    assert result.exit_code == 1
    assert "pipeline 'mini' has 1 running execution(s): run1; nothing was deleted" in result.stderr
    assert "--stop-executions" in result.stderr
    assert [p["PipelineName"] for p in moto.sm.list_pipelines()["PipelineSummaries"]] == ["mini"]


def test_stop_executions_stops_them_first(moto, project, monkeypatch):
    moto.s3.create_bucket(Bucket=BUCKET)
    assert cli("upsert", project).exit_code == 0
    stubbed = boto3.client("sagemaker", region_name="us-east-1")
    stub = Stubber(stubbed)
    _running(stub)
    stub.add_response("stop_pipeline_execution", {"PipelineExecutionArn": f"{ARN}/execution/run1"},
                      {"PipelineExecutionArn": f"{ARN}/execution/run1"})
    route(monkeypatch, {"list_pipeline_executions", "stop_pipeline_execution"}, stubbed)
    with stub:
        result = cli("delete", "mini", "--yes", "--stop-executions")
        stub.assert_no_pending_responses()
    assert result.exit_code == 0, result.output
    assert "stop 1 running execution(s): run1" in result.stdout and "1 execution(s) stopped" in result.stdout
    assert moto.sm.list_pipelines()["PipelineSummaries"] == []


def test_a_rerun_after_a_partial_failure_finishes_the_job(moto, project, monkeypatch):
    """The model package deletion fails the first time: the pipeline is still there (it goes last),
    so deleting by NAME again still finds the packages and the artifacts through it."""
    moto.s3.create_bucket(Bucket=BUCKET)
    assert cli("upsert", project).exit_code == 0
    moto.s3.put_object(Bucket=BUCKET, Key="mini/exec-1/out.csv", Body=b"x")
    moto.sm.create_model_package_group(ModelPackageGroupName=GROUP)
    arn = register(moto, 0.9, "c1")
    stubbed = boto3.client("sagemaker", region_name="us-east-1")
    stub = Stubber(stubbed)
    stub.add_client_error("delete_model_package", "ThrottlingException", "Rate exceeded", 400)
    route(monkeypatch, {"delete_model_package", "delete_model_package_group"}, stubbed)
    with stub:
        first = cli("delete", "mini", "--model-packages", "--artifacts", "--yes")
    assert first.exit_code == 1 and "DeleteModelPackage failed" in first.stderr
    assert [p["PipelineName"] for p in moto.sm.list_pipelines()["PipelineSummaries"]] == ["mini"]
    stub = Stubber(stubbed)
    stub.add_response("delete_model_package", {}, {"ModelPackageName": arn})
    stub.add_response("delete_model_package_group", {}, {"ModelPackageGroupName": GROUP})
    with stub:
        rerun = cli("delete", "mini", "--model-packages", "--artifacts", "--yes")
        stub.assert_no_pending_responses()
    assert rerun.exit_code == 0, rerun.output
    assert "1 model package version(s)" in rerun.stdout and "pipeline yes" in rerun.stdout
    assert moto.sm.list_pipelines()["PipelineSummaries"] == [] and keys(moto) == []


def test_delete_ci_removes_the_generated_stack_and_empties_its_bucket(moto, project):
    from cfn_on_moto import deploy

    pinned = "mlpc-sagemaker @ git+https://github.com/acme/mlpc@0123456789abcdef0123456789abcdef01234567"
    out = project.parent / "ci.yaml"
    assert cli("ci", "codepipeline", project.name, "-o", out, "--repository", "r", "--mlpc-source", pinned).exit_code == 0
    refs = deploy(moto.client, yaml.safe_load(out.read_text()), "mlpc-ci-mini", {"MlpcSource": pinned})
    bucket = refs["ArtifactBucket"]
    moto.s3.delete_bucket_policy(Bucket=bucket)  # TLS-only: moto's server speaks plain HTTP, which it would deny
    moto.s3.put_object(Bucket=bucket, Key="mlpc-mini/SourceOutp/abc.zip", Body=b"zip")
    moto.s3.put_object(Bucket=bucket, Key="mlpc-mini/SourceOutp/abc.zip", Body=b"zip2")  # a second version
    result = cli("delete", project, "--ci", "--yes")
    assert result.exit_code == 0, result.output
    assert "CloudFormation stack mlpc-ci-mini" in result.stdout and "CI stack deleted" in result.stdout
    cfn = moto.client("cloudformation")
    live = [s for s in cfn.list_stacks()["StackSummaries"] if s["StackName"] == "mlpc-ci-mini"
            and s["StackStatus"] != "DELETE_COMPLETE"]
    assert live == []
    assert bucket not in [b["Name"] for b in moto.s3.list_buckets()["Buckets"]]
    again = cli("delete", project, "--ci", "--yes")
    assert again.exit_code == 0 and "nothing to delete for mini" in again.stdout
