"""botocore's SageMaker service model as the oracle for step Arguments and properties.

Only the transitive closure of the shapes mlpc needs is kept (a *pruned* table,
~450 of ~3300 shapes, documentation stripped). It is cached as JSON under
``${XDG_CACHE_HOME:-~/.cache}/mlpc/botocore-<version>-sagemaker-shapes.json`` and
loaded lazily once per process. A warm load neither imports botocore nor reads
the (gzip-compressed, multi-megabyte) service model.

User errors are returned as ``ShapeIssue`` values; nothing here prints.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from typing import NamedTuple

from .definition import EXPRESSION_KEYS, is_expression  # noqa: F401  (the one reader of definitions)
from .diskcache import cache_file, read_json, write_json

from .stepkinds import KINDS

# The step kinds' Create*/Describe* operations (stepkinds.KINDS), plus CreatePipeline's limits.
CREATE_OPERATIONS = tuple(k.request for k in KINDS if k.request) + ("CreatePipeline",)
DESCRIBE_OPERATIONS = tuple(k.describe for k in KINDS if k.describe)
CACHE_FORMAT = 1
_SHAPE_KEYS = ("type", "required", "members", "member", "key", "value", "min", "max", "pattern", "enum")
_INT, _FLOAT = ("integer", "long"), ("float", "double")


class ShapeIssue(NamedTuple):
    path: tuple
    message: str
    hint: str | None = None
    member: str | None = None  # a required member absent from the structure at `path` (what the issue is about)


# ---------------------------------------------------------------- the shape table
_TABLE: dict | None = None
_REGEX: dict = {}


def botocore_version() -> str:
    """botocore's version without importing it (importing costs ~15 ms)."""
    mod = sys.modules.get("botocore")
    if mod is not None:
        return mod.__version__
    import importlib.util

    spec = importlib.util.find_spec("botocore")
    try:
        with open(spec.origin, encoding="utf-8") as fh:
            m = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", fh.read(), re.M)
        if m:
            return m.group(1)
    except (OSError, TypeError, AttributeError):
        pass
    import botocore

    return botocore.__version__


def cache_path() -> str:
    return cache_file(f"botocore-{botocore_version()}-sagemaker-shapes.json")


def _service_model() -> dict:
    """botocore's SageMaker model, read from its data files without importing botocore's
    loader (~170 ms): the search path and "newest API version wins" rule of
    botocore.loaders.Loader.load_service_model. Falls back to the Loader itself."""
    import gzip

    from .pkgdata import package_dir

    botocore = package_dir("botocore")
    roots = [os.path.join(os.path.expanduser("~"), ".aws", "models")]
    if botocore:
        roots.append(os.path.join(botocore, "data"))
    for root in roots:
        service = os.path.join(root, "sagemaker")
        versions = sorted(os.listdir(service), reverse=True) if os.path.isdir(service) else []
        for version in versions:
            for name, opener in (("service-2.json", open), ("service-2.json.gz", gzip.open)):
                path = os.path.join(service, version, name)
                if os.path.isfile(path):
                    with opener(path, "rb") as fh:
                        return json.loads(fh.read().decode("utf-8"))
    from botocore.loaders import Loader

    return Loader().load_service_model("sagemaker", "service-2")


def build_table() -> dict:
    """Prune the full service model to what the CREATE/DESCRIBE operations reach."""
    model = _service_model()
    ops = {op: {k: model["operations"][op][k]["shape"] for k in ("input", "output")
                if k in model["operations"][op]} for op in CREATE_OPERATIONS + DESCRIBE_OPERATIONS}
    roots = [ops[op]["input"] for op in CREATE_OPERATIONS] + [ops[op]["output"] for op in DESCRIBE_OPERATIONS]
    shapes, stack = {}, list(roots)
    while stack:
        name = stack.pop()
        if name in shapes:
            continue
        src = model["shapes"][name]
        shape = {k: src[k] for k in _SHAPE_KEYS if k in src}
        for k in ("member", "key", "value"):
            if k in shape:
                shape[k] = {"shape": shape[k]["shape"]}
                stack.append(shape[k]["shape"])
        if "members" in shape:
            shape["members"] = {m: {k: v for k, v in ref.items() if k in ("shape", "idempotencyToken")}
                                for m, ref in shape["members"].items()}
            stack.extend(ref["shape"] for ref in shape["members"].values())
        shapes[name] = shape
    ordered = {n: shapes[n] for n in sorted(shapes)}
    return {"format": CACHE_FORMAT, "botocore": botocore_version(), "operations": ops, "shapes": ordered}


