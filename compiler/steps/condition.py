"""ConditionStep: `if:` in mlpc's condition language -> SageMaker condition JSON."""

from __future__ import annotations

from ..expressions import (COMPARISONS, And, Compare, ConditionSyntaxError, Expr, InList, Literal, Not, Or, Ref,
                           parse_condition)
from ..slips import condition_hint
from .common import Rendered

NUMERIC = ("Integer", "Float")
ORDERING = (">=", ">", "<=", "<")


def render(step, ctx) -> Rendered:
    path = ("if",)
    conditions = []
    try:
        tree = parse_condition(step.get("if"))
    except ConditionSyntaxError as exc:
        hint = (condition_hint(step.get("if"), exc.offset) or exc.hint
                or "e.g. files.EvaluationReport.metrics.accuracy.value >= params.AccuracyThreshold")
        ctx.resolver.error("C010", f"condition syntax: {exc.message}", step.path + path, exc.offset, hint)
        tree = None
    if tree is not None:
        build = _Builder(step, ctx)
        items = tree.items if isinstance(tree, And) else (tree,)
        conditions = [build.node(n) for n in items]
    args = {"Conditions": conditions, "IfSteps": list(step.get("then") or []), "ElseSteps": list(step.get("else") or [])}
    if not args["IfSteps"] and not args["ElseSteps"]:
        ctx.error(step, (), "C011", f"condition '{step.name}' has neither `then` nor `else` steps")
    origins = {("Conditions",): ("if",), ("IfSteps",): ("then",), ("ElseSteps",): ("else",)}
    origins.update({(key, i): (branch, i) for branch, key in (("then", "IfSteps"), ("else", "ElseSteps"))
                    for i in range(len(args[key]))})
    return Rendered(args, origins)


class _Builder:
    def __init__(self, step, ctx):
        self.step, self.ctx = step, ctx

    def operand(self, value):
        if isinstance(value, Ref):
            return self.ctx.resolver.ref(value, self.step.path + ("if",), self.step.name)
        if isinstance(value, Literal):
            return value.value
        return value

    def node(self, n) -> dict:
        if isinstance(n, Compare):
            left, right = self.operand(n.left), self.operand(n.right)
            self._check_types(n.op, n, left, right)
            body = {"Type": "Equals" if n.op == "!=" else COMPARISONS[n.op], "LeftValue": left, "RightValue": right}
            return {"Type": "Not", "Condition": body} if n.op == "!=" else body
        if isinstance(n, InList):
            query, values = self.operand(n.query), [self.operand(v) for v in n.values]
            self._check_in(n, query, values)
            return {"Type": "In", "QueryValue": query, "Values": values}
        if isinstance(n, Not):
            return {"Type": "Not", "Condition": self.node(n.expr)}
        if isinstance(n, Or):
            return {"Type": "Or", "Conditions": [self.node(i) for i in n.items]}
        if isinstance(n, And):  # SageMaker has no And inside Or/Not: not(or(not a, not b))
            return {"Type": "Not", "Condition": {"Type": "Or", "Conditions": [
                {"Type": "Not", "Condition": self.node(i)} for i in n.items]}}
        raise TypeError(n)

    def _error(self, code, message, raw, hint):
        self.ctx.resolver.error(code, message, self.step.path + ("if",), getattr(raw, "offset", 0), hint)

    def _check_types(self, op, n, left, right):
        """Both sides typed: parameters and step properties by their declared type, literals by how
        they are written (a quoted '0.8' is a String); a property-file value (JsonGet) takes the type
        of whatever it is compared with, so only the other side can be wrong."""
        sides = ((n.left, _type(left)), (n.right, _type(right)))
        if op in ORDERING:
            for raw, t in sides:
                if t in ("Boolean", "String"):
                    self._error("C012", f"'{op}' compares numbers, but one side is {_a(t)}{_literal_note(raw)}", raw,
                                _quote_hint(raw) or "compare a number (Integer/Float parameter, numeric property or JSON value)")
                    return
            return
        (lraw, lt), (rraw, rt) = sides
        if lt is None or rt is None:
            return
        if _family(lt) != _family(rt):
            raw = rraw if isinstance(rraw, Literal) else lraw
            self._error("C013", f"'{op}' compares {_a(lt)} with {_a(rt)}{_literal_note(raw)}", raw,
                        _quote_hint(raw) or "both sides must have the same type")

    def _check_in(self, n, query, values):
        """`x in [a, b]`: every member has the type of the left side (or, when that is a property-file
        value, of the first typed member): SageMaker compares them with Equals."""
        qt = _type(query)
        expected, source = (qt, "the left side") if qt else (None, None)
        for raw, value in zip(n.values, values):
            t = _type(value)
            if t is None:
                continue
            if expected is None:
                expected, source = t, "the first member"
                continue
            if _family(t) != _family(expected):
                note = _literal_note(raw) or (f" {_show(raw.value)}" if isinstance(raw, Literal) else f" '{raw.text}'")
                self._error("C014", f"'in' list member{note} is {_a(t)}, but {source} is {_a(expected)}",
                            raw, _quote_hint(raw) or "every member of an 'in' list has the type of the left side")


def _family(t: str) -> str:
    return "number" if t in NUMERIC else t


def _show(value) -> str:
    return str(value).lower() if isinstance(value, bool) else repr(value)


def _literal_note(raw) -> str:
    return f" (the quoted literal {raw.value!r})" if isinstance(raw, Literal) and raw.quoted else ""


def _quote_hint(raw) -> str | None:
    """A quoted literal that reads as a number: say the quotes make it a String."""
    if isinstance(raw, Literal) and raw.quoted:
        try:
            float(raw.value)
        except ValueError:
            return None
        return f"quotes make {raw.value!r} a String; write {raw.value} without quotes for a number"
    return None


def _a(type_name: str) -> str:
    return ("an " if type_name[0] in "AEIOU" else "a ") + type_name


def _type(v):
    if isinstance(v, Expr):
        return v.type
    if isinstance(v, bool):
        return "Boolean"
    if isinstance(v, (int, float)):
        return "Float" if isinstance(v, float) else "Integer"
    if isinstance(v, str):
        return "String"
    return None
