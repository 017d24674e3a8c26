"""mlpc ci buildspec (and the buildspecs inside the CodePipeline template): reports and artifacts
(diff in Markdown, compiled definitions, upload manifests), DIFF_EXIT exported, a --wait --timeout
gate, the pipeline names taken from the files, the complete IAM permission list. The build
commands are run here with bash against the moto server, as CodeBuild would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from deploy_support import BUCKET, MINI_YAML, cli

ROOT = Path(__file__).resolve().parents[2]
PINNED = "mlpc-sagemaker @ git+https://github.com/acme/mlpc@0123456789abcdef0123456789abcdef01234567"


def generate(project, *args):
    result = cli("ci", "buildspec", *args, "-o", "buildspec.yml", "--mlpc-source", PINNED)
    assert result.exit_code == 0, result.output
    text = (project.parent / "buildspec.yml").read_text()
    return text, yaml.safe_load(text)


def test_buildspec_has_reports_artifacts_exported_diff_exit_and_a_timeout_gate(project):
    other = project.parent / "other.yaml"
    other.write_text(MINI_YAML.replace("name: mini", "name: other"))
    text, spec = generate(project, "mini.yaml", "other.yaml")
    assert spec["env"]["exported-variables"] == ["DIFF_EXIT"]
    assert spec["env"]["variables"]["PIPELINE_FILES"] == "mini.yaml other.yaml"
    assert spec["env"]["variables"]["MLPC_SOURCE"] == PINNED
    assert spec["reports"]["mlpc-validate"] == {"files": ["build/reports/validate.xml"], "file-format": "JUNITXML"}
    assert spec["artifacts"]["files"] == ["build/**/*"]
    commands = "\n".join(spec["phases"]["build"]["commands"])
    assert "--against deployed --format markdown > build/diff.md" in commands and "DIFF_EXIT=$?" in commands
    assert '--start --wait --timeout "$WAIT_TIMEOUT"' in commands and "mlpc lint $PIPELINE_FILES" in commands
    assert "mini" not in commands and "other" not in commands  # names come from the files
    for needed in ("sagemaker:CreatePipeline", "sagemaker:UpdatePipeline", "sagemaker:StartPipelineExecution",
                   "sagemaker:ListPipelineExecutionSteps", "s3:PutObject on arn:aws:s3:::mlpc-test-bucket/mini/*",
                   "s3:PutObject on arn:aws:s3:::mlpc-test-bucket/other/*", "scheduler:CreateSchedule",
                   "iam:PassRole on arn:aws:iam::123456789012:role/SageMakerPipelineRole (iam:PassedToService sagemaker",
                   "pipeline/other", "schedule-group/mlpc-other"):
        assert needed in text, needed


def test_the_iam_list_covers_model_package_groups_and_notification_rules(project):
    """upsert creates/tags the model package groups and converges the notification rules: the list says so."""
    topic = "arn:aws:sns:us-east-1:123456789012:ml-alerts"
    project.write_text(project.read_text() + f"notifications:\n  failures:\n    topics: [\"{topic}\"]\n"
                       "    events: [execution_failed]\n")
    text, _ = generate(project, "mini.yaml")
    group = "arn:aws:sagemaker:us-east-1:ACCOUNT:model-package-group/mini-models"
    for needed in (f"sagemaker:CreateModelPackageGroup, sagemaker:AddTags, sagemaker:ListTags on {group}",
                   "scheduler:CreateScheduleGroup, scheduler:TagResource on",
                   "events:PutRule, events:PutTargets, events:RemoveTargets, events:DeleteRule, events:TagResource "
                   "on arn:aws:events:us-east-1:ACCOUNT:rule/mlpc-mini*",
                   f"sns:GetTopicAttributes, sns:SetTopicAttributes on {topic}", "events:ListRules on *"):
        assert needed in text, needed
    project.write_text(MINI_YAML)
    plain, _ = generate(project, "mini.yaml")
    assert "events:" not in plain and "sns:" not in plain  # only when the YAML has notifications


def _run_build(spec: dict, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    script = "\n".join(spec["phases"]["build"]["commands"])
    variables = {k: str(v) for k, v in spec["env"]["variables"].items()}
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **variables, **env, "PATH": path})


def test_the_validate_stage_runs_against_moto(moto, project):
    """validate -> lint (report only here) -> compile -> diff, run with bash as CodeBuild runs them.
    (The deploy stage is `mlpc upsert --start --wait --timeout`, tested in test_wait_cli and
    test_upsert_cli: moto lacks ListPipelineExecutionSteps, which --wait reads.)"""
    moto.s3.create_bucket(Bucket=BUCKET)
    _, spec = generate(project, "mini.yaml", "--stage", "validate", "--no-lint-gate")
    done = _run_build(spec, project.parent, {"AWS_ENDPOINT_URL": moto.url})
    assert done.returncode == 0, done.stdout + done.stderr
    build = project.parent / "build"
    assert (build / "reports" / "validate.xml").read_text().count("<testcase") == 1
    assert (build / "definitions" / "mini.json").exists() and (build / "definitions" / "mini.uploads.json").exists()
    assert (build / "reports" / "lint.sarif").exists()
    assert "mini" in (build / "diff.md").read_text() and "not deployed" in (build / "diff.md").read_text()
    assert "mlpc lint found errors (reported, not gating" in done.stdout
    gated = generate(project, "mini.yaml", "--stage", "validate")[1]
    failed = _run_build(gated, project.parent, {"AWS_ENDPOINT_URL": moto.url})
    assert failed.returncode != 0 and "error" in failed.stdout  # lint errors fail the gated build


def test_the_repository_buildspec_is_generated(monkeypatch):
    """This repo's buildspec.yml is `mlpc ci buildspec` output (installing mlpc from the checkout)."""
    monkeypatch.chdir(ROOT)
    committed = (ROOT / "buildspec.yml").read_text()
    out = ROOT / "build" / "buildspec.check.yml"
    result = cli("ci", "buildspec", "pipelines/breast-cancer.yaml", "--mlpc-source", ".", "-o", out)  # lint gates
    assert result.exit_code == 0, result.output
    try:
        assert out.read_text() == committed
    finally:
        out.unlink()
    assert "pip install --quiet ." in committed
