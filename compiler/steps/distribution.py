"""`distribution:` -- multi-instance script-mode training, as the SDK's PyTorch estimator renders it.

The SDK does not put distribution in a request member: the framework estimator turns its
`distribution` dict into hyperparameters the training toolkit reads (JSON-encoded like every
framework hyperparameter). For PyTorch (sagemaker/pytorch/estimator.py
PyTorch._pytorch_distribution_configuration, falling back to sagemaker/estimator.py
Framework._distribution_configuration):

  torch_distributed      sagemaker_torch_distributed_enabled: true, sagemaker_instance_type
  mpi                    sagemaker_mpi_enabled: true, sagemaker_mpi_num_of_processes_per_host (if
                         given), sagemaker_mpi_custom_mpi_options ("" unless given)
  parameter_server       sagemaker_parameter_server_enabled: true

YAML: `distribution: torch_distributed` (a strategy name) or `distribution: {mpi: {processes_per_host: 8,
custom_mpi_options: "-x NCCL_DEBUG=INFO"}}` (one strategy with its options; `enabled` is implied).
Other frameworks' estimators add more than these flags (TensorFlow a model_dir from the job name), so
mlpc renders distribution for `framework: pytorch` script mode only and says so otherwise; the
`request:` escape hatch can still set any hyperparameter.
"""

from __future__ import annotations

import json

from ..expressions import Expr

STRATEGIES = ("torch_distributed", "mpi", "parameter_server")
FRAMEWORKS = ("pytorch",)
# sagemaker/fw_utils.py validate_torch_distributed_distribution: GPU (_is_gpu_instance) or Trainium instances.
_ACCELERATED = ("ml.p", "ml.g", "ml.trn")


def spec(step) -> tuple[str, dict] | None:
    """-> (strategy, options) of the step's `distribution:`, or None."""
    raw = step.get("distribution")
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw, {}
    strategy = next(iter(raw))
    return strategy, dict(raw[strategy] or {})


def hyperparameters(step, ctx) -> dict:
    """-> the JSON-encoded hyperparameters the SDK adds for the step's distribution ({} when none or wrong)."""
    found = spec(step)
    if found is None or not _check(step, ctx, *found):
        return {}
    strategy, options = found
    key = ("distribution", strategy) if isinstance(step.get("distribution"), dict) else ("distribution",)
    out: dict = {}
    if strategy == "torch_distributed":
        out["sagemaker_torch_distributed_enabled"] = True
        out["sagemaker_instance_type"] = ctx.value(step, ("instance_type",))
    elif strategy == "mpi":
        out["sagemaker_mpi_enabled"] = True
        if options.get("processes_per_host"):
            out["sagemaker_mpi_num_of_processes_per_host"] = ctx.value(step, key + ("processes_per_host",))
        out["sagemaker_mpi_custom_mpi_options"] = (ctx.value(step, key + ("custom_mpi_options",))
                                                   if options.get("custom_mpi_options") is not None else "")
    else:
        out["sagemaker_parameter_server_enabled"] = True
    return {k: v if isinstance(v, Expr) else json.dumps(v) for k, v in out.items()}  # an Expr is joined later


def _check(step, ctx, strategy: str, options: dict) -> bool:
    where = ("distribution",)  # the strategy names are the schema's (an enum), so only the step is checked here
    if step.get("entry_point") is None or step.get("framework") not in FRAMEWORKS:
        ctx.error(step, where, "J005", "distribution is rendered for script-mode framework: pytorch training only",
                  "other estimators add their own hyperparameters (TensorFlow: model_dir); set them with "
                  "hyperparameters: or request:")
        return False
    count, itype = step.get("instance_count", 1), step.get("instance_type")
    literal_type = isinstance(itype, str) and "${" not in itype
    if strategy == "torch_distributed" and literal_type and not itype.startswith(_ACCELERATED):
        ctx.error(step, ("instance_type",), "J006",
                  f"torch_distributed runs on GPU and Trainium instances only, not {itype}",
                  "use an ml.p*/ml.g*/ml.trn* instance type, or mpi for CPU instances (as the SDK checks)")
        return False
    single = isinstance(count, int) and not isinstance(count, bool) and count == 1
    processes = options.get("processes_per_host")
    several = processes is not None and (not isinstance(processes, int) or processes > 1)
    many_local = strategy == "torch_distributed" or (strategy == "mpi" and several)
    if single and not many_local:
        why = ("one parameter server and one worker on one host" if strategy == "parameter_server"
               else "one MPI process in all")
        ctx.error(step, ("instance_count",) if "instance_count" in step.fields else where, "J007",
                  f"{strategy} distribution on one instance: {why}, nothing is distributed",
                  "set instance_count > 1" + (" or processes_per_host > 1" if strategy == "mpi" else ""))
        return False
    return True
