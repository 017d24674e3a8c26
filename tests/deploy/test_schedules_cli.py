"""Schedules in the YAML <-> EventBridge Scheduler schedules (moto), through upsert, diff and delete."""

from __future__ import annotations

import re

from deploy_support import BUCKET, ROLE, cli, edit

GROUP = "mlpc-mini"
PIPELINE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/mini"

MONTHLY = """\
  monthly:
    expression: rate(30 days)
    timezone: Europe/Berlin
    enabled: false
    description: a slow refresh
    parameters: {Quick: true, Threshold: 0.9}
"""


def schedules(moto) -> dict:
    out = {}
    for s in moto.scheduler.list_schedules(GroupName=GROUP)["Schedules"]:
        out[s["Name"]] = moto.scheduler.get_schedule(GroupName=GROUP, Name=s["Name"])
    return out


def test_schedules_round_trip(moto, project):
    moto.s3.create_bucket(Bucket=BUCKET)
    assert cli("upsert", project).exit_code == 0
    s = schedules(moto)
    assert list(s) == ["weekly"]
    weekly = s["weekly"]
    assert weekly["ScheduleExpression"] == "cron(0 3 ? * MON *)"
    assert weekly["ScheduleExpressionTimezone"] == "UTC" and weekly["State"] == "ENABLED"
    assert weekly["Target"]["Arn"] == PIPELINE_ARN and weekly["Target"]["RoleArn"] == ROLE
    assert weekly["Target"]["SageMakerPipelineParameters"]["PipelineParameterList"] == [
        {"Name": "InstanceType", "Value": "ml.m5.2xlarge"}, {"Name": "Rounds", "Value": "100"}]
    assert cli("diff", project).exit_code == 0

    # change one, add one: diff shows both, upsert converges
    edit(project, "cron(0 3 ? * MON *)", "cron(0 5 ? * SUN *)")
    project.write_text(project.read_text() + MONTHLY)
    diff = cli("diff", project)
    assert diff.exit_code == 2, diff.output
    assert "~ weekly: expression cron(0 3 ? * MON *) -> cron(0 5 ? * SUN *)" in diff.stdout
    assert "+ monthly: rate(30 days) Europe/Berlin Quick=true, Threshold=0.9 (disabled)" in diff.stdout
    up = cli("upsert", project)
    assert up.exit_code == 0, up.output
    assert "pipeline unchanged: mini" in up.stdout
    assert "schedules created: monthly" in up.stdout and "schedules updated: weekly" in up.stdout
    s = schedules(moto)
    assert s["weekly"]["ScheduleExpression"] == "cron(0 5 ? * SUN *)"
    monthly = s["monthly"]
    assert (monthly["State"], monthly["ScheduleExpressionTimezone"], monthly["Description"]) == (
        "DISABLED", "Europe/Berlin", "a slow refresh")
    assert monthly["Target"]["SageMakerPipelineParameters"]["PipelineParameterList"] == [
        {"Name": "Quick", "Value": "true"}, {"Name": "Threshold", "Value": "0.9"}]
    assert cli("diff", project).exit_code == 0

    # remove one from the YAML: upsert deletes it
    project.write_text(project.read_text().replace(MONTHLY, ""))
    diff = cli("diff", project)
    assert diff.exit_code == 2 and "- monthly: rate(30 days)" in diff.stdout
    up = cli("upsert", project)
    assert up.exit_code == 0 and "schedules deleted: monthly" in up.stdout
    assert list(schedules(moto)) == ["weekly"]
    again = cli("upsert", project)
    assert "schedules" not in again.stdout  # converged: nothing to do


def test_schedule_role_option(moto, project):
    moto.s3.create_bucket(Bucket=BUCKET)
    role = "arn:aws:iam::123456789012:role/SchedulerRole"
    assert cli("upsert", project, "--schedule-role", role).exit_code == 0
    assert schedules(moto)["weekly"]["Target"]["RoleArn"] == role


def test_schedule_with_an_undeclared_or_mistyped_parameter_is_refused_before_aws(offline, project):
    edit(project, "parameters: {InstanceType: ml.m5.2xlarge, Rounds: 100}",
         "parameters: {InstanceType: ml.p3.2xlarge, Roundz: 100}")
    result = cli("upsert", project)
    assert result.exit_code == 1
    assert "schedule 'weekly' parameter 'InstanceType': 'ml.p3.2xlarge' is not one of" in result.stderr
    assert "schedule 'weekly' sets parameter 'Roundz', which the pipeline does not declare" in result.stderr
    assert re.search(r"\.yaml:\d+:\d+: schedule 'weekly' sets parameter 'Roundz'", result.stderr), result.stderr
    assert "cannot reach" not in result.stderr


def test_no_schedules_wanted_and_scheduler_denied_still_deploys(moto, project, monkeypatch):
    import boto3
    from botocore.stub import Stubber

    from mlpc.deploy import session

    moto.s3.create_bucket(Bucket=BUCKET)
    text = project.read_text()
    project.write_text(text[: text.index("schedules:")])
    denied = boto3.client("scheduler", region_name="us-east-1")
    stub = Stubber(denied)
    for _ in range(2):  # upsert, then diff
        stub.add_client_error("get_schedule_group", service_error_code="AccessDeniedException", http_status_code=403)

    def connect(profile, region):
        aws = session.connect(profile, region)
        aws.clients["scheduler"] = denied
        return aws

    monkeypatch.setattr("mlpc.cli.aws_support.connect", connect)
    with stub:
        up = cli("upsert", project)
        assert up.exit_code == 0, up.output
        diff = cli("diff", project)
        stub.assert_no_pending_responses()
    assert diff.exit_code == 0, diff.output
    assert moto.sm.describe_pipeline(PipelineName="mini")["PipelineName"] == "mini"


def test_schedule_role_from_the_yaml_and_the_flag_overrides_it(moto, project):
    moto.s3.create_bucket(Bucket=BUCKET)
    yaml_role = "arn:aws:iam::123456789012:role/WeeklyScheduler"
    edit(project, "parameters: {InstanceType: ml.m5.2xlarge, Rounds: 100}",
         f"parameters: {{InstanceType: ml.m5.2xlarge, Rounds: 100}}\n    role: {yaml_role}")
    assert cli("upsert", project).exit_code == 0
    assert schedules(moto)["weekly"]["Target"]["RoleArn"] == yaml_role
    assert "schedule:" not in cli("upsert", project, "--dry-run").stdout  # converged: no schedule to change
    assert "update schedule:" in cli("upsert", project, "--dry-run", "--schedule-role",
                                     "arn:aws:iam::123456789012:role/FromFlag").stdout
    flag_role = "arn:aws:iam::123456789012:role/FromFlag"
    assert cli("upsert", project, "--schedule-role", flag_role).exit_code == 0
    assert schedules(moto)["weekly"]["Target"]["RoleArn"] == flag_role
