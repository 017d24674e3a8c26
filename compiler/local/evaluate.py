"""Evaluate the expressions and conditions of a pipeline definition.

The definition's run-time values are JSON objects with exactly one key:

    {"Get": "Parameters.X"} | {"Get": "Execution.PipelineExecutionId"}
    {"Get": "Steps.S.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"}
    {"Std:Join": {"On": "/", "Values": [...]}}
    {"Std:JsonGet": {"PropertyFile": {"Get": "Steps.S.PropertyFiles.F"}, "Path": "a.b[0]"}}
    {"Std:JsonGet": {"S3Uri": ..., "Path": ...}}

`resolve()` and `evaluate_conditions()` return `(value, error)`; EvalError is
internal to this module. With `symbolic_execution=True` execution variables
stay as expressions (the cache key keeps them symbolic, as SageMaker does).
"""

from __future__ import annotations

import json
import re
from typing import Protocol

from ..definition import EXPRESSION_KEYS, is_expression, referenced_parameters, referenced_steps

__all__ = ["EvalContext", "EvalError", "evaluate_conditions", "is_expression", "referenced_parameters",
           "referenced_steps", "resolve"]


class EvalContext(Protocol):
    def parameter(self, name: str): ...
    def execution_variable(self, name: str, step: str | None) -> str: ...
    def step_properties(self, step: str) -> dict | None: ...
    def step_definition(self, step: str) -> dict | None: ...
    def read_object(self, uri: str) -> bytes | None: ...


class EvalError(Exception):
    pass


class _Symbolic:
    """A value kept as an expression (symbolic execution variables)."""

    __slots__ = ("expr",)

    def __init__(self, expr):
        self.expr = expr


FUNCTION_KEYS = EXPRESSION_KEYS  # the one reader of definitions: mlpc.definition


def resolve(value, ctx: EvalContext, step: str | None = None, symbolic_execution: bool = False):
    """Resolve every expression inside a JSON tree. Returns (value, error)."""
    try:
        return _unwrap(_eval(value, ctx, step, symbolic_execution)), None
    except EvalError as exc:
        return None, str(exc)


def _unwrap(value):
    if isinstance(value, _Symbolic):
        return value.expr
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def _eval(value, ctx, step, symbolic):
    if is_expression(value):
        (key, arg), = value.items()
        return _FUNCTIONS[key](arg, ctx, step, symbolic)
    if isinstance(value, dict):
        return {k: _eval(v, ctx, step, symbolic) for k, v in value.items()}
    if isinstance(value, list):
        return [_eval(v, ctx, step, symbolic) for v in value]
    return value


def _get(arg, ctx, step, symbolic):
    if not isinstance(arg, str):
        raise EvalError(f"a Get needs a string, not {arg!r}")
    root, _, rest = arg.partition(".")
    if root == "Parameters":
        try:
            return ctx.parameter(rest)
        except KeyError:
            raise EvalError(f"unknown parameter '{rest}'") from None
    if root == "Execution":
        if symbolic:
            return _Symbolic({"Get": arg})
        try:
            return ctx.execution_variable(rest, step)
        except KeyError:
            raise EvalError(f"unknown execution variable '{rest}'") from None
    if root == "PipelineExperimentConfig":
        name = {"ExperimentName": "PipelineName", "TrialName": "PipelineExecutionId"}.get(rest)
        if name is None:
            raise EvalError(f"unknown property {arg}")
        return _Symbolic({"Get": arg}) if symbolic else ctx.execution_variable(name, step)
    if root == "Steps":
        name, tokens = split_step_path(rest)
        if tokens[:1] == ["PropertyFiles"]:
            raise EvalError(f"{arg} is a property file; read it with Std:JsonGet")
        props = ctx.step_properties(name)
        if props is None:
            raise EvalError(f"step '{name}' has not run, so {arg} has no value")
        return lookup(props, tokens, f"Steps.{name}")
    raise EvalError(f"cannot evaluate {{'Get': {arg!r}}}")


def _join(arg, ctx, step, symbolic):
    if not isinstance(arg, dict) or not isinstance(arg.get("Values"), list):
        raise EvalError(f"malformed Std:Join {arg!r}")
    on = arg.get("On", "")
    values = [_eval(v, ctx, step, symbolic) for v in arg["Values"]]
    if any(isinstance(v, _Symbolic) for v in values):
        return _Symbolic({"Std:Join": {"On": on, "Values": [_unwrap(v) for v in values]}})
    return on.join(to_text(v) for v in values)


