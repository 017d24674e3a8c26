"""The local Model Registry (SQLite in the workspace).

Model package groups, numbered versions, approval status, the metrics of the
evaluation report named by ModelMetrics, and the execution that produced each
version. Also the models created by Model steps (looked up by Transform steps).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .db import connect
from .records import now_iso

APPROVAL_STATUSES = ("Approved", "Rejected", "PendingManualApproval")
EVIDENCE_KEYS = ("model_metrics", "drift_check_baselines", "model_card", "customer_metadata", "lineage")
ACCOUNT = "000000000000"


@dataclass(frozen=True)
class ModelPackage:
    group: str
    version: int
    arn: str
    status: str
    created: str
    updated: str
    description: str | None = None
    execution_id: str | None = None
    pipeline: str | None = None
    step: str | None = None
    image: str | None = None
    model_data_url: str | None = None
    metrics: dict = field(default_factory=dict)  # flat: name -> value
    reports: dict = field(default_factory=dict)  # "ModelQuality.Statistics" -> the report document
    status_reason: str | None = None
    customer_metadata: dict = field(default_factory=dict)  # CustomerMetadataProperties, as registered

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class LocalModel:
    name: str
    containers: list
    execution_id: str | None
    step: str | None
    created: str


def package_arn(region: str, group: str, version: int) -> str:
    return f"arn:aws:sagemaker:{region}:{ACCOUNT}:model-package/{group.lower()}/{version}"


def flat_metrics(report) -> dict:
    """{"metrics": {"accuracy": {"value": 0.97}}} (or *_metrics blocks) -> {"accuracy": 0.97}."""
    out = {}
    if not isinstance(report, dict):
        return out
    blocks = [report.get("metrics")] + [v for k, v in sorted(report.items()) if k.endswith("_metrics")]
    for block in blocks:
        if not isinstance(block, dict):
            continue
        for name, entry in block.items():
            value = entry.get("value") if isinstance(entry, dict) else entry
            if isinstance(value, (int, float)) and not isinstance(value, bool) and name not in out:
                out[name] = value
    return out


class Registry:
    def __init__(self, db_path, region: str = "us-east-1"):
        self.db_path = db_path
        self.region = region

    # ------------------------------------------------------------------ packages
    def register(self, group: str, *, status: str, description: str | None, execution_id: str | None,
                 pipeline: str | None, step: str | None, image: str | None, model_data_url: str | None,
                 inference_spec: dict, reports: dict, evidence: dict | None = None) -> ModelPackage:
        """A new version. `evidence`: model_metrics, drift_check_baselines, model_card (as the
        CreateModelPackage request has them, URIs resolved), customer_metadata, lineage."""
        metrics = {}
        for report in reports.values():
            for k, v in flat_metrics(report).items():
                metrics.setdefault(k, v)
        created = now_iso()
        with connect(self.db_path) as conn:
            conn.execute("INSERT OR IGNORE INTO model_package_groups VALUES (?, ?, ?)", (group, None, created))
            version = conn.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM model_packages WHERE group_name = ?",
                                   (group,)).fetchone()[0]
            arn = package_arn(self.region, group, version)
            conn.execute(
                "INSERT INTO model_packages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (group, version, arn, status, description, created, created, execution_id, pipeline, step, image,
                 model_data_url, json.dumps(inference_spec), json.dumps(metrics), json.dumps(reports), None))
            ev = evidence or {}
            conn.execute("INSERT INTO model_package_evidence VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (group, version, *(json.dumps(ev.get(k)) for k in EVIDENCE_KEYS)))
            conn.execute("INSERT INTO model_package_history VALUES (?, ?, ?, ?, ?)",
                         (group, version, created, status, "registered"))
        return self.get(group, version)[0]

    def evidence(self, group: str, version: int) -> dict:
        """model_metrics, drift_check_baselines, model_card, customer_metadata, lineage (None when absent)."""
        with connect(self.db_path) as conn:
            row = conn.execute("SELECT * FROM model_package_evidence WHERE group_name = ? AND version = ?",
                               (group, version)).fetchone()
        return {k: (json.loads(row[k]) if row and row[k] else None) for k in EVIDENCE_KEYS}

    def history(self, group: str, version: int) -> list[dict]:
        """Approval status changes of a version, oldest first: {time, status, reason}."""
        with connect(self.db_path) as conn:
            rows = conn.execute("SELECT time, status, reason FROM model_package_history WHERE group_name = ? "
                                "AND version = ? ORDER BY rowid", (group, version)).fetchall()
        return [dict(r) for r in rows]

    def latest_approved_baselines(self, group: str) -> tuple[int, dict] | None:
        """(version, DriftCheckBaselines) of the newest Approved version, as a check step looks it up."""
        approved = [p for p in self.list(group) if p.status == "Approved"]
        if not approved:
            return None
        newest = max(approved, key=lambda p: (p.created, p.version))
        return newest.version, self.evidence(group, newest.version).get("drift_check_baselines") or {}

    def groups(self) -> list[str]:
        with connect(self.db_path) as conn:
            return [r[0] for r in conn.execute("SELECT name FROM model_package_groups ORDER BY name")]

    def list(self, group: str | None = None) -> list[ModelPackage]:
        sql, args = _PACKAGES, ()
        if group:
            sql, args = sql + " WHERE p.group_name = ?", (group,)
        with connect(self.db_path) as conn:
            rows = conn.execute(sql + " ORDER BY p.group_name, p.version DESC", args).fetchall()
        return [_package(r) for r in rows]

    def get(self, group: str, version: int) -> tuple[ModelPackage | None, str | None]:
        with connect(self.db_path) as conn:
            row = conn.execute(_PACKAGES + " WHERE p.group_name = ? AND p.version = ?", (group, version)).fetchone()
        if row is None:
            known = self.groups()
            if group not in known:
                return None, f"no model package group '{group}' in the local registry" + (
                    f" (groups: {', '.join(known)})" if known else "")
            return None, f"model package group '{group}' has no version {version}"
        return _package(row), None

    def set_status(self, group: str, version: int, status: str, reason: str | None = None
                   ) -> tuple[ModelPackage | None, str | None]:
        if status not in APPROVAL_STATUSES:
            return None, f"'{status}' is not an approval status ({', '.join(APPROVAL_STATUSES)})"
        pkg, err = self.get(group, version)
        if err:
            return None, err
        with connect(self.db_path) as conn:
            when = now_iso()
            conn.execute("UPDATE model_packages SET status = ?, status_reason = ?, updated = ? "
                         "WHERE group_name = ? AND version = ?", (status, reason, when, group, version))
            conn.execute("INSERT INTO model_package_history VALUES (?, ?, ?, ?, ?)",
                         (group, version, when, status, reason))
        return self.get(group, version)

    # ------------------------------------------------------------------ evidence
    def facts(self, group: str, version: int) -> tuple[dict | None, str | None]:
        """The facts of mlpc.evidence.audit_record for one version."""
        from ..evidence import flatten_uris

        pkg, err = self.get(group, version)
        if err:
            return None, err
        ev = self.evidence(group, version)
        return {"group": group, "version": version, "arn": pkg.arn, "status": pkg.status, "created": pkg.created,
                "approval_description": pkg.status_reason, "history": self.history(group, version),
                "model_card": ev["model_card"], "reports": pkg.reports,
                "model_metrics": flatten_uris(ev["model_metrics"]),
                "drift_baselines": flatten_uris(ev["drift_check_baselines"]), "lineage": ev["lineage"] or {}}, None

    def versions(self, group: str) -> list[dict]:
        """{version, status, created, metrics} per version (mlpc.evidence's history and rollback input)."""
        return [{"version": p.version, "status": p.status, "created": p.created, "metrics": p.metrics}
                for p in self.list(group)]

    def ever_approved(self, group: str) -> set:
        with connect(self.db_path) as conn:
            return {r[0] for r in conn.execute("SELECT DISTINCT version FROM model_package_history "
                                               "WHERE group_name = ? AND status = 'Approved'", (group,))}

    # ------------------------------------------------------------------ models
    def create_model(self, name: str, containers: list, execution_id: str | None, step: str | None) -> LocalModel:
        with connect(self.db_path) as conn:
            conn.execute("INSERT OR REPLACE INTO models VALUES (?, ?, ?, ?, ?)",
                         (name, json.dumps(containers), execution_id, step, now_iso()))
        return self.get_model(name)

    def get_model(self, name: str) -> LocalModel | None:
        with connect(self.db_path) as conn:
            row = conn.execute("SELECT * FROM models WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        return LocalModel(row["name"], json.loads(row["containers"]), row["execution_id"], row["step"], row["created"])


# A version with the customer metadata it was registered with (kept with the rest of its evidence).
_PACKAGES = ("SELECT p.*, e.customer_metadata AS customer_metadata FROM model_packages p "
             "LEFT JOIN model_package_evidence e ON e.group_name = p.group_name AND e.version = p.version")


def _package(row) -> ModelPackage:
    return ModelPackage(
        group=row["group_name"], version=row["version"], arn=row["arn"], status=row["status"],
        created=row["created"], updated=row["updated"], description=row["description"],
        execution_id=row["execution_id"], pipeline=row["pipeline"], step=row["step"], image=row["image"],
        model_data_url=row["model_data_url"], metrics=json.loads(row["metrics"] or "{}"),
        reports=json.loads(row["reports"] or "{}"), status_reason=row["status_reason"],
        customer_metadata=json.loads(row["customer_metadata"] or "null") or {})
