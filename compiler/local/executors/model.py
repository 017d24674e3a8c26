"""Model steps (CreateModel): record the model locally, so Transform steps can run it."""

from __future__ import annotations

from ..records import now_iso
from .base import StepContext, failed, succeeded


def run(ctx: StepContext, args: dict):
    containers = [args["PrimaryContainer"]] if args.get("PrimaryContainer") else list(args.get("Containers") or [])
    if not containers:
        return failed("a Model step needs PrimaryContainer or Containers")
    for c in containers:
        if not c.get("Image"):
            return failed("a model container needs an Image")
    name = args.get("ModelName") or ctx.job_name
    ctx.registry.create_model(name, containers, ctx.execution.id, ctx.name)
    props = {**args, "ModelName": name, "ModelArn": ctx.arn("model", name), "CreationTime": now_iso()}
    return succeeded(props, detail={"model": name})
