"""Local runner items of issue 10: data put prefixes, describe by pipeline name, JSON-path misses,
the compared values behind a fail step, customer metadata in the local registry."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from mlpc.cli import app
from mlpc.local.evaluate import EvalError, lookup

runner = CliRunner()

GATE = """pipeline:
  name: gate
  role: arn:aws:iam::123456789012:role/R
  bucket: b
parameters:
  Score: {type: Float, default: 0.5}
  GitCommit: {type: String, default: abc123}
steps:
  Check:
    type: condition
    if: params.Score >= 0.8 and params.GitCommit != 'x'
    then: [Register]
    else: [TooLow]
  Register:
    type: register_model
    model_package_group: gate-models
    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
    model_data: s3://b/model.tar.gz
    content_types: [text/csv]
    response_types: [text/csv]
    customer_metadata: {git_commit: "${params.GitCommit}", source: mlpc}
  TooLow:
    type: fail
    message: score too low
"""


def mlpc(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def gate(tmp_path_factory):
    root = tmp_path_factory.mktemp("gate")
    (root / "gate.yaml").write_text(GATE)
    ws = root / "ws"
    low = mlpc("run", root / "gate.yaml", "--local", "--workspace", ws)
    high = mlpc("run", root / "gate.yaml", "--local", "--workspace", ws, "--param", "Score=0.9")
    return root, ws, low, high


def test_a_fail_step_shows_the_values_its_condition_compared(gate):
    _, _, low, _ = gate
    assert low.exit_code == 1
    assert "Fail step TooLow reached: score too low" in low.output
    assert "because Check was false: 0.5 >= 0.8 is false; abc123 != x is true" in low.output


def test_the_local_registry_keeps_customer_metadata(gate):
    _, ws, _, high = gate
    assert high.exit_code == 0, high.output
    res = mlpc("models", "list", "gate-models", "--local", "--workspace", ws, "--format", "json")
    assert res.exit_code == 0, res.output
    [pkg] = json.loads(res.stdout)
    assert pkg["customer_metadata"] == {"git_commit": "abc123", "source": "mlpc"}
    table = mlpc("models", "list", "gate-models", "--local", "--workspace", ws)
    assert table.exit_code == 0 and "abc123" in table.output


def test_a_workspace_from_before_the_evidence_table_still_opens(tmp_path):
    """Customer metadata lives in the evidence table; a workspace made before it existed gains it on open."""
    import re

    from mlpc.local.db import SCHEMA
    from mlpc.local.registry import Registry

    db = tmp_path / "mlpc.db"
    old = re.sub(r"CREATE TABLE IF NOT EXISTS model_package_evidence \([^;]*?\);", "", SCHEMA, flags=re.S)
    assert "model_package_evidence" not in old
    with sqlite3.connect(db) as conn:
        conn.executescript(old)
    pkg = Registry(db).register("g", status="Approved", description=None, execution_id="e", pipeline="p", step="s",
                                image=None, model_data_url=None, inference_spec={}, reports={},
                                evidence={"customer_metadata": {"k": "v"}})
    assert pkg.customer_metadata == {"k": "v"}
    assert Registry(db).list("g")[0].customer_metadata == {"k": "v"}


def test_executions_describe_takes_the_pipeline_name(gate):
    _, ws, _, _ = gate
    newest = mlpc("executions", "describe", "gate", "--local", "--workspace", ws, "--format", "json")
    assert newest.exit_code == 0, newest.output
    rec = json.loads(newest.stdout)
    assert rec["pipeline"] == "gate" and rec["status"] == "Succeeded"
    listed = json.loads(mlpc("executions", "list", "--local", "--workspace", ws, "--format", "json").stdout)
    older = next(r["id"] for r in listed if r["id"] != rec["id"])
    both = mlpc("executions", "describe", "gate", older, "--local", "--workspace", ws, "--format", "json")
    assert both.exit_code == 0 and json.loads(both.stdout)["id"] == older
    lone_id = mlpc("executions", "describe", older, "--local", "--workspace", ws, "--format", "json")
    assert lone_id.exit_code == 0 and json.loads(lone_id.stdout)["id"] == older
    typo = mlpc("executions", "describe", "gaet", "--local", "--workspace", ws)
    assert typo.exit_code == 1 and "did you mean 'gate'?" in typo.output
    wrong = mlpc("executions", "describe", "other", older, "--local", "--workspace", ws)
    assert wrong.exit_code == 1


def test_data_put_into_a_prefix_keeps_the_file_name(tmp_path):
    src = tmp_path / "raw.csv"
    src.write_text("1,2\n")
    ws = tmp_path / "ws"
    res = mlpc("data", "put", src, "s3://bk/prefix/", "--local", "--workspace", ws)
    assert res.exit_code == 0, res.output
    assert (ws / "s3" / "bk" / "prefix" / "raw.csv").read_text() == "1,2\n"
    exact = mlpc("data", "put", src, "s3://bk/exact/name.csv", "--local", "--workspace", ws)
    assert exact.exit_code == 0 and (ws / "s3" / "bk" / "exact" / "name.csv").is_file()
    bucket_only = mlpc("data", "put", src, "s3://bk", "--local", "--workspace", ws)
    assert bucket_only.exit_code == 0 and (ws / "s3" / "bk" / "raw.csv").is_file()


def test_a_json_path_miss_lists_the_keys_and_suggests_one():
    doc = {"metrics": {"accuracy": {"value": 0.9}, "auc": {"value": 0.8}}}
    with pytest.raises(EvalError) as err:
        lookup(doc, ["metrics", "acuracy", "value"], "report.json")
    assert "report.json.metrics has no 'acuracy'" in str(err.value)
    assert "did you mean 'accuracy'?" in str(err.value) and "keys there: accuracy, auc" in str(err.value)
    with pytest.raises(EvalError) as err:
        lookup(doc, ["metrics", "accuracy", "value", "x"], "r")
    assert "not an object" in str(err.value)
