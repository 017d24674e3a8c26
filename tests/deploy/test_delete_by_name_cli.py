"""mlpc delete NAME after the pipeline is gone: upsert marks what it creates for a pipeline (model
package groups tagged mlpc:pipeline / mlpc:bucket, a tagged schedule group, a deploy record in S3),
and delete finds it again by name: groups through SageMaker Search on the tag, the bucket from their
tags, the pipeline's inputs from the record.

moto stores model package groups, their tags (AddTags / ListTags on the group ARN) and answers Search
on ModelPackageGroup with a Tags.KEY filter, but has no DeleteModelPackage / DeleteModelPackageGroup:
those two calls are applied to the moto server's own in-process state by `MotoRegistryDeletes`."""

from __future__ import annotations

import json

from deploy_support import BUCKET, Routed, cli, edit
from test_models_cli import GROUP, register

from mlpc.deploy import session

RECORD = "mini/.mlpc/deploy.json"


class MotoRegistryDeletes:
    """DeleteModelPackage(Group) done on the moto server's state (it runs in this process)."""

    def __init__(self):
        from moto.sagemaker.models import sagemaker_backends

        self.backend = sagemaker_backends["123456789012"]["us-east-1"]
        self.calls = []

    def delete_model_package(self, ModelPackageName):
        self.calls.append(("delete_model_package", ModelPackageName))
        self.backend.model_packages.pop(ModelPackageName)
        return {}

    def delete_model_package_group(self, ModelPackageGroupName):
        self.calls.append(("delete_model_package_group", ModelPackageGroupName))
        self.backend.model_package_groups.pop(ModelPackageGroupName)
        return {}


def route_deletes(monkeypatch) -> MotoRegistryDeletes:
    fake = MotoRegistryDeletes()

    def connect(profile, region):
        aws = session.connect(profile, region)
        aws.clients["sagemaker"] = Routed(aws.sagemaker, fake, {"delete_model_package", "delete_model_package_group"})
        return aws

    monkeypatch.setattr("mlpc.cli.aws_support.connect", connect)
    return fake


def group_tags(moto, group: str) -> dict:
    arn = moto.sm.describe_model_package_group(ModelPackageGroupName=group)["ModelPackageGroupArn"]
    return {t["Key"]: t["Value"] for t in moto.sm.list_tags(ResourceArn=arn)["Tags"]}


