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
    from ..evidence import live_version

    live = live_version(out)
    for v in out:
        v["live"] = v["version"] == live
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
    """Flatten the model-quality statistics JSON (SageMaker's {"m": {"value": x}} format) to {"m": x};
    {} when there is none or it cannot be read (read_json)."""
    stats = ((model_metrics.get("ModelQuality") or {}).get("Statistics") or {}).get("S3Uri")
    return flatten_metrics(read_json(s3, stats)) if stats else {}


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
    record_status(sm, arn, STATUS_BY_VERB[verb], reason)
    return {"arn": arn, "status": STATUS_BY_VERB[verb]}


def list_packages(sm, group: str) -> list:
    """(arn, version, approval status) of each version in the group; [] when the group is gone."""
    from botocore.exceptions import ClientError  # not at module level: offline commands import this module

    out = []
    with aws_errors():
        try:
            for page in sm.get_paginator("list_model_packages").paginate(ModelPackageGroupName=group):
                out += [(s["ModelPackageArn"], s.get("ModelPackageVersion"), s.get("ModelApprovalStatus"))
                        for s in page.get("ModelPackageSummaryList", [])]
        except ClientError as exc:
            if error_code(exc) not in ("ResourceNotFound", "ValidationException"):
                raise
    return out


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


# ------------------------------------------------------------------ evidence: card, history, rollback

HISTORY_PREFIX = "mlpc:approval:"  # CustomerMetadataProperties entries: "TIME|STATUS|REASON", one per change


def package_facts(sm, s3, group: str, version: int) -> dict:
    """The facts of mlpc.evidence.audit_record for one version, from DescribeModelPackage and S3."""
    from ..evidence import flatten_uris

    arn = find_version(sm, group, version)
    with aws_errors():
        pkg = sm.describe_model_package(ModelPackageName=arn)
    metrics, drift = flatten_uris(pkg.get("ModelMetrics")), flatten_uris(pkg.get("DriftCheckBaselines"))
    reports = {k: doc for k, uri in metrics.items() if (doc := read_json(s3, uri)) is not None}
    created = pkg.get("CreationTime")
    created = created.isoformat() if hasattr(created, "isoformat") else created
    custom = pkg.get("CustomerMetadataProperties") or {}
    return {"group": group, "version": version, "arn": arn, "status": pkg.get("ModelApprovalStatus"),
            "created": created, "approval_description": pkg.get("ApprovalDescription"),
            "history": [{"time": created, "status": "registered", "reason": None}] + recorded_history(custom),
            "model_card": pkg.get("ModelCard"), "reports": reports, "model_metrics": metrics,
            "drift_baselines": drift, "lineage": lineage(sm, pkg)}


def read_json(s3, uri: str):
    from botocore.exceptions import ClientError  # not at module level: offline commands import this module

    try:
        bucket, key = split_s3_uri(uri)
        with aws_errors():
            try:
                body = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{METRICS_MAX_BYTES}")["Body"].read()
            except ClientError as exc:
                if error_code(exc) in UNREADABLE_CODES:
                    return None
                raise
        return json.loads(body)
    except ValueError:
        return None


def recorded_history(custom: dict) -> list:
    """Status changes made through mlpc (SageMaker keeps only the current status), oldest first."""
    out = []
    for key in sorted((k for k in custom if k.startswith(HISTORY_PREFIX)), key=lambda k: int(k.rsplit(":", 1)[-1])):
        time, _, rest = custom[key].partition("|")
        status, _, reason = rest.partition("|")
        out.append({"time": time, "status": status, "reason": reason or None})
    return out


def lineage(sm, pkg: dict) -> dict:
    """Pipeline, execution, git commit, definition digest, input data and training job of a version."""
    import hashlib

    from botocore.exceptions import ClientError  # not at module level: offline commands import this module

    meta, custom = pkg.get("MetadataProperties") or {}, pkg.get("CustomerMetadataProperties") or {}
    execution = meta.get("GeneratedBy") if "/execution/" in (meta.get("GeneratedBy") or "") else None
    out = {"pipeline": execution.split(":pipeline/")[1].split("/")[0] if execution else None,
           "execution_arn": execution, "definition_sha256": None, "input_data": [],
           "git_commit": meta.get("CommitId") or next((custom[k] for k in COMMIT_KEYS if custom.get(k)), None),
           "training_job": None}
    if execution:
        try:
            text = sm.describe_pipeline_definition_for_execution(PipelineExecutionArn=execution)["PipelineDefinition"]
            canonical = json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))
            out["definition_sha256"] = hashlib.sha256(canonical.encode()).hexdigest()
            params = sm.list_pipeline_parameters_for_execution(PipelineExecutionArn=execution)
            out["input_data"] = sorted({p["Value"] for p in params.get("PipelineParameters", [])
                                        if str(p.get("Value", "")).startswith("s3://")})
        except (ClientError, ValueError, KeyError):
            pass
    url = next((c.get("ModelDataUrl") for c in (pkg.get("InferenceSpecification") or {}).get("Containers", [])
                if c.get("ModelDataUrl")), "")
    parts = url.split("/")
    if len(parts) > 3 and parts[-2] == "output":  # <output path>/<training job>/output/model.tar.gz
        try:
            out["training_job"] = sm.describe_training_job(TrainingJobName=parts[-3])["TrainingJobArn"]
        except ClientError:
            pass
    return out


def record_status(sm, arn: str, status: str, reason: str | None) -> None:
    """Set a version's status and append the change to mlpc's history in its customer metadata."""
    from datetime import datetime, timezone

    with aws_errors():
        custom = dict(sm.describe_model_package(ModelPackageName=arn).get("CustomerMetadataProperties") or {})
        n = len([k for k in custom if k.startswith(HISTORY_PREFIX)]) + 1
        when = datetime.now(timezone.utc).isoformat(timespec="seconds")
        custom[f"{HISTORY_PREFIX}{n}"] = f"{when}|{status}|{(reason or '')[:200]}"
        req = {"ModelPackageArn": arn, "ModelApprovalStatus": status, "CustomerMetadataProperties": custom}
        if reason:
            req["ApprovalDescription"] = reason[:1024]
        sm.update_model_package(**req)


def ever_approved(sm, s3, group: str) -> set:
    out = set()
    for v in list_versions(sm, s3, group, with_metrics=False):
        pkg = sm.describe_model_package(ModelPackageName=v["arn"])
        if any(h["status"] == "Approved" for h in recorded_history(pkg.get("CustomerMetadataProperties") or {})):
            out.add(v["version"])
    return out


def rollback(sm, s3, group: str, to: int | None, reason: str | None) -> dict:
    """Re-approve the target, reject the live version (and Approved ones newer than the target)."""
    from ..evidence import rollback_plan

    versions = list_versions(sm, s3, group, with_metrics=False)
    plan, err = rollback_plan(versions, to, ever_approved(sm, s3, group) if to is None else None)
    if err:
        raise AwsError(err, f"see `mlpc models list {group}`", "NoRollbackTarget")
    arns = {v["version"]: v["arn"] for v in versions}
    why = reason or f"rollback from version {plan['live']} to version {plan['target']}"
    record_status(sm, arns[plan["target"]], "Approved", why)
    for version in plan["reject"]:
        record_status(sm, arns[version], "Rejected", why)
    return plan
