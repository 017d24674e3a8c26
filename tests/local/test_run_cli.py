"""`mlpc run --local` and the `--local` views through typer's CliRunner, on real step scripts."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlpc.cli import app
from mlpc.local.registry import Registry
from mlpc.local.workspace import Workspace

from .conftest import FIXTURES, RAW_CSV, SCRIPTS, needs_sandbox

runner = CliRunner()
pytestmark = needs_sandbox


def make_project(root, evaluate_extra: str = ""):
    """pipeline.yaml + scripts/ + data/ in a folder of its own (scripts are edited by some tests)."""
    (root / "scripts").mkdir(parents=True)
    (root / "data").mkdir()
    shutil.copy(FIXTURES / "pipeline.yaml", root / "pipeline.yaml")
    shutil.copy(SCRIPTS / "preprocess.py", root / "scripts")
    shutil.copy(RAW_CSV, root / "data")
    text = (SCRIPTS / "evaluate.py").read_text()
    (root / "scripts" / "evaluate.py").write_text(text.replace("def main():\n", "def main():\n" + evaluate_extra, 1))
    return root / "pipeline.yaml"


def mlpc(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two identical runs in one workspace."""
    tmp = tmp_path_factory.mktemp("cli")
    yaml = make_project(tmp / "project")
    ws = tmp / "ws"
    first = mlpc("run", yaml, "--local", "--workspace", ws)
    second = mlpc("run", yaml, "--local", "--workspace", ws)
    return tmp, yaml, ws, first, second


def test_first_run_executes_everything_and_registers_the_model(runs):
    _, _, ws, first, _ = runs
    assert first.exit_code == 0, first.output
    out = first.stdout
    for step in ("DataProcessing", "ModelTraining", "ModelEvaluation", "CheckAccuracy", "RegisterModel"):
        assert f"{step}: Succeeded" in out
    assert "AccuracyTooLow: Skipped" in out
    assert "registered bc-test-models version 1 (PendingManualApproval): accuracy 0." in out
    assert "true -> RegisterModel" in out  # the summary table's branch note
    pkg = Registry(Workspace.at(ws).db_path).list("bc-test-models")[-1]
    assert pkg.version == 1 and 0.7 <= pkg.metrics["accuracy"] <= 1.0


def test_second_identical_run_reuses_the_cached_steps(runs):
    _, _, ws, _, second = runs
    assert second.exit_code == 0, second.output
    out = second.stdout
    for step in ("DataProcessing", "ModelTraining", "ModelEvaluation"):
        assert f"{step}: Succeeded (cached)" in out
    assert "reused from cache: DataProcessing, ModelTraining, ModelEvaluation" in out
    assert "registered bc-test-models version 2" in out


def test_changing_one_script_reruns_that_step_and_downstream_only(runs):
    tmp, _, ws, _, _ = runs
    yaml = make_project(tmp / "edited", evaluate_extra="    print('evaluation v2')\n")
    res = mlpc("run", yaml, "--local", "--workspace", ws)
    assert res.exit_code == 0, res.output
    assert "DataProcessing: Succeeded (cached)" in res.stdout
    assert "ModelTraining: Succeeded (cached)" in res.stdout
    assert "ModelEvaluation: Succeeded (cached)" not in res.stdout and "ModelEvaluation: Succeeded" in res.stdout
    assert "RegisterModel: Succeeded" in res.stdout


def test_unreachable_threshold_takes_the_fail_branch_with_a_local_path_as_input(runs):
    tmp, yaml, ws, _, _ = runs
    before = len(Registry(Workspace.at(ws).db_path).list("bc-test-models"))
    res = mlpc("run", yaml, "--local", "--workspace", ws, "--param", "AccuracyThreshold=0.999",
               "--param", f"InputData={RAW_CSV}")
    assert res.exit_code == 1, res.output
    assert "RegisterModel: Skipped" in res.stdout and "AccuracyTooLow: Failed" in res.stdout
    assert "DataProcessing: Succeeded (cached)" not in res.stdout  # a new input: a new cache key
    assert "error: Fail step AccuracyTooLow reached: Model accuracy is below the threshold of 0.999" in res.stderr
    assert len(Registry(Workspace.at(ws).db_path).list("bc-test-models")) == before  # nothing registered


