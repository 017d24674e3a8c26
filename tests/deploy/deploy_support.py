"""Helpers shared by the deploy tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import socket
from pathlib import Path

import boto3
from typer.testing import CliRunner

from mlpc.cli import app

runner = CliRunner()
ROLE = "arn:aws:iam::123456789012:role/SageMakerPipelineRole"
BUCKET = "mlpc-test-bucket"

MINI_YAML = """\
vars:
  bucket: mlpc-test-bucket
pipeline:
  name: mini
  role: "arn:aws:iam::123456789012:role/SageMakerPipelineRole"
  bucket: "{{ bucket }}"
  region: us-east-1
  tags:
    team: ml
parameters:
  InstanceType:
    type: String
    default: ml.m5.xlarge
    enum: [ml.m5.xlarge, ml.m5.2xlarge]
  Rounds: {type: Integer, default: 50}
  Threshold: {type: Float, default: 0.8}
  Quick: {type: Boolean, default: false}
steps:
  Prep:
    type: processing
    framework: sklearn
    framework_version: "1.2-1"
    instance_type: ml.m5.large
    code: scripts/prep.py
    outputs:
      train: {source: /opt/ml/processing/train}
    cache: {enabled: true, expire_after: P30D}
  Train:
    type: training
    algorithm: xgboost
    algorithm_version: "1.7-1"
    instance_type: "${params.InstanceType}"
    hyperparameters:
      num_round: "${params.Rounds}"
      max_depth: 4
    channels:
      train: {source: "${steps.Prep.outputs.train}", content_type: text/csv}
    cache: {enabled: true, expire_after: P30D}
  Eval:
    type: processing
    framework: sklearn
    framework_version: "1.2-1"
    instance_type: ml.m5.large
    code: scripts/eval.py
    inputs:
      model: {source: "${steps.Train.model_data}", destination: /opt/ml/processing/model}
    outputs:
      evaluation: {source: /opt/ml/processing/evaluation}
    property_files:
      Report: {output: evaluation, path: evaluation.json}
  Check:
    type: condition
    if: files.Report.metrics.accuracy.value >= params.Threshold
    then: [Register]
    else: [TooLow]
  Register:
    type: register_model
    model_package_group: mini-models
    image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    model_data: "${steps.Train.model_data}"
    content_types: [text/csv]
    response_types: [text/csv]
  TooLow:
    type: fail
    message: "too low"
schedules:
  weekly:
    expression: cron(0 3 ? * MON *)
    parameters: {InstanceType: ml.m5.2xlarge, Rounds: 100}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolate_aws_env(monkeypatch, tmp_path: Path, endpoint: str | None) -> None:
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_ENDPOINT_URL",
                "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    if endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)


class Moto:
    """boto3 clients on the moto server, for arranging and asserting."""

    def __init__(self, url: str):
        self.url = url

    def client(self, service: str):
        return boto3.client(service, region_name="us-east-1", endpoint_url=self.url)

    @property
    def sm(self):
        return self.client("sagemaker")

    @property
    def s3(self):
        return self.client("s3")

    @property
    def scheduler(self):
        return self.client("scheduler")


def cli(*args, input: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def stubbed_aws(region: str = "us-east-1", **real_clients):
    """An mlpc Aws whose sagemaker client is stubbed (botocore Stubber); other clients as given."""
    from botocore.stub import Stubber

    from mlpc.deploy.session import Aws, client_config

    session = boto3.Session(region_name=region)
    sm = session.client("sagemaker", config=client_config())
    stub = Stubber(sm)
    aws = Aws(session, region, {"sagemaker": sm, **real_clients})
    return aws, stub


class Routed:
    """A client that sends the named operations to a stubbed client and the rest to a real (moto) one."""

    def __init__(self, real, stubbed, operations):
        self._real, self._stubbed, self._ops = real, stubbed, set(operations)

    def __getattr__(self, name):
        if name == "get_paginator":  # paginators follow their operation
            return lambda op: (self._stubbed if op in self._ops else self._real).get_paginator(op)
        return getattr(self._stubbed if name in self._ops else self._real, name)
