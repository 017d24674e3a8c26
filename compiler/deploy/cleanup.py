"""`mlpc delete`: the pipeline, its schedules and notification rules, optionally its model package
versions, its S3 prefix and its CI stack.

Plan from reads, show it, then apply in an order that stops triggers first (schedules, notification
rules, running executions), then S3 objects, model packages, the CI stack, the deploy record, and
the pipeline LAST: its definition and tags say what else belongs to it, so a rerun after a partial
failure still finds everything. Without the pipeline (deleted out of band, or by an earlier delete),
what upsert marked is found by name (ownership.py): model package groups tagged mlpc:pipeline=NAME
(SageMaker Search), the bucket in their mlpc:bucket tag (or the schedule group's, or a notification
rule's), the pipeline's inputs in the deploy record; and by name alone the schedule group mlpc-NAME,
the notification rules and the CI stack mlpc-ci-NAME. Everything already gone is skipped, so reruns
converge. A group whose mlpc:pipeline tag names another pipeline is kept.

--artifacts deletes under s3://BUCKET/PIPELINE/ but keeps the prefixes the pipeline reads as
inputs (parameter defaults, processing/training/transform inputs), unless one is named with
--include-input: raw data often lives under the same prefix. Without the definition or the record
the inputs are unknown, and the prefix is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..definition import register_groups
from . import notifications, ownership, registry
from .ci_stack import delete_ci_stack, find_ci_stack
from .names import TAG_BUCKET, TAG_PIPELINE, record_key
from .pipelines import delete_pipeline, get_deployed
from .schedules import delete_schedule_group, group_name, read_group
from .session import AwsError, aws_errors, unless_denied

RUNNING = ("Executing", "Stopping")


@dataclass(frozen=True)
class DeletePlan:
    name: str
    pipeline_arn: str | None
    schedules: tuple  # names in the pipeline's group
    schedule_group: str | None  # the group, when it exists
    packages: dict  # existing group -> ((arn, version, status), ...)
    bucket: str | None
    prefix: str | None
    objects: int
    kept_inputs: tuple = ()  # ((s3 uri, objects kept), ...)
    running: tuple = ()  # ARNs of executions still running
    ci_stack: dict | None = None
    rules: dict = None  # notification rule name -> spec as deployed
    left: tuple = ()  # lines: what mlpc created for the pipeline that the options given do not delete
    notes: tuple = ()  # lines: what could not be found, and how to find it

    @property
    def empty(self) -> bool:
        return not (self.pipeline_arn or self.schedule_group or self.packages or self.objects
                    or self.ci_stack or self.rules)


def protected_prefixes(inputs: list, bucket: str, name: str, include: tuple) -> list:
    """Input URIs under s3://BUCKET/NAME/ that --artifacts keeps: inputs, minus mlpc's own code
    uploads and whatever --include-input names."""
    out = []
    for uri in inputs:
        if not uri.startswith(f"s3://{bucket}/{name}/") or uri.startswith(f"s3://{bucket}/{name}/code/"):
            continue
        if any(uri.startswith(i.rstrip("/")) for i in include):
            continue
        out.append(uri)
    return out


def plan_delete(aws, name: str, definition: dict | None = None, bucket: str | None = None,
                model_packages: bool = False, artifacts: bool = False, include_inputs: tuple = (),
                ci: bool = False) -> DeletePlan:
    """definition/bucket come from the YAML when deleting by FILE; otherwise from the deployed pipeline,
    and when that is gone, from what upsert marked (ownership): tagged groups, tags, the deploy record."""
    from .executions import list_executions

    deployed = get_deployed(aws.sagemaker, name)
    running = ()
    if deployed is not None:
        definition = deployed.definition if definition is None else definition
        bucket = bucket or deployed.tags.get(TAG_BUCKET)
        running = tuple(e["arn"] for e in list_executions(aws.sagemaker, name, 100) if e["status"] in RUNNING)
    group_exists, scheds = read_group(aws.scheduler, name)
    rules = notifications.deployed_if_allowed(aws.events, name) or {}
    packages, left, notes = {}, [], []
    tagged = unless_denied(ownership.find_groups, aws.sagemaker, name)
    if tagged is None:
        tagged = {}
        notes.append(f"not allowed to search for model package groups tagged {TAG_PIPELINE}={name} "
                     "(sagemaker:Search): only the definition's and the deploy record's groups are known")
    if not bucket:
        sched_tags = ownership.schedule_group_tags(aws.scheduler, name) if group_exists else {}
        bucket = ownership.bucket_from_tags(*tagged.values(), sched_tags, *(r.get("tags", {}) for r in rules.values()))
    record = ownership.read_record(aws.s3, bucket, name)
    groups = set(tagged) | set(register_groups(definition).names) | \
        set((record or {}).get("model_package_groups") or [])
    for group in sorted(groups):
        tags = tagged.get(group)
        if tags is None:
            found = ownership.group_tags(aws.sagemaker, group)
            if found is None:
                continue  # not created yet, or already deleted
            tags = found[1]
        if tags.get(TAG_PIPELINE) not in (None, name):
            notes.append(f"model package group {group} is kept: its {TAG_PIPELINE} tag names pipeline "
                         f"{tags[TAG_PIPELINE]}, which registers into it too")
            continue
        versions = tuple(registry.list_packages(aws.sagemaker, group))
        if model_packages:
            packages[group] = versions
        else:
            left.append(f"model package group {group} ({len(versions)} version(s)): --model-packages deletes it")
    inputs = ownership.input_uris(definition) if definition is not None else (record or {}).get("inputs")
    prefix, objects, kept = None, 0, ()
    if artifacts and not bucket:
        notes.append(f"no bucket is known for {name}'s artifacts (the pipeline is gone and nothing mlpc tagged for it "
                     "names one): pass the pipeline FILE to delete them")
    elif artifacts and inputs is None:
        notes.append(f"s3://{bucket}/{name}/ is kept: without the pipeline or its deploy record "
                     f"(s3://{bucket}/{record_key(name)}) its inputs can't be told apart; pass the pipeline FILE")
    elif artifacts:
        prefix = f"{name}/"
        protected = protected_prefixes(inputs, bucket, name, tuple(include_inputs))
        keys = list_keys(aws.s3, bucket, prefix)
        kept = tuple((uri, sum(1 for k in keys if _under(k, bucket, uri))) for uri in protected)
        objects = sum(1 for k in keys if not any(_under(k, bucket, uri) for uri in protected))
    elif record is not None:
        left.append(f"objects under s3://{bucket}/{name}/ (its deploy record among them): --artifacts deletes them")
    stack = find_ci_stack(aws.client("cloudformation"), name) if ci else None
    return DeletePlan(name, deployed.arn if deployed else None, tuple(sorted(scheds)),
                      group_name(name) if group_exists else None, packages, bucket, prefix, objects, kept, running,
                      stack, rules, tuple(left), tuple(notes))


def _under(key: str, bucket: str, uri: str) -> bool:
    return f"s3://{bucket}/{key}".startswith(uri)


def describe_delete(plan: DeletePlan) -> list:
    lines = []
    if plan.running:
        lines.append(f"stop {len(plan.running)} running execution(s): "
                     + ", ".join(a.rsplit("/", 1)[-1] for a in plan.running))
    if plan.schedule_group:
        lines.append(f"schedule group {plan.schedule_group} ({len(plan.schedules)} schedule(s): "
                     f"{', '.join(plan.schedules) or 'none'})")
    for rule, spec in sorted((plan.rules or {}).items()):
        lines.append(f"notification rule {rule} ({', '.join(spec['events'])} -> {', '.join(spec['topics'])})")
    for group, pkgs in sorted(plan.packages.items()):
        lines.append(f"model package group {group} and its {len(pkgs)} version(s)")
        approved = [str(v) for _, v, status in pkgs if status == "Approved"]
        if approved:
            lines.append(f"  APPROVED, possibly deployed: {group} version(s) {', '.join(approved)}")
    if plan.prefix:
        lines.append(f"{plan.objects} object(s) under s3://{plan.bucket}/{plan.prefix}")
        for uri, count in plan.kept_inputs:
            lines.append(f"  keeping {count} object(s) under {uri}: a pipeline input (--include-input {uri} deletes it)")
    if plan.ci_stack:
        lines.append(f"CloudFormation stack {plan.ci_stack['name']} (the CodePipeline, its CodeBuild projects and "
                     f"roles) and its artifact bucket(s) {', '.join(plan.ci_stack['buckets']) or '(none)'}")
    if plan.pipeline_arn:
        lines.append(f"pipeline {plan.name} ({plan.pipeline_arn}), last")
    return lines


def apply_delete(aws, plan: DeletePlan, stop_running: bool = False) -> dict:
    if plan.running and not stop_running:
        raise AwsError(f"pipeline '{plan.name}' has {len(plan.running)} running execution(s)",
                       "stop them first (mlpc stop NAME EXECUTION_ID), or pass --stop-executions", "ExecutionsRunning")
    done = {"schedules": 0, "notifications": 0, "stopped": 0, "pipeline": False, "model_packages": 0, "objects": 0,
            "ci_stack": False}
    if plan.schedule_group:
        done["schedules"] = delete_schedule_group(aws.scheduler, plan.name)
    if plan.rules:
        done["notifications"] = notifications.delete_all(aws.events, plan.name, plan.rules)
    from .executions import stop_execution

    for arn in plan.running:
        stop_execution(aws.sagemaker, arn)
        done["stopped"] += 1
    record = record_key(plan.name)
    if plan.prefix:  # before the groups: while they exist, their tags name the bucket to a rerun
        keep = tuple(uri for uri, _ in plan.kept_inputs) + (f"s3://{plan.bucket}/{record}",)
        done["objects"] = delete_prefix(aws.s3, plan.bucket, plan.prefix, keep)
    for group, pkgs in sorted(plan.packages.items()):
        done["model_packages"] += registry.delete_group(aws.sagemaker, group, [arn for arn, _, _ in pkgs])
    if plan.ci_stack:
        done["objects"] += delete_ci_stack(aws.client("cloudformation"), aws.s3, plan.ci_stack)
        done["ci_stack"] = True
    if plan.prefix and list_keys(aws.s3, plan.bucket, record):  # the deploy record last but the pipeline
        done["objects"] += delete_prefix(aws.s3, plan.bucket, record)
    done["pipeline"] = delete_pipeline(aws.sagemaker, plan.name)  # last: it records what else belongs to it
    return done


def list_keys(s3, bucket: str, prefix: str) -> list:
    keys = []
    with aws_errors():
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys += [o["Key"] for o in page.get("Contents", [])]
    return keys


def delete_prefix(s3, bucket: str, prefix: str, keep: tuple = ()) -> int:
    keys = [{"Key": k} for k in list_keys(s3, bucket, prefix) if not any(_under(k, bucket, uri) for uri in keep)]
    with aws_errors():
        for i in range(0, len(keys), 1000):
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys[i:i + 1000], "Quiet": True})
    return len(keys)
