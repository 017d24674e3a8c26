"""SageMaker Processing script: evaluate the credit-risk model (built-in XGBoost) on the test split.

Container: sagemaker-xgboost:1.7-1 (xgboost, scikit-learn, pandas, numpy).

Inputs
  /opt/ml/processing/model/model.tar.gz   the training job's artifact, holding "xgboost-model"
  /opt/ml/processing/test/*.csv           no header, label first, numeric features
Output
  /opt/ml/processing/evaluation/evaluation.json, in the format of SageMaker Model Monitor's model
  quality statistics (what the Model Registry shows under ModelQuality.Statistics):
      {"binary_classification_metrics": {"accuracy": {"value": 0.8, "standard_deviation": "NaN"},
                                         "auc": {...}, "precision": ..., "recall": ..., "f1": ...,
                                         "confusion_matrix": {"0": {"0": n, "1": n}, "1": {...}}}}
  A ConditionStep reads it with JsonGet("binary_classification_metrics.accuracy.value").
  "standard_deviation" is "NaN": one test set gives no spread (Model Monitor writes it the same way
  when it does not bootstrap).

A row is predicted 1 (default) when the model's probability is >= --threshold (0.5).
"""

import argparse
import glob
import json
import os
import sys
import tarfile
import tempfile

import numpy as np
import pandas as pd
import xgboost
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

MODEL_FILE = "xgboost-model"


def parse_args():
    parser = argparse.ArgumentParser(description="Evaluate the credit-risk model on the test split.")
    parser.add_argument("--base-dir", default="/opt/ml/processing")
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    args.model_dir = os.path.join(args.base_dir, "model")
    args.test_dir = os.path.join(args.base_dir, "test")
    args.output_dir = os.path.join(args.base_dir, "evaluation")
    return args


def load_booster(model_dir):
    archive = os.path.join(model_dir, "model.tar.gz")
    if not os.path.isfile(archive):
        sys.exit("ERROR: model artifact not found: expected {}".format(archive))
    work = tempfile.mkdtemp(prefix="model-")
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
    found = glob.glob(os.path.join(work, "**", MODEL_FILE), recursive=True)
    if not found:
        sys.exit("ERROR: no '{}' file inside {}".format(MODEL_FILE, archive))
    booster = xgboost.Booster()
    booster.load_model(found[0])
    return booster


def read_test(test_dir):
    files = sorted(glob.glob(os.path.join(test_dir, "*.csv")))
    if not files:
        sys.exit("ERROR: no *.csv test file found in {}".format(test_dir))
    df = pd.concat([pd.read_csv(f, header=None) for f in files], ignore_index=True)
    return df.iloc[:, 1:].to_numpy(dtype=float), df.iloc[:, 0].to_numpy().astype(int)


def metric(value):
    return {"value": float(value), "standard_deviation": "NaN"}


def model_quality_report(y_true, y_prob, threshold):
    y_pred = (y_prob >= threshold).astype(int)
    tp = int(np.sum((y_true == 1) & (y_pred == 1)))
    tn = int(np.sum((y_true == 0) & (y_pred == 0)))
    fp = int(np.sum((y_true == 0) & (y_pred == 1)))
    fn = int(np.sum((y_true == 1) & (y_pred == 0)))
    block = {
        "confusion_matrix": {"0": {"0": tn, "1": fp}, "1": {"0": fn, "1": tp}},
        "accuracy": metric(accuracy_score(y_true, y_pred)),
        "precision": metric(precision_score(y_true, y_pred, zero_division=0)),
        "recall": metric(recall_score(y_true, y_pred, zero_division=0)),
        "f1": metric(f1_score(y_true, y_pred, zero_division=0)),
        "true_positive_rate": metric(tp / (tp + fn) if tp + fn else 0.0),
        "true_negative_rate": metric(tn / (tn + fp) if tn + fp else 0.0),
        "false_positive_rate": metric(fp / (fp + tn) if fp + tn else 0.0),
        "false_negative_rate": metric(fn / (fn + tp) if fn + tp else 0.0),
    }
    if len(np.unique(y_true)) == 2:  # AUC is undefined on a single class
        block["auc"] = metric(roc_auc_score(y_true, y_prob))
    return {"version": 0.0, "dataset": {"item_count": int(len(y_true))}, "binary_classification_metrics": block}


def main():
    args = parse_args()
    booster = load_booster(args.model_dir)
    x, y = read_test(args.test_dir)
    report = model_quality_report(y, booster.predict(xgboost.DMatrix(x)), args.threshold)
    os.makedirs(args.output_dir, exist_ok=True)
    path = os.path.join(args.output_dir, "evaluation.json")
    with open(path, "w") as f:
        json.dump(report, f, indent=2)
    print("Evaluated {} test rows -> {}".format(len(y), path))
    for name, entry in report["binary_classification_metrics"].items():
        if "value" in entry:
            print("  {:<20} {:.4f}".format(name, entry["value"]))


if __name__ == "__main__":
    main()
