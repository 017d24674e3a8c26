"""The YAML's notifications as EventBridge rules with SNS targets, converged like schedules.

A pipeline's rules are found by name prefix and confirmed by their `mlpc:pipeline` tag, so
converging is a set comparison: create what is new, update what differs (pattern, targets,
state, description), delete what left the YAML. Each SNS topic must let EventBridge publish:
when its policy does not, upsert adds one statement (Sid mlpc-eventbridge-publish) allowing
events.amazonaws.com to publish from this account's mlpc-* rules; delete leaves topics alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from botocore.exceptions import ClientError

from ..notify import event_pattern, list_prefix, rule_specs, spec_from_pattern
from .names import TAG_BUCKET, TAG_PIPELINE
from .session import AwsError, aws_errors, error_code, unless_denied

ABSENT_CODES = ("ResourceNotFoundException",)
TOPIC_ABSENT = ("NotFound", "NotFoundException")
TAG_NOTIFICATION = "mlpc:notification"
SID = "mlpc-eventbridge-publish"
COMPARED = ("events", "topics", "groups", "enabled", "description")


def read_rules(ev, pipeline: str) -> dict:
    """name -> comparable spec (+ pipeline_arn, arn) of the deployed rules of this pipeline."""
    out = {}
    with aws_errors():
        for page in ev.get_paginator("list_rules").paginate(NamePrefix=list_prefix(pipeline)):
            for rule in page.get("Rules", []):
                tags = {t["Key"]: t["Value"] for t in ev.list_tags_for_resource(ResourceARN=rule["Arn"]).get("Tags", [])}
                if tags.get(TAG_PIPELINE) != pipeline:
                    continue
                targets = ev.list_targets_by_rule(Rule=rule["Name"]).get("Targets", [])
                pattern = json.loads(rule.get("EventPattern") or "{}")
                spec = spec_from_pattern(pattern)
                out[rule["Name"]] = {"notification": tags.get(TAG_NOTIFICATION), "family": spec["family"],
                                     "events": spec["events"], "topics": sorted(t["Arn"] for t in targets),
                                     "groups": spec["groups"], "enabled": rule.get("State") == "ENABLED",
                                     "description": rule.get("Description") or None,
                                     "pipeline_arn": spec["pipeline_arn"], "arn": rule["Arn"],
                                     "target_ids": sorted(t["Id"] for t in targets), "tags": tags}
    return out


def deployed_if_allowed(ev, pipeline: str) -> dict | None:
    """Like read_rules, but None (not compared) when the credentials may not read rules."""
    return unless_denied(read_rules, ev, pipeline)


@dataclass(frozen=True)
class NotificationPlan:
    create: tuple
    update: tuple
    delete: tuple
    unchanged: tuple
    desired: dict  # rule name -> spec
    grant: tuple  # topic ARNs whose policy must let EventBridge publish
    current: dict
    bucket: str | None = None  # tagged mlpc:bucket on each rule, so `mlpc delete NAME` finds it without the pipeline


def plan_notifications(aws, pipeline, definition: dict, pipeline_arn: str | None) -> NotificationPlan:
    desired = rule_specs(pipeline, definition)
    if desired:
        current = read_rules(aws.events, pipeline.name)
    else:  # no rules wanted, and none readable: nothing to converge
        current = unless_denied(read_rules, aws.events, pipeline.name, default={})
    create = tuple(n for n in desired if n not in current)
    delete = tuple(sorted(n for n in current if n not in desired))
    update, unchanged = [], []
    for name in desired:
        if name in current:
            cur = current[name]
            same = all(cur[k] == desired[name][k] for k in COMPARED) and (
                desired[name]["family"] == "model" or pipeline_arn is None or cur["pipeline_arn"] == pipeline_arn)
            (unchanged if same else update).append(name)
    topics = sorted({t for s in desired.values() for t in s["topics"]})
    grant = tuple(t for t in topics if not _topic_allows_events(aws.sns, t))
    return NotificationPlan(create, tuple(update), delete, tuple(unchanged), desired, grant, current, pipeline.bucket)


def _topic_policy(sns, topic: str) -> dict:
    with aws_errors():
        try:
            attrs = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
        except ClientError as exc:
            if error_code(exc) in TOPIC_ABSENT:
                raise AwsError(f"SNS topic {topic} does not exist", "create it, or fix the ARN under notifications:",
                               "TopicNotFound") from None
            raise
    return json.loads(attrs.get("Policy") or '{"Version": "2012-10-17", "Statement": []}')


def _allows(statement: dict) -> bool:
    principal = (statement.get("Principal") or {})
    services = principal.get("Service", []) if isinstance(principal, dict) else []
    services = [services] if isinstance(services, str) else services
    actions = statement.get("Action", [])
    actions = [actions] if isinstance(actions, str) else actions
    return statement.get("Effect") == "Allow" and "events.amazonaws.com" in services and \
        any(a in ("sns:Publish", "sns:*", "*") for a in actions)


def _topic_allows_events(sns, topic: str) -> bool:
    return any(_allows(s) for s in _topic_policy(sns, topic).get("Statement", []))


def grant_statement(topic: str) -> dict:
    partition, account = topic.split(":")[1], topic.split(":")[4]
    return {"Sid": SID, "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish",
            "Resource": topic,
            "Condition": {"ArnLike": {"aws:SourceArn": f"arn:{partition}:events:*:{account}:rule/mlpc-*"}}}


def _put(ev, pipeline: str, name: str, spec: dict, pipeline_arn: str, create: bool, current: dict | None,
         bucket: str | None) -> None:
    req = {"Name": name, "EventPattern": json.dumps(event_pattern(spec, pipeline_arn), sort_keys=True),
           "State": "ENABLED" if spec["enabled"] else "DISABLED", "Description": spec["description"]}
    tags = [{"Key": TAG_PIPELINE, "Value": pipeline}, {"Key": TAG_NOTIFICATION, "Value": spec["notification"]}]
    tags += [{"Key": TAG_BUCKET, "Value": bucket}] if bucket else []
    if create:
        ev.put_rule(**req, Tags=tags)
    else:
        arn = ev.put_rule(**req)["RuleArn"]
        ev.tag_resource(ResourceARN=arn, Tags=tags)
    targets = [{"Id": target_id(t), "Arn": t} for t in spec["topics"]]
    ev.put_targets(Rule=name, Targets=targets)
    stale = sorted(set((current or {}).get("target_ids", [])) - {t["Id"] for t in targets})
    if stale:
        ev.remove_targets(Rule=name, Ids=stale)


def target_id(topic: str) -> str:
    """Stable per topic ARN, within EventBridge's 64 characters of [.-_A-Za-z0-9]."""
    import hashlib

    return f"sns-{topic.rsplit(':', 1)[-1][:40]}-{hashlib.sha256(topic.encode()).hexdigest()[:8]}"


