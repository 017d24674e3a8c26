"""Commands that never talk to AWS import neither boto3 nor botocore (~0.14 s, 2x a compile).

Each command runs in a fresh interpreter, as the console script would run it, and reports the
modules it loaded. AWS commands import boto3 lazily, where they connect."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "pipelines" / "breast-cancer.yaml"
TINY = textwrap.dedent("""
    pipeline:
      name: offline-check
      role: arn:aws:iam::123456789012:role/R
      bucket: offline-check-bucket
    parameters:
      X: {type: Float, default: 1.0}
    steps:
      Check:
        type: condition
        if: params.X >= 0.5
        then: [Done]
        else: [Stop]
      Done:
        type: fail
        message: reached the true branch
      Stop:
        type: fail
        message: reached the false branch
""")

PROBE = textwrap.dedent("""
    import json, sys
    sys.argv = ["mlpc", *json.loads(sys.argv[1])]
    from mlpc.cli import main
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    loaded = sorted({m.split(".")[0] for m in sys.modules} & {"boto3", "botocore"})
    sys.stderr.write("\\nPROBE " + json.dumps({"code": code, "loaded": loaded}) + "\\n")
""")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("offline")
    (root / "tiny.yaml").write_text(TINY)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "add", "."], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "x"],
                   cwd=root, check=True)
    return root


def probe(args: list, cwd: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps([str(a) for a in args])], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    line = [x for x in proc.stderr.splitlines() if x.startswith("PROBE ")]
    assert line, proc.stderr
    return json.loads(line[-1][len("PROBE "):])


OFFLINE = {
    "validate": (["validate", EXAMPLE], 0),
    "compile": (["compile", EXAMPLE, "-o", "{tmp}/def.json"], 0),
    "graph": (["graph", EXAMPLE], 0),
    "schema": (["schema"], 0),
    "diff git": (["diff", "tiny.yaml", "--against", "git:HEAD"], 0),
    "diff json": (["diff", "tiny.yaml", "--against", "{tmp}/def.json"], 2),
    "run local": (["run", "tiny.yaml", "--local", "--workspace", "{tmp}/ws"], 1),
    "executions list local": (["executions", "list", "offline-check", "--local", "--workspace", "{tmp}/ws",
                               "--limit", "1"], 0),
    "executions describe local": (["executions", "describe", "--local", "--workspace", "{tmp}/ws"], 0),
    "models list local": (["models", "list", "--local", "--workspace", "{tmp}/ws"], 1),
    "models approve local": (["models", "approve", "g", "1", "--local", "--workspace", "{tmp}/ws"], 1),
    "data ls local": (["data", "ls", "s3://offline-check-bucket/", "--local", "--workspace", "{tmp}/ws"], 1),
    "init": (["init", "{tmp}/scaffold"], 0),
}


@pytest.mark.parametrize("name", list(OFFLINE))
def test_offline_command_imports_no_boto(name, project):
    args, code = OFFLINE[name]
    args = [str(a).replace("{tmp}", str(project)) for a in args]
    if name == "diff json":
        probe(OFFLINE["compile"][0][:2] + ["-o", f"{project}/def.json"], project)
    if name.startswith(("executions", "models")):
        probe([a.replace("{tmp}", str(project)) for a in OFFLINE["run local"][0]], project)
    result = probe(args, project)
    assert result["code"] == code, result
    assert result["loaded"] == [], f"mlpc {' '.join(args)} imported {result['loaded']}"


def test_an_aws_command_does_import_boto(project, monkeypatch):
    """The probe can fail: a command that connects does load boto3."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # a closed port: fails fast
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    result = probe(["executions", "list", "some-pipeline", "--region", "us-east-1"], project)
    assert "boto3" in result["loaded"]
