"""SageMaker Model Monitor's analyzer container (sagemaker-model-monitor-analyzer), emulated with pandas.

Standalone script (no mlpc imports): mlpc runs it in the step sandbox with the container's contract,
the environment QualityCheckStep renders (sagemaker/model_monitor/model_monitoring.py
`_generate_env_map`): dataset_source, dataset_format ({"csv": {"header": ...}} or {"json": ...}),
output_path, analysis_type (MODEL_QUALITY, else data quality), problem_type, inference_attribute,
probability_attribute, ground_truth_attribute, probability_threshold_attribute, and, to check
against a baseline, baseline_statistics / baseline_constraints (paths of the baseline files).

Outputs, in the formats AWS documents (the container itself is not open source):
  statistics.json, constraints.json   docs: model-monitor-interpreting-statistics.html,
                                      model-monitor-byoc-constraints.html,
                                      model-monitor-model-quality-metrics.html
  constraint_violations.json          docs: model-monitor-interpreting-violations.html
                                      (only when a baseline is given)
Distributions are exact: the "kll" sketch holds every present value at level 0 (a KLL sketch that
never compacted), its 10 buckets are equal-width between min and max (as documented).
"""

import glob
import json
import math
import os
import sys

import numpy as np
import pandas as pd

TYPE_ORDER = ("Integral", "Fractional", "String")
MONITORING_CONFIG = {  # the defaults the container writes into a suggested constraints.json
    "evaluate_constraints": "Enabled", "emit_metrics": "Enabled",
    "datatype_check_threshold": 1.0, "domain_content_threshold": 1.0,
    "distribution_constraints": {"perform_comparison": "Enabled", "comparison_threshold": 0.1,
                                 "comparison_method": "Robust", "categorical_comparison_threshold": 0.1,
                                 "categorical_drift_method": "LInfinity"}}
MAX_DOMAIN = 20  # string features with at most this many distinct values get a domain constraint
LOWER_IS_WORSE = ("accuracy", "precision", "recall", "f0_5", "f1", "f2", "auc", "true_positive_rate",
                  "true_negative_rate", "r2", "weighted_precision", "weighted_recall", "weighted_f1")
HIGHER_IS_WORSE = ("false_positive_rate", "false_negative_rate", "mae", "mse", "rmse")


def fail(message):
    sys.stderr.write("ERROR: " + message + "\n")
    sys.exit(1)


def read_dataset(source, fmt):
    files = sorted(f for f in glob.glob(os.path.join(source, "**", "*"), recursive=True) if os.path.isfile(f))
    if not files:
        fail(f"no dataset files under {source}")
    if "json" in fmt:
        lines = bool((fmt.get("json") or {}).get("lines", True))
        return pd.concat([pd.read_json(f, lines=lines) for f in files], ignore_index=True)
    header = bool((fmt.get("csv") or {}).get("header", True))
    frames = [pd.read_csv(f, header=0 if header else None, dtype=str, keep_default_na=False) for f in files]
    df = pd.concat(frames, ignore_index=True)
    if not header:
        df.columns = [f"_c{i}" for i in range(df.shape[1])]  # the container's names for headerless CSV
    return df


def value_type(text):
    try:
        int(text)
        return "Integral"
    except ValueError:
        pass
    try:
        float(text)
        return "Fractional"
    except ValueError:
        return "String"


def present(series):
    s = series.astype(str)
    return s[(s != "") & (s.str.lower() != "nan") & series.notna()]


def infer_type(values):
    kinds = set(values.map(value_type))
    return next((t for t in reversed(TYPE_ORDER) if t in kinds), "Unknown") if kinds else "Unknown"


# ------------------------------------------------------------------ data quality

