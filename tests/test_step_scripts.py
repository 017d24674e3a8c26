"""Run the example step scripts as a SageMaker container would, against temp dirs.

Each script runs as a subprocess (``sys.executable``) from a temp working
directory, with its /opt/ml/... locations redirected through the same
argparse options / SM_* environment variables that SageMaker uses.
"""

import importlib.util
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

xgboost = pytest.importorskip("xgboost")
pytest.importorskip("sklearn")

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "step_scripts"
RAW_CSV = REPO / "pipelines" / "data" / "breast-cancer.csv"
N_ROWS, N_FEATURES, N_BENIGN = 569, 30, 357


def run_script(name, *args, env=None, cwd, check=True):
    """Run step_scripts/<name> with a clean SM_* environment."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SM_")}
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, str(SCRIPTS / name), *map(str, args)],
        cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120,
    )
    if check and proc.returncode != 0:
        pytest.fail("{} exited {}\nstdout:\n{}\nstderr:\n{}".format(
            name, proc.returncode, proc.stdout, proc.stderr))
    return proc


def load_script(name):
    """Import step_scripts/<name> as a module (its __main__ block does not run)."""
    spec = importlib.util.spec_from_file_location(Path(name).stem, SCRIPTS / name)
    module = importlib.util.module_from_spec(spec)
    dont_write_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:  # keep step_scripts/ free of __pycache__ (it may be uploaded as source_dir)
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = dont_write_bytecode
    return module


def run_in_process(name, *args, monkeypatch):
    """Run a script's main() in this process: cheaper than a subprocess (no re-imports)."""
    monkeypatch.setattr(sys, "argv", [name, *map(str, args)])
    load_script(name).main()


def read_split(path):
    return pd.read_csv(path, header=None)


def make_tarball(archive, *files):
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "w:gz") as tar:
        for f in files:
            tar.add(f, arcname=Path(f).name)
    return archive


def processing_dir(root, test_csv):
    """A /opt/ml/processing look-alike with test/test.csv in place."""
    (root / "test").mkdir(parents=True)
    shutil.copy(test_csv, root / "test" / "test.csv")
    return root


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def splits(tmp_path_factory):
    """preprocess.py run once on the real raw CSV; returns its base dir."""
    base = tmp_path_factory.mktemp("processing")
    (base / "input").mkdir()
    shutil.copy(RAW_CSV, base / "input" / "breast-cancer.csv")
    proc = run_script(
        "preprocess.py", "--base-dir", base,
        "--train-ratio", "0.7", "--validation-ratio", "0.15", "--random-state", "42",
        cwd=base,
    )
    base.joinpath("stdout.txt").write_text(proc.stdout)
    return base


@pytest.fixture(scope="module")
def xgb_booster(splits):
    """Train like the built-in XGBoost algorithm does on the CSV channels."""
    train = read_split(splits / "train" / "train.csv")
    validation = read_split(splits / "validation" / "validation.csv")
    dtrain = xgboost.DMatrix(train.iloc[:, 1:].to_numpy(), label=train.iloc[:, 0].to_numpy())
    dval = xgboost.DMatrix(validation.iloc[:, 1:].to_numpy(), label=validation.iloc[:, 0].to_numpy())
    params = {"objective": "binary:logistic", "max_depth": 4, "eta": 0.3, "eval_metric": "auc"}
    return xgboost.train(params, dtrain, num_boost_round=30, evals=[(dval, "validation")],
                         verbose_eval=False)


@pytest.fixture(scope="module")
def sklearn_model_dir(splits, tmp_path_factory):
    """train_sklearn.py run once as an SKLearn training job; returns SM_MODEL_DIR."""
    root = tmp_path_factory.mktemp("sklearn-training")
    model_dir = root / "model"
    proc = run_script(
        "train_sklearn.py", "--n-estimators", "25", "--max-depth", "6", "--random-state", "1",
        env={
            "SM_CHANNEL_TRAIN": str(splits / "train"),
            "SM_CHANNEL_VALIDATION": str(splits / "validation"),
            "SM_MODEL_DIR": str(model_dir),
        },
        cwd=root,
    )
    (root / "stdout.txt").write_text(proc.stdout)
    return model_dir


