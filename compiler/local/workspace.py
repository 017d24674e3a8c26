"""The local workspace: one folder, `.mlpc/` of the project (see `locate`), or --workspace DIR,
or $MLPC_WORKSPACE.

    <root>/s3/<bucket>/<key>                    the local object store
    <root>/executions/<id>/execution.json       one record per execution (summary: start, end)
    <root>/executions/<id>/events.jsonl         its events as they happen (records.py)
    <root>/executions/<id>/definition.json      the definition that ran
    <root>/executions/<id>/steps/<step>/        stdout.log, stderr.log, work dirs
    <root>/mlpc.db                              SQLite: model registry, models, step cache, file digests
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DIR = ".mlpc"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def at(cls, root: str | Path | None = None, start: str | Path | None = None) -> "Workspace":
        """--workspace ROOT if given, else $MLPC_WORKSPACE, else the project's `.mlpc/` found from
        `start` (default: the current folder)."""
        if root is None:
            root = os.environ.get("MLPC_WORKSPACE") or locate(Path(start) if start is not None else Path.cwd())
        return cls(Path(root).absolute())

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


def locate(start: Path) -> Path:
    """The workspace of the project `start` is in, so every folder of a project finds the same one:
    walking up from `start`, the first folder that has a `.mlpc/`, or else the project root (the
    top of the git work tree) where it will be created; outside a git work tree, `start` itself."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / DEFAULT_DIR).is_dir() or (folder / ".git").exists():
            return folder / DEFAULT_DIR
    return start / DEFAULT_DIR


def start_for(yaml_file: Path) -> Path:
    """Where `mlpc run FILE` starts looking: the current folder when FILE is inside it (so a project
    without git keeps one workspace at its top), else FILE's folder."""
    cwd, folder = Path.cwd().absolute(), yaml_file.absolute().parent
    return cwd if folder == cwd or cwd in folder.parents else folder


def new_execution_id() -> str:
    """12 lowercase alphanumerics, like SageMaker's execution ids."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))
