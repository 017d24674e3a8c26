"""SageMaker Clarify's processing container, emulated: bias metrics with smclarify, SHAP with xgboost.

Standalone script (no mlpc imports): mlpc runs it in the step sandbox with the container's layout
(sagemaker/clarify.py SageMakerClarifyProcessor):
  /opt/ml/processing/input/config/analysis_config.json   what ClarifyCheckStep uploads
  /opt/ml/processing/input/data/                         the dataset (text/csv)
  /opt/ml/processing/output/analysis.json                the result
  /opt/ml/processing/model/model.tar.gz                  mlpc's stand-in for Clarify's shadow endpoint:
                                                         the model of the step's ModelName (built-in
                                                         XGBoost: "xgboost-model" inside)
  env baseline_constraints                               a baseline analysis.json to check against;
                                                         then constraint_violations.json is written

Bias: `smclarify` (github.com/aws/amazon-sagemaker-clarify, the library behind Clarify's bias
metrics), pre-training (CI, DPL, KL, JS, LP, TVD, KS, CDDL) and post-training (DPPL, DI, DCA(cc),
DCR, RD, DAR, DRR, AD, TE, FT, ...); metrics that cannot be computed (CDDL without a group
variable) carry an "error", as Clarify writes them.
Explainability: exact TreeSHAP from xgboost (`Booster.predict(pred_contribs=True)`) instead of
Clarify's KernelSHAP: exact, deterministic and fast for tree models, in the model's margin
(log-odds) units where KernelSHAP explains the probability; rankings agree, magnitudes differ.
Global values aggregate |SHAP| by `agg_method` (mean_abs, median, mean_sq).
Violations (docs: clarify-model-monitor-bias-drift-violations.html and
clarify-model-monitor-model-attribution-drift-violations.html): a bias metric is a violation when
it is farther from its ideal value (1 for DI, else 0) than in the baseline; explanations are a
violation when the nDCG of the current global SHAP ranking against the baseline's is below 0.9.
"""

import glob
import json
import math
import os
import sys
import tarfile
import tempfile

import numpy as np
import pandas as pd

ROOT = "/opt/ml/processing"
NDCG_THRESHOLD = 0.9
IDEAL = {"DI": 1.0}


def fail(message):
    sys.stderr.write("ERROR: " + message + "\n")
    sys.exit(1)


def read_config():
    path = os.path.join(ROOT, "input", "config", "analysis_config.json")
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as exc:
        fail(f"cannot read the analysis config {path}: {exc}")


def read_dataset(config):
    if config.get("dataset_type", "text/csv") != "text/csv":
        fail(f"dataset_type {config.get('dataset_type')!r} is not supported locally (text/csv is)")
    files = sorted(f for f in glob.glob(os.path.join(ROOT, "input", "data", "**", "*"), recursive=True)
                   if os.path.isfile(f))
    if not files:
        fail("no dataset files under /opt/ml/processing/input/data")
    headers = config.get("headers")
    df = pd.concat([pd.read_csv(f, header=None, dtype=str) for f in files], ignore_index=True)
    if headers:
        if len(headers) != df.shape[1]:
            fail(f"the dataset has {df.shape[1]} columns and the analysis config {len(headers)} headers")
        if [str(v) for v in df.iloc[0]] == [str(h) for h in headers]:
            df = df.iloc[1:].reset_index(drop=True)  # the file has the header row too
        df.columns = headers
    else:
        df.columns = [f"column_{i}" for i in range(df.shape[1])]
    for c in df.columns:  # numbers where every value is one; text stays object (smclarify needs object, not str)
        converted = pd.to_numeric(df[c], errors="coerce")
        df[c] = converted if converted.notna().all() else df[c].astype(object)
    return df


def column_name(df, name_or_index):
    if isinstance(name_or_index, int) or (isinstance(name_or_index, str) and name_or_index not in df.columns
                                          and name_or_index.isdigit()):
        return df.columns[int(name_or_index)]
    if name_or_index not in df.columns:
        fail(f"{name_or_index!r} is not a column (columns: {', '.join(map(str, df.columns))})")
    return name_or_index


