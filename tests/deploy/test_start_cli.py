"""mlpc start / executions / stop: moto for what it implements, botocore's Stubber for
list_pipeline_execution_steps and stop_pipeline_execution (moto lacks both)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from botocore.stub import ANY
from deploy_support import BUCKET, cli, edit, stubbed_aws

ARN = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/mini"
EXEC = f"{ARN}/execution/abc123def456"
T0 = datetime(2026, 1, 5, 3, 0, tzinfo=timezone.utc)


def deploy(moto, project):
    moto.s3.create_bucket(Bucket=BUCKET)
    result = cli("upsert", project)
    assert result.exit_code == 0, result.output


def params_of(moto, exec_arn: str) -> dict:
    resp = moto.sm.list_pipeline_parameters_for_execution(PipelineExecutionArn=exec_arn)
    return {p["Name"]: p["Value"] for p in resp["PipelineParameters"]}


def test_start_passes_typed_parameters(moto, project):
    deploy(moto, project)
    result = cli("start", project, "--param", "Rounds=7", "--param", "Quick=TRUE", "--param", "Threshold=0.95",
                 "--param", "InstanceType=ml.m5.2xlarge", "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["parameters"] == {"Rounds": 7, "Quick": True, "Threshold": 0.95, "InstanceType": "ml.m5.2xlarge"}
    assert params_of(moto, out["execution"]) == {"Rounds": "7", "Quick": "true", "Threshold": "0.95",
                                                 "InstanceType": "ml.m5.2xlarge"}


def test_upsert_start_passes_parameters_and_executions_list_shows_it(moto, project):
    moto.s3.create_bucket(Bucket=BUCKET)
    result = cli("upsert", project, "--start", "--param", "Rounds=3", "--format", "json")
    assert result.exit_code == 0, result.output
    exec_arn = json.loads(result.stdout)["execution"]
    assert params_of(moto, exec_arn) == {"Rounds": "3"}
    listed = cli("executions", "list", "mini", "--format", "json")
    assert listed.exit_code == 0, listed.output
    assert [e["arn"] for e in json.loads(listed.stdout)] == [exec_arn]
    table = cli("executions", "list", "mini")
    assert table.exit_code == 0 and exec_arn.rsplit("/", 1)[-1] in table.stdout


def test_start_by_name_checks_overrides_against_the_deployed_definition(moto, project):
    deploy(moto, project)
    ok = cli("start", "mini", "--param", "Threshold=0.5", "--format", "json")
    assert ok.exit_code == 0, ok.output
    assert params_of(moto, json.loads(ok.stdout)["execution"]) == {"Threshold": "0.5"}
    bad = cli("start", "mini", "--param", "Threshold=high")
    assert bad.exit_code == 1
    assert "error: --param Threshold: 'high' is not a Float" in bad.stderr
    assert len(moto.sm.list_pipeline_executions(PipelineName="mini")["PipelineExecutionSummaries"]) == 1


def test_bad_overrides_are_refused_before_any_aws_call(offline, project):
    # AWS points at a closed port: reaching it would fail with "cannot reach", so these errors prove no call was made
    result = cli("start", project, "--param", "Rounds=many", "--param", "InstanceType=ml.p3.2xlarge",
                 "--param", "Treshold=0.9", "--param", "oops")
    assert result.exit_code == 1
    err = result.stderr
    assert "error: --param Rounds: 'many' is not an Integer" in err
    assert "error: --param InstanceType: 'ml.p3.2xlarge' is not one of ml.m5.xlarge, ml.m5.2xlarge" in err
    assert "error: --param Treshold: the pipeline has no parameter 'Treshold'" in err
    assert "did you mean 'Threshold'?" in err
    assert "error: --param 'oops' is not NAME=VALUE" in err
    assert "cannot reach" not in err and "Traceback" not in result.output
    up = cli("upsert", project, "--start", "--param", "Quick=maybe")
    assert up.exit_code == 1 and "'maybe' is not a Boolean" in up.stderr and "cannot reach" not in up.stderr


def test_start_refuses_a_pipeline_that_is_not_deployed(moto, project):
    result = cli("start", project)
    assert result.exit_code == 1
    assert "error: pipeline 'mini' is not deployed [NotDeployed]" in result.stderr
    assert "mlpc upsert" in result.stderr


def _describe_pipeline_response():
    definition = {"Version": "2020-12-01", "Parameters": [{"Name": "Rounds", "Type": "Integer", "DefaultValue": 5}],
                  "Steps": []}
    return {"PipelineArn": ARN, "PipelineName": "mini", "PipelineDefinition": json.dumps(definition),
            "RoleArn": "arn:aws:iam::123456789012:role/R"}


def _steps(*items):
    return {"PipelineExecutionSteps": [
        {"StepName": name, "StepStatus": status, "StartTime": T0, **({"FailureReason": reason} if reason else {})}
        for name, status, reason in reversed(items)]}  # the API lists newest first


def _queue_start(stub):
    stub.add_response("describe_pipeline", _describe_pipeline_response(), {"PipelineName": "mini"})
    stub.add_response("list_tags", {"Tags": []}, {"ResourceArn": ARN})
    stub.add_response("start_pipeline_execution", {"PipelineExecutionArn": EXEC},
                      {"PipelineName": "mini", "PipelineParameters": [{"Name": "Rounds", "Value": "9"}],
                       "PipelineExecutionDescription": ANY})


def test_start_wait_shows_steps_and_exits_0_on_success(monkeypatch, offline):
    aws, stub = stubbed_aws()
    _queue_start(stub)
    stub.add_response("describe_pipeline_execution", {"PipelineExecutionStatus": "Executing"},
                      {"PipelineExecutionArn": EXEC})
    stub.add_response("list_pipeline_execution_steps", _steps(("Prep", "Executing", None)), {"PipelineExecutionArn": EXEC})
    stub.add_response("describe_pipeline_execution", {"PipelineExecutionStatus": "Succeeded"},
                      {"PipelineExecutionArn": EXEC})
    stub.add_response("list_pipeline_execution_steps",
                      _steps(("Prep", "Succeeded", None), ("Train", "Succeeded", None)), {"PipelineExecutionArn": EXEC})
    monkeypatch.setattr("mlpc.cli.aws_support.connect", lambda profile, region: aws)
    with stub:
        result = cli("start", "mini", "--param", "Rounds=9", "--wait", "--poll", "0")
        stub.assert_no_pending_responses()
    assert result.exit_code == 0, result.output
    assert "started execution abc123def456" in result.stdout
    assert "Train" in result.stdout and "Succeeded" in result.stdout
    assert "execution abc123def456 succeeded" in result.stdout


def test_start_wait_exits_1_with_each_failed_steps_reason(monkeypatch, offline):
    aws, stub = stubbed_aws()
    _queue_start(stub)
    stub.add_response("describe_pipeline_execution",
                      {"PipelineExecutionStatus": "Failed", "FailureReason": "Step failure: One or multiple steps failed."},
                      {"PipelineExecutionArn": EXEC})
    stub.add_response("list_pipeline_execution_steps", _steps(
        ("Prep", "Succeeded", None), ("Train", "Failed", "AlgorithmError: num_round must be positive"),
        ("Eval", "Failed", "ClientError: no model")), {"PipelineExecutionArn": EXEC})
    monkeypatch.setattr("mlpc.cli.aws_support.connect", lambda profile, region: aws)
    with stub:
        result = cli("start", "mini", "--param", "Rounds=9", "--wait", "--poll", "0")
    assert result.exit_code == 1
    assert "error: execution abc123def456 failed: Step failure" in result.stderr
    assert "  Train: Failed: AlgorithmError: num_round must be positive" in result.stderr
    assert "  Eval: Failed: ClientError: no model" in result.stderr
    assert "Prep: " not in result.stderr


def test_executions_describe_lists_steps(monkeypatch, offline):
    aws, stub = stubbed_aws()
    stub.add_response("describe_pipeline", _describe_pipeline_response(), {"PipelineName": "mini"})
    stub.add_response("describe_pipeline_execution",
                      {"PipelineExecutionArn": EXEC, "PipelineExecutionStatus": "Stopped", "CreationTime": T0},
                      {"PipelineExecutionArn": EXEC})
    stub.add_response("list_pipeline_parameters_for_execution",
                      {"PipelineParameters": [{"Name": "Rounds", "Value": "9"}]}, {"PipelineExecutionArn": EXEC})
    stub.add_response("list_pipeline_execution_steps",
                      _steps(("Prep", "Succeeded", None), ("Train", "Stopped", "stopped by user")),
                      {"PipelineExecutionArn": EXEC})
    monkeypatch.setattr("mlpc.cli.aws_support.connect", lambda profile, region: aws)
    with stub:
        result = cli("executions", "describe", "mini", "abc123def456", "--format", "json")
        stub.assert_no_pending_responses()
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["status"] == "Stopped" and info["parameters"] == {"Rounds": "9"}
    assert [(s["name"], s["status"]) for s in info["steps"]] == [("Prep", "Succeeded"), ("Train", "Stopped")]
    assert info["steps"][1]["failure_reason"] == "stopped by user"


def test_stop_stops_the_named_execution(monkeypatch, offline):
    aws, stub = stubbed_aws()
    stub.add_response("stop_pipeline_execution", {"PipelineExecutionArn": EXEC},
                      {"PipelineExecutionArn": EXEC})
    monkeypatch.setattr("mlpc.cli.aws_support.connect", lambda profile, region: aws)
    with stub:
        result = cli("stop", "mini", EXEC)
        stub.assert_no_pending_responses()
    assert result.exit_code == 0, result.output
    assert "stopping execution abc123def456" in result.stdout


def test_stop_without_a_running_execution_is_a_clean_error(moto, project):
    deploy(moto, project)
    result = cli("stop", "mini")
    assert result.exit_code == 1
    assert "error: pipeline 'mini' has no running execution [NoRunningExecution]" in result.stderr


def test_upsert_start_wait_on_moto_with_stubbed_step_listing(moto, project, monkeypatch):
    """moto runs nothing: its executions are Succeeded at once. ListPipelineExecutionSteps comes from Stubber."""
    import boto3
    from botocore.stub import Stubber
    from deploy_support import Routed

    from mlpc.deploy import session

    moto.s3.create_bucket(Bucket=BUCKET)
    stubbed = boto3.client("sagemaker", region_name="us-east-1")
    stub = Stubber(stubbed)
    stub.add_response("list_pipeline_execution_steps", _steps(("Prep", "Succeeded", None), ("Train", "Succeeded", None)))

    def connect(profile, region):
        aws = session.connect(profile, region)
        aws.clients["sagemaker"] = Routed(aws.sagemaker, stubbed, {"list_pipeline_execution_steps"})
        return aws

    monkeypatch.setattr("mlpc.cli.aws_support.connect", connect)
    with stub:
        result = cli("upsert", project, "--start", "--wait", "--poll", "0", "--param", "Rounds=2")
        stub.assert_no_pending_responses()
    assert result.exit_code == 0, result.output
    assert "pipeline created mini" in result.stdout
    assert "Prep" in result.stdout and "Train" in result.stdout
    assert result.stdout.rstrip().endswith("succeeded")
    (execution,) = moto.sm.list_pipeline_executions(PipelineName="mini")["PipelineExecutionSummaries"]
    assert params_of(moto, execution["PipelineExecutionArn"]) == {"Rounds": "2"}


def test_declared_gitcommit_parameter_is_filled_with_the_deployed_commit(moto, project):
    import subprocess

    edit(project, "  Quick: {type: Boolean, default: false}\n",
         "  Quick: {type: Boolean, default: false}\n  GitCommit: {type: String, default: unknown}\n")
    root = project.parent
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run(git + ["init", "-q"], cwd=root, check=True)
    subprocess.run(git + ["add", "-A"], cwd=root, check=True)
    subprocess.run(git + ["commit", "-qm", "init"], cwd=root, check=True)
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True, capture_output=True, text=True).stdout.strip()
    moto.s3.create_bucket(Bucket=BUCKET)
    result = cli("upsert", project, "--start", "--format", "json")
    assert result.exit_code == 0, result.output
    assert params_of(moto, json.loads(result.stdout)["execution"]) == {"GitCommit": sha}
    # an explicit value wins, and `start` by name fills it from the working directory's repository
    explicit = cli("start", project, "--param", "GitCommit=abc", "--format", "json")
    assert params_of(moto, json.loads(explicit.stdout)["execution"]) == {"GitCommit": "abc"}
    by_name = cli("start", "mini", "--format", "json")
    assert params_of(moto, json.loads(by_name.stdout)["execution"]) == {"GitCommit": sha}
