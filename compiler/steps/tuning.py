"""TuningStep -> CreateHyperParameterTuningJob arguments."""

from __future__ import annotations

from ..expressions import Join, StepProperty
from .algorithm_hyperparameters import builtin_xgboost_version, check_objective_metric
from .common import Rendered
from .training import default_output_path, job_definition

RANGE_KEYS = {"continuous": "ContinuousParameterRanges", "integer": "IntegerParameterRanges",
              "categorical": "CategoricalParameterRanges"}
BOUND_KEYS = (("MinValue", "min"), ("MaxValue", "max"), ("Values", "values"), ("ScalingType", "scaling"))


def _ranges(step, ctx, origins: dict) -> dict:
    """-> ParameterRanges; `origins` gets each range bound's YAML place."""
    out: dict = {}
    for name, spec in step.get("parameter_ranges").items():
        path = ("parameter_ranges", name)
        kind = spec["type"]
        if kind == "categorical":
            if not spec.get("values"):
                ctx.error(step, path, "U001", f"categorical range '{name}' needs `values`")
                continue
            item = {"Name": name, "Values": [str(v) for v in spec["values"]]}
        else:
            if spec.get("min") is None or spec.get("max") is None:
                ctx.error(step, path, "U002", f"{kind} range '{name}' needs `min` and `max`")
                continue
            if isinstance(spec["min"], (int, float)) and isinstance(spec["max"], (int, float)) and spec["min"] > spec["max"]:
                ctx.error(step, path + ("min",), "U003", f"range '{name}': min {spec['min']} is greater than max {spec['max']}")
            item = {"Name": name, "MinValue": str(spec["min"]), "MaxValue": str(spec["max"]),
                    "ScalingType": spec.get("scaling", "Auto")}
        items = out.setdefault(RANGE_KEYS[kind], [])
        at = ("HyperParameterTuningJobConfig", "ParameterRanges", RANGE_KEYS[kind], len(items))
        origins[at] = path
        origins.update({at + (member,): path + (key,) for member, key in BOUND_KEYS if key in spec})
        items.append(item)
        if name in (step.get("hyperparameters") or {}):
            ctx.error(step, path, "U004", f"'{name}' is both a static hyperparameter and a tuned range",
                      "remove it from `hyperparameters:`")
    return out


def render(step, ctx) -> Rendered:
    origins: dict = {}
    definition = job_definition(step, ctx, origins, hp_key="StaticHyperParameters")
    metric = step.get("objective")["metric"]
    known = [m["name"] for m in step.get("metric_definitions") or []]
    if known and metric not in known and step.get("algorithm") is None:
        ctx.error(step, ("objective", "metric"), "U005", f"objective metric '{metric}' is not in metric_definitions",
                  "known: " + ", ".join(known))
    version = builtin_xgboost_version(step, definition["AlgorithmSpecification"]["TrainingImage"])
    if version is not None and not known:
        check_objective_metric(step, ctx, metric, version)
    config = {
        "Strategy": step.get("strategy", "Bayesian"),
        "ResourceLimits": {"MaxNumberOfTrainingJobs": ctx.value(step, ("max_jobs",)),
                           "MaxParallelTrainingJobs": ctx.value(step, ("max_parallel_jobs",))},
        "TrainingJobEarlyStoppingType": step.get("early_stopping", "Off"),
        "HyperParameterTuningJobObjective": {"Type": step.get("objective")["type"], "MetricName": metric},
    }
    range_origins: dict = {}
    config["ParameterRanges"] = _ranges(step, ctx, range_origins)
    # A tuning job's own resource member (as the SDK's HyperparameterTuner writes it); it also
    # takes InstanceConfigs, which ResourceConfig in a TrainingJobDefinition does not.
    definition["HyperParameterTuningResourceConfig"] = definition.pop("ResourceConfig")
    origins = {(("HyperParameterTuningResourceConfig",) + k[1:] if k[:1] == ("ResourceConfig",) else k): v
               for k, v in origins.items()}
    args = {"HyperParameterTuningJobConfig": config, "TrainingJobDefinition": definition}
    shifted = {("TrainingJobDefinition",) + k: v for k, v in origins.items()}
    shifted.update({("HyperParameterTuningJobConfig", "ResourceLimits", "MaxNumberOfTrainingJobs"): ("max_jobs",),
                    ("HyperParameterTuningJobConfig", "ResourceLimits", "MaxParallelTrainingJobs"): ("max_parallel_jobs",),
                    ("HyperParameterTuningJobConfig", "ParameterRanges"): ("parameter_ranges",), **range_origins})
    return Rendered(args, shifted)


def top_model_uri(step, resolver):
    """`steps.T.model_data`: the best training job's model.tar.gz."""
    out = step.get("output_path")
    if out is None:
        out = default_output_path(resolver.pipeline, step)
    best = StepProperty(step.name, "BestTrainingJob.TrainingJobName", "String")
    base = resolver.value(out, step.path + ("output_path",), None)
    if isinstance(base, str):
        base = base.rstrip("/")
    return Join("/", (base, best, "output/model.tar.gz"))
