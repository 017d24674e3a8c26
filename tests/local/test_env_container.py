"""`mlpc run --local --env container` for real: uv installs the sklearn 1.2-1 container's pins
from PyPI wheels (once for the module: the later tests reuse the cached environment)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlpc.cli import app
from mlpc.local import records
from mlpc.local.workspace import Workspace

from .conftest import needs_sandbox

runner = CliRunner()
pytestmark = needs_sandbox

PIPELINE = """\
pipeline:
  name: env-test
  role: "arn:aws:iam::111122223333:role/R"
  bucket: mlpc-test-bucket
steps:
  Check:
    type: processing
    framework: sklearn
    framework_version: "1.2-1"
    instance_type: ml.m5.large
    code: scripts/check.py
"""

CHECK = """\
import sys
import sklearn
print("scikit-learn", sklearn.__version__, "at", sys.executable)
assert sklearn.__version__.startswith("1.2"), sklearn.__version__
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("envproject")
    (root / "scripts").mkdir()
    (root / "pipeline.yaml").write_text(PIPELINE)
    (root / "scripts" / "check.py").write_text(CHECK)
    return root


def host_sklearn() -> str:
    from importlib import metadata

    return metadata.version("scikit-learn")


def mlpc(project, *args):
    env = {"MLPC_ENV_CACHE": str(project / "env-cache")}
    return runner.invoke(app, [str(a) for a in args], env=env)


def _last(project):
    ws = Workspace.at(project / "ws")
    rec = records.list_all(ws, limit=1)[0]
    return rec, rec.steps["Check"].environment


@pytest.fixture(scope="module")
def first_run(project):
    res = mlpc(project, "run", project / "pipeline.yaml", "--local", "--env", "container",
               "--workspace", project / "ws")
    return res, *_last(project)


def test_the_script_sees_scikit_learn_1_2_under_env_container(first_run):
    res, rec, note = first_run
    if note["env"] == "container":
        assert res.exit_code == 0, res.output
        assert rec.status == "Succeeded"
        assert note["built"] is True
        versions = json.loads((Path(note["venv"]) / "mlpc-env.json").read_text())["versions"]
        assert versions["scikit-learn"] == "1.2.1" and versions["numpy"] == "1.24.1"
        assert note["python"].startswith(note["venv"]) and note["python"] != sys.executable
    else:  # no scikit-learn 1.2.1 wheel for this Python: the fallback must say so, and the host's sklearn ran
        assert "no sklearn 1.2-1 environment: no wheels for Python" in res.output, res.output
        assert "scikit-learn==1.2.1" in res.output
        assert res.exit_code == (0 if host_sklearn().startswith("1.2") else 1)


def test_a_second_run_reuses_the_cached_environment(project, first_run):
    _, _, note = first_run
    res = mlpc(project, "run", project / "pipeline.yaml", "--local", "--env", "container",
               "--workspace", project / "ws")
    _, again = _last(project)
    assert again["env"] == note["env"]
    if note["env"] == "container":
        assert res.exit_code == 0, res.output
        assert again["built"] is False and again["venv"] == note["venv"]
        assert len([p for p in (project / "env-cache").iterdir() if p.is_dir()]) == 1


def test_the_host_run_fails_the_same_script_and_warns_with_both_versions(project):
    sklearn_version = host_sklearn()
    res = mlpc(project, "run", project / "pipeline.yaml", "--local", "--workspace", project / "ws")
    assert res.exit_code == (0 if sklearn_version.startswith("1.2") else 1), res.output
    out = " ".join(res.output.split())  # rich wraps long lines
    assert "warning: Check (sklearn 1.2-1, --env host)" in out
    if sklearn_version != "1.2.1":
        assert f"scikit-learn {sklearn_version} (container 1.2.1)" in out
    shown = mlpc(project, "executions", "describe", "--local", "--workspace", project / "ws")
    assert shown.exit_code == 0, shown.output
    assert "env        Check: sklearn 1.2-1 container, --env host" in shown.output
    assert "warning: Check (sklearn 1.2-1, --env host)" in shown.output


def test_an_unknown_env_is_refused(project):
    res = mlpc(project, "run", project / "pipeline.yaml", "--local", "--env", "docker", "--workspace", project / "ws")
    assert res.exit_code == 1
    assert "--env 'docker' is not one of: host, container" in res.output


def test_prune_envs_deletes_the_cached_environments(tmp_path):
    cache = tmp_path / "cache"
    (cache / "sklearn-1.2-1-cp311-abc" / "bin").mkdir(parents=True)
    (cache / "sklearn-1.2-1-cp311-abc" / "mlpc-env.json").write_text("{}")
    (cache / "sklearn-1.2-1-cp311-abc.lock").write_text("")
    env = {"MLPC_ENV_CACHE": str(cache)}
    dry = runner.invoke(app, ["workspace", "prune", "--envs", "--dry-run", "--workspace", str(tmp_path / "ws")], env=env)
    assert dry.exit_code == 0, dry.output
    assert "would delete 1 container environment" in dry.output and (cache / "sklearn-1.2-1-cp311-abc").is_dir()
    res = runner.invoke(app, ["workspace", "prune", "--envs", "--workspace", str(tmp_path / "ws")], env=env)
    assert res.exit_code == 0, res.output
    assert "deleted 1 container environment" in res.output
    assert list(cache.iterdir()) == []
    nothing = runner.invoke(app, ["workspace", "prune", "--workspace", str(tmp_path / "ws")], env=env)
    assert nothing.exit_code == 1 and "--envs" in nothing.output
