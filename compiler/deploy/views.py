"""Pure presentation data for the CLI: (title, columns, rows) tables and short lines. No printing here."""

from __future__ import annotations

STATUS_STYLE = {"Succeeded": "green", "Executing": "cyan", "Starting": "cyan", "Stopping": "yellow",
                "Failed": "red", "Stopped": "yellow", "Approved": "green", "Rejected": "red",
                "PendingManualApproval": "yellow"}


def _short(ts: str | None) -> str:
    return (ts or "")[:19].replace("T", " ")


def executions_table(name: str, rows: list) -> tuple:
    return (f"executions of {name}", ("execution", "status", "started", "display name"),
            [(r["id"], r["status"] or "", _short(r["started"]), r.get("display_name") or "") for r in rows])


def steps_table(title: str, steps: list) -> tuple:
    rows = []
    for s in steps:
        note = "cache hit" if s.get("cache_hit") else (s.get("failure_reason") or "")
        rows.append((s["name"] or "", s["status"] or "", _short(s.get("started")), _short(s.get("ended")), note))
    return (title, ("step", "status", "started", "ended", "note"), rows)


def execution_lines(e: dict) -> list:
    lines = [f"execution {e['id']}: {e['status']}", f"  arn: {e['arn']}", f"  started: {_short(e['started'])}"]
    if e.get("failure_reason"):
        lines.append(f"  failure: {e['failure_reason']}")
    if e.get("description"):
        lines.append(f"  description: {e['description']}")
    for k, v in sorted((e.get("parameters") or {}).items()):
        lines.append(f"  parameter {k} = {v}")
    return lines


def models_table(group: str, versions: list) -> tuple:
    rows = []
    for v in versions:
        metrics = ", ".join(f"{k}={_num(x)}" for k, x in sorted(v["metrics"].items())[:4])
        commit = (v.get("source_commit") or "")[:12]
        status = (v["status"] or "") + (" (live)" if v.get("live") else "")
        rows.append((str(v["version"]), status, _short(v.get("created")), metrics, commit))
    return (f"model package group {group}", ("version", "status", "created", "metrics", "source commit"), rows)


def _num(x) -> str:
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def failed_step_lines(snapshot) -> list:
    return [f"  {s['name']}: {s['status']}: {s.get('failure_reason') or 'no reason given'}"
            for s in snapshot.failed_steps]
