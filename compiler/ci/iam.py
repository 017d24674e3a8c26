"""The IAM permissions mlpc's CI commands need, as data, scoped to the pipelines they deploy.

One table, two readers: the CodePipeline template turns it into the CodeBuild roles' policies,
and the buildspec prints it as the list to give a hand-made CodeBuild role. Every statement says
which mlpc command needs it. `ACCOUNT` in a resource is the account the template is deployed in.

- validate: `mlpc validate`, `mlpc diff --against deployed` (reads only).
- deploy: `mlpc upsert FILE --start --wait`, `mlpc models list` (writes the pipeline, its code
  objects and deploy record under s3://BUCKET/PIPELINE/, its schedule group, its notification rules,
  its model package groups tagged for `mlpc delete`; passes the pipeline role only).
"""

from __future__ import annotations

from .facts import PipelineFacts

ACCOUNT = "${AWS::AccountId}"


def _pipeline_arn(f: PipelineFacts, tail: str = "") -> str:
    return f"arn:aws:sagemaker:{f.region}:{ACCOUNT}:pipeline/{f.name}{tail}"


def _group(f: PipelineFacts) -> str:
    from ..deploy.names import group_name

    return group_name(f.name)


def read_statements(f: PipelineFacts) -> list:
    """What `mlpc diff --against deployed` reads."""
    group = _group(f)
    return [
        {"Sid": "ReadPipeline", "Effect": "Allow", "Action": ["sagemaker:DescribePipeline", "sagemaker:ListTags"],
         "Resource": [_pipeline_arn(f)]},
        # ListPipelines has no resource-level permissions: mlpc confirms an absent pipeline with it
        {"Sid": "ListPipelines", "Effect": "Allow", "Action": ["sagemaker:ListPipelines"], "Resource": ["*"]},
        {"Sid": "ReadScheduleGroup", "Effect": "Allow", "Action": ["scheduler:GetScheduleGroup"],
         "Resource": [f"arn:aws:scheduler:{f.region}:{ACCOUNT}:schedule-group/{group}"]},
        {"Sid": "ReadSchedules", "Effect": "Allow", "Action": ["scheduler:GetSchedule"],
         "Resource": [f"arn:aws:scheduler:{f.region}:{ACCOUNT}:schedule/{group}/*"]},
        # ListSchedules has no resource-level permissions
        {"Sid": "ListSchedules", "Effect": "Allow", "Action": ["scheduler:ListSchedules"], "Resource": ["*"]},
    ] + (_read_rules(f) if f.notification_topics else [])


def _rules_arn(f: PipelineFacts) -> str:
    from ..notify import list_prefix

    return f"arn:aws:events:{f.region}:{ACCOUNT}:rule/{list_prefix(f.name)}*"


def _read_rules(f: PipelineFacts) -> list:
    """The notification rules are found by name prefix and confirmed by their mlpc:pipeline tag."""
    return [
        # ListRules has no resource-level permissions
        {"Sid": "ListRules", "Effect": "Allow", "Action": ["events:ListRules"], "Resource": ["*"]},
        {"Sid": "ReadRules", "Effect": "Allow", "Action": ["events:ListTagsForResource", "events:ListTargetsByRule"],
         "Resource": [_rules_arn(f)]},
    ]