def _read_cache(path: str) -> dict | None:
    table = read_json(path)
    ok = isinstance(table, dict) and table.get("format") == CACHE_FORMAT and {"shapes", "operations"} <= set(table)
    # a step kind added since the cache was written: rebuild
    ok = ok and set(CREATE_OPERATIONS + DESCRIBE_OPERATIONS) <= set(table["operations"])
    return table if ok else None


def _write_cache(path: str, table: dict) -> bool:
    return write_json(path, table)


def load_table() -> dict:
    """The pruned table, memoized for the process; built and cached on first use."""
    global _TABLE
    if _TABLE is None:
        path = cache_path()
        table = _read_cache(path)
        if table is None:
            table = build_table()
            _write_cache(path, table)
        _TABLE = table
    return _TABLE


def reset_memo() -> None:
    global _TABLE
    _TABLE = None


def _shape(name: str) -> dict:
    return load_table()["shapes"][name]


def _op_shape(operation: str, kind: str) -> str | None:
    return load_table()["operations"].get(operation, {}).get(kind)


def member_names(shape_name_or_operation: str) -> list[str]:
    """Members of a shape, or of an operation's input (Describe*: output) shape."""
    table = load_table()
    name = shape_name_or_operation
    if name in table["operations"]:
        name = _op_shape(name, "output" if name.startswith("Describe") else "input")
    return list(table["shapes"].get(name, {}).get("members", {}))


def pipeline_limits() -> dict:
    req = _shape(_op_shape("CreatePipeline", "input"))["members"]
    name = _shape(req["PipelineName"]["shape"])
    return {
        "pipeline_name_pattern": name.get("pattern"),
        "pipeline_name_max": name.get("max"),
        "definition_max": _shape(req["PipelineDefinition"]["shape"]).get("max"),
        "display_name_max": _shape(req["PipelineDisplayName"]["shape"]).get("max"),
        "description_max": _shape(req["PipelineDescription"]["shape"]).get("max"),
    }


# ---------------------------------------------------------------- helpers
def compile_pattern(pattern: str, ascii_only: bool = False):
    """botocore's (Java) `pattern` as a Python regex: compiled as is, else translated
    (javaregex); None only if it cannot be translated. `ascii_only`: for ASCII text only."""
    key = (pattern, ascii_only)
    if key not in _REGEX:
        try:
            _REGEX[key] = re.compile(pattern)
        except re.error:  # Java-only syntax (\p{L}, UTF-16 surrogate ranges): translated, not skipped
            from .javaregex import translate

            text = translate(pattern, ascii_only)
            _REGEX[key] = re.compile(text) if text is not None else None
    return _REGEX[key]


def _allowed(pattern: str) -> str | None:
    if "\\p{" not in pattern:
        return None
    from .javaregex import explain

    words = explain(pattern)
    return f"allowed characters: {words}" if words else None


def _hint(name: str, candidates) -> str | None:
    cands = [c for c in candidates if isinstance(c, str)]
    folded = [c for c in cands if c.lower() == str(name).lower()]
    match = folded or difflib.get_close_matches(str(name), cands, n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(value) -> str:
    if value is None or isinstance(value, bool):
        return "null" if value is None else f"boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"{'integer' if isinstance(value, int) else 'number'} {value}"
    if isinstance(value, str):
        return f"string {_short(value)!r}"
    if is_expression(value):
        return f"expression {_short(json.dumps(value))}"
    return "an object" if isinstance(value, dict) else "a list" if isinstance(value, (list, tuple)) else type(value).__name__


_KIND = {"structure": "an object", "list": "a list", "map": "a map (object)", "string": "a string",
         "integer": "an integer", "long": "an integer", "float": "a number", "double": "a number",
         "boolean": "a boolean", "timestamp": "a timestamp", "blob": "a string"}


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_timestamp(v) -> bool:
    import datetime

    return isinstance(v, (str, datetime.datetime)) or _is_num(v)


_TYPE_OK = {
    "structure": lambda v: isinstance(v, dict), "map": lambda v: isinstance(v, dict),
    "list": lambda v: isinstance(v, (list, tuple)), "string": lambda v: isinstance(v, str),
    "blob": lambda v: isinstance(v, (str, bytes)), "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "long": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": _is_num, "double": _is_num, "timestamp": _is_timestamp,
}


def _type_ok(kind: str, value) -> bool:
    return _TYPE_OK.get(kind, lambda v: True)(value)


# ---------------------------------------------------------------- check_request
def check_request(operation: str, params: dict, *, expr_type,
                  skip_required: frozenset[str] = frozenset()) -> tuple[dict, list[ShapeIssue]]:
    """Walk params against the input shape of `operation` (e.g. "CreateProcessingJob").

    `params` may hold expression values (mlpc.expressions.Expr: typed by their own `type`) or
    expressions in JSON form (typed by the `expr_type` callback). Returns (coerced_params,
    issues); coerced_params is a new JSON structure in which Integer/Float/Boolean expressions
    in string slots are wrapped in Std:Join.

    `skip_required` names members SageMaker Pipelines fills itself: a plain name
    matches a top-level member, a dotted name ("A.B") a nested one. Members marked
    idempotencyToken (auto-filled by clients, e.g. ClientRequestToken) are never
    required. A missing member is reported at the path of the structure lacking it.
    """
    root = _op_shape(operation, "input")
    if root is None:
        known = list(load_table()["operations"])
        return _copy(params), [ShapeIssue((), f"unknown operation {operation!r}", _hint(operation, known))]
    issues: list[ShapeIssue] = []
    ctx = (expr_type, frozenset(skip_required), issues)
    out = _walk(params, root, (), (), operation, ctx)
    return out, issues


def _is_expr_value(value) -> bool:
    """An expression value (mlpc.expressions.Expr: has `type` and `to_json`), duck-typed so this
    module stays independent of the expression classes."""
    return hasattr(value, "to_json") and hasattr(value, "type") and not isinstance(value, (dict, list, str))


def _copy(value):
    if _is_expr_value(value):
        return value.to_json()
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy(v) for v in value]
    return value


