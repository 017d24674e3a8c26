"""Run-time expressions: small immutable values that serialise to pipeline JSON.

`${...}` inside a string is a run-time reference; it is parsed here into a
`Ref` (unresolved, with its column offset) and bound by `resolve`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

EXECUTION_VARIABLES = (
    "CurrentDateTime", "StartDateTime", "PipelineName", "PipelineArn",
    "PipelineExecutionId", "PipelineExecutionArn", "TrainingJobName", "ProcessingJobName",
)


class Expr:
    """A pipeline expression: immutable, compared by type and fields, never stringified.

    `type` is String/Integer/Float/Boolean or None (unknown). Subclasses list their
    fields in `__slots__` (the last one is `type`, with a class-level default); this
    small base stands in for frozen dataclasses, whose creation cost ~1 ms per class
    at every start of a short-lived compile.
    """

    __slots__ = ()
    DEFAULT_TYPE: str | None = None

    def __init__(self, *args, **kwargs):
        names = self.__slots__
        values = dict(zip(names, args), **kwargs)
        values.setdefault("type", self.DEFAULT_TYPE)
        if len(args) > len(names) or set(values) != set(names):
            raise TypeError(f"{type(self).__name__} takes {', '.join(names)}")
        for name in names:
            object.__setattr__(self, name, values[name])

    def _key(self) -> tuple:
        return tuple(getattr(self, n) for n in self.__slots__)

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other):
        return type(other) is type(self) and other._key() == self._key()

    def __hash__(self):
        return hash((type(self).__name__,) + self._key())

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self.__slots__)})"

    def to_json(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def __str__(self):
        raise TypeError("pipeline expressions are run-time values; they cannot be stringified")


class Param(Expr):
    __slots__ = ("name", "type")

    def to_json(self):
        return {"Get": f"Parameters.{self.name}"}


class ExecutionVariable(Expr):
    __slots__ = ("name", "type")
    DEFAULT_TYPE = "String"

    def to_json(self):
        return {"Get": f"Execution.{self.name}"}


class StepProperty(Expr):
    __slots__ = ("step", "path", "type")

    def to_json(self):
        return {"Get": f"Steps.{self.step}.{self.path}"}


class JsonGet(Expr):
    __slots__ = ("step", "file", "path", "type")

    def to_json(self):
        return {"Std:JsonGet": {"PropertyFile": {"Get": f"Steps.{self.step}.PropertyFiles.{self.file}"},
                                "Path": self.path}}


class Join(Expr):
    __slots__ = ("on", "values", "type")
    DEFAULT_TYPE = "String"

    def to_json(self):
        return {"Std:Join": {"On": self.on, "Values": [to_json(v) for v in self.values]}}


class Unresolved(Expr):
    """Stands in for a value that already has a diagnostic (a bad reference, a missing file), so
    later checks (request shapes, types) stay quiet about it. Never reaches a definition."""

    __slots__ = ("text", "type")

    def to_json(self):
        return {"Get": f"Unresolved.{self.text}"}


def to_json(value):
    """Serialise a tree that may contain Expr values."""
    if isinstance(value, Expr):
        return value.to_json()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


class Ref(NamedTuple):
    """An unresolved `${...}` reference: its text and its column offset in the scalar."""

    text: str
    offset: int


class Malformed(NamedTuple):
    """A `${` that does not form a reference: its problem and column offset in the scalar."""

    message: str
    offset: int
    hint: str | None = None


_REF = re.compile(r"\$\{([^}]*)\}")


def parse_interpolated(text: str) -> list:
    """Split a string into literal parts, Refs and Malformed. `$${` escapes a literal `${`.
    Jumps from one `${` to the next, so long strings stay linear."""
    parts: list = []
    pos = 0
    buf: list = []
    while True:
        at = text.find("${", pos)
        if at < 0:
            buf.append(text[pos:])
            break
        if at > 0 and text[at - 1] == "$" and at - 1 >= pos:  # `$${`: a literal `${`
            buf.append(text[pos:at - 1] + "${")
            pos = at + 2
            continue
        buf.append(text[pos:at])
        literal = "".join(buf)
        buf = []
        if literal:
            parts.append(literal)
        m = _REF.match(text, at)
        if m is None or "${" in m.group(1):
            parts.append(Malformed("'${' is not closed with '}'", at, "write ${params.NAME}, or $${ for a literal '${'"))
            return parts
        inner = m.group(1)
        if not inner.strip():
            parts.append(Malformed("empty reference '${}'", at,
                                   "references are ${params.X}, ${execution.X}, ${steps.STEP.PROPERTY} or ${files.FILE.PATH}"))
        else:
            parts.append(Ref(inner.strip(), m.start(1) + (len(inner) - len(inner.lstrip()))))
        pos = m.end()
    literal = "".join(buf)
    if literal:
        parts.append(literal)
    return parts



# --- condition language -------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<op>>=|<=|==|!=|>|<)
  | (?P<lp>\()|(?P<rp>\))|(?P<lb>\[)|(?P<rb>\])|(?P<comma>,)
  | (?P<interp>\$\{[^}]*\})
  | (?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.]))
  | (?P<str>"[^"]*"|'[^']*')
  | (?P<word>[A-Za-z_][\w\-]*(?:\.[\w\-:]+|\[\d+\]|\['[^']*'\]|\["[^"]*"\])*)
""", re.VERBOSE)

