"""The TensorFlow estimator's `model_dir` hyperparameter (sagemaker/tensorflow/estimator.py
TensorFlow.hyperparameters / _default_s3_path), for script-mode `framework: tensorflow` training and tuning.

The SDK always passes the training script a `model_dir` (where TensorFlow writes checkpoints), unless
told `model_dir=False`:
  - under mpi, `/opt/ml/model` (Horovod workers share nothing else);
  - otherwise `OUTPUT_PATH/JOB_NAME/model`, where JOB_NAME is the job name the SDK makes up when the
    definition is built (`tensorflow-training-<timestamp>`): the same path for every execution, so
    runs overwrite each other's checkpoints (a TF1 Estimator even resumes from them), and the
    definition changes at every build. mlpc puts the execution's id there instead,
    `OUTPUT_PATH/<execution id>/model` (docs/sdk-parity.md, "tensorflow-model-dir").
YAML: `model_dir: false` (none), `model_dir: s3://...` or `${...}` (that value), or omitted / true (the default).
"""

from __future__ import annotations

import json

from ..expressions import ExecutionVariable, Expr, Join
from .distribution import mpi_enabled

MPI_MODEL_DIR = "/opt/ml/model"


def hyperparameters(step, ctx, output_path) -> dict:
    """-> {"model_dir": ...} for script-mode TensorFlow, {} otherwise (a misplaced `model_dir:` is reported)."""
    given = step.get("model_dir")
    if step.get("framework") != "tensorflow" or step.get("entry_point") is None:
        if given is not None:
            ctx.error(step, ("model_dir",), "J014", "model_dir is the TensorFlow estimator's hyperparameter",
                      "it is passed to script-mode framework: tensorflow training only; other scripts save to "
                      "SM_MODEL_DIR (/opt/ml/model), or set a hyperparameter of your own")
        return {}
    if given is False:
        return {}
    if given is not None and given is not True:
        value = ctx.value(step, ("model_dir",))
        return {"model_dir": value if isinstance(value, Expr) else json.dumps(value)}
    if mpi_enabled(step):
        return {"model_dir": json.dumps(MPI_MODEL_DIR)}
    if isinstance(output_path, str):
        head: tuple = (output_path.rstrip("/") + "/",)
    elif isinstance(output_path, Join) and output_path.on == "":
        head = tuple(output_path.values) + ("/",)
    else:
        head = (output_path, "/")
    values = _merge(('"',) + head + (ExecutionVariable("PipelineExecutionId"), '/model"'))
    return {"model_dir": Join("", values)}


def _merge(values: tuple) -> tuple:
    """Adjacent literal strings as one, as a hand-written Std:Join would have them."""
    out: list = []
    for v in values:
        if isinstance(v, str) and out and isinstance(out[-1], str):
            out[-1] += v
        else:
            out.append(v)
    return tuple(out)
