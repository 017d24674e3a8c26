"""The workspace's SQLite database (model registry, models, step cache, file hashes)."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS model_package_groups (
    name TEXT PRIMARY KEY,
    description TEXT,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS model_packages (
    group_name TEXT NOT NULL,
    version INTEGER NOT NULL,
    arn TEXT NOT NULL,
    status TEXT NOT NULL,
    description TEXT,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    execution_id TEXT,
    pipeline TEXT,
    step TEXT,
    image TEXT,
    model_data_url TEXT,
    inference_spec TEXT,
    metrics TEXT,
    reports TEXT,
    status_reason TEXT,
    PRIMARY KEY (group_name, version)
);
CREATE TABLE IF NOT EXISTS model_package_evidence (
    group_name TEXT NOT NULL,
    version INTEGER NOT NULL,
    model_metrics TEXT,
    drift_check_baselines TEXT,
    model_card TEXT,
    customer_metadata TEXT,
    lineage TEXT,
    PRIMARY KEY (group_name, version)
);
CREATE TABLE IF NOT EXISTS model_package_history (
    group_name TEXT NOT NULL,
    version INTEGER NOT NULL,
    time TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT
);
CREATE TABLE IF NOT EXISTS models (
    name TEXT PRIMARY KEY,
    containers TEXT NOT NULL,
    execution_id TEXT,
    step TEXT,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS step_cache (
    cache_key TEXT NOT NULL,
    pipeline TEXT NOT NULL,
    step TEXT NOT NULL,
    step_type TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    properties TEXT NOT NULL,
    script_seconds REAL,
    created TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS step_cache_key ON step_cache (cache_key, pipeline);
CREATE TABLE IF NOT EXISTS file_hashes (
    path TEXT PRIMARY KEY,
    stamp TEXT NOT NULL,
    sha256 TEXT NOT NULL
);
"""


@contextmanager
def connect(path: Path):
    """A short-lived connection (one per operation: threads and concurrent runs are safe)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        conn.executescript(SCHEMA)
        with conn:
            yield conn
    finally:
        conn.close()
