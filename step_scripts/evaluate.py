"""SageMaker Processing script: evaluate a model trained by the built-in XGBoost algorithm.

Container: sagemaker-xgboost:1.7-1 (xgboost, scikit-learn, pandas, numpy).

Inputs
  /opt/ml/processing/model/model.tar.gz   the training job's model artifact; it
                                          contains "xgboost-model" (Booster.save_model;
                                          older containers pickled the Booster)
  /opt/ml/processing/test/test.csv        CSV, no header, label in the first column
Output
  /opt/ml/processing/evaluation/evaluation.json
      {"metrics": {"accuracy": {"value": 0.97}, "precision": {...}, "recall": {...},
                   "f1": {...}, "auc": {...}},
       "binary_classification_metrics": {...same values + confusion_matrix...}}

A ConditionStep reads it with JsonGet(json_path="metrics.accuracy.value"); the
"binary_classification_metrics" block is the Model Registry "ModelQuality" shape.

The model predicts probabilities (objective binary:logistic); a row is
classified as 1 when the probability is >= ``--threshold`` (default 0.5).
"""

import argparse
import glob
import json
import os
import pickle
import sys
import tarfile
import tempfile

import numpy as np
import pandas as pd
import xgboost
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

MODEL_FILE = "xgboost-model"


def parse_args():
    parser = argparse.ArgumentParser(description="Evaluate a built-in XGBoost model on test.csv.")
    parser.add_argument("--base-dir", default="/opt/ml/processing",
                        help="Processing container root (default: %(default)s).")
    parser.add_argument("--model-dir", help="Directory with model.tar.gz (default: <base-dir>/model).")
    parser.add_argument("--test-dir", help="Directory with the test CSV (default: <base-dir>/test).")
    parser.add_argument("--output-dir", help="Where evaluation.json goes (default: <base-dir>/evaluation).")
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    args.model_dir = args.model_dir or os.path.join(args.base_dir, "model")
    args.test_dir = args.test_dir or os.path.join(args.base_dir, "test")
    args.output_dir = args.output_dir or os.path.join(args.base_dir, "evaluation")
    return args


def safe_extract(archive, destination):
    """Extract a tar file, refusing members that would escape ``destination``."""
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.8.17 / 3.11.4
            tar.extractall(destination, filter="data")
        else:
            root = os.path.realpath(destination)
            for member in tar.getmembers():
                target = os.path.realpath(os.path.join(destination, member.name))
                if os.path.commonpath([root, target]) != root:
                    sys.exit("ERROR: unsafe path in {}: {}".format(archive, member.name))
            tar.extractall(destination)


def find_model_file(model_dir, work_dir):
    """Return the path of the "xgboost-model" file from <model_dir>/model.tar.gz."""
    archive = os.path.join(model_dir, "model.tar.gz")
    if os.path.isfile(archive):
        safe_extract(archive, work_dir)
        search_root, source = work_dir, archive
    elif os.path.isfile(os.path.join(model_dir, MODEL_FILE)):
        # Already extracted (e.g. a model directory passed in directly).
        search_root, source = model_dir, model_dir
    else:
        sys.exit("ERROR: model artifact not found: expected {} (or an extracted '{}' file "
                 "in {})".format(archive, MODEL_FILE, model_dir))

    matches = glob.glob(os.path.join(search_root, "**", MODEL_FILE), recursive=True)
    if not matches:
        sys.exit("ERROR: no '{}' file inside {}".format(MODEL_FILE, source))
    return matches[0]


def load_booster(path):
    """Load a Booster saved with save_model, falling back to a pickled Booster."""
    booster = xgboost.Booster()
    try:
        booster.load_model(path)
        return booster
    except Exception as save_model_error:  # not a save_model file: try pickle
        try:
            with open(path, "rb") as f:
                model = pickle.load(f)
        except Exception:
            sys.exit("ERROR: cannot load XGBoost model {}: {}".format(path, save_model_error))
    # A pickle may hold a Booster or a scikit-learn wrapper (XGBClassifier).
    return model.get_booster() if hasattr(model, "get_booster") else model


def read_test_data(test_dir):
    files = sorted(glob.glob(os.path.join(test_dir, "*.csv")))
    if not files:
        sys.exit("ERROR: no *.csv test file found in {}".format(test_dir))
    df = pd.concat([pd.read_csv(path, header=None) for path in files], ignore_index=True)
    y = df.iloc[:, 0].to_numpy().astype(int)
    X = df.iloc[:, 1:].to_numpy(dtype=float)
    return X, y


def compute_metrics(y_true, y_prob, threshold):
    y_pred = (y_prob >= threshold).astype(int)
    values = {
        "accuracy": accuracy_score(y_true, y_pred),
        "precision": precision_score(y_true, y_pred, zero_division=0),
        "recall": recall_score(y_true, y_pred, zero_division=0),
        "f1": f1_score(y_true, y_pred, zero_division=0),
        # AUC is undefined when the test set holds a single class.
        "auc": roc_auc_score(y_true, y_prob) if len(np.unique(y_true)) == 2 else None,
    }
    values = {name: (None if v is None else float(v)) for name, v in values.items()}

    confusion = {
        str(actual): {str(pred): int(np.sum((y_true == actual) & (y_pred == pred))) for pred in (0, 1)}
        for actual in (0, 1)
    }
    return {
        "metrics": {name: {"value": v} for name, v in values.items()},
        "binary_classification_metrics": dict(
            {name: {"value": v} for name, v in values.items()},
            confusion_matrix=confusion,
        ),
    }


def main():
    args = parse_args()
    work_dir = tempfile.mkdtemp(prefix="model-")
    booster = load_booster(find_model_file(args.model_dir, work_dir))

    X, y = read_test_data(args.test_dir)
    y_prob = booster.predict(xgboost.DMatrix(X))
    report = compute_metrics(y, y_prob, args.threshold)

    os.makedirs(args.output_dir, exist_ok=True)
    path = os.path.join(args.output_dir, "evaluation.json")
    with open(path, "w") as f:
        json.dump(report, f, indent=2)

    print("Evaluated {} test rows -> {}".format(len(y), path))
    for name, metric in report["metrics"].items():
        print("  {:<9} {}".format(name, metric["value"]))


if __name__ == "__main__":
    main()
