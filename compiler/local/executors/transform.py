"""Transform steps: batch inference with a model created by a local Model step.

The model's container decides how to predict: built-in XGBoost images load
`xgboost-model`; script-mode models (SAGEMAKER_PROGRAM in the environment)
import the inference module and call model_fn/input_fn/predict_fn/output_fn.
Each input object <key> becomes <S3OutputPath>/<key>.out, as on SageMaker.
"""

from __future__ import annotations

import json
import re
import sys

from ..records import now_iso
from ..sandbox import cleanup
from .base import (CONTAINER_ROOT, StepContext, base_env, collect_output, extract_tar, failed, failure_tail,
                   run_script, script_failure, stage_input, succeeded)
from .training import ALGORITHMS


def run(ctx: StepContext, args: dict):
    name = args.get("ModelName")
    model = ctx.registry.get_model(name) if isinstance(name, str) else None
    if model is None:
        return failed(f"no local model named {name!r}: Transform steps run models created by a Model step "
                      "of a local execution")
    container = (model.containers or [{}])[0]
    env = {**(container.get("Environment") or {}), **(args.get("Environment") or {})}
    image = str(container.get("Image") or "")
    if env.get("SAGEMAKER_PROGRAM"):
        kind = "script"
    elif re.search(r"/(sagemaker-)?xgboost:", image):
        kind = "xgboost"
    else:
        return failed(f"model {name}: image {image!r} cannot serve locally (built-in XGBoost or a script-mode "
                      "model with SAGEMAKER_PROGRAM)")
    root = ctx.step_dir / "opt_ml"
    err = stage_input(ctx.store, container.get("ModelDataUrl"), root / "input" / "model", "ModelDataUrl")
    for f in sorted((root / "input" / "model").glob("*")) if not err else []:
        err = err or extract_tar(f, root / "model")
    if err:
        return failed(err)
    code_dir = f"{CONTAINER_ROOT}/model/code"
    submit = env.get("SAGEMAKER_SUBMIT_DIRECTORY", "")
    if kind == "script" and submit.startswith("s3://"):
        err = stage_input(ctx.store, submit, root / "input" / "source", "SAGEMAKER_SUBMIT_DIRECTORY")
        for f in sorted((root / "input" / "source").glob("*")) if not err else []:
            err = err or extract_tar(f, root / "code")
        if err:
            return failed(err)
        code_dir = f"{CONTAINER_ROOT}/code"
    elif kind == "script" and submit.startswith(CONTAINER_ROOT):
        code_dir = submit
    tin, tout = args.get("TransformInput") or {}, args.get("TransformOutput") or {}
    source = (tin.get("DataSource") or {}).get("S3DataSource") or {}
    if source.get("S3DataType", "S3Prefix") != "S3Prefix":
        return failed(f"TransformInput S3DataType {source.get('S3DataType')} is not supported locally (use S3Prefix)")
    err = stage_input(ctx.store, source.get("S3Uri"), root / "transform" / "input", "TransformInput")
    if err:
        return failed(err)
    processing = args.get("DataProcessing") or {}
    cfg = {"kind": kind, "program": env.get("SAGEMAKER_PROGRAM"), "code_dir": code_dir,
           "content_type": tin.get("ContentType"), "split_type": tin.get("SplitType", "None"),
           "compression": tin.get("CompressionType", "None"), "accept": tout.get("Accept"),
           "assemble_with": tout.get("AssembleWith", "None"), "batch_strategy": args.get("BatchStrategy"),
           "max_payload_mb": args.get("MaxPayloadInMB"), "input_filter": processing.get("InputFilter"),
           "output_filter": processing.get("OutputFilter"), "join_source": processing.get("JoinSource")}
    (root / "input" / "config").mkdir(parents=True, exist_ok=True)
    (root / "input" / "config" / "transform.json").write_text(json.dumps(cfg))
    timeout = None
    start = now_iso()
    run_, err = run_script(ctx, root, [sys.executable, str(ALGORITHMS / "batch_transform.py")],
                           base_env({**env, "TRANSFORM_JOB_NAME": ctx.job_name}), timeout=timeout)
    if err:
        return failed(err)
    if not run_.ok:
        return failed(script_failure(run_, "batch inference", timeout), script_seconds=run_.seconds,
                      log_tail=failure_tail(run_), detail={"work_dir": str(root)})
    err = collect_output(ctx.store, root / "transform" / "output", tout.get("S3OutputPath"), "TransformOutput")
    if err:
        return failed(err, script_seconds=run_.seconds)
    cleanup(root)
    props = {**args, "TransformJobName": ctx.job_name, "TransformJobArn": ctx.arn("transform-job", ctx.job_name),
             "TransformJobStatus": "Completed", "TransformStartTime": start, "TransformEndTime": now_iso()}
    return succeeded(props, script_seconds=run_.seconds)
