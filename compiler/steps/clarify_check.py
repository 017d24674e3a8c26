"""ClarifyCheck steps (data_bias, model_bias, model_explainability) as the SDK v2's
ClarifyCheckStep renders them.

The job runs SageMaker Clarify's processing image (the SDK's image registry, `clarify`, per
region) on an analysis config that the SDK writes to a JSON file and uploads. mlpc builds the
same file byte for byte (sagemaker/workflow/clarify_check_step.py,
_generate_processing_job_analysis_config, and the DataConfig / BiasConfig / ModelConfig /
ModelPredictedLabelConfig / SHAPConfig classes of sagemaker/clarify.py) and uploads it
content-addressed, like code, so compiles stay deterministic.
"""

from __future__ import annotations

import json

from ..expressions import Unresolved
from .check_job import check_fields, check_image, check_members, job_arguments, s3_input
from .common import Rendered

CONFIG_DIR = "/opt/ml/processing/input/config"
DATA_DIR = "/opt/ml/processing/input/data"
OUTPUT_NAME = "analysis_result"

# (YAML key, analysis config key), in the order the SDK's config classes add them.
DATA_KEYS = (("features", "features"), ("headers", "headers"), ("label", "label"),
             ("joinsource", "joinsource_name_or_index"), ("excluded_columns", "excluded_columns"))
MODEL_KEYS = (("endpoint_name_prefix", "endpoint_name_prefix"), ("accept_type", "accept_type"),
              ("content_type", "content_type"), ("content_template", "content_template"),
              ("record_template", "record_template"), ("custom_attributes", "custom_attributes"),
              ("accelerator_type", "accelerator_type"), ("target_model", "target_model"))
LABEL_KEYS = (("label", "label"), ("probability", "probability"), ("label_headers", "label_headers"))
SHAP_KEYS = (("baseline", "baseline"), ("num_samples", "num_samples"), ("agg_method", "agg_method"),
             ("seed", "seed"), ("num_clusters", "num_clusters"), ("features_to_explain", "features_to_explain"))
REPORT = {"name": "report", "title": "Analysis Report"}


def _pick(spec: dict, keys, out: dict) -> dict:
    for yaml_key, config_key in keys:
        if spec.get(yaml_key) is not None:
            out[config_key] = spec[yaml_key]
    return out


def _bias(spec: dict) -> dict:
    """BiasConfig.get_config()."""
    facets = spec["facet"] if isinstance(spec["facet"], list) else [spec["facet"]]
    values = spec.get("facet_values_or_threshold")
    out_facets = []
    for i, name in enumerate(facets):
        facet = {"name_or_index": name}
        value = values if not isinstance(spec["facet"], list) else (values[i] if values is not None else None)
        if value is not None:
            facet["value_or_threshold"] = value
        out_facets.append(facet)
    out = {"label_values_or_threshold": spec["label_values_or_threshold"], "facet": out_facets}
    if spec.get("group") is not None:
        out["group_variable"] = spec["group"]
    return out


def _predictor(model: dict) -> dict:
    """ModelConfig.get_predictor_config() without model_name (the step's ModelName carries it)."""
    out = {"instance_type": model["instance_type"], "initial_instance_count": model.get("instance_count", 1)}
    return _pick(model, MODEL_KEYS, out)


def analysis_config(step) -> dict:
    """The processing job's analysis_config.json, as ClarifyCheckStep builds it."""
    check = step.get("check")
    config = _pick(step.fields, DATA_KEYS, {"dataset_type": step.get("dataset_type", "text/csv")})
    if check in ("data_bias", "model_bias"):
        config.update(_bias(step.get("bias")))
    methods = step.get("methods", "all")
    if check == "data_bias":
        config["methods"] = {"pre_training_bias": {"methods": methods}}
    elif check == "model_bias":
        labels = step.get("predicted_label") or {}
        predictor = _pick(labels, LABEL_KEYS, {})
        predictor.update(_predictor(step.get("model")))
        config["methods"] = {"post_training_bias": {"methods": methods}}
        config["predictor"] = predictor
        if labels.get("probability_threshold") is not None:
            config["probability_threshold"] = labels["probability_threshold"]
    else:
        predictor = _predictor(step.get("model"))
        scores = step.get("model_scores")
        if isinstance(scores, dict):  # a ModelPredictedLabelConfig
            if scores.get("probability_threshold") is not None:
                config["probability_threshold"] = scores["probability_threshold"]
            predictor.update(_pick(scores, LABEL_KEYS, {}))
        elif scores is not None:
            predictor["label"] = scores
        shap = step.get("shap")
        config["methods"] = {"shap": _pick(shap, SHAP_KEYS, {
            "use_logit": shap.get("use_logit", False), "save_local_shap_values": shap.get("save_local_shap_values", True)})}
        config["predictor"] = predictor
    config["methods"]["report"] = dict(REPORT)
    return config


def _check_bias(step, ctx) -> None:
    """BiasConfig's own checks (sagemaker/clarify.py): a facet list is not empty, and its values or
    thresholds, when given, are one per facet."""
    bias = step.get("bias")
    facet = bias.get("facet") if isinstance(bias, dict) else None
    if not isinstance(facet, list):
        return
    values = bias.get("facet_values_or_threshold")
    if not facet:
        ctx.error(step, ("bias", "facet"), "K014", "bias facet is an empty list", "name at least one facet column")
    elif values is not None and (not isinstance(values, list) or len(values) != len(facet)):
        got = (f"{len(values)} entr{'y' if len(values) == 1 else 'ies'}" if isinstance(values, list)
               else "one value")
        ctx.error(step, ("bias", "facet_values_or_threshold"), "K014",
                  f"facet_values_or_threshold has {got} for {len(facet)} facets",
                  "with a list of facets, give a list with one entry per facet (a list of values, a threshold, "
                  "or null for all values), e.g. [[female], [40]]")


def render(step, ctx) -> Rendered:
    check_fields(step, ctx)
    _check_bias(step, ctx)
    origins: dict = {}
    config_uri = None
    if not any(d.path[:len(step.path)] == step.path for d in ctx.diagnostics):
        config_uri = ctx.upload_data(json.dumps(analysis_config(step)).encode("utf-8"), "analysis_config.json",
                                     f"Clarify analysis config of step {step.name}")
    inputs = [s3_input("analysis_config", config_uri or Unresolved("analysis_config.json"), CONFIG_DIR),
              s3_input("dataset", ctx.value(step, ("dataset",)), DATA_DIR)]
    origins.update({("ProcessingInputs", 0): ("check",), ("ProcessingInputs", 1): ("dataset",)})
    env = ctx.tree(step, ("environment",), step.get("environment")) if step.get("environment") else None
    args = job_arguments(step, ctx, origins, check_image(step, ctx, "clarify", "processing"), inputs, OUTPUT_NAME, env)
    members, member_origins = check_members(step, ctx, statistics=False)
    if step.get("model") is not None:
        members["ModelName"] = ctx.value(step, ("model", "name"))
        member_origins[("ModelName",)] = ("model", "name")
    return Rendered(args, origins, members, member_origins)
