"""TensorFlow's model_dir under `mlpc run --local`: the script gets a folder for the s3:// model_dir
(there is no S3 locally) and what it writes there lands at that URI in the local store, under the
execution's own id, as the TensorFlow container would write it to S3."""

from __future__ import annotations

import textwrap

import pytest
from typer.testing import CliRunner

from mlpc.cli import app
from mlpc.local.store import LocalStore, parse_s3_uri
from mlpc.local.workspace import Workspace

from .conftest import needs_sandbox

runner = CliRunner()

TRAIN = textwrap.dedent("""
    import argparse, os, pathlib
    parser = argparse.ArgumentParser()
    parser.add_argument("--model_dir")
    args, _ = parser.parse_known_args()
    assert not args.model_dir.startswith("s3://"), args.model_dir
    pathlib.Path(args.model_dir, "checkpoint").write_text("step 1")
    pathlib.Path(os.environ["SM_MODEL_DIR"], "saved_model.txt").write_text("model")
    print("model_dir", args.model_dir)
""")

PIPELINE = """
pipeline: {name: tf-demo, role: "arn:aws:iam::123456789012:role/R", bucket: tf-bucket}
steps:
  Train:
    type: training
    framework: tensorflow
    framework_version: "2.13"
    py_version: py310
    entry_point: train.py
    instance_type: ml.m5.large
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tf")
    (tmp / "train.py").write_text(TRAIN)
    (tmp / "pipeline.yaml").write_text(PIPELINE)
    ws = tmp / "ws"
    return ws, runner.invoke(
        app, ["run", str(tmp / "pipeline.yaml"), "--local", "--workspace", str(ws)])


@needs_sandbox
def test_what_the_script_writes_to_model_dir_is_stored_under_the_execution(run):
    ws, result = run
    assert result.exit_code == 0, result.output
    store = LocalStore(Workspace.at(ws).s3_dir)
    prefix, _ = parse_s3_uri("s3://tf-bucket/tf-demo/Train/")
    stored = sorted(rel for rel, _ in store.list_prefix(prefix))
    checkpoints = [rel for rel in stored if rel.endswith("/model/checkpoint")]
    assert len(checkpoints) == 1, stored
    execution = checkpoints[0].split("/")[0]
    assert execution and execution != "model", stored  # OUTPUT_PATH/<execution id>/model/checkpoint
    uri, _ = parse_s3_uri(f"s3://tf-bucket/tf-demo/Train/{checkpoints[0]}")
    assert store.get_bytes(uri) == b"step 1"
