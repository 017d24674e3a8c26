"""mlpc delete: prompt, pipeline + schedules + S3 prefix on moto; model packages through Stubber
(moto has no delete_model_package / delete_model_package_group)."""

from __future__ import annotations

import boto3
from botocore.stub import Stubber
from deploy_support import BUCKET, Routed, cli
from test_models_cli import GROUP, register

from mlpc.deploy import session


def deploy_with_artifacts(moto, project):
    moto.s3.create_bucket(Bucket=BUCKET)
    assert cli("upsert", project).exit_code == 0
    moto.s3.put_object(Bucket=BUCKET, Key="mini/exec-1/Prep/output/train/train.csv", Body=b"1,2\n")
    moto.s3.put_object(Bucket=BUCKET, Key="other-pipeline/keep.txt", Body=b"keep")


def keys(moto) -> list:
    return sorted(o["Key"] for o in moto.s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_delete_asks_first_and_declining_deletes_nothing(moto, project):
    deploy_with_artifacts(moto, project)
    result = cli("delete", project, "--artifacts", input="n\n")
    assert result.exit_code == 1
    assert "pipeline mini (arn:aws:sagemaker:us-east-1:123456789012:pipeline/mini)" in result.stdout
    assert "schedule group mlpc-mini (1 schedule(s): weekly)" in result.stdout
    assert "4 object(s) under s3://mlpc-test-bucket/mini/" in result.stdout  # code x2, an output, the deploy record
    assert "Delete these?" in result.stdout
    assert "aborted: nothing was deleted" in result.stderr
    assert [p["PipelineName"] for p in moto.sm.list_pipelines()["PipelineSummaries"]] == ["mini"]
    assert len(keys(moto)) == 5


def test_delete_yes_removes_pipeline_schedules_and_artifacts_and_rerun_converges(moto, project):
    deploy_with_artifacts(moto, project)
    result = cli("delete", project, "--artifacts", "--yes")
    assert result.exit_code == 0, result.output
    assert "deleted: pipeline yes, 1 schedule(s), 0 model package version(s) in 0 group(s), 4 S3 object(s)" in result.stdout
    assert moto.sm.list_pipelines()["PipelineSummaries"] == []
    assert [g["Name"] for g in moto.scheduler.list_schedule_groups()["ScheduleGroups"]] == ["default"]
    assert keys(moto) == ["other-pipeline/keep.txt"]
    again = cli("delete", project, "--artifacts", "--yes")
    assert again.exit_code == 0 and "nothing to delete for mini" in again.stdout


def test_delete_by_name_with_model_packages(moto, project, monkeypatch):
    deploy_with_artifacts(moto, project)
    moto.sm.create_model_package_group(ModelPackageGroupName=GROUP)
    arns = [register(moto, 0.9, "c1"), register(moto, 0.92, "c2")]

    stubbed = boto3.client("sagemaker", region_name="us-east-1")
    stub = Stubber(stubbed)
    for arn in arns:  # versions 1 and 2, in the order list_model_packages returns them
        stub.add_response("delete_model_package", {}, {"ModelPackageName": arn})
    stub.add_response("delete_model_package_group", {}, {"ModelPackageGroupName": GROUP})

    def connect(profile, region):
        aws = session.connect(profile, region)
        aws.clients["sagemaker"] = Routed(aws.sagemaker, stubbed, {"delete_model_package", "delete_model_package_group"})
        return aws

    monkeypatch.setattr("mlpc.cli.aws_support.connect", connect)
    with stub:
        result = cli("delete", "mini", "--model-packages", "--artifacts", "--yes")
        stub.assert_no_pending_responses()
    assert result.exit_code == 0, result.output
    assert "model package group mini-models and its 2 version(s)" in result.stdout
    assert "deleted: pipeline yes, 1 schedule(s), 2 model package version(s) in 1 group(s), 6 S3 object(s)" in result.stdout
    assert moto.sm.list_pipelines()["PipelineSummaries"] == []
    assert keys(moto) == ["other-pipeline/keep.txt"]
