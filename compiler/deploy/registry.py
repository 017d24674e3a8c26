"""The Model Registry side: list a group's versions (status, metrics, source commit), approve/reject, delete."""

from __future__ import annotations

import json

from .session import AwsError, aws_errors, error_code
from .upload import split_s3_uri

STATUS_BY_VERB = {"approve": "Approved", "reject": "Rejected"}
METRICS_MAX_BYTES = 1_000_000
UNREADABLE_CODES = ("NoSuchKey", "404", "AccessDenied", "403", "NoSuchBucket")
COMMIT_KEYS = ("mlpc:git-commit", "git_commit", "GitCommit", "CommitId")


def list_versions(sm, s3, group: str, with_metrics: bool = True) -> list:
    """The group's versions, newest first, each with status, metrics and source commit."""
    out = []
    with aws_errors():
        pages = sm.get_paginator("list_model_packages").paginate(
            ModelPackageGroupName=group, SortBy="CreationTime", SortOrder="Descending")
        for page in pages:
            for summary in page.get("ModelPackageSummaryList", []):
                pkg = sm.describe_model_package(ModelPackageName=summary["ModelPackageArn"])
                out.append(_version(pkg, s3 if with_metrics else None))
    return out


def _version(pkg: dict, s3) -> dict:
    meta = pkg.get("MetadataProperties") or {}
    custom = pkg.get("CustomerMetadataProperties") or {}
    commit = meta.get("CommitId") or next((custom[k] for k in COMMIT_KEYS if custom.get(k)), None)
    created = pkg.get("CreationTime")
    return {
        "version": pkg.get("ModelPackageVersion"), "arn": pkg.get("ModelPackageArn"),
        "status": pkg.get("ModelApprovalStatus"), "created": created.isoformat() if hasattr(created, "isoformat") else created,
        "approval_description": pkg.get("ApprovalDescription"), "source_commit": commit,
        "generated_by": meta.get("GeneratedBy"),
        "metrics": read_metrics(s3, pkg.get("ModelMetrics") or {}) if s3 is not None else {},
    }


def read_metrics(s3, model_metrics: dict) -> dict:
    """Flatten the model-quality statistics JSON (SageMaker's {"m": {"value": x}} format) to {"m": x}."""
    from botocore.exceptions import ClientError  # not at module level: offline commands import this module

    stats = ((model_metrics.get("ModelQuality") or {}).get("Statistics") or {}).get("S3Uri")
    if not stats:
        return {}
    bucket, key = split_s3_uri(stats)
    try:
        with aws_errors():
            try:
                body = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{METRICS_MAX_BYTES}")["Body"].read()
            except ClientError as exc:
                if error_code(exc) in UNREADABLE_CODES:
                    return {}
                raise
        return flatten_metrics(json.loads(body))
    except ValueError:
        return {}


def flatten_metrics(doc, prefix: str = "") -> dict:
    out = {}
    if isinstance(doc, dict):
        if "value" in doc and isinstance(doc["value"], (int, float)) and not isinstance(doc["value"], bool):
            return {prefix: doc["value"]} if prefix else {}
        for k, v in doc.items():
            for name, value in flatten_metrics(v, k).items():
                out[name] = value
    elif isinstance(doc, (int, float)) and not isinstance(doc, bool) and prefix:
        out[prefix] = doc
    return out


def find_version(sm, group: str, version: int) -> str:
    """The ARN of version N in the group; a clear error listing what exists when it is not there."""
    versions = []
    with aws_errors():
        for page in sm.get_paginator("list_model_packages").paginate(ModelPackageGroupName=group):
            for s in page.get("ModelPackageSummaryList", []):
                if s.get("ModelPackageVersion") == version:
                    return s["ModelPackageArn"]
                versions.append(s.get("ModelPackageVersion"))
    known = ", ".join(str(v) for v in sorted(v for v in versions if v is not None)) or "none"
    raise AwsError(f"model package group '{group}' has no version {version}",
                   f"versions: {known} (see `mlpc models list {group}`)", "NoSuchModelVersion")


def set_status(sm, group: str, version: int, verb: str, reason: str | None = None) -> dict:
    """approve | reject a version (update_model_package). Returns {arn, status}."""
    arn = find_version(sm, group, version)
    req = {"ModelPackageArn": arn, "ModelApprovalStatus": STATUS_BY_VERB[verb]}
    if reason:
        req["ApprovalDescription"] = reason[:1024]
    with aws_errors():
        sm.update_model_package(**req)
    return {"arn": arn, "status": STATUS_BY_VERB[verb]}


def register_groups(definition: dict) -> list:
    """Model package groups the definition's RegisterModel steps register into."""
    from .diff import flatten_steps

    groups = set()
    for step in flatten_steps(definition).values():
        args = step.get("Arguments") or {}
        if step.get("Type") == "RegisterModel" and isinstance(args.get("ModelPackageGroupName"), str):
            groups.add(args["ModelPackageGroupName"])
    return sorted(groups)


def list_package_arns(sm, group: str) -> list:
    from botocore.exceptions import ClientError  # not at module level: offline commands import this module

    arns = []
    with aws_errors():
        try:
            for page in sm.get_paginator("list_model_packages").paginate(ModelPackageGroupName=group):
                arns += [s["ModelPackageArn"] for s in page.get("ModelPackageSummaryList", [])]
        except ClientError as exc:
            if error_code(exc) not in ("ResourceNotFound", "ValidationException"):
                raise
    return arns


def delete_group(sm, group: str, arns: list) -> int:
    """Delete the versions, then the group. Absent ones are skipped, so a rerun converges."""
    from botocore.exceptions import ClientError  # not at module level: offline commands import this module

    count = 0
    with aws_errors():
        for arn in arns:
            try:
                sm.delete_model_package(ModelPackageName=arn)
                count += 1
            except ClientError as exc:
                if error_code(exc) not in ("ResourceNotFound",):
                    raise
        try:
            sm.delete_model_package_group(ModelPackageGroupName=group)
        except ClientError as exc:
            if error_code(exc) not in ("ResourceNotFound",):
                raise
    return count
