"""The governance example end to end on this machine: `mlpc run pipelines/credit-risk.yaml --local`
runs the data quality, data bias and explainability checks, trains, evaluates and registers a
version whose card carries the checks' evidence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from mlpc.cli import app

from .conftest import SCRIPTS, needs_sandbox

runner = CliRunner()
pytestmark = needs_sandbox
ROOT = SCRIPTS.parent


def test_credit_risk_runs_end_to_end_with_its_checks_and_evidence(tmp_path, monkeypatch):
    monkeypatch.delenv("MLPC_WORKSPACE", raising=False)
    for folder in ("pipelines", "step_scripts"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["run", "pipelines/credit-risk.yaml", "--local"])
    assert res.exit_code == 0, res.output
    for step in ("Preprocess", "DataQualityCheck", "DataBiasCheck", "Train", "CreateModel",
                 "ModelExplainabilityCheck", "Evaluate", "CheckAccuracy", "RegisterModel"):
        assert f"{step}: Succeeded" in res.stdout, step
    assert "AccuracyTooLow: Skipped" in res.stdout
    listed = runner.invoke(app, ["models", "list", "credit-risk-models", "--local", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    card = runner.invoke(app, ["models", "card", "credit-risk-models", "1", "--local", "--format", "json"])
    assert card.exit_code == 0, card.output
    text = json.dumps(json.loads(card.stdout))
    # the bias the dataset carries on purpose is in the registered evidence
    assert "DPL" in text and "sex" in text
    assert "CalculatedBaseline" in text or "constraints" in text
