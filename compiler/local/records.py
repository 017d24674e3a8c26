"""Execution records: one JSON document per execution, next to its step logs.

    executions/<id>/execution.json   the record (rewritten atomically as the run goes)
    executions/<id>/definition.json  the definition that ran
    executions/<id>/steps/<step>/stdout.log, stderr.log
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .workspace import Workspace

# Step statuses (SageMaker's, plus Skipped for steps on a branch not taken).
EXECUTING, SUCCEEDED, FAILED, SKIPPED, NOT_STARTED = "Executing", "Succeeded", "Failed", "Skipped", "NotStarted"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class StepRecord:
    name: str
    type: str
    status: str = NOT_STARTED
    started: str | None = None
    ended: str | None = None
    seconds: float | None = None
    script_seconds: float | None = None
    cached: bool = False
    cache_source: str | None = None  # the execution whose run was reused
    failure: str | None = None
    log_dir: str | None = None
    outcome: bool | None = None  # Condition steps
    detail: dict = field(default_factory=dict)  # e.g. registered model version, tuning trials


@dataclass
class ExecutionRecord:
    id: str
    pipeline: str
    source: str | None
    status: str
    started: str
    parameters: dict
    ended: str | None = None
    seconds: float | None = None
    failure: dict | None = None  # {"step": ..., "reason": ..., "kind": "error" | "fail"}
    branches: dict = field(default_factory=dict)  # condition -> {"outcome", "taken", "skipped"}
    steps: dict = field(default_factory=dict)  # name -> StepRecord
    cache_enabled: bool = True

    def to_json(self) -> dict:
        d = asdict(self)
        d["steps"] = {n: asdict(s) for n, s in self.steps.items()}
        return d

    @classmethod
    def from_json(cls, d: dict) -> "ExecutionRecord":
        """Tolerant of records written by other mlpc versions: unknown keys are dropped."""
        steps = {n: StepRecord(**_known(StepRecord, s)) for n, s in (d.get("steps") or {}).items()}
        return cls(**{**_known(cls, d), "steps": steps})


def _known(cls, d: dict) -> dict:
    return {k: v for k, v in d.items() if k in cls.__dataclass_fields__}


def save(ws: Workspace, record: ExecutionRecord) -> None:
    d = ws.execution_dir(record.id)
    d.mkdir(parents=True, exist_ok=True)
    _write_atomic(d / "execution.json", json.dumps(record.to_json(), indent=2, default=str))  # step order kept


def save_definition(ws: Workspace, execution_id: str, definition: dict) -> None:
    d = ws.execution_dir(execution_id)
    d.mkdir(parents=True, exist_ok=True)
    _write_atomic(d / "definition.json", json.dumps(definition, indent=2, sort_keys=True))


def load(ws: Workspace, execution_id: str) -> tuple[ExecutionRecord | None, str | None]:
    path = ws.execution_dir(execution_id) / "execution.json"
    if not path.is_file():
        known = [r.id for r in list_all(ws)[:5]]
        hint = f" (recent: {', '.join(known)})" if known else ""
        return None, f"no local execution '{execution_id}' in {ws.root}{hint}"
    try:
        return ExecutionRecord.from_json(json.loads(path.read_text())), None
    except (ValueError, TypeError) as exc:
        return None, f"cannot read {path}: {exc}"


def list_all(ws: Workspace) -> list[ExecutionRecord]:
    """Every recorded execution, newest first."""
    out = []
    if not ws.executions_dir.is_dir():
        return out
    for d in ws.executions_dir.iterdir():
        path = d / "execution.json"
        if path.is_file():
            try:
                out.append(ExecutionRecord.from_json(json.loads(path.read_text())))
            except (ValueError, TypeError):
                continue
    return sorted(out, key=lambda r: r.started, reverse=True)


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".rec-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)
