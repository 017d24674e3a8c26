"""QualityCheck and ClarifyCheck steps, as SageMaker SDK v2 renders them, run locally.

fixtures/sdk_governance.json is built by the SDK itself (fixtures/make_sdk_governance.py): the
credit-risk flow with all five check types and RegisterModel with ModelMetrics and
DriftCheckBaselines from the checks' properties. The store is seeded with what the SDK uploaded
(the Clarify analysis configs), the credit-risk data and scripts.
"""

import json

import numpy as np
import pandas as pd
import pytest

from mlpc.local.registry import Registry
from mlpc.local.workspace import Workspace

from .conftest import REPO, get_object, load_fixture, needs_sandbox, put, run, statuses

pytest.importorskip("smclarify")
pytestmark = needs_sandbox
B = "mlpc-test"
RAW = REPO / "pipelines" / "data" / "credit-risk.csv"
GROUP = "credit-risk-models"
CHECKS = ("DataQualityCheck", "DataBiasCheck", "ModelExplainabilityCheck", "ModelBiasCheck", "ModelQualityCheck")


def predictions_csv(rows: int = 400, flip: float = 0.15, seed: int = 0) -> str:
    """prediction,probability,label: a classifier right (1 - flip) of the time."""
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, rows)
    pred = np.where(rng.random(rows) < flip, 1 - label, label)
    prob = np.clip(pred * 0.7 + rng.random(rows) * 0.3, 0, 1)
    return pd.DataFrame({"prediction": pred, "probability": prob.round(4), "label": label}).to_csv(index=False)


def seed(ws, raw_text: str | None = None, predictions: str | None = None):
    put(ws, f"s3://{B}/credit-risk/raw/credit-risk.csv", raw_text or RAW.read_text())
    put(ws, f"s3://{B}/credit-risk/predictions/predictions.csv", predictions or predictions_csv())
    for name in ("preprocess.py", "evaluate.py"):
        put(ws, f"s3://{B}/code/credit_risk/{name}", (REPO / "step_scripts" / "credit_risk" / name).read_text())
    for uri, doc in json.loads((REPO / "tests/local/fixtures/sdk_governance_uploads.json").read_text()).items():
        put(ws, uri, json.dumps(doc))


def props(ws, result, step):
    return json.loads((ws.step_dir(result.record.id, step) / "properties.json").read_text())


def obj(ws, uri):
    data = get_object(ws, uri)
    assert data is not None, f"nothing at {uri}"
    return json.loads(data)


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """The first run: SkipChecks and RegisterNewBaselines (the defaults); every check calculates a baseline."""
    ws = Workspace.at(tmp_path_factory.mktemp("gov") / "ws")
    ws.ensure()
    seed(ws)
    result, _ = run(ws, load_fixture("sdk_governance.json"), pipeline_name="credit-risk-sdk")
    return ws, result


def test_first_run_calculates_baselines_and_registers_them(first):
    ws, result = first
    assert result.ok, (result.record.failure, result.log_tails)
    assert all(statuses(result)[c] == "Succeeded" for c in CHECKS)
    for check in CHECKS:
        p = props(ws, result, check)
        assert p["BaselineUsedForDriftCheckConstraints"] == p["CalculatedBaselineConstraints"]  # RegisterNewBaseline
        assert p["ViolationReport"] is None and p["SkipCheck"] is True
    pkg = Registry(ws.db_path).list(GROUP)[0]
    drift = Registry(ws.db_path).evidence(GROUP, pkg.version)["drift_check_baselines"]
    assert drift["ModelDataQuality"]["Constraints"]["S3Uri"] == props(ws, result, "DataQualityCheck")[
        "CalculatedBaselineConstraints"]
    assert set(pkg.reports) >= {"ModelDataQuality.Statistics", "Bias.PreTrainingReport", "Explainability.Report",
                                "Bias.PostTrainingReport", "ModelQuality.Constraints"}


def test_data_quality_files_follow_model_monitor_formats(first):
    ws, result = first
    p = props(ws, result, "DataQualityCheck")
    stats, constraints = obj(ws, p["CalculatedBaselineStatistics"]), obj(ws, p["CalculatedBaselineConstraints"])
    features = {f["name"]: f for f in stats["features"]}
    assert list(features) == ["default", "age", "sex", "income", "loan_amount", "credit_history_months",
                              "num_open_accounts"]
    assert features["age"]["inferred_type"] == "Integral" and features["income"]["inferred_type"] == "Fractional"
    num = features["income"]["numerical_statistics"]
    assert num["common"]["num_missing"] == 0 and num["min"] <= num["mean"] <= num["max"]
    assert len(num["distribution"]["kll"]["buckets"]) == 10
    assert sum(b["count"] for b in num["distribution"]["kll"]["buckets"]) == stats["dataset"]["item_count"]
    sex = features["sex"]["string_statistics"]
    assert sex["distinct_count"] == 2 and {b["value"] for b in sex["distribution"]["categorical"]["buckets"]} == {
        "female", "male"}
    by_name = {f["name"]: f for f in constraints["features"]}
    assert by_name["sex"]["string_constraints"]["domains"] == ["female", "male"]
    assert by_name["age"]["num_constraints"]["is_non_negative"] is True and by_name["age"]["completeness"] == 1.0
    assert constraints["monitoring_config"]["distribution_constraints"]["comparison_threshold"] == 0.1


