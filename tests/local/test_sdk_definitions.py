"""Definitions built by the SageMaker Python SDK itself run locally (fixtures/make_sdk_definitions.py).

The kitchen sink has script-mode scikit-learn training (train_sklearn.py), the SDK's model repack
job, CreateModel, batch transform with model_fn/input_fn/predict_fn/output_fn, tuning of the
built-in XGBoost algorithm with `get_top_model_s3_uri`, Or/In/Not conditions, Lambda and Callback.
"""

import json

import numpy as np
import pytest

from mlpc.local.session import parse_parameters
from mlpc.local.workspace import Workspace
from mlpc.manifest import sourcedir_bytes

from .conftest import SCRIPTS, get_object, load_fixture, needs_sandbox, put, run, statuses

pytestmark = needs_sandbox
B = "mlpc-test"


def csv_rows(x, y=None):
    return "".join(",".join(([str(int(y[i]))] if y is not None else []) + [f"{v:.5f}" for v in row]) + "\n"
                   for i, row in enumerate(x))


@pytest.fixture(scope="module")
def sink(tmp_path_factory):
    pytest.importorskip("sklearn")
    ws = Workspace.at(tmp_path_factory.mktemp("sink") / "ws")
    ws.ensure()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(160, 4))
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    put(ws, f"s3://{B}/data/train/train.csv", csv_rows(x[:120], y[:120]))
    put(ws, f"s3://{B}/data/validation/validation.csv", csv_rows(x[120:], y[120:]))
    put(ws, f"s3://{B}/data/batch/batch.csv", csv_rows(x[:12]))
    put(ws, f"s3://{B}/code/sklearn/sourcedir.tar.gz", sourcedir_bytes(SCRIPTS / "train_sklearn.py"))
    definition = load_fixture("sdk_kitchen_sink.json")
    result, _ = run(ws, definition, {"Estimators": 8}, pipeline_name="kitchen-sink")
    return ws, definition, result, y[:12]


def props(ws, result, step):
    return json.loads((ws.step_dir(result.record.id, step) / "properties.json").read_text())


def test_kitchen_sink_runs(sink):
    ws, _, result, _ = sink
    assert result.ok, (result.record.failure, result.log_tails)
    assert statuses(result) == {
        "CheckMode": "Succeeded", "TrainSklearn": "Succeeded", "SklearnModel-RepackModel-0": "Succeeded",
        "SklearnModel-CreateModel": "Succeeded", "BatchScore": "Succeeded", "BadMode": "Skipped",
        "Tune": "Succeeded", "BestXgb-CreateModel": "Succeeded", "XgbScore": "Succeeded",
        "MaybeNotify": "Succeeded", "Notify": "Skipped", "Approve": "Skipped"}


def test_sklearn_script_mode_repack_and_transform(sink):
    ws, _, result, labels = sink
    log = (ws.step_dir(result.record.id, "TrainSklearn") / "stdout.log").read_text()
    assert "Trained on 120 rows, 4 features" in log
    repacked = props(ws, result, "SklearnModel-RepackModel-0")["ModelArtifacts"]["S3ModelArtifacts"]
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(get_object(ws, repacked))) as tar:
        assert {"model.joblib", "code/train_sklearn.py"} <= set(tar.getnames())
    predictions = get_object(ws, f"s3://{B}/sink/transform/batch.csv.out").decode().split()
    assert len(predictions) == 12 and set(predictions) <= {"0", "1"}
    assert np.mean([int(p) == t for p, t in zip(predictions, labels)]) >= 0.75


def test_tuning_top_model_feeds_an_xgboost_transform(sink):
    ws, _, result, labels = sink
    tune = props(ws, result, "Tune")
    assert len(tune["TrainingJobSummaries"]) == 3
    best = tune["BestTrainingJob"]
    assert best["FinalHyperParameterTuningJobObjectiveMetric"]["MetricName"] == "validation:auc"
    model_url = props(ws, result, "BestXgb-CreateModel")["PrimaryContainer"]["ModelDataUrl"]
    assert model_url == f"s3://{B}/sink/tuning/{best['TrainingJobName']}/output/model.tar.gz"
    probs = [float(v) for v in get_object(ws, f"s3://{B}/sink/xgb-transform/batch.csv.out").decode().split()]
    assert len(probs) == 12 and np.mean([(p >= 0.5) == t for p, t in zip(probs, labels)]) >= 0.75


def test_or_in_not_conditions_pick_the_else_branch(sink):
    ws, definition, _, _ = sink
    check = next(s for s in definition["Steps"] if s["Name"] == "CheckMode")
    small = {"Parameters": definition["Parameters"], "Steps": [check]}
    values, errors = parse_parameters(small, ["Mode=quick", "Estimators=0"])
    assert errors == []
    result, _ = run(ws, small, values, pipeline_name="kitchen-sink")
    assert result.record.branches["CheckMode"]["taken"] == "ElseSteps"
    assert result.record.failure == {"step": "BadMode", "reason": "unsupported mode quick", "kind": "fail"}
    assert statuses(result)["TrainSklearn"] == "Skipped"


def test_sdk_breast_cancer_definition_both_branches(tmp_path):
    """The SDK's version of the example pipeline, with the real step scripts."""
    pytest.importorskip("xgboost")
    from .conftest import RAW_CSV

    ws = Workspace.at(tmp_path / "ws")
    ws.ensure()
    put(ws, f"s3://{B}/code/preprocess.py", (SCRIPTS / "preprocess.py").read_bytes())
    put(ws, f"s3://{B}/code/evaluate.py", (SCRIPTS / "evaluate.py").read_bytes())
    put(ws, f"s3://{B}/data/breast-cancer.csv", RAW_CSV.read_bytes())
    definition = load_fixture("sdk_breast_cancer.json")
    result, _ = run(ws, definition, {"NumRound": 5, "AccuracyThreshold": 0.8}, pipeline_name="breast-cancer")
    assert result.ok, (result.record.failure, result.log_tails)
    assert statuses(result)["RegisterModel-RegisterModel"] == "Succeeded"
    assert statuses(result)["AccuracyTooLow"] == "Skipped"
    result, _ = run(ws, definition, {"NumRound": 5, "AccuracyThreshold": 0.999}, pipeline_name="breast-cancer")
    assert [result.record.steps[n].cached for n in ("DataProcessing", "ModelTraining", "ModelEvaluation")] == [True] * 3
    assert result.record.failure["step"] == "AccuracyTooLow"
    assert result.record.failure["reason"].startswith("Accuracy 0.") and result.record.failure["reason"].endswith(
        " is below 0.999")