def _delete_rule(ev, name: str, target_ids) -> None:
    try:
        if target_ids:
            ev.remove_targets(Rule=name, Ids=list(target_ids))
        ev.delete_rule(Name=name)
    except ClientError as exc:
        if error_code(exc) not in ABSENT_CODES:
            raise


def apply_notifications(aws, pipeline: str, plan: NotificationPlan, pipeline_arn: str) -> None:
    ev, sns = aws.events, aws.sns
    with aws_errors():
        for topic in plan.grant:
            policy = _topic_policy(sns, topic)
            policy["Statement"] = [s for s in policy.get("Statement", []) if s.get("Sid") != SID] + [grant_statement(topic)]
            sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(policy))
        for name in plan.create:
            _put(ev, pipeline, name, plan.desired[name], pipeline_arn, True, None, plan.bucket)
        for name in plan.update:
            _put(ev, pipeline, name, plan.desired[name], pipeline_arn, False, plan.current.get(name), plan.bucket)
        for name in plan.delete:
            _delete_rule(ev, name, plan.current[name].get("target_ids"))


def delete_all(ev, pipeline: str, current: dict | None = None) -> int:
    """Delete every rule of the pipeline; returns how many there were."""
    current = read_rules(ev, pipeline) if current is None else current
    with aws_errors():
        for name, spec in current.items():
            _delete_rule(ev, name, spec.get("target_ids"))
    return len(current)


def describe_notification_plan(plan: NotificationPlan) -> list:
    lines = [f"allow EventBridge to publish to {t} (topic policy statement {SID})" for t in plan.grant]
    for verb, names in (("create", plan.create), ("update", plan.update), ("delete", plan.delete)):
        for n in names:
            spec = plan.desired.get(n) or plan.current.get(n) or {}
            detail = f": {', '.join(spec.get('events', []))} -> {', '.join(spec.get('topics', []))}" if spec else ""
            lines.append(f"{verb} notification rule {n}{detail}")
    return lines
