"""The Model Monitor emulation (algorithms/model_monitor.py) run as its container runs it: env in,
statistics/constraints/violations out. Each violation type is provoked on purpose."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


PROGRAM = Path(__file__).resolve().parents[2] / "compiler" / "local" / "algorithms" / "model_monitor.py"


def analyse(tmp_path, name, csv_text, **env):
    data = tmp_path / name / "data"
    data.mkdir(parents=True)
    (data / "d.csv").write_text(csv_text)
    out = tmp_path / name / "out"
    full = {**os.environ, "dataset_source": str(data), "output_path": str(out),
            "dataset_format": json.dumps({"csv": {"header": True}}), **env}
    proc = subprocess.run([sys.executable, str(PROGRAM)], env=full, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return {p.name: json.loads(p.read_text()) for p in out.glob("*.json")}


BASE = "age,sex,score\n" + "".join(f"{20 + i % 40},{'female' if i % 2 else 'male'},{i / 10}\n" for i in range(200))


def test_data_quality_violations_of_every_kind(tmp_path):
    base = analyse(tmp_path, "base", BASE)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "statistics.json").write_text(json.dumps(base["statistics.json"]))
    (tmp_path / "b" / "constraints.json").write_text(json.dumps(base["constraints.json"]))
    drifted = "age,sex,extra\n" + "".join(f"{'x' if i == 0 else 60 + i % 10},{'other' if i < 50 else 'male'},1\n"
                                          for i in range(200))
    result = analyse(tmp_path, "now", drifted, baseline_statistics=str(tmp_path / "b" / "statistics.json"),
                     baseline_constraints=str(tmp_path / "b" / "constraints.json"))
    found = {(v["feature_name"], v["constraint_check_type"]) for v in result["constraint_violations.json"]["violations"]}
    assert found >= {("score", "missing_column_check"), ("extra", "extra_column_check"),
                     ("age", "data_type_check"), ("sex", "categorical_values_check"),
                     ("age", "baseline_drift_check"), ("sex", "baseline_drift_check")}


def test_same_data_has_no_violations(tmp_path):
    base = analyse(tmp_path, "base", BASE)
    (tmp_path / "c.json").write_text(json.dumps(base["constraints.json"]))
    (tmp_path / "s.json").write_text(json.dumps(base["statistics.json"]))
    again = analyse(tmp_path, "again", BASE, baseline_constraints=str(tmp_path / "c.json"),
                    baseline_statistics=str(tmp_path / "s.json"))
    assert again["constraint_violations.json"] == {"violations": []}


@pytest.mark.parametrize("flip, violated", [(0.1, False), (0.4, True)])
def test_model_quality_against_its_thresholds(tmp_path, flip, violated):
    def rows(flip):
        n = 200
        return "prediction,label\n" + "".join(f"{(i % 2) ^ (i < flip * n)},{i % 2}\n" for i in range(n))

    env = {"analysis_type": "MODEL_QUALITY", "problem_type": "BinaryClassification",
           "inference_attribute": "prediction", "ground_truth_attribute": "label"}
    base = analyse(tmp_path, "base", rows(0.1), **env)
    assert base["statistics.json"]["binary_classification_metrics"]["accuracy"]["value"] == pytest.approx(0.9)
    (tmp_path / "c.json").write_text(json.dumps(base["constraints.json"]))
    now = analyse(tmp_path, "now", rows(flip), baseline_constraints=str(tmp_path / "c.json"), **env)
    names = {v["metric_name"] for v in now["constraint_violations.json"]["violations"]}
    assert ("accuracy" in names) is violated
    if violated:
        v = next(v for v in now["constraint_violations.json"]["violations"] if v["metric_name"] == "accuracy")
        assert v["constraint_check_type"] == "LessThanThreshold" and "was LessThanThreshold '0.9'" in v["description"]
