"""Helpers the AWS-facing commands share: error translation, clients, tables, waiting (wait_view)."""

from __future__ import annotations

import json
import re
import sys
from contextlib import contextmanager

import typer

from pathlib import Path


def fail(message: str, hint: str | None = None) -> None:
    typer.echo(f"error: {message}", err=True)
    if hint:
        typer.echo(f"    hint: {hint}", err=True)
    raise typer.Exit(1)


@contextmanager
def cli_errors():
    from ..deploy.session import AwsError, translate

    try:
        yield
    except AwsError as err:
        typer.echo(err.render(), err=True)
        raise typer.Exit(1) from None
    except Exception as exc:
        # botocore's exceptions, without importing botocore for the commands that never load it
        # (git diffs, init): if it is not loaded, none of its exceptions can have been raised.
        errors = sys.modules.get("botocore.exceptions")
        if errors is None or not isinstance(exc, (errors.ClientError, errors.BotoCoreError)):
            raise
        typer.echo(translate(exc).render(), err=True)
        raise typer.Exit(1) from None


def connect(profile: str | None, region: str | None):
    from ..deploy.session import connect as make

    return make(profile, region)


ROLE_ARN = re.compile(r"arn:aws[a-z\-]*:iam::\d{12}:role/.+")  # as the schema's pipeline.role / schedules.*.role


def role_or_exit(value: str | None, option: str) -> str | None:
    """--role / --schedule-role must be IAM role ARNs, checked before any AWS call."""
    if value is not None and not ROLE_ARN.fullmatch(value):
        fail(f"{option} '{value}' is not an IAM role ARN", "arn:aws:iam::ACCOUNT:role/NAME")
    return value


def region_or_exit(region: str | None, res) -> str:
    """The region to deploy to. A --region other than the one FILE was compiled for is refused:
    its image URIs (and ECR accounts) are that region's."""
    compiled = res.pipeline.region
    if region and region != compiled:
        fail(f"--region {region} differs from the region {res.file} is compiled for ({compiled}); "
             "its image URIs would be the wrong region's",
             f"compile it for {region} (e.g. --var region={region} when pipeline.region is templated, or set "
             f"pipeline.region), or drop --region")
    return compiled


def is_file(target: str) -> bool:
    return target.endswith((".yaml", ".yml")) or Path(target).is_file()


def overrides_or_exit(pairs, parameters) -> dict:
    from ..deploy.executions import parse_overrides

    values, errors = parse_overrides(pairs, parameters)
    for message, hint in errors:
        typer.echo(f"error: {message}" + (f"\n    hint: {hint}" if hint else ""), err=True)
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


def wait_and_exit(aws, arns, poll: float, timeout: float | None = None) -> None:
    from .wait_view import wait_and_exit as follow

    follow(aws, arns, poll, timeout)


def run_local_view(fn_name: str, *args) -> None:
    try:
        from . import local_views
    except ImportError:
        fail("the local runner is not available in this build", "install mlpc with its local extras, or drop --local")
    code = getattr(local_views, fn_name)(*args)
    raise typer.Exit(code if isinstance(code, int) else 0)


# ------------------------------------------------------------------ upsert

