"""Benchmark: `mlpc run --local` at real data and pipeline sizes, measured side by side in one run.

    .venv/bin/python benchmarks/local_scale.py                       # 100k/300k rows, 200/400/800 steps
    .venv/bin/python benchmarks/local_scale.py --rows 100000,300000,1000000 --steps 200,400,800

Data: inputs of N rows made from the shipped data (pipelines/data/breast-cancer.csv: rows drawn
with replacement, features jittered by 1% of their spread, so no two rows are equal), run through
the example (pipelines/breast-cancer.yaml, `--param InputData=FILE`) in a fresh workspace, then
rerun with every step cached. Reported per size: wall time, per step its time, the script's own
time and mlpc's share (the rest), each process's peak memory as a ratio to the input CSV's size
(mlpc's own process included), and the cached rerun as a ratio to `mlpc compile` of the same file
(the two alternated, medians).

Pipelines: synthetic chains of N condition steps (orchestration only; each also has a Fail step
on its else branch, skipped, so the graph has 2N steps) and of N processing steps
running /bin/true in the sandbox (orchestration + staging + the sandbox per step), each run by
the real command in a fresh workspace. Reported: wall time, mlpc's time per step, and the ratio of
each size to the smallest (linear is 2.0x for twice the steps).

Absolute times depend on the machine and its load; the ratios are the result. Acceptance targets
(issue 12) are printed beside them: peak <= 4x the input; 400 steps <= 2.5x the time of 200;
400 condition steps < 10 s; cached rerun <= 2x a compile.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "pipelines" / "breast-cancer.yaml"
SHIPPED = ROOT / "pipelines" / "data" / "breast-cancer.csv"
MLPC = [sys.executable, "-c", "from mlpc.cli import main; main()"]
PEAK_TARGET, SCALE_TARGET, CONDITION_400_TARGET, RERUN_TARGET = 4.0, 2.5, 10.0, 2.0


# ------------------------------------------------------------------ inputs

def make_input(rows: int, path: Path, seed: int = 0) -> Path:
    """N rows from the shipped data: resampled, features jittered (1% of each column's spread)."""
    import numpy as np
    import pandas as pd

    src = pd.read_csv(SHIPPED)
    features = [c for c in src.columns if c != "target"]
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="") as f:
        f.write(",".join(src.columns) + "\n")
        for start in range(0, rows, 100_000):
            n = min(100_000, rows - start)
            part = src.iloc[rng.integers(0, len(src), n)].reset_index(drop=True)
            noise = rng.normal(0.0, 0.01, (n, len(features))) * src[features].std().to_numpy()
            part[features] = (part[features].to_numpy() + noise).round(5)
            part.to_csv(f, header=False, index=False, float_format="%.6g")
    return path


def synthetic_yaml(n: int, kind: str) -> str:
    """A chain of N condition steps (each depends on the previous; each has a Fail step on its
    else branch, which is skipped), or of N processing steps."""
    lines = ["pipeline:", f"  name: scale-{kind}-{n}", "  role: arn:aws:iam::123456789012:role/R",
             "  bucket: mlpc-bench", "parameters:", "  X: {type: Float, default: 1.0}", "steps:"]
    for i in range(n):
        name, prev = f"S{i:04d}", f"S{i - 1:04d}"
        if kind == "condition":
            lines += [f"  F{i:04d}:", "    type: fail", "    message: below the threshold"]
        lines.append(f"  {name}:")
        if kind == "condition":
            lines += ["    type: condition", "    if: params.X >= 0.5", f"    else: [F{i:04d}]"]
        else:
            lines += ["    type: processing", "    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/"
                      "sagemaker-scikit-learn:1.2-1-cpu-py3", "    instance_type: ml.m5.large",
                      "    command: [/bin/true]"]
        if i:
            lines.append(f"    depends_on: [{prev}]")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ running

# as users run it: bytecode cached (a PYTHONDONTWRITEBYTECODE environment recompiles mlpc on every start)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list, **kw) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ENV, **kw)
    return time.perf_counter() - start, proc


