"""What the CI generators need to know about the pipelines they deploy, read from compile results."""

from __future__ import annotations

from typing import NamedTuple

from ..definition import register_groups


class PipelineFacts(NamedTuple):
    file: str  # as given on the command line, relative to the repository root
    name: str
    region: str
    bucket: str
    role: str  # the pipeline execution role ARN (iam:PassRole is granted on this one only)
    schedule_roles: tuple  # role ARNs EventBridge Scheduler assumes (default: the pipeline role)
    model_package_groups: tuple
    has_schedules: bool
    notification_topics: tuple = ()  # SNS topic ARNs of pipeline.notifications (EventBridge rules publish to them)


def facts_from_result(file: str, res) -> PipelineFacts:
    pipe = res.pipeline
    sched_roles = sorted({s.role or pipe.role for s in (pipe.schedules or {}).values()})
    topics = sorted({t for n in (pipe.notifications or {}).values() for t in n.topics})
    return PipelineFacts(file, pipe.name, pipe.region, pipe.bucket, pipe.role, tuple(sched_roles),
                         tuple(register_groups(res.definition).names), bool(pipe.schedules), tuple(topics))
