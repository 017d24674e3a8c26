"""Create or update a SageMaker pipeline from a compile result (plan first, then apply).

Existence is decided by describe_pipeline's error code. Uploads happen before
the pipeline changes, so a failure leaves the deployed pipeline as it was,
and rerunning converges.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from .. import __version__
from ..api import definition_sha256
from .session import AwsError, aws_errors, error_code
from .upload import PlannedUpload, apply_uploads, check_bucket, plan_uploads, put_text

INLINE_DEFINITION_LIMIT = 1_048_576  # characters; larger definitions go through PipelineDefinitionS3Location
ABSENT_CODES = ("ResourceNotFound",)
from .names import TAG_BUCKET

TAG_COMMIT, TAG_SHA, TAG_VERSION = "mlpc:git-commit", "mlpc:definition-sha256", "mlpc:version"
# The keys of pipeline.tags that mlpc set, so a tag removed from the YAML is removed from AWS
# while tags that others put on the pipeline are left alone.
TAG_MANAGED = "mlpc:yaml-tags"


@dataclass(frozen=True)
class Deployed:
    name: str
    arn: str
    definition: dict | None  # None when the deployed definition is not valid JSON
    role: str | None
    description: str | None
    display_name: str | None
    tags: dict
    parallelism: dict | None = None  # ParallelismConfiguration, when the pipeline has one


@dataclass(frozen=True)
class UpsertPlan:
    name: str
    action: str  # create | update | unchanged
    uploads: tuple  # PlannedUpload
    definition_sha256: str
    definition_s3: tuple | None  # (bucket, key) when the definition is too large to send inline
    tags: dict
    deployed: Deployed | None = None
    retag: bool = True
    request: dict = field(default_factory=dict)  # the Create/UpdatePipeline arguments (minus the definition)
    untag: tuple = ()  # YAML tags set by an earlier upsert and since removed from the YAML

    @property
    def to_upload(self) -> list:
        return [u for u in self.uploads if not u.exists]


def get_deployed(sm, name: str) -> Deployed | None:
    """The deployed pipeline, or None. Absent is decided by error code (ResourceNotFound); moto answers
    ValidationException instead, so that code is confirmed absent with list_pipelines (data, not text)."""
    with aws_errors():
        try:
            resp = sm.describe_pipeline(PipelineName=name)
        except ClientError as exc:
            code = error_code(exc)
            if code in ABSENT_CODES or (code == "ValidationException" and not _listed(sm, name)):
                return None
            raise
        tags = _tags(sm, resp["PipelineArn"])
    raw = resp.get("PipelineDefinition") or "{}"
    try:
        definition = raw if isinstance(raw, dict) else json.loads(raw)
    except ValueError:
        definition = None  # unreadable: upsert overwrites it; diff and start refuse (see require_definition)
    return Deployed(name, resp["PipelineArn"], definition, resp.get("RoleArn"), resp.get("PipelineDescription"),
                    resp.get("PipelineDisplayName"), tags, resp.get("ParallelismConfiguration") or None)


def require_definition(deployed: Deployed) -> dict:
    if deployed.definition is None:
        raise AwsError(f"the deployed definition of pipeline '{deployed.name}' is not valid JSON",
                       "redeploy it with mlpc upsert FILE", "BadDeployedDefinition")
    return deployed.definition


def _listed(sm, name: str) -> bool:
    for page in sm.get_paginator("list_pipelines").paginate(PipelineNamePrefix=name):
        if any(p.get("PipelineName") == name for p in page.get("PipelineSummaries", [])):
            return True
    return False


def _tags(sm, arn: str) -> dict:
    out = {}
    for page in sm.get_paginator("list_tags").paginate(ResourceArn=arn):
        for t in page.get("Tags", []):
            out[t["Key"]] = t["Value"]  # a later value for a key wins
    return out


def desired_tags(result, commit: str) -> dict:
    pipe = result.pipeline
    tags = dict(pipe.tags)
    tags.update({TAG_COMMIT: commit, TAG_SHA: definition_sha256(result.definition_json),
                 TAG_VERSION: __version__, TAG_BUCKET: pipe.bucket, TAG_MANAGED: ",".join(sorted(dict(pipe.tags)))})
    return tags


def stale_tags(deployed, pipe) -> tuple:
    """Keys an earlier upsert set from pipeline.tags that the YAML no longer has."""
    earlier = {k for k in (deployed.tags.get(TAG_MANAGED) or "").split(",") if k}
    return tuple(sorted(k for k in earlier - set(dict(pipe.tags)) if k in deployed.tags))


def plan_upsert(aws, result, role: str | None = None, commit: str = "unknown") -> UpsertPlan:
    """Everything upsert would do, from reads only."""
    pipe = result.pipeline
    text = result.definition_json
    sha = definition_sha256(text)
    uploads = tuple(plan_uploads(aws.s3, result.uploads)) if result.uploads else ()
    s3_loc = (pipe.bucket, f"{pipe.name}/definitions/{sha}.json") if len(text) > INLINE_DEFINITION_LIMIT else None
    if s3_loc:
        check_bucket(aws.s3, s3_loc[0])
    request = {"PipelineName": pipe.name, "PipelineDisplayName": pipe.display_name or pipe.name,
               "RoleArn": role or pipe.role}
    if pipe.description:
        request["PipelineDescription"] = pipe.description
    if getattr(pipe, "max_parallel_steps", None):  # as the SDK's Pipeline.create/update(parallelism_config=)
        request["ParallelismConfiguration"] = {"MaxParallelExecutionSteps": pipe.max_parallel_steps}
    deployed = get_deployed(aws.sagemaker, pipe.name)
    tags = desired_tags(result, commit)
    if deployed is None:
        return UpsertPlan(pipe.name, "create", uploads, sha, s3_loc, tags, None, True, request)
    same = (deployed.definition is not None and deployed.definition == json.loads(text) and deployed.role == request["RoleArn"]
            and (deployed.description or None) == request.get("PipelineDescription")
            and (deployed.display_name or pipe.name) == request["PipelineDisplayName"]
            and deployed.parallelism == request.get("ParallelismConfiguration"))
    untag = stale_tags(deployed, pipe)
    if same:
        user_tags_ok = all(deployed.tags.get(k) == v for k, v in tags.items() if k != TAG_COMMIT)
        return UpsertPlan(pipe.name, "unchanged", uploads, sha, s3_loc, tags, deployed,
                          not user_tags_ok or TAG_COMMIT not in deployed.tags or bool(untag), request, untag)
    return UpsertPlan(pipe.name, "update", uploads, sha, s3_loc, tags, deployed, True, request, untag)


def apply_upsert(aws, plan: UpsertPlan, result) -> str:
    """Uploads first, then the pipeline, then its tags. Returns the pipeline ARN."""
    apply_uploads(aws.s3, list(plan.uploads), result.base_dir)
    sm = aws.sagemaker
    body = dict(plan.request)
    if plan.definition_s3:
        bucket, key = plan.definition_s3
        put_text(aws.s3, bucket, key, result.definition_json)
        body["PipelineDefinitionS3Location"] = {"Bucket": bucket, "ObjectKey": key}
    else:
        body["PipelineDefinition"] = result.definition_json
    tag_list = [{"Key": k, "Value": v} for k, v in sorted(plan.tags.items())]
    with aws_errors():
        if plan.action == "create":
            arn = sm.create_pipeline(**body, Tags=tag_list)["PipelineArn"]
            return arn
        if plan.action == "update":
            arn = sm.update_pipeline(**body)["PipelineArn"]
        else:
            arn = plan.deployed.arn
        if plan.retag:
            sm.add_tags(ResourceArn=arn, Tags=tag_list)
        if plan.untag:
            sm.delete_tags(ResourceArn=arn, TagKeys=list(plan.untag))
    return arn


def delete_pipeline(sm, name: str) -> bool:
    """Delete the pipeline; False when it was already gone."""
    with aws_errors():
        if get_deployed(sm, name) is None:
            return False
        sm.delete_pipeline(PipelineName=name)
    return True


def describe_plan(plan: UpsertPlan) -> list:
    """Imperative lines ("upload ...", "create pipeline ...") for --dry-run and reports."""
    lines = []
    for u in plan.uploads:
        lines.append(f"keep s3://{u.bucket}/{u.key} (already in S3)" if u.exists
                     else f"upload {u.upload.local} -> s3://{u.bucket}/{u.key}")
    if plan.definition_s3:
        lines.append(f"upload the definition -> s3://{plan.definition_s3[0]}/{plan.definition_s3[1]}"
                     " (over 1,048,576 characters: PipelineDefinitionS3Location)")
    verb = {"create": "create", "update": "update", "unchanged": "keep (unchanged)"}[plan.action]
    lines.append(f"{verb} pipeline {plan.name} (definition sha256 {plan.definition_sha256[:12]})")
    if plan.action != "unchanged" or plan.retag:
        lines.append("tag it " + ", ".join(f"{k}={v}" for k, v in sorted(plan.tags.items())))
    if plan.untag:
        lines.append("remove tags no longer in the YAML: " + ", ".join(plan.untag))
    return lines


__all__ = ["Deployed", "PlannedUpload", "UpsertPlan", "apply_upsert", "delete_pipeline", "describe_plan",
           "get_deployed", "plan_upsert"]