def test_a_raising_script_shows_its_traceback_under_the_step_name(runs):
    tmp, _, ws, _, _ = runs
    yaml = make_project(tmp / "broken", evaluate_extra="    raise RuntimeError('evaluation exploded')\n")
    res = mlpc("run", yaml, "--local", "--workspace", ws)
    assert res.exit_code == 1, res.output
    err = res.stderr
    assert "error: step ModelEvaluation failed: AlgorithmError: the processing script exited with code 1" in err
    assert "--- ModelEvaluation: last lines of its log" in err
    assert 'File "/opt/ml/processing/input/code/evaluate.py"' in err
    assert err.index("Traceback") < err.index("RuntimeError: evaluation exploded")
    assert "mlpc/local" not in err  # the script's traceback, not mlpc's


def test_executions_views(runs):
    _, _, ws, first, _ = runs
    res = mlpc("executions", "list", "--local", "--workspace", ws)
    assert res.exit_code == 0, res.output
    first_id = json.loads(mlpc("executions", "list", "--local", "--workspace", ws, "--format", "json").stdout)[-1]["id"]
    assert "bc-test" in res.stdout and "Succeeded" in res.stdout and first_id in res.stdout
    res = mlpc("executions", "list", "--local", "--workspace", ws, "--format", "json")
    listed = json.loads(res.stdout)
    assert res.exit_code == 0 and len(listed) >= 2 and {"id", "status", "branches", "cached"} <= set(listed[0])
    oldest = listed[-1]["id"]
    res = mlpc("executions", "describe", oldest, "--local", "--workspace", ws)
    assert res.exit_code == 0, res.output
    assert f"execution  {oldest}" in res.stdout and "branch     CheckAccuracy: True -> IfSteps (RegisterModel)" in res.stdout
    res = mlpc("executions", "describe", oldest, "--local", "--workspace", ws, "--format", "json")
    record = json.loads(res.stdout)
    assert record["steps"]["DataProcessing"]["status"] == "Succeeded" and record["parameters"]["NumRound"] == 5
    assert (ws / "executions" / oldest / "steps" / "DataProcessing" / "stdout.log").read_text().startswith("Reading 1 file")
    res = mlpc("executions", "describe", "nosuchexec", "--local", "--workspace", ws)
    assert res.exit_code == 1 and "no local execution 'nosuchexec'" in res.stderr


def test_model_registry_views(runs):
    _, _, ws, _, _ = runs
    res = mlpc("models", "list", "bc-test-models", "--local", "--workspace", ws)
    assert res.exit_code == 0, res.output
    assert "PendingManualApproval" in res.stdout and "accuracy" in res.stdout
    res = mlpc("models", "approve", "bc-test-models", "1", "--local", "--workspace", ws, "--reason", "looks good")
    assert res.exit_code == 0 and "bc-test-models version 1: Approved (looks good)" in res.stdout
    res = mlpc("models", "reject", "bc-test-models", "2", "--local", "--workspace", ws)
    assert res.exit_code == 0 and "version 2: Rejected" in res.stdout
    listed = json.loads(mlpc("models", "list", "bc-test-models", "--local", "--workspace", ws, "--format", "json").stdout)
    assert {p["version"]: p["status"] for p in listed}[1] == "Approved"
    res = mlpc("models", "approve", "bc-test-models", "99", "--local", "--workspace", ws)
    assert res.exit_code == 1 and "has no version 99" in res.stderr
    res = mlpc("models", "list", "nope", "--local", "--workspace", ws)
    assert res.exit_code == 1 and "groups: bc-test-models" in res.stderr


# ------------------------------------------------------------------ errors before anything runs

def test_parameter_errors(tmp_path):
    yaml = make_project(tmp_path / "p")
    res = mlpc("run", yaml, "--local", "--workspace", tmp_path / "ws", "--param", "Nope=1",
               "--param", "AccuracyThreshold=high", "--param", "InputData=/no/such/file.csv")
    assert res.exit_code == 1
    assert "error: --param Nope: the pipeline has no parameter 'Nope'" in res.stderr
    assert "error: --param AccuracyThreshold: 'high' is not a Float" in res.stderr
    assert "error: --param InputData: '/no/such/file.csv' is neither an s3:// URI nor a local file or folder" in res.stderr
    assert not (tmp_path / "ws" / "executions").exists() or not any((tmp_path / "ws" / "executions").iterdir())


