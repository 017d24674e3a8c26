"""Every command's --help shows help for each positional argument and option, and an example."""

from __future__ import annotations

import click
import pytest
import typer
from typer.testing import CliRunner

from mlpc.cli import app

runner = CliRunner()


def _commands():
    root = typer.main.get_command(app)

    def walk(cmd, path):
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                yield from walk(sub, path + (name,))
        else:
            yield path, cmd

    return list(walk(root, ()))


COMMANDS = _commands()


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_argument_has_help_and_it_is_shown(path, cmd):
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"}, terminal_width=200)
    assert result.exit_code == 0, result.output
    for param in cmd.params:
        if param.hidden or param.name == "help":
            continue
        assert param.help, f"mlpc {' '.join(path)}: {param.name} has no help text"
        first_words = " ".join(param.help.split()[:3])
        assert first_words in " ".join(result.output.replace("│", " ").split()), (
            f"mlpc {' '.join(path)} --help does not show the help of {param.name}")


def test_start_says_file_or_name():
    result = runner.invoke(app, ["start", "--help"], env={"COLUMNS": "200"}, terminal_width=200)
    assert result.exit_code == 0
    assert "Pipeline YAML file or deployed pipeline name" in result.output


def test_compile_says_what_upsert_will_upload_not_that_it_uploaded(tmp_path):
    result = runner.invoke(app, ["compile", "pipelines/breast-cancer.yaml", "-o", str(tmp_path / "d.json")])
    assert result.exit_code == 0, result.output
    assert "upload:" not in result.stderr
    assert "for `mlpc upsert` to upload (nothing is uploaded by compile" in result.stderr
    assert "step_scripts/preprocess.py -> s3://" in result.stderr


def test_graph_svg_needs_no_graphviz(tmp_path, monkeypatch):
    import xml.dom.minidom

    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere
    out = tmp_path / "dag.svg"
    result = runner.invoke(app, ["graph", "pipelines/breast-cancer.yaml", "--format", "svg", "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = xml.dom.minidom.parse(str(out))
    texts = [t.firstChild.data for t in doc.getElementsByTagName("text") if t.firstChild]
    for step in ("DataProcessing", "ModelTraining", "ModelEvaluation", "CheckAccuracy", "RegisterModel", "AccuracyTooLow"):
        assert step in texts
    assert "true" in texts and "false" in texts  # the condition's branches are labelled
    assert len(doc.getElementsByTagName("path")) == 9  # one per DAG edge (+ the arrow head's path)
    again = runner.invoke(app, ["graph", "pipelines/breast-cancer.yaml", "--format", "svg"])
    assert again.stdout == out.read_text()  # deterministic, same on stdout


def test_graph_png_without_graphviz_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    out = tmp_path / "dag.png"
    result = runner.invoke(app, ["graph", "pipelines/breast-cancer.yaml", "--format", "png", "-o", str(out)])
    assert result.exit_code == 1
    assert "Graphviz's `dot` command is not installed (package: graphviz)" in result.stderr
    assert "apt-get install graphviz" in result.stderr and "--format svg" in result.stderr
    assert not out.exists()
    no_file = runner.invoke(app, ["graph", "pipelines/breast-cancer.yaml", "--format", "png"])
    assert no_file.exit_code == 1 and "give -o FILE.png" in no_file.stderr
