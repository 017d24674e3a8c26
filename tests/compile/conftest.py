"""Shared CLI runner for tests/compile."""

from __future__ import annotations

import click.testing
import pytest
import typer
from typer.testing import CliRunner

from mlpc.cli import app


class FastRunner(CliRunner):
    """typer's CliRunner, but the click command is built once: typer rebuilds it on every
    invoke (~80 ms for all of mlpc's commands), which would dominate this suite."""

    _command = None

    def invoke(self, app_, args=None, **kwargs):
        if FastRunner._command is None:
            FastRunner._command = typer.main.get_command(app_)
        return click.testing.CliRunner.invoke(self, FastRunner._command, args, **kwargs)


runner = FastRunner()


@pytest.fixture(scope="session")
def cli():
    """cli(args...) -> click Result of `mlpc args...`."""
    return lambda *args: runner.invoke(app, [str(a) for a in args])