def feature_statistics(name, series, total):
    values = present(series)
    kind = infer_type(values)
    common = {"num_present": int(len(values)), "num_missing": int(total - len(values))}
    if kind in ("Integral", "Fractional"):
        x = values.astype(float).to_numpy()
        lo, hi = float(x.min()), float(x.max())
        edges = np.linspace(lo, hi, 11) if hi > lo else np.array([lo] * 11)
        counts = np.histogram(x, bins=edges)[0] if hi > lo else [len(x)] + [0] * 9
        buckets = [{"lower_bound": float(edges[i]), "upper_bound": float(edges[i + 1]), "count": float(counts[i])}
                   for i in range(10)]
        return {"name": name, "inferred_type": kind, "numerical_statistics": {
            "common": common, "mean": float(x.mean()), "sum": float(x.sum()), "std_dev": float(x.std()),
            "min": lo, "max": hi, "distribution": {"kll": {
                "buckets": buckets, "sketch": {"parameters": {"c": 0.64, "k": 2048.0},
                                               "data": [sorted(float(v) for v in x)]}}}}}
    counts = values.value_counts()
    return {"name": name, "inferred_type": kind, "string_statistics": {
        "common": common, "distinct_count": float(len(counts)),
        "distribution": {"categorical": {"buckets": [{"value": str(v), "count": float(c)}
                                                     for v, c in sorted(counts.items())]}}}}


def data_statistics(df):
    return {"version": 0.0, "dataset": {"item_count": int(len(df))},
            "features": [feature_statistics(str(c), df[c], len(df)) for c in df.columns]}


def data_constraints(stats):
    features = []
    for f in stats["features"]:
        block = f.get("numerical_statistics") or f.get("string_statistics")
        total = block["common"]["num_present"] + block["common"]["num_missing"]
        entry = {"name": f["name"], "inferred_type": f["inferred_type"],
                 "completeness": block["common"]["num_present"] / total if total else 1.0}
        if "numerical_statistics" in f:
            entry["num_constraints"] = {"is_non_negative": f["numerical_statistics"]["min"] >= 0}
        elif f["string_statistics"]["distinct_count"] <= MAX_DOMAIN:
            entry["string_constraints"] = {"domains": [b["value"] for b in
                                                       f["string_statistics"]["distribution"]["categorical"]["buckets"]]}
        features.append(entry)
    return {"version": 0.0, "features": features, "monitoring_config": MONITORING_CONFIG}


def ecdf_distance(a, b):
    """L-infinity distance between two empirical CDFs (the 'Simple'/'Robust' numeric drift distance)."""
    a, b = np.sort(np.asarray(a, float)), np.sort(np.asarray(b, float))
    if not len(a) or not len(b):
        return 0.0
    grid = np.concatenate([a, b])
    return float(np.max(np.abs(np.searchsorted(a, grid, "right") / len(a) - np.searchsorted(b, grid, "right") / len(b))))


def categorical_distance(base_buckets, cur_buckets):
    p = {b["value"]: b["count"] for b in base_buckets}
    q = {b["value"]: b["count"] for b in cur_buckets}
    ps, qs = sum(p.values()) or 1.0, sum(q.values()) or 1.0
    return max((abs(p.get(k, 0) / ps - q.get(k, 0) / qs) for k in set(p) | set(q)), default=0.0)


