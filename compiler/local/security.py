"""What a job's Arguments ask for in security settings, read the same way for every step type.

Locally, network isolation is enforced (the step's processes get a network namespace of
their own, see sandbox.py); KMS keys, VPC subnets and security groups, and inter-container
encryption have nothing to act on here, so they are recorded in the execution record and
the run summary says that they were not enforced.
"""

from __future__ import annotations


def _dig(node, *keys):
    for k in keys:
        node = node.get(k) if isinstance(node, dict) else None
    return node


def _job(args: dict, resources: str) -> dict:
    return {"network_isolation": bool(args.get("EnableNetworkIsolation")),
            "volume_kms_key": _dig(args, resources, "VolumeKmsKeyId"),
            "output_kms_key": _dig(args, "OutputDataConfig", "KmsKeyId"),
            "vpc": args.get("VpcConfig"),
            "inter_container_encryption": args.get("EnableInterContainerTrafficEncryption")}


def _processing(args: dict, model) -> dict:
    net = args.get("NetworkConfig") or {}
    return {"network_isolation": bool(net.get("EnableNetworkIsolation")),
            "volume_kms_key": _dig(args, "ProcessingResources", "ClusterConfig", "VolumeKmsKeyId"),
            "output_kms_key": _dig(args, "ProcessingOutputConfig", "KmsKeyId"),
            "vpc": net.get("VpcConfig"), "inter_container_encryption": net.get("EnableInterContainerTrafficEncryption")}


def _transform(args: dict, model) -> dict:
    """A transform job runs its model's container: isolation and VPC are the model's."""
    margs = model(args.get("ModelName")) or {}
    return {"network_isolation": bool(margs.get("EnableNetworkIsolation")), "vpc": margs.get("VpcConfig"),
            "volume_kms_key": _dig(args, "TransformResources", "VolumeKmsKeyId"),
            "output_kms_key": _dig(args, "TransformOutput", "KmsKeyId")}


def _model(args: dict, model) -> dict:
    return {"network_isolation": bool(args.get("EnableNetworkIsolation")), "vpc": args.get("VpcConfig")}


READERS = {
    "Processing": _processing,
    "Training": lambda a, m: _job(a, "ResourceConfig"),
    "Tuning": lambda a, m: _job(a.get("TrainingJobDefinition") or {}, "HyperParameterTuningResourceConfig"),
    "Transform": _transform,
    "Model": _model,
    "CreateModel": _model,
}


def settings(step_type: str, args: dict, model=lambda name: None) -> dict:
    """-> the settings the step's job asks for (only those set); `model(name)` gives a model's Arguments."""
    reader = READERS.get(step_type)
    if reader is None and "ProcessingResources" in args:  # a kind whose job is a processing job (check steps)
        reader = _processing
    if reader is None:
        return {}
    found = reader(args, model)
    return {k: v for k, v in found.items() if v not in (None, False, {})}


def not_enforced(found: dict) -> list[str]:
    """The names of the settings that a local run records but cannot enforce."""
    return [k for k in ("volume_kms_key", "output_kms_key", "vpc", "inter_container_encryption") if k in found]