def run_local(file: Path, ws: Path, *extra: str) -> tuple[float, dict]:
    """`mlpc run FILE --local` as a process; (wall seconds, the execution record)."""
    before = set((ws / "executions").glob("*")) if (ws / "executions").is_dir() else set()
    wall, proc = timed([*MLPC, "run", str(file), "--local", "--workspace", str(ws), *extra])
    new = sorted(set((ws / "executions").glob("*")) - before)
    if not new:
        sys.exit(f"benchmark: no execution recorded (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    record = json.loads((new[0] / "execution.json").read_text())
    if proc.returncode != 0:
        print(f"  warning: the run exited {proc.returncode}: {(proc.stderr.strip().splitlines() or [''])[-1]}")
    return wall, record


def compile_seconds(file: Path) -> float:
    wall, proc = timed([*MLPC, "compile", str(file), "-o", os.devnull])
    if proc.returncode != 0:
        sys.exit(f"benchmark: compile failed:\n{proc.stderr}")
    return wall


def step_rows(record: dict) -> list:
    rows = []
    for name, s in record["steps"].items():
        if s.get("seconds") is None:
            continue
        script = s.get("script_seconds") or 0.0
        rows.append((name, s["status"], s["seconds"], script, max(0.0, s["seconds"] - script),
                     s.get("peak_rss_mb"), s.get("cached")))
    return rows


# ------------------------------------------------------------------ the two parts

def data_part(sizes: list, tmp: Path, reruns: int) -> list:
    verdicts = []
    print("== data: the example (pipelines/breast-cancer.yaml) with --param InputData=<N rows> ==")
    for rows in sizes:
        # made by another process: this one stays small, so the processes it starts do not
        # inherit a large image (ru_maxrss counts the forked image before exec)
        csv = tmp / f"input-{rows}.csv"
        subprocess.run([sys.executable, __file__, "--make-input", str(rows), str(csv)], check=True)
        mb = csv.stat().st_size / 2**20
        ws = tmp / f"ws-data-{rows}"
        wall, record = run_local(EXAMPLE, ws, "--param", f"InputData={csv}")
        own = (record.get("runner") or {}).get("peak_rss_mb")
        print(f"\n{rows:,} rows ({mb:.0f} MB CSV): {record['status']} in {wall:.1f} s wall "
              f"(execution {record['seconds']:.1f} s; CLI start + compile + seeding {wall - record['seconds']:.1f} s)")
        print(f"  {'step':<18} {'status':<10} {'total':>8} {'script':>8} {'mlpc':>7} {'peak MB':>8} {'x input':>8}")
        worst = (own or 0.0) / mb
        for name, status, total, script, ours, peak, _ in step_rows(record):
            ratio = f"{peak / mb:.2f}x" if peak else "-"
            worst = max(worst, peak / mb if peak else 0.0)
            print(f"  {name:<18} {status:<10} {total:>7.2f}s {script:>7.2f}s {ours:>6.2f}s "
                  f"{peak if peak else '-':>8} {ratio:>8}")
        if own:
            print(f"  {'(mlpc process)':<18} {'':<10} {'':>8} {'':>8} {'':>7} {own:>8} {own / mb:>7.2f}x")
        # a fully cached rerun beside `mlpc compile`, alternated
        rerun, comp = [], []
        for _ in range(reruns):
            comp.append(compile_seconds(EXAMPLE))
            t, rec = run_local(EXAMPLE, ws, "--param", f"InputData={csv}")
            rerun.append(t)
            cached = [n for n, s in rec["steps"].items() if s.get("cached")]
        ratio = statistics.median(rerun) / statistics.median(comp)
        print(f"  cached rerun: {statistics.median(rerun):.2f} s, compile: {statistics.median(comp):.2f} s "
              f"(medians of {reruns}) -> {ratio:.2f}x a compile; reused: {', '.join(cached) or 'nothing'}")
        if rows >= 300_000:  # the target is set on the example with 300k rows; below, the interpreters'
            # own ~60-150 MB (pandas, scikit-learn, xgboost) dominate and the ratio says little
            verdicts.append((f"{rows:,} rows: peak of any process / input CSV", worst, PEAK_TARGET))
        verdicts.append((f"{rows:,} rows: cached rerun / compile", ratio, RERUN_TARGET))
    return verdicts


def pipeline_part(steps: list, kinds: list, tmp: Path, repeats: int) -> list:
    verdicts = []
    for kind in kinds:
        runs = repeats if kind == "condition" else 1  # a processing chain starts N processes: once
        print(f"\n== pipelines: chains of {kind} steps (median of {runs}) ==")
        print(f"  {'steps':>6} {'wall':>8} {'execution':>10} {'mlpc/step':>10} {'scripts':>8} {'peak MB':>8} "
              f"{'wall vs first':>14}")
        walls, first = {}, None
        for n in steps:
            file = tmp / f"{kind}-{n}.yaml"
            file.write_text(synthetic_yaml(n, kind))
            samples = [run_local(file, tmp / f"ws-{kind}-{n}-{i}") for i in range(runs)]
            wall = statistics.median(w for w, _ in samples)
            record = sorted(samples, key=lambda x: x[1]["seconds"])[len(samples) // 2][1]
            rows = step_rows(record)
            scripts = sum(r[3] for r in rows)
            peaks = [r[5] for r in rows if r[5]]
            execution = record["seconds"]
            walls[n] = wall
            first = first or wall
            print(f"  {n:>6} {wall:>7.2f}s {execution:>9.2f}s {1000 * (execution - scripts) / n:>8.2f}ms "
                  f"{scripts:>7.2f}s {max(peaks) if peaks else '-':>8} {wall / first:>13.2f}x")
        for a, b in zip(steps, steps[1:]):
            if b == 2 * a:
                verdicts.append((f"{kind}: {b} steps / {a} steps (wall)", walls[b] / walls[a], SCALE_TARGET))
        if kind == "condition" and 400 in walls:
            verdicts.append(("condition: 400 steps, wall seconds", walls[400], CONDITION_400_TARGET))
    return verdicts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="100000,300000", help="input sizes (comma separated; 1000000 for 1M)")
    ap.add_argument("--steps", default="200,400,800", help="synthetic pipeline sizes")
    ap.add_argument("--kinds", default="condition,processing", help="synthetic step kinds")
    ap.add_argument("--reruns", type=int, default=3, help="cached reruns (and compiles) per input size")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each condition chain (median)")
    ap.add_argument("--skip-data", action="store_true")
    ap.add_argument("--skip-pipelines", action="store_true")
    ap.add_argument("--make-input", nargs=2, metavar=("ROWS", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.make_input:
        make_input(int(args.make_input[0]), Path(args.make_input[1]))
        return 0

    verdicts = []
    with tempfile.TemporaryDirectory(prefix="mlpc-scale-") as tmp:
        if not args.skip_data:
            verdicts += data_part([int(x) for x in args.rows.split(",") if x], Path(tmp), args.reruns)
        if not args.skip_pipelines:
            verdicts += pipeline_part([int(x) for x in args.steps.split(",") if x],
                                      [k for k in args.kinds.split(",") if k], Path(tmp), args.repeats)
    print("\n== against issue 12's targets ==")
    ok = True
    for what, value, target in verdicts:
        good = value <= target
        ok &= good
        print(f"  {what:<52} {value:>7.2f} (target <= {target:g}): {'PASS' if good else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
