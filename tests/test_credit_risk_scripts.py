"""The credit-risk example's data generator and step scripts, run as a SageMaker container would.

Like tests/test_step_scripts.py: each script runs as a subprocess against temp directories laid out
as /opt/ml/processing, with its environment as the pipeline gives it.
"""

import hashlib
import hmac
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

xgboost = pytest.importorskip("xgboost")

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "step_scripts" / "credit_risk"
RAW_CSV = REPO / "pipelines" / "data" / "credit-risk.csv"
HEADERS = ["default", "age", "sex", "income", "loan_amount", "credit_history_months", "num_open_accounts"]
KEY = "test-key"


def run_script(name, base, env=None, check=True):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SM_")}
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, str(SCRIPTS / name), "--base-dir", str(base)], env=full_env,
                          capture_output=True, text=True, timeout=120)
    if check and proc.returncode != 0:
        pytest.fail(f"{name} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def preprocess(base, key=KEY):
    (base / "input").mkdir(parents=True)
    shutil.copy(RAW_CSV, base / "input" / "credit-risk.csv")
    return run_script("preprocess.py", base, {"PSEUDONYMISATION_KEY": key} if key is not None else {},
                      check=key is not None)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    base = tmp_path_factory.mktemp("processing")
    preprocess(base)
    return base


def split(base, name):
    return pd.read_csv(base / name / f"{name}.csv", header=None)


# ------------------------------------------------------------------ the dataset

def test_generator_reproduces_the_committed_csv(tmp_path):
    out = tmp_path / "credit-risk.csv"
    subprocess.run([sys.executable, str(REPO / "tools" / "make_credit_data.py"), "--output", str(out)],
                   check=True, capture_output=True)
    assert out.read_bytes() == RAW_CSV.read_bytes()


def test_dataset_has_the_columns_and_the_bias_built_in():
    df = pd.read_csv(RAW_CSV)
    assert list(df.columns) == ["customer_id", "email", "age", "sex", "income", "loan_amount",
                                "credit_history_months", "num_open_accounts", "default"]
    assert 2000 <= len(df) <= 5000 and df["customer_id"].is_unique
    assert set(df["sex"]) == {"female", "male"} and set(df["default"]) == {0, 1}
    rates = df.groupby("sex")["default"].mean()
    # The bias against women: they default (the unfavourable label) far more often in the records.
    assert rates["female"] - rates["male"] > 0.15


# ------------------------------------------------------------------ preprocess.py

def test_preprocess_splits_without_identifiers(prepared):
    parts = {n: split(prepared, n) for n in ("train", "validation", "test")}
    raw = pd.read_csv(RAW_CSV)
    assert sum(len(p) for p in parts.values()) == len(raw)
    assert len(parts["train"]) == pytest.approx(0.7 * len(raw), rel=0.08)
    for name, part in parts.items():
        assert part.shape[1] == len(HEADERS), name
        assert all(np.issubdtype(t, np.number) for t in part.dtypes), name  # no header, numeric
        assert set(part[0]) == {0, 1}, name  # label first
        assert set(part[2]) == {0, 1}, name  # sex encoded
    text = "".join((prepared / n / f"{n}.csv").read_text() for n in ("train", "validation", "test", "baseline"))
    assert "@example.com" not in text and "C000001" not in text  # direct identifiers gone
    assert hmac.new(KEY.encode(), b"C000001", hashlib.sha256).hexdigest() not in text  # pseudonym not written


def test_preprocess_baseline_has_header_label_first_and_sex_as_text(prepared):
    baseline = pd.read_csv(prepared / "baseline" / "baseline.csv")
    assert list(baseline.columns) == HEADERS
    assert set(baseline["sex"]) == {"female", "male"}
    train = split(prepared, "train")
    assert len(baseline) == len(train)
    assert (baseline["default"].to_numpy() == train[0].to_numpy()).all()
    assert np.allclose(baseline["income"].to_numpy(), train[3].to_numpy())


def test_split_follows_the_keyed_pseudonym(prepared, tmp_path):
    preprocess(tmp_path / "other", key="another-key")
    mine, theirs = split(prepared, "test"), split(tmp_path / "other", "test")
    assert len(mine) != len(theirs) or not mine.equals(theirs)  # another key, another assignment
    preprocess(tmp_path / "same", key=KEY)
    assert split(tmp_path / "same", "test").equals(mine)  # the same key: the same split, deterministic


def test_preprocess_without_key_fails_clearly(tmp_path):
    proc = preprocess(tmp_path, key=None)
    assert proc.returncode == 1
    assert "PSEUDONYMISATION_KEY is not set" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "train").exists()


# ------------------------------------------------------------------ evaluate.py

@pytest.mark.filterwarnings("ignore:.*Saving model in the UBJSON format")
def test_evaluate_writes_model_quality_format(prepared, tmp_path):
    train, validation = split(prepared, "train"), split(prepared, "validation")
    booster = xgboost.train({"objective": "binary:logistic", "max_depth": 4, "eta": 0.2, "seed": 7},
                            xgboost.DMatrix(train.iloc[:, 1:].to_numpy(), label=train[0].to_numpy()),
                            num_boost_round=60)
    model = tmp_path / "xgboost-model"
    booster.save_model(str(model))
    base = tmp_path / "processing"
    (base / "model").mkdir(parents=True)
    with tarfile.open(base / "model" / "model.tar.gz", "w:gz") as tar:
        tar.add(model, arcname="xgboost-model")
    shutil.copytree(prepared / "test", base / "test")

    run_script("evaluate.py", base)

    report = json.loads((base / "evaluation" / "evaluation.json").read_text())
    block = report["binary_classification_metrics"]
    assert {"accuracy", "auc", "precision", "recall", "f1", "confusion_matrix"} <= set(block)
    assert block["accuracy"]["standard_deviation"] == "NaN"
    assert 0.7 < block["accuracy"]["value"] <= 1.0 and block["auc"]["value"] > 0.7
    cm = block["confusion_matrix"]
    assert sum(cm[a][p] for a in "01" for p in "01") == len(split(prepared, "test")) == report["dataset"]["item_count"]
    assert len(validation) > 0


def test_evaluate_without_model_fails_clearly(prepared, tmp_path):
    base = tmp_path / "processing"
    (base / "model").mkdir(parents=True)
    shutil.copytree(prepared / "test", base / "test")
    proc = run_script("evaluate.py", base, check=False)
    assert proc.returncode == 1
    assert "model artifact not found" in proc.stderr and "Traceback" not in proc.stderr
