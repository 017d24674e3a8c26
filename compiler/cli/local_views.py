"""Views of the local workspace (executions, model registry) for `mlpc run` and the `--local` flags.

Each `show_*` / `set_*` function prints and returns the exit code (0 or 1);
`aws_cmds.run_local_view` calls them for `executions ... --local` and
`models ... --local`. `workspace` may be None: the default `.mlpc/`.
"""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

STATUS_STYLE = {"Succeeded": "green", "Failed": "red", "Executing": "yellow", "Skipped": "dim",
                "NotStarted": "dim", "Approved": "green", "Rejected": "red", "PendingManualApproval": "yellow"}


def _ws(workspace):
    from ..local.workspace import Workspace

    return Workspace.at(workspace)


def _status(text: str | None) -> str:
    text = text or "-"
    return f"[{STATUS_STYLE[text]}]{text}[/]" if text in STATUS_STYLE else text


def _secs(value) -> str:
    return "-" if value is None else f"{value:.1f} s" if value >= 0.05 else f"{value * 1000:.0f} ms"


def _error(message: str, hint: str | None = None) -> int:
    """Print an error the one way (cli/output.print_error); the exit code."""
    from ..errors import MlpcError
    from .output import print_error

    print_error(MlpcError(message, hint))
    return 1


def make_console() -> Console:
    """Rich's console; not on a terminal (a pipe, a file, CI) lines are 120 wide, not 80."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=max(console.width, 120))
    return console


_console = make_console


# ------------------------------------------------------------------ tables shared with `mlpc run`

def steps_table(record, title: str | None = None, with_type: bool = False) -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column("Step", no_wrap=True)
    if with_type:
        t.add_column("Type", no_wrap=True)
    t.add_column("Status", no_wrap=True)
    t.add_column("Cached", no_wrap=True)
    t.add_column("Duration", justify="right", no_wrap=True)
    t.add_column("Note", overflow="fold")
    for s in record.steps.values():
        cached = "yes" if s.cached else ("no" if s.status in ("Succeeded", "Failed") else "")
        cells = [s.name] + ([s.type] if with_type else []) + [_status(s.status), cached, _secs(s.seconds),
                                                               step_note(s, record)]
        t.add_row(*cells)
    return t


def step_counts(record) -> str:
    """'800 steps: 400 Succeeded, 400 Skipped', in the order statuses first appear."""
    counts: dict = {}
    for s in record.steps.values():
        counts[s.status] = counts.get(s.status, 0) + 1
    return f"{len(record.steps)} steps: " + ", ".join(f"{n} {status}" for status, n in counts.items())


def step_note(step, record) -> str:
    d = step.detail or {}
    if step.type == "Condition" and step.outcome is not None:
        branch = record.branches.get(step.name) or {}
        return f"{str(step.outcome).lower()} -> {', '.join(branch.get('steps') or []) or '(nothing)'}"
    if "version" in d:
        metric = _headline_metric(d.get("metrics") or {})
        return f"version {d['version']}" + (f", {metric}" if metric else "")
    if "best" in d:
        return f"{d['trials']} trials, best {d['best']}"
    if step.status == "Failed" and step.failure:
        return "Fail step" if step.type == "Fail" else "see below"
    return ""


_HEADLINE = ("accuracy", "auc", "f1", "rmse", "mse", "r2")


def _headline_metric(metrics: dict) -> str:
    for name in _HEADLINE:
        if name in metrics:
            return f"{name}={metrics[name]:.4g}"
    return ""


def registered_lines(record) -> list[str]:
    out = []
    for s in record.steps.values():
        d = s.detail or {}
        if s.status == "Succeeded" and "version" in d:
            found = d.get("metrics") or {}
            names = [m for m in _HEADLINE if m in found] or list(found)
            metrics = ", ".join(f"{k} {found[k]:.4g}" for k in names[:3])
            out.append(f"registered {d['group']} version {d['version']} ({d['status']})" +
                       (f": {metrics}" if metrics else ""))
    return out


def environment_lines(record) -> list[str]:
    """One warning per step whose libraries differ from its container's pins (local/envs.py)."""
    out = []
    for s in record.steps.values():
        env = s.environment or {}
        if env.get("warning"):
            out.append(f"warning: {s.name} ({env.get('image')}, --env {env.get('env')}): {env['warning']}")
    return out


