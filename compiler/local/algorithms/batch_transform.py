"""Batch inference inside the step sandbox, as a SageMaker serving container would do it.

Standalone script (no mlpc imports). Reads /opt/ml/input/config/transform.json:
  kind            "xgboost" (built-in algorithm: /opt/ml/model/xgboost-model, pickled or save_model'd,
                             loaded as the container's serving code does; content_type text/csv or
                             libsvm, libsvm when unset, as the container; one str(prediction) a line) or
                  "script"  (framework script mode: model_fn/input_fn/predict_fn/output_fn)
  program, code_dir   the inference module and where it is (script mode)
  content_type, accept, split_type (Line|None), batch_strategy (MultiRecord|SingleRecord),
  assemble_with (Line|None), input_filter, output_filter, join_source (Input|None)
Inputs: /opt/ml/transform/input/**, outputs: /opt/ml/transform/output/<same path>.out
Filters are SageMaker's JSONPath subset for CSV records: $, $[i], $[i,j,...], $[a:b].
"""

import importlib
import io
import json
import os
import sys

ROOT = "/opt/ml"
PKL_FORMAT, XGB_FORMAT = "pkl_format", "xgb_format"  # serve_utils' names
CSV, LIBSVM = "csv", "libsvm"
IN_DIR = os.path.join(ROOT, "transform", "input")
OUT_DIR = os.path.join(ROOT, "transform", "output")


def fail(message):
    sys.stderr.write("ERROR: " + message + "\n")
    sys.exit(1)


def csv_filter(expr):
    """A CSV record filter from a JSONPath subset, or None for the identity."""
    expr = (expr or "$").replace(" ", "")
    if expr == "$":
        return None
    if not (expr.startswith("$[") and expr.endswith("]")):
        fail("filter {!r} is not supported locally (use $, $[i], $[i,j] or $[a:b])".format(expr))
    inner = expr[2:-1]
    if ":" in inner:
        lo, _, hi = inner.partition(":")
        s = slice(int(lo) if lo else None, int(hi) if hi else None)
        return lambda fields: fields[s]
    idx = [int(i) for i in inner.split(",")]
    return lambda fields: [fields[i] for i in idx]


def apply_filter(record, flt):
    return record if flt is None else ",".join(flt(record.split(",")))


def load_booster(xgb, model_dir):
    """The model as the built-in algorithm's serving code loads it: the first file in the model dir
    (dotfiles ignored), unpickled, or else read with Booster.load_model; -> (booster, format).
    sagemaker-xgboost-container, src/sagemaker_xgboost_container/algorithm_mode/serve_utils.py
    get_loaded_booster (the same on every branch from 1.0-1 to master)."""
    import pickle

    names = sorted(f for f in os.listdir(model_dir)
                   if os.path.isfile(os.path.join(model_dir, f)) and not f.startswith("."))
    if not names:
        fail("the model artifact holds no model file (expected xgboost-model)")
    path = os.path.join(model_dir, "xgboost-model" if "xgboost-model" in names else names[0])
    try:
        with open(path, "rb") as f:
            return pickle.load(f), PKL_FORMAT
    except Exception as exp_pkl:
        try:
            booster = xgb.Booster()
            with open(path, "rb") as f:  # from memory: xgboost >= 2 warns about a path without an extension
                booster.load_model(bytearray(f.read()))
            return booster, XGB_FORMAT
        except Exception as exp_xgb:
            fail("Model {} cannot be loaded:\nPickle load error={}\nXGB load model error={}".format(
                os.path.basename(path), exp_pkl, exp_xgb))


def content_type_of(value):
    """serve_utils.parse_content_data / data_utils.get_content_type: no Content-Type means libsvm."""
    if value is None or not str(value).strip():
        return LIBSVM
    ctype, _, params = str(value).lower().partition(";")
    ctype = ctype.strip()
    if ctype in ("csv", "text/csv"):
        if "label_size" in params.replace(" ", "") and "label_size=1" not in params.replace(" ", ""):
            fail("{} is not an accepted csv ContentType. Optional parameter label_size must be equal to 1".format(value))
        return CSV
    if ctype in ("libsvm", "text/libsvm", "text/x-libsvm"):
        return LIBSVM
    if ctype in ("application/x-recordio-protobuf", "recordio-protobuf"):
        fail("ContentType {} (recordio-protobuf) is not supported locally: use text/csv or text/libsvm".format(value))
    fail("Content-type {} is not supported.".format(value))


def libsvm_matrix(payload):
    """serve_utils._get_sparse_matrix_from_libsvm: `label idx:val ...` rows (the label is ignored)."""
    from scipy.sparse import csr_matrix

    row, col, data = [], [], []
    for row_idx, line in enumerate(payload.split("\n")):
        for item in line.split(" "):
            if ":" in item:
                idx, val = item.split(":")[:2]
                row.append(row_idx)
                col.append(int(idx))
                data.append(float(val))
    return csr_matrix((data, (row, col)))