# ------------------------------------------------------------------ make_dataset.py


def test_make_dataset_reproduces_committed_csv(tmp_path, monkeypatch):
    out = tmp_path / "out" / "breast-cancer.csv"
    run_in_process("make_dataset.py", "--output", out, monkeypatch=monkeypatch)
    assert out.read_bytes() == RAW_CSV.read_bytes()

    df = pd.read_csv(RAW_CSV)
    assert df.shape == (N_ROWS, N_FEATURES + 1)
    assert df.columns[-1] == "target"
    assert all(re.fullmatch(r"[a-z0-9_]+", c) for c in df.columns)
    assert int(df["target"].sum()) == N_BENIGN


# ------------------------------------------------------------------ preprocess.py


def test_preprocess_writes_headerless_label_first_splits(splits):
    parts = {name: read_split(splits / name / (name + ".csv"))
             for name in ("train", "validation", "test")}

    assert sum(len(df) for df in parts.values()) == N_ROWS
    assert len(parts["train"]) == pytest.approx(0.7 * N_ROWS, abs=2)
    assert len(parts["validation"]) == pytest.approx(0.15 * N_ROWS, abs=2)

    overall_rate = N_BENIGN / N_ROWS
    for name, df in parts.items():
        assert df.shape[1] == N_FEATURES + 1, name
        # No header: every cell parses as a number.
        assert all(np.issubdtype(t, np.number) for t in df.dtypes), name
        assert set(df[0].unique()) == {0, 1}, name
        assert df[0].mean() == pytest.approx(overall_rate, abs=0.02), name  # stratified

    # The label column is the raw "target" (first), not a shifted feature.
    raw = pd.read_csv(RAW_CSV)
    first_train_row = parts["train"].iloc[0]
    match = raw[np.isclose(raw["mean_radius"], first_train_row[1])
                & np.isclose(raw["mean_texture"], first_train_row[2])]
    assert len(match) >= 1 and int(match["target"].iloc[0]) == int(first_train_row[0])

    summary = (splits / "stdout.txt").read_text()
    assert re.search(r"train\s+398 rows", summary), summary


def test_preprocess_standardize_fits_on_train_only(splits, tmp_path, monkeypatch):
    (tmp_path / "input").mkdir()
    shutil.copy(RAW_CSV, tmp_path / "input" / "data.csv")
    run_in_process("preprocess.py", "--base-dir", tmp_path, "--standardize", monkeypatch=monkeypatch)

    train = read_split(tmp_path / "train" / "train.csv")
    test = read_split(tmp_path / "test" / "test.csv")
    assert np.allclose(train.iloc[:, 1:].mean(), 0, atol=1e-6)
    assert np.allclose(train.iloc[:, 1:].std(ddof=0), 1, atol=1e-6)
    assert not np.allclose(test.iloc[:, 1:].mean(), 0, atol=1e-3)
    # Same random_state -> same rows, in the same order, as the unscaled run.
    unscaled = read_split(splits / "train" / "train.csv")
    assert (train[0].to_numpy() == unscaled[0].to_numpy()).all()


def test_preprocess_without_input_csv_fails(tmp_path, monkeypatch):
    (tmp_path / "input").mkdir()
    with pytest.raises(SystemExit) as exit_info:  # sys.exit("ERROR: ...") -> stderr, status 1
        run_in_process("preprocess.py", "--base-dir", tmp_path, monkeypatch=monkeypatch)
    assert "no *.csv files found" in str(exit_info.value.code)


# ------------------------------------------------------------------ evaluate.py


