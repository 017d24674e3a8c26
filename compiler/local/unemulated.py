"""What a job's Arguments ask for that `mlpc run --local` does not emulate, named once per run.

A definition may carry Create* members the local executors do not act on: settings the YAML
renders (managed spot training, distribution, Debugger, Profiler) or anything a step's `request:`
escape hatch adds (RetryStrategy, InfraCheckConfig, ...). The step still runs; the runner records
these names on the step and the run summary lists them once, so a local success is not read as
proof that SageMaker will do the same.

HANDLED holds, per definition "Type", the top-level members a local run acts on or that mean
nothing on one machine (role, job name, tags, resources, the security settings local/security.py
reports); every other member present is reported. A few values inside handled members are
reported too (SPECIAL): several instances, spot, distribution hyperparameters.
"""

from __future__ import annotations

import json

_SECURITY = ("VpcConfig", "EnableNetworkIsolation", "EnableInterContainerTrafficEncryption")
_TRAINING = frozenset({
    "AlgorithmSpecification", "HyperParameters", "InputDataConfig", "OutputDataConfig", "ResourceConfig",
    "StoppingCondition", "Environment", "RoleArn", "TrainingJobName", "Tags", "CheckpointConfig",
    "EnableManagedSpotTraining", *_SECURITY})
_TUNING_DEFINITION = frozenset({
    "AlgorithmSpecification", "StaticHyperParameters", "InputDataConfig", "OutputDataConfig", "ResourceConfig",
    "HyperParameterTuningResourceConfig", "StoppingCondition", "Environment", "RoleArn", "CheckpointConfig",
    "EnableManagedSpotTraining", "HyperParameterRanges", "TuningObjective", "DefinitionName", *_SECURITY})
_PROCESSING = frozenset({
    "AppSpecification", "ProcessingInputs", "ProcessingOutputConfig", "ProcessingResources", "StoppingCondition",
    "Environment", "RoleArn", "ProcessingJobName", "Tags", "NetworkConfig"})
HANDLED = {
    "Processing": _PROCESSING,
    "QualityCheck": _PROCESSING,
    "ClarifyCheck": _PROCESSING,
    "Training": _TRAINING,
    "Tuning": frozenset({"HyperParameterTuningJobConfig", "TrainingJobDefinition", "HyperParameterTuningJobName",
                         "Tags"}),
    "Transform": frozenset({"ModelName", "TransformInput", "TransformOutput", "TransformResources",
                            "DataProcessing", "Environment", "BatchStrategy", "MaxPayloadInMB",
                            "MaxConcurrentTransforms", "TransformJobName", "Tags"}),
    "Model": frozenset({"PrimaryContainer", "Containers", "ExecutionRoleArn", "ModelName", "Tags", "VpcConfig",
                        "EnableNetworkIsolation"}),
}
HANDLED["CreateModel"] = HANDLED["Model"]

# Hyperparameters the SDK's framework estimators set for distributed training (sagemaker/estimator.py
# Framework._distribution_configuration, sagemaker/pytorch/estimator.py): one host runs one process.
DISTRIBUTION_FLAGS = ("sagemaker_torch_distributed_enabled", "sagemaker_mpi_enabled",
                      "sagemaker_parameter_server_enabled", "sagemaker_distributed_dataparallel_enabled",
                      "sagemaker_pytorch_ddp_enabled", "sagemaker_multi_worker_mirrored_strategy_enabled")


def _true(value) -> bool:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value.lower() == "true"
    return value is True


def _training(args: dict, hp_key: str) -> list[str]:
    out = []
    local = (args.get("CheckpointConfig") or {}).get("LocalPath")
    if isinstance(local, str) and not (local == "/opt/ml" or local.startswith("/opt/ml/")):
        out.append(f"CheckpointConfig (LocalPath {local} is outside /opt/ml)")
    if _true(args.get("EnableManagedSpotTraining")):
        out.append("managed spot training (runs once, never interrupted)")
    count = ((args.get("ResourceConfig") or args.get("HyperParameterTuningResourceConfig") or {})
             .get("InstanceCount"))
    if isinstance(count, int) and count > 1:
        out.append(f"InstanceCount {count} (one host locally)")
    hps = args.get(hp_key) or {}
    flags = [k for k in DISTRIBUTION_FLAGS if _true(hps.get(k))]
    if flags:
        out.append(f"distribution ({', '.join(flags)}: one process locally)")
    return out


def findings(step_type: str, args: dict) -> list[str]:
    """-> what of this step's resolved Arguments a local run does not do (empty: nothing)."""
    handled = HANDLED.get(step_type)
    if handled is None:
        return []
    out = [k for k in args if k not in handled]
    count = ((args.get("ProcessingResources") or {}).get("ClusterConfig") or {}).get("InstanceCount")
    if isinstance(count, int) and count > 1:
        out.append(f"InstanceCount {count} (one host locally)")
    if step_type == "Training":
        out += _training(args, "HyperParameters")
    elif step_type == "Tuning":
        definition = args.get("TrainingJobDefinition") or {}
        out += [f"TrainingJobDefinition.{k}" for k in definition if k not in _TUNING_DEFINITION]
        out += _training(definition, "StaticHyperParameters")
    return out
