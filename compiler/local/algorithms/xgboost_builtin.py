"""The SageMaker built-in XGBoost algorithm (sagemaker-xgboost:1.x), emulated with the xgboost package.

Standalone script (no mlpc imports): mlpc runs it inside the step sandbox,
where it reads and writes the container's paths, as the real container does.

Contract honoured (from the algorithm's documentation):
  /opt/ml/input/config/hyperparameters.json   string values; num_round required;
        every other name is an XGBoost parameter (max_depth, eta, gamma,
        min_child_weight, subsample, colsample_bytree, objective, eval_metric
        (comma separated), num_class, scale_pos_weight, alpha, lambda, seed, ...);
        container-only: early_stopping_rounds, csv_weights, _tuning_objective_metric
  /opt/ml/input/config/inputdataconfig.json   each channel's ContentType:
        text/csv (label in the first column, no header) or text/libsvm (the default)
  /opt/ml/input/data/train/ (required), /opt/ml/input/data/validation/ (optional)
  /opt/ml/model/xgboost-model                 in the declared container version's format (argv[1], the
        image tag): a pickled Booster for 0.90-1 .. 1.2-2, Booster.save_model from 1.3-1 on
        (sagemaker-xgboost-container, src/sagemaker_xgboost_container/algorithm_mode/train.py:
        `pkl.dump(bst, f, protocol=4)` on branches 1.2-1 and 1.2-2, `pkl.dump(bst, ...)` on
        0.90-x and 1.0-1, `bst.save_model(model_location)` on 1.3-1, 1.5-1, 1.7-1 and master)
  logs: "[<round>]\ttrain-<metric>:<v>\tvalidation-<metric>:<v>" (CloudWatch shows \t as #011),
        the lines SageMaker's metric definitions (e.g. validation:auc) are read from
  /opt/ml/output/failure                      the reason, when the job fails
"""

import json
import os
import sys

ROOT = "/opt/ml"
CONTAINER_ONLY = {"num_round", "early_stopping_rounds", "csv_weights", "_tuning_objective_metric", "_kfold",
                  "_num_cv_round", "save_model_on_termination", "num_parallel_tree_for_rf"}
# Container versions whose train.py pickles the Booster (see the docstring); later ones save_model.
PICKLED_VERSIONS = ("0.90-1", "0.90-2", "1.0-1", "1.2-1", "1.2-2")
CSV_TYPES = ("text/csv",)
LIBSVM_TYPES = ("text/libsvm", "text/x-libsvm", "libsvm")


def fail(message):
    os.makedirs(os.path.join(ROOT, "output"), exist_ok=True)
    with open(os.path.join(ROOT, "output", "failure"), "w") as f:
        f.write(message)
    sys.stderr.write("ERROR: " + message + "\n")
    sys.exit(1)


def read_json(name):
    path = os.path.join(ROOT, "input", "config", name)
    if not os.path.isfile(path):
        return {}
    with open(path) as f:
        return json.load(f)


def channel_files(channel):
    base = os.path.join(ROOT, "input", "data", channel)
    files = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        files += [os.path.join(dirpath, f) for f in sorted(filenames) if not f.startswith(".")]
    return files


def import_xgboost():
    """xgboost imports scikit-learn when it is installed (~2 s) for its sklearn wrappers, which the
    algorithm does not use: hide it during the import."""
    saved = sys.modules.get("sklearn")
    sys.modules["sklearn"] = None
    try:
        import xgboost
    except ImportError:
        fail("the xgboost package is not installed: pip install '.[local]' from the mlpc source (distribution mlpc-sagemaker)")
    finally:
        if saved is None:
            del sys.modules["sklearn"]
        else:
            sys.modules["sklearn"] = saved
    return xgboost


