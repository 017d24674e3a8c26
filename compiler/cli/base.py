"""The typer application object; command modules register on it."""

from __future__ import annotations

import typer

from .. import __version__

app = typer.Typer(
    name="mlpc",
    help="Compile declarative YAML into SageMaker Pipelines: validate, compile, graph, diff, deploy, and run locally.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool):
    if value:
        typer.echo(f"mlpc {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the mlpc version and exit.")):
    """mlpc: YAML in, a SageMaker pipeline definition out."""
