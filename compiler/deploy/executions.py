"""Pipeline executions: start (typed parameter overrides), list, describe, watch, stop."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..definition import parameters as definition_parameters
from ..definition import parse_param_pairs
from ..errors import ArgumentError
from .schedules import param_text
from .session import AwsError, aws_errors

TERMINAL = ("Succeeded", "Failed", "Stopped")
FAILED_STEP_STATUSES = ("Failed", "Stopped")


def parse_overrides(pairs: list, parameters: dict, definition: dict | None = None) -> tuple:
    """--param K=V strings -> ({name: typed value}, [ArgumentError]), checked against the declared parameters
    (names, types, enums) and, given the definition, the fields they feed, before any AWS call
    (mlpc.definition.parse_param_pairs, shared with the local runner)."""
    values, _texts, problems = parse_param_pairs(pairs, parameters, definition)
    return values, [ArgumentError(p.message, p.hint) for p in problems]


def parameters_from_deployed(definition: dict) -> dict:
    """Declared parameters of a deployed definition, as mlpc.model.Parameter values (for NAME targets)."""
    return definition_parameters(definition)


SOURCE_COMMIT_PARAMETER = "GitCommit"


def with_source_commit(values: dict, parameters: dict, commit: str) -> dict:
    """Fill the `GitCommit` String parameter, when the pipeline declares one and the user did
    not set it, with the commit being deployed: a register step can record it
    (customer_metadata: {git_commit: "${params.GitCommit}"}) and `mlpc models list` shows it.
    A parameter, not a literal, so the definition (and `mlpc diff`) doesn't change per commit."""
    param = parameters.get(SOURCE_COMMIT_PARAMETER)
    if param is None or param.type != "String" or SOURCE_COMMIT_PARAMETER in values or commit == "unknown":
        return values
    return {**values, SOURCE_COMMIT_PARAMETER: commit}


def start_execution(sm, name: str, values: dict, description: str | None = None) -> str:
    req = {"PipelineName": name,
           "PipelineParameters": [{"Name": k, "Value": param_text(v)} for k, v in sorted(values.items())]}
    if description:
        req["PipelineExecutionDescription"] = description[:3072]
    with aws_errors():
        return sm.start_pipeline_execution(**req)["PipelineExecutionArn"]


def execution_arn(sm, name: str, execution: str | None) -> str:
    """An execution ARN from an ARN, an execution id, or None (the newest execution)."""
    if execution and execution.startswith("arn:"):
        return execution
    with aws_errors():
        if execution:
            pipeline_arn = sm.describe_pipeline(PipelineName=name)["PipelineArn"]
            return f"{pipeline_arn}/execution/{execution}"
        newest = list_executions(sm, name, limit=1)
    if not newest:
        raise AwsError(f"pipeline '{name}' has no executions", f"start one with `mlpc start {name}`", "NoExecutions")
    return newest[0]["arn"]


def list_executions(sm, name: str, limit: int = 20) -> list:
    out = []
    with aws_errors():
        pages = sm.get_paginator("list_pipeline_executions").paginate(
            PipelineName=name, SortBy="CreationTime", SortOrder="Descending")
        for page in pages:
            for e in page.get("PipelineExecutionSummaries", []):
                out.append({"arn": e["PipelineExecutionArn"], "id": e["PipelineExecutionArn"].rsplit("/", 1)[-1],
                            "status": e.get("PipelineExecutionStatus"), "started": _iso(e.get("StartTime")),
                            "display_name": e.get("PipelineExecutionDisplayName")})
                if len(out) >= limit:
                    return out
    return out


def list_steps(sm, arn: str) -> list:
    out = []
    with aws_errors():
        for page in sm.get_paginator("list_pipeline_execution_steps").paginate(PipelineExecutionArn=arn):
            for s in page.get("PipelineExecutionSteps", []):
                out.append({"name": s.get("StepName"), "status": s.get("StepStatus"),
                            "started": _iso(s.get("StartTime")), "ended": _iso(s.get("EndTime")),
                            "failure_reason": s.get("FailureReason"),
                            "cache_hit": bool((s.get("CacheHitResult") or {}).get("SourcePipelineExecutionArn"))})
    out.reverse()  # the API lists newest first
    return out


