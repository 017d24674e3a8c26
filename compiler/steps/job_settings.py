"""Job settings rendered the way the SageMaker SDK v2's estimators, processors and tuners render them.

  - tags (every job step, through the overlay hook): `tags: {KEY: value}` -> the Create* request's
    `Tags: [{Key, Value}]` (sagemaker.utils.format_tags, as Estimator/Processor/Transformer(tags=) do);
  - managed spot training (training, tuning): `use_spot`, `max_wait_seconds`, `checkpoint:
    {s3_uri, local_path}` -> EnableManagedSpotTraining, StoppingCondition.MaxWaitTimeInSeconds,
    CheckpointConfig (sagemaker/session.py _get_train_request, job.py _prepare_stop_condition);
  - Debugger and Profiler (training): `debugger:` -> DebugHookConfig (sagemaker/debugger/debugger.py
    DebuggerHookConfig._to_request_dict), `profiler:` -> ProfilerConfig (profiler_config.py). Off
    unless asked for: the SDK's default hook and profiler are an intended difference
    (docs/sdk-parity.md, "debugger-profiler").
Distribution (training) lives in steps/distribution.py.
"""

from __future__ import annotations

from ..expressions import Expr


def tags_overlay(step, kind, rendered, ctx) -> None:
    """The overlay hook (mlpc.overlays), for every job kind: `tags: {KEY: value}` -> Tags, a list of
    {Key, Value} in the YAML's order, on the job the step starts (every Create* request takes Tags)."""
    found = step.get("tags")
    if not found:
        return
    where = step.path + ("tags",)
    rendered.put(("Tags",), [{"Key": k, "Value": ctx.value(step, ("tags", k))} for k in found], origin=where)
    for i, k in enumerate(found):
        rendered.pinned[("Tags", i)] = where + (k,)


def spot(step, ctx, args: dict, origins: dict) -> None:
    """use_spot / max_wait_seconds / checkpoint -> the members of a training job (or a tuning job's
    TrainingJobDefinition) the SDK writes for them, with the checks SageMaker would make at run time."""
    use = step.get("use_spot")
    if use is not None:
        value = ctx.value(step, ("use_spot",))
        if value is not False:  # the SDK writes it only when truthy (a Boolean parameter is an expression)
            args["EnableManagedSpotTraining"] = value
            origins[("EnableManagedSpotTraining",)] = ("use_spot",)
    if step.get("max_wait_seconds") is not None:
        args["StoppingCondition"]["MaxWaitTimeInSeconds"] = ctx.value(step, ("max_wait_seconds",))
        origins[("StoppingCondition", "MaxWaitTimeInSeconds")] = ("max_wait_seconds",)
    checkpoint = step.get("checkpoint")
    if checkpoint is not None:
        cfg = {"S3Uri": ctx.value(step, ("checkpoint", "s3_uri"))}
        if checkpoint.get("local_path") is not None:
            cfg["LocalPath"] = ctx.value(step, ("checkpoint", "local_path"))
        args["CheckpointConfig"] = cfg
        origins[("CheckpointConfig",)] = ("checkpoint",)
        origins[("CheckpointConfig", "S3Uri")] = ("checkpoint", "s3_uri")
        origins[("CheckpointConfig", "LocalPath")] = ("checkpoint", "local_path")
    _check_spot(step, ctx, args)


def _check_spot(step, ctx, args: dict) -> None:
    use, wait = step.get("use_spot"), step.get("max_wait_seconds")
    runtime = args["StoppingCondition"].get("MaxRuntimeInSeconds")
    if use is True and wait is None:
        ctx.error(step, ("use_spot",), "J001", "managed spot training needs max_wait_seconds",
                  "SageMaker requires MaxWaitTimeInSeconds with spot training: how long to wait for spot capacity "
                  "plus the run time, e.g. max_wait_seconds: 2 * max_runtime_seconds")
    if wait is not None and use in (None, False):
        ctx.error(step, ("max_wait_seconds",), "J002", "max_wait_seconds applies to managed spot training only",
                  "set use_spot: true (or remove max_wait_seconds)")
    if use not in (None, False) and isinstance(wait, int) and isinstance(runtime, int) and not isinstance(runtime, bool) and wait < runtime:
        ctx.error(step, ("max_wait_seconds",), "J003",
                  f"max_wait_seconds ({wait}) is less than max_runtime_seconds ({runtime})",
                  "the wait includes the run time: SageMaker requires MaxWaitTimeInSeconds >= MaxRuntimeInSeconds")
    local = (step.get("checkpoint") or {}).get("local_path")
    if isinstance(local, str) and "${" not in local and not local.startswith("/"):
        ctx.error(step, ("checkpoint", "local_path"), "J004",
                  f"checkpoint local_path must be an absolute path in the container, got {local!r}",
                  "e.g. /opt/ml/checkpoints (SageMaker's default when local_path is not given)")


def debugger(step, ctx, args: dict, origins: dict, output_path) -> None:
    """`debugger: true | {s3_output_path, local_path, hook_parameters, collections}` -> DebugHookConfig."""
    spec = step.get("debugger")
    if spec is None or spec is False:
        return
    spec = {} if spec is True else spec
    key = ("debugger",)
    cfg = {"S3OutputPath": ctx.value(step, key + ("s3_output_path",)) if "s3_output_path" in spec else output_path}
    if spec.get("local_path") is not None:
        cfg["LocalPath"] = ctx.value(step, key + ("local_path",))
    if spec.get("hook_parameters"):
        cfg["HookParameters"] = {k: _text(ctx.value(step, key + ("hook_parameters", k)))
                                 for k in spec["hook_parameters"]}
    collections = []
    # sorted by name: the SDK keeps them in a set, so its order changes with Python's hash seed
    for name, params in sorted((spec.get("collections") or {}).items()):
        entry = {"CollectionName": name}
        if params:
            entry["CollectionParameters"] = {k: _text(ctx.value(step, key + ("collections", name, k)))
                                             for k in params}
        collections.append(entry)
    cfg["CollectionConfigurations"] = collections  # the SDK always writes the list, [] when empty
    args["DebugHookConfig"] = cfg
    origins[("DebugHookConfig",)] = key
    origins[("DebugHookConfig", "S3OutputPath")] = key + ("s3_output_path",) if "s3_output_path" in spec else key


def profiler(step, ctx, args: dict, origins: dict, output_path) -> None:
    """`profiler: true | false | {s3_output_path, interval_millis}` -> ProfilerConfig."""
    spec = step.get("profiler")
    if spec is None:
        return
    key = ("profiler",)
    if spec is False:
        args["ProfilerConfig"] = {"DisableProfiler": True}
    else:
        spec = {} if spec is True else spec
        cfg = {"S3OutputPath": ctx.value(step, key + ("s3_output_path",)) if "s3_output_path" in spec else output_path,
               "DisableProfiler": False}
        if spec.get("interval_millis") is not None:
            cfg["ProfilingIntervalInMilliseconds"] = ctx.value(step, key + ("interval_millis",))
        args["ProfilerConfig"] = cfg
    origins[("ProfilerConfig",)] = key


def _text(value):
    """Hook and collection parameters are string maps in the API (the SDK passes them as given)."""
    if isinstance(value, Expr) or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
