"""What the rules read: the compiled definition's steps by kind, values, the DAG, positions.

Rules inspect the COMPILED definition, so they hold whatever YAML shape produced it.
`JOB_SHAPES` says, per definition step Type, where a job keeps each setting in its
Create* request (the SDK v2's rendering; the check steps carry a processing request).
"""

from __future__ import annotations

from typing import NamedTuple

from ..definition import flatten_steps

MISSING = object()


class JobShape(NamedTuple):
    volume_key: tuple | None  # volume KMS key member(s); the first present wins
    output_key: tuple | None  # output KMS key
    vpc: tuple | None
    isolation: tuple | None
    ice: tuple | None  # inter-container traffic encryption
    count: tuple | None  # instance count
    image: tuple | None
    alt_volume_key: tuple | None = None


_PROCESSING = JobShape(("ProcessingResources", "ClusterConfig", "VolumeKmsKeyId"), ("ProcessingOutputConfig", "KmsKeyId"),
                       ("NetworkConfig", "VpcConfig"), ("NetworkConfig", "EnableNetworkIsolation"),
                       ("NetworkConfig", "EnableInterContainerTrafficEncryption"),
                       ("ProcessingResources", "ClusterConfig", "InstanceCount"), ("AppSpecification", "ImageUri"))
_TD = ("TrainingJobDefinition",)
JOB_SHAPES = {
    "Processing": _PROCESSING,
    "QualityCheck": _PROCESSING,  # the SDK's QualityCheckStep: a processing request + CheckType
    "ClarifyCheck": _PROCESSING,
    "Training": JobShape(("ResourceConfig", "VolumeKmsKeyId"), ("OutputDataConfig", "KmsKeyId"), ("VpcConfig",),
                         ("EnableNetworkIsolation",), ("EnableInterContainerTrafficEncryption",),
                         ("ResourceConfig", "InstanceCount"), ("AlgorithmSpecification", "TrainingImage")),
    "Tuning": JobShape(_TD + ("HyperParameterTuningResourceConfig", "VolumeKmsKeyId"), _TD + ("OutputDataConfig", "KmsKeyId"),
                       _TD + ("VpcConfig",), _TD + ("EnableNetworkIsolation",),
                       _TD + ("EnableInterContainerTrafficEncryption",),
                       _TD + ("HyperParameterTuningResourceConfig", "InstanceCount"),
                       _TD + ("AlgorithmSpecification", "TrainingImage"),
                       alt_volume_key=_TD + ("ResourceConfig", "VolumeKmsKeyId")),
    # A transform job runs in its model's VPC with its model's isolation (CreateModel has them).
    "Transform": JobShape(("TransformResources", "VolumeKmsKeyId"), ("TransformOutput", "KmsKeyId"), None, None, None,
                          ("TransformResources", "InstanceCount"), None),
    "Model": JobShape(None, None, ("VpcConfig",), ("EnableNetworkIsolation",), None, None, ("PrimaryContainer", "Image")),
}


def dig(node, path: tuple):
    for k in path:
        if isinstance(node, dict) and k in node:
            node = node[k]
        elif isinstance(node, list) and isinstance(k, int) and 0 <= k < len(node):
            node = node[k]
        else:
            return MISSING
    return node


def param_name(value) -> str | None:
    """'X' for {"Get": "Parameters.X"}."""
    if isinstance(value, dict) and isinstance(value.get("Get"), str) and value["Get"].startswith("Parameters."):
        return value["Get"][len("Parameters."):]
    return None


def is_expr(value) -> bool:
    return isinstance(value, dict)


class LintContext:
    def __init__(self, result, policy):
        self.result = result
        self.policy = policy
        self.pipeline = result.pipeline
        self.definition = result.definition
        self.document = result.document or {}
        self.steps = flatten_steps(self.definition)  # mlpc.definition: the one reader of definitions
        self.params = {p["Name"]: p for p in self.definition.get("Parameters", [])}

    # ------------------------------------------------------------ values
    def literal(self, value):
        """(known, value): a literal, or a parameter's default (run-time overridable); unknown otherwise."""
        name = param_name(value)
        if name is not None:
            p = self.params.get(name, {})
            return ("DefaultValue" in p), p.get("DefaultValue")
        return (not is_expr(value)), value

    def jobs(self):
        """(name, step doc, JobShape) for every job step, nested branches included, in definition order."""
        for name, doc in self.steps.items():
            shape = JOB_SHAPES.get(doc.get("Type"))
            if shape is not None:
                yield name, doc, shape

    def of_type(self, *types):
        return [(n, d) for n, d in self.steps.items() if d.get("Type") in types]

    def upstream(self, name: str) -> set:
        """Every step that runs before `name` (data references, depends_on, condition branches)."""
        preds = self.result.graph.predecessors() if self.result.graph is not None else {}
        seen, todo = set(), [name]
        while todo:
            for p in preds.get(todo.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return seen

    def step_path(self, name: str | None) -> tuple:
        step = self.pipeline.steps.get(name) if name else None
        return step.path if step is not None else ()
