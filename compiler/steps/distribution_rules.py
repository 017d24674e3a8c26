"""The checks on `distribution:` that the SDK's estimators make when they are built (they raise
ValueError; mlpc reports FILE:LINE:COL), plus the ones that only fail on SageMaker at run time.

Sources (SageMaker Python SDK v2.257): sagemaker/fw_utils.py validate_distribution,
validate_smdistributed, _validate_smdataparallel_args, validate_torch_distributed_distribution,
validate_distribution_for_instance_type, validate_mp_config, warn_if_parameter_server_with_multi_gpu;
sagemaker/estimator.py Framework._validate_mwms_config and the p5 rule in _distribution_configuration;
sagemaker/tensorflow/estimator.py (no Debugger hook with parameter servers); sagemaker/mxnet/estimator.py
(distribution from MXNet 1.3). The version tables are the SDK's; tests/parity/test_distribution_parity.py
checks they still are.
"""

from __future__ import annotations

from ..expressions import Expr
from ..images import instance_family

# framework -> the strategies its estimator takes (in the order the docs list them)
BY_FRAMEWORK = {
    "pytorch": ("torch_distributed", "pytorchddp", "mpi", "parameter_server", "smdistributed"),
    "tensorflow": ("parameter_server", "mpi", "multi_worker_mirrored_strategy", "smdistributed"),
    "mxnet": ("parameter_server", "mpi"),
}
STRATEGIES = tuple(dict.fromkeys(s for names in BY_FRAMEWORK.values() for s in names))
NAMED = tuple(s for s in STRATEGIES if s != "smdistributed")  # smdistributed needs dataparallel or modelparallel
# More than one strategy at once: SMP (smdistributed.modelparallel) runs under mpi (v1) or torchrun (v2).
COMBINATIONS = (frozenset({"mpi", "smdistributed"}), frozenset({"torch_distributed", "smdistributed"}))

# sagemaker/fw_utils.py SM_DATAPARALLEL_SUPPORTED_FRAMEWORK_VERSIONS
SMDDP_VERSIONS = {
    "tensorflow": ("2.3", "2.3.1", "2.3.2", "2.4", "2.4.1", "2.4.3", "2.5", "2.5.0", "2.5.1", "2.6", "2.6.0",
                   "2.6.2", "2.6.3", "2.7", "2.7.1", "2.8", "2.8.0", "2.9", "2.9.1", "2.9.2", "2.10", "2.10.1",
                   "2.11", "2.11.0"),
    "pytorch": ("1.6", "1.6.0", "1.7", "1.7.1", "1.8", "1.8.0", "1.8.1", "1.9", "1.9.0", "1.9.1", "1.10", "1.10.0",
                "1.10.2", "1.11", "1.11.0", "1.12", "1.12.0", "1.12.1", "1.13.1", "2.0.0", "2.0.1", "2.1.0",
                "2.1.2", "2.2.0"),
}
# TORCH_DISTRIBUTED_GPU_SUPPORTED_FRAMEWORK_VERSIONS, TRAINIUM_SUPPORTED_TORCH_DISTRIBUTED_FRAMEWORK_VERSIONS
TORCH_DISTRIBUTED_GPU_VERSIONS = ("1.13.1", "2.0.0", "2.0.1", "2.1.0", "2.1.2", "2.2.0", "2.3.0", "2.3.1", "2.4.1",
                                  "2.5.1", "2.6.0", "2.7.1", "2.8.0")
TORCH_DISTRIBUTED_TRAINIUM_VERSIONS = ("1.11", "1.11.0", "1.12", "1.12.0", "1.12.1", "1.13.1", "2.0.0")
SINGLE_GPU_INSTANCE_TYPES = ("ml.p2.xlarge", "ml.p3.2xlarge")
MIN_VERSION = {"mxnet": (1, 3)}  # MXNet._LOWEST_SCRIPT_MODE_VERSION
MWMS_MIN_TENSORFLOW = (2, 9)

# validate_mp_config
MP_CHOICES = {"pipeline": ("simple", "interleaved", "_only_forward"), "placement_strategy": ("spread", "cluster"),
              "optimize": ("speed", "memory")}
MP_POSITIVE = ("microbatches", "partitions", "active_microbatches")
MP_BOOLEAN = ("auto_partition", "contiguous", "load_partition", "horovod", "ddp", "deterministic_server")


def check(step, ctx, d: dict) -> bool:
    """-> True when the step's distribution can be rendered; otherwise the reasons are reported."""
    framework = step.get("framework")
    if step.get("entry_point") is None or framework not in BY_FRAMEWORK:
        ctx.error(step, ("distribution",), "J005",
                  "distribution is rendered for script-mode pytorch, tensorflow and mxnet training only",
                  "those are the SDK estimators that take distribution=; for others set the hyperparameters "
                  "their containers read with hyperparameters: or request:")
        return False
    errors = _errors(ctx)
    _strategies(step, ctx, d, framework)
    if _errors(ctx) == errors:
        _versions(step, ctx, d, framework)
        _instances(step, ctx, d)
        _processes(step, ctx, d)
        _mp_parameters(step, ctx, d)
        _debugger(step, ctx, d, framework)
    return _errors(ctx) == errors


