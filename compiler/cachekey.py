"""SageMaker's step cache key: which Arguments count, by step type.

From "Default cache key attributes by pipeline step type" in the SageMaker
Pipelines developer guide. Shared by `mlpc diff` (will a changed step run
again?) and the local runner (may a cached run be reused?).
"""

from __future__ import annotations

CACHE_KEY_ATTRIBUTES = {
    "Processing": ("AppSpecification", "Environment", "ProcessingInputs"),
    "Training": ("AlgorithmSpecification", "CheckpointConfig", "DebugHookConfig", "DebugRuleConfigurations",
                 "Environment", "HyperParameters", "InputDataConfig"),
    "Tuning": ("HyperParameterTuningJobConfig", "TrainingJobDefinition", "TrainingJobDefinitions"),
    "Transform": ("DataProcessing", "Environment", "ModelName", "TransformInput"),
}
# Of a tuning step's TrainingJobDefinition(s), only these children count.
TUNING_DEFINITION_FIELDS = ("AlgorithmSpecification", "HyperParameterRanges", "InputDataConfig",
                            "StaticHyperParameters", "TuningObjective")
CACHEABLE_TYPES = frozenset(CACHE_KEY_ATTRIBUTES)


def caching_enabled(step: dict) -> bool:
    return step.get("Type") in CACHEABLE_TYPES and (step.get("CacheConfig") or {}).get("Enabled") is True


def cache_key_fields(step: dict, arguments: dict | None = None) -> dict:
    """The parts of a step that make its cache key (`arguments` defaults to the step's own)."""
    kind = step.get("Type")
    args = step.get("Arguments") or {} if arguments is None else arguments
    fields = {k: args.get(k) for k in CACHE_KEY_ATTRIBUTES.get(kind, ()) if k in args}
    if kind == "Tuning":
        if "TrainingJobDefinition" in fields:
            fields["TrainingJobDefinition"] = _tuning_fields(fields["TrainingJobDefinition"])
        if "TrainingJobDefinitions" in fields:
            fields["TrainingJobDefinitions"] = [_tuning_fields(d) for d in fields["TrainingJobDefinitions"] or []]
    return {"Type": kind, "Arguments": fields, "PropertyFiles": step.get("PropertyFiles") or []}


def _tuning_fields(definition) -> dict:
    return {k: definition[k] for k in TUNING_DEFINITION_FIELDS if isinstance(definition, dict) and k in definition}