def test_bias_report_finds_the_built_in_bias(first):
    ws, result = first
    report = obj(ws, props(ws, result, "DataBiasCheck")["CalculatedBaselineConstraints"])
    pre = report["pre_training_bias_metrics"]
    assert pre["label"] == "default" and list(pre["facets"]) == ["sex"]
    metrics = {m["name"]: m for m in pre["facets"]["sex"][0]["metrics"]}
    assert {"CI", "DPL", "KL", "JS", "LP", "TVD", "KS", "CDDL"} <= set(metrics)
    assert metrics["DPL"]["value"] > 0.15  # women get the favourable label (0, no default) far less often
    assert metrics["CDDL"]["value"] is None and metrics["CDDL"]["error"]  # no group variable: not computable
    post = obj(ws, props(ws, result, "ModelBiasCheck")["CalculatedBaselineConstraints"])["post_training_bias_metrics"]
    names = {m["name"] for m in post["facets"]["sex"][0]["metrics"]}
    assert {"DPPL", "DI", "DCA", "DCR", "RD", "DAR", "DRR", "AD", "TE", "FT"} <= names


def test_explainability_is_tree_shap_global_mean_abs(first):
    ws, result = first
    report = obj(ws, props(ws, result, "ModelExplainabilityCheck")["CalculatedBaselineConstraints"])
    shap = report["explanations"]["kernel_shap"]["label0"]["global_shap_values"]
    assert list(shap) == ["age", "sex", "income", "loan_amount", "credit_history_months", "num_open_accounts"]
    assert all(v >= 0 for v in shap.values())
    assert max(shap, key=shap.get) in ("loan_amount", "income", "credit_history_months")  # the true risk drivers


def test_model_quality_statistics_and_constraints(first):
    ws, result = first
    p = props(ws, result, "ModelQualityCheck")
    stats = obj(ws, p["CalculatedBaselineStatistics"])["binary_classification_metrics"]
    assert stats["accuracy"]["value"] == pytest.approx(0.85, abs=0.05)
    rules = obj(ws, p["CalculatedBaselineConstraints"])["binary_classification_constraints"]
    assert rules["accuracy"] == {"threshold": stats["accuracy"]["value"], "comparison_operator": "LessThanThreshold"}
    assert rules["false_positive_rate"]["comparison_operator"] == "GreaterThanThreshold"


def test_check_without_any_baseline_fails_clearly(first, tmp_path):
    ws = Workspace.at(tmp_path / "ws")
    ws.ensure()
    seed(ws)
    result, _ = run(ws, load_fixture("sdk_governance.json"), {"SkipChecks": False}, pipeline_name="credit-risk-sdk")
    assert not result.ok
    failure = result.record.failure
    assert failure["step"] in CHECKS
    assert "no baseline to check against" in failure["reason"] and GROUP in failure["reason"]


def test_drift_against_the_approved_baseline_fails_the_run(first):
    """Approve version 1 (its DriftCheckBaselines become the baseline), then run on drifted data."""
    ws, _ = first
    reg = Registry(ws.db_path)
    version = reg.list(GROUP)[0].version
    reg.set_status(GROUP, version, "Approved", "baseline for the next run")
    raw = pd.read_csv(RAW)
    raw["income"] = raw["income"] * 3  # the population changed: drift
    seed(ws, raw.to_csv(index=False))
    result, _ = run(ws, load_fixture("sdk_governance.json"),
                    {"SkipChecks": False, "RegisterNewBaselines": False}, pipeline_name="credit-risk-sdk")
    assert not result.ok
    assert statuses(result)["DataQualityCheck"] == "Failed" and statuses(result)["Train"] == "NotStarted"
    reason = result.record.steps["DataQualityCheck"].failure
    assert "violation" in reason and "income: baseline_drift_check" in reason
    assert f"{GROUP} version {version}" in reason
    # the violations file is where the step's ViolationReport says, and lists what the failure says
    report = [o for o in (ws.s3_dir / B / "credit-risk").rglob("constraint_violations.json")
              if "DataQualityCheck" in str(o) and result.record.id in str(o)]
    assert report and any(v["feature_name"] == "income" for v in json.loads(report[0].read_text())["violations"])


def test_same_data_against_the_approved_baseline_passes_and_carries_it_over(first):
    ws, _ = first
    reg = Registry(ws.db_path)
    approved = [p for p in reg.list(GROUP) if p.status == "Approved"][0]
    baseline = reg.evidence(GROUP, approved.version)["drift_check_baselines"]
    seed(ws)
    result, _ = run(ws, load_fixture("sdk_governance.json"),
                    {"SkipChecks": False, "RegisterNewBaselines": False}, pipeline_name="credit-risk-sdk")
    assert result.ok, (result.record.failure, result.log_tails)
    dq = props(ws, result, "DataQualityCheck")
    assert dq["BaselineUsedForDriftCheckConstraints"] == baseline["ModelDataQuality"]["Constraints"]["S3Uri"]
    assert obj(ws, dq["ViolationReport"]) == {"violations": []}
    assert result.record.steps["DataBiasCheck"].detail["violations"] == []