def _walk(value, shape_name, path, mpath, label, ctx):
    shape = _shape(shape_name)
    kind = shape["type"]
    issues = ctx[2]
    if _is_expr_value(value):  # on expression values: the type is the expression's own
        return _walk_expression(value.to_json(), kind, path, label, ctx, value.type)
    if is_expression(value):
        return _walk_expression(value, kind, path, label, ctx)
    if not _type_ok(kind, value):
        hint = "quote the value to make it a string" if kind == "string" and isinstance(value, (int, float)) else None
        issues.append(ShapeIssue(path, f"{label} must be {_KIND.get(kind, kind)}, got {_describe(value)}", hint))
        return _copy(value)
    if kind == "structure":
        return _walk_structure(value, shape_name, shape, path, mpath, ctx)
    if kind in ("list", "map"):
        _check_size(len(value), shape, path, label, "items" if kind == "list" else "entries", issues)
        if kind == "list":
            return [_walk(v, shape["member"]["shape"], path + (i,), mpath, f"{label}[{i}]", ctx)
                    for i, v in enumerate(value)]
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                issues.append(ShapeIssue(path + (k,), f"{label} keys must be strings, got {_describe(k)}"))
            else:
                _check_scalar(k, shape["key"]["shape"], path + (k,), f"{label} key", issues)
            out[k] = _walk(v, shape["value"]["shape"], path + (k,), mpath, f"{label}[{k!r}]", ctx)
        return out
    _check_scalar(value, shape_name, path, label, issues)
    return value


def _walk_structure(value, shape_name, shape, path, mpath, ctx):
    members, issues, skip = shape.get("members", {}), ctx[2], ctx[1]
    out = {}
    for key, v in value.items():
        if key in members:
            out[key] = _walk(v, members[key]["shape"], path + (key,), mpath + (key,), key, ctx)
        else:
            issues.append(ShapeIssue(path + (key,), f"unknown member {key!r} in {shape_name}",
                                     _hint(key, members)))
            out[key] = _copy(v)
    for req in shape.get("required", []):
        dotted = ".".join(mpath + (req,))
        if req in value or dotted in skip or members.get(req, {}).get("idempotencyToken"):
            continue
        issues.append(ShapeIssue(path, f"missing required member {req!r} in {shape_name}", member=req))
    return out


def _check_size(n, shape, path, label, unit, issues):
    if "min" in shape and n < shape["min"]:
        issues.append(ShapeIssue(path, f"{label} must have at least {shape['min']} {unit}, got {n}"))
    if "max" in shape and n > shape["max"]:
        issues.append(ShapeIssue(path, f"{label} must have at most {shape['max']} {unit}, got {n}"))


