"""TrainingStep -> CreateTrainingJob arguments (built-in algorithm or script mode)."""

from __future__ import annotations

import json
from posixpath import basename

from ..expressions import Expr
from .algorithm_hyperparameters import builtin_xgboost_version
from .algorithm_hyperparameters import check as check_hyperparameters
from .common import Rendered
from .images import image_uri
from .distribution import hyperparameters as distribution_hyperparameters
from .model_dir import hyperparameters as model_dir_hyperparameters
from .job_settings import debugger, profiler, spot


def default_output_path(pipeline, step) -> str:
    """Where a training (or tuning) job without `output_path` writes: s3://BUCKET/PIPELINE/STEP."""
    return f"s3://{pipeline.bucket}/{pipeline.name}/{step.name}"


def _is_file(path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long to be a file
        return False


def _hp_literal(value, script_mode: bool):
    if isinstance(value, Expr):
        return value
    if script_mode:
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def hyperparameters(step, ctx, script_mode: bool) -> dict:
    out = {}
    for k, v in (step.get("hyperparameters") or {}).items():
        out[k] = _hp_literal(ctx.value(step, ("hyperparameters", k)), script_mode)
    if script_mode:
        entry = step.get("entry_point")
        src = step.get("source_dir")
        uri = ctx.upload_sourcedir(step, ("source_dir",) if src else ("entry_point",), src or entry)
        out["sagemaker_program"] = json.dumps(basename(entry) if not src else entry)
        out["sagemaker_submit_directory"] = json.dumps(uri) if isinstance(uri, str) else uri
        out["sagemaker_container_log_level"] = "20"
        out["sagemaker_region"] = json.dumps(ctx.pipeline.region)
        if src and isinstance(uri, str) and isinstance(entry, str) and not _is_file(ctx.pipeline.base_dir / src / entry):
            ctx.error(step, ("entry_point",), "F003", f"entry point '{entry}' not found in source_dir '{src}'")
    return out


def channels(step, ctx, origins: dict, key: tuple) -> list:
    out = []
    for i, (name, spec) in enumerate((step.get("channels") or {}).items()):
        if isinstance(spec, str):
            spec = {"source": spec}
            src = ctx.value(step, ("channels", name))
        else:
            src = ctx.value(step, ("channels", name, "source"))
        chan = {"DataSource": {"S3DataSource": {
            "S3DataType": spec.get("s3_data_type", "S3Prefix"), "S3Uri": src,
            "S3DataDistributionType": spec.get("distribution", "FullyReplicated")}}}
        if spec.get("content_type"):
            chan["ContentType"] = ctx.value(step, ("channels", name, "content_type"))
        if spec.get("compression"):
            chan["CompressionType"] = spec["compression"]
        if spec.get("input_mode"):
            chan["InputMode"] = spec["input_mode"]
        chan["ChannelName"] = name
        origins[key + (i,)] = ("channels", name)
        out.append(chan)
    return out


# Framework estimators that turn SageMaker metrics on unless told otherwise, from this version on
# (sagemaker/pytorch/estimator.py, tensorflow/estimator.py, mxnet/estimator.py: "enable sagemaker metrics").
METRICS_BY_DEFAULT = {"pytorch": (1, 3), "tensorflow": (1, 15), "mxnet": (1, 6)}


def _metrics_by_default(framework, version) -> bool:
    since = METRICS_BY_DEFAULT.get(framework)
    if since is None or not isinstance(version, str):
        return False
    parts = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
    return parts >= since


# framework: values whose training image is also a built-in algorithm (it trains without a script)
ALGORITHM_FRAMEWORKS = frozenset({"xgboost"})


def _needs_a_script(step, ctx, script_mode: bool) -> None:
    """A framework's training container runs the job's script: without entry_point it has nothing to run."""
    framework = step.get("framework")
    if script_mode or step.get("image") is not None or framework is None or framework in ALGORITHM_FRAMEWORKS:
        return
    ctx.error(step, ("framework",), "I003", f"framework: {framework} training needs entry_point (script mode)",
              f"the {framework} training container runs your script: add entry_point: train.py (and source_dir:), "
              "or use algorithm: for a built-in algorithm")


def job_definition(step, ctx, origins: dict, *, hp_key: str = "HyperParameters") -> dict:
    """The members CreateTrainingJob and a tuning job's TrainingJobDefinition share."""
    script_mode = step.get("entry_point") is not None
    if step.get("algorithm") is not None:
        image, ipath = image_uri(step, ctx, scope="training", framework_key="algorithm", version_key="algorithm_version")
    else:
        image, ipath = image_uri(step, ctx, scope="training")
        _needs_a_script(step, ctx, script_mode)
    algo = {"TrainingImage": image, "TrainingInputMode": "File"}
    if step.get("metric_definitions"):
        algo["MetricDefinitions"] = [{"Name": m["name"], "Regex": m["regex"]} for m in step.get("metric_definitions")]
    if step.get("enable_sagemaker_metrics") is not None:  # a tuning job has no such member: botocore says so here
        algo["EnableSageMakerMetricsTimeSeries"] = step.get("enable_sagemaker_metrics")
        origins[("AlgorithmSpecification", "EnableSageMakerMetricsTimeSeries")] = ("enable_sagemaker_metrics",)
    elif script_mode and hp_key == "HyperParameters" and _metrics_by_default(step.get("framework"),
                                                                             step.get("framework_version")):
        algo["EnableSageMakerMetricsTimeSeries"] = True  # the framework estimators' default (not the tuner's)
    origins[("AlgorithmSpecification", "TrainingImage")] = ipath
    out_path = ctx.value(step, ("output_path",)) if step.get("output_path") is not None else default_output_path(ctx.pipeline, step)
    args = {
        "AlgorithmSpecification": algo,
        "OutputDataConfig": {"S3OutputPath": out_path},
        "StoppingCondition": {"MaxRuntimeInSeconds": ctx.value(step, ("max_runtime_seconds",), step.get("max_runtime_seconds", 86400))},
        "ResourceConfig": {
            "VolumeSizeInGB": ctx.value(step, ("volume_size_gb",), step.get("volume_size_gb", 30)),
            "InstanceCount": ctx.value(step, ("instance_count",), step.get("instance_count", 1)),
            "InstanceType": ctx.value(step, ("instance_type",)),
        },
        "RoleArn": ctx.pipeline.role,
    }
    origins.update({("OutputDataConfig",): ("output_path",), ("StoppingCondition",): ("max_runtime_seconds",),
                    ("ResourceConfig", "InstanceType"): ("instance_type",),
                    ("ResourceConfig", "InstanceCount"): ("instance_count",),
                    ("ResourceConfig", "VolumeSizeInGB"): ("volume_size_gb",),
                    (hp_key,): ("hyperparameters",), ("Environment",): ("environment",),
                    ("AlgorithmSpecification", "MetricDefinitions"): ("metric_definitions",)})
    chans = channels(step, ctx, origins, ("InputDataConfig",))
    if chans:
        args["InputDataConfig"] = chans
    hps = hyperparameters(step, ctx, script_mode)
    distributed = distribution_hyperparameters(step, ctx)
    hps.update(distributed)
    origins.update({(hp_key, key): ("distribution",) for key in distributed})
    model_dir = model_dir_hyperparameters(step, ctx, out_path)
    hps.update(model_dir)
    if model_dir and step.get("model_dir") is not None:
        origins[(hp_key, "model_dir")] = ("model_dir",)
    if hps:
        args[hp_key] = hps
    version = builtin_xgboost_version(step, image)
    if version is not None:  # the built-in algorithm validates its hyperparameters: so does compile
        check_hyperparameters(step, ctx, hps, version, ranges=step.get("parameter_ranges") or {})
    if step.get("environment"):
        args["Environment"] = ctx.tree(step, ("environment",), step.get("environment"))
    spot(step, ctx, args, origins)
    return args


def render(step, ctx) -> Rendered:
    origins: dict = {}
    args = job_definition(step, ctx, origins)
    out_path = args["OutputDataConfig"]["S3OutputPath"]
    debugger(step, ctx, args, origins, out_path)
    profiler(step, ctx, args, origins, out_path)
    return Rendered(args, origins)
