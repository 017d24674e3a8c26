"""Issue 10 item 2: schema, template and semantic mistakes of one file are reported in one run.

A broken unit (a step, a parameter, a schedule) is withheld; what the rest of the file does wrong
is still reported, and "unknown step 'X'" for a withheld X is not (it is a consequence)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1"

HEAD = """pipeline:
  name: demo
  role: arn:aws:iam::123456789012:role/R
  bucket: b
parameters:
  Threshold: {type: Float, default: 0.5}
"""

STEPS = f"""steps:
  Prep:
    type: processing
    image: {IMAGE}
    instance_type: ml.m5.large
    code: prep.py
    outputs:
      report: {{source: /opt/ml/processing/report}}
    property_files:
      Report: {{output: report, path: report.json}}
  Train:
    type: training
    image: {IMAGE}
    channels:
      train: {{source: "${{steps.Prep.outputs.report}}"}}
  Check:
    type: condition
    if: files.Report.accuracy >= params.Treshold
    then: [Done]
    depends_on: [Train]
  Done:
    type: fail
    message: "model ${{steps.Train.model_data}} with ${{params.Nope}}"
"""


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "prep.py").write_text("print('prep')\n")
    path = tmp_path / "p.yaml"
    path.write_text(text)
    return path


def _diagnostics(res) -> list[tuple[int, str, str]]:
    """(line, code, message) of every printed diagnostic."""
    out = []
    for line in res.stderr.splitlines():
        m = re.match(r".*?:(\d+):\d+: (.*) \[([A-Z]{1,2}\d{3})\]$", line)
        if m:
            out.append((int(m.group(1)), m.group(3), m.group(2)))
    return out


def test_a_missing_field_does_not_hide_mistakes_elsewhere(cli, tmp_path):
    res = cli("validate", _write(tmp_path, HEAD + STEPS))
    assert res.exit_code == 1
    found = _diagnostics(res)
    codes = [c for _, c, _ in found]
    assert "missing required field 'instance_type' in step 'Train'" in res.stderr
    assert ("R002", "unknown parameter 'Treshold'") in [(c, m) for _, c, m in found]
    assert ("R002", "unknown parameter 'Nope'") in [(c, m) for _, c, m in found]
    # Train was withheld: references to it are consequences, not new mistakes
    assert "unknown step 'Train'" not in res.stderr
    assert "G002" not in codes
    assert res.stderr.rstrip().endswith(f"{len(found)} errors")
    assert len(found) == 3, res.stderr


def test_template_schema_and_semantic_mistakes_together(cli, tmp_path):
    text = (HEAD + STEPS).replace("    instance_type: ml.m5.large\n    code: prep.py",
                                  "    instance_type: \"{{ instance }}\"\n    code: prep.py")
    text = text.replace("  Train:\n    type: training\n", "  Train:\n    type: training\n    instance_type: ml.m5.large\n")
    res = cli("validate", _write(tmp_path, text))
    assert res.exit_code == 1
    codes = {c for _, c, _ in _diagnostics(res)}
    assert {"T001", "R002"} <= codes, res.stderr
    # Prep (with the template mistake) was withheld: its property file is not "unknown"
    assert "unknown property file 'Report'" not in res.stderr
    assert "unknown step 'Prep'" not in res.stderr


def test_a_wrong_pipeline_value_is_reported_once_and_the_steps_are_still_checked(cli, tmp_path):
    text = (HEAD + STEPS).replace("  role: arn:aws:iam::123456789012:role/R\n", "")
    text = text.replace("  Train:\n    type: training\n", "  Train:\n    type: training\n    instance_type: ml.m5.large\n")
    res = cli("validate", _write(tmp_path, text))
    assert res.exit_code == 1
    found = _diagnostics(res)
    assert [c for _, c, m in found if "role" in m] == ["S001"], res.stderr  # the missing role, once
    assert "A001" not in {c for _, c, _ in found}  # no RoleArn echo at every job step
    assert {m for _, c, m in found if c == "R002"} == {"unknown parameter 'Treshold'", "unknown parameter 'Nope'"}


def test_a_broken_parameter_is_withheld_without_unknown_parameter_echoes(cli, tmp_path):
    text = HEAD.replace("Threshold: {type: Float, default: 0.5}", "Threshold: {type: Flaot, default: 0.5}")
    text += STEPS.replace("params.Treshold", "params.Threshold").replace(
        "  Train:\n    type: training\n", "  Train:\n    type: training\n    instance_type: ml.m5.large\n")
    res = cli("validate", _write(tmp_path, text))
    assert res.exit_code == 1
    found = _diagnostics(res)
    assert "unknown parameter 'Threshold'" not in res.stderr
    assert [m for _, c, m in found if c == "R002"] == ["unknown parameter 'Nope'"], res.stderr
    assert any(c == "S001" and line == 6 for line, c, _ in found), res.stderr


def test_nothing_to_salvage_reports_the_early_mistakes_only(cli, tmp_path):
    res = cli("validate", _write(tmp_path, HEAD))  # no steps at all
    assert res.exit_code == 1
    assert [c for _, c, _ in _diagnostics(res)] == ["S001"]


@pytest.mark.parametrize("fmt", ["json"])
def test_json_output_lists_every_mistake(cli, tmp_path, fmt):
    res = cli("validate", _write(tmp_path, HEAD + STEPS), "--format", fmt)
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    files = doc["files"] if isinstance(doc, dict) and "files" in doc else doc
    text = json.dumps(files)
    assert "Treshold" in text and "Nope" in text and "instance_type" in text


def test_a_valid_file_is_unaffected(cli, tmp_path):
    text = (HEAD + STEPS).replace("params.Treshold", "params.Threshold").replace(" with ${params.Nope}", "")
    text = text.replace("  Train:\n    type: training\n", "  Train:\n    type: training\n    instance_type: ml.m5.large\n")
    res = cli("validate", _write(tmp_path, text))
    assert res.exit_code == 0, res.output
