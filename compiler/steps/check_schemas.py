"""JSON Schema fragments of the quality_check and clarify_check steps' YAML mappings
(stepkinds `schema` paths: mlpc.steps.check_schemas:quality_check / :clarify_check).

Used by tools/gen_schema.py only (never at run time). Which fields apply to which `check` is
checked by the renderers (steps/check_job.py: ONLY_FOR, REQUIRED), with a message per field.
"""
# ruff: noqa: E731
from .schema_parts import cache as _cache, common as _common


def _s(**k):
    return {"type": "string", **k}


SVAL = {"type": ["string", "number", "boolean"], "description": "A string; may contain ${...} run-time references"}
IVAL = {"type": ["integer", "string"], "description": "An integer, or a ${params.X} reference"}
BVAL = {"type": ["boolean", "string"], "description": "true/false, or a ${params.X} Boolean parameter"}
LITERAL = {"type": ["string", "number", "boolean"], "description": "A literal (written into the analysis config)"}
LITERALS = {"type": "array", "items": LITERAL}


def _obj(props, required=(), **k):
    d = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        d["required"] = list(required)
    d.update(k)
    return d


def check_common(common: dict, cache: dict) -> dict:
    """Fields every check step takes (CheckJobConfig, the check members, the dataset)."""
    return {
        **common, "cache": cache,
        "instance_type": SVAL, "instance_count": IVAL, "volume_size_gb": IVAL, "max_runtime_seconds": IVAL,
        "environment": {"type": "object", "additionalProperties": SVAL},
        "dataset": {**SVAL, "description": "S3 URI of the dataset the baseline is computed on, e.g. ${steps.Prep.outputs.baseline}"},
        "output_path": {**SVAL, "description": "S3 URI for the results; default s3://BUCKET/PIPELINE/EXECUTION_ID/STEP/output/..."},
        "skip_check": BVAL, "register_new_baseline": BVAL, "fail_on_violation": BVAL,
        "model_package_group": {**SVAL, "description": "whose latest approved version's baseline is checked against"},
        "supplied_baseline_constraints": SVAL,
    }


def quality_check_schema(common: dict, cache: dict) -> dict:
    formats = {
        "csv": _obj({"header": {"type": "boolean"}, "output_columns_position": _s(enum=["START", "END"])}),
        "json": _obj({"lines": {"type": "boolean"}})}  # the SDK's DatasetFormat.csv / .json
    fmt = {"oneOf": [_obj({k: {"oneOf": [{"type": "null"}, v]}}, [k]) for k, v in formats.items()],
           "description": "csv: {header: true} (the default) or json: {lines: true}"}
    return _obj({
        **check_common(common, cache),
        "check": _s(enum=["data_quality", "model_quality"]),
        "supplied_baseline_statistics": SVAL,
        "dataset_format": fmt,
        "problem_type": {**SVAL, "description": "model_quality: Regression, BinaryClassification or MulticlassClassification"},
        "inference_attribute": SVAL, "probability_attribute": SVAL, "ground_truth_attribute": SVAL,
        "probability_threshold_attribute": {"type": ["number", "string"]},
    }, ["type", "check", "dataset"])


def clarify_check_schema(common: dict, cache: dict) -> dict:
    facet = {"oneOf": [{"type": ["string", "integer"]}, {"type": "array", "items": {"type": ["string", "integer"]}, "minItems": 1}]}
    model = _obj({
        "name": {**SVAL, "description": "the SageMaker model, e.g. ${steps.CreateModel.ModelName}"},
        "instance_type": _s(), "instance_count": {"type": "integer", "minimum": 1},
        "accept_type": _s(enum=["text/csv", "application/jsonlines", "application/json"]),
        "content_type": _s(enum=["text/csv", "application/jsonlines", "application/json"]),
        "content_template": _s(), "record_template": _s(), "custom_attributes": _s(), "accelerator_type": _s(),
        "target_model": _s(), "endpoint_name_prefix": _s(pattern="^[a-zA-Z0-9](-*[a-zA-Z0-9])")},
        ["name", "instance_type"], description="the model Clarify serves on a shadow endpoint (SDK: ModelConfig)")
    label_config = _obj({"label": {"type": ["string", "integer"]}, "probability": {"type": ["string", "integer"]},
                         "probability_threshold": {"type": "number"}, "label_headers": {"type": "array", "items": _s()}},
                        description="how to read the predicted label from the model's output (SDK: ModelPredictedLabelConfig)")
    return _obj({
        **check_common(common, cache),
        "check": _s(enum=["data_bias", "model_bias", "model_explainability"]),
        "dataset_type": _s(enum=["text/csv", "application/jsonlines", "application/json", "application/x-parquet"]),
        "label": {"type": ["string", "integer"]}, "headers": {"type": "array", "items": _s()},
        "features": _s(), "joinsource": {"type": ["string", "integer"]},
        "excluded_columns": {"type": "array", "items": {"type": ["string", "integer"]}},
        "bias": _obj({"label_values_or_threshold": {**LITERALS, "minItems": 1}, "facet": facet,
                      "facet_values_or_threshold": {"oneOf": [LITERALS, {"type": "array", "items": LITERALS}]},
                      "group": {"type": ["string", "integer"]}}, ["label_values_or_threshold", "facet"],
                     description="the favourable label and the sensitive group(s) (SDK: BiasConfig)"),
        "methods": {"oneOf": [_s(const="all"), {"type": "array", "items": _s(), "minItems": 1}],
                    "description": "bias metrics to compute (default: all), e.g. [CI, DPL, KL]"},
        "model": model,
        "predicted_label": label_config,
        "model_scores": {"oneOf": [{"type": ["string", "integer"]}, label_config]},
        "shap": _obj({"baseline": {"type": ["string", "array"]}, "num_samples": {"type": "integer", "minimum": 1},
                      "agg_method": _s(enum=["mean_abs", "median", "mean_sq"]), "use_logit": {"type": "boolean"},
                      "save_local_shap_values": {"type": "boolean"}, "seed": {"type": "integer"},
                      "num_clusters": {"type": "integer", "minimum": 1},
                      "features_to_explain": {"type": "array", "items": {"type": ["string", "integer"]}}},
                     description="SHAP settings (SDK: SHAPConfig)"),
    }, ["type", "check", "dataset"])


quality_check = quality_check_schema(_common, _cache)
clarify_check = clarify_check_schema(_common, _cache)
