"""The one error family: MlpcError(message, hint, code).

Everything that goes wrong outside a compile (AWS calls, git, `mlpc init`, `--param`/`--stub`
arguments, the local workspace) reaches the CLI as an MlpcError (raised, or returned in a list);
problems inside the user's YAML are diagnostics.Diagnostic values with FILE:LINE:COL instead.
Only compiler/cli prints either, through cli/output.py (print_error / print_diagnostics).

Subclasses name where it went wrong: deploy.session.AwsError (code: the AWS error code, or
"aws"), deploy.git.GitError ("git"), deploy.init.InitError ("init"), ecr.EcrError ("ecr"),
ArgumentError below ("usage", for command-line arguments the CLI cannot take).
"""

from __future__ import annotations


class MlpcError(Exception):
    """A failure ready for the CLI: one line, a hint, and a code (or None: no code is shown)."""

    def __init__(self, message: str, hint: str | None = None, code: str | None = None):
        self.message, self.hint, self.code = message, hint, code
        super().__init__(message)

    def render(self) -> str:
        text = f"error: {self.message}" + (f" [{self.code}]" if self.code else "")
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_json(self) -> dict:
        return {"code": self.code, "message": self.message, "hint": self.hint}


class ArgumentError(MlpcError):
    """A command-line argument the command cannot take (--param, --stub, a missing flag)."""