def check_report(path, min_accuracy=0.9):
    report = json.loads(path.read_text())
    metrics = report["metrics"]
    assert set(metrics) == {"accuracy", "precision", "recall", "f1", "auc"}
    for name, metric in metrics.items():
        assert 0.0 <= metric["value"] <= 1.0, name
    assert metrics["accuracy"]["value"] > min_accuracy
    cm = report["binary_classification_metrics"]["confusion_matrix"]
    assert sum(cm[a][p] for a in "01" for p in "01") == 86  # test rows
    return metrics


@pytest.mark.filterwarnings("ignore:.*Saving model in the UBJSON format")
def test_evaluate_xgboost_model(splits, xgb_booster, tmp_path):
    model_file = tmp_path / "artifact" / "xgboost-model"
    model_file.parent.mkdir()
    xgb_booster.save_model(str(model_file))  # what the 1.7-1 algorithm container writes
    base = processing_dir(tmp_path / "processing", splits / "test" / "test.csv")
    make_tarball(base / "model" / "model.tar.gz", model_file)

    proc = run_script("evaluate.py", "--base-dir", base, cwd=tmp_path)

    metrics = check_report(base / "evaluation" / "evaluation.json")
    assert "accuracy" in proc.stdout
    assert metrics["auc"]["value"] > 0.95


def test_evaluate_loads_pickled_booster(splits, xgb_booster, tmp_path):
    model_file = tmp_path / "xgboost-model"
    with open(model_file, "wb") as f:  # older algorithm containers pickled the Booster
        pickle.dump(xgb_booster, f)

    booster = load_script("evaluate.py").load_booster(str(model_file))

    test = read_split(splits / "test" / "test.csv")
    dtest = xgboost.DMatrix(test.iloc[:, 1:].to_numpy())
    assert np.allclose(booster.predict(dtest), xgb_booster.predict(dtest))


def test_evaluate_missing_model_fails_clearly(splits, tmp_path):
    base = processing_dir(tmp_path / "processing", splits / "test" / "test.csv")
    (base / "model").mkdir()

    proc = run_script("evaluate.py", "--base-dir", base, cwd=tmp_path, check=False)

    assert proc.returncode != 0
    assert "model artifact not found" in proc.stderr
    assert str(base / "model" / "model.tar.gz") in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (base / "evaluation" / "evaluation.json").exists()


# ------------------------------------------------------------------ train_sklearn.py


def test_train_sklearn_saves_model_and_prints_metric(sklearn_model_dir):
    assert (sklearn_model_dir / "model.joblib").is_file()
    stdout = (sklearn_model_dir.parent / "stdout.txt").read_text()
    # The regex a metric definition would use:
    match = re.search(r"validation:accuracy=([0-9.]+)", stdout)
    assert match, stdout
    assert 0.9 < float(match.group(1)) <= 1.0


def test_train_sklearn_serving_functions(splits, sklearn_model_dir):
    module = load_script("train_sklearn.py")  # importing must not start training

    test = read_split(splits / "test" / "test.csv")
    body = test.iloc[:5, 1:].to_csv(header=False, index=False).encode()  # no label column

    model = module.model_fn(str(sklearn_model_dir))
    data = module.input_fn(body, "text/csv; charset=utf-8")
    assert data.shape == (5, N_FEATURES)
    response, content_type = module.output_fn(module.predict_fn(data, model), "text/csv")

    assert content_type == "text/csv"
    lines = response.splitlines()
    assert len(lines) == 5 and set(lines) <= {"0", "1"}
    with pytest.raises(ValueError):
        module.input_fn(b"{}", "application/x-unknown")


# ------------------------------------------------------------------ evaluate_sklearn.py


def test_evaluate_sklearn_model(splits, sklearn_model_dir, tmp_path):
    base = processing_dir(tmp_path / "processing", splits / "test" / "test.csv")
    make_tarball(base / "model" / "model.tar.gz", sklearn_model_dir / "model.joblib")

    run_script("evaluate_sklearn.py", "--base-dir", base, cwd=tmp_path)
    check_report(base / "evaluation" / "evaluation.json")
