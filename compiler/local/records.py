"""Execution records: a summary per execution plus an append-only event log, next to its step logs.

    executions/<id>/execution.json   the summary: written when the run starts, when it ends and
                                     when it is interrupted (atomically, temp file + rename)
    executions/<id>/events.jsonl     one line per change while it runs (a step's new state, a
                                     branch taken, the failure): O(1) per event, whatever the
                                     number of steps
    executions/<id>/definition.json  the definition that ran
    executions/<id>/steps/<step>/stdout.log, stderr.log

`load` reads the summary and, while it still says Executing, replays the log over it, so an
execution that crashed (or is still running) reads as far as it got. One whose process is gone
without writing its final summary reads as Failed ("interrupted").
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..atomicfile import write_atomic
from .workspace import Workspace

# Step statuses (SageMaker's, plus Skipped for steps on a branch not taken).
EXECUTING, SUCCEEDED, FAILED, SKIPPED, NOT_STARTED = "Executing", "Succeeded", "Failed", "Skipped", "NotStarted"
SUMMARY, EVENTS, DEFINITION = "execution.json", "events.jsonl", "definition.json"


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
    peak_rss_mb: float | None = None  # the step process's peak resident memory (None: no process)
    security: dict = field(default_factory=dict)  # what the job asked for (local/security.py)
    environment: dict = field(default_factory=dict)  # its libraries vs the container's pins (local/envs.py)
    not_emulated: list = field(default_factory=list)  # what the job asked for that runs differently locally (local/unemulated.py)


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
    branches: dict = field(default_factory=dict)  # condition -> {"outcome", "taken", "steps", "skipped", "compared"}
    steps: dict = field(default_factory=dict)  # name -> StepRecord
    cache_enabled: bool = True
    runner: dict = field(default_factory=dict)  # {"host", "pid"} of the process running it

    def to_json(self) -> dict:
        d = _fields(self)
        d["steps"] = {n: _fields(s) for n, s in self.steps.items()}
        return d

    @classmethod
    def from_json(cls, d: dict) -> "ExecutionRecord":
        """Tolerant of records written by other mlpc versions: unknown keys are dropped."""
        steps = {n: StepRecord(**_known(StepRecord, s)) for n, s in (d.get("steps") or {}).items()}
        return cls(**{**_known(cls, d), "steps": steps})


def _fields(obj) -> dict:
    """A record's fields, shallow (its values are JSON data already); asdict's deep copy is ~20x slower."""
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}


def _known(cls, d: dict) -> dict:
    return {k: v for k, v in d.items() if k in cls.__dataclass_fields__}


class RecordWriter:
    """Writes one execution's record as it runs: the summary at start and end, one log line per event."""

    def __init__(self, ws: Workspace, record: ExecutionRecord):
        self.dir = ws.execution_dir(record.id)
        self.record = record
        self._log = None

    def start(self, definition: dict) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.record.runner = {"host": os.uname().nodename, "pid": os.getpid()}
        write_atomic(self.dir / DEFINITION, json.dumps(definition, indent=2, sort_keys=True))
        self._log = open(self.dir / EVENTS, "a", encoding="utf-8")
        self.write_summary()

    def step(self, step: StepRecord) -> None:
        self._append({"step": _fields(step)})

    def branch(self, condition: str, branch: dict) -> None:
        self._append({"branch": condition, "value": branch})

    def failure(self, failure: dict) -> None:
        self._append({"failure": failure})

    def finish(self) -> None:
        """The final summary (also on interruption); the log stays as the history of the run."""
        self.write_summary()
        if self._log is not None:
            self._log.close()
            self._log = None

    def write_summary(self) -> None:
        write_atomic(self.dir / SUMMARY, json.dumps(self.record.to_json(), indent=2, default=str))

    def _append(self, event: dict) -> None:
        # One write() of one line, flushed: a crash loses at most the line being written, and a
        # torn last line is ignored by replay.
        self._log.write(json.dumps(event, separators=(",", ":"), default=str) + "\n")
        self._log.flush()


def replay(record: ExecutionRecord, lines) -> ExecutionRecord:
    """Apply event-log lines to a summary that was written before them."""
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            continue  # a line torn by a crash
        if "step" in event:
            s = event["step"]
            if s.get("name") in record.steps:
                record.steps[s["name"]] = StepRecord(**_known(StepRecord, s))
        elif "branch" in event:
            record.branches[event["branch"]] = event.get("value") or {}
        elif "failure" in event and record.failure is None:
            record.failure = event["failure"]
    return record


def _runner_gone(record: ExecutionRecord) -> bool:
    """True when the execution's own process no longer runs (on this host; other hosts: unknown)."""
    runner = record.runner or {}
    pid = runner.get("pid")
    if not isinstance(pid, int) or runner.get("host") != os.uname().nodename:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _read(d: Path) -> ExecutionRecord:
    record = ExecutionRecord.from_json(json.loads((d / SUMMARY).read_text(encoding="utf-8")))
    if record.status != EXECUTING:
        return record
    events = d / EVENTS
    if events.is_file():
        with open(events, encoding="utf-8", errors="replace") as f:
            replay(record, f)
    if _runner_gone(record):
        record.status = FAILED
        record.failure = record.failure or {"step": None, "kind": "error",
                                            "reason": "interrupted: the mlpc process running it stopped"}
        for s in record.steps.values():
            if s.status == EXECUTING:
                s.status, s.failure = FAILED, "interrupted"
    return record


def load(ws: Workspace, execution_id: str) -> tuple[ExecutionRecord | None, str | None]:
    d = ws.execution_dir(execution_id)
    path = d / SUMMARY
    if not path.is_file():
        known = [r.id for r in list_all(ws, limit=5)]
        hint = f" (recent: {', '.join(known)})" if known else ""
        return None, f"no local execution '{execution_id}' in {ws.root}{hint}"
    try:
        return _read(d), None
    except (ValueError, TypeError, OSError) as exc:
        return None, f"cannot read {path}: {exc}"


def list_all(ws: Workspace, pipeline: str | None = None, limit: int | None = None) -> list[ExecutionRecord]:
    """Recorded executions, newest first; only `pipeline`'s when given, at most `limit` of them.

    Folders are visited newest first by their definition's write time (written once, at the start),
    so listing the last few executions reads only those few records, however many there are."""
    if not ws.executions_dir.is_dir():
        return []
    dirs = []
    for d in ws.executions_dir.iterdir():
        try:
            dirs.append((os.stat(d / SUMMARY).st_mtime if not (d / DEFINITION).exists()
                         else os.stat(d / DEFINITION).st_mtime, d))
        except OSError:
            continue
    dirs.sort(key=lambda x: x[0], reverse=True)
    out = []
    for _, d in dirs:
        try:
            rec = _read(d)
        except (ValueError, TypeError, OSError):
            continue
        if pipeline is not None and rec.pipeline != pipeline:
            continue
        out.append(rec)
        if limit is not None and len(out) >= limit:
            break
    return sorted(out, key=lambda r: r.started, reverse=True)
