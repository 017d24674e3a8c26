"""Training steps: script mode, the built-in XGBoost algorithm, and the SDK's model repack job.

The job sees SageMaker's training layout under /opt/ml:
    input/config/hyperparameters.json, inputdataconfig.json, resourceconfig.json
    input/data/<channel>/      model/      output/data/      code/ (script mode)
and /opt/ml/model is packed to <S3OutputPath>/<job name>/output/model.tar.gz.
The kind of job is chosen from a table (KINDS) by its hyperparameters and image.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..records import now_iso
from ..sandbox import cleanup
from . import checkpoints, model_dir
from .base import (CONTAINER_ROOT, StepContext, base_env, extract_tar, failed, failure_tail, host_path, max_runtime,
                   run_script, script_failure, stage_input, store_tar, succeeded)

ALGORITHMS = Path(__file__).resolve().parent.parent / "algorithms"
HOST = "algo-1"
CODE_CHANNEL_DIR = CONTAINER_ROOT + "/input/data/code/"
REPACK_PROGRAMS = ("_repack_script_launcher.sh", "_repack_model.py")


@dataclass
class JobResult:
    ok: bool
    failure: str | None = None
    log_tail: str = ""
    script_seconds: float = 0.0
    model_uri: str | None = None
    metrics: list = field(default_factory=list)  # FinalMetricDataList
    work_dir: str | None = None
    log_text: str = ""


def run(ctx: StepContext, args: dict):
    start = now_iso()
    res = run_job(ctx, args, ctx.job_name, ctx.step_dir)
    if not res.ok:
        return failed(res.failure, script_seconds=res.script_seconds, log_tail=res.log_tail,
                      detail={"work_dir": res.work_dir} if res.work_dir else {})
    props = {**args, "TrainingJobName": ctx.job_name, "TrainingJobArn": ctx.arn("training-job", ctx.job_name),
             "TrainingJobStatus": "Completed", "SecondaryStatus": "Completed",
             "ModelArtifacts": {"S3ModelArtifacts": res.model_uri}, "FinalMetricDataList": res.metrics,
             "TrainingStartTime": start, "TrainingEndTime": now_iso()}
    return succeeded(props, script_seconds=res.script_seconds,
                     detail={"metrics": {m["MetricName"]: m["Value"] for m in res.metrics}})


def decode(value):
    """Hyperparameter values are JSON-encoded by the SDK for framework estimators."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def run_job(ctx: StepContext, args: dict, name: str, job_dir: Path) -> JobResult:
    root = job_dir / "opt_ml"
    hps = {k: str(v) for k, v in (args.get("HyperParameters") or {}).items()}
    spec = args.get("AlgorithmSpecification") or {}
    kind = next((k for k in KINDS if k.matches(hps, spec)), None)
    if kind is None:
        return JobResult(False, f"training image {spec.get('TrainingImage')!r} cannot run locally: mlpc runs "
                                "script mode (sagemaker_program) and the built-in XGBoost algorithm")
    if spec.get("TrainingInputMode", "File") not in ("File", "FastFile"):
        return JobResult(False, f"TrainingInputMode {spec.get('TrainingInputMode')} is not supported locally "
                                "(File and FastFile are: channels are files under /opt/ml/input/data)")
    output_path = (args.get("OutputDataConfig") or {}).get("S3OutputPath")
    if not output_path:
        return JobResult(False, "OutputDataConfig.S3OutputPath is missing")
    channels = {}
    for ch in args.get("InputDataConfig") or []:
        cname = ch.get("ChannelName")
        src = (ch.get("DataSource") or {}).get("S3DataSource")
        if not src:
            return JobResult(False, f"channel '{cname}': only S3DataSource channels run locally")
        err = stage_input(ctx.store, src.get("S3Uri"), root / "input" / "data" / cname, f"channel '{cname}'")
        if err:
            return JobResult(False, err)
        entry = {"ContentType": ch.get("ContentType"), "TrainingInputMode": spec.get("TrainingInputMode", "File"),
                 "S3DistributionType": src.get("S3DataDistributionType", "FullyReplicated"),
                 "RecordWrapperType": ch.get("RecordWrapperType", "None")}
        channels[cname] = {k: v for k, v in entry.items() if v is not None}
    config = root / "input" / "config"
    config.mkdir(parents=True, exist_ok=True)
    for d in ("model", "output/data", "code"):
        (root / d).mkdir(parents=True, exist_ok=True)
    hps, model_dir_uri, note = model_dir.stage(hps, root)
    if note:
        job_dir.mkdir(parents=True, exist_ok=True)
        with open(job_dir / "stdout.log", "a") as log:
            log.write(note)
    (config / "hyperparameters.json").write_text(json.dumps(hps))
    (config / "inputdataconfig.json").write_text(json.dumps(channels))
    (config / "resourceconfig.json").write_text(json.dumps(
        {"current_host": HOST, "hosts": [HOST], "network_interface_name": "eth0", "current_instance_type": "local"}))
    env = base_env({**(args.get("Environment") or {}), "TRAINING_JOB_NAME": name,
                    "TRAINING_JOB_ARN": ctx.arn("training-job", name)})
    ckpt, err = checkpoints.restore(ctx.store, args, root)
    if err:
        return JobResult(False, err)
    res = kind.run(ctx, root, hps, channels, env, max_runtime(args), job_dir, spec)
    err = checkpoints.save(ctx.store, args, ckpt) if ckpt else None  # saved on failure too, as SageMaker does
    err = (model_dir.save(ctx.store, model_dir_uri, root) if model_dir_uri else None) or err
    if err and res.ok:
        return JobResult(False, err, script_seconds=res.script_seconds)
    if not res.ok:
        failure_file = root / "output" / "failure"
        if failure_file.is_file() and failure_file.read_text().strip():
            res.failure = f"{res.failure}: {failure_file.read_text().strip()[:500]}"
        res.work_dir = str(root)
        return res
    model_uri = f"{output_path.rstrip('/')}/{name}/output/model.tar.gz"
    err = store_tar(ctx.store, model_uri, root / "model")
    if not err and any((root / "output" / "data").iterdir()):
        err = store_tar(ctx.store, f"{output_path.rstrip('/')}/{name}/output/output.tar.gz", root / "output" / "data")
    if err:
        return JobResult(False, err, script_seconds=res.script_seconds)
    res.model_uri = model_uri
    res.metrics = final_metrics(res.log_text, spec.get("MetricDefinitions") or [], kind.builtin_metrics)
    cleanup(root)
    return res


