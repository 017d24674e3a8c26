"""JSON Schema fragments of the quality_check and clarify_check steps' YAML mappings
(stepkinds `schema` paths: mlpc.steps.check_schemas:quality_check / :clarify_check).

Used by tools/gen_schema.py only (never at run time). Which fields apply to which `check` is
checked by the renderers (steps/check_job.py: ONLY_FOR, REQUIRED), with a message per field.
"""
from .schema_parts import cache, common, request, security, tags

RUNTIME = " Accepts ${...} run-time references."
LITERAL_NOTE = " Literal: it is written into the analysis config."


def _d(text: str, **schema) -> dict:
    return {**schema, "description": text}


def _s(text: str, **k) -> dict:
    return _d(text, type="string", **k)


def _obj(props, required=(), **k):
    d = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        d["required"] = list(required)
    d.update(k)
    return d


STR_REF = ["string", "number", "boolean"]
SCALAR = {"type": ["string", "number", "boolean"]}
NAME_OR_INDEX = ["string", "integer"]

check_common = {
    **common, "cache": cache, "security": security, "request": request, "tags": tags,
    "instance_type": _d("Instance type of the check's processing job (CheckJobConfig instance_type; default "
                        "ml.m5.xlarge)." + RUNTIME, type=STR_REF),
    "instance_count": _d("Instances of the check's processing job (default 1). An integer or ${params.X}.",
                         type=["integer", "string"]),
    "volume_size_gb": _d("Storage volume of the check's processing job in GB (default 30). An integer or ${params.X}.",
                         type=["integer", "string"]),
    "max_runtime_seconds": _d("Maximum run time of the check's job (StoppingCondition.MaxRuntimeInSeconds).",
                              type=["integer", "string"]),
    "environment": _d("Environment variables of the check's container, NAME: value." + RUNTIME,
                      type="object", additionalProperties={"type": STR_REF}),
    "dataset": _d("S3 URI of the dataset the check computes its baseline on (its ProcessingInput), e.g. "
                  "${steps.Prep.outputs.baseline}." + RUNTIME, type=STR_REF),
    "output_path": _d("S3 URI the results are written to (the job's ProcessingOutput); default "
                      "s3://BUCKET/PIPELINE/EXECUTION_ID/STEP/output/quality_check_output (or analysis_result)." + RUNTIME,
                      type=STR_REF),
    "skip_check": _d("SkipCheck: compute the baseline without checking against the previous one (default false)."
                     " true, false or ${params.X} (Boolean).", type=["boolean", "string"]),
    "register_new_baseline": _d("RegisterNewBaseline: make the newly computed baseline the one the model "
                                "version registers for drift checks (default false). true, false or ${params.X}.",
                                type=["boolean", "string"]),
    "fail_on_violation": _d("FailOnViolation: fail the step when the check finds a violation (default true). "
                            "true, false or ${params.X}.", type=["boolean", "string"]),
    "model_package_group": _d("ModelPackageGroupName: the check compares against the baseline of this group's "
                              "latest approved version (unless a supplied baseline is given)." + RUNTIME, type=STR_REF),
    "supplied_baseline_constraints": _d("SuppliedBaselineConstraints: S3 URI of the constraints to check "
                                        "against, instead of the group's." + RUNTIME, type=STR_REF),
}

_formats = {
    "csv": _obj({"header": _d("The CSV has a header row (default true).", type="boolean"),
                 "output_columns_position": _s("Where the model output columns are: START (default) or END.",
                                               enum=["START", "END"])},
                description="CSV data (the SDK's DatasetFormat.csv)."),
    "json": _obj({"lines": _d("JSON Lines, one record per line (default true).", type="boolean")},
                 description="JSON data (the SDK's DatasetFormat.json)."),
}

quality_check = _obj({
    **check_common,
    "check": _s("What the check computes: data_quality (Model Monitor's data statistics and constraints) or "
                "model_quality (the model's quality metrics from predictions and ground truth).",
                enum=["data_quality", "model_quality"]),
    "supplied_baseline_statistics": _d("SuppliedBaselineStatistics: S3 URI of the statistics to check against, "
                                       "instead of the group's." + RUNTIME, type=STR_REF),
    "dataset_format": {"oneOf": [_obj({k: {"oneOf": [{"type": "null"}, v], "description": v["description"]}}, [k])
                                 for k, v in _formats.items()],
                       "description": "Format of the dataset: csv: {header: true} (the default) or json: {lines: true}."},
    "problem_type": _d("model_quality: Regression, BinaryClassification or MulticlassClassification." + RUNTIME,
                       type=STR_REF),
    "inference_attribute": _d("model_quality: the column (index or name) or JSON path of the prediction." + RUNTIME,
                              type=STR_REF),
    "probability_attribute": _d("model_quality: the column or JSON path of the predicted probability." + RUNTIME,
                                type=STR_REF),
    "ground_truth_attribute": _d("model_quality: the column or JSON path of the true label." + RUNTIME, type=STR_REF),
    "probability_threshold_attribute": _d("model_quality: probability above which a prediction counts as "
                                          "positive, e.g. 0.5, or a String ${params.X}.", type=["number", "string"]),
}, ["type", "check", "dataset"])

