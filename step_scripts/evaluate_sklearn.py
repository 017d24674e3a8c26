"""SageMaker Processing script: evaluate a scikit-learn model trained by train_sklearn.py.

Container: sagemaker-scikit-learn:1.2-1-cpu-py3 (use the same scikit-learn
version as the training job so that model.joblib loads).

Inputs
  /opt/ml/processing/model/model.tar.gz   the training job's model artifact;
                                          it contains "model.joblib"
  /opt/ml/processing/test/test.csv        CSV, no header, label in the first column
Output
  /opt/ml/processing/evaluation/evaluation.json
      {"metrics": {"accuracy": {"value": 0.96}, "precision": {...}, "recall": {...},
                   "f1": {...}, "auc": {...}},
       "binary_classification_metrics": {...same values + confusion_matrix...}}

Same report shape as evaluate.py: a ConditionStep reads
JsonGet(json_path="metrics.accuracy.value").
"""

import argparse
import glob
import json
import os
import sys
import tarfile
import tempfile

import joblib
import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

MODEL_FILE = "model.joblib"


def parse_args():
    parser = argparse.ArgumentParser(description="Evaluate a scikit-learn model on test.csv.")
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
    """Return the path of "model.joblib" from <model_dir>/model.tar.gz."""
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
    model = joblib.load(find_model_file(args.model_dir, work_dir))

    X, y = read_test_data(args.test_dir)
    # Probability of the positive class (label 1).
    positive = list(model.classes_).index(1)
    y_prob = model.predict_proba(X)[:, positive]
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