def _errors(ctx) -> int:
    return sum(1 for d in ctx.diagnostics if d.severity != "warning")


def _where(step, strategy: str) -> tuple:
    return ("distribution", strategy) if isinstance(step.get("distribution"), dict) else ("distribution",)


def _strategies(step, ctx, d: dict, framework: str) -> None:
    allowed = BY_FRAMEWORK[framework]
    for name in d:
        if name not in allowed:
            ctx.error(step, _where(step, name), "J008",
                      f"the {framework} estimator has no {name} distribution",
                      f"{framework} takes: {', '.join(allowed)}")
            return
    if len(d) > 1 and frozenset(d) not in COMBINATIONS:
        ctx.error(step, ("distribution",), "J010", f"{' and '.join(d)} cannot run together",
                  "use one strategy; the only pairs are smdistributed modelparallel with mpi or torch_distributed")
        return
    sm = d.get("smdistributed")
    if sm is not None and "modelparallel" in sm and not ({"mpi", "torch_distributed"} & set(d)):
        ctx.error(step, ("distribution", "smdistributed", "modelparallel"), "J010",
                  "smdistributed modelparallel needs mpi (SMP v1) or torch_distributed (SMP v2) beside it",
                  "add mpi: {processes_per_host: GPUS_PER_INSTANCE} to distribution")
    elif sm is not None and len(d) > 1 and "dataparallel" in sm:
        ctx.error(step, ("distribution", "smdistributed"), "J010",
                  f"smdistributed dataparallel runs on its own, not with {' and '.join(k for k in d if k != 'smdistributed')}",
                  "remove the other strategy: SMDDP launches its own processes")


def _literal(value) -> str | None:
    return value if isinstance(value, str) and "${" not in value else None


def _version(text: str) -> tuple | None:
    try:
        return tuple(int(p) for p in text.split("."))
    except ValueError:
        return None


def _versions(step, ctx, d: dict, framework: str) -> None:
    """The SDK checks versions only when it picks the image (no image_uri); so does mlpc."""
    version = _literal(step.get("framework_version"))
    if step.get("image") is not None or version is None:
        return
    where = ("framework_version",)
    parsed = _version(version)
    lowest = MIN_VERSION.get(framework)
    if lowest and parsed and parsed < lowest:
        ctx.error(step, where, "J009", f"{framework} {version} takes no distribution",
                  f"distribution needs {framework} {'.'.join(map(str, lowest))} or later (script mode)")
        return
    if "multi_worker_mirrored_strategy" in d and parsed and parsed < MWMS_MIN_TENSORFLOW:
        ctx.error(step, where, "J009", f"multi_worker_mirrored_strategy needs tensorflow 2.9 or later, not {version}",
                  "use mpi (Horovod) or parameter_server for older versions")
    if "dataparallel" in (d.get("smdistributed") or {}) or "pytorchddp" in d:
        supported = SMDDP_VERSIONS[framework]
        if version not in supported:
            ctx.error(step, where, "J009", f"smdistributed dataparallel does not support {framework} {version}",
                      f"supported: {', '.join(supported)}")
    itype = _literal(step.get("instance_type"))
    if "torch_distributed" in d and itype:
        table = TORCH_DISTRIBUTED_TRAINIUM_VERSIONS if _trainium(itype) else TORCH_DISTRIBUTED_GPU_VERSIONS
        if _gpu(itype) or _trainium(itype):
            if version not in table:
                ctx.error(step, where, "J009",
                          f"torch_distributed does not support pytorch {version} on {itype}",
                          f"supported: {', '.join(table)}")
    py = _literal(step.get("py_version"))
    if py and "py3" not in py and ("torch_distributed" in d or "pytorchddp" in d
                                   or "dataparallel" in (d.get("smdistributed") or {})):
        ctx.error(step, ("py_version",), "J009", f"{py} is not supported with this distribution", "use py3x")


def _gpu(itype: str) -> bool:
    """fw_utils._is_gpu_instance."""
    return instance_family(itype).startswith(("p", "g"))


def _trainium(itype: str) -> bool:
    """fw_utils._is_trainium_instance."""
    return instance_family(itype).startswith("trn")


