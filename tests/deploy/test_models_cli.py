"""mlpc models list / approve / reject against moto's Model Registry."""

from __future__ import annotations

import json

from deploy_support import BUCKET, cli

GROUP = "mini-models"
SPEC = {"Containers": [{"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
                        "ModelDataUrl": "s3://mlpc-test-bucket/mini/model.tar.gz"}],
        "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]}


def register(moto, accuracy: float, commit: str) -> str:
    key = f"mini/eval/{commit}/evaluation.json"
    moto.s3.put_object(Bucket=BUCKET, Key=key, Body=json.dumps(
        {"metrics": {"accuracy": {"value": accuracy}, "auc": {"value": 0.97, "standard_deviation": 0.01}}}))
    return moto.sm.create_model_package(
        ModelPackageGroupName=GROUP, InferenceSpecification=SPEC, ModelApprovalStatus="PendingManualApproval",
        MetadataProperties={"CommitId": commit},
        ModelMetrics={"ModelQuality": {"Statistics": {"ContentType": "application/json",
                                                      "S3Uri": f"s3://{BUCKET}/{key}"}}},
    )["ModelPackageArn"]


def arrange(moto):
    moto.s3.create_bucket(Bucket=BUCKET)
    moto.sm.create_model_package_group(ModelPackageGroupName=GROUP)
    return [register(moto, 0.91, "1111111aaaaaaaa"), register(moto, 0.95, "2222222bbbbbbbb")]


def status_of(moto, arn: str) -> str:
    return moto.sm.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"]


def test_models_list_shows_versions_status_metrics_and_commit(moto):
    arrange(moto)
    result = cli("models", "list", GROUP, "--format", "json")
    assert result.exit_code == 0, result.output
    versions = json.loads(result.stdout)
    assert [v["version"] for v in versions] == [2, 1]  # newest first
    assert versions[0]["status"] == "PendingManualApproval"
    assert versions[0]["metrics"] == {"accuracy": 0.95, "auc": 0.97}
    assert versions[1]["source_commit"] == "1111111aaaaaaaa"
    text = cli("models", "list", GROUP)
    assert text.exit_code == 0
    assert "accuracy=0.95" in text.stdout and "2222222bbbbb" in text.stdout


def test_approve_and_reject_change_the_status(moto):
    first, second = arrange(moto)
    ok = cli("models", "approve", GROUP, "2", "--reason", "best accuracy so far")
    assert ok.exit_code == 0, ok.output
    assert "mini-models version 2: Approved" in ok.stdout
    assert status_of(moto, second) == "Approved"
    assert moto.sm.describe_model_package(ModelPackageName=second)["ApprovalDescription"] == "best accuracy so far"
    assert status_of(moto, first) == "PendingManualApproval"

    no = cli("models", "reject", GROUP, "1")
    assert no.exit_code == 0, no.output
    assert status_of(moto, first) == "Rejected"
    listed = json.loads(cli("models", "list", GROUP, "--format", "json").stdout)
    assert {v["version"]: v["status"] for v in listed} == {1: "Rejected", 2: "Approved"}


def test_unknown_version_is_a_clean_error(moto):
    arrange(moto)
    result = cli("models", "approve", GROUP, "7")
    assert result.exit_code == 1
    assert "error: model package group 'mini-models' has no version 7 [NoSuchModelVersion]" in result.stderr
    assert "versions: 1, 2" in result.stderr


def test_local_flag_without_the_local_runner_or_with_it(moto, monkeypatch, tmp_path):
    import importlib
    import sys
    import types

    calls = []
    fake = types.ModuleType("mlpc.cli.local_views")
    fake.show_local_models = lambda ws, group, fmt: calls.append(("models", ws, group, fmt)) or 0
    fake.set_local_model_status = lambda ws, group, version, status, reason: calls.append(
        ("status", group, version, status, reason)) or 0
    monkeypatch.setitem(sys.modules, "mlpc.cli.local_views", fake)
    monkeypatch.setattr(importlib.import_module("mlpc.cli"), "local_views", fake, raising=False)
    assert cli("models", "list", GROUP, "--local", "--workspace", tmp_path).exit_code == 0
    assert cli("models", "reject", GROUP, "3", "--local", "--reason", "meh").exit_code == 0
    assert calls == [("models", tmp_path, GROUP, "text"), ("status", GROUP, 3, "Rejected", "meh")]


def test_local_flag_without_the_local_runner_is_a_clean_error(monkeypatch, tmp_path):
    import sys

    import mlpc.cli

    monkeypatch.setitem(sys.modules, "mlpc.cli.local_views", None)  # import fails as if the module were absent
    monkeypatch.delattr(mlpc.cli, "local_views", raising=False)
    result = cli("executions", "list", "--local", "--workspace", tmp_path)
    assert result.exit_code == 1
    assert "error: the local runner is not available in this build" in result.stderr


def test_unreadable_report_and_unknown_training_job_are_left_out(moto):
    """An S3 error reading a metrics report, or a training job SageMaker does not know, leaves that fact out."""
    from mlpc.deploy import registry

    moto.s3.create_bucket(Bucket=BUCKET)
    assert registry.read_json(moto.s3, f"s3://{BUCKET}/mini/eval/none/evaluation.json") is None
    moto.s3.put_object(Bucket=BUCKET, Key="mini/eval/bad.json", Body=b"{not json")
    for key in ("none/evaluation.json", "bad.json"):
        stats = {"ModelQuality": {"Statistics": {"S3Uri": f"s3://{BUCKET}/mini/eval/{key}"}}}
        assert registry.read_metrics(moto.s3, stats) == {}
    assert registry.read_metrics(moto.s3, {}) == {}
    pkg = {"InferenceSpecification": {"Containers": [
        {"ModelDataUrl": f"s3://{BUCKET}/mini/models/no-such-job/output/model.tar.gz"}]}}
    assert registry.lineage(moto.sm, pkg)["training_job"] is None
