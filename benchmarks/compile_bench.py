"""Compile benchmark: mlpc vs the SageMaker Python SDK, side by side in one run.

  python benchmarks/compile_bench.py [--runs N]

1. Whole processes, alternating: `mlpc compile pipelines/breast-cancer.yaml` against a
   Python process that builds the same pipeline with the SDK v2 (tests/parity/sdk_pipelines.py)
   and prints `pipeline.definition()`. The SDK uploads code, so it runs against moto's S3
   (a local ThreadedMotoServer); mlpc needs nothing. mlpc is measured twice: with its botocore
   shape cache warm (every run after the first on a machine) and cold (empty cache dir).
   Reported: medians and the ratio SDK / mlpc.
2. In-process compile of synthetic 100/500/1000-step pipelines (linear growth expected).
Run it with the project's venv (`.venv/bin/python benchmarks/compile_bench.py`); it needs the test extra.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SDK_SNIPPET = """
import sys, boto3
sys.path.insert(0, {parity!r})
import sagemaker.telemetry.telemetry_logging as telemetry
telemetry._send_telemetry_request = lambda *a, **k: None
from sagemaker.workflow.pipeline_context import PipelineSession
from sdk_pipelines import breast_cancer, BUCKET, REGION
session = PipelineSession(boto_session=boto3.Session(region_name=REGION), default_bucket=BUCKET)
session.sagemaker_config = {{}}
sys.stdout.write(breast_cancer(session).definition())
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _time(cmd: list, env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - t0


def whole_process(runs: int) -> None:
    from moto.server import ThreadedMotoServer
    import boto3

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    tmp = Path(tempfile.mkdtemp(prefix="mlpc-bench-"))
    env = {**os.environ, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_CONFIG_FILE": str(tmp / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "none"),
           "SAGEMAKER_SUPPRESS_V2_WARNING": "1", "XDG_CACHE_HOME": str(tmp / "cache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users' Pythons cache bytecode; both sides get the same
    try:
        os.environ.update({k: env[k] for k in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                               "AWS_DEFAULT_REGION")})
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="mlpc-example-artifacts")
        mlpc = [str(Path(sys.executable).with_name("mlpc")), "compile", "pipelines/breast-cancer.yaml"]
        sdk = [sys.executable, "-c", SDK_SNIPPET.format(parity=str(ROOT / "tests" / "parity"))]
        _time(mlpc, env), _time(sdk, env)  # warm the OS file cache and bytecode for both
        warm, cold, sdk_t = [], [], []
        for _ in range(runs):
            warm.append(_time(mlpc, env))
            shutil.rmtree(tmp / "cache", ignore_errors=True)
            cold.append(_time(mlpc, env))
            sdk_t.append(_time(sdk, env))
        m_w, m_c, m_s = (statistics.median(x) for x in (warm, cold, sdk_t))
        print(f"whole process, median of {runs} (alternating runs):")
        print(f"  SDK v2 build + definition()     {m_s * 1000:8.0f} ms")
        print(f"  mlpc compile (shape cache warm) {m_w * 1000:8.0f} ms   SDK/mlpc = {m_s / m_w:5.1f}x")
        print(f"  mlpc compile (cache cold)       {m_c * 1000:8.0f} ms   SDK/mlpc = {m_s / m_c:5.1f}x")
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def synthetic() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import synthetic_yaml

    from mlpc.api import compile_text

    compile_text(synthetic_yaml(10), "warmup.yaml")
    print("in-process compile of synthetic pipelines (best of 3):")
    base = None
    for n in (100, 500, 1000):
        text = synthetic_yaml(n)
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            res = compile_text(text, f"synthetic-{n}.yaml")
            best = min(best, time.perf_counter() - t0)
            assert res.ok, res.diagnostics[:3]
        base = base or best / n
        print(f"  {n:5d} steps  {best * 1000:7.0f} ms  {best / n * 1e3:6.2f} ms/step  "
              f"(x{best / n / base:4.2f} per-step vs 100)  {len(res.definition_json):,} chars")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--skip-sdk", action="store_true", help="only the synthetic in-process part")
    args = ap.parse_args()
    if not args.skip_sdk:
        whole_process(args.runs)
    synthetic()


if __name__ == "__main__":
    main()