def _json_get(arg, ctx, step, symbolic):
    if not isinstance(arg, dict) or "Path" not in arg:
        raise EvalError(f"malformed Std:JsonGet {arg!r}")
    if "PropertyFile" in arg:
        ref = arg["PropertyFile"]
        text = ref.get("Get") if isinstance(ref, dict) else None
        if not isinstance(text, str) or not text.startswith("Steps."):
            raise EvalError(f"Std:JsonGet: unsupported PropertyFile reference {ref!r}")
        name, tokens = split_step_path(text[len("Steps."):])
        if len(tokens) != 2 or tokens[0] != "PropertyFiles":
            raise EvalError(f"Std:JsonGet: {text} is not Steps.<step>.PropertyFiles.<name>")
        uri = property_file_uri(ctx, name, tokens[1])
    else:
        uri = _eval(arg.get("S3Uri"), ctx, step, False)
    data = ctx.read_object(uri)
    if data is None:
        raise EvalError(f"Std:JsonGet: no file at {uri}")
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise EvalError(f"Std:JsonGet: {uri} is not JSON ({exc})") from None
    return lookup(doc, parse_json_path(arg["Path"]), uri)


def property_file_uri(ctx: EvalContext, step: str, file_name: str) -> str:
    definition = ctx.step_definition(step) or {}
    pf = next((p for p in definition.get("PropertyFiles") or [] if p.get("PropertyFileName") == file_name), None)
    if pf is None:
        raise EvalError(f"step '{step}' declares no property file '{file_name}'")
    props = ctx.step_properties(step)
    if props is None:
        raise EvalError(f"step '{step}' has not run, so its property file '{file_name}' does not exist")
    outputs = (props.get("ProcessingOutputConfig") or {}).get("Outputs") or []
    out = next((o for o in outputs if o.get("OutputName") == pf.get("OutputName")), None)
    if out is None:
        raise EvalError(f"property file '{file_name}': step '{step}' has no output '{pf.get('OutputName')}'")
    return out["S3Output"]["S3Uri"].rstrip("/") + "/" + pf["FilePath"].lstrip("/")


_FUNCTIONS = {"Get": _get, "Std:Join": _join, "Std:JsonGet": _json_get}


