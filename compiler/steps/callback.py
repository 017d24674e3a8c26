"""CallbackStep: send a token to an SQS queue and wait for SendPipelineExecutionStepSuccess."""

from __future__ import annotations

from .common import add_cache, envelope
from .lambda_ import output_parameters


def render(step, ctx) -> dict:
    doc = envelope(step, "Callback", ctx.tree(step, ("inputs",), step.get("inputs") or {}))
    add_cache(step, doc)
    doc["SqsQueueUrl"] = step.get("sqs_queue_url")
    doc["OutputParameters"] = output_parameters(step)
    if "${" not in step.get("sqs_queue_url") and not step.get("sqs_queue_url").startswith("https://sqs."):
        ctx.error(step, ("sqs_queue_url",), "L002", "sqs_queue_url must be an SQS queue URL",
                  "e.g. https://sqs.us-east-1.amazonaws.com/123456789012/my-queue")
    return doc
