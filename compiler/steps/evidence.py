"""A model package's evidence: ModelMetrics, DriftCheckBaselines and its model card,
rendered as the SDK's ModelMetrics, DriftCheckBaselines and ModelPackageModelCard do."""

from __future__ import annotations

import json

# YAML key -> (group, member), in the order the SDK's _to_request_dict writes them.
METRICS = {
    "model_statistics": ("ModelQuality", "Statistics"), "model_constraints": ("ModelQuality", "Constraints"),
    "data_statistics": ("ModelDataQuality", "Statistics"), "data_constraints": ("ModelDataQuality", "Constraints"),
    "bias": ("Bias", "Report"), "bias_pre_training": ("Bias", "PreTrainingReport"),
    "bias_post_training": ("Bias", "PostTrainingReport"), "explainability": ("Explainability", "Report"),
}
DRIFT = {
    "model_statistics": ("ModelQuality", "Statistics"), "model_constraints": ("ModelQuality", "Constraints"),
    "data_statistics": ("ModelDataQuality", "Statistics"), "data_constraints": ("ModelDataQuality", "Constraints"),
    "bias_config_file": ("Bias", "ConfigFile"), "bias_pre_training_constraints": ("Bias", "PreTrainingConstraints"),
    "bias_post_training_constraints": ("Bias", "PostTrainingConstraints"),
    "explainability_constraints": ("Explainability", "Constraints"),
    "explainability_config_file": ("Explainability", "ConfigFile"),
}
FILE_SOURCES = frozenset({"bias_config_file", "explainability_config_file"})  # FileSource: ContentType optional


def _source(step, ctx, key: str, name: str, file_source: bool) -> dict:
    spec = step.get(key)[name]
    at = (key, name)
    if file_source:  # FileSource._to_request_dict: S3Uri, ContentDigest, ContentType
        out = {"S3Uri": ctx.value(step, at + ("s3_uri",))}
        if spec.get("content_digest") is not None:
            out["ContentDigest"] = ctx.value(step, at + ("content_digest",))
        if spec.get("content_type") is not None:
            out["ContentType"] = ctx.value(step, at + ("content_type",))
        return out
    # MetricsSource: ContentType (mlpc's default: application/json), S3Uri, ContentDigest
    out = {"ContentType": ctx.value(step, at + ("content_type",), spec.get("content_type", "application/json")),
           "S3Uri": ctx.value(step, at + ("s3_uri",))}
    if spec.get("content_digest") is not None:
        out["ContentDigest"] = ctx.value(step, at + ("content_digest",))
    return out


def _grouped(step, ctx, origins: dict, key: str, member: str, table: dict) -> dict:
    given = step.get(key) or {}
    out: dict = {}
    for name, (group, slot) in table.items():  # the SDK's order, whatever the YAML's
        if name in given:
            out.setdefault(group, {})[slot] = _source(step, ctx, key, name, name in FILE_SOURCES)
            origins[(member, group, slot)] = (key, name)
    return out


def model_metrics(step, ctx, origins: dict) -> dict:
    return _grouped(step, ctx, origins, "model_metrics", "ModelMetrics", METRICS)


def drift_check_baselines(step, ctx, origins: dict) -> dict:
    return _grouped(step, ctx, origins, "drift_check_baselines", "DriftCheckBaselines", DRIFT)


def model_card(step, origins: dict) -> dict | None:
    """ModelPackageModelCard: {ModelCardStatus, ModelCardContent} with the content as the SDK
    serialises it (json.dumps, default separators, the YAML's key order). The schema has already
    checked the content against SageMaker's model card JSON schema."""
    card = step.get("model_card")
    if card is None:
        return None
    content = {k: v for k, v in card.items() if k != "status"}
    out = {"ModelCardStatus": card.get("status"), "ModelCardContent": json.dumps(content)}
    if out["ModelCardStatus"] is None:
        del out["ModelCardStatus"]
    origins[("ModelCard",)] = ("model_card",)
    return out
