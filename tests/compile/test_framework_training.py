"""Script-mode framework training and tuning details the SDK's estimators decide: the metrics default
(a training job's member, not a tuning job's), TensorFlow's model_dir in its forms."""

from __future__ import annotations

from pathlib import Path

import yaml

from mlpc.api import compile_text

ROOT = Path(__file__).resolve().parents[2]
HEAD = {"pipeline": {"name": "p", "role": "arn:aws:iam::123456789012:role/R", "bucket": "b"},
        "parameters": {"Out": {"type": "String", "default": "s3://b/out"},
                       "Ckpt": {"type": "String", "default": "s3://b/ckpt"}}}
SCRIPT = {"entry_point": "train_sklearn.py", "source_dir": str(ROOT / "step_scripts"),
          "channels": {"train": "s3://b/train/"}}
TF = {"framework": "tensorflow", "framework_version": "2.13", "py_version": "py310", "instance_type": "ml.m5.xlarge",
      **SCRIPT}
TUNING = {"objective": {"metric": "acc", "type": "Maximize"}, "metric_definitions": [{"name": "acc", "regex": "a=(.*)"}],
          "parameter_ranges": {"lr": {"type": "continuous", "min": 0.1, "max": 0.5}}, "max_jobs": 2,
          "max_parallel_jobs": 1}


def _compile(steps: dict):
    doc = {**HEAD, "steps": steps}
    return compile_text(yaml.safe_dump(doc, sort_keys=False), base_dir=ROOT)


def _args(result, name):
    return {s["Name"]: s["Arguments"] for s in result.definition["Steps"]}[name]


def test_metrics_default_is_the_training_jobs_not_the_tuning_jobs():
    torch = {"framework": "pytorch", "framework_version": "2.0.1", "py_version": "py310",
             "instance_type": "ml.m5.xlarge", **SCRIPT}
    result = _compile({"Train": {"type": "training", **torch}, "Tune": {"type": "tuning", **torch, **TUNING}})
    assert result.ok, [d.render() for d in result.diagnostics]
    assert _args(result, "Train")["AlgorithmSpecification"]["EnableSageMakerMetricsTimeSeries"] is True
    assert "EnableSageMakerMetricsTimeSeries" not in _args(result, "Tune")["TrainingJobDefinition"]["AlgorithmSpecification"]


def test_metrics_asked_for_on_a_tuning_step_is_reported_at_the_field():
    result = _compile({"Tune": {"type": "tuning", **TF, **TUNING, "enable_sagemaker_metrics": True}})
    assert not result.ok
    [diag] = [d for d in result.diagnostics if d.code == "A001"]
    assert diag.path[-1] == "enable_sagemaker_metrics", diag


def test_model_dir_follows_a_parameter_output_path():
    result = _compile({"T": {"type": "training", **TF, "output_path": "${params.Out}/tf"}})
    assert result.ok, [d.render() for d in result.diagnostics]
    join = _args(result, "T")["HyperParameters"]["model_dir"]["Std:Join"]
    assert join == {"On": "", "Values": ['"', {"Get": "Parameters.Out"}, "/tf/",
                                         {"Get": "Execution.PipelineExecutionId"}, '/model"']}


def test_model_dir_given_as_a_parameter_is_passed_as_is():
    result = _compile({"T": {"type": "training", **TF, "model_dir": "${params.Ckpt}"}})
    assert result.ok, [d.render() for d in result.diagnostics]
    assert _args(result, "T")["HyperParameters"]["model_dir"] == {"Get": "Parameters.Ckpt"}


def test_model_dir_on_a_builtin_algorithm_is_an_error_at_the_field():
    result = _compile({"T": {"type": "training", "algorithm": "xgboost", "algorithm_version": "1.7-1",
                             "instance_type": "ml.m5.xlarge", "hyperparameters": {"num_round": 5},
                             "model_dir": "s3://b/x"}})
    [diag] = result.diagnostics
    assert (diag.code, diag.path[-1]) == ("J014", "model_dir")


def test_a_framework_step_without_a_script_is_an_error_at_the_framework():
    for kind, extra in (("training", {}), ("tuning", TUNING)):
        result = _compile({"T": {"type": kind, "framework": "sklearn", "framework_version": "1.2-1",
                                 "instance_type": "ml.m5.xlarge", "channels": {"train": "s3://b/train/"}, **extra}})
        [diag] = result.diagnostics
        assert (diag.code, diag.path[-1]) == ("I003", "framework"), diag


def test_framework_xgboost_without_a_script_is_the_builtin_algorithm():
    result = _compile({"T": {"type": "training", "framework": "xgboost", "framework_version": "1.7-1",
                             "instance_type": "ml.m5.xlarge", "hyperparameters": {"num_round": 5},
                             "channels": {"train": "s3://b/train/"}}})
    assert result.ok, [d.render() for d in result.diagnostics]


def test_a_renderers_warning_does_not_fail_the_compile():
    """J013 (parameter servers on eight GPUs) is a warning: the definition is written and the warning kept."""
    result = _compile({"T": {"type": "training", **TF, "instance_type": "ml.p3.16xlarge", "instance_count": 2,
                             "distribution": "parameter_server"}})
    assert result.ok, [d.render() for d in result.diagnostics]
    assert [(w.code, w.path[-1]) for w in result.warnings if w.code != "M041"] == [("J013", "instance_type")]


def test_another_scikit_learn_on_graviton_is_said():
    def model(version):
        return _compile({"M": {"type": "model", "framework": "sklearn", "framework_version": version,
                               "entry_point": "train_sklearn.py", "source_dir": str(ROOT / "step_scripts"),
                               "model_data": "s3://b/model.tar.gz", "instance_type": "ml.c7g.xlarge"}})

    result = model("1.2-1")
    assert result.ok, [d.render() for d in result.diagnostics]
    image = result.definition["Steps"][0]["Arguments"]["PrimaryContainer"]["Image"]
    assert image.endswith("sagemaker-scikit-learn:1.0-1-arm64-cpu-py3")  # the SDK's URI, kept for parity
    [warning] = [w for w in result.warnings if w.code != "M041"]  # HEAD's parameters are unused here
    assert warning.code == "I004" and "runs the 1.0-1 image" in warning.message
    same = model("1.0-1")
    assert same.ok and [w for w in same.warnings if w.code != "M041"] == []


def test_a_warning_does_not_hide_a_shape_error_at_the_same_field():
    """I004 and botocore's A001 (no Graviton processing instances) are both at instance_type: two findings."""
    result = _compile({"P": {"type": "processing", "framework": "sklearn", "framework_version": "1.2-1",
                             "instance_type": "ml.c7g.xlarge", "code": "step_scripts/preprocess.py"}})
    assert sorted(d.code for d in result.diagnostics if d.code != "M041") == ["A001", "I004"]
