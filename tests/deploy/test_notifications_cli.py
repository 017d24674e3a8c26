"""notifications: in the YAML <-> EventBridge rules with SNS targets (moto events + sns), through
upsert (create, update, delete, tag, topic policy), --dry-run, diff and delete."""

from __future__ import annotations

import json

from deploy_support import BUCKET, MINI_YAML, cli, edit

ALERTS = "arn:aws:sns:us-east-1:123456789012:ml-alerts"
APPROVALS = "arn:aws:sns:us-east-1:123456789012:model-approvals"
PIPELINE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/mini"
NOTIFY = f"""\
notifications:
  failures:
    topics: ["{ALERTS}"]
    events: [execution_failed, execution_stopped, step_failed]
  approvals:
    topics: ["{APPROVALS}"]
    events: [model_pending_approval]
    description: a new mini model waits for review
"""
RULES = ["mlpc-mini-approvals-model", "mlpc-mini-failures-execution", "mlpc-mini-failures-step"]


def setup(moto, project, text=NOTIFY):
    moto.s3.create_bucket(Bucket=BUCKET)
    sns = moto.client("sns")
    for name in ("ml-alerts", "model-approvals"):
        sns.create_topic(Name=name)
    project.write_text(MINI_YAML + text)


def rules(moto) -> dict:
    ev = moto.client("events")
    out = {}
    for r in ev.list_rules(NamePrefix="mlpc-mini")["Rules"]:
        tags = {t["Key"]: t["Value"] for t in ev.list_tags_for_resource(ResourceARN=r["Arn"])["Tags"]}
        targets = [t["Arn"] for t in ev.list_targets_by_rule(Rule=r["Name"])["Targets"]]
        out[r["Name"]] = {"pattern": json.loads(r["EventPattern"]), "state": r["State"],
                          "description": r.get("Description"), "tags": tags, "targets": targets}
    return out


