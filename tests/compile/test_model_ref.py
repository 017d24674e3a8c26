"""`model: NAME` with a model step that has a schema mistake: the mistake is reported, and the
step naming the withheld model step is not told again that the name is unknown (a consequence)."""

from __future__ import annotations

from typer.testing import CliRunner

from mlpc.cli import app

runner = CliRunner()

PIPELINE = """pipeline:
  name: demo
  role: arn:aws:iam::123456789012:role/R
  bucket: b
steps:
  CreateModel:
    type: model
    algorithm: xgboost
    algorithm_version: "1.7-1"
    model_data: s3://b/model.tar.gz
    colour: blue
  Score:
    type: transform
    model: CreateModel
    instance_type: ml.m5.large
    input: {data: s3://b/in/}
  Register:
    type: register_model
    model: CreatModel
    model_package_group: g
    content_types: [text/csv]
    response_types: [text/csv]
"""


def test_a_withheld_model_step_is_not_unknown_but_a_misspelled_one_is(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(PIPELINE)
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 1
    assert "unknown field 'colour' in step 'CreateModel' [S001]" in res.stderr
    assert "names unknown step 'CreateModel'" not in res.stderr  # withheld, not unknown
    assert "p.yaml:19:12: `model:` names unknown step 'CreatModel' [K020]" in res.stderr, res.stderr
    assert res.stderr.rstrip().endswith("2 errors"), res.stderr


def test_the_model_step_compiles_once_fixed(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(PIPELINE.replace("    colour: blue\n", "").replace("CreatModel", "CreateModel"))
    res = runner.invoke(app, ["compile", str(path)])
    assert res.exit_code == 0, res.output
    assert '"ModelName":{"Get":"Steps.CreateModel.ModelName"}' in res.stdout
