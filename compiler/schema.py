"""Validate a loaded pipeline document against schemas/pipeline.schema.json."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from .diagnostics import Diagnostic, did_you_mean


@lru_cache(maxsize=1)
def schema_text() -> str:
    return resources.files("mlpc.schemas").joinpath("pipeline.schema.json").read_text("utf-8")


@lru_cache(maxsize=1)
def schema_dict() -> dict:
    return json.loads(schema_text())


@lru_cache(maxsize=1)
def _fast_check():
    from .schema_fast import compile_schema

    return compile_schema(schema_dict())


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema_dict())


def _describe(err) -> tuple[str, str | None, tuple, bool]:
    """message, hint, path, point-at-key for one jsonschema error."""
    path = tuple(err.absolute_path)
    v = err.validator
    if v == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        name = extra[0] if extra else "?"
        known = list(err.schema.get("properties", {}))
        where = "/".join(str(p) for p in path) or "top level"
        return (f"unknown field '{name}' in {where}", did_you_mean(name, known), path + (name,), True)
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return (f"missing required field '{missing}'", None, path, False)
    if v == "enum":
        return (f"{err.instance!r} is not one of {', '.join(map(str, err.validator_value))}",
                did_you_mean(str(err.instance), map(str, err.validator_value)), path, False)
    if v == "type":
        want = err.validator_value if isinstance(err.validator_value, str) else " or ".join(err.validator_value)
        got = type(err.instance).__name__.replace("str", "string").replace("dict", "mapping").replace("NoneType", "null")
        return (f"expected {want}, got {got}", None, path, False)
    if v == "pattern":
        hint = err.schema.get("description")
        return (f"{err.instance!r} does not match {err.validator_value}", hint, path, False)
    if v in ("minimum", "maximum", "minLength", "maxLength", "minItems", "minProperties", "uniqueItems"):
        return (f"{err.message}", None, path, False)
    return (err.message, None, path, False)


def validate_document(data) -> list[tuple[Diagnostic, bool]]:
    """Schema diagnostics (path-based), each with a flag: point at the key rather than the value."""
    if _fast_check()(data):
        return []
    from jsonschema.exceptions import best_match

    out = []
    for err in _validator().iter_errors(data):
        if err.validator == "allOf" or err.context:
            leaf = best_match(err.context) if err.context else err
            err = leaf
        msg, hint, path, at_key = _describe(err)
        out.append((Diagnostic("S001", msg, path=path, hint=hint), at_key))
    return out