# ---------------------------------------------------------------- kinds of jobs

@dataclass(frozen=True)
class Kind:
    name: str
    matches: object  # (hps, spec) -> bool
    run: object  # (ctx, root, hps, channels, env, timeout, job_dir, spec) -> JobResult (+ .log_text)
    builtin_metrics: bool = False


def _finish(run_, err, what, timeout) -> JobResult:
    if err:
        return JobResult(False, err)
    text = (run_.stdout.read_text(errors="replace") if run_.stdout.exists() else "") + "\n" + (
        run_.stderr.read_text(errors="replace") if run_.stderr.exists() else "")
    if not run_.ok:
        res = JobResult(False, script_failure(run_, what, timeout), failure_tail(run_), run_.seconds)
    else:
        res = JobResult(True, script_seconds=run_.seconds)
    res.log_text = text
    return res


def _script_mode(ctx, root, hps, channels, env, timeout, job_dir, spec) -> JobResult:
    program = decode(hps.get("sagemaker_program"))
    submit = decode(hps.get("sagemaker_submit_directory"))
    code = root / "code"
    if isinstance(submit, str) and submit.startswith(CODE_CHANNEL_DIR):
        # Under network isolation the SDK ships the code as the `code` channel, already staged
        # at this container path (sagemaker/estimator.py CONTAINER_CODE_CHANNEL_SOURCEDIR_PATH).
        staged, err = host_path(root, submit)
        if err or not staged.is_file():
            return JobResult(False, err or f"sagemaker_submit_directory {submit} is not in the job's code channel")
        sources = [staged]
    elif isinstance(submit, str) and submit.startswith("s3://"):
        err = stage_input(ctx.store, submit, root / "input" / "source", "sagemaker_submit_directory")
        if err:
            return JobResult(False, err)
        sources = sorted((root / "input" / "source").iterdir())
    else:
        return JobResult(False, f"script mode needs sagemaker_submit_directory (an s3:// URI or a file in the "
                                f"code channel), got {submit!r}")
    for f in sources:
        err = extract_tar(f, code) if f.name.endswith((".tar.gz", ".tgz", ".tar")) else os.replace(f, code / f.name)
        if err:
            return JobResult(False, err)
    if not (code / program).is_file():
        return JobResult(False, f"entry point {program!r} is not in {submit}")
    if (code / "requirements.txt").is_file():  # the training toolkit would pip install it
        job_dir.mkdir(parents=True, exist_ok=True)
        with open(job_dir / "stdout.log", "a") as log:
            log.write("mlpc: requirements.txt is not installed locally; the step uses this interpreter's "
                      "packages (pip install them into it if the script needs more)\n")
    user = {k: decode(v) for k, v in hps.items() if not k.startswith("sagemaker_")}
    argv = [ctx.python if program.endswith(".py") else "/bin/sh", program, *to_cmd_args(user)]
    env.update(script_mode_env(user, channels, program, submit, env.get("TRAINING_JOB_NAME")))
    run_, err = run_script(ctx, root, argv, env, workdir=f"{CONTAINER_ROOT}/code", timeout=timeout, log_dir=job_dir)
    return _finish(run_, err, f"the training script {program}", timeout)


