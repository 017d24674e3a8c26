"""What every executor gets (StepContext) and returns (StepOutcome), and shared helpers.

An executor is `run(ctx, args) -> StepOutcome`, where `args` are the step's
Arguments with every expression resolved. Executors never raise for a user
mistake or a failing script: they return a failed outcome with a reason.
"""

from __future__ import annotations

import io
import os
import re
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import sandbox
from ..records import FAILED, SUCCEEDED
from ..store import LocalStore, parse_s3_uri

CONTAINER_ROOT = "/opt/ml"
PYTHON_NAMES = re.compile(r"^(/usr(/local)?/bin/)?python(3(\.\d+)?)?$")


@dataclass(frozen=True)
class ExecutionInfo:
    id: str
    pipeline: str
    region: str
    started: str
    definition_sha256: str = ""

    @property
    def pipeline_arn(self) -> str:
        return f"arn:aws:sagemaker:{self.region}:000000000000:pipeline/{self.pipeline.lower()}"

    @property
    def arn(self) -> str:
        return f"{self.pipeline_arn}/execution/{self.id}"


@dataclass
class StepContext:
    name: str
    type: str
    definition: dict
    execution: ExecutionInfo
    store: LocalStore
    registry: object  # registry.Registry
    step_dir: Path
    sandbox: object | None  # sandbox.Sandbox
    sandbox_error: str | None
    stubs: dict  # step name -> {output name: value}
    evaluation: object  # evaluate.EvalContext of the execution
    network_isolation: bool = False  # the job asked for it: its processes get no network (sandbox.py)
    python: str = sys.executable  # the interpreter of the step's scripts (envs.py: host, or a container venv)

    @property
    def job_name(self) -> str:
        return job_name(self.execution.id, self.name)

    def arn(self, kind: str, name: str) -> str:
        return f"arn:aws:sagemaker:{self.execution.region}:000000000000:{kind}/{name.lower()}"


@dataclass
class StepOutcome:
    status: str
    properties: dict = field(default_factory=dict)
    failure: str | None = None
    kind: str = "error"  # "error" | "fail" (a Fail step)
    script_seconds: float = 0.0
    outcome: bool | None = None
    log_tail: str = ""
    detail: dict = field(default_factory=dict)


def succeeded(properties: dict, **kw) -> StepOutcome:
    return StepOutcome(SUCCEEDED, properties, **kw)


def failed(reason: str, **kw) -> StepOutcome:
    return StepOutcome(FAILED, failure=reason, **kw)


def job_name(execution_id: str, step: str) -> str:
    """pipelines-<execution id>-<step>, as SageMaker names a pipeline's jobs (max 63 chars)."""
    clean = re.sub(r"[^A-Za-z0-9-]+", "-", step).strip("-") or "step"
    return f"pipelines-{execution_id}-{clean}"[:63].rstrip("-")


# ---------------------------------------------------------------- paths and data

def host_path(root: Path, container_path: str) -> tuple[Path | None, str | None]:
    """/opt/ml/processing/x -> <root>/processing/x (paths outside /opt/ml are refused)."""
    norm = os.path.normpath(container_path or "")
    if norm != CONTAINER_ROOT and not norm.startswith(CONTAINER_ROOT + "/"):
        return None, f"container path {container_path!r} is not under {CONTAINER_ROOT}/"
    return root / os.path.relpath(norm, CONTAINER_ROOT), None


def stage_input(store: LocalStore, uri_text, dest: Path, what: str) -> str | None:
    uri, err = parse_s3_uri(uri_text)
    if err:
        return f"{what}: {err}"
    _, err = store.download(uri, dest)
    return f"{what}: {err}" if err else None


def collect_output(store: LocalStore, src: Path, uri_text, what: str) -> str | None:
    uri, err = parse_s3_uri(uri_text)
    if err:
        return f"{what}: {err}"
    if not src.is_dir():
        return None
    _, err = store.put_tree(uri, src, move=True)
    return f"{what}: {err}" if err else None


