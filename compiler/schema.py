"""Validate a loaded pipeline document against schemas/pipeline.schema.json."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import NamedTuple
from functools import lru_cache

from .diagnostics import Diagnostic, did_you_mean


@lru_cache(maxsize=1)
def schema_text() -> str:
    from . import schemas  # a data package, shipped in the wheel; plain file access is ~4 ms cheaper

    return (Path(schemas.__file__).parent / "pipeline.schema.json").read_text("utf-8")


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


_YAML_TYPES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
               "number": "a number", "boolean": "a boolean (true/false)", "null": "empty"}
_PY_TYPES = {"dict": "a mapping", "list": "a list", "str": "a string", "int": "an integer", "float": "a number",
             "bool": "a boolean", "NoneType": "empty", "date": "a date", "datetime": "a timestamp", "bytes": "binary data"}


def _where(path: tuple) -> str:
    """A readable name for the mapping at `path`: step 'Prep', parameter 'X', pipeline, top level."""
    if not path:
        return "the top level"
    if len(path) == 2 and path[0] in ("steps", "parameters", "schedules"):
        return f"{path[0][:-1]} '{path[1]}'"
    return "/".join(str(p) for p in path)


def _got(value) -> str:
    return _PY_TYPES.get(type(value).__name__, type(value).__name__)


def _expected(types) -> str:
    names = [_YAML_TYPES.get(t, t) for t in ([types] if isinstance(types, str) else types)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _type_hint(value, types) -> str | None:
    """YAML turns some unquoted text into other types: say so when a string was wanted."""
    wanted = [types] if isinstance(types, str) else list(types)
    if "string" in wanted and type(value).__name__ in ("date", "datetime", "bool", "NoneType"):
        return "YAML read this unquoted value as " + _got(value) + "; quote it to keep it a string"
    return None


class Finding(NamedTuple):
    """One schema mistake, before it is located: where, what, and (for typo merging) which fields."""

    message: str
    hint: str | None
    path: tuple
    at_key: bool = False
    missing: tuple = ()  # required fields absent from the mapping at `path`
    suggestion: str | None = None  # for an unknown field: the known field it is closest to


def _describe(err) -> list[Finding]:
    """Findings for one jsonschema error (one per unknown field when there are several)."""
    path = tuple(err.absolute_path)
    v = err.validator
    if v == "additionalProperties":
        known = list(err.schema.get("properties", {}))
        out = []
        for name in sorted(set(err.instance) - set(known)):
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            out.append(Finding(f"unknown field '{name}' in {_where(path)}", did_you_mean(name, known), path + (name,),
                               True, suggestion=close[0] if close else None))
        return out
    if v == "required":
        missing = tuple(r for r in err.validator_value if r not in err.instance)
        names = ", ".join(f"'{m}'" for m in missing)
        return [Finding(f"missing required field{'s' if len(missing) > 1 else ''} {names} in {_where(path)}",
                        None, path, True, missing=missing)]
    if v == "enum":
        hint = did_you_mean(str(err.instance), map(str, err.validator_value))
        if "propertyNames" in err.relative_schema_path:
            return [Finding(f"unknown key '{err.instance}' in {_where(path)}", hint, path + (err.instance,), True)]
        return [Finding(f"{err.instance!r} is not one of {', '.join(map(str, err.validator_value))}", hint, path)]
    if v == "type":
        if not path:
            return [Finding(f"the document must be a mapping (pipeline:, parameters:, steps:), not {_got(err.instance)}",
                            None, path)]
        return [Finding(f"expected {_expected(err.validator_value)}, got {_got(err.instance)}",
                        _type_hint(err.instance, err.validator_value), path)]
    if v == "pattern":
        wanted = err.schema.get("x-expected") or err.schema.get("description")
        if wanted:
            return [Finding(f"{err.instance!r} is not valid here: expected {wanted}", f"pattern {err.validator_value}", path)]
        return [Finding(f"{err.instance!r} does not match {err.validator_value}", None, path)]
    if v == "uniqueItems":
        repeated = list(dict.fromkeys(x for i, x in enumerate(err.instance) if x in err.instance[:i]))
        return [Finding(f"{path[-1] if path else 'the list'} lists {', '.join(map(repr, repeated))} more than once",
                        "remove the repeated entries", path)]
    if v in ("minItems", "minProperties") and err.validator_value == 1:
        return [Finding(f"{path[-1] if path else 'the document'} must not be empty", None, path)]
    return [Finding(err.message, None, path)]


def _explain(err) -> list[Finding]:
    """Findings for `err`; for oneOf/anyOf, from the branch the user meant."""
    from jsonschema.exceptions import best_match

    if not err.context:
        return _describe(err)
    here = tuple(err.absolute_path)
    # a branch rejected only because the value has another type is not the one the user meant
    meant = [e for e in err.context if not (e.validator == "type" and tuple(e.absolute_path) == here)]
    if meant:
        return _explain(best_match(meant))
    types: list = []
    for e in err.context:
        types += [e.validator_value] if isinstance(e.validator_value, str) else list(e.validator_value)
    return [Finding(f"expected {_expected(dict.fromkeys(types))}, got {_got(err.instance)}",
                    _type_hint(err.instance, types), here)]


def _merge_typos(found: list[Finding]) -> list[Finding]:
    """An unknown field that is a typo of a missing required field is one mistake, not two."""
    typos = {(f.path[:-1], f.suggestion) for f in found if f.suggestion}
    out = []
    for f in found:
        if f.missing:
            left = tuple(m for m in f.missing if (f.path, m) not in typos)
            if not left:
                continue
            if left != f.missing:
                names = ", ".join(f"'{m}'" for m in left)
                f = Finding(f"missing required field{'s' if len(left) > 1 else ''} {names} in {_where(f.path)}",
                            None, f.path, True, missing=left)
        out.append(f)
    return out


def validate_document(data) -> list[tuple[Diagnostic, bool]]:
    """Schema diagnostics (path-based), each with a flag: point at the key rather than the value."""
    if _fast_check()(data):
        return []
    found = [f for err in _validator().iter_errors(data) for f in _explain(err)]
    return [(Diagnostic("S001", f.message, path=f.path, hint=f.hint), f.at_key) for f in _merge_typos(found)]