def load_booster():
    import xgboost

    archive = os.path.join(ROOT, "model", "model.tar.gz")
    if not os.path.isfile(archive):
        fail("no model to explain: Clarify's model checks need the step's ModelName (a built-in XGBoost model)")
    work = tempfile.mkdtemp(prefix="model-")
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="data")
    found = glob.glob(os.path.join(work, "**", "xgboost-model"), recursive=True)
    if not found:
        fail("the model artifact holds no 'xgboost-model': locally, Clarify's model checks run built-in "
             "XGBoost models only")
    # the shadow endpoint runs the XGBoost serving container, which unpickles the model (1.0-1 ..
    # 1.2-2 write a pickle) or else reads it with load_model (serve_utils.get_loaded_booster)
    try:
        import pickle

        with open(found[0], "rb") as f:
            return pickle.load(f), xgboost
    except Exception:
        booster = xgboost.Booster()
        with open(found[0], "rb") as f:
            booster.load_model(bytearray(f.read()))
        return booster, xgboost


def features(df, label):
    return df[[c for c in df.columns if c != label]]


# ------------------------------------------------------------------ bias

def bias_metrics(df, config, stage, predicted=None):
    from smclarify.bias import report

    label = column_name(df, config["label"])
    facets = config.get("facet") or fail("the analysis config has no facet")
    data = df.copy()
    label_values = config.get("label_values_or_threshold") or fail("label_values_or_threshold is missing")
    out = {"label": str(label), "label_value_or_threshold": ",".join(map(str, label_values)), "facets": {}}
    group = config.get("group_variable")
    group_series = data[column_name(data, group)] if group else None
    methods = (config["methods"].get(f"{stage}_bias") or {}).get("methods", "all")
    for facet in facets:
        name = column_name(data, facet["name_or_index"])
        values = facet.get("value_or_threshold")
        kwargs = {"metrics": methods if methods != "all" else ["all"], "group_variable": group_series}
        label_col = report.LabelColumn(str(label), data[label], label_values)
        facet_col = report.FacetColumn(str(name), values)
        if stage == "pre_training":
            res = report.bias_report(data, facet_col, label_col, report.StageType.PRE_TRAINING, **kwargs)
        else:
            data["_predicted_label"] = predicted
            pred_col = report.LabelColumn("_predicted_label", data["_predicted_label"], label_values)
            res = report.bias_report(data, facet_col, label_col, report.StageType.POST_TRAINING,
                                     predicted_label_column=pred_col, **kwargs)
        out["facets"][str(name)] = [clean(r) for r in res]
    return out


def clean(entry):
    """smclarify's report -> JSON: NaN/inf values become null with the reason, as Clarify writes them."""
    out = {"value_or_threshold": str(entry.get("value_or_threshold")), "metrics": []}
    for m in entry.get("metrics", []):
        value = m.get("value")
        item = {"name": m["name"], "description": m.get("description", "")}
        if isinstance(value, (int, float)) and math.isfinite(value):
            item["value"] = float(value)
        else:
            item["value"] = None
            item["error"] = m.get("error") or "not computable on this data"
        out["metrics"].append(item)
    return out


def predicted_labels(df, config):
    booster, xgboost = load_booster()
    label = column_name(df, config["label"])
    scores = booster.predict(xgboost.DMatrix(features(df, label).to_numpy(dtype=float)))
    threshold = float(config.get("probability_threshold", 0.5))
    return (scores > threshold).astype(int)


def bias_violations(current, baseline, key):
    out = []
    base = (baseline.get(key) or {}).get("facets") or {}
    for facet, entries in (current.get("facets") or {}).items():
        for entry in entries:
            ref = next((e for e in base.get(facet, []) if e["value_or_threshold"] == entry["value_or_threshold"]), None)
            if ref is None:
                continue
            ref_values = {m["name"]: m.get("value") for m in ref["metrics"]}
            for m in entry["metrics"]:
                value, limit = m.get("value"), ref_values.get(m["name"])
                if value is None or limit is None:
                    continue
                ideal = IDEAL.get(m["name"], 0.0)
                if abs(value - ideal) > abs(limit - ideal) + 1e-12:
                    out.append({"facet": facet, "facet_value": entry["value_or_threshold"], "metric_name": m["name"],
                                "constraint_check_type": "bias_drift_check",
                                "description": f"Value {value} does not meet the constraint requirement"})
    return out


