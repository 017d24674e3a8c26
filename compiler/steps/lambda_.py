"""LambdaStep: invoke a Lambda function; its outputs become step properties."""

from __future__ import annotations

from .common import add_cache, envelope


def output_parameters(step) -> list:
    return [{"OutputName": n, "OutputType": t} for n, t in (step.get("outputs") or {}).items()]


def render(step, ctx) -> dict:
    doc = envelope(step, "Lambda", ctx.tree(step, ("inputs",), step.get("inputs") or {}))
    add_cache(step, doc)
    doc["FunctionArn"] = step.get("function_arn")
    doc["OutputParameters"] = output_parameters(step)
    if "${" not in step.get("function_arn") and not step.get("function_arn").startswith("arn:"):
        ctx.error(step, ("function_arn",), "L001", "function_arn must be a Lambda function ARN",
                  "e.g. arn:aws:lambda:us-east-1:123456789012:function:my-fn")
    return doc
