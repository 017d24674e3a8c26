"""The CloudFormation stack `mlpc ci codepipeline` told you to deploy (mlpc-ci-PIPELINE): find it,
empty its artifact bucket (CloudFormation cannot delete a bucket with objects), delete it."""

from __future__ import annotations

from .names import ci_stack_name
from .session import aws_errors, error_code

GONE = ("DELETE_COMPLETE",)


def find_ci_stack(cfn, pipeline: str) -> dict | None:
    """{name, status, buckets} of the pipeline's CI stack, or None when there is none."""
    from botocore.exceptions import ClientError  # not at module level, as in the other deploy modules

    name = ci_stack_name(pipeline)
    with aws_errors():
        try:
            stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
        except ClientError as exc:
            if error_code(exc) == "ValidationError":  # CloudFormation's code for "Stack ... does not exist"
                return None
            raise
        if stack.get("StackStatus") in GONE:
            return None
        buckets = [r["PhysicalResourceId"] for r in cfn.describe_stack_resources(StackName=name)["StackResources"]
                   if r["ResourceType"] == "AWS::S3::Bucket" and r.get("PhysicalResourceId")]
    return {"name": name, "status": stack.get("StackStatus"), "buckets": sorted(buckets)}


def empty_bucket(s3, bucket: str) -> int:
    """Delete every object version and delete marker (the artifact bucket is versioned)."""
    from botocore.exceptions import ClientError

    n = 0
    with aws_errors():
        try:
            pages = list(s3.get_paginator("list_object_versions").paginate(Bucket=bucket))
        except ClientError as exc:
            if error_code(exc) == "NoSuchBucket":
                return 0
            raise
        for page in pages:
            keys = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                    for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
            for i in range(0, len(keys), 1000):
                s3.delete_objects(Bucket=bucket, Delete={"Objects": keys[i:i + 1000], "Quiet": True})
                n += len(keys[i:i + 1000])
    return n


def delete_ci_stack(cfn, s3, stack: dict, wait: bool = True) -> int:
    """Empty the stack's buckets, delete the stack (and wait for it). Returns the objects deleted."""
    objects = sum(empty_bucket(s3, b) for b in stack["buckets"])
    with aws_errors():
        cfn.delete_stack(StackName=stack["name"])
        if wait:
            cfn.get_waiter("stack_delete_complete").wait(StackName=stack["name"], WaiterConfig={"Delay": 5})
    return objects
