"""The YAML's schedules as EventBridge Scheduler schedules that start the pipeline.

Each pipeline owns one schedule group, named deterministically from the
pipeline name (`mlpc-<pipeline>`), holding one schedule per YAML entry under
the same name. Converging is then a set comparison inside that group: create
what is new, update what differs, delete what left the YAML. Deleting the
pipeline deletes the group.
"""

from __future__ import annotations

from dataclasses import dataclass

from .names import TAG_BUCKET, TAG_PIPELINE, group_name
from .session import aws_errors, error_code, unless_denied

ABSENT_CODES = ("ResourceNotFoundException",)


def param_text(value) -> str:
    """A parameter value as the API carries it (strings); booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def spec_from_model(schedule) -> dict:
    """A YAML schedule (mlpc.model.Schedule) in the comparable form `diff` and converge use."""
    return {"expression": schedule.expression, "timezone": schedule.timezone or "UTC",
            "parameters": {k: param_text(v) for k, v in schedule.parameters},
            "enabled": bool(schedule.enabled), "description": schedule.description or None}


def specs_from_pipeline(pipeline) -> dict:
    return {name: spec_from_model(s) for name, s in sorted((pipeline.schedules or {}).items())}


def deployed_schedules(sch, pipeline: str) -> dict:
    """name -> comparable spec (+ target and role) of the schedules in the pipeline's group."""
    return read_group(sch, pipeline)[1]


def deployed_schedules_if_allowed(sch, pipeline: str) -> dict | None:
    """Like deployed_schedules, but None (not compared) when the credentials may not read schedules."""
    return unless_denied(deployed_schedules, sch, pipeline)


def read_group(sch, pipeline: str) -> tuple:
    """(group exists, {name: spec + target + role}) for the pipeline's schedule group."""
    from botocore.exceptions import ClientError  # not at module level: offline commands import this module

    group = group_name(pipeline)
    out = {}
    with aws_errors():
        try:
            sch.get_schedule_group(Name=group)
        except ClientError as exc:
            if error_code(exc) in ABSENT_CODES:
                return False, {}
            raise
        for page in sch.get_paginator("list_schedules").paginate(GroupName=group):
            for summary in page.get("Schedules", []):
                s = sch.get_schedule(GroupName=group, Name=summary["Name"])
                target = s.get("Target") or {}
                params = (target.get("SageMakerPipelineParameters") or {}).get("PipelineParameterList") or []
                out[s["Name"]] = {
                    "expression": s.get("ScheduleExpression"), "timezone": s.get("ScheduleExpressionTimezone") or "UTC",
                    "parameters": {p["Name"]: p["Value"] for p in params},
                    "enabled": s.get("State", "ENABLED") == "ENABLED", "description": s.get("Description") or None,
                    "target": target.get("Arn"), "role": target.get("RoleArn"),
                }
    return True, out


@dataclass(frozen=True)
class SchedulePlan:
    group: str
    group_exists: bool
    create: tuple  # names
    update: tuple
    delete: tuple
    unchanged: tuple
    desired: dict  # name -> spec
    roles: dict  # name -> the role EventBridge Scheduler assumes to start the pipeline
    tags: dict = None  # on the group when it is created: mlpc delete NAME reads the bucket from them


def plan_schedules(sch, pipeline, role: str, pipeline_arn: str | None, override: str | None = None) -> SchedulePlan:
    """`role` is the fallback (the pipeline's role); a schedule's own `role:` beats it, and
    `override` (--schedule-role) beats both."""
    desired = specs_from_pipeline(pipeline)
    roles = {n: override or s.role or role for n, s in (pipeline.schedules or {}).items()}
    group = group_name(pipeline.name)
    if desired:
        group_exists, current = read_group(sch, pipeline.name)
    else:  # no schedules wanted, and none readable: nothing to converge
        group_exists, current = unless_denied(read_group, sch, pipeline.name, default=(False, {}))
    create = tuple(n for n in desired if n not in current)
    delete = tuple(sorted(n for n in current if n not in desired))
    update, unchanged = [], []
    for name in desired:
        if name in current:
            cur = current[name]
            same = all(cur[k] == desired[name][k] for k in desired[name]) and cur["role"] == roles[name] \
                and (pipeline_arn is None or cur["target"] == pipeline_arn)
            (unchanged if same else update).append(name)
    tags = {TAG_PIPELINE: pipeline.name, TAG_BUCKET: pipeline.bucket}
    return SchedulePlan(group, group_exists, create, tuple(update), delete, tuple(unchanged), desired, roles, tags)


def schedule_request(group: str, name: str, spec: dict, pipeline_arn: str, role: str) -> dict:
    target = {"Arn": pipeline_arn, "RoleArn": role,
              "SageMakerPipelineParameters": {"PipelineParameterList": [
                  {"Name": k, "Value": v} for k, v in sorted(spec["parameters"].items())]}}
    req = {"GroupName": group, "Name": name, "ScheduleExpression": spec["expression"],
           "ScheduleExpressionTimezone": spec["timezone"], "FlexibleTimeWindow": {"Mode": "OFF"},
           "State": "ENABLED" if spec["enabled"] else "DISABLED", "Target": target}
    if spec.get("description"):
        req["Description"] = spec["description"]
    return req


def apply_schedules(sch, plan: SchedulePlan, pipeline_arn: str) -> None:
    from botocore.exceptions import ClientError  # not at module level: offline commands import this module

    with aws_errors():
        if (plan.create or plan.update) and not plan.group_exists:
            tags = [{"Key": k, "Value": v} for k, v in sorted((plan.tags or {}).items())]
            sch.create_schedule_group(Name=plan.group, Tags=tags)
        for name in plan.create:
            sch.create_schedule(**schedule_request(plan.group, name, plan.desired[name], pipeline_arn, plan.roles[name]))
        for name in plan.update:
            sch.update_schedule(**schedule_request(plan.group, name, plan.desired[name], pipeline_arn, plan.roles[name]))
        for name in plan.delete:
            try:
                sch.delete_schedule(GroupName=plan.group, Name=name)
            except ClientError as exc:
                if error_code(exc) not in ABSENT_CODES:
                    raise


def delete_schedule_group(sch, pipeline: str) -> int:
    """Delete the pipeline's schedules and their group; returns how many schedules there were."""
    from botocore.exceptions import ClientError  # not at module level: offline commands import this module

    group = group_name(pipeline)
    exists, current = read_group(sch, pipeline)
    if not exists:
        return 0
    with aws_errors():
        for name in current:
            sch.delete_schedule(GroupName=group, Name=name)
        try:
            sch.delete_schedule_group(Name=group)
        except ClientError as exc:
            if error_code(exc) not in ABSENT_CODES:
                raise
    return len(current)


def describe_schedule_plan(plan: SchedulePlan) -> list:
    lines = []
    for verb, names in (("create", plan.create), ("update", plan.update), ("delete", plan.delete)):
        for n in names:
            spec = plan.desired.get(n)
            detail = f" {spec['expression']} {spec['timezone']}" if spec else ""
            lines.append(f"{verb} schedule: {plan.group}/{n}{detail}")
    return lines