def test_compile_errors_are_printed_as_diagnostics(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((FIXTURES / "pipeline.yaml").read_text().replace("${steps.DataProcessing.outputs.test}",
                                                                    "${steps.DataProcesing.outputs.test}"))
    res = mlpc("run", bad, "--local", "--workspace", tmp_path / "ws")
    assert res.exit_code == 1
    assert f"{bad}:" in res.stderr and "DataProcesing" in res.stderr


def test_run_requires_local(tmp_path):
    res = mlpc("run", FIXTURES / "pipeline.yaml")
    assert res.exit_code == 1 and "pass --local" in res.stderr


def test_data_put_and_ls(tmp_path):
    ws = tmp_path / "ws"
    res = mlpc("data", "put", RAW_CSV, "s3://my-bucket/raw/bc.csv", "--local", "--workspace", ws)
    assert res.exit_code == 0 and "put 1 object at s3://my-bucket/raw/bc.csv" in res.stdout
    assert (ws / "s3" / "my-bucket" / "raw" / "bc.csv").read_bytes() == RAW_CSV.read_bytes()
    res = mlpc("data", "put", SCRIPTS, "s3://my-bucket/code", "--local", "--workspace", ws)
    assert res.exit_code == 0 and "objects at s3://my-bucket/code" in res.stdout
    res = mlpc("data", "ls", "s3://my-bucket/code/", "--local", "--workspace", ws)
    assert res.exit_code == 0 and "s3://my-bucket/code/preprocess.py" in res.stdout
    res = mlpc("data", "ls", "s3://my-bucket/none", "--local", "--workspace", ws)
    assert res.exit_code == 1 and "nothing at s3://my-bucket/none" in res.stderr
    res = mlpc("data", "put", RAW_CSV, "not-a-uri", "--local", "--workspace", ws)
    assert res.exit_code == 1 and "is not an s3:// URI" in res.stderr


# ------------------------------------------------------------------ the README's main job

def test_example_pipeline_end_to_end(tmp_path, monkeypatch):
    """`mlpc run pipelines/breast-cancer.yaml --local` in a copy of the repo: both branches, the default
    workspace .mlpc/ at the project's top."""
    monkeypatch.delenv("MLPC_WORKSPACE", raising=False)
    for folder in ("pipelines", "step_scripts"):
        shutil.copytree(SCRIPTS.parent / folder, tmp_path / folder)
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    example = Path("pipelines") / "breast-cancer.yaml"
    res = mlpc("run", example, "--local")
    assert res.exit_code == 0, res.output
    assert "registered breast-cancer-models version 1 (PendingManualApproval): accuracy 0." in res.stdout
    pkg = Registry(Workspace.at(tmp_path / ".mlpc").db_path).list("breast-cancer-models")[0]
    assert pkg.metrics["accuracy"] >= 0.8 and pkg.execution_id
    res = mlpc("run", example, "--local", "--param", "AccuracyThreshold=0.999")
    assert res.exit_code == 1
    assert "error: Fail step AccuracyTooLow reached: Model accuracy is below the threshold of 0.999" in res.stderr
    assert len(Registry(Workspace.at(tmp_path / ".mlpc").db_path).list("breast-cancer-models")) == 1


def test_data_ls_lists_buckets_and_needs_no_local_flag(tmp_path):
    ws = tmp_path / "ws"
    empty = mlpc("data", "ls", "--workspace", ws)
    assert empty.exit_code == 1 and "the local store has no buckets yet" in empty.stderr
    assert mlpc("data", "put", RAW_CSV, "s3://b-one/raw/bc.csv", "--workspace", ws).exit_code == 0
    assert mlpc("data", "put", RAW_CSV, "s3://a-two/x.csv", "--workspace", ws).exit_code == 0
    res = mlpc("data", "ls", "--workspace", ws)
    assert res.exit_code == 0 and res.stdout.splitlines() == ["s3://a-two/", "s3://b-one/"]
    assert mlpc("data", "ls", "s3://", "--workspace", ws).stdout == res.stdout
    res = mlpc("data", "ls", "s3://b-one/raw/", "--workspace", ws)
    assert res.exit_code == 0 and "s3://b-one/raw/bc.csv" in res.stdout
