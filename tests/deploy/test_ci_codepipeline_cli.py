"""mlpc ci codepipeline: the CloudFormation template passes cfn-lint with no errors (its resource
schemas are the oracle for every property), is least privilege, and stands up on moto: CodeBuild
projects and the CodePipeline pipeline through moto's own APIs, the rest through its CloudFormation."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest
import yaml
from cfn_on_moto import deploy
from deploy_support import cli

PINNED = "mlpc-sagemaker @ git+https://github.com/acme/mlpc@0123456789abcdef0123456789abcdef01234567"
CONNECTION = "arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab"


def generate(project, *extra):
    out = project.parent / "ci.yaml"
    result = cli("ci", "codepipeline", project.name, "-o", out, "--mlpc-source", PINNED, *extra)
    assert result.exit_code == 0, result.output
    return out.read_text(), yaml.safe_load(out.read_text())


def cfn_lint_errors(text: str) -> list:
    from cfnlint.api import lint

    return [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in lint(text, regions=["us-east-1"])
            if m.rule.severity == "error"]


VARIANTS = {
    "codecommit-created": ("--repository", "ml-pipelines", "--create-repository"),
    "codecommit-existing-no-approval": ("--repository", "ml-pipelines", "--no-approval"),
    "connection": ("--source", "connection", "--connection-arn", CONNECTION, "--repository-id", "acme/ml",
                   "--branch", "release"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_template_passes_cfn_lint_with_no_errors(project, variant):
    text, template = generate(project, *VARIANTS[variant])
    assert cfn_lint_errors(text) == []
    stages = [s["Name"] for s in template["Resources"]["Pipeline"]["Properties"]["Stages"]]
    assert stages == (["Source", "Validate", "Deploy"] if "--no-approval" in VARIANTS[variant]
                      else ["Source", "Validate", "Approve", "Deploy"])


def test_cfn_lint_oracle_can_fail(project):
    text, _ = generate(project, "--repository", "ml-pipelines")
    for old, new in (("ServiceRole:", "ServiceRoles:"), ("PipelineType: V2", "PipelineType: V9"),
                     ("Category: Approval", "Category: Approvals")):
        broken = text.replace(old, new)
        assert broken != text and cfn_lint_errors(broken), new


def _statements(role: dict) -> list:
    return [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]


def test_roles_are_least_privilege(project):
    _, template = generate(project, "--repository", "ml-pipelines", "--create-repository")
    res = template["Resources"]
    deploy_stmts = _statements(res["DeployRole"])
    passrole = [s for s in deploy_stmts if "iam:PassRole" in s["Action"]]
    # the schedule has no role of its own, so EventBridge Scheduler gets the pipeline role too
    assert passrole and all(s["Resource"] == ["arn:aws:iam::123456789012:role/SageMakerPipelineRole"] for s in passrole)
    assert {s["Condition"]["StringEquals"]["iam:PassedToService"] for s in passrole} <= {
        "sagemaker.amazonaws.com", "scheduler.amazonaws.com"}
    for role in ("DeployRole", "ValidateRole", "PipelineRole"):
        for s in _statements(res[role]):
            assert not any(a.endswith(":*") or a == "*" for a in s["Action"]), (role, s)
            if s["Resource"] == ["*"]:  # only actions that have no resource-level permissions
                assert set(s["Action"]) <= {"sagemaker:ListPipelines", "scheduler:ListSchedules",
                                            "sagemaker:ListModelPackages", "sagemaker:ListModelPackageGroups",
                                            "events:ListRules"}, s
    scoped = json.dumps(deploy_stmts)
    assert "pipeline/mini" in scoped and "schedule-group/mlpc-mini" in scoped and "s3:::mlpc-test-bucket/mini/*" in scoped
    assert "model-package-group/mini-models" in scoped
    groups = [s for s in deploy_stmts if "sagemaker:CreateModelPackageGroup" in s["Action"]]  # upsert tags them
    arn = "arn:aws:sagemaker:us-east-1:${AWS::AccountId}:model-package-group/mini-models"
    assert [s["Resource"] for s in groups] == [[{"Fn::Sub": arn}]]
    validate = json.dumps(_statements(res["ValidateRole"]))
    assert "sagemaker:CreatePipeline" not in validate and "iam:PassRole" not in validate
    enc = res["ArtifactBucket"]["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert enc["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"


def test_stands_up_on_moto_with_codebuild_and_codepipeline_through_their_apis(moto, project):
    text, template = generate(project, "--repository", "ml-pipelines", "--create-repository")
    refs = deploy(moto.client, template, "mlpc-ci-mini", {"MlpcSource": PINNED})
    cp = moto.client("codepipeline").get_pipeline(name="mlpc-mini")["pipeline"]
    assert [s["name"] for s in cp["stages"]] == ["Source", "Validate", "Approve", "Deploy"]
    source = cp["stages"][0]["actions"][0]
    assert source["configuration"]["RepositoryName"] == "ml-pipelines" and source["configuration"]["BranchName"] == "main"
    assert cp["roleArn"] == moto.client("iam").get_role(RoleName=refs["PipelineRole"])["Role"]["Arn"]
    assert cp["artifactStore"]["location"] == refs["ArtifactBucket"]
    projects = moto.client("codebuild").batch_get_projects(names=["mlpc-mini-validate", "mlpc-mini-deploy"])["projects"]
    by_name = {p["name"]: p for p in projects}
    validate_spec = yaml.safe_load(by_name["mlpc-mini-validate"]["source"]["buildspec"])
    deploy_spec = yaml.safe_load(by_name["mlpc-mini-deploy"]["source"]["buildspec"])
    assert validate_spec["env"]["exported-variables"] == ["DIFF_EXIT"]
    assert any("mlpc upsert $PIPELINE_FILES" in c and "--wait --timeout" in c for c in deploy_spec["phases"]["build"]["commands"])
    assert by_name["mlpc-mini-deploy"]["serviceRole"].endswith(refs["DeployRole"])
    assert {"name": "MLPC_SOURCE", "value": PINNED, "type": "PLAINTEXT"} in by_name["mlpc-mini-deploy"]["environment"]["environmentVariables"]
    s3 = moto.client("s3")
    rule = s3.get_bucket_encryption(Bucket=refs["ArtifactBucket"])["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    policy = json.loads(s3.get_bucket_policy(Bucket=refs["ArtifactBucket"])["Policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    iam = moto.client("iam")
    names = iam.list_role_policies(RoleName=refs["DeployRole"])["PolicyNames"]
    docs = [iam.get_role_policy(RoleName=refs["DeployRole"], PolicyName=n)["PolicyDocument"] for n in names]
    docs = [_policy_doc(d) for d in docs]
    passed = [s["Resource"] for d in docs for s in d["Statement"] if "iam:PassRole" in s["Action"]]
    assert passed and all(r == ["arn:aws:iam::123456789012:role/SageMakerPipelineRole"] for r in passed)
    rules = moto.client("events").list_rules()["Rules"]
    assert any("ml-pipelines" in r.get("EventPattern", "") for r in rules)


def _policy_doc(doc):
    """moto's CloudFormation keeps an inline policy as a dict and GetRolePolicy returns its Python
    repr; AWS returns URL-encoded JSON, which boto3 decodes."""
    import ast

    if not isinstance(doc, str):
        return doc
    try:
        return json.loads(unquote(doc))
    except ValueError:
        return ast.literal_eval(doc)


def test_bad_options_are_refused(project):
    no_repo = cli("ci", "codepipeline", project.name, "-o", "ci.yaml", "--mlpc-source", PINNED)
    assert no_repo.exit_code == 1 and "--repository is required" in no_repo.stderr
    bad_conn = cli("ci", "codepipeline", project.name, "-o", "ci.yaml", "--mlpc-source", PINNED,
                   "--source", "connection", "--connection-arn", "github", "--repository-id", "a/b")
    assert bad_conn.exit_code == 1 and "CodeConnections connection ARN" in bad_conn.stderr
    bare = cli("ci", "codepipeline", project.name, "-o", "ci.yaml", "--repository", "r", "--mlpc-source", "mlpc")
    assert bare.exit_code == 1 and "bare package name" in bare.stderr
    assert not (project.parent / "ci.yaml").exists()


def test_without_a_pinned_source_the_stack_needs_one_and_says_so(project, monkeypatch):
    monkeypatch.setattr("mlpc.ci.source.installed_source", lambda: "")
    out = project.parent / "ci.yaml"
    result = cli("ci", "codepipeline", project.name, "-o", out, "--repository", "r")
    assert result.exit_code == 0, result.output
    assert "no pinned mlpc source is known" in result.stderr
    assert "--parameter-overrides MlpcSource=" in result.stdout
    template = yaml.safe_load(out.read_text())
    assert "Default" not in template["Parameters"]["MlpcSource"]  # deploying without one is refused by CloudFormation
    assert cfn_lint_errors(out.read_text()) == []
