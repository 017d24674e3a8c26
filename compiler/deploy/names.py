"""Names mlpc gives the AWS resources it creates, derived from the pipeline name (pure: the
offline CI generators and the AWS side must agree on them)."""

from __future__ import annotations

import hashlib

# Tags on everything mlpc creates for a pipeline (the pipeline, its model package groups, schedule
# group and notification rules): `mlpc delete NAME` finds them by these after the pipeline is gone.
TAG_PIPELINE, TAG_BUCKET = "mlpc:pipeline", "mlpc:bucket"


def group_name(pipeline: str) -> str:
    """The EventBridge Scheduler schedule group holding a pipeline's schedules: mlpc-<pipeline>."""
    name = f"mlpc-{pipeline}"
    if len(name) <= 64:
        return name
    digest = hashlib.sha256(pipeline.encode()).hexdigest()[:8]
    return f"mlpc-{pipeline[:49]}-{digest}"


def ci_stack_name(pipeline: str) -> str:
    """The CloudFormation stack `mlpc ci codepipeline` tells you to deploy, and `mlpc delete --ci` removes."""
    return f"mlpc-ci-{pipeline}"[:128]


def record_key(pipeline: str) -> str:
    """The S3 key (in pipeline.bucket) of the deploy record upsert writes and `mlpc delete` reads."""
    return f"{pipeline}/.mlpc/deploy.json"
