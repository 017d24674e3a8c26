"""`distribution:` -- multi-instance script-mode training, as the SDK's framework estimators render it.

The SDK does not put distribution in a request member: the framework estimator turns its
`distribution` dict into hyperparameters the training toolkit reads (JSON-encoded like every
framework hyperparameter). Which strategies each estimator takes, and what it writes for them:

  PyTorch     sagemaker/pytorch/estimator.py PyTorch._pytorch_distribution_configuration:
              torch_distributed (+ smdistributed for SMP v2), pytorchddp (rewritten to
              smdistributed.dataparallel), else Framework._distribution_configuration
  TensorFlow  Framework._distribution_configuration (sagemaker/estimator.py); the estimator's
              model_dir lives in steps/model_dir.py
  MXNet       sagemaker/mxnet/estimator.py MXNet._configure_distribution (into the user's
              hyperparameters; custom MPI options only next to processes_per_host)

  parameter_server                sagemaker_parameter_server_enabled
  mpi                             sagemaker_mpi_enabled, sagemaker_mpi_num_of_processes_per_host (if
                                  given), sagemaker_mpi_custom_mpi_options ("" unless given)
  torch_distributed               sagemaker_torch_distributed_enabled, sagemaker_instance_type
  smdistributed.dataparallel      sagemaker_distributed_dataparallel_enabled: true, sagemaker_instance_type,
                                  sagemaker_distributed_dataparallel_custom_mpi_options ("" unless given)
  smdistributed.modelparallel     mp_parameters (the parameters, JSON), sagemaker_distributed_dataparallel_enabled:
                                  false, sagemaker_instance_type
  multi_worker_mirrored_strategy  sagemaker_multi_worker_mirrored_strategy_enabled

YAML: `distribution: torch_distributed` (a strategy name), or a mapping of strategies to their options
(`enabled` is implied): `{mpi: {processes_per_host: 8}, smdistributed: {modelparallel: {parameters: {...}}}}`.
The checks the SDK makes (and SageMaker would make at run time) are in steps/distribution_rules.py.
"""

from __future__ import annotations

import json

from ..expressions import Expr
from . import distribution_rules as rules

NAMED = rules.NAMED  # the strategies that can be written as a bare name


def spec(step) -> dict | None:
    """-> {strategy: options} of the step's `distribution:` (None when there is none)."""
    raw = step.get("distribution")
    if raw is None:
        return None
    if isinstance(raw, str):
        return {raw: {}}
    return {k: dict(v or {}) for k, v in raw.items()}


def hyperparameters(step, ctx) -> dict:
    """-> the hyperparameters the SDK adds for the step's distribution ({} when none or wrong)."""
    found = spec(step)
    if found is None or not rules.check(step, ctx, found):
        return {}
    values = _Values(step, ctx)
    flags = RENDER[step.get("framework")](found, values)
    return {k: v if isinstance(v, Expr) else json.dumps(v) for k, v in flags.items()}


def mpi_enabled(step) -> bool:
    """True when the step's distribution runs under mpirun (the TensorFlow model_dir then stays local)."""
    found = spec(step)
    return bool(found) and "mpi" in found


class _Values:
    """The step's distribution options as values (literals or expressions), by YAML path."""

    def __init__(self, step, ctx):
        self.step, self.ctx = step, ctx
        self.prefix = ("distribution",) if isinstance(step.get("distribution"), dict) else None

    def option(self, strategy: tuple, name: str, options: dict):
        if options.get(name) is None or self.prefix is None:
            return None
        return self.ctx.value(self.step, self.prefix + strategy + (name,))

    def instance_type(self):
        return self.ctx.value(self.step, ("instance_type",))


