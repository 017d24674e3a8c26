"""RegisterModel steps: a new version in the local Model Registry.

The metrics of the version come from the reports named by ModelMetrics
(e.g. ModelQuality.Statistics.S3Uri -> evaluation.json), read from the local
store; a report that is not there is recorded as missing (SageMaker does not
check them either).
"""

from __future__ import annotations

import json

from ..store import parse_s3_uri
from .base import StepContext, failed, succeeded


def run(ctx: StepContext, args: dict):
    group = args.get("ModelPackageGroupName")
    if not isinstance(group, str) or not group:
        return failed("RegisterModel needs a ModelPackageGroupName")
    spec = args.get("InferenceSpecification") or {}
    containers = spec.get("Containers") or []
    first = containers[0] if containers else {}
    reports, missing = read_reports(ctx, args.get("ModelMetrics") or {})
    pkg = ctx.registry.register(
        group, status=args.get("ModelApprovalStatus") or "PendingManualApproval",
        description=args.get("ModelPackageDescription"), execution_id=ctx.execution.id,
        pipeline=ctx.execution.pipeline, step=ctx.name, image=first.get("Image"),
        model_data_url=first.get("ModelDataUrl"), inference_spec=spec, reports=reports)
    props = {**args, "ModelPackageArn": pkg.arn, "ModelPackageGroupName": group, "ModelPackageVersion": pkg.version,
             "ModelPackageName": group, "ModelApprovalStatus": pkg.status, "ModelPackageStatus": "Completed",
             "CreationTime": pkg.created}
    detail = {"group": group, "version": pkg.version, "status": pkg.status, "metrics": pkg.metrics}
    if missing:
        detail["missing_reports"] = missing
    return succeeded(props, detail=detail)


def read_reports(ctx: StepContext, metrics: dict) -> tuple[dict, list]:
    """{"ModelQuality": {"Statistics": {"S3Uri": ...}}} -> ({"ModelQuality.Statistics": <json>}, [missing uris])."""
    reports, missing = {}, []
    for section, entries in sorted(metrics.items()):
        for kind, source in sorted((entries or {}).items()):
            uri_text = (source or {}).get("S3Uri") if isinstance(source, dict) else None
            if not uri_text:
                continue
            uri, err = parse_s3_uri(uri_text)
            data = ctx.store.get_bytes(uri) if not err else None
            if data is None:
                missing.append(uri_text)
                continue
            try:
                reports[f"{section}.{kind}"] = json.loads(data)
            except ValueError:
                missing.append(uri_text)
    return reports, missing