def deploy_statements(f: PipelineFacts) -> list:
    """What `mlpc upsert FILE --start --wait` and `mlpc models list GROUP` do, on top of the reads."""
    group = _group(f)
    out = read_statements(f) + [
        {"Sid": "WritePipeline", "Effect": "Allow",
         "Action": ["sagemaker:CreatePipeline", "sagemaker:UpdatePipeline", "sagemaker:AddTags",
                    "sagemaker:DeleteTags", "sagemaker:StartPipelineExecution", "sagemaker:ListPipelineExecutions"],
         "Resource": [_pipeline_arn(f)]},
        {"Sid": "FollowExecutions", "Effect": "Allow",
         "Action": ["sagemaker:DescribePipelineExecution", "sagemaker:ListPipelineExecutionSteps",
                    "sagemaker:ListPipelineParametersForExecution", "sagemaker:StopPipelineExecution"],
         "Resource": [_pipeline_arn(f, "/execution/*")]},
        {"Sid": "CodeBucket", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
         "Resource": [f"arn:aws:s3:::{f.bucket}"]},
        {"Sid": "CodeObjects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": [f"arn:aws:s3:::{f.bucket}/{f.name}/*"]},
        # created with the mlpc:pipeline / mlpc:bucket tags (tag-on-create needs TagResource)
        {"Sid": "WriteScheduleGroup", "Effect": "Allow", "Action": ["scheduler:CreateScheduleGroup", "scheduler:TagResource"],
         "Resource": [f"arn:aws:scheduler:{f.region}:{ACCOUNT}:schedule-group/{group}"]},
        {"Sid": "WriteSchedules", "Effect": "Allow",
         "Action": ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"],
         "Resource": [f"arn:aws:scheduler:{f.region}:{ACCOUNT}:schedule/{group}/*"]},
        {"Sid": "PassPipelineRole", "Effect": "Allow", "Action": ["iam:PassRole"], "Resource": [f.role],
         "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}},
    ]
    if f.has_schedules:
        out.append({"Sid": "PassScheduleRoles", "Effect": "Allow", "Action": ["iam:PassRole"],
                    "Resource": list(f.schedule_roles),
                    "Condition": {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}}})
    if f.model_package_groups:
        out.append({"Sid": "ReadModelPackages", "Effect": "Allow",
                    "Action": ["sagemaker:DescribeModelPackageGroup", "sagemaker:DescribeModelPackage"],
                    "Resource": [arn for g in f.model_package_groups for arn in (
                        f"arn:aws:sagemaker:{f.region}:{ACCOUNT}:model-package-group/{g}",
                        f"arn:aws:sagemaker:{f.region}:{ACCOUNT}:model-package/{g}/*")]})
        # upsert creates a missing group tagged mlpc:pipeline / mlpc:bucket, or tags an untagged one
        out.append({"Sid": "WriteModelPackageGroups", "Effect": "Allow",
                    "Action": ["sagemaker:CreateModelPackageGroup", "sagemaker:AddTags", "sagemaker:ListTags"],
                    "Resource": [f"arn:aws:sagemaker:{f.region}:{ACCOUNT}:model-package-group/{g}"
                                 for g in f.model_package_groups]})
        out.append({"Sid": "ListModelPackages", "Effect": "Allow",
                    "Action": ["sagemaker:ListModelPackages", "sagemaker:ListModelPackageGroups"],
                    "Resource": ["*"]})  # no resource-level permissions
    if f.notification_topics:
        out.append({"Sid": "WriteRules", "Effect": "Allow",
                    "Action": ["events:PutRule", "events:PutTargets", "events:RemoveTargets", "events:DeleteRule",
                               "events:TagResource"], "Resource": [_rules_arn(f)]})
        out.append({"Sid": "TopicPolicies", "Effect": "Allow",
                    "Action": ["sns:GetTopicAttributes", "sns:SetTopicAttributes"],
                    "Resource": list(f.notification_topics)})
    return out


def statements(stage: str, facts: list) -> list:
    """Every statement a stage needs for these pipelines; Sids made unique per pipeline."""
    build = {"validate": read_statements, "deploy": deploy_statements}[stage]
    out = []
    for i, f in enumerate(facts):
        for st in build(f):
            out.append({**st, "Sid": st["Sid"] + (str(i) if len(facts) > 1 else "")})
    return out


def permission_lines(stage: str, facts: list) -> list:
    """The same, as text lines (for a buildspec's comment)."""
    lines = []
    for st in statements(stage, facts):
        cond = st.get("Condition", {}).get("StringEquals", {}).get("iam:PassedToService")
        lines.append(f"{', '.join(st['Action'])} on {', '.join(st['Resource'])}".replace(ACCOUNT, "ACCOUNT")
                     + (f" (iam:PassedToService {cond})" if cond else ""))
    return lines