def describe_execution(sm, arn: str, with_steps: bool = True) -> dict:
    with aws_errors():
        e = sm.describe_pipeline_execution(PipelineExecutionArn=arn)
        params = []
        for page in sm.get_paginator("list_pipeline_parameters_for_execution").paginate(PipelineExecutionArn=arn):
            params += page.get("PipelineParameters", [])
    out = {"arn": arn, "id": arn.rsplit("/", 1)[-1], "status": e.get("PipelineExecutionStatus"),
           "failure_reason": e.get("FailureReason") or None, "started": _iso(e.get("CreationTime")),
           "modified": _iso(e.get("LastModifiedTime")), "description": e.get("PipelineExecutionDescription"),
           "parameters": {p["Name"]: p["Value"] for p in params}}
    if with_steps:
        out["steps"] = list_steps(sm, arn)
    return out


def stop_execution(sm, arn: str) -> None:
    with aws_errors():
        sm.stop_pipeline_execution(PipelineExecutionArn=arn)


@dataclass(frozen=True)
class Snapshot:
    status: str
    steps: tuple  # dicts from list_steps
    failure_reason: str | None = None

    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    @property
    def failed_steps(self) -> list:
        return [s for s in self.steps if s["status"] in FAILED_STEP_STATUSES]


class WaitTimeout(AwsError):
    """--timeout ran out while the execution was still running (it keeps running)."""

    def __init__(self, arn: str, status: str, waited: float):
        name, exec_id = pipeline_and_id(arn)
        super().__init__(f"execution {exec_id} still {status} after {int(waited)}s (--timeout); it keeps running",
                         f"follow it with `mlpc executions describe {name} {exec_id}`, "
                         f"stop it with `mlpc stop {name} {exec_id}`", "WaitTimeout")


def pipeline_and_id(arn: str) -> tuple[str, str]:
    """arn:...:pipeline/NAME/execution/ID -> (NAME, ID)."""
    tail = arn.split(":pipeline/", 1)[-1]
    name, _, exec_id = tail.partition("/execution/")
    return name, exec_id or arn.rsplit("/", 1)[-1]


def _pause(seconds: float) -> None:  # tests replace this (never time.sleep itself: moto's threads use it)
    time.sleep(seconds)


def watch(sm, arn: str, poll_seconds: float = 15.0, timeout_seconds: float | None = None, clock=time.monotonic):
    """Yield a Snapshot every poll until the execution ends (the last one yielded is terminal);
    raise WaitTimeout once timeout_seconds have passed with the execution still running."""
    began = clock()
    while True:
        with aws_errors():
            e = sm.describe_pipeline_execution(PipelineExecutionArn=arn)
        snap = Snapshot(e.get("PipelineExecutionStatus", "Unknown"), tuple(list_steps(sm, arn)),
                        e.get("FailureReason") or None)
        yield snap
        if snap.done:
            return
        waited = clock() - began
        if timeout_seconds is not None and waited >= timeout_seconds:
            raise WaitTimeout(arn, snap.status, waited)
        _pause(poll_seconds)


def status_changes(previous: dict, snap: Snapshot) -> tuple[dict, list]:
    """What changed since the previous poll, for line-by-line logs: (state now, [(what, status, note)]).
    `what` is a step name, or '' for the execution itself."""
    now = {"": snap.status}
    now.update({s["name"]: s["status"] for s in snap.steps})
    notes = {s["name"]: ("cache hit" if s.get("cache_hit") else s.get("failure_reason") or "") for s in snap.steps}
    notes[""] = snap.failure_reason or ""
    changes = [(k, v, notes.get(k, "")) for k, v in now.items() if previous.get(k) != v]
    return now, changes


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
