"""Helpers for the local runner's tests: workspaces, tiny definitions, seeded stores."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from mlpc.local import sandbox
from mlpc.local.runner import RunOptions, run_definition
from mlpc.local.store import LocalStore, parse_s3_uri
from mlpc.local.workspace import Workspace

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
SCRIPTS = REPO / "step_scripts"
RAW_CSV = REPO / "pipelines" / "data" / "breast-cancer.csv"
BUCKET = "mlpc-test"

needs_sandbox = pytest.mark.skipif(sandbox.probe()[0] is None,
                                   reason=f"no mount namespace here: {sandbox.probe()[1]}")


@pytest.fixture
def ws(tmp_path) -> Workspace:
    w = Workspace.at(tmp_path / "ws")
    w.ensure()
    return w


def store_of(ws: Workspace) -> LocalStore:
    return LocalStore(ws.s3_dir)


def put(ws: Workspace, uri: str, data: bytes | str) -> None:
    parsed, err = parse_s3_uri(uri)
    assert err is None, err
    assert store_of(ws).put_bytes(parsed, data.encode() if isinstance(data, str) else data) is None


def get_object(ws: Workspace, uri: str) -> bytes | None:
    parsed, err = parse_s3_uri(uri)
    assert err is None, err
    return store_of(ws).get_bytes(parsed)


def script(text: str) -> str:
    return textwrap.dedent(text).lstrip()


def run(ws: Workspace, definition: dict, params: dict | None = None, **options):
    """Run a definition with its defaults (+ params); returns (result, events)."""
    values = {p["Name"]: p.get("DefaultValue") for p in definition.get("Parameters") or []}
    values.update(params or {})
    events = []
    opts = RunOptions(pipeline_name=options.pop("pipeline_name", "test-pipeline"), **options)
    result, errors = run_definition(definition, ws, values, opts, events.append)
    assert errors == [], errors
    return result, events


def statuses(result) -> dict:
    return {n: s.status for n, s in result.record.steps.items()}


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


# ------------------------------------------------------------------ definition builders

def processing_step(name: str, code_uri: str, inputs=(), outputs=(), args=(), **extra) -> dict:
    """A Processing step running `python3 <code>` with S3 inputs/outputs: [(name, s3, local)]."""
    code_name = code_uri.rsplit("/", 1)[-1]
    ins = [{"InputName": n, "AppManaged": False,
            "S3Input": {"S3Uri": s3, "LocalPath": local, "S3DataType": "S3Prefix", "S3InputMode": "File"}}
           for n, s3, local in inputs]
    ins.append({"InputName": "code", "AppManaged": False,
                "S3Input": {"S3Uri": code_uri, "LocalPath": "/opt/ml/processing/input/code",
                            "S3DataType": "S3Prefix", "S3InputMode": "File"}})
    outs = [{"OutputName": n, "AppManaged": False,
             "S3Output": {"S3Uri": s3, "LocalPath": local, "S3UploadMode": "EndOfJob"}} for n, s3, local in outputs]
    step = {"Name": name, "Type": "Processing", "Arguments": {
        "AppSpecification": {"ImageUri": "123.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
                             "ContainerEntrypoint": ["python3", f"/opt/ml/processing/input/code/{code_name}"],
                             **({"ContainerArguments": list(args)} if args else {})},
        "ProcessingInputs": ins,
        "ProcessingOutputConfig": {"Outputs": outs},
        "ProcessingResources": {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large",
                                                  "VolumeSizeInGB": 30}},
        "RoleArn": "arn:aws:iam::111122223333:role/R"}}
    step.update(extra)
    return step


def ref(path: str) -> dict:
    return {"Get": path}


def out_uri(step: str, output: str) -> dict:
    return {"Get": f"Steps.{step}.ProcessingOutputConfig.Outputs['{output}'].S3Output.S3Uri"}


def exec_join(*parts) -> dict:
    """s3://mlpc-test/<execution id>/<parts...>"""
    return {"Std:Join": {"On": "/", "Values": ["s3:/", BUCKET, {"Get": "Execution.PipelineExecutionId"}, *parts]}}


def definition(*steps, parameters=()) -> dict:
    return {"Version": "2020-12-01", "Metadata": {}, "Parameters": list(parameters), "Steps": list(steps)}
