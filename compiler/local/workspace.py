"""The local workspace: one folder (default `.mlpc/` in the current directory).

    <root>/s3/<bucket>/<key>                    the local object store
    <root>/executions/<id>/execution.json       one record per execution (summary: start, end)
    <root>/executions/<id>/events.jsonl         its events as they happen (records.py)
    <root>/executions/<id>/definition.json      the definition that ran
    <root>/executions/<id>/steps/<step>/        stdout.log, stderr.log, work dirs
    <root>/mlpc.db                              SQLite: model registry, models, step cache, file digests
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DIR = ".mlpc"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def at(cls, root: str | Path | None = None) -> "Workspace":
        return cls(Path(root if root is not None else DEFAULT_DIR).absolute())

    @property
    def s3_dir(self) -> Path:
        return self.root / "s3"

    @property
    def executions_dir(self) -> Path:
        return self.root / "executions"

    @property
    def db_path(self) -> Path:
        return self.root / "mlpc.db"

    def execution_dir(self, execution_id: str) -> Path:
        return self.executions_dir / execution_id

    def step_dir(self, execution_id: str, step: str) -> Path:
        return self.execution_dir(execution_id) / "steps" / step

    def ensure(self) -> None:
        for d in (self.root, self.s3_dir, self.executions_dir):
            d.mkdir(parents=True, exist_ok=True)


def new_execution_id() -> str:
    """12 lowercase alphanumerics, like SageMaker's execution ids."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))
