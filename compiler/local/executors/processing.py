"""Processing steps: the container entrypoint runs with its inputs at their LocalPath.

Inputs are copied from the local store to their /opt/ml/processing/... paths,
the command (AppSpecification.ContainerEntrypoint + ContainerArguments) runs
in the sandbox, and every output's LocalPath is uploaded to its S3Uri.
"""

from __future__ import annotations

from ..records import now_iso
from ..sandbox import cleanup
from .base import (StepContext, base_env, collect_output, failed, failure_tail, host_path, max_runtime,
                   python_argv, run_script, script_failure, stage_input, succeeded)


def run(ctx: StepContext, args: dict):
    app = args.get("AppSpecification") or {}
    argv = list(app.get("ContainerEntrypoint") or []) + [str(a) for a in app.get("ContainerArguments") or []]
    if not app.get("ContainerEntrypoint"):
        return failed(f"AppSpecification has no ContainerEntrypoint: the image's own entrypoint "
                      f"({app.get('ImageUri')}) cannot run locally; give the step a command")
    return run_job(ctx, args, python_argv(argv, ctx.python))


def run_job(ctx: StepContext, args: dict, argv: list, extra_env: dict | None = None, prepare=None):
    """Run a processing job's command with its inputs staged and its outputs collected.

    `prepare(root)` may stage more files under the job's /opt/ml (check steps: a baseline, a model)
    and returns an error or None; `extra_env` is added to the job's Environment.
    """
    root = ctx.step_dir / "opt_ml"
    for i, item in enumerate(args.get("ProcessingInputs") or []):
        name = item.get("InputName") or f"input-{i + 1}"
        s3 = item.get("S3Input")
        if not s3:
            return failed(f"input '{name}': only S3Input inputs run locally (not DatasetDefinition)")
        if s3.get("S3InputMode", "File") != "File":
            return failed(f"input '{name}': S3InputMode {s3.get('S3InputMode')} is not supported locally (use File)")
        if s3.get("S3DataType", "S3Prefix") != "S3Prefix":
            return failed(f"input '{name}': S3DataType {s3.get('S3DataType')} is not supported locally (use S3Prefix)")
        dest, err = host_path(root, s3.get("LocalPath"))
        if err:
            return failed(f"input '{name}': {err}")
        err = stage_input(ctx.store, s3.get("S3Uri"), dest, f"input '{name}'")
        if err:
            return failed(err)
    outputs = (args.get("ProcessingOutputConfig") or {}).get("Outputs") or []
    out_dirs = []
    for out in outputs:
        s3 = out.get("S3Output") or {}
        dest, err = host_path(root, s3.get("LocalPath"))
        if err:
            return failed(f"output '{out.get('OutputName')}': {err}")
        dest.mkdir(parents=True, exist_ok=True)
        out_dirs.append((out.get("OutputName"), dest, s3.get("S3Uri")))
    (root / "config").mkdir(parents=True, exist_ok=True)
    if prepare is not None:
        err = prepare(root)
        if err:
            return failed(err)
    env = base_env({**(args.get("Environment") or {}), **(extra_env or {}), "PROCESSING_JOB_NAME": ctx.job_name})
    timeout = max_runtime(args)
    start = now_iso()
    run_, err = run_script(ctx, root, argv, env, timeout=timeout)
    if err:
        return failed(err)
    if not run_.ok:
        return failed(script_failure(run_, "the processing script", timeout), script_seconds=run_.seconds,
                      log_tail=failure_tail(run_), detail={"work_dir": str(root)})
    for name, src, uri in out_dirs:
        err = collect_output(ctx.store, src, uri, f"output '{name}'")
        if err:
            return failed(err, script_seconds=run_.seconds)
    cleanup(root)
    props = {**args, "ProcessingJobName": ctx.job_name, "ProcessingJobArn": ctx.arn("processing-job", ctx.job_name),
             "ProcessingJobStatus": "Completed", "ExitMessage": "", "ProcessingStartTime": start,
             "ProcessingEndTime": now_iso()}
    return succeeded(props, script_seconds=run_.seconds)
