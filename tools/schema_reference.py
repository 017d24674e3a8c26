"""Descriptions onto the schema, and docs/reference.md from it (used by gen_schema.py).

The reference is generated from the schema, so it cannot drift from what `mlpc validate`
accepts; tests/test_schema_docs.py checks it is up to date.
"""
from __future__ import annotations

import copy

from schema_docs import describe

# The shared value fragments' own descriptions say what kind of value, not what the field is:
# they are replaced by the field's description (and don't count as documentation).
GENERIC = frozenset({
    "A value: a literal, or a string with ${...} run-time references (params.X, execution.X, steps.STEP.PATH, files.FILE.JSONPATH)",
    "A string; may contain ${...} run-time references",
    "An integer, or a ${params.X} reference",
})


def properties(schema: dict):
    """Yield (path, property schema, required?) for every property; a path steps through a map's
    values with "*" and a list's items with "[]". Top level first, then $defs by name."""
    def walk(node, path):
        if not isinstance(node, dict):
            return
        required = set(node.get("required") or ()) | set(node.get("x-required") or ())  # x-: unless reused
        for key, sub in (node.get("properties") or {}).items():
            yield path + (key,), sub, key in required
            yield from walk(sub, path + (key,))
        for key, step in (("additionalProperties", "*"), ("items", "[]")):
            if isinstance(node.get(key), dict):
                yield from walk(node[key], path + (step,))
        for key in ("oneOf", "anyOf", "allOf"):
            for sub in node.get(key) or ():
                yield from walk(sub, path)

    yield from walk({k: v for k, v in schema.items() if k != "$defs"}, ())
    for name, sub in (schema.get("$defs") or {}).items():
        yield from walk(sub, (name,))


def document(schema: dict) -> dict:
    """A copy of the schema with each property's description set from schema_docs."""
    out = copy.deepcopy(schema)

    def walk(node, path):
        if not isinstance(node, dict):
            return
        props = node.get("properties") or {}
        for key in list(props):
            sub = copy.deepcopy(props[key])  # fragments are shared between fields
            if "pattern" in sub and sub.get("description") and "x-expected" not in sub:
                sub["x-expected"] = sub["description"]  # what a pattern error says is expected
            existing = sub.get("description")
            text = describe(path + (key,), None if existing in GENERIC else existing)
            if text:
                sub["description"] = text
            elif existing in GENERIC:
                del sub["description"]
            props[key] = sub
            walk(sub, path + (key,))
        for key, step in (("additionalProperties", "*"), ("items", "[]")):
            if isinstance(node.get(key), dict):
                node[key] = copy.deepcopy(node[key])
                walk(node[key], path + (step,))
        for key in ("oneOf", "anyOf", "allOf"):
            for i, sub in enumerate(node.get(key) or ()):
                node[key][i] = copy.deepcopy(sub)
                walk(node[key][i], path)

    walk(out, ())
    for name in out.get("$defs") or {}:
        walk(out["$defs"][name], (name,))
    return out


def undocumented(schema: dict) -> list:
    """Dotted paths of properties without a real description."""
    return sorted(".".join(p) for p, sub, _ in properties(schema)
                  if not sub.get("description") or sub["description"] in GENERIC)


def type_text(node: dict) -> str:
    if "$ref" in node:
        return node["$ref"].rsplit("/", 1)[-1]
    if "enum" in node:
        return " \\| ".join(f"`{v}`" for v in node["enum"])
    if "oneOf" in node:
        return " or ".join(type_text(s) for s in node["oneOf"])
    kind = node.get("type", "any")
    if isinstance(kind, list):
        kind = " \\| ".join(kind)
    if kind == "array" and isinstance(node.get("items"), dict):
        return f"list of {type_text(node['items'])}"
    if kind == "object" and isinstance(node.get("additionalProperties"), dict) and not node.get("properties"):
        return f"map of {type_text(node['additionalProperties'])}"
    return kind


def _rows(props: list, strip: int) -> list:
    rows = ["| field | type | required | description |", "|---|---|---|---|"]
    for path, sub, required in props:
        field = ".".join(path[strip:]).replace("*", "NAME").replace(".[]", "[]")
        desc = (sub.get("description") or "").replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{field}` | {type_text(sub)} | {'yes' if required else ''} | {desc} |")
    return rows


def reference_markdown(schema: dict) -> str:
    allp = list(properties(schema))
    # defaults.TYPE.FIELD repeats the step type's FIELD: one row per type is enough
    top = [p for p in allp if p[0][0] in (schema.get("properties") or {}) and not (p[0][0] == "defaults" and len(p[0]) > 2)]
    lines = ["# Pipeline YAML reference", "",
             "Generated from `schemas/pipeline.schema.json` by `tools/gen_schema.py`; do not edit by hand.",
             "Every field, what it becomes in the SageMaker pipeline definition, and an example where one helps.",
             "Values marked as accepting `${...}` take run-time references (`${params.X}`, `${steps.X...}`,",
             "`${files.X...}`, `${execution.X}`); every string takes compile-time `{{ var }}` templates.", "",
             "## Top level", ""]
    lines += _rows(top, 0)
    for name in schema.get("$defs") or {}:
        props = [p for p in allp if p[0][0] == name]
        lines += ["", f"## Step type `{name}`", ""]
        lines += _rows(props, 1)
    return "\n".join(lines) + "\n"
