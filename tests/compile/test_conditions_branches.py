"""Issue 10, item 4: condition operands typed (property-file values, quoted literals, `in` lists),
and steps that need a condition to take both branches (G010) or read into a branch (G011).

The bad fixtures (condition_quoted_number, condition_in_list_types, branch_reads_other_branch)
show the errors through the CLI; these tests cover what must stay accepted and the warnings."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mlpc.api import compile_text
from mlpc.cli import app

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
HEAD = f"""\
pipeline:
  name: demo
  role: arn:aws:iam::123456789012:role/R
  bucket: b
parameters:
  Threshold: {{type: Float, default: 0.8}}
  Mode: {{type: String, default: fast}}
  Depth: {{type: Integer, default: 3}}
steps:
  Eval:
    type: processing
    image: {IMAGE}
    instance_type: ml.m5.large
    outputs:
      report: {{source: /opt/ml/processing/report}}
    property_files:
      Report: {{output: report, path: report.json}}
"""


def condition(expr: str) -> str:
    return HEAD + f"""\
  Check:
    type: condition
    if: "{expr}"
    then: [Done]
  Done: {{type: fail, message: "${{params.Mode}} ${{params.Depth}} ${{params.Threshold}}"}}
"""


@pytest.mark.parametrize("expr", [
    "files.Report.metrics.accuracy.value >= 0.8",
    "files.Report.metrics.accuracy.value >= params.Threshold",
    "files.Report.kind == 'good'",  # a JSON string compared with a string
    "files.Report.kind in ['a', 'b']",
    "files.Report.depth in [1, 2.5]",  # numbers mix: Integer and Float are both numbers
    "params.Mode in ['fast', 'slow'] and params.Depth in [1, 2, 3]",
    "params.Threshold <= 1 and params.Depth > 0.5",
])
def test_well_typed_conditions_compile(expr):
    res = compile_text(condition(expr))
    assert res.ok, [d.render() for d in res.diagnostics]


@pytest.mark.parametrize("expr, code, column", [
    ("files.Report.metrics.accuracy.value >= '0.8'", "C012", len("files.Report.metrics.accuracy.value >= ")),
    ("params.Depth > 1 and '0.8' < files.Report.metrics.accuracy.value", "C012", len("params.Depth > 1 and ")),
    ("files.Report.ok > true", "C012", len("files.Report.ok > ")),
    ("params.Depth == '3'", "C013", len("params.Depth == ")),
    ("params.Mode in ['fast', 3]", "C014", len("params.Mode in ['fast', ")),
    ("files.Report.kind in [1, 'two']", "C014", len("files.Report.kind in [1, ")),
    ("params.Threshold in [0.5, false]", "C014", len("params.Threshold in [0.5, ")),
])
def test_mistyped_conditions_are_located_at_the_operand(expr, code, column):
    res = compile_text(condition(expr))
    assert [d.code for d in res.diagnostics] == [code], [d.render() for d in res.diagnostics]
    span = res.diagnostics[0].span
    # `if: "..."`: the scalar starts after the opening quote, 4 + len('if: "') columns in
    assert span.col == 4 + len('if: "') + 1 + column


BRANCHES = f"""\
pipeline:
  name: demo
  role: arn:aws:iam::123456789012:role/R
  bucket: b
parameters:
  Go: {{type: Boolean, default: true}}
steps:
  Check:
    type: condition
    if: params.Go == true
    then: [Register]
    else: [Stop]
  Register:
    type: processing
    image: {IMAGE}
    instance_type: ml.m5.large
    outputs:
      out: {{source: /opt/ml/processing/out}}
  Stop: {{type: fail}}
"""


def test_a_step_outside_the_branch_reading_into_it_is_a_warning():
    text = BRANCHES + f"""\
  After:
    type: processing
    image: {IMAGE}
    instance_type: ml.m5.large
    inputs:
      x: {{source: "${{steps.Register.outputs.out}}", destination: /opt/ml/processing/in}}
  Later:
    type: fail
    depends_on: [After]
"""
    res = compile_text(text)
    assert res.ok, [d.render() for d in res.diagnostics]
    assert [(d.code, d.path) for d in res.warnings] == [
        ("G011", ("steps", "After", "inputs", "x", "source"))]  # once: not again for Later, which follows After
    assert "list 'After' in the then branch of 'Check'" in res.warnings[0].hint


def test_the_same_step_inside_the_branch_is_quiet():
    text = BRANCHES.replace("then: [Register]", "then: [Register, After]") + """\
  After:
    type: fail
    depends_on: [Register]
"""
    res = compile_text(text)
    assert res.ok and res.warnings == [], [d.render() for d in res.diagnostics + res.warnings]


def test_a_step_that_needs_a_branch_of_a_nested_condition_inside_its_own_branch_is_fine():
    text = BRANCHES.replace("then: [Register]", "then: [Register, Inner]") + """\
  Inner:
    type: condition
    if: params.Go == false
    then: [Deep]
  Deep:
    type: fail
    depends_on: [Register]
"""
    res = compile_text(text)
    assert res.ok and res.warnings == [], [d.render() for d in res.diagnostics + res.warnings]


def test_a_step_that_can_never_run_is_reported_once_at_its_root():
    text = BRANCHES.replace("else: [Stop]", "else: [Stop, Other]") + f"""\
  Other:
    type: processing
    image: {IMAGE}
    instance_type: ml.m5.large
    depends_on: [Register]
  Downstream:
    type: fail
    depends_on: [Other]
"""
    res = compile_text(text)
    assert [(d.code, d.path) for d in res.diagnostics] == [("G010", ("steps", "Other", "depends_on", 0))]
    assert "can never run" in res.diagnostics[0].message


def test_validate_prints_the_warnings_and_exits_0(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(BRANCHES.replace("  Go: {type: Boolean, default: true}\n",
                                     "  Go: {type: Boolean, default: true}\n  Spare: {type: Integer, default: 1}\n")
                    + "  After:\n    type: fail\n    depends_on: [Register]\n")
    res = CliRunner().invoke(app, ["validate", str(path)])
    assert res.exit_code == 0, res.output
    assert f"{path}:7:3: warning: parameter 'Spare' is declared but no step uses it [M041]" in res.output
    assert "warning: step 'After' depends on 'Register'" in res.output and "[G011]" in res.output