def data_violations(df, stats, base_stats, base_constraints):
    out = []
    cfg = base_constraints.get("monitoring_config") or MONITORING_CONFIG
    dist = cfg.get("distribution_constraints") or {}
    cur = {f["name"]: f for f in stats["features"]}
    base_features = {f["name"]: f for f in base_constraints.get("features") or []}
    base_dists = {f["name"]: f for f in (base_stats or {}).get("features") or []}

    def add(name, check, text):
        out.append({"feature_name": name, "constraint_check_type": check, "description": text})

    for name in base_features:
        if name not in cur:
            add(name, "missing_column_check", f"Feature {name} of the baseline is missing from the dataset")
    for name in cur:
        if name not in base_features:
            add(name, "extra_column_check", f"Feature {name} is not in the baseline")
    for name, con in base_features.items():
        if name not in cur:
            continue
        values = present(df[name])
        kind = con.get("inferred_type")
        if kind in ("Integral", "Fractional") and len(values):
            ok = values.map(value_type).isin(["Integral"] if kind == "Integral" else ["Integral", "Fractional"])
            share = float(ok.mean())
            if share < float(cfg.get("datatype_check_threshold", 1.0)):
                add(name, "data_type_check", f"Data type match requirement is not met. Expected data type: {kind}, "
                                             f"expected match: {cfg.get('datatype_check_threshold', 1.0) * 100:g}%. "
                                             f"Observed: only {share * 100:.2f}% of data is {kind}.")
        completeness = len(values) / len(df) if len(df) else 1.0
        if "completeness" in con and completeness < float(con["completeness"]):
            add(name, "completeness_check", f"Data completeness requirement is not met. Expected completeness: "
                                            f"{con['completeness'] * 100:g}%. Observed: {completeness * 100:.2f}%.")
        domains = (con.get("string_constraints") or {}).get("domains")
        if domains is not None and len(values):
            share = float(values.isin(domains).mean())
            if share < float(cfg.get("domain_content_threshold", 1.0)):
                add(name, "categorical_values_check", f"Data content requirement is not met. Expected: "
                                                      f"{cfg.get('domain_content_threshold', 1.0) * 100:g}% of values "
                                                      f"in {domains}. Observed: {share * 100:.2f}%.")
        if dist.get("perform_comparison", "Enabled") == "Enabled" and name in base_dists:
            base, now = base_dists[name], cur[name]
            if "numerical_statistics" in base:  # compared on the values that are numbers
                sketch = base["numerical_statistics"]["distribution"]["kll"]["sketch"]["data"]
                numbers = pd.to_numeric(values, errors="coerce").dropna()
                d = ecdf_distance([v for level in sketch for v in level], numbers)
                limit = float(dist.get("comparison_threshold", 0.1))
            elif "string_statistics" in base and "string_statistics" in now:
                d = categorical_distance(base["string_statistics"]["distribution"]["categorical"]["buckets"],
                                         now["string_statistics"]["distribution"]["categorical"]["buckets"])
                limit = float(dist.get("categorical_comparison_threshold", 0.1))
            else:
                continue
            if d > limit:
                add(name, "baseline_drift_check", f"Baseline drift distance: {d:.4f} exceeds threshold: {limit:g}")
    return out


# ------------------------------------------------------------------ model quality

def metric(value):
    return {"value": float(value), "standard_deviation": "NaN"}


def column(df, attr):
    if attr in df.columns:
        return df[attr]
    if str(attr).isdigit() and int(attr) < df.shape[1]:
        return df.iloc[:, int(attr)]
    fail(f"attribute {attr!r} is not a column of the dataset (columns: {', '.join(map(str, df.columns))})")


def model_quality(df, env):
    from sklearn import metrics as m

    problem = env.get("problem_type", "BinaryClassification")
    truth = column(df, env.get("ground_truth_attribute") or fail("ground_truth_attribute is not set"))
    if problem == "Regression":
        y, p = truth.astype(float), column(df, env.get("inference_attribute")).astype(float)
        mse = m.mean_squared_error(y, p)
        block = {"mae": metric(m.mean_absolute_error(y, p)), "mse": metric(mse), "rmse": metric(math.sqrt(mse)),
                 "r2": metric(m.r2_score(y, p))}
        return "regression_metrics", block
    if problem == "MulticlassClassification":
        y, p = truth.astype(str), column(df, env.get("inference_attribute")).astype(str)
        block = {"accuracy": metric(m.accuracy_score(y, p))}
        for name, fn in (("precision", m.precision_score), ("recall", m.recall_score), ("f1", m.f1_score)):
            block[f"weighted_{name}"] = metric(fn(y, p, average="weighted", zero_division=0))
        return "multiclass_classification_metrics", block
    y = truth.astype(float).astype(int).to_numpy()
    prob = None
    if env.get("probability_attribute"):
        prob = column(df, env["probability_attribute"]).astype(float).to_numpy()
    if env.get("inference_attribute"):
        pred = column(df, env["inference_attribute"]).astype(float).astype(int).to_numpy()
    elif prob is not None:
        pred = (prob >= float(env.get("probability_threshold_attribute") or 0.5)).astype(int)
    else:
        fail("BinaryClassification needs inference_attribute or probability_attribute")
    tp, tn = int(((y == 1) & (pred == 1)).sum()), int(((y == 0) & (pred == 0)).sum())
    fp, fn = int(((y == 0) & (pred == 1)).sum()), int(((y == 1) & (pred == 0)).sum())
    rate = lambda a, b: a / (a + b) if a + b else 0.0  # noqa: E731
    block = {"confusion_matrix": {"0": {"0": tn, "1": fp}, "1": {"0": fn, "1": tp}},
             "recall": metric(rate(tp, fn)), "precision": metric(rate(tp, fp)),
             "accuracy": metric((tp + tn) / len(y) if len(y) else 0.0),
             "true_positive_rate": metric(rate(tp, fn)), "true_negative_rate": metric(rate(tn, fp)),
             "false_positive_rate": metric(rate(fp, tn)), "false_negative_rate": metric(rate(fn, tp))}
    for beta, name in ((0.5, "f0_5"), (1.0, "f1"), (2.0, "f2")):
        block[name] = metric(m.fbeta_score(y, pred, beta=beta, zero_division=0))
    if prob is not None and len(set(y)) == 2:
        block["auc"] = metric(m.roc_auc_score(y, prob))
    return "binary_classification_metrics", block


