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
    _, drift_missing = read_reports(ctx, args.get("DriftCheckBaselines") or {})
    evidence = {"model_metrics": args.get("ModelMetrics"), "drift_check_baselines": args.get("DriftCheckBaselines"),
                "model_card": args.get("ModelCard"), "customer_metadata": args.get("CustomerMetadataProperties"),
                "lineage": lineage(ctx, first.get("ModelDataUrl"))}
    pkg = ctx.registry.register(
        group, status=args.get("ModelApprovalStatus") or "PendingManualApproval",
        description=args.get("ModelPackageDescription"), execution_id=ctx.execution.id,
        pipeline=ctx.execution.pipeline, step=ctx.name, image=first.get("Image"),
        model_data_url=first.get("ModelDataUrl"), inference_spec=spec, reports=reports, evidence=evidence)
    props = {**args, "ModelPackageArn": pkg.arn, "ModelPackageGroupName": group, "ModelPackageVersion": pkg.version,
             "ModelPackageName": group, "ModelApprovalStatus": pkg.status, "ModelPackageStatus": "Completed",
             "CreationTime": pkg.created}
    detail = {"group": group, "version": pkg.version, "status": pkg.status, "metrics": pkg.metrics}
    if missing or drift_missing:
        detail["missing_reports"] = missing + drift_missing
    return succeeded(props, detail=detail)


def lineage(ctx: StepContext, model_data_url) -> dict:
    """Where the version comes from: pipeline, execution, its definition's digest, inputs, training job."""
    steps = ctx.evaluation.executed_steps()
    training = next((p for p in steps.values() if p.get("TrainingJobArn")
                     and (p.get("ModelArtifacts") or {}).get("S3ModelArtifacts") == model_data_url), None)
    params = ctx.evaluation.execution_parameters()
    return {"pipeline": ctx.execution.pipeline, "pipeline_arn": ctx.execution.pipeline_arn,
            "execution_arn": ctx.execution.arn, "definition_sha256": ctx.execution.definition_sha256,
            "git_commit": next((str(params[k]) for k in ("GitCommit",) if params.get(k)), None),
            "input_data": sorted({v for v in params.values() if isinstance(v, str) and v.startswith("s3://")}),
            "training_job": training.get("TrainingJobArn") if training else None}


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