def _framework(d: dict, values: _Values) -> dict:
    """Framework._distribution_configuration (sagemaker/estimator.py)."""
    out: dict = {}
    if "parameter_server" in d:
        out["sagemaker_parameter_server_enabled"] = True
    if "mpi" in d:
        out["sagemaker_mpi_enabled"] = True
        processes = values.option(("mpi",), "processes_per_host", d["mpi"])
        if processes:
            out["sagemaker_mpi_num_of_processes_per_host"] = processes
        custom = values.option(("mpi",), "custom_mpi_options", d["mpi"])
        out["sagemaker_mpi_custom_mpi_options"] = "" if custom is None else custom
    if "smdistributed" in d:
        sm = d["smdistributed"]
        params = (sm.get("modelparallel") or {}).get("parameters") if "modelparallel" in sm else None
        if params:  # the SDK writes mp_parameters only when there are some
            out["mp_parameters"] = params
        out["sagemaker_distributed_dataparallel_enabled"] = "dataparallel" in sm
        out["sagemaker_instance_type"] = values.instance_type()
        if "dataparallel" in sm:
            custom = values.option(("smdistributed", "dataparallel"), "custom_mpi_options", sm["dataparallel"] or {})
            out["sagemaker_distributed_dataparallel_custom_mpi_options"] = "" if custom is None else custom
    if "multi_worker_mirrored_strategy" in d:
        out["sagemaker_multi_worker_mirrored_strategy_enabled"] = True
    return out


def _pytorch(d: dict, values: _Values) -> dict:
    """PyTorch._pytorch_distribution_configuration (sagemaker/pytorch/estimator.py)."""
    if "pytorchddp" in d:  # the estimator rewrites it to smdistributed.dataparallel before rendering
        return _pytorchddp(d, values)
    if "torch_distributed" in d:
        out = _framework(d, values) if "smdistributed" in d else {}
        out["sagemaker_torch_distributed_enabled"] = True
        out["sagemaker_instance_type"] = values.instance_type()
        return out
    return _framework(d, values)


def _pytorchddp(d: dict, values: _Values) -> dict:
    """pytorchddp renders as smdistributed.dataparallel; its custom_mpi_options are under `pytorchddp:`."""
    out = {"sagemaker_distributed_dataparallel_enabled": True, "sagemaker_instance_type": values.instance_type()}
    custom = values.option(("pytorchddp",), "custom_mpi_options", d["pytorchddp"])
    out["sagemaker_distributed_dataparallel_custom_mpi_options"] = "" if custom is None else custom
    return out


def _mxnet(d: dict, values: _Values) -> dict:
    """MXNet._configure_distribution (sagemaker/mxnet/estimator.py): parameter_server and mpi as the other
    estimators write them, except that the default "" for custom MPI options comes only with
    processes_per_host. (The SDK also drops custom_mpi_options given without processes_per_host; mlpc passes
    them on: docs/sdk-parity.md.)"""
    out = _framework(d, values)
    options = d.get("mpi")
    if options is not None and not options.get("processes_per_host") and options.get("custom_mpi_options") is None:
        del out["sagemaker_mpi_custom_mpi_options"]
    return out


RENDER = {"pytorch": _pytorch, "tensorflow": _framework, "mxnet": _mxnet}
assert set(RENDER) == set(rules.BY_FRAMEWORK)


def image_arguments(step, framework: str, version, instance_type) -> tuple[str, dict]:
    """How the framework estimator asks for its training image given the distribution
    (sagemaker/image_uris.py get_training_image_uri): SMP v2 (torch_distributed with smdistributed
    modelparallel) takes the pytorch-smp image with a CUDA container version; any smdistributed
    strategy (pytorchddp included) may add a CUDA suffix to old GPU images."""
    found = spec(step) or {}
    if framework == "pytorch" and "pytorchddp" in found:
        found = {**found, "smdistributed": {"dataparallel": found["pytorchddp"]}}
    if "smdistributed" not in found:
        return framework, {}
    if framework == "pytorch" and "torch_distributed" in found and "modelparallel" in found["smdistributed"] \
            and isinstance(version, str):
        if "2.5" in version:  # the SDK's substring tests, as written
            cuda = "cu124"
        elif (isinstance(instance_type, str) and "p5" in instance_type) or any(
                v in version for v in ("2.1", "2.2", "2.3", "2.4")):
            cuda = "cu121"
        else:
            cuda = "cu118"
        return "pytorch-smp", {"container_version": cuda, "smdistributed": True}
    return framework, {"smdistributed": True}