# ------------------------------------------------------------------ explainability

AGGREGATE = {"mean_abs": lambda v: np.mean(np.abs(v), axis=0), "median": lambda v: np.median(v, axis=0),
             "mean_sq": lambda v: np.mean(np.square(v), axis=0)}


def shap_explanations(df, config):
    booster, xgboost = load_booster()
    label = config.get("label")
    x = features(df, column_name(df, label)) if label is not None else df
    contribs = booster.predict(xgboost.DMatrix(x.to_numpy(dtype=float)), pred_contribs=True)
    shap, bias = contribs[:, :-1], contribs[:, -1]
    agg = (config["methods"]["shap"] or {}).get("agg_method", "mean_abs")
    if agg not in AGGREGATE:
        fail(f"agg_method {agg!r} is not one of {', '.join(AGGREGATE)}")
    values = AGGREGATE[agg](shap)
    return {"kernel_shap": {"label0": {
        "global_shap_values": {str(c): float(v) for c, v in zip(x.columns, values)},
        "expected_value": float(np.mean(bias))}}}


def ndcg(baseline_values, current_values):
    """nDCG of the current ranking with the baseline's values as relevance."""
    names = list(baseline_values)
    rel = {n: abs(float(baseline_values[n])) for n in names}
    order = sorted(names, key=lambda n: -abs(float(current_values.get(n, 0.0))))
    ideal = sorted(rel.values(), reverse=True)
    dcg = sum(rel[n] / math.log2(i + 2) for i, n in enumerate(order))
    best = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / best if best else 1.0


def explanation_violations(current, baseline):
    out = []
    base = ((baseline.get("explanations") or {}).get("kernel_shap")) or {}
    for label, entry in (current.get("kernel_shap") or {}).items():
        if label not in base:
            continue
        score = ndcg(base[label]["global_shap_values"], entry["global_shap_values"])
        if score < NDCG_THRESHOLD:
            out.append({"label": label, "metric_name": "shap", "constraint_check_type": "feature_attribution_drift_check",
                        "description": f"Feature attribution drift {score:.4f} exceeds threshold {NDCG_THRESHOLD}"})
    return out


# ------------------------------------------------------------------ main

def main():
    config = read_config()
    methods = config.get("methods") or fail("the analysis config has no methods")
    df = read_dataset(config)
    result = {"version": "1.0"}
    if "pre_training_bias" in methods:
        result["pre_training_bias_metrics"] = bias_metrics(df, config, "pre_training")
    if "post_training_bias" in methods:
        result["post_training_bias_metrics"] = bias_metrics(df, config, "post_training", predicted_labels(df, config))
    if "shap" in methods:
        result["explanations"] = shap_explanations(df, config)
    out_dir = os.path.join(ROOT, "output")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "analysis.json"), "w") as f:
        json.dump(result, f, indent=2)
    print(f"analysed {len(df)} records: {', '.join(k for k in result if k != 'version')}")
    baseline_path = os.environ.get("baseline_constraints")
    if baseline_path:
        with open(baseline_path) as f:
            baseline = json.load(f)
        violations = []
        for key in ("pre_training_bias_metrics", "post_training_bias_metrics"):
            if key in result:
                violations += bias_violations(result[key], baseline, key)
        if "explanations" in result:
            violations += explanation_violations(result["explanations"], baseline)
        with open(os.path.join(out_dir, "constraint_violations.json"), "w") as f:
            json.dump({"version": "1.0", "violations": violations}, f, indent=2)
        print(f"checked against the baseline: {len(violations)} violation(s)")
        for v in violations:
            print(f"  {v.get('metric_name')}: {v['description']}")


if __name__ == "__main__":
    main()
