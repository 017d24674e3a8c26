"""`--param` values checked against the fields their parameter feeds (issue 10, item 3), by
`mlpc start`, `mlpc upsert --start` and `mlpc run --local`, before anything runs or any AWS call."""

from __future__ import annotations

from deploy_support import cli

YAML = """\
pipeline:
  name: fields
  role: "arn:aws:iam::123456789012:role/SageMakerPipelineRole"
  bucket: mlpc-test-bucket
  region: us-east-1
parameters:
  Count: {type: Integer, default: 1}
  Type: {type: String, default: ml.m5.large}
  Input: {type: String, default: "s3://mlpc-test-bucket/in/"}
steps:
  Prep:
    type: processing
    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
    instance_type: "${params.Type}"
    instance_count: "${params.Count}"
    inputs:
      raw: {source: "${params.Input}", destination: /opt/ml/processing/input}
"""


def write(tmp_path):
    path = tmp_path / "fields.yaml"
    path.write_text(YAML)
    return path


def test_start_refuses_values_that_do_not_fit_their_fields(offline, tmp_path):
    path = write(tmp_path)
    result = cli("start", path, "--param", "Count=0", "--param", "Type=ml.m5.larg", "--param", "Typ=ml.m5.large")
    assert result.exit_code == 1, result.output
    err = result.stderr
    assert "error: --param Count: 0 does not fit Prep.Arguments.ProcessingResources.ClusterConfig.InstanceCount" in err
    assert "error: --param Type: 'ml.m5.larg' does not fit" in err and "did you mean 'ml.m5.large'?" in err
    assert "error: --param Typ: the pipeline has no parameter 'Typ'" in err and "did you mean 'Type'?" in err
    assert "cannot reach" not in err and "Traceback" not in result.output  # refused before any AWS call


def test_upsert_start_refuses_a_value_longer_than_start_takes(offline, tmp_path):
    path = write(tmp_path)
    result = cli("upsert", path, "--start", "--param", "Input=s3://mlpc-test-bucket/" + "k" * 1100)
    assert result.exit_code == 1, result.output
    assert "error: --param Input: the value has 1122 characters" in result.stderr
    assert result.stderr.count("error: --param Input") == 1
    assert "cannot reach" not in result.stderr


def test_run_local_refuses_a_count_of_zero_before_running(tmp_path, monkeypatch):
    path = write(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = cli("run", path, "--local", "--workspace", tmp_path / "ws", "--param", "Count=0")
    assert result.exit_code == 1, result.output
    assert "--param Count: 0 does not fit Prep.Arguments.ProcessingResources.ClusterConfig.InstanceCount" in result.stderr
    assert not (tmp_path / "ws" / "executions").exists() or not any((tmp_path / "ws" / "executions").iterdir())
