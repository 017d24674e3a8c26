"""`mlpc workspace prune --local`: free the space old local executions hold.

`plan_prune` decides (pure reads); `apply_prune` deletes. An execution is pruned when it is not
among the newest `keep` of its pipeline and (when `older_than` is given) started before the cut-off.
What goes with it: its folder under executions/, the local store's objects under a folder named
by its execution id (SageMaker's default output layout, s3://BUCKET/PIPELINE/EXECUTION_ID/...),
and the step-cache entries that would reuse them. Never pruned: a running execution, one whose
outputs a registered model version or a created model points at (model data, reports), or one
whose outputs a kept execution's cached steps reuse. Outputs written elsewhere (a training job's
artifacts under s3://BUCKET/PIPELINE/STEP/JOB/) are not freed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .records import list_all
from .workspace import Workspace

_DURATION = re.compile(r"^(\d+)([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> dt.timedelta | None:
    """'30d', '12h', '90m', '2w', '45s' -> timedelta; None when it is not one."""
    m = _DURATION.match(text.strip())
    return dt.timedelta(seconds=int(m.group(1)) * _UNIT_SECONDS[m.group(2)]) if m else None


@dataclass
class PrunePlan:
    prune: list = field(default_factory=list)  # (execution id, pipeline, started, [paths])
    kept: int = 0
    protected: list = field(default_factory=list)  # (execution id, why)
    bytes: int = 0


def _size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def _referenced_executions(ws: Workspace) -> dict:
    """execution id -> why it must stay (its outputs back a model version or a model)."""
    from .db import connect

    out: dict = {}
    if not ws.db_path.is_file():
        return out
    with connect(ws.db_path) as conn:
        for row in conn.execute("SELECT group_name, version, execution_id, model_data_url, metrics, reports "
                                "FROM model_packages"):
            text = " ".join(str(row[k] or "") for k in ("model_data_url", "metrics", "reports"))
            why = f"model version {row['group_name']}/{row['version']} uses its outputs"
            if row["execution_id"]:
                out.setdefault(row["execution_id"], why)
            for eid in re.findall(r"/([a-z0-9]{12})/", text):
                out.setdefault(eid, why)
        for row in conn.execute("SELECT name, containers, execution_id FROM models"):
            for eid in {row["execution_id"], *re.findall(r"/([a-z0-9]{12})/", row["containers"] or "")} - {None}:
                out.setdefault(eid, f"model {row['name']} uses its outputs")
    return out


def _store_dirs(ws: Workspace, execution_id: str) -> list:
    """Folders of the local store named by the execution id (bucket/pipeline/ID/...)."""
    found = []
    if not ws.s3_dir.is_dir():
        return found
    for bucket in ws.s3_dir.iterdir():
        if not bucket.is_dir():
            continue
        for candidate in (bucket / execution_id, *bucket.glob(f"*/{execution_id}")):
            if candidate.is_dir() and not candidate.is_symlink():
                found.append(candidate)
    return found


def plan_prune(ws: Workspace, keep: int | None, older_than: dt.timedelta | None,
               pipeline: str | None = None, now: dt.datetime | None = None) -> PrunePlan:
    now = now or dt.datetime.now(dt.timezone.utc)
    plan = PrunePlan()
    referenced = _referenced_executions(ws)
    seen: dict = {}
    reused: dict = {}  # execution id -> the kept execution whose cached steps read its outputs

    def keep_it(rec) -> None:
        for step in rec.steps.values():
            if step.cached and step.cache_source:
                reused.setdefault(step.cache_source, rec.id)

    for rec in list_all(ws, pipeline):  # newest first; a cache source is older than its reuser
        seen[rec.pipeline] = seen.get(rec.pipeline, 0) + 1
        if keep is not None and seen[rec.pipeline] <= keep:
            plan.kept += 1
            keep_it(rec)
            continue
        try:
            started = dt.datetime.fromisoformat(rec.started.replace("Z", "+00:00"))
        except (ValueError, AttributeError):
            started = None
        if older_than is not None and (started is None or now - started < older_than):
            plan.kept += 1
            keep_it(rec)
            continue
        why = ("it is still running" if rec.status in ("Executing", "Stopping") else referenced.get(rec.id)
               or (f"execution {reused[rec.id]} reuses its outputs (step cache)" if rec.id in reused else None))
        if why:
            plan.protected.append((rec.id, why))
            keep_it(rec)
            continue
        paths = [ws.execution_dir(rec.id), *_store_dirs(ws, rec.id)]
        plan.bytes += sum(_size(p) for p in paths)
        plan.prune.append((rec.id, rec.pipeline, rec.started, paths))
    return plan


def apply_prune(ws: Workspace, plan: PrunePlan) -> None:
    from .db import connect

    ids = [eid for eid, *_ in plan.prune]
    if ids and ws.db_path.is_file():
        with connect(ws.db_path) as conn:  # cached runs must not point at deleted outputs
            conn.executemany("DELETE FROM step_cache WHERE execution_id = ?", [(i,) for i in ids])
    for _eid, _pipeline, _started, paths in plan.prune:
        for p in paths:
            shutil.rmtree(p, ignore_errors=True)
