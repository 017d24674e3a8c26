"""`mlpc ci codepipeline`: one CloudFormation template for git push -> validate -> approve -> deploy.

Built as data and dumped once; cfn-lint's resource schemas are the test oracle. The flow:
a source on a branch (a CodeCommit repository, created or existing, or a CodeConnections
connection to GitHub/GitLab/Bitbucket) -> CodeBuild validate (validate, compile, diff against
deployed, reports) -> optional manual approval -> CodeBuild deploy (upsert --start --wait).
Least privilege: each role gets only what its stage runs (see iam.py), scoped to the pipelines'
names, bucket, schedule group and model package groups, with iam:PassRole on the pipeline role
(and schedule roles) only; the artifact bucket is KMS-encrypted, versioned, private and TLS-only.
"""

from __future__ import annotations

from typing import NamedTuple

from .buildspec import buildspec
from .dump import dump_yaml
from .iam import statements

TAG_PIPELINE, TAG_CI = "mlpc:pipeline", "mlpc:ci"
IMAGE = "aws/codebuild/standard:7.0"  # Ubuntu 22.04 with Python 3.11


class CodePipelineOptions(NamedTuple):
    facts: list  # PipelineFacts, one per file
    files: str  # what the buildspecs pass to mlpc: the files, or a glob such as pipelines/*.yaml
    source: str = "codecommit"  # codecommit | connection
    repository: str | None = None  # CodeCommit repository name
    create_repository: bool = False
    connection_arn: str | None = None
    full_repository_id: str | None = None  # owner/repo for a connection
    branch: str = "main"
    approval: bool = True
    mlpc_args: str = ""
    mlpc_source: str = ""
    wait_timeout: int = 3 * 3600
    lint_gate: bool = True  # mlpc lint errors fail the validate stage


def _sub(value):
    """Strings that mention ${AWS::...} become Fn::Sub; everything else as is."""
    if isinstance(value, str) and "${AWS::" in value:
        return {"Fn::Sub": value}
    if isinstance(value, list):
        return [_sub(v) for v in value]
    if isinstance(value, dict):
        if any(k == "Ref" or k.startswith("Fn::") for k in value):
            return value  # already an intrinsic function
        return {k: _sub(v) for k, v in value.items()}
    return value


def _policy(name: str, stmts: list) -> dict:
    return {"PolicyName": name, "PolicyDocument": {"Version": "2012-10-17", "Statement": _sub(stmts)}}


def _trust(service: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}


def _tags(base: str, stage: str) -> list:
    return [{"Key": TAG_PIPELINE, "Value": base}, {"Key": TAG_CI, "Value": stage}]


