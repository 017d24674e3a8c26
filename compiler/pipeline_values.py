"""Pipeline-level values checked once, where they are written.

`pipeline.role`, `pipeline.region` and `pipeline.bucket` feed every step; a mistake in one is
reported at its own line (with did-you-mean over botocore's regions), not at each step that uses
it: render.py records these paths in `StepContext.reported_once`, and the per-step request-shape
check (steps/common.check_arguments) skips findings pinned to a path already reported.
"""

from __future__ import annotations

import re

from .diagnostics import Diagnostic

ROLE, REGION, BUCKET = "M030", "M031", "M032"
# The characters of S3's bucket naming rules (botocore's S3 model has no pattern for BucketName).
# Length is left alone: short stand-ins (`bucket: b`) are common in examples and tests.
BUCKET_CHARS = re.compile(r"[a-z0-9.\-]{1,63}")
URI_SCHEMES = ("s3://", "s3a://", "s3n://", "https://", "http://", "arn:")


def check(pipeline) -> list[Diagnostic]:
    return [d for d in (_role(pipeline.role), _bucket(pipeline.bucket), _region(pipeline.region)) if d is not None]


def _role(role) -> Diagnostic | None:
    """botocore's RoleArn shape (pattern and length), the oracle SageMaker's Create* requests use."""
    if not isinstance(role, str) or "${" in role:
        return None
    from . import shapes

    shape = shapes.load_table()["shapes"].get("RoleArn", {})
    rx = shapes.compile_pattern(shape["pattern"]) if "pattern" in shape else None
    if (rx is None or rx.fullmatch(role)) and shape.get("min", 0) <= len(role) <= shape.get("max", len(role)):
        return None
    hint = "arn:aws:iam::ACCOUNT_ID:role/NAME"
    if "/" not in role and ":" not in role:
        hint = f"a role name alone is not enough: arn:aws:iam::ACCOUNT_ID:role/{role}"
    return Diagnostic(ROLE, f"role '{_short(role)}' is not an IAM role ARN", path=("pipeline", "role"), hint=hint)


def _bucket(bucket) -> Diagnostic | None:
    if not isinstance(bucket, str) or "${" in bucket:
        return None
    if bucket.lower().startswith(URI_SCHEMES):
        name = bucket.split("://", 1)[-1].split("/", 1)[0] if "://" in bucket else bucket.rsplit(":", 1)[-1]
        return Diagnostic(BUCKET, f"bucket '{_short(bucket)}' is a URI or ARN; give the bucket name only",
                          path=("pipeline", "bucket"), hint=f"bucket: {name}")
    if not BUCKET_CHARS.fullmatch(bucket) or ".." in bucket:
        return Diagnostic(BUCKET, f"bucket '{_short(bucket)}' is not a valid S3 bucket name",
                          path=("pipeline", "bucket"),
                          hint="bucket names have lowercase letters, digits, '.' and '-' only")
    return None


def _region(region) -> Diagnostic | None:
    known = known_regions()
    if not isinstance(region, str) or "${" in region or not known or region in known:
        return None
    return Diagnostic(REGION, f"unknown AWS region '{_short(region)}'", path=("pipeline", "region"),
                      hint=closest_region(region, known))


def closest_region(region: str, known) -> str:
    """did-you-mean by edit distance with transpositions (us-esat-1 -> us-east-1, not us-west-1)."""
    text = region.strip().lower()
    if text in known:
        return f"did you mean '{text}'?"
    best = min(sorted(known), key=lambda r: _distance(text, r))
    if _distance(text, best) <= max(2, len(best) // 4):
        return f"did you mean '{best}'?"
    return "e.g. us-east-1, eu-west-1 (the region code, not its name)"


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[len(b)]


def region_is_known(region) -> bool:
    known = known_regions()
    return not known or region in known


def known_regions() -> frozenset:
    from . import ecr

    try:
        return ecr.known_regions()
    except ecr.EcrError:
        return frozenset()


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."