def to_text(value) -> str:
    """How Std:Join renders a value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


# ---------------------------------------------------------------- property paths

_TOKEN = re.compile(r"\.?([A-Za-z0-9_\-]+)|\[(-?\d+)\]|\['([^']*)'\]|\[\"([^\"]*)\"\]")


def split_step_path(text: str) -> tuple[str, list]:
    """'S.A.B['x'][0]' -> ('S', ['A', 'B', 'x', 0])."""
    m = re.match(r"[A-Za-z0-9_\-]+", text)
    if not m:
        raise EvalError(f"malformed step reference Steps.{text}")
    return m.group(0), parse_json_path(text[m.end():].lstrip("."))


def parse_json_path(path: str) -> list:
    text = path.strip()
    if text.startswith("$"):
        text = text[1:]
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise EvalError(f"cannot parse path {path!r} at {text[pos:]!r}")
        name, index, q1, q2 = m.groups()
        key = next(g for g in (name, q1, q2) if g is not None) if index is None else int(index)
        tokens.append(key)
        pos = m.end()
    return tokens


def lookup(doc, tokens: list, where: str):
    cur = doc
    seen = where
    for tok in tokens:
        nxt = _step_into(cur, tok)
        if nxt is _MISSING:
            raise EvalError(_miss(seen, cur, tok))
        cur = nxt
        seen += f"[{tok}]" if isinstance(tok, int) else (f".{tok}" if tok.isidentifier() else f"['{tok}']")
    return cur


_MISSING = object()


def _miss(seen: str, cur, tok) -> str:
    """`x has no 'acuracy'`, with the keys that exist there and a did-you-mean."""
    from ..diagnostics import did_you_mean

    head = f"{seen} has no {tok!r}" if isinstance(tok, str) else f"{seen} has no index {tok}"
    if isinstance(cur, dict):
        keys = [str(k) for k in cur]
        guess = did_you_mean(str(tok), keys) if keys and isinstance(tok, str) else None
        if guess and guess.startswith("did you mean"):
            return f"{head}; {guess} (keys there: {', '.join(keys[:20])})"
        return f"{head}; keys there: {', '.join(keys[:20]) or '(none: an empty object)'}"
    if isinstance(cur, list):
        return f"{head}; it is a list of {len(cur)} item{'s' if len(cur) != 1 else ''}"
    return f"{head}; it is {type(cur).__name__} {cur!r:.40}, not an object"


def _step_into(cur, tok):
    if isinstance(tok, int):
        if isinstance(cur, list) and -len(cur) <= tok < len(cur):
            return cur[tok]
        return _MISSING
    if isinstance(cur, dict):
        return cur.get(tok, _MISSING)
    if isinstance(cur, list):  # Outputs['train']: the element whose *Name is 'train'
        for item in cur:
            if isinstance(item, dict) and any(k.endswith("Name") and v == tok for k, v in item.items()):
                return item
    return _MISSING


# ---------------------------------------------------------------- conditions

def evaluate_conditions(conditions: list, ctx: EvalContext, step: str | None = None) -> tuple[bool | None, str | None]:
    """The top-level Conditions list is an AND. Returns (outcome, error)."""
    try:
        return all(_condition(c, ctx, step) for c in conditions or []), None
    except EvalError as exc:
        return None, str(exc)


def _condition(cond, ctx, step) -> bool:
    kind = cond.get("Type") if isinstance(cond, dict) else None
    fn = _CONDITIONS.get(kind)
    if fn is None:
        raise EvalError(f"unknown condition type {kind!r}")
    return fn(cond, ctx, step)


def _operands(cond, ctx, step):
    return tuple(_unwrap(_eval(cond.get(side), ctx, step, False)) for side in ("LeftValue", "RightValue"))


def _compare(op):
    def run(cond, ctx, step):
        left, right = _operands(cond, ctx, step)
        a, b = _number(left), _number(right)
        if a is None or b is None:
            raise EvalError(f"{cond['Type']}: cannot compare {left!r} with {right!r} (numbers expected)")
        return op(a, b)
    return run


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return to_text(a).lower() == to_text(b).lower()
    na, nb = _number(a), _number(b)
    if (isinstance(a, (int, float)) or isinstance(b, (int, float))) and na is not None and nb is not None:
        return na == nb
    return a == b


def _equals(cond, ctx, step):
    return equal(*_operands(cond, ctx, step))


def _in(cond, ctx, step):
    query = _unwrap(_eval(cond.get("QueryValue"), ctx, step, False))
    values = _unwrap(_eval(cond.get("Values") or [], ctx, step, False))
    return any(equal(query, v) for v in values)


def _not(cond, ctx, step):
    inner = cond.get("Condition")  # SDK v2's ConditionNot.to_request: {"Type": "Not", "Condition": ...}
    if not isinstance(inner, dict):
        raise EvalError("a Not condition needs a Condition")
    return not _condition(inner, ctx, step)


def _or(cond, ctx, step):
    return any(_condition(c, ctx, step) for c in cond.get("Conditions") or [])


_SYMBOL = {"Equals": "==", "GreaterThan": ">", "GreaterThanOrEqualTo": ">=", "LessThan": "<",
           "LessThanOrEqualTo": "<="}


def explain_conditions(conditions: list, ctx: EvalContext, step: str | None = None) -> list[str]:
    """Each comparison with the values it compared and its result, e.g. `0.73 >= 0.8 is false`."""
    out: list[str] = []
    try:
        for cond in conditions or []:
            _explain(cond, ctx, step, out)
    except EvalError:
        pass
    return out


def _explain(cond, ctx, step, out: list) -> None:
    kind = cond.get("Type") if isinstance(cond, dict) else None
    if kind in _SYMBOL:
        left, right = _operands(cond, ctx, step)
        out.append(f"{to_text(left)} {_SYMBOL[kind]} {to_text(right)} is {str(_condition(cond, ctx, step)).lower()}")
    elif kind == "In":
        query = _unwrap(_eval(cond.get("QueryValue"), ctx, step, False))
        values = _unwrap(_eval(cond.get("Values") or [], ctx, step, False))
        out.append(f"{to_text(query)} in [{', '.join(to_text(v) for v in values)}] is "
                   f"{str(_condition(cond, ctx, step)).lower()}")
    elif kind == "Not":
        inner = cond.get("Expression", cond.get("Condition")) or {}
        if isinstance(inner, dict) and inner.get("Type") in ("Equals", "In"):  # `!=` and `not in`, as written
            before = len(out)
            _explain(inner, ctx, step, out)
            text, _, result = out[before].rpartition(" is ")
            text = text.replace(" == ", " != ", 1) if inner["Type"] == "Equals" else text.replace(" in [", " not in [", 1)
            out[before] = f"{text} is {'false' if result == 'true' else 'true'}"
        else:
            _explain(inner, ctx, step, out)
    elif kind == "Or":
        for c in cond.get("Conditions") or []:
            _explain(c, ctx, step, out)


_CONDITIONS = {
    "Equals": _equals,
    "GreaterThan": _compare(lambda a, b: a > b),
    "GreaterThanOrEqualTo": _compare(lambda a, b: a >= b),
    "LessThan": _compare(lambda a, b: a < b),
    "LessThanOrEqualTo": _compare(lambda a, b: a <= b),
    "In": _in,
    "Not": _not,
    "Or": _or,
}
