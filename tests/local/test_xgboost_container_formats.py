"""Built-in XGBoost like the container, end to end with `mlpc run --local`: the model file's format
follows the declared container version (pickled Booster for 1.0-1 .. 1.2-2, Booster.save_model from
1.3-1), so AWS's own evaluation scripts behave locally as they do on SageMaker, and the batch
transform loads either format (as the container's serving code does)."""

from __future__ import annotations

import io
import json
import pickle
import shutil
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlpc.cli import app
from mlpc.local.workspace import Workspace

from .conftest import get_object, needs_sandbox

runner = CliRunner()
pytestmark = needs_sandbox
FIXTURE = Path(__file__).parent / "fixtures" / "xgboost_formats"
BUCKET = "mlpc-xgb-formats"


def _rows(n: int, offset: int = 0) -> list[tuple[float, float, float]]:
    """y = 2a + b (a regression the trees learn well in 20 rounds)."""
    out = []
    for i in range(offset, offset + n):
        a, b = (i % 11) * 0.5, (i % 7) * 0.25
        out.append((2 * a + b, a, b))
    return out


@pytest.fixture
def project(tmp_path, monkeypatch):
    pytest.importorskip("xgboost")
    monkeypatch.delenv("MLPC_WORKSPACE", raising=False)
    shutil.copytree(FIXTURE, tmp_path / "p")
    root = tmp_path / "p"
    (root / ".git").mkdir()
    data = root / "data"
    data.mkdir()
    for name, rows in (("train", _rows(160)), ("validation", _rows(40, 160)), ("test", _rows(30, 200))):
        (data / f"{name}.csv").write_text("".join(f"{y},{a},{b}\n" for y, a, b in rows))
    (data / "batch.csv").write_text("".join(f"{a},{b}\n" for _, a, b in _rows(12, 300)))
    monkeypatch.chdir(root)
    return root


def _run(version: str, evaluate: str):
    return runner.invoke(app, ["run", "pipeline.yaml", "--local", "--var", f"version={version}",
                               "--var", f"evaluate={evaluate}"])


def _model_file(root: Path) -> bytes:
    ws = Workspace.at(start=root)
    tars = sorted(ws.s3_dir.rglob("model.tar.gz"))
    assert len(tars) == 1, tars
    with tarfile.open(tars[0]) as tar:
        assert tar.getnames() == ["xgboost-model"]
        return tar.extractfile("xgboost-model").read()


def _evaluation(root: Path) -> dict:
    found = sorted(Workspace.at(start=root).s3_dir.rglob("evaluation.json"))
    assert len(found) == 1, found
    return json.loads(found[0].read_text())


def _scores(root: Path) -> list[float]:
    data = get_object(Workspace.at(start=root), f"s3://{BUCKET}/scores/batch.csv.out")
    assert data is not None
    return [float(v) for v in data.decode().splitlines()]


def test_xgboost_1_0_1_model_is_pickled_and_aws_evaluation_script_unpickles_it(project):
    res = _run("1.0-1", "evaluate_pickle.py")
    assert res.exit_code == 0, res.output
    for step in ("Train", "Evaluate", "CreateModel", "Score"):
        assert f"{step}: Succeeded" in res.stdout, step
    raw = _model_file(project)
    booster = pickle.load(io.BytesIO(raw))  # what `pickle.load(open("xgboost-model", "rb"))` gets
    assert booster.num_boosted_rounds() == 20
    mse = _evaluation(project)["regression_metrics"]["mse"]["value"]
    assert 0 <= mse < 0.5  # the labels span 0..11: a real model, evaluated on the unpickled Booster
    expected = [2 * a + b for _, a, b in _rows(12, 300)]
    scores = _scores(project)  # the transform loaded the pickle, as serve_utils.get_loaded_booster
    assert len(scores) == 12
    assert max(abs(s - e) for s, e in zip(scores, expected)) < 1.0


def test_xgboost_1_7_1_model_is_saved_with_save_model_and_load_model_reads_it(project):
    import xgboost

    res = _run("1.7-1", "evaluate_load_model.py")
    assert res.exit_code == 0, res.output
    raw = _model_file(project)
    with pytest.raises(Exception):
        pickle.loads(raw)
    booster = xgboost.Booster()
    booster.load_model(bytearray(raw))
    assert booster.num_boosted_rounds() == 20
    assert _evaluation(project)["regression_metrics"]["mse"]["value"] < 0.5
    assert len(_scores(project)) == 12


def test_pickle_evaluation_script_fails_on_1_7_1_as_on_sagemaker(project):
    """AWS's older script against a 1.3-1+ container fails in the container; it fails locally too."""
    res = _run("1.7-1", "evaluate_pickle.py")
    assert res.exit_code == 1, res.output
    assert "Train: Succeeded" in res.stdout
    assert "Evaluate: Failed" in res.stdout