def _check_scalar(value, shape_name, path, label, issues):
    shape = _shape(shape_name)
    kind = shape["type"]
    if not _type_ok(kind, value):
        issues.append(ShapeIssue(path, f"{label} must be {_KIND.get(kind, kind)}, got {_describe(value)}"))
        return
    if kind == "string":
        if "enum" in shape and value not in shape["enum"]:
            enum = shape["enum"]
            hint = _hint(value, enum) or ("allowed: " + ", ".join(enum) if len(enum) <= 12 else None)
            issues.append(ShapeIssue(path, f"{label} {_short(value)!r} is not an allowed value of {shape_name}", hint))
            return
        n = len(value)
        if "min" in shape and n < shape["min"]:
            issues.append(ShapeIssue(path, f"{label} must be at least {shape['min']} characters long, got {n}"))
        elif "max" in shape and n > shape["max"]:
            issues.append(ShapeIssue(path, f"{label} must be at most {shape['max']} characters long, got {n}"))
        elif "pattern" in shape and (rx := compile_pattern(shape["pattern"], value.isascii())) is not None and not rx.fullmatch(value):
            issues.append(ShapeIssue(path, f"{label} {_short(value)!r} does not match the pattern {shape['pattern']}",
                                     _allowed(shape["pattern"])))
    elif kind in _INT + _FLOAT:
        if "min" in shape and value < shape["min"]:
            issues.append(ShapeIssue(path, f"{label} must be >= {shape['min']}, got {value}"))
        if "max" in shape and value > shape["max"]:
            issues.append(ShapeIssue(path, f"{label} must be <= {shape['max']}, got {value}"))


_EXPR_OK = {"integer": ("Integer",), "long": ("Integer",), "float": ("Integer", "Float"),
            "double": ("Integer", "Float"), "boolean": ("Boolean",), "timestamp": ("String",),
            "blob": ("String",)}
_FIELD = {"integer": "an integer", "long": "an integer", "float": "a float", "double": "a float",
          "boolean": "a boolean", "timestamp": "a timestamp", "blob": "a blob"}


def _walk_expression(value, kind, path, label, ctx, etype=None):
    expr_type, _skip, issues = ctx
    key = next(iter(value))
    what = "parameter" if key == "Get" and str(value["Get"]).startswith("Parameters.") else "expression"
    if kind in ("structure", "list", "map"):
        issues.append(ShapeIssue(path, f"{label} must be {_KIND[kind]}, got {_describe(value)}",
                                 "expressions can only supply scalar values"))
        return _copy(value)
    if etype is None:
        etype = "String" if key == "Std:Join" else expr_type(value)
    if kind == "string":
        if etype in ("Integer", "Float", "Boolean"):
            return {"Std:Join": {"On": "", "Values": [_copy(value)]}}
        return _copy(value)
    if etype is not None and etype not in _EXPR_OK.get(kind, (etype,)):
        issues.append(ShapeIssue(path, f"type mismatch: {what} of type {etype} in {_FIELD.get(kind, kind)} field ({label})",
                                 f"{label} expects {_KIND.get(kind, kind)}"))
    return _copy(value)


# ---------------------------------------------------------------- property_type
_TOKEN = re.compile(r"""(\.?)([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[(?:'([^']*)'|"([^"]*)")\]""")


def property_type(describe_operation: str, path: str) -> tuple[str | None, ShapeIssue | None]:
    root = _op_shape(describe_operation, "output")
    if root is None:
        known = [op for op in load_table()["operations"] if op.startswith("Describe")]
        return None, ShapeIssue((), f"unknown operation {describe_operation!r}", _hint(describe_operation, known))
    shape_name, owner, pos = root, f"{describe_operation} output", 0
    if not path:
        return None, ShapeIssue((), f"empty property path for {describe_operation}")
    while pos < len(path):
        m = _TOKEN.match(path, pos)
        if not m or (m.group(2) is not None and bool(m.group(1)) != (pos > 0)) or (pos == 0 and m.group(2) is None):
            return None, ShapeIssue((), f"invalid property path {path!r} at position {pos}",
                                    "use Member.Member, List[0], List['name'] or Map['key']")
        at = path[: m.end()]
        shape = _shape(shape_name)
        kind = shape["type"]
        if m.group(2) is not None:
            name = m.group(2)
            if kind != "structure":
                hint = "index it first, e.g. [0] or ['name']" if kind in ("list", "map") else None
                return None, ShapeIssue((), f"{name!r} is not a property of {kind} {shape_name} (at {at!r})", hint)
            members = shape.get("members", {})
            if name not in members:
                return None, ShapeIssue((), f"{name!r} is not a property of {owner} (at {at!r})", _hint(name, members))
            shape_name, owner = members[name]["shape"], members[name]["shape"]
        else:
            is_int = m.group(3) is not None
            if kind == "list":
                shape_name = shape["member"]["shape"]
            elif kind == "map" and not is_int:
                shape_name = shape["value"]["shape"]
            else:
                return None, ShapeIssue((), f"{kind} {shape_name} cannot be indexed with {path[pos:m.end()]} (at {at!r})")
            owner = shape_name
        pos = m.end()
    return _shape(shape_name)["type"].lower(), None


# ---------------------------------------------------------------- test oracle
