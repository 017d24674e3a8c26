"""ConditionStep: `if:` in mlpc's condition language -> SageMaker condition JSON."""

from __future__ import annotations

from ..expressions import (COMPARISONS, And, Compare, ConditionSyntaxError, Expr, InList, Not, Or, Ref,
                           parse_condition)
from ..slips import condition_hint
from .common import Rendered

NUMERIC = ("Integer", "Float")


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
        return value

    def node(self, n) -> dict:
        if isinstance(n, Compare):
            left, right = self.operand(n.left), self.operand(n.right)
            self._check_types(n.op, n, left, right)
            body = {"Type": "Equals" if n.op == "!=" else COMPARISONS[n.op], "LeftValue": left, "RightValue": right}
            return {"Type": "Not", "Condition": body} if n.op == "!=" else body
        if isinstance(n, InList):
            return {"Type": "In", "QueryValue": self.operand(n.query), "Values": [self.operand(v) for v in n.values]}
        if isinstance(n, Not):
            return {"Type": "Not", "Condition": self.node(n.expr)}
        if isinstance(n, Or):
            return {"Type": "Or", "Conditions": [self.node(i) for i in n.items]}
        if isinstance(n, And):  # SageMaker has no And inside Or/Not: not(or(not a, not b))
            return {"Type": "Not", "Condition": {"Type": "Or", "Conditions": [
                {"Type": "Not", "Condition": self.node(i)} for i in n.items]}}
        raise TypeError(n)

    def _check_types(self, op, n, left, right):
        lt, rt = _type(left), _type(right)
        if lt is None or rt is None:
            return
        if op in (">=", ">", "<=", "<") and ("Boolean" in (lt, rt) or "String" in (lt, rt)):
            bad = n.left if lt in ("Boolean", "String") else n.right
            self.ctx.resolver.error("C012", f"'{op}' compares numbers, but one side is {_a(lt if bad is n.left else rt)}",
                                   self.step.path + ("if",), getattr(bad, "offset", 0),
                                   "compare a number (Integer/Float parameter, numeric property or JSON value)")
        elif (lt in NUMERIC) != (rt in NUMERIC) or (lt not in NUMERIC and lt != rt):
            self.ctx.resolver.error("C013", f"'{op}' compares {_a(lt)} with {_a(rt)}", self.step.path + ("if",),
                                   getattr(n.left, "offset", 0), "both sides must have the same type")


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
