"""Report documents of one model version (the formats the check steps and evaluate.py write),
shared by the evidence tests on moto (tests/deploy) and on the local registry (tests/local)."""

from __future__ import annotations

import json

BUCKET = "mlpc-test-bucket"
GROUP = "credit-risk-models"
CARD = {"ModelCardStatus": "Draft", "ModelCardContent": json.dumps({
    "model_overview": {"model_description": "Predicts loan default", "model_owner": "credit-risk team"},
    "intended_uses": {"purpose_of_model": "Decision support", "risk_rating": "High"}})}


def reports(accuracy: float) -> dict:
    """"{section.kind: (key, document)} for ModelMetrics."""
    quality = {"binary_classification_metrics": {"accuracy": {"value": accuracy, "standard_deviation": "NaN"},
                                                 "auc": {"value": 0.9, "standard_deviation": "NaN"}}}
    bias = {"version": "1.0", "pre_training_bias_metrics": {"label": "default", "facets": {"sex": [
        {"value_or_threshold": "female", "metrics": [{"name": "DPL", "description": "DPL", "value": 0.21},
                                                     {"name": "CDDL", "description": "CDDL", "value": None,
                                                      "error": "Group variable is empty or not provided"}]}]}}}
    shap = {"version": "1.0", "explanations": {"kernel_shap": {"label0": {"global_shap_values": {
        "loan_amount": 0.9, "income": 0.7, "age": 0.1, "sex": 0.3}, "expected_value": -0.4}}}}
    stats = {"version": 0.0, "dataset": {"item_count": 2100}, "features": [
        {"name": "age", "inferred_type": "Integral", "numerical_statistics": {
            "common": {"num_present": 2100, "num_missing": 0}, "mean": 41.0, "sum": 86100.0, "std_dev": 11.0,
            "min": 21.0, "max": 75.0}},
        {"name": "sex", "inferred_type": "String", "string_statistics": {
            "common": {"num_present": 2100, "num_missing": 0}, "distinct_count": 2.0}}]}
    return {"ModelQuality.Statistics": ("eval/evaluation.json", quality),
            "Bias.PreTrainingReport": ("bias/analysis.json", bias),
            "Explainability.Report": ("shap/analysis.json", shap),
            "ModelDataQuality.Statistics": ("dq/statistics.json", stats)}


def model_metrics(version: int, accuracy: float) -> tuple[dict, dict]:
    """(ModelMetrics request member, {s3 uri: document}) for a version."""
    metrics, objects = {}, {}
    for name, (key, doc) in reports(accuracy).items():
        uri = f"s3://{BUCKET}/v{version}/{key}"
        section, kind = name.split(".")
        metrics.setdefault(section, {})[kind] = {"ContentType": "application/json", "S3Uri": uri}
        objects[uri] = doc
    return metrics, objects


def drift(version: int) -> dict:
    return {"ModelDataQuality": {"Constraints": {"ContentType": "application/json",
                                                 "S3Uri": f"s3://{BUCKET}/v{version}/dq/constraints.json"}}}


SPEC = {"Containers": [{"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
                        "ModelDataUrl": f"s3://{BUCKET}/models/model.tar.gz"}],
        "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]}
