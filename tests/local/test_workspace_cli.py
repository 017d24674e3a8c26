"""The local workspace is found the same way from every folder of a project; `mlpc workspace
prune` frees old executions but never what a model version, a kept cached run or a running
execution still needs."""

from __future__ import annotations

from typer.testing import CliRunner

from mlpc.cli import app

from .conftest import needs_sandbox
from .test_run_cli import make_project

runner = CliRunner()
pytestmark = needs_sandbox


def mlpc(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_workspace_found_from_any_folder_and_pruned(tmp_path, monkeypatch):
    monkeypatch.delenv("MLPC_WORKSPACE", raising=False)
    project = tmp_path / "project"
    yaml = make_project(project)
    (project / ".git").mkdir()  # the project root: the top of a git work tree
    monkeypatch.chdir(project / "scripts")
    first = mlpc("run", yaml, "--local")  # registers version 1
    assert first.exit_code == 0, first.output
    assert (project / ".mlpc" / "executions").is_dir() and not (project / "scripts" / ".mlpc").exists()
    for _ in range(2):
        res = mlpc("run", yaml, "--local", "--no-cache", "--param", "AccuracyThreshold=0.999")
        assert res.exit_code == 1, res.output  # the fail branch
    monkeypatch.chdir(project / "data")  # another folder of the project sees the same executions
    listed = mlpc("executions", "list", "--local", "--format", "json")
    assert listed.exit_code == 0, listed.output
    import json

    ids = [e["id"] for e in json.loads(listed.stdout)]
    assert len(ids) == 3
    newest, middle, oldest = ids
    store = project / ".mlpc" / "s3"
    assert list(store.glob(f"*/*/{middle}"))  # its processing outputs are in the local store

    dry = mlpc("workspace", "prune", "--keep", "1", "--dry-run", "--local")
    assert dry.exit_code == 0, dry.output
    assert f"would prune bc-test {middle}" in dry.stdout
    assert f"kept {oldest}: model version bc-test-models/1 uses its outputs" in dry.stdout
    assert (project / ".mlpc" / "executions" / middle).is_dir()  # nothing deleted

    res = mlpc("workspace", "prune", "--keep", "1", "--local")
    assert res.exit_code == 0, res.output
    assert "pruned 1 execution, freed" in res.stdout
    assert not (project / ".mlpc" / "executions" / middle).exists()
    assert not list(store.glob(f"*/*/{middle}"))
    remaining = [e["id"] for e in json.loads(mlpc("executions", "list", "--local", "--format", "json").stdout)]
    assert remaining == [newest, oldest]

    assert "pruned 0 executions" in mlpc("workspace", "prune", "--older-than", "1d", "--local").stdout
    bad = mlpc("workspace", "prune", "--older-than", "yesterday", "--local")
    assert bad.exit_code == 1 and "is not a duration" in bad.stderr
    nothing = mlpc("workspace", "prune", "--local")
    assert nothing.exit_code == 1 and "--keep N, --older-than DURATION" in nothing.stderr


def test_prune_keeps_an_execution_whose_outputs_a_kept_run_reuses_from_the_cache(tmp_path, monkeypatch):
    import json

    monkeypatch.delenv("MLPC_WORKSPACE", raising=False)
    project = tmp_path / "project"
    yaml = make_project(project)
    (project / ".git").mkdir()
    monkeypatch.chdir(project)
    fail = ("--param", "AccuracyThreshold=0.999")  # the fail branch: no model version protects anything
    assert mlpc("run", yaml, "--local", *fail).exit_code == 1
    assert mlpc("run", yaml, "--local", *fail).exit_code == 1  # its processing/training steps come from the cache
    first, second = reversed([e["id"] for e in json.loads(mlpc("executions", "list", "--local",
                                                                "--format", "json").stdout)])
    cached = json.loads(mlpc("executions", "describe", second, "--local", "--format", "json").stdout)
    assert any(s.get("cached") for s in cached["steps"].values()), cached["steps"]

    dry = mlpc("workspace", "prune", "--keep", "1", "--dry-run", "--local")
    assert dry.exit_code == 0, dry.output
    assert f"kept {first}: execution {second} reuses its outputs (step cache)" in dry.stdout
    assert "would prune 0 executions" in dry.stdout

    # once the reusing run is itself pruned, nothing protects the source any more
    assert mlpc("run", yaml, "--local", "--no-cache", *fail).exit_code == 1
    res = mlpc("workspace", "prune", "--keep", "1", "--local")
    assert res.exit_code == 0, res.output
    assert "pruned 2 executions" in res.stdout
    left = [e["id"] for e in json.loads(mlpc("executions", "list", "--local", "--format", "json").stdout)]
    assert len(left) == 1 and first not in left and second not in left