_label_config = {
    "label": _d("Index or JMESPath of the predicted label in the model's output." + LITERAL_NOTE, type=NAME_OR_INDEX),
    "probability": _d("Index or JMESPath of the predicted score(s) in the model's output." + LITERAL_NOTE,
                      type=NAME_OR_INDEX),
    "probability_threshold": _d("Score above which the prediction is the positive label (default 0.5).",
                                type="number"),
    "label_headers": _d("Names of the labels, one per score in the model's output.", type="array",
                        items={"type": "string"}),
}
_model = _obj({
    "name": _d("The SageMaker model Clarify serves on a shadow endpoint (the step's ModelName), e.g. "
               "${steps.CreateModel.ModelName}." + RUNTIME, type=STR_REF),
    "instance_type": _s("Instance type of the shadow endpoint, e.g. ml.m5.large." + LITERAL_NOTE),
    "instance_count": _d("Instances of the shadow endpoint (default 1).", type="integer", minimum=1),
    "accept_type": _s("Format of the model's responses.", enum=["text/csv", "application/jsonlines", "application/json"]),
    "content_type": _s("Format of the model's requests.", enum=["text/csv", "application/jsonlines", "application/json"]),
    "content_template": _s("Template of a JSON request, with $features (JSON Lines) or $record(s) (JSON)."),
    "record_template": _s("Template of one record of a JSON request, e.g. $features_kvp."),
    "custom_attributes": _s("Custom attributes sent with each request to the endpoint."),
    "accelerator_type": _s("Elastic Inference accelerator of the shadow endpoint."),
    "target_model": _s("The model to call on a multi-model endpoint."),
    "endpoint_name_prefix": _s("Prefix of the shadow endpoint's name.", pattern="^[a-zA-Z0-9](-*[a-zA-Z0-9])"),
}, ["name", "instance_type"], description="The model Clarify serves on a shadow endpoint (SDK: ModelConfig).")

clarify_check = _obj({
    **check_common,
    "check": _s("What the check computes: data_bias (pre-training bias metrics), model_bias (post-training bias "
                "metrics of the model's predictions) or model_explainability (SHAP feature attributions).",
                enum=["data_bias", "model_bias", "model_explainability"]),
    "dataset_type": _s("Format of the dataset (default text/csv).",
                       enum=["text/csv", "application/jsonlines", "application/json", "application/x-parquet"]),
    "label": _d("The target column: its name (with headers) or index, or a JMESPath for JSON." + LITERAL_NOTE,
                type=NAME_OR_INDEX),
    "headers": _d("Column names of the dataset, in order (the label's included)." + LITERAL_NOTE, type="array",
                  items={"type": "string"}),
    "features": _s("JMESPath of the features in JSON or JSON Lines records." + LITERAL_NOTE),
    "joinsource": _d("Name or index of an identifier column Clarify uses only to join datasets." + LITERAL_NOTE,
                     type=NAME_OR_INDEX),
    "excluded_columns": _d("Columns (names or indexes) not sent to the model." + LITERAL_NOTE, type="array",
                           items={"type": NAME_OR_INDEX}),
    "bias": _obj({
        "label_values_or_threshold": _d("The favourable outcome: label value(s), or a threshold for a "
                                        "continuous label, e.g. [0].", type="array", items=SCALAR, minItems=1),
        "facet": _d("The sensitive attribute(s): a column name or index, or a list of them, e.g. sex.",
                    oneOf=[{"type": NAME_OR_INDEX}, {"type": "array", "items": {"type": NAME_OR_INDEX}, "minItems": 1}]),
        "facet_values_or_threshold": _d("The sensitive group: facet value(s) or a threshold (a list per facet "
                                        "when `facet` is a list), e.g. [female].",
                                        oneOf=[{"type": "array", "items": SCALAR},
                                               {"type": "array", "items": {"type": "array", "items": SCALAR}}]),
        "group": _d("A column for the conditional metrics (CDDL, CDDPL).", type=NAME_OR_INDEX),
    }, ["label_values_or_threshold", "facet"],
        description="The favourable label and the sensitive group(s) (SDK: BiasConfig)." + LITERAL_NOTE),
    "methods": {"oneOf": [{"type": "string", "const": "all"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}],
                "description": "Bias metrics to compute: all (the default) or a list, e.g. [CI, DPL, KL]."},
    "model": _model,
    "predicted_label": _obj(_label_config, description="model_bias: how to read the predicted label from the "
                                                      "model's output (SDK: ModelPredictedLabelConfig)."),
    "model_scores": {"oneOf": [{"type": NAME_OR_INDEX}, _obj(_label_config)],
                     "description": "model_explainability: where the score is in the model's output: an index or "
                                    "JMESPath, or {label, probability, probability_threshold, label_headers}."},
    "shap": _obj({
        "baseline": _d("The SHAP baseline: an S3 URI or a list of rows (features only); default: computed by "
                       "clustering the dataset.", type=["string", "array"]),
        "num_samples": _d("Number of samples for Kernel SHAP.", type="integer", minimum=1),
        "agg_method": _s("How local SHAP values are aggregated into global ones (default mean_abs).",
                         enum=["mean_abs", "median", "mean_sq"]),
        "use_logit": _d("Explain in log-odds units (default false).", type="boolean"),
        "save_local_shap_values": _d("Also write the per-record SHAP values (default true).", type="boolean"),
        "seed": _d("Seed of SHAP's sampling, for repeatable results.", type="integer"),
        "num_clusters": _d("Size of the computed baseline (clusters), instead of `baseline`.", type="integer",
                           minimum=1),
        "features_to_explain": _d("Only these features (names or indexes).", type="array",
                                  items={"type": NAME_OR_INDEX}),
    }, description="model_explainability: SHAP settings (SDK: SHAPConfig)." + LITERAL_NOTE),
}, ["type", "check", "dataset"])
