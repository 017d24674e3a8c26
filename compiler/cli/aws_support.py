"""Helpers the AWS-facing commands share: error translation, clients, tables, waiting (wait_view)."""

from __future__ import annotations

import json
import re
import sys
from contextlib import contextmanager

from pathlib import Path

import typer

from ..errors import MlpcError
from .output import fail, print_error, print_errors  # noqa: F401 (fail re-exported for the command modules)


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


def overrides_or_exit(pairs, parameters, definition: dict | None = None) -> dict:
    from ..deploy.executions import parse_overrides

    values, errors = parse_overrides(pairs, parameters, definition)
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

