"""mlpc models card / history / rollback, and the live version in models list: on moto's Model
Registry and on the local registry, with the same versions, giving the same output."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from deploy_support import cli
from evidence_docs import BUCKET, CARD, GROUP, SPEC, drift, model_metrics

from mlpc.local.registry import Registry
from mlpc.local.store import LocalStore, parse_s3_uri
from mlpc.local.workspace import Workspace

ACCURACIES = (0.81, 0.86, 0.84)


def arrange_aws(moto):
    moto.s3.create_bucket(Bucket=BUCKET)
    moto.sm.create_model_package_group(ModelPackageGroupName=GROUP)
    for version, acc in enumerate(ACCURACIES, start=1):
        metrics, objects = model_metrics(version, acc)
        for uri, doc in objects.items():
            moto.s3.put_object(Bucket=BUCKET, Key=uri.split("/", 3)[3], Body=json.dumps(doc))
        moto.sm.create_model_package(ModelPackageGroupName=GROUP, InferenceSpecification=SPEC,
                                     ModelApprovalStatus="PendingManualApproval", ModelMetrics=metrics,
                                     DriftCheckBaselines=drift(version), MetadataProperties={"CommitId": f"c{version}"})


def arrange_local(tmp_path) -> Workspace:
    ws = Workspace.at(tmp_path / "ws")
    ws.ensure()
    store, reg = LocalStore(ws.s3_dir), Registry(ws.db_path)
    for version, acc in enumerate(ACCURACIES, start=1):
        metrics, objects = model_metrics(version, acc)
        reports = {}
        for uri, doc in objects.items():
            store.put_bytes(parse_s3_uri(uri)[0], json.dumps(doc).encode())
        for section, entries in metrics.items():
            for kind, src in entries.items():
                reports[f"{section}.{kind}"] = objects[src["S3Uri"]]
        reg.register(GROUP, status="PendingManualApproval", description=None, execution_id=f"e{version}",
                     pipeline="credit-risk", step="RegisterModel", image=SPEC["Containers"][0]["Image"],
                     model_data_url=SPEC["Containers"][0]["ModelDataUrl"], inference_spec=SPEC, reports=reports,
                     evidence={"model_metrics": metrics, "drift_check_baselines": drift(version),
                               "model_card": CARD if version == 2 else None,
                               "lineage": {"pipeline": "credit-risk", "git_commit": f"c{version}"}})
    return ws


@pytest.fixture
def local_ws(tmp_path):
    return ["--local", "--workspace", str(arrange_local(tmp_path).root)]


def both(moto, tmp_path):
    """[(name, extra CLI arguments)] for AWS (moto) and the local registry, both arranged."""
    arrange_aws(moto)
    return [("aws", []), ("local", ["--local", "--workspace", str(arrange_local(tmp_path).root)])]


# ------------------------------------------------------------------ card

def test_card_shows_every_section(moto, tmp_path):
    for where, extra in both(moto, tmp_path):
        result = cli("models", "card", GROUP, "1", *extra)
        assert result.exit_code == 0, (where, result.output)
        out = result.stdout
        for heading in ("## Model card", "## Approval", "## Quality metrics", "## Bias metrics",
                        "## Explainability (top features)", "## Data quality", "## Lineage", "## Drift baselines"):
            assert heading in out, (where, heading)
        assert "This version has no model card." in out
        assert "| accuracy | 0.81 |" in out and "| pre-training | sex=female | DPL | 0.21 |" in out
        assert out.index("| loan_amount |") < out.index("| income |") < out.index("| sex |")  # ranked by |SHAP|
        assert "| age | Integral | 0 | mean 41, min 21, max 75 |" in out
        assert f"s3://{BUCKET}/v1/dq/constraints.json" in out and "| git commit | c1 |" in out


def test_card_json_is_the_same_on_aws_and_locally(moto, tmp_path):
    records = {}
    for where, extra in both(moto, tmp_path):
        result = cli("models", "card", GROUP, "1", "--format", "json", *extra)
        assert result.exit_code == 0, (where, result.output)
        records[where] = json.loads(result.stdout)
    keep = ("quality_metrics", "bias_metrics", "top_features", "data_quality", "model_metrics", "drift_baselines",
            "status", "version", "group", "model_card")
    assert {k: records["aws"][k] for k in keep} == {k: records["local"][k] for k in keep}


def test_local_card_with_a_model_card_html_to_a_file(local_ws, tmp_path):
    out = tmp_path / "card.html"
    result = cli("models", "card", GROUP, "2", "--format", "html", "-o", out, *local_ws)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("<!DOCTYPE html>") and "Predicts loan default" in text and "Status: Draft" in text


def test_card_errors_write_nothing(local_ws, tmp_path):
    out = tmp_path / "card.md"
    result = cli("models", "card", GROUP, "9", "-o", out, *local_ws)
    assert result.exit_code == 1 and "has no version 9" in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".card.md.*"))
    missing = cli("models", "card", GROUP, "1", "-o", tmp_path / "no" / "card.md", *local_ws)
    assert missing.exit_code == 1 and "no folder" in missing.stderr


# ------------------------------------------------------------------ history

def test_history_table_and_metric(moto, tmp_path):
    for where, extra in both(moto, tmp_path):
        result = cli("models", "history", GROUP, "--metric", "accuracy", "--json", *extra)
        assert result.exit_code == 0, (where, result.output)
        rows = json.loads(result.stdout)
        assert [r["version"] for r in rows] == ["1", "2", "3"]
        assert [r["accuracy"] for r in rows] == ["0.81", "0.86", "0.84"]
        bad = cli("models", "history", GROUP, "--metric", "acuracy", *extra)
        assert bad.exit_code == 1 and "no version has a metric 'acuracy'" in bad.stderr and "accuracy" in bad.stderr


def test_history_plot_png_and_missing_extra(local_ws, tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    png = tmp_path / "h.png"
    result = cli("models", "history", GROUP, "--plot", png, *local_ws)
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if the 'plot' extra were not installed
    no = cli("models", "history", GROUP, "--plot", tmp_path / "x.svg", *local_ws)
    assert no.exit_code == 1 and "mlpc-sagemaker[plot]" in no.stderr and not (tmp_path / "x.svg").exists()


# ------------------------------------------------------------------ rollback and the live version

def test_rollback_reapproves_the_previous_version_and_rejects_the_live_one(moto, tmp_path):
    for where, extra in both(moto, tmp_path):
        for version in ("1", "2"):
            assert cli("models", "approve", GROUP, version, *extra).exit_code == 0
        listed = json.loads(cli("models", "list", GROUP, "--format", "json", *extra).stdout)
        assert [v["version"] for v in listed if v["live"]] == [2], where
        result = cli("models", "rollback", GROUP, "--reason", "AUC dropped in production", *extra)
        assert result.exit_code == 0, (where, result.output)
        assert "version 1 is live" in result.stdout and "rejected version(s) 2" in result.stdout
        listed = {v["version"]: v for v in json.loads(cli("models", "list", GROUP, "--format", "json", *extra).stdout)}
        assert listed[2]["status"] == "Rejected" and listed[1]["status"] == "Approved" and listed[1]["live"]
        card = cli("models", "card", GROUP, "2", "--format", "json", *extra)
        history = json.loads(card.stdout)["approval_history"]
        assert [h["status"] for h in history][-2:] == ["Approved", "Rejected"], where
        assert history[-1]["reason"] == "AUC dropped in production"
        again = cli("models", "rollback", GROUP, *extra)
        assert again.exit_code == 1 and "no version was approved before the live version 1" in again.stderr


def test_rollback_to_an_explicit_version_and_without_a_live_one(local_ws):
    none = cli("models", "rollback", GROUP, *local_ws)
    assert none.exit_code == 1 and "no live version" in none.stderr
    assert cli("models", "approve", GROUP, "3", *local_ws).exit_code == 0
    result = cli("models", "rollback", GROUP, "--to", "1", *local_ws)
    assert result.exit_code == 0, result.output
    assert "version 1 is live" in result.stdout
    same = cli("models", "rollback", GROUP, "--to", "1", *local_ws)
    assert same.exit_code == 1 and "already the live version" in same.stderr


def test_local_evidence_commands_do_not_import_boto3(tmp_path):
    args = ["--local", "--workspace", str(arrange_local(tmp_path).root)]
    code = ("import sys; from mlpc.cli import main; sys.argv = ['mlpc', 'models', 'card', %r, '1', *%r]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'boto3 imported'" % (GROUP, args))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "## Quality metrics" in proc.stdout
