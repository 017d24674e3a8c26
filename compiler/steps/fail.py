"""FailStep: stops the execution with a message (interpolation allowed)."""

from __future__ import annotations

from .common import envelope


def render(step, ctx) -> dict:
    message = ctx.value(step, ("message",), step.get("message", ""))
    if isinstance(message, (int, float, bool)):
        message = str(message)
    return envelope(step, "Fail", {"ErrorMessage": message})
