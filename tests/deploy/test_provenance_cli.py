"""The source commit without a .git folder (a CodePipeline source artifact has none): from
CODEBUILD_RESOLVED_SOURCE_VERSION, GITHUB_SHA or CI_COMMIT_SHA, or --git-commit. It reaches the
pipeline's mlpc:git-commit tag, the GitCommit parameter of the execution, and the command's output."""

from __future__ import annotations

import json
import subprocess

import pytest
from deploy_support import BUCKET, cli, edit

SHA = "0123456789abcdef0123456789abcdef01234567"
CI_VARS = ("CODEBUILD_RESOLVED_SOURCE_VERSION", "GITHUB_SHA", "CI_COMMIT_SHA")


@pytest.fixture
def no_git(project, monkeypatch):
    """The project is not inside any git repository, and no CI variable is set."""
    for var in CI_VARS + ("GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(var, raising=False)
    probe = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=project.parent, capture_output=True)
    assert probe.returncode != 0, "the test project must not be inside a git work tree"
    assert not (project.parent / ".git").exists()
    edit(project, "  Quick: {type: Boolean, default: false}\n",
         "  Quick: {type: Boolean, default: false}\n  GitCommit: {type: String, default: unknown}\n")
    return project


def _execution_params(moto, arn: str) -> dict:
    resp = moto.sm.list_pipeline_parameters_for_execution(PipelineExecutionArn=arn)
    return {p["Name"]: p["Value"] for p in resp["PipelineParameters"]}


def _tags(moto) -> dict:
    arn = moto.sm.describe_pipeline(PipelineName="mini")["PipelineArn"]
    return {t["Key"]: t["Value"] for t in moto.sm.list_tags(ResourceArn=arn)["Tags"]}


@pytest.mark.parametrize("variable", CI_VARS)
def test_commit_from_the_ci_variable_reaches_tags_parameter_and_output(moto, no_git, monkeypatch, variable):
    monkeypatch.setenv(variable, SHA)
    moto.s3.create_bucket(Bucket=BUCKET)
    result = cli("upsert", no_git, "--start", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["git_commit"], report["git_commit_source"]) == (SHA, variable)
    assert _tags(moto)["mlpc:git-commit"] == SHA
    assert _execution_params(moto, report["execution"]) == {"GitCommit": SHA}
    desc = moto.sm.describe_pipeline_execution(PipelineExecutionArn=report["execution"])
    assert SHA in desc["PipelineExecutionDescription"]


def test_codebuild_wins_over_github_and_gitlab(moto, no_git, monkeypatch):
    monkeypatch.setenv("CI_COMMIT_SHA", "c" * 40)
    monkeypatch.setenv("GITHUB_SHA", "b" * 40)
    monkeypatch.setenv("CODEBUILD_RESOLVED_SOURCE_VERSION", "a" * 40)
    moto.s3.create_bucket(Bucket=BUCKET)
    result = cli("upsert", no_git, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"mlpc:git-commit={'a' * 40}" in result.stdout


def test_git_commit_option_wins_and_start_records_it(moto, no_git, monkeypatch):
    monkeypatch.setenv("GITHUB_SHA", "b" * 40)
    moto.s3.create_bucket(Bucket=BUCKET)
    up = cli("upsert", no_git, "--git-commit", SHA)
    assert up.exit_code == 0, up.output
    assert f"source commit {SHA} (from --git-commit)" in up.stdout
    assert _tags(moto)["mlpc:git-commit"] == SHA
    started = cli("start", no_git, "--git-commit", "f" * 40, "--format", "json")
    assert started.exit_code == 0, started.output
    out = json.loads(started.stdout)
    assert out["git_commit"] == "f" * 40 and out["git_commit_source"] == "--git-commit"
    assert _execution_params(moto, out["execution"]) == {"GitCommit": "f" * 40}


def test_no_git_and_no_ci_variable_is_unknown_and_the_parameter_keeps_its_default(moto, no_git):
    moto.s3.create_bucket(Bucket=BUCKET)
    result = cli("upsert", no_git, "--start", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["git_commit"], report["git_commit_source"]) == ("unknown", "none")
    assert _tags(moto)["mlpc:git-commit"] == "unknown"
    assert _execution_params(moto, report["execution"]) == {}  # the declared default applies


def test_a_malformed_git_commit_is_refused_before_any_write(moto, no_git):
    moto.s3.create_bucket(Bucket=BUCKET)
    result = cli("upsert", no_git, "--git-commit", "bad commit; rm -rf /")
    assert result.exit_code == 1
    assert "--git-commit 'bad commit; rm -rf /' is not a commit id" in result.stderr
    assert moto.sm.list_pipelines()["PipelineSummaries"] == []
