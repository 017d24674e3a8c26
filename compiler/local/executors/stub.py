"""Lambda and Callback steps call AWS (a Lambda function, an SQS queue): they cannot run locally.

They succeed only when the user stubs them: `--stub STEP.OUTPUT=VALUE` gives an
output parameter its value (`--stub STEP` stubs a step without outputs); the
step's OutputParameters then resolve as they would on SageMaker. A step that
is not stubbed fails with a message saying how to stub it.
"""

from __future__ import annotations

from .base import StepContext, failed, succeeded

WHAT = {"Lambda": "calls an AWS Lambda function", "Callback": "waits for a message from an SQS queue"}


def run(ctx: StepContext, args: dict):
    outputs = [o.get("OutputName") for o in ctx.definition.get("OutputParameters") or []]
    what = WHAT.get(ctx.type, f"is a {ctx.type} step")
    example = " ".join(f"--stub {ctx.name}.{o}=VALUE" for o in outputs) or f"--stub {ctx.name}"
    if ctx.name not in ctx.stubs:
        return failed(f"{ctx.type} step {ctx.name} {what} and cannot run locally; stub it: {example}")
    given = ctx.stubs[ctx.name]
    missing = [o for o in outputs if o not in given]
    if missing:
        return failed(f"{ctx.type} step {ctx.name} is stubbed without a value for output "
                      f"{', '.join(missing)}; pass {' '.join(f'--stub {ctx.name}.{o}=VALUE' for o in missing)}")
    return succeeded({"OutputParameters": {o: given[o] for o in outputs}}, detail={"stubbed": True})
