"""--wait without a terminal (a CI log): one line per state change with a UTC timestamp;
--timeout ends the wait with exit 124 and the execution keeps running; Ctrl-C says so too.
moto lacks ListPipelineExecutionSteps, so the sagemaker client is botocore's Stubber."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from botocore.stub import ANY
from deploy_support import cli, stubbed_aws

ARN = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/mini"
EXEC = f"{ARN}/execution/abc123def456"
T0 = datetime(2026, 1, 5, 3, 0, tzinfo=timezone.utc)
STAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"


def _start(stub):
    definition = {"Version": "2020-12-01", "Parameters": [], "Steps": []}
    stub.add_response("describe_pipeline", {"PipelineArn": ARN, "PipelineName": "mini",
                                            "PipelineDefinition": json.dumps(definition),
                                            "RoleArn": "arn:aws:iam::123456789012:role/R"}, {"PipelineName": "mini"})
    stub.add_response("list_tags", {"Tags": []}, {"ResourceArn": ARN})
    stub.add_response("start_pipeline_execution", {"PipelineExecutionArn": EXEC},
                      {"PipelineName": "mini", "PipelineParameters": [], "PipelineExecutionDescription": ANY})


def _poll(stub, status, *steps):
    stub.add_response("describe_pipeline_execution", {"PipelineExecutionStatus": status},
                      {"PipelineExecutionArn": EXEC})
    stub.add_response("list_pipeline_execution_steps", {"PipelineExecutionSteps": [
        {"StepName": n, "StepStatus": s, "StartTime": T0} for n, s in reversed(steps)]},
        {"PipelineExecutionArn": EXEC})


def test_wait_in_a_log_prints_one_timestamped_line_per_change(monkeypatch, offline):
    aws, stub = stubbed_aws()
    _start(stub)
    _poll(stub, "Executing", ("Prep", "Executing"))
    _poll(stub, "Executing", ("Prep", "Executing"))  # nothing changed: no line
    _poll(stub, "Executing", ("Prep", "Succeeded"), ("Train", "Executing"))
    _poll(stub, "Succeeded", ("Prep", "Succeeded"), ("Train", "Succeeded"))
    monkeypatch.setattr("mlpc.cli.aws_support.connect", lambda profile, region: aws)
    with stub:
        result = cli("start", "mini", "--wait", "--poll", "0")
        stub.assert_no_pending_responses()
    assert result.exit_code == 0, result.output
    lines = [x for x in result.stdout.splitlines() if re.match(STAMP, x)]
    assert [re.sub(STAMP + " ", "", x) for x in lines] == [
        "execution abc123def456: Executing", "step Prep: Executing",
        "step Prep: Succeeded", "step Train: Executing",
        "execution abc123def456: Succeeded", "step Train: Succeeded"]
    assert "┃" not in result.stdout and "\x1b[" not in result.stdout  # no live table, no escape codes
    assert result.stdout.rstrip().endswith("execution abc123def456 succeeded")


def test_timeout_exits_124_and_says_the_execution_keeps_running(monkeypatch, offline):
    aws, stub = stubbed_aws()
    _start(stub)
    _poll(stub, "Executing", ("Prep", "Executing"))
    monkeypatch.setattr("mlpc.cli.aws_support.connect", lambda profile, region: aws)
    with stub:
        result = cli("start", "mini", "--wait", "--poll", "0", "--timeout", "0")
        stub.assert_no_pending_responses()
    assert result.exit_code == 124, result.output
    assert "execution abc123def456 still Executing after 0s (--timeout); it keeps running [WaitTimeout]" in result.stderr
    assert "mlpc stop mini abc123def456" in result.stderr


def test_ctrl_c_says_the_execution_keeps_running_and_how_to_stop_it(monkeypatch, offline):
    aws, stub = stubbed_aws()
    _start(stub)
    _poll(stub, "Executing", ("Prep", "Executing"))

    def interrupt(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr("mlpc.deploy.executions._pause", interrupt)
    monkeypatch.setattr("mlpc.cli.aws_support.connect", lambda profile, region: aws)
    with stub:
        result = cli("start", "mini", "--wait", "--poll", "5")
    assert result.exit_code == 130, result.output
    assert "interrupted: execution abc123def456 keeps running on SageMaker" in result.stderr
    assert "stop it with `mlpc stop mini abc123def456`" in result.stderr


def test_timeout_needs_wait(offline, project):
    result = cli("upsert", project, "--timeout", "60")
    assert result.exit_code == 1
    assert "--timeout goes with --wait" in result.stderr