def execution_summary(record) -> str:
    took = f" in {record.seconds:.1f} s" if record.seconds is not None else ""
    hits = [s.name for s in record.steps.values() if s.cached]
    text = f"execution {record.id} {record.status}{took}"
    if hits:
        text += f"; reused from cache: {', '.join(hits)}"
    from ..local.security import not_enforced

    unenforced = [s.name for s in record.steps.values() if not_enforced(s.security or {})]
    if unenforced:
        text += (f"\nKMS key, VPC and inter-container encryption settings of {', '.join(unenforced)}: recorded "
                 "in the execution record, not enforced locally (network isolation is)")
    ignored = [f"{s.name}: {', '.join(s.not_emulated)}" for s in record.steps.values() if s.not_emulated]
    if ignored:
        text += "\nnot emulated locally (the steps ran without them; SageMaker applies them): " + "; ".join(ignored)
    return text


# ------------------------------------------------------------------ executions

def show_local_executions(workspace, fmt: str = "text", pipeline: str | None = None, limit: int | None = None) -> int:
    from ..local import records

    ws = _ws(workspace)
    recs = records.list_all(ws, pipeline=pipeline, limit=limit)
    if fmt == "json":
        typer.echo(json.dumps([_brief(r) for r in recs], indent=2, sort_keys=True))
        return 0
    if not recs:
        of = f" of pipeline '{pipeline}'" if pipeline else ""
        typer.echo(f"no local executions{of} in {ws.root} (run one: mlpc run FILE --local)")
        return 0
    t = Table(title=f"local executions{f' of {pipeline}' if pipeline else ''} ({ws.root})", title_justify="left")
    for col in ("Execution", "Pipeline", "Status", "Started", "Duration", "Steps", "Branch"):
        t.add_column(col, no_wrap=col != "Branch", overflow="fold")
    for r in recs:
        b = _brief(r)
        done = sum(s.status == "Succeeded" for s in r.steps.values())
        t.add_row(r.id, r.pipeline, _status(r.status), _short_time(r.started), _secs(r.seconds),
                  f"{done}/{len(r.steps)}", ", ".join(f"{k}: {_BRANCH[v]}" for k, v in b["branches"].items()))
    _console().print(t)
    return 0


_BRANCH = {"IfSteps": "if", "ElseSteps": "else"}


def _short_time(iso: str | None) -> str:
    return (iso or "-").replace("T", " ")[5:19]


def _brief(r) -> dict:
    done = sum(s.status == "Succeeded" for s in r.steps.values())
    return {"id": r.id, "pipeline": r.pipeline, "status": r.status, "started": r.started, "ended": r.ended,
            "seconds": r.seconds, "steps": f"{done}/{len(r.steps)} succeeded",
            "cached": [s.name for s in r.steps.values() if s.cached],
            "branches": {k: v.get("taken") for k, v in r.branches.items()}, "failure": r.failure}