def _builtin_xgboost(ctx, root, hps, channels, env, timeout, job_dir, spec) -> JobResult:
    from ...steps.algorithm_hyperparameters import validate_job

    version = xgboost_version(spec.get("TrainingImage"))
    problem = validate_job(hps, version)  # the container validates before it reads any data
    if problem:
        return JobResult(False, f"the built-in XGBoost algorithm ({version}) refused the hyperparameters: {problem}")
    # the container version (the image tag) decides how xgboost-model is written (pickle or save_model)
    argv = [sys.executable, str(ALGORITHMS / "xgboost_builtin.py"), version]
    run_, err = run_script(ctx, root, argv, env, timeout=timeout, log_dir=job_dir)
    return _finish(run_, err, "the built-in XGBoost algorithm", timeout)


def _repack(ctx, root, hps, channels, env, timeout, job_dir, spec) -> JobResult:
    """The SDK's repack job: model.tar.gz + the inference code under code/ (done in-process)."""
    start = time.perf_counter()
    model = root / "model"
    for f in sorted((root / "input" / "data" / "training").rglob("*.tar.gz")):
        err = extract_tar(f, model)
        if err:
            return JobResult(False, err)
    source = decode(hps.get("source_dir")) or decode(hps.get("sagemaker_submit_directory"))
    script = decode(hps.get("inference_script"))
    (model / "code").mkdir(parents=True, exist_ok=True)
    if isinstance(source, str) and source.startswith("s3://"):
        err = stage_input(ctx.store, source, root / "input" / "source", "source_dir")
        for f in sorted((root / "input" / "source").iterdir()) if not err else []:
            err = err or extract_tar(f, model / "code")
        if err:
            return JobResult(False, err)
    if script and not (model / "code" / script).is_file():
        return JobResult(False, f"repack: the inference script {script!r} is not in the source dir")
    return JobResult(True, script_seconds=time.perf_counter() - start)


def xgboost_version(image) -> str:
    """The sagemaker-xgboost container version in an image URI ("1.0-1" in .../sagemaker-xgboost:1.0-1-cpu-py3), or ""."""
    m = re.search(r"/sagemaker-xgboost:(\d+\.\d+-\d+)", str(image or ""))
    return m.group(1) if m else ""


def _is_xgboost_image(hps, spec) -> bool:
    image = str(spec.get("TrainingImage") or "")
    return "sagemaker_program" not in hps and re.search(r"/(sagemaker-)?xgboost:", image) is not None


