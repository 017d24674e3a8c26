"""Condition steps: evaluate the Conditions (a top-level AND); the runner takes the branch."""

from __future__ import annotations

from ..evaluate import evaluate_conditions, explain_conditions
from .base import StepContext, failed, succeeded


def run(ctx: StepContext, args: dict):
    outcome, err = evaluate_conditions(args.get("Conditions") or [], ctx.evaluation, ctx.name)
    if err:
        return failed(f"cannot evaluate the condition: {err}")
    compared = explain_conditions(args.get("Conditions") or [], ctx.evaluation, ctx.name)
    return succeeded({"Outcome": outcome}, outcome=outcome, detail={"compared": compared})
