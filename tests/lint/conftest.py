"""Fixtures for the lint tests: the CLI runner and a pipeline project on disk."""

from __future__ import annotations

import click.testing
import pytest
import typer
from lint_support import BASE

from mlpc.cli import app


class FastRunner(click.testing.CliRunner):
    _command = None

    def run(self, *args):
        if FastRunner._command is None:
            FastRunner._command = typer.main.get_command(app)
        return self.invoke(FastRunner._command, [str(a) for a in args])


@pytest.fixture(scope="session")
def cli():
    runner = FastRunner()
    return runner.run


@pytest.fixture
def project(tmp_path, monkeypatch):
    """write(yaml_text) -> the YAML path, in a folder with prep.py; cwd is that folder."""
    (tmp_path / "prep.py").write_text("print('prep')\n")
    monkeypatch.chdir(tmp_path)

    def write(text: str = BASE, name: str = "p.yaml"):
        path = tmp_path / name
        path.write_text(text)
        return path

    return write