KINDS = (
    Kind("repack", lambda hps, spec: decode(hps.get("sagemaker_program")) in REPACK_PROGRAMS, _repack),
    Kind("script", lambda hps, spec: "sagemaker_program" in hps, _script_mode),
    Kind("xgboost", _is_xgboost_image, _builtin_xgboost, builtin_metrics=True),
)


# ---------------------------------------------------------------- the training toolkit's contract

def to_cmd_args(hps: dict) -> list[str]:
    """sagemaker-training's to_cmd_args: sorted '--name value' pairs."""
    out = []
    for key in sorted(hps):
        value = hps[key]
        if isinstance(value, dict):
            value = ",".join(f"{k}={v}" for k, v in sorted(value.items()))
        out += [f"--{key}" if len(key) > 1 else f"-{key}", str(value)]
    return out


def _env_value(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))


def script_mode_env(hps: dict, channels: dict, program: str, submit: str, job: str | None) -> dict:
    env = {
        "SM_HPS": json.dumps(hps), "SM_USER_ARGS": json.dumps(to_cmd_args(hps)),
        "SM_CHANNELS": json.dumps(sorted(channels)), "SM_INPUT_DATA_CONFIG": json.dumps(channels),
        "SM_MODEL_DIR": f"{CONTAINER_ROOT}/model", "SM_OUTPUT_DATA_DIR": f"{CONTAINER_ROOT}/output/data",
        "SM_OUTPUT_DIR": f"{CONTAINER_ROOT}/output", "SM_INPUT_DIR": f"{CONTAINER_ROOT}/input",
        "SM_INPUT_CONFIG_DIR": f"{CONTAINER_ROOT}/input/config", "SM_MODULE_DIR": submit,
        "SM_USER_ENTRY_POINT": program, "SM_MODULE_NAME": program.rsplit(".", 1)[0],
        "SM_CURRENT_HOST": HOST, "SM_HOSTS": json.dumps([HOST]), "SM_NETWORK_INTERFACE_NAME": "eth0",
        "SM_NUM_CPUS": str(os.cpu_count() or 1), "SM_NUM_GPUS": "0", "SM_LOG_LEVEL": "20",
        "SM_CURRENT_INSTANCE_TYPE": "local", "SM_FRAMEWORK_MODULE": "",
        "SM_RESOURCE_CONFIG": json.dumps({"current_host": HOST, "hosts": [HOST]}),
    }
    for name in channels:
        env[f"SM_CHANNEL_{name.upper()}"] = f"{CONTAINER_ROOT}/input/data/{name}"
    for key, value in hps.items():
        env[f"SM_HP_{key.upper()}"] = _env_value(value)
    env["SM_TRAINING_ENV"] = json.dumps({"hyperparameters": hps, "channel_input_dirs": {
        n: f"{CONTAINER_ROOT}/input/data/{n}" for n in channels}, "model_dir": f"{CONTAINER_ROOT}/model",
        "current_host": HOST, "hosts": [HOST], "job_name": job, "user_entry_point": program})
    return env


_NUMBER = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
_XGB_METRIC = re.compile(r"(?:#011|\t)([A-Za-z0-9_]+)-([A-Za-z0-9_@]+):" + _NUMBER)


def final_metrics(log_text: str, definitions: list, builtin: bool) -> list:
    """The last value of each metric in the logs (MetricDefinitions regexes; XGBoost's own format)."""
    found: dict = {}
    for d in definitions:
        try:
            regex = re.compile(d.get("Regex", ""))
        except re.error:
            continue
        for m in regex.finditer(log_text):
            if m.groups():
                try:
                    found[d["Name"]] = float(m.group(1))
                except (TypeError, ValueError):
                    pass
    if builtin:
        for line in log_text.splitlines():
            if re.match(r"^\[\d+\]", line):
                for ch, metric, value in _XGB_METRIC.findall(line):
                    found[f"{ch}:{metric}"] = float(value)
    stamp = now_iso()
    return [{"MetricName": k, "Value": v, "Timestamp": stamp} for k, v in sorted(found.items())]