def tar_directory(src: Path) -> bytes:
    raw = io.BytesIO()
    write_tar(src, raw)
    return raw.getvalue()


def write_tar(src: Path, fileobj) -> None:
    """src's tree as a .tar.gz, streamed to fileobj (gzip level 6, as `tar czf`: a large model is
    packed at disk speed in constant memory)."""
    with tarfile.open(fileobj=fileobj, mode="w:gz", compresslevel=6) as tar:
        for p in sorted(src.rglob("*")) if src.is_dir() else []:
            tar.add(p, arcname=p.relative_to(src).as_posix(), recursive=False)


def store_tar(store: LocalStore, uri_text: str, src: Path) -> str | None:
    """Pack src into the store at uri_text, streamed to disk. Returns an error or None."""
    uri, err = parse_s3_uri(uri_text)
    if err:
        return err
    with store.open_object(uri) as (f, err):
        if err:
            return err
        write_tar(src, f)
    return None


def extract_tar(path: Path, dest: Path) -> str | None:
    try:
        with tarfile.open(path) as tar:
            tar.extractall(dest, filter="data")
    except (tarfile.TarError, OSError) as exc:
        return f"cannot extract {path.name}: {exc}"
    return None


# ---------------------------------------------------------------- processes

def python_argv(argv: list[str], python: str = sys.executable) -> list[str]:
    """Container commands name `python3`; run them with the step's interpreter (this one, which has the
    [local] extra, or the container environment's: envs.py)."""
    if argv and PYTHON_NAMES.match(argv[0]):
        return [python, *argv[1:]]
    return list(argv)


def base_env(extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SM_", "SAGEMAKER_", "TRAINING_JOB_"))}
    env["PYTHONUNBUFFERED"] = "1"
    # Locally, steps share the cores with each other and with everything else on the machine:
    # OpenMP threads that spin while waiting (xgboost, scikit-learn) then slow a 0.1 s fit to
    # seconds. Passive waiting costs nothing on a dedicated instance and avoids that here.
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    env.update({k: str(v) for k, v in (extra or {}).items()})
    return env


@dataclass(frozen=True)
class ScriptRun:
    returncode: int
    seconds: float
    timed_out: bool
    stdout: Path
    stderr: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out


def run_script(ctx: StepContext, root: Path, argv: list[str], env: dict, workdir: str = CONTAINER_ROOT,
               timeout: float | None = None, log_dir: Path | None = None) -> tuple[ScriptRun | None, str | None]:
    """Run argv with root mounted on /opt/ml; stdout/stderr go to <log_dir>/stdout.log, stderr.log."""
    if ctx.sandbox is None:
        return None, ctx.sandbox_error or "no sandbox available"
    if ctx.network_isolation and (why := sandbox.probe_network()):
        return None, why
    log_dir = log_dir or ctx.step_dir
    out, err = log_dir / "stdout.log", log_dir / "stderr.log"
    argv = sandbox.command(ctx.sandbox, root, argv, workdir, isolate_network=ctx.network_isolation)
    res = sandbox.run(argv, env, out, err, timeout=timeout, owner=ctx.execution.id)
    return ScriptRun(res.returncode, res.seconds, res.timed_out, out, err), None


def script_failure(run: ScriptRun, what: str, timeout: float | None = None) -> str:
    if run.timed_out:
        return f"{what} exceeded MaxRuntimeInSeconds ({timeout:g} s) and was stopped"
    return f"AlgorithmError: {what} exited with code {run.returncode}"


def failure_tail(run: ScriptRun) -> str:
    return sandbox.log_tail(run.stderr) or sandbox.log_tail(run.stdout)


def max_runtime(args: dict) -> float | None:
    value = (args.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds")
    return float(value) if isinstance(value, (int, float)) and value > 0 else None