def _build_role(project: str, stage: str, opts: CodePipelineOptions, base: str) -> dict:
    group = f"arn:aws:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/aws/codebuild/{project}"
    basics = [
        {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": [group, f"{group}:*"]},
        {"Sid": "Reports", "Effect": "Allow",
         "Action": ["codebuild:CreateReportGroup", "codebuild:CreateReport", "codebuild:UpdateReport",
                    "codebuild:BatchPutTestCases"],
         "Resource": [f"arn:aws:codebuild:${{AWS::Region}}:${{AWS::AccountId}}:report-group/{project}-*"]},
    ]
    artifacts = {"Sid": "Artifacts", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
                 "Resource": [{"Fn::Sub": "${ArtifactBucket.Arn}/*"}]}
    return {"Type": "AWS::IAM::Role", "Properties": {
        "Description": f"mlpc {stage} build for {base}: least privilege for what that stage runs",
        "AssumeRolePolicyDocument": _trust("codebuild.amazonaws.com"),
        "Policies": [_policy("codebuild", basics), _policy("artifacts", [artifacts]),
                     _policy(f"mlpc-{stage}", statements(stage, opts.facts))],
        "Tags": _tags(base, stage)}}


def _project(name: str, role: str, stages: tuple, opts: CodePipelineOptions, base: str, minutes: int) -> dict:
    spec = buildspec(stages, opts.files, opts.mlpc_args, opts.mlpc_source, wait_timeout=opts.wait_timeout,
                     lint_gate=opts.lint_gate)
    spec["env"]["variables"].pop("MLPC_SOURCE")  # from the project's environment (the MlpcSource parameter)
    return {"Type": "AWS::CodeBuild::Project", "Properties": {
        "Name": name, "Description": f"mlpc {' + '.join(stages)} for {base}",
        "ServiceRole": {"Fn::GetAtt": [role, "Arn"]},
        "Source": {"Type": "CODEPIPELINE", "BuildSpec": dump_yaml(spec)},
        "Artifacts": {"Type": "CODEPIPELINE"},
        "Environment": {"Type": "LINUX_CONTAINER", "ComputeType": "BUILD_GENERAL1_SMALL", "Image": IMAGE,
                        "EnvironmentVariables": [{"Name": "MLPC_SOURCE", "Type": "PLAINTEXT",
                                                  "Value": {"Ref": "MlpcSource"}}]},
        "TimeoutInMinutes": minutes,
        "Tags": _tags(base, stages[-1])}}


def _source(opts: CodePipelineOptions, resources: dict) -> tuple:
    """(source action, pipeline role statements for it)."""
    if opts.source == "connection":
        action = {"Name": "Source", "Namespace": "SourceVariables",
                  "ActionTypeId": {"Category": "Source", "Owner": "AWS", "Provider": "CodeStarSourceConnection",
                                   "Version": "1"},
                  "Configuration": {"ConnectionArn": opts.connection_arn, "FullRepositoryId": opts.full_repository_id,
                                    "BranchName": opts.branch, "DetectChanges": True,
                                    "OutputArtifactFormat": "CODE_ZIP"},
                  "OutputArtifacts": [{"Name": "SourceOutput"}]}
        stmt = {"Sid": "UseConnection", "Effect": "Allow",
                "Action": ["codestar-connections:UseConnection", "codeconnections:UseConnection"],
                "Resource": [opts.connection_arn]}
        return action, [stmt]
    repo = {"Fn::GetAtt": ["Repository", "Name"]} if opts.create_repository else opts.repository
    repo_arn = ({"Fn::GetAtt": ["Repository", "Arn"]} if opts.create_repository else
                {"Fn::Sub": f"arn:aws:codecommit:${{AWS::Region}}:${{AWS::AccountId}}:{opts.repository}"})
    action = {"Name": "Source", "Namespace": "SourceVariables",
              "ActionTypeId": {"Category": "Source", "Owner": "AWS", "Provider": "CodeCommit", "Version": "1"},
              "Configuration": {"RepositoryName": repo, "BranchName": opts.branch, "PollForSourceChanges": False,
                                "OutputArtifactFormat": "CODE_ZIP"},
              "OutputArtifacts": [{"Name": "SourceOutput"}]}
    stmt = {"Sid": "ReadSource", "Effect": "Allow",
            "Action": ["codecommit:GetBranch", "codecommit:GetCommit", "codecommit:GetRepository",
                       "codecommit:UploadArchive", "codecommit:GetUploadArchiveStatus", "codecommit:CancelUploadArchive"],
            "Resource": [repo_arn]}
    # a push to the branch starts the pipeline (EventBridge), instead of polling
    resources["SourceEventRole"] = {"Type": "AWS::IAM::Role", "Properties": {
        "Description": "lets EventBridge start the mlpc CodePipeline on a push",
        "AssumeRolePolicyDocument": _trust("events.amazonaws.com"),
        "Policies": [{"PolicyName": "start-pipeline", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["codepipeline:StartPipelineExecution"],
             "Resource": [{"Fn::Sub": "arn:aws:codepipeline:${AWS::Region}:${AWS::AccountId}:${Pipeline}"}]}]}}]}}
    resources["SourceEventRule"] = {"Type": "AWS::Events::Rule", "Properties": {
        "Description": f"a push to {opts.branch} starts the mlpc CodePipeline",
        "EventPattern": {"source": ["aws.codecommit"], "detail-type": ["CodeCommit Repository State Change"],
                         "resources": [repo_arn],
                         "detail": {"event": ["referenceCreated", "referenceUpdated"], "referenceType": ["branch"],
                                    "referenceName": [opts.branch]}},
        "Targets": [{"Id": "mlpc-pipeline", "RoleArn": {"Fn::GetAtt": ["SourceEventRole", "Arn"]},
                     "Arn": {"Fn::Sub": "arn:aws:codepipeline:${AWS::Region}:${AWS::AccountId}:${Pipeline}"}}]}}
    return action, [stmt]


def _build_action(name: str, project: str, namespace: str) -> dict:
    return {"Name": name, "Namespace": namespace,
            "ActionTypeId": {"Category": "Build", "Owner": "AWS", "Provider": "CodeBuild", "Version": "1"},
            "Configuration": {"ProjectName": {"Ref": project}},
            "InputArtifacts": [{"Name": "SourceOutput"}], "OutputArtifacts": [{"Name": f"{name}Output"}]}


