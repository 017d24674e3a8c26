"""The mlpc command line: typer + rich. The only package that prints or exits.

Commands live in modules by area. `mlpc.cli.app` has every command; `main()`
(the console script) imports only the module of the command being run, since
building typer's command tree for all of them costs ~50 ms on every start.
"""

from __future__ import annotations

import importlib
import sys

MODULES = ("compile_cmds", "run_cmd", "upsert_cmd", "diff_cmd", "aws_cmds", "registry_cmds", "lint_cmd", "ci_cmds")
COMMAND_MODULE = {
    "validate": "compile_cmds", "lint": "lint_cmd", "compile": "compile_cmds", "graph": "compile_cmds", "schema": "compile_cmds",
    "run": "run_cmd", "data": "run_cmd", "workspace": "run_cmd",
    "upsert": "upsert_cmd", "start": "aws_cmds", "stop": "aws_cmds", "diff": "diff_cmd", "delete": "aws_cmds",
    "init": "aws_cmds",
    "executions": "registry_cmds", "models": "registry_cmds", "ci": "ci_cmds",
}


def _register(modules) -> None:
    for mod in modules:
        importlib.import_module(f"{__name__}.{mod}")


def __getattr__(name: str):
    if name == "app":  # the full application (tests, `python -m mlpc`, help)
        from .base import app

        _register(MODULES)
        return app
    raise AttributeError(name)


def _modules_for(argv: list) -> tuple:
    first = next((a for a in argv if not a.startswith("-")), None)
    module = COMMAND_MODULE.get(first)
    if module is None or any(a in ("-h", "--help") for a in argv[: argv.index(first)]):
        return MODULES
    return (module,)


def main() -> None:
    from .base import app

    _register(_modules_for(sys.argv[1:]))
    app()
