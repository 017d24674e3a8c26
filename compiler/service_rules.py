"""Constraints SageMaker enforces that botocore's request shapes do not state.

botocore checks types, lengths, enums and (Python-compatible) patterns; the service checks more:
a training job's instance count of 0 (botocore's minimum is 0, for warm-pool instance groups),
run times over the documented maximum, processing paths outside /opt/ml/processing/, fractional
bounds of integer tuning ranges. Each rule is a row of RULES: the request member it applies to
(a path pattern over Arguments, `*` for any list index or key) and a check of the literal value
there; expressions are left to run time. `check(operation, arguments)` returns ShapeIssues, so
findings are located like botocore's own; steps.common reports them as SERVICE_CODE, and not where
botocore's shape check already found a problem (one mistake, one diagnostic).
"""

from __future__ import annotations

import re
from posixpath import normpath
from typing import Callable, NamedTuple

from .shapes import ShapeIssue

SERVICE_CODE = "A002"
TRAINING_MAX_RUNTIME = 28 * 24 * 3600  # "MaxRuntimeInSeconds ... The maximum value is 28 days"
PROCESSING_ROOT = "/opt/ml/processing/"


class Rule(NamedTuple):
    operations: tuple  # operation names, () for all
    member: tuple  # path pattern inside Arguments; "*" matches any key or index
    check: Callable  # value -> (message, hint) | None


def _at_least_one(value):
    if isinstance(value, int) and not isinstance(value, bool) and value < 1:
        return f"instance count {value} is less than 1", "a job needs at least one instance"
    return None


def _training_runtime(value):
    if isinstance(value, int) and not isinstance(value, bool) and value > TRAINING_MAX_RUNTIME:
        return (f"MaxRuntimeInSeconds {value} is over SageMaker's maximum of {TRAINING_MAX_RUNTIME} (28 days)",
                "use at most 2419200 seconds")
    return None


def _processing_path(value):
    if isinstance(value, str) and "${" not in value and not (normpath(value) + "/").startswith(PROCESSING_ROOT):
        return (f"processing path '{value}' is not under {PROCESSING_ROOT}",
                f"processing inputs and outputs live under {PROCESSING_ROOT} (e.g. {PROCESSING_ROOT}input)")
    return None


_INTEGER = re.compile(r"-?\d+")


def _integer_bound(value):
    if isinstance(value, str) and "${" not in value and not _INTEGER.fullmatch(value.strip()):
        whole = _whole(value)
        return (f"integer range bound '{value}' is not a whole number",
                f"write {whole}" if whole is not None else "integer ranges take whole-number min and max")
    return None


def _whole(text: str):
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


TRAINING_OPS = ("CreateTrainingJob",)
TUNING = ("CreateHyperParameterTuningJob",)
RULES = (
    Rule((), ("ProcessingResources", "ClusterConfig", "InstanceCount"), _at_least_one),
    Rule((), ("ResourceConfig", "InstanceCount"), _at_least_one),
    Rule((), ("TransformResources", "InstanceCount"), _at_least_one),
    Rule(TUNING, ("TrainingJobDefinition", "HyperParameterTuningResourceConfig", "InstanceCount"), _at_least_one),
    Rule(TUNING, ("TrainingJobDefinition", "ResourceConfig", "InstanceCount"), _at_least_one),
    Rule(TRAINING_OPS, ("StoppingCondition", "MaxRuntimeInSeconds"), _training_runtime),
    Rule(TUNING, ("TrainingJobDefinition", "StoppingCondition", "MaxRuntimeInSeconds"), _training_runtime),
    Rule(("CreateProcessingJob",), ("ProcessingInputs", "*", "S3Input", "LocalPath"), _processing_path),
    Rule(("CreateProcessingJob",), ("ProcessingOutputConfig", "Outputs", "*", "S3Output", "LocalPath"), _processing_path),
    Rule(TUNING, ("HyperParameterTuningJobConfig", "ParameterRanges", "IntegerParameterRanges", "*", "MinValue"),
         _integer_bound),
    Rule(TUNING, ("HyperParameterTuningJobConfig", "ParameterRanges", "IntegerParameterRanges", "*", "MaxValue"),
         _integer_bound),
)


def check(operation: str, arguments) -> list[ShapeIssue]:
    issues = []
    for rule in RULES:
        if rule.operations and operation not in rule.operations:
            continue
        for path, value in _matches(arguments, rule.member, ()):
            found = rule.check(value)
            if found:
                issues.append(ShapeIssue(path, found[0], found[1]))
    return issues


def _matches(node, pattern: tuple, path: tuple):
    if not pattern:
        yield path, node
        return
    head, rest = pattern[0], pattern[1:]
    if isinstance(node, dict):
        keys = list(node) if head == "*" else ([head] if head in node else [])
        for k in keys:
            yield from _matches(node[k], rest, path + (k,))
    elif isinstance(node, list) and head == "*":
        for i, item in enumerate(node):
            yield from _matches(item, rest, path + (i,))