def _instances(step, ctx, d: dict) -> None:
    itype = _literal(step.get("instance_type"))
    if itype is None or itype.startswith("local"):
        return
    at = ("instance_type",)
    if _trainium(itype) and set(d) != {"torch_distributed"}:
        ctx.error(step, at, "J006", f"on Trainium ({itype}) the only distribution is torch_distributed",
                  "as the SDK checks (validate_distribution_for_instance_type)")
    elif "torch_distributed" in d and not (_gpu(itype) or _trainium(itype)):
        ctx.error(step, at, "J006", f"torch_distributed runs on GPU and Trainium instances only, not {itype}",
                  "use an ml.p*/ml.g*/ml.trn* instance type, or mpi for CPU instances (as the SDK checks)")
    elif ("smdistributed" in d or "pytorchddp" in d) and not _gpu(itype):
        ctx.error(step, at, "J006", f"the SageMaker distributed libraries run on GPU instances only, not {itype}",
                  "use e.g. ml.p4d.24xlarge or ml.p3.16xlarge")
    elif ("smdistributed" in d or "pytorchddp" in d) and "p5.48xlarge" in itype and "torch_distributed" not in d:
        ctx.error(step, at, "J006", "smdistributed on ml.p5.48xlarge needs torch_distributed beside it",
                  "add torch_distributed to distribution (SMP v2), as the SDK requires")
    if "parameter_server" in d and instance_family(itype).startswith("p") and itype not in SINGLE_GPU_INSTANCE_TYPES:
        ctx.warning(step, at, "J013", f"parameter_server runs one worker per host: {itype}'s other GPUs stay idle",
                  "use mpi (Horovod) or multi_worker_mirrored_strategy to use every GPU")


def _processes(step, ctx, d: dict) -> None:
    """One instance and one process per host: nothing is distributed (the job runs, at full price)."""
    count = step.get("instance_count", 1)
    if not (isinstance(count, int) and not isinstance(count, bool) and count == 1):
        return
    processes = (d.get("mpi") or {}).get("processes_per_host")
    several = processes is not None and (not isinstance(processes, int) or processes > 1)
    per_gpu = {"torch_distributed", "smdistributed", "pytorchddp"} & set(d)
    if per_gpu or several:
        return
    strategy = next(iter(d))
    why = {"parameter_server": "one parameter server and one worker on one host",
           "multi_worker_mirrored_strategy": "one worker"}.get(strategy, "one MPI process in all")
    ctx.error(step, ("instance_count",) if "instance_count" in step.fields else ("distribution",), "J007",
              f"{strategy} distribution on one instance: {why}, nothing is distributed",
              "set instance_count > 1" + (" or processes_per_host > 1" if strategy == "mpi" else ""))


def _mp_parameters(step, ctx, d: dict) -> None:
    """validate_mp_config, at the parameter's own place."""
    mp = (d.get("smdistributed") or {}).get("modelparallel")
    params = (mp or {}).get("parameters") or {}
    where = ("distribution", "smdistributed", "modelparallel", "parameters")

    def bad(key, message, hint=None):
        ctx.error(step, where + ((key,) if key in params else ()), "J011", message, hint)

    for key, value in params.items():
        if _has_expression(value):
            bad(key, f"mp parameter {key} holds a pipeline expression",
                "the parameters are JSON-encoded into one hyperparameter (mp_parameters) when the pipeline "
                "is built: write literal values")
            return
    for key, choices in MP_CHOICES.items():
        if key in params and params[key] not in choices:
            bad(key, f"{key} must be one of {', '.join(choices)}, not {params[key]!r}")
    for key in MP_POSITIVE:
        if key in params and (not isinstance(params[key], int) or isinstance(params[key], bool) or params[key] < 1):
            bad(key, f"{key} must be a positive integer, not {params[key]!r}")
    for key in MP_BOOLEAN:
        if key in params and not isinstance(params[key], bool):
            bad(key, f"{key} must be true or false, not {params[key]!r}")
    if "partition_file" in params and not isinstance(params["partition_file"], str):
        bad("partition_file", "partition_file must be a string")
    if params.get("auto_partition") is False and "default_partition" not in params:
        bad("auto_partition", "auto_partition: false needs default_partition")
    partitions, default = params.get("partitions"), params.get("default_partition")
    if isinstance(default, int) and isinstance(partitions, int) and default >= partitions:
        bad("default_partition", f"default_partition ({default}) must be less than partitions ({partitions})")
    weight = params.get("memory_weight")
    if isinstance(weight, (int, float)) and not isinstance(weight, bool) and not 0.0 <= weight <= 1.0:
        bad("memory_weight", f"memory_weight must be between 0.0 and 1.0, not {weight}")
    for key in ("ddp_port", "ddp_dist_backend"):
        if key in params and "ddp" not in params:
            bad(key, f"{key} needs ddp to be set as well")
    port = params.get("ddp_port")
    if "ddp_port" in params and (not isinstance(port, int) or isinstance(port, bool) or port < 0):
        bad("ddp_port", f"invalid port number {port!r}")
    if params.get("horovod") is True and params.get("ddp") is True:
        bad("ddp", "ddp and horovod cannot both be enabled")


def _has_expression(value) -> bool:
    if isinstance(value, Expr) or (isinstance(value, str) and "${" in value):
        return True
    if isinstance(value, dict):
        return any(_has_expression(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_expression(v) for v in value)
    return False


def _debugger(step, ctx, d: dict, framework: str) -> None:
    """The TensorFlow estimator drops the Debugger hook with parameter servers (smdebug does not support them)."""
    if framework == "tensorflow" and "parameter_server" in d and step.get("debugger") not in (None, False):
        ctx.error(step, ("debugger",), "J012", "Debugger does not support TensorFlow parameter server training",
                  "remove debugger:, or use mpi or multi_worker_mirrored_strategy (the SDK drops the hook silently)")