def keys(moto) -> list:
    return sorted(o["Key"] for o in moto.s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def with_raw_input(project):
    edit(project, "  Quick: {type: Boolean, default: false}\n",
         '  Quick: {type: Boolean, default: false}\n  InputData: {type: String, default: "s3://mlpc-test-bucket/mini/raw/"}\n')
    edit(project, "    code: scripts/prep.py\n",
         '    code: scripts/prep.py\n    inputs:\n      raw: {source: "${params.InputData}", destination: /opt/ml/processing/input}\n')


def test_upsert_creates_the_group_tagged_tags_the_schedule_group_and_writes_the_record(moto, project):
    with_raw_input(project)
    moto.s3.create_bucket(Bucket=BUCKET)
    dry = cli("upsert", project, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "create model package group mini-models (tagged mlpc:bucket=mlpc-test-bucket, mlpc:pipeline=mini)" in dry.stdout
    assert f"write the deploy record s3://{BUCKET}/{RECORD}" in dry.stdout
    assert moto.sm.list_model_package_groups()["ModelPackageGroupSummaryList"] == []  # a dry run writes nothing
    result = cli("upsert", project)
    assert result.exit_code == 0, result.output
    assert "model package groups created: mini-models" in result.stdout
    assert group_tags(moto, GROUP) == {"mlpc:pipeline": "mini", "mlpc:bucket": BUCKET}
    record = json.loads(moto.s3.get_object(Bucket=BUCKET, Key=RECORD)["Body"].read())
    assert record["pipeline"] == "mini" and record["model_package_groups"] == [GROUP]
    assert record["inputs"] == ["s3://mlpc-test-bucket/mini/raw/"]
    sch = moto.scheduler
    arn = sch.get_schedule_group(Name="mlpc-mini")["Arn"]
    assert {t["Key"]: t["Value"] for t in sch.list_tags_for_resource(ResourceArn=arn)["Tags"]} == \
        {"mlpc:pipeline": "mini", "mlpc:bucket": BUCKET}
    again = cli("upsert", project, "--dry-run")  # converged: nothing to create, tag or record
    assert again.exit_code == 0, again.output
    assert "model package group" not in again.stdout and "deploy record" not in again.stdout


def test_upsert_adopts_an_untagged_group_and_leaves_another_pipelines_group(moto, project):
    moto.s3.create_bucket(Bucket=BUCKET)
    moto.sm.create_model_package_group(ModelPackageGroupName=GROUP)
    result = cli("upsert", project, "--dry-run")
    assert "tag model package group mini-models mlpc:bucket=mlpc-test-bucket, mlpc:pipeline=mini" in result.stdout
    assert cli("upsert", project).exit_code == 0
    assert group_tags(moto, GROUP)["mlpc:pipeline"] == "mini"

    moto.sm.create_model_package_group(ModelPackageGroupName=GROUP, Tags=[{"Key": "mlpc:pipeline", "Value": "other"}])
    result = cli("upsert", project, "--dry-run")
    assert "leave model package group mini-models as is: its mlpc:pipeline tag names pipeline other" in result.stdout
    assert cli("upsert", project).exit_code == 0
    assert group_tags(moto, GROUP) == {"mlpc:pipeline": "other"}
    deleted = cli("delete", project, "--model-packages", "--yes")  # by FILE too, another pipeline's group stays
    assert deleted.exit_code == 0, deleted.output
    assert "model package group mini-models is kept: its mlpc:pipeline tag names pipeline other" in deleted.stderr
    assert "0 model package version(s) in 0 group(s)" in deleted.stdout


def test_delete_by_name_after_the_pipeline_is_gone_finds_groups_and_objects(moto, project, monkeypatch):
    with_raw_input(project)
    moto.s3.create_bucket(Bucket=BUCKET)
    assert cli("upsert", project).exit_code == 0
    moto.s3.put_object(Bucket=BUCKET, Key="mini/raw/data.csv", Body=b"1,2\n")
    moto.s3.put_object(Bucket=BUCKET, Key="mini/exec-1/Prep/output/train.csv", Body=b"1,2\n")
    arns = [register(moto, 0.9, "c1"), register(moto, 0.95, "c2")]
    moto.sm.update_model_package(ModelPackageArn=arns[1], ModelApprovalStatus="Approved")
    moto.sm.delete_pipeline(PipelineName="mini")  # out of band: what a partial failure or a console click leaves
    fake = route_deletes(monkeypatch)

    plain = cli("delete", "mini", "--yes")  # without options: the schedule group goes, the rest is listed
    assert plain.exit_code == 0, plain.output
    assert "schedule group mlpc-mini" in plain.stdout
    assert "model package group mini-models (2 version(s)): --model-packages deletes it" in plain.stdout
    assert f"objects under s3://{BUCKET}/mini/ (its deploy record among them): --artifacts deletes them" in plain.stdout
    assert fake.calls == []

    refused = cli("delete", "mini", "--model-packages", "--artifacts", input="n\n")
    assert refused.exit_code == 1
    assert "model package group mini-models and its 2 version(s)" in refused.stdout
    assert "APPROVED, possibly deployed: mini-models version(s) 2" in refused.stdout
    assert "keeping 1 object(s) under s3://mlpc-test-bucket/mini/raw/: a pipeline input" in refused.stdout
    assert "aborted: nothing was deleted" in refused.stderr and fake.calls == []

    result = cli("delete", "mini", "--model-packages", "--artifacts", "--yes")
    assert result.exit_code == 0, result.output
    assert "2 model package version(s) in 1 group(s)" in result.stdout and "pipeline already gone" in result.stdout
    assert sorted(fake.calls) == sorted([("delete_model_package", a) for a in arns]
                                        + [("delete_model_package_group", GROUP)])
    assert moto.sm.list_model_package_groups()["ModelPackageGroupSummaryList"] == []
    assert keys(moto) == ["mini/raw/data.csv"]  # code, outputs and the record gone; the raw input kept

    again = cli("delete", "mini", "--model-packages", "--artifacts", "--yes")
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("nothing to delete for mini")
    assert "no bucket is known for mini's artifacts" in again.stderr  # says what it could not look at


def test_without_the_record_the_prefix_is_kept(moto, project, monkeypatch):
    """Deployed by an mlpc without records (or the record removed): the inputs are unknown, so
    --artifacts keeps the prefix rather than guess; the groups still go."""
    moto.s3.create_bucket(Bucket=BUCKET)
    assert cli("upsert", project).exit_code == 0
    moto.s3.delete_object(Bucket=BUCKET, Key=RECORD)
    moto.sm.delete_pipeline(PipelineName="mini")
    fake = route_deletes(monkeypatch)
    result = cli("delete", "mini", "--model-packages", "--artifacts", "--yes")
    assert result.exit_code == 0, result.output
    assert "model package group mini-models and its 0 version(s)" in result.stdout
    assert f"s3://{BUCKET}/mini/ is kept: without the pipeline or its deploy record" in result.stderr
    assert fake.calls == [("delete_model_package_group", GROUP)]
    assert any(k.startswith("mini/code/") for k in keys(moto))


def test_without_search_permission_delete_by_file_still_works_and_says_what_it_could_not_see(moto, project,
                                                                                              monkeypatch):
    import boto3
    from botocore.stub import Stubber

    moto.s3.create_bucket(Bucket=BUCKET)
    assert cli("upsert", project).exit_code == 0
    stubbed = boto3.client("sagemaker", region_name="us-east-1")
    stub = Stubber(stubbed)
    stub.add_client_error("search", "AccessDeniedException", "not authorized to perform sagemaker:Search", 400)

    def connect(profile, region):
        aws = session.connect(profile, region)
        aws.clients["sagemaker"] = Routed(aws.sagemaker, stubbed, {"search"})
        return aws

    monkeypatch.setattr("mlpc.cli.aws_support.connect", connect)
    with stub:
        result = cli("delete", project, "--yes")
    assert result.exit_code == 0, result.output
    assert "not allowed to search for model package groups tagged mlpc:pipeline=mini" in result.stderr
    assert "model package group mini-models (0 version(s)): --model-packages deletes it" in result.stdout  # from the FILE
    assert moto.sm.list_pipelines()["PipelineSummaries"] == []