def model_constraints(section, block):
    out = {}
    for name, entry in block.items():
        if name in LOWER_IS_WORSE:
            out[name] = {"threshold": entry["value"], "comparison_operator": "LessThanThreshold"}
        elif name in HIGHER_IS_WORSE:
            out[name] = {"threshold": entry["value"], "comparison_operator": "GreaterThanThreshold"}
    return {"version": 0.0, section.replace("_metrics", "_constraints"): out}


def model_violations(section, block, base_constraints):
    out = []
    for name, rule in (base_constraints.get(section.replace("_metrics", "_constraints")) or {}).items():
        if name not in block:
            continue
        value, limit, op = block[name]["value"], float(rule["threshold"]), rule.get("comparison_operator")
        if (op == "LessThanThreshold" and value < limit) or (op == "GreaterThanThreshold" and value > limit):
            out.append({"metric_name": name, "constraint_check_type": op,
                        "description": f"Metric {name} with {value:.6g} +/- NaN was {op} '{limit:g}'"})
    return out


# ------------------------------------------------------------------ main

def read_json_env(env, name):
    path = env.get(name)
    if not path:
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as exc:
        fail(f"cannot read {name} {path}: {exc}")


def write(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)


def main():
    env = os.environ
    out_dir = env.get("output_path") or "/opt/ml/processing/output"
    os.makedirs(out_dir, exist_ok=True)
    try:
        fmt = json.loads(env.get("dataset_format") or '{"csv": {"header": true}}')
    except ValueError:
        fail(f"dataset_format is not JSON: {env.get('dataset_format')!r}")
    df = read_dataset(env.get("dataset_source") or "/opt/ml/processing/input/baseline_dataset_input", fmt)
    base_stats, base_constraints = read_json_env(env, "baseline_statistics"), read_json_env(env, "baseline_constraints")
    if env.get("analysis_type") == "MODEL_QUALITY":
        section, block = model_quality(df, env)
        stats = {"version": 0.0, "dataset": {"item_count": int(len(df))}, section: block}
        constraints = model_constraints(section, block)
        violations = model_violations(section, block, base_constraints) if base_constraints else None
    else:
        stats = data_statistics(df)
        constraints = data_constraints(stats)
        violations = data_violations(df, stats, base_stats, base_constraints) if base_constraints else None
    write(os.path.join(out_dir, "statistics.json"), stats)
    write(os.path.join(out_dir, "constraints.json"), constraints)
    print(f"analysed {len(df)} records: statistics.json, constraints.json")
    if violations is not None:
        write(os.path.join(out_dir, "constraint_violations.json"), {"violations": violations})
        print(f"checked against the baseline: {len(violations)} violation(s)")
        for v in violations:
            print(f"  {v.get('feature_name') or v.get('metric_name')}: {v['constraint_check_type']}: {v['description']}")


if __name__ == "__main__":
    main()