def show_local_execution(workspace, pipeline: str | None, execution_id: str | None, fmt: str = "text") -> int:
    """`executions describe NAME [EXEC] --local`: EXEC of pipeline NAME, else its newest execution.
    A lone argument that is an execution id (not a pipeline name) is taken as that id."""
    from ..diagnostics import did_you_mean
    from ..local import records

    ws = _ws(workspace)
    if pipeline and not execution_id:
        newest = records.list_all(ws, pipeline=pipeline, limit=1)
        if newest:
            execution_id = newest[0].id
        elif pipeline and ws.execution_dir(pipeline).is_dir():  # a lone execution id, as before
            pipeline, execution_id = None, pipeline
        else:
            names = {r.pipeline for r in records.list_all(ws)}
            return _error(f"no local execution '{pipeline}', and no pipeline of that name has run in {ws.root}",
                          did_you_mean(pipeline, names) or "run one: mlpc run FILE --local")
    if not execution_id:
        newest = records.list_all(ws, limit=1)
        if not newest:
            return _error(f"no local executions in {ws.root}", "run one: mlpc run FILE --local")
        execution_id = newest[0].id
    rec, err = records.load(ws, execution_id)
    if not err and pipeline and rec.pipeline != pipeline:
        err = f"execution {execution_id} belongs to pipeline '{rec.pipeline}', not '{pipeline}'"
    if err:
        return _error(err)
    if fmt == "json":
        typer.echo(json.dumps(rec.to_json(), indent=2, sort_keys=True))
        return 0
    lines = [f"execution  {rec.id}  ({rec.pipeline}, {rec.source or 'definition'})",
             f"status     {rec.status}" + (f" in {rec.seconds:.1f} s" if rec.seconds is not None else ""),
             f"started    {rec.started}",
             "parameters " + ", ".join(f"{k}={v}" for k, v in rec.parameters.items())]
    for cond, b in rec.branches.items():
        lines.append(f"branch     {cond}: {b['outcome']} -> {b['taken']} ({', '.join(b['steps']) or 'nothing'})")
        if b.get("compared"):
            lines.append(f"           compared: {'; '.join(b['compared'])}")
    if rec.failure:
        lines.append(f"failure    {rec.failure.get('step')}: {rec.failure.get('reason')}")
    for s in rec.steps.values():
        env = s.environment or {}
        if env:
            where = env.get("venv") or env.get("python")
            lines.append(f"env        {s.name}: {env.get('image')} container, --env {env.get('env')}, "
                         f"Python {env.get('python_version')} (container {env.get('container_python')}) at {where}")
    lines += environment_lines(rec)
    lines.append(f"logs       {ws.execution_dir(rec.id) / 'steps'}/<step>/stdout.log, stderr.log")
    typer.echo("\n".join(lines))
    _console().print(steps_table(rec, "steps", with_type=True))
    return 0


# ------------------------------------------------------------------ model registry

def show_local_models(workspace, group: str | None, fmt: str = "text") -> int:
    from ..local.registry import Registry

    ws = _ws(workspace)
    reg = Registry(ws.db_path)
    packages = reg.list(group) if ws.db_path.exists() else []
    from ..evidence import live_version

    live = {(g, live_version([{"version": p.version, "status": p.status, "created": p.created}
                               for p in packages if p.group == g])) for g in {p.group for p in packages}}
    if fmt == "json":
        typer.echo(json.dumps([{**p.to_json(), "live": (p.group, p.version) in live} for p in packages],
                              indent=2, sort_keys=True))
        return 0
    if not packages:
        groups = reg.groups() if ws.db_path.exists() else []
        what = f"model package group '{group}'" if group else "the local registry"
        return _error(f"no model versions in {what} ({ws.root})",
                      f"groups: {', '.join(groups)}" if groups else "register one: mlpc run FILE --local")
    names = {k for p in packages for k in p.metrics}
    metric_names = [m for m in ("accuracy", "auc", "f1", "rmse", "mse") if m in names][:3] or sorted(names)[:3]
    commits = any(p.customer_metadata.get("git_commit") for p in packages)
    t = Table(title=f"local model registry: {group or 'all groups'}", title_justify="left")
    for col in ([] if group else ["Group"]) + ["Version", "Status", "Live", *metric_names, "Created", "Execution"] + (
            ["Commit"] if commits else []):
        t.add_column(col, no_wrap=True)
    for p in packages:
        t.add_row(*([] if group else [p.group]), str(p.version), _status(p.status),
                  "live" if (p.group, p.version) in live else "",
                  *[f"{p.metrics[m]:.4g}" if m in p.metrics else "-" for m in metric_names],
                  _short_time(p.created), p.execution_id or "-",
                  *([p.customer_metadata.get("git_commit", "-")[:12]] if commits else []))
    _console().print(t)
    return 0


def set_local_model_status(workspace, group: str, version: int, status: str, reason: str | None = None) -> int:
    from ..local.registry import Registry

    ws = _ws(workspace)
    if not ws.db_path.exists():
        return _error(f"no local model registry in {ws.root}", "register a model first: mlpc run FILE --local")
    pkg, err = Registry(ws.db_path).set_status(group, int(version), status, reason)
    if err:
        return _error(err)
    typer.echo(f"{pkg.group} version {pkg.version}: {pkg.status}" + (f" ({reason})" if reason else ""))
    return 0
