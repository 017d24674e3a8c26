"""The console script registers only the command being run; every command is in COMMAND_MODULE."""

from __future__ import annotations

import subprocess
import sys

from typer.main import get_command

import mlpc.cli as cli


def test_every_registered_command_is_mapped_to_its_module():
    group = get_command(cli.app)
    assert sorted(group.commands) == sorted(cli.COMMAND_MODULE)
    for name, module in cli.COMMAND_MODULE.items():
        callback = group.commands[name]
        owner = getattr(callback, "callback", None)
        if owner is not None:  # a plain command: defined in the module it is mapped to
            assert owner.__module__ == f"mlpc.cli.{module}", name


def test_modules_for_argv():
    assert cli._modules_for(["compile", "x.yaml"]) == ("compile_cmds",)
    assert cli._modules_for(["--version"]) == cli.MODULES
    assert cli._modules_for(["--help", "compile"]) == cli.MODULES
    assert cli._modules_for(["models", "list", "g"]) == ("registry_cmds",)
    assert cli._modules_for(["nonsense"]) == cli.MODULES


def test_console_script_lists_all_commands_in_help():
    out = subprocess.run([sys.executable, "-m", "mlpc", "--help"], capture_output=True, text=True, check=True).stdout
    for name in cli.COMMAND_MODULE:
        assert name in out
