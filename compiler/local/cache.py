"""Step caching, with SageMaker's rules.

A step with `CacheConfig: {Enabled: true}` reuses an earlier successful run of
the same step of the same pipeline when its cache key is unchanged and that
run is younger than `ExpireAfter` (ISO 8601 duration; none = no expiry).

The key is what SageMaker compares ("Default cache key attributes by pipeline
step type" in its developer guide: mlpc.cachekey): the step type
and those Arguments fields, with parameters and step properties resolved to
their values and execution variables kept symbolic, plus the PropertyFiles.
Outputs are not part of the key. Consequences, as on SageMaker: an input path
that contains the execution id of its producer changes with every fresh run
of that producer, so the consumers of a re-run step re-run too; and a
Transform step after a (never cached) Model step is never reused either.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..cachekey import cache_key_fields, caching_enabled
from .db import connect



@dataclass(frozen=True)
class CacheHit:
    execution_id: str
    properties: dict
    script_seconds: float | None
    created: str


def cache_settings(step: dict) -> tuple[bool, timedelta | None]:
    cfg = step.get("CacheConfig") or {}
    return caching_enabled(step), parse_duration(cfg.get("ExpireAfter"))


def cache_key(step: dict, symbolic_arguments: dict) -> str:
    doc = cache_key_fields(step, symbolic_arguments)
    return hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


_DURATION = re.compile(r"^P?(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$",
                       re.IGNORECASE)


def parse_duration(text) -> timedelta | None:
    """'P30D', 'PT1H', 'P1Y2M', and the guide's '30d', 'T16m', '30dT5h' -> timedelta
    (a month is 30 days, a year 365)."""
    m = _DURATION.match(text or "") if isinstance(text, str) else None
    if not m or not any(m.groups()):
        return None
    y, mo, w, d, h, mi, s = (int(g or 0) for g in m.groups())
    return timedelta(days=365 * y + 30 * mo + 7 * w + d, hours=h, minutes=mi, seconds=s)


class StepCache:
    def __init__(self, db_path):
        self.db_path = db_path

    def lookup(self, key: str, pipeline: str, expire_after: timedelta | None,
               now: datetime | None = None) -> CacheHit | None:
        now = now or datetime.now(timezone.utc)
        with connect(self.db_path) as conn:
            rows = conn.execute("SELECT * FROM step_cache WHERE cache_key = ? AND pipeline = ? ORDER BY created DESC",
                                (key, pipeline)).fetchall()
        for row in rows:
            created = datetime.fromisoformat(row["created"].replace("Z", "+00:00"))
            if expire_after is not None and now - created > expire_after:
                continue
            return CacheHit(row["execution_id"], json.loads(row["properties"]), row["script_seconds"], row["created"])
        return None

    def store(self, key: str, pipeline: str, step: str, step_type: str, execution_id: str,
              properties: dict, script_seconds: float | None, created: str) -> None:
        with connect(self.db_path) as conn:
            conn.execute("INSERT INTO step_cache VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (key, pipeline, step, step_type, execution_id, json.dumps(properties),
                          script_seconds, created))
