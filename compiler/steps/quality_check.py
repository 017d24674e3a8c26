"""QualityCheck steps (data_quality, model_quality) as the SDK v2's QualityCheckStep renders them.

The baselining job runs SageMaker Model Monitor's analyzer image (the SDK's image registry,
`model-monitor`, per region), configured by environment variables
(sagemaker/model_monitor/model_monitoring.py, ModelMonitor._generate_env_map).
"""

from __future__ import annotations

import json

from ..expressions import Param
from .check_job import check_fields, check_image, check_members, job_arguments, s3_input
from .common import Rendered

INPUT_NAME = "baseline_dataset_input"
DATASET_DIR = "/opt/ml/processing/input/baseline_dataset_input"
OUTPUT_NAME = "quality_check_output"
# model_quality settings -> environment variable (ModelQualityMonitor's names)
MODEL_QUALITY_ENV = (("problem_type", "problem_type"), ("inference_attribute", "inference_attribute"),
                     ("probability_attribute", "probability_attribute"),
                     ("ground_truth_attribute", "ground_truth_attribute"),
                     ("probability_threshold_attribute", "probability_threshold_attribute"))


def dataset_format(spec: dict) -> dict:
    """The SDK's DatasetFormat.csv / DatasetFormat.json dicts, with their defaults filled in."""
    if "csv" in spec:
        csv = spec["csv"] or {}
        return {"csv": {"header": csv.get("header", True),
                        "output_columns_position": csv.get("output_columns_position", "START")}}
    return {"json": {"lines": (spec["json"] or {}).get("lines", True)}}


def render(step, ctx) -> Rendered:
    check_fields(step, ctx)
    origins: dict = {}
    image = check_image(step, ctx, "model-monitor", "monitoring")
    env = ctx.tree(step, ("environment",), dict(step.get("environment") or {}))
    env["dataset_format"] = json.dumps(dataset_format(step.get("dataset_format") or {"csv": {}}))
    env["dataset_source"] = DATASET_DIR
    env["output_path"] = "/opt/ml/processing/output"
    env["publish_cloudwatch_metrics"] = "Disabled"  # only monitoring schedules publish metrics
    if step.get("check") == "model_quality":
        env["analysis_type"] = "MODEL_QUALITY"
        for key, name in MODEL_QUALITY_ENV:
            if step.get(key) is not None:
                value = ctx.value(step, (key,))
                if isinstance(value, Param) and value.type != "String":  # as the SDK's _format_env_variable_value
                    ctx.error(step, (key,), "K013", f"'{key}' takes a String parameter, not {value.type} '{value.name}'",
                              "declare the parameter as {type: String}; the container reads it as text")
                env[name] = value if not isinstance(value, (int, float)) else str(value)
    inputs = [s3_input(INPUT_NAME, ctx.value(step, ("dataset",)), DATASET_DIR)]
    origins[("ProcessingInputs", 0)] = ("dataset",)
    args = job_arguments(step, ctx, origins, image, inputs, OUTPUT_NAME, env)
    members, member_origins = check_members(step, ctx, statistics=True)
    return Rendered(args, origins, members, member_origins)
