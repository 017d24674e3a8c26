"""Helpers the AWS-facing commands share: error translation, clients, tables, waiting."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager

from pathlib import Path

import typer

from ..errors import MlpcError
from .output import fail, print_error, print_errors

__all__ = ["fail", "cli_errors", "connect", "is_file", "overrides_or_exit", "rich_table", "print_table", "print_json"]


@contextmanager
def cli_errors():
    """Print an MlpcError (or a botocore error, translated into an AwsError) and exit 1."""
    try:
        yield
    except MlpcError as err:
        print_error(err)
        raise typer.Exit(1) from None
    except Exception as exc:
        # botocore's exceptions, without importing botocore for the commands that never load it
        # (git diffs, init): if it is not loaded, none of its exceptions can have been raised.
        errors = sys.modules.get("botocore.exceptions")
        if errors is None or not isinstance(exc, (errors.ClientError, errors.BotoCoreError)):
            raise
        from ..deploy.session import translate

        print_error(translate(exc))
        raise typer.Exit(1) from None


def connect(profile: str | None, region: str | None):
    from ..deploy.session import connect as make

    return make(profile, region)


def is_file(target: str) -> bool:
    return target.endswith((".yaml", ".yml")) or Path(target).is_file()


def overrides_or_exit(pairs, parameters) -> dict:
    from ..deploy.executions import parse_overrides

    values, errors = parse_overrides(pairs, parameters)
    print_errors(errors)
    if errors:
        raise typer.Exit(1)
    return values


def rich_table(table: tuple):
    """(title, columns, rows) from mlpc.deploy.views -> a rich Table, statuses coloured."""
    from rich.table import Table

    from ..deploy.views import STATUS_STYLE

    title, columns, rows = table
    t = Table(title=title, title_justify="left")
    for c in columns:
        t.add_column(c)
    for row in rows:
        t.add_row(*[f"[{STATUS_STYLE[c]}]{c}[/]" if c in STATUS_STYLE else c for c in row])
    return t


def print_table(table: tuple) -> None:
    from rich.console import Console

    Console().print(rich_table(table))


def print_json(data) -> None:
    typer.echo(json.dumps(data, indent=2, sort_keys=True, default=str))


def wait_and_exit(aws, arn: str, poll: float) -> None:
    """Live step view until the execution ends; exit 0 on Succeeded, else 1 with each failed step's reason."""
    from rich.console import Console
    from rich.live import Live

    from ..deploy.executions import watch
    from ..deploy.views import failed_step_lines, steps_table

    snap = None
    with cli_errors(), Live(console=Console(), auto_refresh=False) as live:
        for snap in watch(aws.sagemaker, arn, poll):
            title = f"execution {arn.rsplit('/', 1)[-1]}: {snap.status}"
            live.update(rich_table(steps_table(title, list(snap.steps))), refresh=True)
    if snap.status == "Succeeded":
        typer.echo(f"execution {arn.rsplit('/', 1)[-1]} succeeded")
        raise typer.Exit(0)
    print_error(MlpcError(f"execution {arn.rsplit('/', 1)[-1]} {snap.status.lower()}"
                          + (f": {snap.failure_reason}" if snap.failure_reason else "")))
    for line in failed_step_lines(snap):
        typer.echo(line, err=True)
    raise typer.Exit(1)


def run_local_view(fn_name: str, *args) -> None:
    try:
        from . import local_views
    except ImportError:
        fail("the local runner is not available in this build", "install mlpc with its local extras, or drop --local")
    code = getattr(local_views, fn_name)(*args)
    raise typer.Exit(code if isinstance(code, int) else 0)


# ------------------------------------------------------------------ upsert

