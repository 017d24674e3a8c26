"""FailStep: stops the execution with a message (interpolation allowed)."""

from __future__ import annotations

from .common import Rendered


def render(step, ctx) -> Rendered:
    message = ctx.value(step, ("message",), step.get("message", ""))
    if isinstance(message, (int, float, bool)):
        message = str(message)
    return Rendered({"ErrorMessage": message}, {("ErrorMessage",): ("message",)})
