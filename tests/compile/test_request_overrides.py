"""`request:`, the escape hatch: deep-merged into every job step's Create* request (mlpc.request_overrides)."""

from __future__ import annotations

import pytest

from mlpc.api import compile_text
from mlpc.stepkinds import KINDS

XGB = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
HEAD = """
pipeline: {name: demo, role: "arn:aws:iam::123456789012:role/R", bucket: b}
parameters:
  DebugPrefix: {type: String, default: "s3://b/debug"}
  Retries: {type: Integer, default: 2}
steps:
"""

TRAIN = HEAD + f"""
  Train:
    type: training
    image: {XGB}
    hyperparameters: {{num_round: 10}}
    instance_type: ml.m5.xlarge
    environment: {{A: "1", B: "2"}}
    channels:
      train: "s3://b/train/"
      validation: "s3://b/validation/"
    security: {{network_isolation: true}}
    request:
      DebugHookConfig:
        S3OutputPath: "${{params.DebugPrefix}}/${{execution.PipelineExecutionId}}"
        CollectionConfigurations: [{{CollectionName: losses, CollectionParameters: {{save_interval: "10"}}}}]
      CheckpointConfig: {{S3Uri: "s3://b/checkpoints", LocalPath: /opt/ml/checkpoints}}
      RetryStrategy: {{MaximumRetryAttempts: "${{params.Retries}}"}}
      ResourceConfig: {{InstanceType: ml.c5.2xlarge, KeepAlivePeriodInSeconds: 300}}
      Environment: {{B: null, C: "3"}}
      InputDataConfig: [{{ChannelName: train, DataSource: {{S3DataSource: {{S3DataType: S3Prefix, S3Uri: "s3://b/other/"}}}}}}]
      EnableNetworkIsolation: false
"""


def _compiled(text):
    result = compile_text(text)
    assert result.ok, [d.render() for d in result.diagnostics]
    return result


def _args(result, name):
    return next(s for s in result.definition["Steps"] if s["Name"] == name)["Arguments"]


def test_mappings_merge_recursively_and_the_override_wins():
    args = _args(_compiled(TRAIN), "Train")
    assert args["ResourceConfig"] == {"InstanceType": "ml.c5.2xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30,
                                      "KeepAlivePeriodInSeconds": 300}
    assert args["CheckpointConfig"] == {"S3Uri": "s3://b/checkpoints", "LocalPath": "/opt/ml/checkpoints"}
    assert args["DebugHookConfig"]["CollectionConfigurations"] == [
        {"CollectionName": "losses", "CollectionParameters": {"save_interval": "10"}}]


def test_null_removes_a_member_and_lists_replace_whole():
    args = _args(_compiled(TRAIN), "Train")
    assert args["Environment"] == {"A": "1", "C": "3"}  # B removed, C added, A kept
    assert [c["ChannelName"] for c in args["InputDataConfig"]] == ["train"]  # the whole list replaced
    assert args["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] == "s3://b/other/"


def test_the_override_comes_after_the_security_overlay():
    assert _args(_compiled(TRAIN), "Train")["EnableNetworkIsolation"] is False


def test_run_time_references_are_rendered_like_everywhere_else():
    args = _args(_compiled(TRAIN), "Train")
    assert args["DebugHookConfig"]["S3OutputPath"] == {"Std:Join": {"On": "", "Values": [
        {"Get": "Parameters.DebugPrefix"}, "/", {"Get": "Execution.PipelineExecutionId"}]}}
    assert args["RetryStrategy"] == {"MaximumRetryAttempts": {"Get": "Parameters.Retries"}}


def test_origins_point_at_the_override():
    result = _compiled(TRAIN)
    lines = TRAIN.splitlines()

    def line_of(path):
        span = result.span_of("Train", ("Arguments",) + path)
        return lines[span.line - 1].strip()

    assert line_of(("RetryStrategy", "MaximumRetryAttempts")).startswith("RetryStrategy:")
    assert line_of(("ResourceConfig", "InstanceType")).startswith("ResourceConfig:")
    assert line_of(("DebugHookConfig",)).startswith("DebugHookConfig:")
    assert line_of(("Environment", "A")).startswith("environment:")  # kept from the renderer


def test_a_bad_override_is_a_located_shape_error():
    text = TRAIN.replace("KeepAlivePeriodInSeconds: 300", "KeepAlivePeriodInSeconds: 99999")
    result = compile_text(text)
    assert not result.ok
    (diag,) = [d for d in result.diagnostics if d.code == "A001"]
    span = result.source.span(diag.path)
    assert "KeepAlivePeriodInSeconds" in text.splitlines()[span.line - 1]
    assert span.col == text.splitlines()[span.line - 1].index("99999") + 1  # the value, as for any field


def test_a_misspelled_member_gets_a_did_you_mean():
    result = compile_text(TRAIN.replace("RetryStrategy:", "RetryStrategi:"))
    (diag,) = [d for d in result.diagnostics if d.code == "A001"]
    assert "RetryStrategi" in diag.message and "RetryStrategy" in (diag.hint or "")


JOBS = {
    "processing": f"    image: {XGB}\n    instance_type: ml.m5.large\n",
    "training": f"    image: {XGB}\n    instance_type: ml.m5.large\n    hyperparameters: {{num_round: 10}}\n",
    "tuning": (f"    image: {XGB}\n    instance_type: ml.m5.large\n    hyperparameters: {{num_round: 10}}\n    objective: {{metric: 'validation:auc', "
               "type: Maximize}\n    max_jobs: 2\n    max_parallel_jobs: 1\n    parameter_ranges: {eta: {type: continuous, "
               "min: 0.1, max: 0.5}}\n"),
    "transform": "    model_name: m\n    instance_type: ml.m5.large\n    input: {data: 's3://b/in/'}\n",
    "model": f"    image: {XGB}\n    model_data: s3://b/model.tar.gz\n",
    "register_model": (f"    image: {XGB}\n    model_data: s3://b/model.tar.gz\n    model_package_group: g\n"
                       "    content_types: [text/csv]\n    response_types: [text/csv]\n"),
    "quality_check": "    check: data_quality\n    dataset: s3://b/data.csv\n    dataset_format: {csv: {header: true}}\n",
    "clarify_check": ("    check: data_bias\n    dataset: s3://b/data.csv\n    label: y\n    headers: [y, x]\n"
                      "    bias: {label_values_or_threshold: [1], facet: x, facet_values_or_threshold: [1]}\n"),
}


def test_every_job_kind_is_covered():
    assert set(JOBS) == {k.yaml_type for k in KINDS if k.is_job}


@pytest.mark.parametrize("kind", sorted(JOBS))
def test_every_job_kind_takes_an_override(kind):
    text = HEAD + f"  Job:\n    type: {kind}\n" + JOBS[kind] + "    request: {Tags: [{Key: team, Value: ml}]}\n"
    assert _args(_compiled(text), "Job")["Tags"] == [{"Key": "team", "Value": "ml"}]


def test_an_override_shows_in_mlpc_diff(tmp_path):
    import json

    from typer.testing import CliRunner

    from mlpc.cli import app

    (tmp_path / "before.json").write_text(json.dumps(_compiled(TRAIN).definition))
    changed = tmp_path / "p.yaml"
    changed.write_text(TRAIN.replace("KeepAlivePeriodInSeconds: 300", "KeepAlivePeriodInSeconds: 600"))
    res = CliRunner().invoke(app, ["diff", str(changed), "--against", str(tmp_path / "before.json")])
    assert res.exit_code == 2, res.output  # 2: changes
    assert "KeepAlivePeriodInSeconds" in res.output and "600" in res.output, res.output
