"""What mlpc creates for a pipeline besides the pipeline, marked so `mlpc delete NAME` finds it
after the pipeline itself is gone (deleted out of band, or by an earlier `mlpc delete`).

Upsert writes two marks before it creates or updates the pipeline:
- the tags mlpc:pipeline=NAME and mlpc:bucket=BUCKET on the model package groups its RegisterModel
  steps use (a missing group is created with them, an untagged existing one is adopted, a group
  that another pipeline's tag claims is left alone), and on its schedule group and notification rules;
- a deploy record, s3://BUCKET/NAME/.mlpc/deploy.json: the groups and the S3 inputs the pipeline
  reads, so `delete --artifacts` keeps the inputs without the definition.
Delete finds the groups with SageMaker Search on the tag, the bucket in any tagged resource's
mlpc:bucket, and the inputs in the record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .names import TAG_BUCKET, TAG_PIPELINE, group_name, record_key
from .session import aws_errors, error_code

RECORD_VERSION = 1
ABSENT_CODES = ("ResourceNotFound", "ValidationException")
RECORD_UNREADABLE = ("NoSuchKey", "404", "NoSuchBucket", "NotFound", "AccessDenied", "403")  # then the prefix is kept
INPUT_CONTAINERS = ("ProcessingInputs", "InputDataConfig", "TransformInput")


def owner_tags(name: str, bucket: str) -> dict:
    return {TAG_PIPELINE: name, TAG_BUCKET: bucket}


def tag_list(tags: dict) -> list:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def input_uris(definition: dict) -> list:
    """S3 URIs the pipeline reads as inputs: String parameter defaults and literal input URIs."""
    from .diff import flatten_steps

    out = [p["DefaultValue"] for p in (definition or {}).get("Parameters") or []
           if isinstance(p.get("DefaultValue"), str) and p["DefaultValue"].startswith("s3://")]

    def walk(value, inside: bool):
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "S3Uri" and inside and isinstance(v, str) and v.startswith("s3://"):
                    out.append(v)
                walk(v, inside or k in INPUT_CONTAINERS)
        elif isinstance(value, list):
            for v in value:
                walk(v, inside)

    for step in flatten_steps(definition or {}).values():
        walk(step.get("Arguments") or {}, False)
    return sorted(set(out))


# ------------------------------------------------------------------ upsert: mark

@dataclass(frozen=True)
class OwnershipPlan:
    name: str
    bucket: str
    tags: dict
    create: tuple  # groups to create, tagged
    adopt: tuple  # (group, arn): existing groups without an mlpc:pipeline tag, to tag
    foreign: tuple  # (group, other pipeline): tagged for another pipeline, left alone
    record: dict
    write_record: bool


def group_tags(sm, group: str) -> tuple | None:
    """(arn, tags) of a model package group, or None when it does not exist. AWS answers a missing
    group with ValidationException, as it does other mistakes: absence is confirmed by listing."""
    from botocore.exceptions import ClientError  # not at module level, as in the other deploy modules

    with aws_errors():
        try:
            arn = sm.describe_model_package_group(ModelPackageGroupName=group)["ModelPackageGroupArn"]
        except ClientError as exc:
            if error_code(exc) in ABSENT_CODES and not _group_listed(sm, group):
                return None
            raise
        tags = {}
        for page in sm.get_paginator("list_tags").paginate(ResourceArn=arn):
            tags.update({t["Key"]: t["Value"] for t in page.get("Tags", [])})
    return arn, tags


def _group_listed(sm, group: str) -> bool:
    for page in sm.get_paginator("list_model_package_groups").paginate(NameContains=group):
        if any(g.get("ModelPackageGroupName") == group for g in page.get("ModelPackageGroupSummaryList", [])):
            return True
    return False


def plan_ownership(aws, result) -> OwnershipPlan:
    """Reads only: which groups to create or tag, and whether the deploy record changes."""
    from ..definition import register_groups

    pipe = result.pipeline
    tags = owner_tags(pipe.name, pipe.bucket)
    create, adopt, foreign, claimed = [], [], [], []
    for group in register_groups(result.definition).names:
        found = group_tags(aws.sagemaker, group)
        if found is None:
            create.append(group)
        elif found[1].get(TAG_PIPELINE) in (None, pipe.name):
            if any(found[1].get(k) != v for k, v in tags.items()):
                adopt.append((group, found[0]))
        else:
            foreign.append((group, found[1][TAG_PIPELINE]))
            continue
        claimed.append(group)
    current = read_record(aws.s3, pipe.bucket, pipe.name) or {}
    groups = sorted(set(claimed) | set(current.get("model_package_groups") or []))
    record = {"mlpc_deploy_record": RECORD_VERSION, "pipeline": pipe.name, "bucket": pipe.bucket,
              "region": pipe.region, "model_package_groups": groups, "schedule_group": group_name(pipe.name),
              "inputs": [u for u in input_uris(result.definition)
                         if not u.startswith(f"s3://{pipe.bucket}/{pipe.name}/code/")]}  # not mlpc's code uploads
    return OwnershipPlan(pipe.name, pipe.bucket, tags, tuple(create), tuple(adopt), tuple(foreign), record,
                         record != current)


def apply_ownership(aws, plan: OwnershipPlan) -> None:
    """The record first, then the groups: whatever exists is findable from the tags or the record."""
    from .upload import put_text

    if plan.write_record:
        put_text(aws.s3, plan.bucket, record_key(plan.name), json.dumps(plan.record, indent=2, sort_keys=True))
    with aws_errors():
        for group in plan.create:
            aws.sagemaker.create_model_package_group(
                ModelPackageGroupName=group, Tags=tag_list(plan.tags),
                ModelPackageGroupDescription=f"Model versions registered by the mlpc pipeline {plan.name}"[:1024])
        for _, arn in plan.adopt:
            aws.sagemaker.add_tags(ResourceArn=arn, Tags=tag_list(plan.tags))


def describe_ownership(plan: OwnershipPlan) -> list:
    mark = ", ".join(f"{k}={v}" for k, v in sorted(plan.tags.items()))
    lines = [f"create model package group {g} (tagged {mark})" for g in plan.create]
    lines += [f"tag model package group {g} {mark} (it exists without them)" for g, _ in plan.adopt]
    lines += [f"leave model package group {g} as is: its {TAG_PIPELINE} tag names pipeline {other}"
              for g, other in plan.foreign]
    if plan.write_record:
        lines.append(f"write the deploy record s3://{plan.bucket}/{record_key(plan.name)} "
                     "(model package groups and pipeline inputs, for mlpc delete)")
    return lines


# ------------------------------------------------------------------ delete: find

def find_groups(sm, name: str) -> dict:
    """group -> tags of the model package groups tagged mlpc:pipeline=NAME (SageMaker Search)."""
    out = {}
    expr = {"Filters": [{"Name": f"Tags.{TAG_PIPELINE}", "Operator": "Equals", "Value": name}]}
    with aws_errors():
        for page in sm.get_paginator("search").paginate(Resource="ModelPackageGroup", SearchExpression=expr):
            for hit in page.get("Results", []):
                group = hit.get("ModelPackageGroup") or {}
                tags = {t["Key"]: t["Value"] for t in group.get("Tags", [])}
                if tags.get(TAG_PIPELINE) == name and group.get("ModelPackageGroupName"):
                    out[group["ModelPackageGroupName"]] = tags
    return out


def schedule_group_tags(sch, name: str) -> dict:
    """The tags of the pipeline's schedule group; {} when it does not exist."""
    from botocore.exceptions import ClientError  # not at module level, as in the other deploy modules

    with aws_errors():
        try:
            arn = sch.get_schedule_group(Name=group_name(name))["Arn"]
        except ClientError as exc:
            if error_code(exc) == "ResourceNotFoundException":
                return {}
            raise
        return {t["Key"]: t["Value"] for t in sch.list_tags_for_resource(ResourceArn=arn).get("Tags", [])}


def bucket_from_tags(*tag_sets) -> str | None:
    """The first mlpc:bucket among the tag sets (groups, schedule group, rules)."""
    return next((tags[TAG_BUCKET] for tags in tag_sets if tags.get(TAG_BUCKET)), None)


def read_record(s3, bucket: str | None, name: str) -> dict | None:
    """The deploy record, or None when it (or the bucket) is not there or is not mlpc's JSON."""
    from botocore.exceptions import ClientError  # not at module level, as in the other deploy modules

    if not bucket:
        return None
    with aws_errors():
        try:
            body = s3.get_object(Bucket=bucket, Key=record_key(name))["Body"].read()
        except ClientError as exc:
            if error_code(exc) in RECORD_UNREADABLE:
                return None
            raise
    try:
        record = json.loads(body)
    except ValueError:
        return None
    ok = isinstance(record, dict) and record.get("pipeline") == name and isinstance(record.get("inputs"), list)
    return record if ok else None