_KEYWORDS = {"and", "or", "not", "in", "true", "false"}
COMPARISONS = {">=": "GreaterThanOrEqualTo", ">": "GreaterThan", "<=": "LessThanOrEqualTo",
               "<": "LessThan", "==": "Equals", "!=": "NotEquals"}


_SYMBOLS = {"lp": "(", "rp": ")", "lb": "[", "rb": "]", "comma": ",", "op": "comparison operator"}


class ConditionSyntaxError(Exception):
    def __init__(self, message: str, offset: int, hint: str | None = None):
        super().__init__(message)
        self.message, self.offset, self.hint = message, offset, hint


class Literal(NamedTuple):
    """A literal operand of a condition: its value, column offset, and whether it was quoted."""

    value: object
    offset: int
    quoted: bool = False


class Compare(NamedTuple):
    op: str  # key of COMPARISONS
    left: object  # Ref or Literal
    right: object


class InList(NamedTuple):
    query: object
    values: tuple


class Not(NamedTuple):
    expr: object


class And(NamedTuple):
    items: tuple


class Or(NamedTuple):
    items: tuple


def _tokenize(text: str):
    pos, out = 0, []
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m and text[pos] in "'\"":
            raise ConditionSyntaxError(f"string starting with {text[pos]} is not closed", pos,
                                       f"end it with a matching {text[pos]}")
        if not m:
            raise ConditionSyntaxError(f"unexpected character {text[pos]!r} in condition", pos,
                                       "operands are params.X, steps.X.Path, files.F.json.path, execution.X, numbers or quoted strings")
        kind = m.lastgroup
        if kind != "ws":
            out.append((kind, m.group(kind), m.start()))
        pos = m.end()
    out.append(("end", "", len(text)))
    return out


MAX_CONDITION_DEPTH = 50  # nested `not`s and parentheses; SageMaker's JSON nests one level per each


def parse_condition(text: str):
    """Parse `a >= b and (c == 'x' or not d in [1, 2])` into a condition tree."""
    toks = _tokenize(text)
    i = 0
    depth = 0

    def peek():
        return toks[i]

    def take(kind=None, value=None):
        nonlocal i
        tok = toks[i]
        if (kind and tok[0] != kind) or (value and tok[1] != value):
            want = value or _SYMBOLS.get(kind, kind)
            got = tok[1] or "end of condition"
            raise ConditionSyntaxError(f"expected {want!r}, found {got!r}", tok[2])
        i += 1
        return tok

    def operand():
        kind, val, off = peek()
        if kind == "num":
            take()
            return Literal(float(val) if any(c in val for c in ".eE") else int(val), off)
        if kind == "str":
            take()
            return Literal(val[1:-1], off, quoted=True)
        if kind == "interp":
            take()
            return Ref(val[2:-1].strip(), off + 2)
        if kind == "word":
            if val in ("true", "false"):
                take()
                return Literal(val == "true", off)
            if val in _KEYWORDS:
                raise ConditionSyntaxError(f"expected an operand, found keyword {val!r}", off)
            take()
            return Ref(val, off)
        raise ConditionSyntaxError(f"expected an operand, found {val or 'end of condition'!r}", off)

    def comparison():
        left = operand()
        kind, val, off = peek()
        negate = False
        if kind == "word" and val == "not" and toks[i + 1][1] == "in":
            take()
            negate = True
            kind, val, off = peek()
        if kind == "word" and val == "in":
            take()
            take("lb")
            values = [operand()]
            while peek()[0] == "comma":
                take()
                values.append(operand())
            take("rb")
            node = InList(left, tuple(values))
            return Not(node) if negate else node
        if kind != "op":
            raise ConditionSyntaxError(f"expected a comparison operator (>=, >, <=, <, ==, !=, in), found {val or 'end of condition'!r}", off)
        take()
        return Compare(val, left, operand())

    def unary():
        nonlocal depth
        kind, val, off = peek()
        if (kind == "word" and val == "not") or kind == "lp":
            depth += 1
            if depth > MAX_CONDITION_DEPTH:
                raise ConditionSyntaxError(f"condition is nested more than {MAX_CONDITION_DEPTH} levels deep "
                                           "(`not`s and parentheses)", off,
                                           "simplify it: `not not x` is `x`, and `((x))` is `(x)`")
            try:
                return _nested(kind, off)
            finally:
                depth -= 1
        return comparison()

    def _nested(kind, off):
        if kind == "word":
            take()
            return Not(unary())
        if kind == "lp":
            take()
            node = disjunction()
            if peek()[0] != "rp":
                raise ConditionSyntaxError(f"expected ')' to close the '(' at character {off + 1}, found "
                                           f"{peek()[1] or 'end of condition'!r}", peek()[2], "every '(' needs a matching ')'")
            take()
            return node

    def conjunction():
        items = [unary()]
        while peek()[0] == "word" and peek()[1] == "and":
            take()
            items.append(unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def disjunction():
        items = [conjunction()]
        while peek()[0] == "word" and peek()[1] == "or":
            take()
            items.append(conjunction())
        return items[0] if len(items) == 1 else Or(tuple(items))

    tree = disjunction()
    if peek()[0] != "end":
        kind, val, off = peek()
        raise ConditionSyntaxError(f"unexpected {val!r} after a complete condition", off, "join conditions with `and` / `or`")
    return tree
