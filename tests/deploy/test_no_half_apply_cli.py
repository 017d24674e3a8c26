"""Deploys never half-apply: whatever can be checked is checked before the first write
(schedule expressions and time zones at compile time, --region against the compiled region,
role ARNs, every file of a multi-file upsert), and botocore's validation detail is kept."""

from __future__ import annotations

import json

import pytest
from deploy_support import BUCKET, MINI_YAML, cli, edit


def _nothing_written(moto, region="us-east-1"):
    import boto3

    sm = boto3.client("sagemaker", region_name=region, endpoint_url=moto.url)
    assert sm.list_pipelines()["PipelineSummaries"] == []
    assert moto.s3.list_objects_v2(Bucket=BUCKET).get("KeyCount", 0) == 0
    sch = boto3.client("scheduler", region_name=region, endpoint_url=moto.url)
    assert sch.list_schedule_groups()["ScheduleGroups"] in ([], [{"Name": "default"}]) or all(
        g["Name"] == "default" for g in sch.list_schedule_groups()["ScheduleGroups"])


@pytest.mark.parametrize("old, new, fragment", [
    ("cron(0 3 ? * MON *)", "cron(0 3 * * MON)", "cron expressions have 6 fields, this one has 5"),
    ("cron(0 3 ? * MON *)", "rate(2 weeks)", "'rate(2 weeks)' is not a rate expression"),
    ("cron(0 3 ? * MON *)", "at(2026-02-30T03:00:00)", "is not a real date and time"),
    ("cron(0 3 ? * MON *)\n", "cron(0 3 ? * MON *)\n    timezone: Mars/Olympus_Mons\n",
     "'Mars/Olympus_Mons' is not an IANA time zone"),
])
def test_a_bad_schedule_is_a_compile_error_and_upsert_writes_nothing(moto, project, old, new, fragment):
    moto.s3.create_bucket(Bucket=BUCKET)
    edit(project, old, new)
    result = cli("upsert", project)
    assert result.exit_code == 1
    line = next(x for x in result.stderr.splitlines() if fragment in x)
    assert line.startswith(f"{project}:") and line.split(":")[1].isdigit() and "[M01" in line
    _nothing_written(moto)


def test_region_other_than_the_compiled_one_is_refused_before_any_call(moto, project):
    moto.s3.create_bucket(Bucket=BUCKET)
    for args in (("upsert", project), ("start", project), ("diff", project), ("delete", project, "--yes")):
        result = cli(*args, "--region", "eu-west-1")
        assert result.exit_code == 1, (args, result.output)
        assert "--region eu-west-1 differs from the region" in result.stderr and "(us-east-1)" in result.stderr
        assert "--var region=eu-west-1" in result.stderr
    _nothing_written(moto)
    _nothing_written(moto, "eu-west-1")


def test_region_is_accepted_when_the_definition_is_compiled_for_it(moto, project):
    import boto3

    edit(project, "  region: us-east-1\n", '  region: "{{ region }}"\n')
    edit(project, "vars:\n", "vars:\n  region: us-east-1\n")
    s3 = boto3.client("s3", region_name="eu-west-1", endpoint_url=moto.url)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    result = cli("upsert", project, "--region", "eu-west-1", "--var", "region=eu-west-1", "--format", "json")
    assert result.exit_code == 0, result.output
    assert ":eu-west-1:" in json.loads(result.stdout)["arn"]
    sm = boto3.client("sagemaker", region_name="eu-west-1", endpoint_url=moto.url)
    definition = sm.describe_pipeline(PipelineName="mini")["PipelineDefinition"]
    assert ".dkr.ecr.eu-west-1.amazonaws.com/" in definition and "us-east-1.amazonaws.com" not in definition.replace(
        "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", "")  # the YAML's literal image


@pytest.mark.parametrize("option, value", [
    ("--role", "SageMakerPipelineRole"),
    ("--role", "arn:aws:iam::123456789012:user/alice"),
    ("--schedule-role", "arn:aws:sts::123456789012:assumed-role/R/session"),
])
def test_role_options_must_be_iam_role_arns(moto, project, option, value):
    moto.s3.create_bucket(Bucket=BUCKET)
    result = cli("upsert", project, option, value)
    assert result.exit_code == 1
    assert f"error: {option} '{value}' is not an IAM role ARN" in result.stderr
    _nothing_written(moto)


def test_several_files_are_all_compiled_before_any_is_deployed(moto, project):
    moto.s3.create_bucket(Bucket=BUCKET)
    other = project.parent / "other.yaml"
    other.write_text(MINI_YAML.replace("name: mini", "name: other").replace("cron(0 3 ? * MON *)", "rate(0 days)"))
    result = cli("upsert", project, other)
    assert result.exit_code == 1
    assert "other.yaml" in result.stderr and "the rate must be at least 1" in result.stderr
    _nothing_written(moto)
    other.write_text(MINI_YAML.replace("name: mini", "name: other"))
    ok = cli("upsert", project, other, "--format", "json")
    assert ok.exit_code == 0, ok.output
    assert sorted(r["pipeline"] for r in json.loads(ok.stdout)) == ["mini", "other"]
    diff = cli("diff", project, other)
    assert diff.exit_code == 0, diff.output
    edit(other, "max_depth: 4", "max_depth: 6")
    diff = cli("diff", project, other, "--format", "json")
    assert diff.exit_code == 2, diff.output
    assert [d["pipeline"] for d in json.loads(diff.stdout)] == ["mini", "other"]
    validate = cli("validate", project, other)
    assert validate.exit_code == 0, validate.output


def test_botocore_validation_errors_keep_their_detail():
    import boto3

    from mlpc.deploy.session import AwsError, aws_errors, client_config

    sm = boto3.client("sagemaker", region_name="us-east-1", config=client_config(),
                      aws_access_key_id="x", aws_secret_access_key="y")
    with pytest.raises(AwsError) as info:
        with aws_errors():
            sm.start_pipeline_execution(PipelineName="", PipelineParameters=[{"Name": "A"}])
    text = info.value.render()
    assert "Invalid length for parameter PipelineName, value: 0, valid min length: 1" in text
    assert 'Missing required parameter in PipelineParameters[0]: "Value"' in text
    assert "\n" not in text.split("\n    hint:")[0] and info.value.code == "ParamValidation"
