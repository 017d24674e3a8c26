"""`--wait`: follow executions until they end.

On a terminal, a live table of step statuses. Otherwise (a CI log) one line per
state change, each with a UTC timestamp, so the log shows progress as it happens.
Exit codes: 0 all succeeded, 1 one failed or was stopped, WAIT_TIMEOUT_EXIT when
--timeout ran out (the execution keeps running), 130 on Ctrl-C (it keeps running too).
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timezone

import typer

from ..errors import MlpcError
from .output import print_error

WAIT_TIMEOUT_EXIT = 124  # as timeout(1); docs/deploy.md documents it
INTERRUPTED_EXIT = 130  # 128 + SIGINT


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _follow_lines(aws, arn: str, poll: float, timeout: float | None):
    from ..deploy.executions import pipeline_and_id, status_changes, watch

    exec_id = pipeline_and_id(arn)[1]
    state, snap = {}, None
    for snap in watch(aws.sagemaker, arn, poll, timeout):
        state, changes = status_changes(state, snap)
        for what, status, note in changes:
            label = f"execution {exec_id}" if what == "" else f"step {what}"
            typer.echo(f"{_now()} {label}: {status}" + (f" ({note})" if note else ""))
    return snap


def _follow_live(aws, arn: str, poll: float, timeout: float | None):
    from rich.console import Console
    from rich.live import Live

    from ..deploy.executions import watch
    from ..deploy.views import steps_table
    from .aws_support import rich_table

    snap = None
    with Live(console=Console(), auto_refresh=False) as live:
        for snap in watch(aws.sagemaker, arn, poll, timeout):
            title = f"execution {arn.rsplit('/', 1)[-1]}: {snap.status}"
            live.update(rich_table(steps_table(title, list(snap.steps))), refresh=True)
    return snap


def wait_for(aws, arn: str, poll: float, timeout: float | None = None, live: bool | None = None) -> int:
    """Follow one execution; print its outcome; return the exit code it deserves."""
    from ..deploy.executions import WaitTimeout, pipeline_and_id
    from ..deploy.views import failed_step_lines
    from .aws_support import cli_errors

    name, exec_id = pipeline_and_id(arn)
    follow = _follow_live if (sys.stdout.isatty() if live is None else live) else _follow_lines
    try:
        with cli_errors():
            try:
                snap = follow(aws, arn, poll, timeout)
            except WaitTimeout as err:
                print_error(err)
                return WAIT_TIMEOUT_EXIT
    except KeyboardInterrupt:
        typer.echo(f"\ninterrupted: execution {exec_id} keeps running on SageMaker; mlpc only stopped watching",
                   err=True)
        typer.echo(f"    hint: stop it with `mlpc stop {name} {exec_id}`, "
                   f"or follow it with `mlpc executions describe {name} {exec_id}`", err=True)
        return INTERRUPTED_EXIT
    if snap.status == "Succeeded":
        typer.echo(f"execution {exec_id} succeeded")
        return 0
    print_error(MlpcError(f"execution {exec_id} {snap.status.lower()}"
                          + (f": {snap.failure_reason}" if snap.failure_reason else "")))
    for line in failed_step_lines(snap):
        typer.echo(line, err=True)
    return 1


def wait_and_exit(aws, arns, poll: float, timeout: float | None = None) -> None:
    """Follow each execution in turn (one --timeout budget for all) and exit with the worst outcome."""
    arns = [arns] if isinstance(arns, str) else list(arns)
    began, worst = time.monotonic(), 0
    for arn in arns:
        left = None if timeout is None else max(0.0, timeout - (time.monotonic() - began))
        code = wait_for(aws, arn, poll, left)
        if code == INTERRUPTED_EXIT:
            raise typer.Exit(code)
        worst = max(worst, code)
    raise typer.Exit(worst)
