"""Fail steps: stop the execution as failed, with the step's ErrorMessage."""

from __future__ import annotations

from ..evaluate import to_text
from .base import StepContext, failed


def run(ctx: StepContext, args: dict):
    message = to_text(args.get("ErrorMessage")) or "Fail step reached"
    return failed(message, kind="fail", properties={"ErrorMessage": message})
