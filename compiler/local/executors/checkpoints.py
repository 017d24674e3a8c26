"""A training job's CheckpointConfig, locally: what SageMaker does around the job, on the local store.

SageMaker copies the objects under CheckpointConfig.S3Uri into LocalPath (default
/opt/ml/checkpoints) before the job starts, so a restarted (e.g. spot-interrupted) job resumes,
and uploads what the job writes there back to S3Uri, also when the job fails
(https://docs.aws.amazon.com/sagemaker/latest/dg/model-checkpoints.html). Locally the files are
copied, never linked: a script that rewrites a checkpoint in place must not change the stored one.
A LocalPath outside /opt/ml is not emulated (the sandbox maps only /opt/ml); local/unemulated.py
names it in the run summary.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..store import parse_s3_uri
from .base import CONTAINER_ROOT, host_path

DEFAULT_LOCAL_PATH = CONTAINER_ROOT + "/checkpoints"


def local_path(args: dict) -> str | None:
    """The container path of the job's checkpoints, or None when it has no CheckpointConfig."""
    cfg = args.get("CheckpointConfig") or {}
    return (cfg.get("LocalPath") or DEFAULT_LOCAL_PATH) if cfg.get("S3Uri") else None


def restore(store, args: dict, root: Path) -> tuple[Path | None, str | None]:
    """Copy the stored checkpoints into the job's folder. -> (host folder to save from, error)."""
    container = local_path(args)
    if container is None:
        return None, None
    host, err = host_path(root, container)
    if err:
        return None, None  # outside /opt/ml: not emulated (reported by local/unemulated.py)
    uri, err = parse_s3_uri(args["CheckpointConfig"]["S3Uri"])
    if err:
        return None, f"CheckpointConfig.S3Uri: {err}"
    host.mkdir(parents=True, exist_ok=True)
    for rel, path in store.list_prefix(uri):
        target = host / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return host, None


def save(store, args: dict, host: Path) -> str | None:
    """Upload what the job left in its checkpoint folder to CheckpointConfig.S3Uri."""
    uri, err = parse_s3_uri(args["CheckpointConfig"]["S3Uri"])
    if err:
        return f"CheckpointConfig.S3Uri: {err}"
    if not host.is_dir():
        return None
    _, err = store.put_tree(uri, host)
    return f"saving checkpoints to {uri}: {err}" if err else None