def xgboost_model():
    sys.modules["sklearn"] = None  # xgboost imports scikit-learn (~2 s) for wrappers not used here
    try:
        import xgboost as xgb
    finally:
        del sys.modules["sklearn"]

    booster, model_format = load_booster(xgb, os.path.join(ROOT, "model"))

    def predict(payload, content_type, accept):
        import numpy as np

        ctype = content_type_of(content_type)
        payload = payload.strip()
        try:
            if ctype == CSV:
                dtest = xgb.DMatrix(np.loadtxt(io.StringIO(payload), delimiter=",", ndmin=2))
            else:
                dtest = xgb.DMatrix(libsvm_matrix(payload))
        except ValueError as exc:
            fail("Loading {} data failed: {} (ContentType {!r}{})".format(
                ctype, exc, content_type, "; without a ContentType the container reads libsvm" if
                content_type is None else ""))
        if model_format == PKL_FORMAT:  # serve_utils.predict's feature-count check for pickled models
            x, y = booster.num_features(), dtest.num_col()
            if ctype == LIBSVM and y > x + 1:
                fail("Feature size of libsvm inference data {} is larger than feature size of trained model "
                     "{}.".format(y, x))
            if ctype == CSV and not (x == y or x == y + 1):
                fail("Feature size of csv inference data {} is not consistent with feature size of trained "
                     "model {}.".format(y, x))
        preds = booster.predict(dtest, validate_features=False)
        # SAGEMAKER_BATCH: "\n".join(map(str, preds.tolist())) + "\n" (algorithm_mode/serve.py)
        return "\n".join(map(str, preds.tolist())) + "\n"
    return predict


def script_model(cfg):
    code_dir = cfg.get("code_dir") or os.path.join(ROOT, "model", "code")
    program = cfg.get("program") or ""
    if not os.path.isfile(os.path.join(code_dir, program)):
        fail("inference script {!r} not found in {}".format(program, code_dir))
    sys.path.insert(0, code_dir)
    module = importlib.import_module(program[:-3] if program.endswith(".py") else program)
    if not hasattr(module, "model_fn"):
        fail("{} defines no model_fn(model_dir)".format(program))
    model = module.model_fn(os.path.join(ROOT, "model"))

    def default_input(body, content_type):
        import numpy as np

        return np.loadtxt(io.StringIO(body), delimiter=",", ndmin=2)

    def default_output(prediction, accept):
        import numpy as np

        return "".join("{}\n".format(v) for v in np.ravel(prediction).tolist())

    input_fn = getattr(module, "input_fn", default_input)
    predict_fn = getattr(module, "predict_fn", lambda data, m: m.predict(data))
    output_fn = getattr(module, "output_fn", default_output)

    def predict(payload, content_type, accept):
        result = output_fn(predict_fn(input_fn(payload, content_type), model), accept)
        if isinstance(result, tuple):
            result = result[0]
        return result.decode("utf-8") if isinstance(result, bytes) else str(result)
    return predict


def batches(records, cfg):
    if cfg.get("batch_strategy") == "SingleRecord":
        return [[r] for r in records]
    limit = int(float(cfg.get("max_payload_mb") or 6) * 1024 * 1024)
    out, cur, size = [], [], 0
    for r in records:
        if cur and size + len(r) + 1 > limit:
            out.append(cur)
            cur, size = [], 0
        cur.append(r)
        size += len(r) + 1
    return out + ([cur] if cur else [])


def transform_file(path, predict, cfg):
    with open(path, "rb") as f:
        data = f.read()
    if cfg.get("compression") == "Gzip":
        import gzip

        data = gzip.decompress(data)
    text = data.decode("utf-8")
    split = cfg.get("split_type") or "None"
    if split == "Line":
        records = [line for line in text.splitlines() if line.strip()]
    elif split == "None":
        records = [text]
    else:
        fail("SplitType {} is not supported locally (use Line or None)".format(split))
    in_filter, out_filter = csv_filter(cfg.get("input_filter")), csv_filter(cfg.get("output_filter"))
    join = cfg.get("join_source") == "Input"
    results = []
    for batch in batches(records, cfg):
        payload = "\n".join(apply_filter(r, in_filter) for r in batch)
        response = predict(payload, cfg.get("content_type"), cfg.get("accept"))
        lines = [line for line in response.splitlines() if line.strip()] if split == "Line" else [response]
        if (join or out_filter) and len(lines) != len(batch):
            fail("the model returned {} lines for {} records; JoinSource/OutputFilter need one per record".format(
                len(lines), len(batch)))
        for record, line in zip(batch, lines) if (join or out_filter) else [(None, x) for x in lines]:
            joined = record + "," + line if join else line
            results.append(apply_filter(joined, out_filter))
    sep = "\n" if cfg.get("assemble_with") == "Line" else ""
    return sep.join(results) + ("\n" if sep and results else "")


def main():
    with open(os.path.join(ROOT, "input", "config", "transform.json")) as f:
        cfg = json.load(f)
    predict = xgboost_model() if cfg.get("kind") == "xgboost" else script_model(cfg)
    count = 0
    for dirpath, dirnames, filenames in os.walk(IN_DIR):
        dirnames.sort()
        for name in sorted(filenames):
            src = os.path.join(dirpath, name)
            rel = os.path.relpath(src, IN_DIR)
            dest = os.path.join(OUT_DIR, rel + ".out")
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "w") as f:
                f.write(transform_file(src, predict, cfg))
            count += 1
            print("transformed {} -> {}".format(rel, rel + ".out"))
    if not count:
        fail("no input files")


if __name__ == "__main__":
    main()