def template(opts: CodePipelineOptions) -> dict:
    base = opts.facts[0].name
    resources: dict = {}
    resources["ArtifactBucket"] = {"Type": "AWS::S3::Bucket", "Properties": {
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}]},
        "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                           "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
        "VersioningConfiguration": {"Status": "Enabled"},
        "LifecycleConfiguration": {"Rules": [{"Id": "expire-old-artifacts", "Status": "Enabled",
                                              "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]},
        "Tags": _tags(base, "artifacts")}}
    resources["ArtifactBucketPolicy"] = {"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": "ArtifactBucket"},
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [{"Fn::GetAtt": ["ArtifactBucket", "Arn"]}, {"Fn::Sub": "${ArtifactBucket.Arn}/*"}],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}}
    if opts.source == "codecommit" and opts.create_repository:
        resources["Repository"] = {"Type": "AWS::CodeCommit::Repository", "Properties": {
            "RepositoryName": opts.repository, "RepositoryDescription": f"pipelines deployed by mlpc ({base})",
            "Tags": _tags(base, "source")}}
    source_action, source_stmts = _source(opts, resources)
    validate, deploy = f"mlpc-{base}-validate", f"mlpc-{base}-deploy"
    resources["ValidateRole"] = _build_role(validate, "validate", opts, base)
    resources["DeployRole"] = _build_role(deploy, "deploy", opts, base)
    resources["ValidateProject"] = _project(validate, "ValidateRole", ("validate",), opts, base, 30)
    resources["DeployProject"] = _project(deploy, "DeployRole", ("deploy",), opts, base,
                                          min(2160, opts.wait_timeout // 60 + 30))
    pipeline_stmts = source_stmts + [
        {"Sid": "Artifacts", "Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
         "Resource": [{"Fn::Sub": "${ArtifactBucket.Arn}/*"}]},
        {"Sid": "ArtifactBucket", "Effect": "Allow", "Action": ["s3:GetBucketVersioning", "s3:GetBucketLocation"],
         "Resource": [{"Fn::GetAtt": ["ArtifactBucket", "Arn"]}]},
        {"Sid": "Builds", "Effect": "Allow", "Action": ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
         "Resource": [{"Fn::GetAtt": ["ValidateProject", "Arn"]}, {"Fn::GetAtt": ["DeployProject", "Arn"]}]},
    ]
    resources["PipelineRole"] = {"Type": "AWS::IAM::Role", "Properties": {
        "Description": f"the mlpc CodePipeline for {base}",
        "AssumeRolePolicyDocument": _trust("codepipeline.amazonaws.com"),
        "Policies": [_policy("pipeline", pipeline_stmts)], "Tags": _tags(base, "pipeline")}}
    stages = [{"Name": "Source", "Actions": [source_action]},
              {"Name": "Validate", "Actions": [_build_action("Validate", "ValidateProject", "ValidateVariables")]}]
    if opts.approval:
        stages.append({"Name": "Approve", "Actions": [{
            "Name": "Approve", "ActionTypeId": {"Category": "Approval", "Owner": "AWS", "Provider": "Manual", "Version": "1"},
            "Configuration": {"CustomData": "Review the semantic diff (build/diff.md in the Validate output, or its "
                                            "build log). DIFF_EXIT=#{ValidateVariables.DIFF_EXIT}: 0 no change, 2 changes."}}]})
    stages.append({"Name": "Deploy", "Actions": [_build_action("Deploy", "DeployProject", "DeployVariables")]})
    resources["Pipeline"] = {"Type": "AWS::CodePipeline::Pipeline", "Properties": {
        "Name": f"mlpc-{base}", "RoleArn": {"Fn::GetAtt": ["PipelineRole", "Arn"]}, "PipelineType": "V2",
        "ExecutionMode": "QUEUED", "RestartExecutionOnUpdate": False,
        "ArtifactStore": {"Type": "S3", "Location": {"Ref": "ArtifactBucket"}},
        "Stages": stages, "Tags": _tags(base, "pipeline")}}
    outputs = {"PipelineName": {"Description": "the CodePipeline", "Value": {"Ref": "Pipeline"}},
               "ArtifactBucketName": {"Description": "its encrypted artifact bucket", "Value": {"Ref": "ArtifactBucket"}}}
    if "Repository" in resources:
        outputs["CloneUrlHttp"] = {"Description": "git remote add aws THIS",
                                   "Value": {"Fn::GetAtt": ["Repository", "CloneUrlHttp"]}}
    return {"AWSTemplateFormatVersion": "2010-09-09",
            "Description": f"mlpc CI/CD for {', '.join(f.name for f in opts.facts)}: git push -> validate -> "
                           f"{'approve -> ' if opts.approval else ''}deploy (generated by mlpc ci codepipeline)",
            "Parameters": {"MlpcSource": _source_parameter(opts.mlpc_source)},
            "Resources": resources, "Outputs": outputs}


def _source_parameter(source: str) -> dict:
    """Without a known pinned source there is no default: deploying the stack then requires
    --parameter-overrides MlpcSource=..., rather than a build that installs the wrong package."""
    param = {"Type": "String", "MinLength": 1,
             "Description": "pinned pip source of mlpc (mlpc-sagemaker @ git+https://HOST/ORG/mlpc@COMMIT or a "
                            "wheel URL); never the bare name mlpc, an unrelated project on the public index"}
    if source:
        param["Default"] = source
    return param


def render(opts: CodePipelineOptions, stack_name: str) -> str:
    head = (f"Generated by mlpc ci codepipeline. Deploy it with:\n"
            f"  aws cloudformation deploy --template-file THIS.yaml --stack-name {stack_name} --capabilities CAPABILITY_IAM"
            + ("" if opts.mlpc_source else " --parameter-overrides MlpcSource='mlpc-sagemaker @ git+https://HOST/ORG/mlpc@COMMIT'")
            + f"\nRemove it with: mlpc delete {opts.facts[0].file} --ci")
    return dump_yaml(template(opts), head)
