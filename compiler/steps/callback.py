"""CallbackStep: send a token to an SQS queue and wait for SendPipelineExecutionStepSuccess."""

from __future__ import annotations

from .common import Rendered
from .lambda_ import output_parameters


def render(step, ctx) -> Rendered:
    out = Rendered(ctx.tree(step, ("inputs",), step.get("inputs") or {}), {(): ("inputs",)},
                   {"SqsQueueUrl": step.get("sqs_queue_url"), "OutputParameters": output_parameters(step)},
                   {("SqsQueueUrl",): ("sqs_queue_url",), ("OutputParameters",): ("outputs",)})
    if "${" not in step.get("sqs_queue_url") and not step.get("sqs_queue_url").startswith("https://sqs."):
        ctx.error(step, ("sqs_queue_url",), "K002", "sqs_queue_url must be an SQS queue URL",
                  "e.g. https://sqs.us-east-1.amazonaws.com/123456789012/my-queue")
    return out
