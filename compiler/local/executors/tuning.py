"""Tuning steps: a few training jobs run locally with sampled hyperparameters.

Random search over ParameterRanges (the Bayesian and Hyperband strategies are
run as random search too; Grid enumerates the categorical grid), bounded by
ResourceLimits.MaxNumberOfTrainingJobs, MaxParallelTrainingJobs at a time
(and no more than the CPU count). Sampling is seeded from the step's
definition, so an unchanged step samples the same trials. The properties
SageMaker exposes are filled in: BestTrainingJob, TrainingJobSummaries
(best first, as `get_top_model_s3_uri` expects).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import random
from concurrent.futures import ThreadPoolExecutor

from ..records import now_iso
from .base import StepContext, failed, job_name, succeeded
from .training import run_job


def run(ctx: StepContext, args: dict):
    cfg = args.get("HyperParameterTuningJobConfig") or {}
    definition = args.get("TrainingJobDefinition") or (args.get("TrainingJobDefinitions") or [None])[0]
    if not definition:
        return failed("TrainingJobDefinition is missing")
    objective = cfg.get("HyperParameterTuningJobObjective") or {}
    metric, goal = objective.get("MetricName"), objective.get("Type", "Maximize")
    if not metric:
        return failed("HyperParameterTuningJobObjective.MetricName is missing")
    limits = cfg.get("ResourceLimits") or {}
    count = int(limits.get("MaxNumberOfTrainingJobs") or 1)
    parallel = max(1, min(int(limits.get("MaxParallelTrainingJobs") or 1), os.cpu_count() or 1))
    seed = int(hashlib.sha256(json.dumps([ctx.name, cfg], sort_keys=True, default=str).encode()).hexdigest()[:8], 16)
    trials, err = sample(cfg.get("ParameterRanges") or {}, count, cfg.get("Strategy", "Bayesian"), random.Random(seed))
    if err:
        return failed(err)
    tuning_name = job_name(ctx.execution.id, ctx.name)[len("pipelines-"):][:32].rstrip("-")
    static = dict(definition.get("StaticHyperParameters") or {})
    if "sagemaker_program" not in static:  # built-in algorithms learn the objective this way
        static["_tuning_objective_metric"] = metric

    def one(i_hps):
        i, tuned = i_hps
        digest = hashlib.sha1(json.dumps(tuned, sort_keys=True).encode()).hexdigest()[:8]
        name = f"{tuning_name}-{i + 1:03d}-{digest}"  # SageMaker's <tuning job>-<NNN>-<hash>
        job = {**definition, "HyperParameters": {**static, **tuned}}
        start = now_iso()
        res = run_job(ctx, job, name, ctx.step_dir / "trials" / name)
        value = next((m["Value"] for m in res.metrics if m["MetricName"] == metric), None)
        return name, tuned, res, value, start

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        results = list(pool.map(one, enumerate(trials)))
    summaries = []
    for name, tuned, res, value, start in results:
        entry = {"TrainingJobName": name, "TrainingJobArn": ctx.arn("training-job", name),
                 "TrainingJobStatus": "Completed" if res.ok else "Failed", "TunedHyperParameters": tuned,
                 "CreationTime": start, "TrainingStartTime": start, "TrainingEndTime": now_iso(),
                 "ObjectiveStatus": "Succeeded" if value is not None else "Failed"}
        if value is not None:
            entry["FinalHyperParameterTuningJobObjectiveMetric"] = {"Type": goal, "MetricName": metric, "Value": value}
        if not res.ok:
            entry["FailureReason"] = res.failure
        summaries.append(entry)
    scored = [s for s in summaries if "FinalHyperParameterTuningJobObjectiveMetric" in s]
    if not scored:
        first = next((r for _, _, r, _, _ in results if not r.ok), None)
        reason = first.failure if first else f"no training job reported the objective metric '{metric}'"
        return failed(f"none of the {len(results)} training jobs produced '{metric}': {reason}",
                      log_tail=first.log_tail if first else "",
                      script_seconds=sum(r.script_seconds for _, _, r, _, _ in results))
    sign = -1 if goal == "Maximize" else 1
    scored.sort(key=lambda s: sign * s["FinalHyperParameterTuningJobObjectiveMetric"]["Value"])
    ordered = scored + [s for s in summaries if s not in scored]
    wall = sum(r.script_seconds for _, _, r, _, _ in results) / parallel
    props = {**args, "HyperParameterTuningJobName": tuning_name,
             "HyperParameterTuningJobArn": ctx.arn("hyper-parameter-tuning-job", tuning_name),
             "HyperParameterTuningJobStatus": "Completed", "BestTrainingJob": scored[0],
             "TrainingJobSummaries": ordered,
             "TrainingJobStatusCounters": {"Completed": sum(r.ok for _, _, r, _, _ in results),
                                           "Failed": sum(not r.ok for _, _, r, _, _ in results)}}
    best = scored[0]
    return succeeded(props, script_seconds=wall, detail={
        "trials": len(results), "best": best["TrainingJobName"],
        "objective": {metric: best["FinalHyperParameterTuningJobObjectiveMetric"]["Value"]}})


def sample(ranges: dict, count: int, strategy: str, rng: random.Random) -> tuple[list[dict], str | None]:
    continuous = ranges.get("ContinuousParameterRanges") or []
    integer = ranges.get("IntegerParameterRanges") or []
    categorical = ranges.get("CategoricalParameterRanges") or []
    if strategy == "Grid":
        if continuous or integer:
            return [], "the Grid strategy takes categorical ranges only"
        names = [c["Name"] for c in categorical]
        grid = itertools.product(*[c.get("Values") or [] for c in categorical])
        return [dict(zip(names, values)) for values in itertools.islice(grid, count)], None
    trials = []
    try:
        for _ in range(count):
            hps = {}
            for r in continuous:
                hps[r["Name"]] = _fmt(_draw(float(r["MinValue"]), float(r["MaxValue"]), r.get("ScalingType"), rng))
            for r in integer:
                lo, hi = int(float(r["MinValue"])), int(float(r["MaxValue"]))
                v = _draw(lo, hi + 0.999999, r.get("ScalingType"), rng) if r.get("ScalingType") == "Logarithmic" \
                    else rng.randint(lo, hi)
                hps[r["Name"]] = str(min(hi, max(lo, int(v))))
            for r in categorical:
                hps[r["Name"]] = str(rng.choice(r["Values"]))
            trials.append(hps)
    except (KeyError, ValueError, IndexError) as exc:
        return [], f"malformed ParameterRanges: {exc}"
    return trials, None


def _draw(lo: float, hi: float, scaling: str | None, rng: random.Random) -> float:
    if scaling == "Logarithmic" and lo > 0:
        return math.exp(rng.uniform(math.log(lo), math.log(hi)))
    if scaling == "ReverseLogarithmic" and hi < 1:
        return 1 - math.exp(rng.uniform(math.log(1 - hi), math.log(1 - lo)))
    return rng.uniform(lo, hi)


def _fmt(value: float) -> str:
    return f"{value:.6g}"
