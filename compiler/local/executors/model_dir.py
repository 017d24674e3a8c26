"""A TensorFlow script's `model_dir` hyperparameter, locally.

On SageMaker the TensorFlow container reads and writes an `s3://` model_dir directly (TensorFlow's S3
file system; the SDK passes OUTPUT_PATH/<job>/model, mlpc OUTPUT_PATH/<execution id>/model). Locally
there is no S3, so the script gets a folder, MODEL_DIR below (the SDK's local mode uses the same
/opt/ml/shared/model), and what it leaves there is stored at the URI afterwards -- also when the job
fails, as checkpoints written to S3 would be. Values that are not s3:// URIs (/opt/ml/model under mpi,
or a path the YAML gave) are left alone.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..store import parse_s3_uri
from .base import CONTAINER_ROOT, host_path

MODEL_DIR = CONTAINER_ROOT + "/shared/model"


def stage(hps: dict, root: Path) -> tuple[dict, str | None, str | None]:
    """-> (hyperparameters the script gets, the s3:// URI to store the folder at or None, a log note)."""
    raw = hps.get("model_dir")
    if raw is None or "sagemaker_program" not in hps:
        return hps, None, None
    try:
        value, encoded = json.loads(raw), True
    except ValueError:
        value, encoded = raw, False
    if not (isinstance(value, str) and value.startswith("s3://")):
        return hps, None, None
    host, _ = host_path(root, MODEL_DIR)
    host.mkdir(parents=True, exist_ok=True)
    note = f"mlpc: model_dir {value} is {MODEL_DIR} locally; what the job writes there is stored at {value}\n"
    return {**hps, "model_dir": json.dumps(MODEL_DIR) if encoded else MODEL_DIR}, value, note


def save(store, uri: str, root: Path) -> str | None:
    """Store what the job left in the local model_dir at its S3 URI."""
    parsed, err = parse_s3_uri(uri)
    if err:
        return f"model_dir: {err}"
    host, _ = host_path(root, MODEL_DIR)
    if not host.is_dir() or not any(host.iterdir()):
        return None
    _, err = store.put_tree(parsed, host)
    return f"storing model_dir at {uri}: {err}" if err else None
