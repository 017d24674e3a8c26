"""Models defined once, end to end: `model: CreateModel` on a transform and a register step.

The fixture (fixtures/models_once.yaml) defines its model once; `mlpc run --local` creates it, runs
the batch transform with it and registers its container; `mlpc graph` and `mlpc diff` show the
dependencies the definition has. The same pipeline with the model's fields written out in each step
compiles to the same definition.
"""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from mlpc.api import compile_file
from mlpc.cli import app
from mlpc.local.registry import Registry
from mlpc.local.store import LocalStore, parse_s3_uri
from mlpc.local.workspace import Workspace

from .conftest import FIXTURES, RAW_CSV, SCRIPTS, needs_sandbox

runner = CliRunner()
XGBOOST = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
SHORT = {  # `model: CreateModel` -> the same thing written out, per step
    "    model: CreateModel\n    instance_type: ml.m5.large\n    input:":
        '    model_name: "${steps.CreateModel.ModelName}"\n    instance_type: ml.m5.large\n    input:',
    "    model: CreateModel\n    model_package_group:":
        '    algorithm: xgboost\n    algorithm_version: "1.7-1"\n'
        '    model_data: "${steps.ModelTraining.model_data}"\n'
        '    environment: {SAGEMAKER_MODEL_SERVER_WORKERS: "1"}\n    model_package_group:',
}


def make_project(root, text: str | None = None):
    (root / "scripts").mkdir(parents=True)
    (root / "data").mkdir()
    (root / ".git").mkdir()
    for name in ("preprocess.py", "evaluate.py"):
        shutil.copy(SCRIPTS / name, root / "scripts")
    shutil.copy(RAW_CSV, root / "data")
    (root / "pipeline.yaml").write_text(text or (FIXTURES / "models_once.yaml").read_text())
    return root / "pipeline.yaml"


def long_form() -> str:
    text = (FIXTURES / "models_once.yaml").read_text()
    for short, written_out in SHORT.items():
        assert text.count(short) == 1, short
        text = text.replace(short, written_out)
    assert "\n    model: CreateModel" not in text
    return text


def mlpc(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_the_short_form_compiles_to_the_written_out_definition(tmp_path):
    short = compile_file(make_project(tmp_path / "short"))
    written = compile_file(make_project(tmp_path / "long", long_form()))
    assert short.ok and written.ok, [d.render() for d in short.diagnostics + written.diagnostics]
    assert short.definition_json == written.definition_json
    steps = {s["Name"]: s for s in short.definition["Steps"]}
    assert steps["BatchScore"]["Arguments"]["ModelName"] == {"Get": "Steps.CreateModel.ModelName"}
    assert XGBOOST in short.definition_json and "dkr.ecr" not in (FIXTURES / "models_once.yaml").read_text()


def test_graph_shows_the_dependencies_of_the_definition(tmp_path):
    res = mlpc("graph", make_project(tmp_path))
    assert res.exit_code == 0, res.output
    edges = {line.strip() for line in res.stdout.splitlines() if "-->" in line}
    assert {"CreateModel --> BatchScore", "ModelTraining --> CreateModel", "ModelTraining --> RegisterModel",
            "CheckAccuracy -->|true| RegisterModel"} <= edges
    # as the SDK's model.register(): the registration copies the container, it does not wait for the model step
    assert "CreateModel --> RegisterModel" not in edges


def test_diff_shows_the_new_edge_and_nothing_for_the_same_model(tmp_path):
    yaml = make_project(tmp_path / "p")
    same = tmp_path / "written-out.json"
    same.write_text(compile_file(make_project(tmp_path / "long", long_form())).definition_json)
    res = mlpc("diff", yaml, "--against", same)
    assert res.exit_code == 0, res.output
    external = long_form().replace('model_name: "${steps.CreateModel.ModelName}"', "model_name: shared-model")
    before = tmp_path / "external-model.json"
    before.write_text(compile_file(make_project(tmp_path / "ext", external)).definition_json)
    res = mlpc("diff", yaml, "--against", before, "--format", "json")
    assert res.exit_code == 2, res.output
    report = json.loads(res.stdout)
    text = json.dumps(report)
    assert "CreateModel" in text and "BatchScore" in text
    res = mlpc("diff", yaml, "--against", before)
    assert res.exit_code == 2 and "+ CreateModel -> BatchScore" in res.stdout, res.stdout


@needs_sandbox
def test_run_local_creates_transforms_with_and_registers_the_one_model(tmp_path, monkeypatch):
    monkeypatch.delenv("MLPC_WORKSPACE", raising=False)
    yaml = make_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    res = mlpc("run", yaml, "--local")
    assert res.exit_code == 0, res.output
    for step in ("CreateModel", "BatchScore", "RegisterModel"):
        assert f"{step}: Succeeded" in res.stdout, res.stdout
    ws = Workspace.at(tmp_path / ".mlpc")
    pkg = Registry(ws.db_path).list("models-once")[0]
    assert pkg.image == XGBOOST
    assert pkg.model_data_url.startswith("s3://mlpc-test-bucket/models/") and pkg.model_data_url.endswith(
        "/output/model.tar.gz")
    # the transform ran the model CreateModel created: one probability per row of the test split
    store = LocalStore(ws.s3_dir)

    def lines(uri: str) -> list:
        parsed, err = parse_s3_uri(uri)
        assert err is None, err
        return [line for _, path in store.list_prefix(parsed) for line in path.read_text().split()]

    prefix = f"s3://mlpc-test-bucket/models-once/{pkg.execution_id}"
    scored, test = lines(f"{prefix}/BatchScore/"), lines(f"{prefix}/DataProcessing/output/test/")
    assert test and len(scored) == len(test)
    assert all(0.0 <= float(p) <= 1.0 for p in scored)
    truth = [int(float(row.split(",")[0])) for row in test]
    hits = sum((float(p) >= 0.5) == bool(t) for p, t in zip(scored, truth))
    assert hits / len(truth) >= 0.8  # the trained model, not noise


def test_run_local_refuses_a_bad_model_reference_before_running(tmp_path, monkeypatch):
    monkeypatch.delenv("MLPC_WORKSPACE", raising=False)
    text = (FIXTURES / "models_once.yaml").read_text().replace(
        "    model: CreateModel\n    instance_type: ml.m5.large\n    input:",
        "    model: ModelTraining\n    instance_type: ml.m5.large\n    input:")
    yaml = make_project(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    res = mlpc("run", yaml, "--local")
    assert res.exit_code == 1
    assert "'ModelTraining' is a training step, not a model step [K021]" in res.stderr
    assert not (tmp_path / ".mlpc" / "executions").exists() or not any((tmp_path / ".mlpc" / "executions").iterdir())

