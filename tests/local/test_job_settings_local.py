"""Job settings and `request:` overrides under `mlpc run --local`: checkpoints are restored and saved
like SageMaker does, and what a local run cannot do (spot, Debugger, overrides) is named once."""

from __future__ import annotations

import textwrap

import pytest
from typer.testing import CliRunner

from mlpc.cli import app
from mlpc.local import unemulated
from mlpc.local.store import LocalStore, parse_s3_uri
from mlpc.local.workspace import Workspace

from .conftest import needs_sandbox

runner = CliRunner()

TRAIN = textwrap.dedent("""
    import os, pathlib
    ckpt = pathlib.Path("/opt/ml/checkpoints")
    n = int((ckpt / "epoch.txt").read_text()) if (ckpt / "epoch.txt").exists() else 0
    (ckpt / "epoch.txt").write_text(str(n + 1))
    pathlib.Path(os.environ["SM_MODEL_DIR"], "model.txt").write_text(f"epochs {n + 1}")
    print(f"resumed from epoch {n}")
""")

PIPELINE = """
pipeline: {name: ckpt-demo, role: "arn:aws:iam::123456789012:role/R", bucket: ckpt-bucket}
steps:
  Train:
    type: training
    framework: sklearn
    framework_version: "1.2-1"
    entry_point: train.py
    instance_type: ml.m5.large
    max_runtime_seconds: 600
    use_spot: true
    max_wait_seconds: 1200
    checkpoint: {s3_uri: "s3://ckpt-bucket/checkpoints/Train"}
    request:
      DebugHookConfig: {S3OutputPath: "s3://ckpt-bucket/debug"}
      RetryStrategy: {MaximumRetryAttempts: 2}
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ckpt")
    (tmp / "train.py").write_text(TRAIN)
    (tmp / "pipeline.yaml").write_text(PIPELINE)
    ws = tmp / "ws"
    out = [runner.invoke(app, ["run", str(tmp / "pipeline.yaml"), "--local", "--workspace", str(ws)])
           for _ in range(2)]
    return Workspace.at(ws), out


@needs_sandbox
def test_checkpoints_are_restored_and_saved_between_runs(runs):
    ws, (first, second) = runs
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    uri, _ = parse_s3_uri("s3://ckpt-bucket/checkpoints/Train/epoch.txt")
    assert LocalStore(ws.s3_dir).get_bytes(uri) == b"2"  # the second run resumed from the first's checkpoint


@needs_sandbox
def test_what_is_not_emulated_is_said_once(runs):
    _, (first, _) = runs
    text = " ".join(first.output.split())  # the console wraps long lines
    assert text.count("not emulated locally") == 1, first.output
    note = text.split("not emulated locally", 1)[1]
    assert "managed spot training" in note and "DebugHookConfig" in note and "RetryStrategy" in note


def test_findings_per_job_type():
    training = {"AlgorithmSpecification": {}, "EnableManagedSpotTraining": True, "ResourceConfig": {"InstanceCount": 4},
                "HyperParameters": {"sagemaker_torch_distributed_enabled": "true"}, "ProfilerConfig": {},
                "CheckpointConfig": {"S3Uri": "s3://b/c", "LocalPath": "/checkpoints"}}
    found = unemulated.findings("Training", training)
    assert found[0] == "ProfilerConfig"
    assert any("spot" in f for f in found) and any("InstanceCount 4" in f for f in found)
    assert any("sagemaker_torch_distributed_enabled" in f for f in found)
    assert any("LocalPath /checkpoints" in f for f in found)
    assert unemulated.findings("Training", {"AlgorithmSpecification": {}, "CheckpointConfig": {"S3Uri": "s3://b/c"},
                                            "EnableManagedSpotTraining": False}) == []
    tuning = {"HyperParameterTuningJobConfig": {}, "TrainingJobDefinition": {"RetryStrategy": {},
                                                                             "EnableManagedSpotTraining": True}}
    assert unemulated.findings("Tuning", tuning)[0] == "TrainingJobDefinition.RetryStrategy"
    assert unemulated.findings("Processing", {"AppSpecification": {}, "ProcessingResources": {
        "ClusterConfig": {"InstanceCount": 2}}}) == ["InstanceCount 2 (one host locally)"]
    assert unemulated.findings("Condition", {"Anything": 1}) == []  # kinds without a table: nothing claimed


def test_max_parallel_steps_caps_the_local_runner(tmp_path, monkeypatch):
    from mlpc.api import compile_text
    from mlpc.local import session

    seen = []
    monkeypatch.setattr(session, "run_definition", lambda d, ws, params, options, on_event: (
        seen.append(options.max_parallel), (None, []))[1])
    text = ("pipeline: {name: p, role: 'arn:aws:iam::123456789012:role/R', bucket: b, max_parallel_steps: 2}\n"
            "steps:\n  Stop: {type: fail, message: done}\n")
    result = compile_text(text)
    assert result.ok, [d.render() for d in result.diagnostics]
    ws = Workspace.at(tmp_path / "ws")
    for asked in (None, 8, 1):
        session.run_compiled(result, ws, max_parallel=asked)
    assert seen == [2, 2, 1]  # the pipeline's limit, unless --max-parallel asks for fewer
