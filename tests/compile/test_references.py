"""Issue 10 item 5: named outputs checked also through raw property paths, property-file paths
relative to their output, and hints for the usual slips (the located diagnostics are in
fixtures/bad: raw_property_path_unknown_output, property_file_path_not_relative,
slip_condition_operators, slip_reference_spelling, slip_jinja_reference)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mlpc import slips
from mlpc.api import compile_text
from mlpc.cli import app

runner = CliRunner()

PIPELINE = """pipeline:
  name: demo
  role: arn:aws:iam::123456789012:role/R
  bucket: b
parameters:
  Data: {type: String, default: s3://b/raw}
steps:
  Prep:
    type: processing
    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
    instance_type: ml.m5.large
    outputs:
      train: {source: /opt/ml/processing/train}
      test: {source: /opt/ml/processing/test}
    property_files:
      Report: {output: test, path: PFPATH}
  Train:
    type: training
    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
    hyperparameters: {num_round: 10}
    instance_type: ml.m5.large
    output_path: s3://b/models
    channels:
      train: {source: "SOURCE"}
"""


def _compile(source: str, pf_path: str = "report.json"):
    return compile_text(PIPELINE.replace("SOURCE", source).replace("PFPATH", pf_path), "p.yaml")


@pytest.mark.parametrize("source", [
    "${steps.Prep.properties.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri}",
    "${steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri}",
    '${steps.Prep.ProcessingOutputConfig.Outputs[\\"train\\"].S3Output.S3Uri}',
])
def test_raw_paths_to_a_declared_output_compile_to_the_named_output(source):
    named = _compile("${steps.Prep.outputs.train}")
    raw = _compile(source)
    assert named.diagnostics == [] and raw.diagnostics == []
    assert json.dumps(raw.definition, sort_keys=True) == json.dumps(named.definition, sort_keys=True)


def test_a_raw_path_by_index_within_the_declared_outputs_is_accepted():
    res = _compile("${steps.Prep.ProcessingOutputConfig.Outputs[1].S3Output.S3Uri}")
    assert res.diagnostics == []


@pytest.mark.parametrize("source, message, hint", [
    ("${steps.Prep.properties.ProcessingOutputConfig.Outputs['trian'].S3Output.S3Uri}",
     "step 'Prep' has no output 'trian'", "did you mean 'train'?"),
    ("${steps.Prep.ProcessingOutputConfig.Outputs[7].S3Output.S3Uri}",
     "step 'Prep' has 2 outputs; index 7 is out of range", "steps.Prep.outputs.train"),
    ("${steps.Prep.outputs}", "'steps.Prep.outputs' needs an output name", "steps.Prep.outputs.test"),
])
def test_raw_and_named_output_mistakes_name_the_declared_outputs(source, message, hint):
    [diag] = _compile(source).diagnostics
    assert (diag.code, diag.message) == ("R009", message)
    assert hint in diag.hint


@pytest.mark.parametrize("path, hint", [("/opt/ml/processing/test/report.json", "path: report.json"),
                                        ("/tmp/report.json", "e.g. path: report.json"),
                                        ("../train/report.json", "e.g. path: report.json"),
                                        ("a/../../report.json", "e.g. path: report.json")])
def test_a_property_file_path_must_be_relative_to_its_output(path, hint):
    [diag] = _compile("${steps.Prep.outputs.train}", path).diagnostics
    assert diag.code == "K004" and hint in diag.hint
    assert diag.path == ("steps", "Prep", "property_files", "Report", "path")


@pytest.mark.parametrize("path", ["report.json", "./nested/report.json", "nested/../report.json"])
def test_relative_property_file_paths_are_accepted(path):
    assert _compile("${steps.Prep.outputs.train}", path).diagnostics == []


@pytest.mark.parametrize("text, offset, meant", [
    ("a = 1", 2, "`==`"), ("a === 1", 4, "`==`"), ("a !== 1", 4, "`!=`"), ("a > 1 && b", 6, "`and`"),
    ("a > 1 || b", 6, "`or`"), ("!(a > 1)", 0, "`not`"), ("a <> 1", 3, "`!=`"), ("a => 1", 3, "`>=`"),
    ("a > 1 AND b > 2", 6, "`and`"), ("a is 1", 2, "`==`"), ("a > 1 Or b > 2", 6, "`or`"),
])
def test_condition_slips_get_the_spelling_of_mlpc(text, offset, meant):
    assert slips.condition_hint(text, offset).startswith(f"write {meant}")


def test_a_condition_error_that_is_no_slip_keeps_its_own_hint():
    assert slips.condition_hint("a > 1 b", 6) is None
    assert slips.condition_hint("a >= (1", 7) is None


@pytest.mark.parametrize("text, hint", [
    ("param.X", "did you mean 'params.X'?"), ("Parameters.X", "did you mean 'params.X'?"),
    ("Steps.A.B", "did you mean 'steps.A.B'?"), ("Execution.PipelineName", "did you mean 'execution.PipelineName'?"),
    ("PropertyFiles.R.a", "did you mean 'files.R.a'?"), ("True", "write `true`, not `True`"),
    ("None", "conditions have no None"),
])
def test_reference_slips(text, hint):
    assert slips.reference_hint(text).startswith(hint)


@pytest.mark.parametrize("text, written", [("$params.X", "$params.X"), ("s3://b/{steps.A.B}/x", "{steps.A.B}"),
                                           ("run $execution.PipelineExecutionId", "$execution.PipelineExecutionId")])
def test_unbraced_references_are_found(text, written):
    offset, got, meant = slips.unbraced_reference(text)
    assert got == written and text[offset:].startswith(written) and meant.startswith("${")


@pytest.mark.parametrize("text", ["s3://b/{prefix}/x", '{"params": 1}', "$HOME/params.txt", "{{ bucket }}",
                                  "files.csv", "see steps.md", "price: $5", "{params}", "x{{params.X}}y"])
def test_ordinary_text_is_not_taken_for_a_reference(text):
    assert slips.unbraced_reference(text) is None


def test_slips_are_errors_with_hints_through_the_cli(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(PIPELINE.replace("SOURCE", "$params.Data").replace("PFPATH", "report.json"), encoding="utf-8")
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 1
    assert "p.yaml:24:23: '$params.Data' is not a reference" in res.output and "write ${params.Data}" in res.output


@pytest.mark.parametrize("source, hint", [
    ("${steps.Prep.outputs['train']}", "write steps.Prep.outputs.train"),
    ("${steps.Prep.outputs.train.S3Uri}", "steps.Prep.outputs.train already is the output's S3 URI"),
    ("${steps.Prep.outputs.train.S3Output.S3Uri}", "write it without '.S3Output.S3Uri'"),
])
def test_output_spellings_from_python_and_the_sdk(source, hint):
    [diag] = _compile(source).diagnostics
    assert diag.code == "R009" and hint in diag.hint


def test_a_tuple_after_in_is_a_list_slip():
    text = "params.Mode in ('a', 'b')"
    assert slips.condition_hint(text, text.index("(")) == "a list is written in brackets: in ['a', 'b']"
