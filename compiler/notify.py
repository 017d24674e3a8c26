"""`notifications:` compiled into EventBridge rules (pure: no AWS here; mlpc.deploy.notifications applies them).

Each notification becomes one rule per event family (a pattern matches one detail-type), named
`mlpc-<pipeline>-<notification>-<family>`, with SageMaker's documented event patterns
(AWS: "Events that Amazon SageMaker sends to Amazon EventBridge"):

    execution  "SageMaker Model Building Pipeline Execution Status Change"       detail.currentPipelineExecutionStatus
    step       "SageMaker Model Building Pipeline Execution Step Status Change"  detail.currentStepStatus
    model      "SageMaker Model Package State Change"                            detail.ModelApprovalStatus

Pipeline events are matched on detail.pipelineArn; model package events on the groups the
pipeline's register steps use (or the notification's model_package_groups).
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

from .definition import register_groups
from .diagnostics import Diagnostic


class EventKind(NamedTuple):
    family: str
    detail_type: str
    field: str
    value: str


EXECUTION = "SageMaker Model Building Pipeline Execution Status Change"
STEP = "SageMaker Model Building Pipeline Execution Step Status Change"
MODEL = "SageMaker Model Package State Change"

EVENTS = {
    "execution_failed": EventKind("execution", EXECUTION, "currentPipelineExecutionStatus", "Failed"),
    "execution_succeeded": EventKind("execution", EXECUTION, "currentPipelineExecutionStatus", "Succeeded"),
    "execution_stopped": EventKind("execution", EXECUTION, "currentPipelineExecutionStatus", "Stopped"),
    "step_failed": EventKind("step", STEP, "currentStepStatus", "Failed"),
    "model_pending_approval": EventKind("model", MODEL, "ModelApprovalStatus", "PendingManualApproval"),
    "model_approved": EventKind("model", MODEL, "ModelApprovalStatus", "Approved"),
    "model_rejected": EventKind("model", MODEL, "ModelApprovalStatus", "Rejected"),
}
FAMILIES = ("execution", "step", "model")
NAME_LIMIT = 64  # EventBridge rule names


def list_prefix(pipeline: str) -> str:
    """Every rule of the pipeline starts with this (ownership is then confirmed by its mlpc:pipeline tag)."""
    return f"mlpc-{pipeline[:24]}"


def rule_name(pipeline: str, notification: str, family: str) -> str:
    name = f"mlpc-{pipeline}-{notification}-{family}"
    if len(name) <= NAME_LIMIT:
        return name
    return f"{list_prefix(pipeline)}-{hashlib.sha256(name.encode()).hexdigest()[:16]}-{family}"


def check_notifications(pipeline, definition: dict) -> list:
    out = []
    groups, dynamic = register_groups(definition)
    for n in pipeline.notifications.values():
        wants_model = any(EVENTS[e].family == "model" for e in n.events)
        if wants_model and not n.model_package_groups and not groups:
            why = "its register steps' groups are set at run time" if dynamic else "it has no register step"
            out.append(Diagnostic("B001", f"notification '{n.name}' asks for model package events, but {why}",
                                  path=n.path + ("events",), hint="name the groups: model_package_groups: [GROUP]"))
        if n.model_package_groups and not wants_model:
            out.append(Diagnostic("B002", f"notification '{n.name}' names model package groups but no model_* event",
                                  path=n.path + ("model_package_groups",),
                                  hint="add model_pending_approval (or model_approved / model_rejected), or drop them"))
    return out


def rule_specs(pipeline, definition: dict) -> dict:
    """rule name -> the comparable spec upsert converges and diff shows."""
    groups = register_groups(definition).names
    out = {}
    for n in sorted(pipeline.notifications.values(), key=lambda n: n.name):
        for family in FAMILIES:
            events = sorted(e for e in n.events if EVENTS[e].family == family)
            if not events:
                continue
            spec = {"notification": n.name, "family": family, "events": events, "topics": sorted(n.topics),
                    "groups": sorted(n.model_package_groups or groups) if family == "model" else [],
                    "enabled": bool(n.enabled),
                    "description": n.description or f"mlpc: {', '.join(events)} of pipeline {pipeline.name} to SNS"}
            out[rule_name(pipeline.name, n.name, family)] = spec
    return out


def event_pattern(spec: dict, pipeline_arn: str | None) -> dict:
    kinds = [EVENTS[e] for e in spec["events"]]
    detail = {kinds[0].field: [k.value for k in kinds]}
    if spec["family"] == "model":
        detail["ModelPackageGroupName"] = list(spec["groups"])
    else:
        detail["pipelineArn"] = [pipeline_arn or "(the pipeline's ARN once created)"]
    return {"source": ["aws.sagemaker"], "detail-type": [kinds[0].detail_type], "detail": detail}


def spec_from_pattern(pattern: dict) -> dict:
    """The family, events, groups and pipeline ARN a pattern written by event_pattern matches."""
    detail = pattern.get("detail") or {}
    dtype = (pattern.get("detail-type") or [None])[0]
    events = sorted(name for name, k in EVENTS.items() if k.detail_type == dtype and k.value in (detail.get(k.field) or []))
    family = next((k.family for k in EVENTS.values() if k.detail_type == dtype), None)
    return {"family": family, "events": events, "groups": sorted(detail.get("ModelPackageGroupName") or []),
            "pipeline_arn": (detail.get("pipelineArn") or [None])[0]}
