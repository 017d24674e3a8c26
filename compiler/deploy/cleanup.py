"""`mlpc delete`: the pipeline, its schedules and notification rules, optionally its model package versions
and its S3 prefix.

Plan from reads, show it, then apply in an order that stops triggers first
(schedules, pipeline, packages, artifacts). Everything already gone is
skipped, so rerunning after a failure converges.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import notifications, registry
from .pipelines import TAG_BUCKET, delete_pipeline, get_deployed
from .schedules import delete_schedule_group, group_name, read_group
from .session import aws_errors


@dataclass(frozen=True)
class DeletePlan:
    name: str
    pipeline_arn: str | None
    schedules: tuple  # names in the pipeline's group
    schedule_group: str | None  # the group, when it exists
    packages: dict  # group -> (arn, ...)
    bucket: str | None
    prefix: str | None
    objects: int
    rules: dict = None  # notification rule name -> spec as deployed

    @property
    def empty(self) -> bool:
        return not (self.pipeline_arn or self.schedule_group or any(self.packages.values()) or self.objects
                    or self.rules)


def plan_delete(aws, name: str, definition: dict | None = None, bucket: str | None = None,
                model_packages: bool = False, artifacts: bool = False) -> DeletePlan:
    """definition/bucket come from the YAML when deleting by FILE; otherwise from the deployed pipeline."""
    deployed = get_deployed(aws.sagemaker, name)
    if deployed is not None:
        definition = deployed.definition if definition is None else definition
        bucket = bucket or deployed.tags.get(TAG_BUCKET)
    group_exists, scheds = read_group(aws.scheduler, name)
    rules = notifications.deployed_if_allowed(aws.events, name) or {}
    packages = {}
    if model_packages:
        for group in registry.register_groups(definition or {}):
            arns = registry.list_package_arns(aws.sagemaker, group)
            packages[group] = tuple(arns)
    prefix = f"{name}/" if artifacts and bucket else None
    objects = count_prefix(aws.s3, bucket, prefix) if prefix else 0
    return DeletePlan(name, deployed.arn if deployed else None, tuple(sorted(scheds)),
                      group_name(name) if group_exists else None, packages, bucket, prefix, objects, rules)


def describe_delete(plan: DeletePlan) -> list:
    lines = []
    if plan.schedule_group:
        lines.append(f"schedule group {plan.schedule_group} ({len(plan.schedules)} schedule(s): "
                     f"{', '.join(plan.schedules) or 'none'})")
    for rule, spec in sorted((plan.rules or {}).items()):
        lines.append(f"notification rule {rule} ({', '.join(spec['events'])} -> {', '.join(spec['topics'])})")
    if plan.pipeline_arn:
        lines.append(f"pipeline {plan.name} ({plan.pipeline_arn})")
    for group, arns in sorted(plan.packages.items()):
        lines.append(f"model package group {group} and its {len(arns)} version(s)")
    if plan.prefix:
        lines.append(f"{plan.objects} object(s) under s3://{plan.bucket}/{plan.prefix}")
    return lines


def apply_delete(aws, plan: DeletePlan) -> dict:
    done = {"schedules": 0, "notifications": 0, "pipeline": False, "model_packages": 0, "objects": 0}
    if plan.schedule_group:
        done["schedules"] = delete_schedule_group(aws.scheduler, plan.name)
    if plan.rules:
        done["notifications"] = notifications.delete_all(aws.events, plan.name, plan.rules)
    done["pipeline"] = delete_pipeline(aws.sagemaker, plan.name)
    for group, arns in sorted(plan.packages.items()):
        done["model_packages"] += registry.delete_group(aws.sagemaker, group, list(arns))
    if plan.prefix:
        done["objects"] = delete_prefix(aws.s3, plan.bucket, plan.prefix)
    return done


def count_prefix(s3, bucket: str, prefix: str) -> int:
    n = 0
    with aws_errors():
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            n += len(page.get("Contents", []))
    return n


def delete_prefix(s3, bucket: str, prefix: str) -> int:
    n = 0
    with aws_errors():
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            for i in range(0, len(keys), 1000):
                s3.delete_objects(Bucket=bucket, Delete={"Objects": keys[i:i + 1000], "Quiet": True})
                n += len(keys[i:i + 1000])
    return n