def read_csv(channel, files):
    """The channel's CSV files as one float32 matrix, read by pandas' C parser (streaming, ~3x the
    file's size at its peak where np.genfromtxt needed ~15x). Empty fields are missing values (NaN),
    as before; DMatrix stores float32 whatever it is given, so nothing is lost."""
    import numpy as np
    import pandas as pd

    parts = []
    for path in files:
        if not os.path.getsize(path):
            continue
        try:
            frame = pd.read_csv(path, header=None, dtype=np.float32, engine="c")
        except (ValueError, pd.errors.ParserError) as exc:
            fail("channel '{}': {}: {}; the built-in XGBoost algorithm expects numeric CSV with the label in the "
                 "first column and no header".format(channel, os.path.basename(path), str(exc).splitlines()[0]))
        parts.append(frame.to_numpy())  # one float32 block: no copy
        del frame
    if not parts:
        return None
    if len({p.shape[1] for p in parts}) > 1:
        fail("channel '{}': the files have different numbers of columns".format(channel))
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def load_channel(xgb, channel, content_type, csv_weights):
    import numpy as np

    files = channel_files(channel)
    if not files:
        return None
    ctype = (content_type or "text/libsvm").split(";")[0].strip().lower()
    if ctype in CSV_TYPES:
        data = read_csv(channel, files)
        if data is None:
            return None
        if data.shape[1] < 2:
            fail("channel '{}': a CSV row needs the label and at least one feature".format(channel))
        if np.isnan(data[:, 0]).any():
            fail("channel '{}': the first column (the label) has empty or non-numeric values; the built-in "
                 "XGBoost algorithm expects CSV with the label in the first column and no header".format(channel))
        if csv_weights:
            return xgb.DMatrix(data[:, 2:], label=data[:, 0], weight=data[:, 1])
        return xgb.DMatrix(data[:, 1:], label=data[:, 0])
    if ctype in LIBSVM_TYPES:
        # xgboost's own streaming libsvm parser, on one file (the files joined, as the container's
        # symlinked folder is read): sagemaker-xgboost-container data_utils.get_libsvm_dmatrix
        import shutil
        import tempfile

        with tempfile.NamedTemporaryFile("wb", suffix=".libsvm", dir=os.path.join(ROOT, "input"),
                                         delete=False) as tmp:
            for path in files:
                with open(path, "rb") as f:
                    shutil.copyfileobj(f, tmp, 1 << 20)
                if os.path.getsize(path):
                    with open(path, "rb") as f:
                        f.seek(-1, os.SEEK_END)
                        if f.read(1) != b"\n":
                            tmp.write(b"\n")
        try:
            return xgb.DMatrix(tmp.name + "?format=libsvm")
        finally:
            os.unlink(tmp.name)
    fail("channel '{}': content type {!r} is not supported locally (use text/csv or text/libsvm)".format(
        channel, content_type))


def main():
    xgb = import_xgboost()
    hps = {k: str(v) for k, v in read_json("hyperparameters.json").items()}
    channels = read_json("inputdataconfig.json")
    if "num_round" not in hps:
        fail("Missing required hyperparameter: num_round")
    try:
        num_round = int(float(hps["num_round"]))
        early = int(float(hps["early_stopping_rounds"])) if hps.get("early_stopping_rounds") else None
    except ValueError as exc:
        fail("invalid hyperparameter value: {}".format(exc))
    csv_weights = hps.get("csv_weights", "0") in ("1", "true", "True")
    params = {k: v for k, v in hps.items() if k not in CONTAINER_ONLY}
    metrics = [m for m in params.pop("eval_metric", "").split(",") if m]
    tuning = hps.get("_tuning_objective_metric", "")
    if ":" in tuning and tuning.split(":", 1)[1] not in metrics:
        metrics.append(tuning.split(":", 1)[1])
    if metrics:
        params["eval_metric"] = metrics

    if "train" not in channels and not channel_files("train"):
        fail("the train channel is required")
    dtrain = load_channel(xgb, "train", (channels.get("train") or {}).get("ContentType"), csv_weights)
    if dtrain is None:
        fail("the train channel has no data")
    evals = [(dtrain, "train")]
    if channel_files("validation"):
        dval = load_channel(xgb, "validation", (channels.get("validation") or {}).get("ContentType"), csv_weights)
        if dval is not None:
            evals.append((dval, "validation"))
    if early and len(evals) < 2:
        fail("early_stopping_rounds needs a validation channel")

    print("Train matrix has {} rows and {} columns".format(dtrain.num_row(), dtrain.num_col()))
    try:
        booster = xgb.train(params, dtrain, num_boost_round=num_round, evals=evals,
                            early_stopping_rounds=early, verbose_eval=True)
    except xgb.core.XGBoostError as exc:
        fail("XGBoost rejected the job: {}".format(str(exc).splitlines()[0]))
    os.makedirs(os.path.join(ROOT, "model"), exist_ok=True)
    version = sys.argv[1] if len(sys.argv) > 1 else ""
    how = save_model(xgb, booster, os.path.join(ROOT, "model", "xgboost-model"), version)
    print("Saved the model to /opt/ml/model/xgboost-model ({})".format(how))


def save_model(xgb, booster, path, version):
    """Write the model as the container of `version` does (PICKLED_VERSIONS pickle it)."""
    if version in PICKLED_VERSIONS:
        import pickle

        with open(path, "wb") as f:
            pickle.dump(booster, f, protocol=4)
        return "pickled Booster, as sagemaker-xgboost " + version
    if int(xgb.__version__.split(".")[0]) >= 2:
        # xgboost >= 2 warns on a name without an extension; the extension picks its default (UBJSON)
        booster.save_model(path + ".ubj")
        os.replace(path + ".ubj", path)
    else:
        booster.save_model(path)
    return "Booster.save_model" + (", as sagemaker-xgboost " + version if version else "")


if __name__ == "__main__":
    main()
