"""One error family (MlpcError: message, hint, code) and one way the CLI prints it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mlpc.errors import ArgumentError, MlpcError

ROOT = Path(__file__).resolve().parents[1]


def _subclasses():
    from mlpc.deploy.git import GitError
    from mlpc.deploy.init import InitError
    from mlpc.deploy.session import AwsError
    from mlpc.ecr import EcrError

    return {AwsError: "aws", GitError: "git", InitError: "init", EcrError: "ecr", ArgumentError: None}


def test_every_error_the_cli_shows_is_an_mlpc_error():
    for cls, code in _subclasses().items():
        assert issubclass(cls, MlpcError), cls
        err = cls("went wrong", "do this")
        assert (err.message, err.hint, err.code) == ("went wrong", "do this", code)


@pytest.mark.parametrize("err, text", [
    (MlpcError("no such thing", "make one", "NotFound"), "error: no such thing [NotFound]\n    hint: make one"),
    (MlpcError("plain"), "error: plain"),
])
def test_render(err, text):
    assert err.render() == text
    assert err.to_json() == {"code": err.code, "message": err.message, "hint": err.hint}


def test_only_errors_py_spells_the_error_prefix():
    """The CLI prints errors one way (cli/output.print_error -> MlpcError.render), not by hand."""
    hits = []
    for path in sorted((ROOT / "compiler").rglob("*.py")):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("error: "):
                hits.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant) \
                    and str(node.values[0].value).startswith("error: "):
                hits.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not hits, hits


def test_init_errors_do_not_import_boto3():
    import subprocess
    import sys

    code = ("import sys; from mlpc.deploy.init import InitError, plan_init; "
            "print('boto3' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
