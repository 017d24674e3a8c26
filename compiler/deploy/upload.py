"""Upload the compile result's manifest to S3, skipping keys that already exist.

Keys are content-addressed (sha256 of the bytes), so an existing key already
holds exactly these bytes and never needs uploading again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


from ..manifest import Upload, upload_bytes
from .session import AwsError, aws_errors, error_code

ABSENT_CODES = ("404", "NoSuchKey", "NotFound")


@dataclass(frozen=True)
class PlannedUpload:
    upload: Upload
    bucket: str
    key: str
    exists: bool


def split_s3_uri(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://"):
        raise AwsError(f"not an s3:// URI: {uri}", code="BadS3Uri")
    bucket, _, key = uri[5:].partition("/")
    return bucket, key


def check_bucket(s3, bucket: str) -> None:
    """Raise a clear AwsError when the bucket is missing (HEAD errors carry only the HTTP status)."""
    try:
        with_errors(s3.head_bucket, Bucket=bucket)
    except AwsError as err:
        if err.code in ABSENT_CODES or err.code == "NoSuchBucket":
            raise AwsError(f"S3 bucket '{bucket}' does not exist",
                           "create it, or point pipeline.bucket (e.g. --var bucket=NAME) at an existing one",
                           "NoSuchBucket") from None
        raise


def with_errors(fn, **kwargs):
    with aws_errors():
        return fn(**kwargs)


def object_exists(s3, bucket: str, key: str) -> bool:
    from botocore.exceptions import ClientError  # not at module level: offline commands import this module

    try:
        s3.head_object(Bucket=bucket, Key=key)
        return True
    except ClientError as exc:
        if error_code(exc) in ABSENT_CODES:
            return False
        raise


def plan_uploads(s3, uploads: list[Upload]) -> list[PlannedUpload]:
    """Which manifest entries are missing from S3. Reads only."""
    out = []
    with aws_errors():
        for bucket in sorted({split_s3_uri(u.s3_uri)[0] for u in uploads}):
            check_bucket(s3, bucket)
        for u in uploads:
            bucket, key = split_s3_uri(u.s3_uri)
            out.append(PlannedUpload(u, bucket, key, object_exists(s3, bucket, key)))
    return out


def apply_uploads(s3, plan: list[PlannedUpload], base_dir: Path) -> int:
    """Upload the missing entries; returns how many were uploaded."""
    count = 0
    with aws_errors():
        for p in plan:
            if p.exists:
                continue
            data = upload_bytes(p.upload, base_dir)
            if hashlib.sha256(data).hexdigest() != p.upload.sha256:
                raise AwsError(f"{p.upload.local} changed since it was compiled", "rerun the command", "StaleUpload")
            s3.put_object(Bucket=p.bucket, Key=p.key, Body=data)
            count += 1
    return count


def put_text(s3, bucket: str, key: str, text: str) -> None:
    with aws_errors():
        s3.put_object(Bucket=bucket, Key=key, Body=text.encode("utf-8"), ContentType="application/json")