def test_upsert_creates_rules_with_sagemaker_patterns_targets_tags_and_topic_policy(moto, project):
    setup(moto, project)
    up = cli("upsert", project)
    assert up.exit_code == 0, up.output
    assert f"notifications created: {', '.join(RULES)}" in up.stdout
    r = rules(moto)
    assert sorted(r) == RULES
    assert r["mlpc-mini-failures-execution"]["pattern"] == {
        "source": ["aws.sagemaker"], "detail-type": ["SageMaker Model Building Pipeline Execution Status Change"],
        "detail": {"currentPipelineExecutionStatus": ["Failed", "Stopped"], "pipelineArn": [PIPELINE_ARN]}}
    assert r["mlpc-mini-failures-step"]["pattern"] == {
        "source": ["aws.sagemaker"], "detail-type": ["SageMaker Model Building Pipeline Execution Step Status Change"],
        "detail": {"currentStepStatus": ["Failed"], "pipelineArn": [PIPELINE_ARN]}}
    assert r["mlpc-mini-approvals-model"]["pattern"] == {
        "source": ["aws.sagemaker"], "detail-type": ["SageMaker Model Package State Change"],
        "detail": {"ModelApprovalStatus": ["PendingManualApproval"], "ModelPackageGroupName": ["mini-models"]}}
    assert r["mlpc-mini-approvals-model"]["description"] == "a new mini model waits for review"
    assert r["mlpc-mini-failures-step"]["targets"] == [ALERTS]
    assert r["mlpc-mini-approvals-model"]["targets"] == [APPROVALS]
    assert all(x["state"] == "ENABLED" and x["tags"]["mlpc:pipeline"] == "mini" for x in r.values())
    assert r["mlpc-mini-failures-step"]["tags"]["mlpc:notification"] == "failures"
    for topic in (ALERTS, APPROVALS):
        policy = json.loads(moto.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"]["Policy"])
        mine = [s for s in policy["Statement"] if s.get("Sid") == "mlpc-eventbridge-publish"]
        assert len(mine) == 1 and mine[0]["Principal"] == {"Service": "events.amazonaws.com"}
        assert mine[0]["Action"] == "sns:Publish" and mine[0]["Resource"] == topic

    again = cli("upsert", project)  # converged: nothing to do, the policy is not granted twice
    assert again.exit_code == 0 and "notifications" not in again.stdout
    assert cli("diff", project).exit_code == 0


def test_patterns_match_sagemaker_events_as_documented(moto, project):
    """The deployed patterns under moto's EventBridge matcher (the one its put_events routes with; its
    TestEventPattern API is a stub), on events shaped as AWS documents them."""
    from moto.events.models import EventPattern

    setup(moto, project)
    assert cli("upsert", project).exit_code == 0
    r = rules(moto)

    def matches(rule, detail_type, detail):
        event = {"id": "1", "account": "123456789012", "source": "aws.sagemaker", "time": "2026-01-01T00:00:00Z",
                 "region": "us-east-1", "resources": [], "detail-type": detail_type, "detail": detail}
        return EventPattern.load(json.dumps(r[rule]["pattern"])).matches_event(event)

    execution = "SageMaker Model Building Pipeline Execution Status Change"
    assert matches("mlpc-mini-failures-execution", execution,
                   {"currentPipelineExecutionStatus": "Failed", "pipelineArn": PIPELINE_ARN})
    assert not matches("mlpc-mini-failures-execution", execution,
                       {"currentPipelineExecutionStatus": "Succeeded", "pipelineArn": PIPELINE_ARN})
    assert not matches("mlpc-mini-failures-execution", execution,
                       {"currentPipelineExecutionStatus": "Failed", "pipelineArn": PIPELINE_ARN + "-other"})
    assert matches("mlpc-mini-failures-step", "SageMaker Model Building Pipeline Execution Step Status Change",
                   {"currentStepStatus": "Failed", "stepName": "Train", "pipelineArn": PIPELINE_ARN})
    package = {"ModelPackageGroupName": "mini-models", "ModelPackageVersion": 2, "ModelApprovalStatus": "PendingManualApproval"}
    assert matches("mlpc-mini-approvals-model", "SageMaker Model Package State Change", package)
    assert not matches("mlpc-mini-approvals-model", "SageMaker Model Package State Change",
                       {**package, "ModelApprovalStatus": "Approved"})


def test_changes_converge_and_diff_shows_them(moto, project):
    setup(moto, project)
    assert cli("upsert", project).exit_code == 0
    text = project.read_text()
    text = text.replace("events: [execution_failed, execution_stopped, step_failed]",
                        "events: [execution_failed, execution_succeeded, step_failed]\n    enabled: false")
    text = text[:text.index("  approvals:")]
    project.write_text(text)
    diff = cli("diff", project)
    assert diff.exit_code == 2, diff.output
    assert "Notifications" in diff.stdout
    assert "~ mlpc-mini-failures-execution: events" in diff.stdout and "execution_succeeded" in diff.stdout
    assert "- mlpc-mini-approvals-model: model_pending_approval -> " + APPROVALS in diff.stdout
    dry = cli("upsert", project, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "update notification rule mlpc-mini-failures-execution" in dry.stdout
    assert "delete notification rule mlpc-mini-approvals-model" in dry.stdout
    assert sorted(rules(moto)) == RULES  # the dry run changed nothing
    up = cli("upsert", project)
    assert up.exit_code == 0, up.output
    assert "notifications deleted: mlpc-mini-approvals-model" in up.stdout
    r = rules(moto)
    assert sorted(r) == ["mlpc-mini-failures-execution", "mlpc-mini-failures-step"]
    assert r["mlpc-mini-failures-execution"]["pattern"]["detail"]["currentPipelineExecutionStatus"] == ["Failed", "Succeeded"]
    assert {x["state"] for x in r.values()} == {"DISABLED"}
    assert cli("diff", project).exit_code == 0


def test_a_new_topic_replaces_the_old_target(moto, project):
    setup(moto, project)
    assert cli("upsert", project).exit_code == 0
    edit(project, f'topics: ["{ALERTS}"]', f'topics: ["{APPROVALS}"]')
    assert cli("upsert", project).exit_code == 0
    assert rules(moto)["mlpc-mini-failures-step"]["targets"] == [APPROVALS]


def test_dry_run_on_a_new_pipeline_writes_nothing(moto, project):
    setup(moto, project)
    dry = cli("upsert", project, "--dry-run")
    assert dry.exit_code == 0, dry.output
    for rule in RULES:
        assert f"create notification rule {rule}" in dry.stdout
    assert f"allow EventBridge to publish to {ALERTS}" in dry.stdout
    assert rules(moto) == {}
    attrs = moto.client("sns").get_topic_attributes(TopicArn=ALERTS)["Attributes"]
    assert "mlpc-eventbridge-publish" not in attrs.get("Policy", "")


def test_missing_topic_is_an_error_before_anything_is_written(moto, project):
    setup(moto, project, NOTIFY.replace("ml-alerts", "no-such-topic"))
    up = cli("upsert", project)
    assert up.exit_code == 1
    assert "SNS topic arn:aws:sns:us-east-1:123456789012:no-such-topic does not exist [TopicNotFound]" in up.stderr
    assert "Traceback" not in up.output
    assert moto.sm.list_pipelines()["PipelineSummaries"] == [] and rules(moto) == {}


def test_delete_removes_the_rules_and_leaves_others(moto, project):
    setup(moto, project)
    assert cli("upsert", project).exit_code == 0
    ev = moto.client("events")
    ev.put_rule(Name="mlpc-mini-someone-elses", EventPattern=json.dumps({"source": ["aws.sagemaker"]}))
    out = cli("delete", project, "--yes")
    assert out.exit_code == 0, out.output
    assert "notification rule mlpc-mini-failures-step (step_failed -> " + ALERTS + ")" in out.stdout
    assert "3 notification rule(s)" in out.stdout
    assert [r["Name"] for r in ev.list_rules(NamePrefix="mlpc-mini")["Rules"]] == ["mlpc-mini-someone-elses"]


def test_rule_names_fit_eventbridge_and_stay_findable():
    import re

    from mlpc.notify import list_prefix, rule_name

    long = "p" * 200
    names = {rule_name(long, "failures", f) for f in ("execution", "step", "model")}
    assert len(names) == 3
    for n in names:
        assert len(n) <= 64 and re.fullmatch(r"[\.\-_A-Za-z0-9]+", n) and n.startswith(list_prefix(long))
    assert rule_name("mini", "failures", "step") == "mlpc-mini-failures-step"
