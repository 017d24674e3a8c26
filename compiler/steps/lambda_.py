"""LambdaStep: invoke a Lambda function; its outputs become step properties."""

from __future__ import annotations

from .common import Rendered


def output_parameters(step) -> list:
    return [{"OutputName": n, "OutputType": t} for n, t in (step.get("outputs") or {}).items()]


def render(step, ctx) -> Rendered:
    out = Rendered(ctx.tree(step, ("inputs",), step.get("inputs") or {}), {(): ("inputs",)},
                   {"FunctionArn": step.get("function_arn"), "OutputParameters": output_parameters(step)},
                   {("FunctionArn",): ("function_arn",), ("OutputParameters",): ("outputs",)})
    if "${" not in step.get("function_arn") and not step.get("function_arn").startswith("arn:"):
        ctx.error(step, ("function_arn",), "K001", "function_arn must be a Lambda function ARN",
                  "e.g. arn:aws:lambda:us-east-1:123456789012:function:my-fn")
    return out
