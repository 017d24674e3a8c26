"""Script-mode entry point for the SageMaker SKLearn estimator (framework_version 1.2-1).

Training (``python train_sklearn.py --n-estimators 100 ...``, run by SageMaker)
  hyperparameters  --n-estimators (100), --max-depth (None = unlimited),
                   --random-state (42); SageMaker passes each hyperparameter as
                   "--<name> <value>", so "n_estimators" spellings work too
  env vars         SM_CHANNEL_TRAIN       (/opt/ml/input/data/train)       required
                   SM_CHANNEL_VALIDATION  (/opt/ml/input/data/validation)  optional
                   SM_MODEL_DIR           (/opt/ml/model)
  channel data     CSV files, no header, label in the first column
  output           <SM_MODEL_DIR>/model.joblib (SageMaker tars it into model.tar.gz)
  metrics          prints "train:accuracy=<v>" and "validation:accuracy=<v>", for a
                   metric definition regex such as "validation:accuracy=([0-9.]+)"

Serving / batch transform (the SKLearn container imports this module)
  model_fn, input_fn, predict_fn, output_fn below: the request is text/csv
  with the feature columns only (NO label column); the response has one
  predicted class (0 or 1) per line.
"""

import argparse
import glob
import io
import json
import os
import sys

import joblib
import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score

MODEL_FILE = "model.joblib"


# --------------------------------------------------------------------------- training


def optional_int(value):
    """argparse type: an int, or None for "None"/"null"/"" (no limit)."""
    if value is None or str(value).strip().lower() in ("", "none", "null"):
        return None
    return int(value)


def parse_args():
    parser = argparse.ArgumentParser(description="Train a RandomForestClassifier.")
    # Hyperparameters: accept both the dashed and the underscored spelling.
    parser.add_argument("--n-estimators", "--n_estimators", dest="n_estimators", type=int, default=100)
    parser.add_argument("--max-depth", "--max_depth", dest="max_depth", type=optional_int, default=None)
    parser.add_argument("--random-state", "--random_state", dest="random_state", type=int, default=42)
    # Data and model locations: SageMaker sets these environment variables.
    parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR", "/opt/ml/model"))
    parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train"))
    parser.add_argument("--validation",
                        default=os.environ.get("SM_CHANNEL_VALIDATION", "/opt/ml/input/data/validation"))
    args, unknown = parser.parse_known_args()
    if unknown:
        print("Ignoring unknown arguments: {}".format(" ".join(unknown)))
    return args


def read_channel(directory):
    """Read all CSV files of a channel; return (features, labels)."""
    files = sorted(glob.glob(os.path.join(directory, "*.csv")))
    if not files:
        return None, None
    df = pd.concat([pd.read_csv(path, header=None) for path in files], ignore_index=True)
    return df.iloc[:, 1:].to_numpy(dtype=float), df.iloc[:, 0].to_numpy().astype(int)


def train(args):
    X_train, y_train = read_channel(args.train)
    if X_train is None:
        sys.exit("ERROR: no *.csv files in the train channel {}".format(args.train))

    model = RandomForestClassifier(
        n_estimators=args.n_estimators,
        max_depth=args.max_depth,
        random_state=args.random_state,
        n_jobs=-1,
    )
    model.fit(X_train, y_train)
    print("Trained on {} rows, {} features".format(*X_train.shape))
    print("train:accuracy={:.6f}".format(accuracy_score(y_train, model.predict(X_train))))

    X_val, y_val = read_channel(args.validation)
    if X_val is not None:
        print("validation:accuracy={:.6f}".format(accuracy_score(y_val, model.predict(X_val))))
    else:
        print("No validation channel at {}; skipping validation".format(args.validation))

    os.makedirs(args.model_dir, exist_ok=True)
    path = os.path.join(args.model_dir, MODEL_FILE)
    joblib.dump(model, path)
    print("Saved model to {}".format(path))


# --------------------------------------------------------------------------- serving


def model_fn(model_dir):
    """Load the model saved by train()."""
    return joblib.load(os.path.join(model_dir, MODEL_FILE))


def input_fn(request_body, request_content_type):
    """Parse a text/csv request (feature columns only, no header, no label)."""
    content_type = (request_content_type or "text/csv").split(";")[0].strip().lower()
    if content_type != "text/csv":
        raise ValueError("Unsupported content type {!r}; send text/csv".format(request_content_type))
    if isinstance(request_body, bytes):
        request_body = request_body.decode("utf-8")
    df = pd.read_csv(io.StringIO(request_body.strip()), header=None)
    return df.to_numpy(dtype=float)


def predict_fn(input_data, model):
    return model.predict(np.atleast_2d(input_data))


def output_fn(prediction, accept):
    """One predicted class per line (a JSON list if JSON is requested).

    Returns (body, content_type): both SageMaker serving toolkits accept a tuple.
    """
    labels = [int(p) for p in np.ravel(prediction)]
    if accept and "json" in accept.lower():
        return json.dumps(labels), "application/json"
    return "".join("{}\n".format(label) for label in labels), "text/csv"


if __name__ == "__main__":
    train(parse_args())
