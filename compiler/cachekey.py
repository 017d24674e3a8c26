"""SageMaker's step cache key: which Arguments count, by step type.

From "Default cache key attributes by pipeline step type" in the SageMaker
Pipelines developer guide. Shared by `mlpc diff` (will a changed step run
again?) and the local runner (may a cached run be reused?).
"""

from __future__ import annotations

from .stepkinds import KINDS, definition_kind

# definition Type -> the Arguments members in the cache key (stepkinds.StepKind.cache_key)
CACHE_KEY_ATTRIBUTES = {k.definition_type: k.cache_key for k in KINDS if k.cache_key}
CACHEABLE_TYPES = frozenset(CACHE_KEY_ATTRIBUTES)


def caching_enabled(step: dict) -> bool:
    return step.get("Type") in CACHEABLE_TYPES and (step.get("CacheConfig") or {}).get("Enabled") is True


def cache_key_fields(step: dict, arguments: dict | None = None) -> dict:
    """The parts of a step that make its cache key (`arguments` defaults to the step's own)."""
    kind = step.get("Type")
    args = step.get("Arguments") or {} if arguments is None else arguments
    known = definition_kind(kind) if isinstance(kind, str) else None
    fields = {k: args.get(k) for k in CACHE_KEY_ATTRIBUTES.get(kind, ()) if k in args}
    for member, children, many in (known.cache_key_nested if known else ()):  # e.g. a tuning job's definition
        if member in fields:
            value = fields[member]
            fields[member] = [_children(d, children) for d in value or []] if many else _children(value, children)
    return {"Type": kind, "Arguments": fields, "PropertyFiles": step.get("PropertyFiles") or []}


def _children(definition, children: tuple) -> dict:
    return {k: definition[k] for k in children if isinstance(definition, dict) and k in definition}
