"""The execution record: O(1) work per event, readable after a crash, listing with a limit and a name."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from mlpc.local import records
from mlpc.local.records import ExecutionRecord, RecordWriter, StepRecord

from .conftest import BUCKET, REPO, definition, needs_sandbox, processing_step, put, run, script


def condition_chain(n: int) -> dict:
    steps = []
    for i in range(n):
        step = {"Name": f"C{i:04d}", "Type": "Condition", "Arguments": {
            "Conditions": [{"Type": "GreaterThanOrEqualTo", "LeftValue": {"Get": "Parameters.X"}, "RightValue": 0.5}],
            "IfSteps": [], "ElseSteps": []}}
        if i:
            step["DependsOn"] = [f"C{i - 1:04d}"]
        steps.append(step)
    return definition(*steps, parameters=[{"Name": "X", "Type": "Float", "DefaultValue": 1.0}])


def _count_writes(monkeypatch):
    summaries, events = [], []
    real_summary, real_append = RecordWriter.write_summary, RecordWriter._append

    def summary(self):
        summaries.append(len(self.record.steps))
        real_summary(self)

    def append(self, event):
        events.append(len(json.dumps(event)))
        real_append(self, event)

    monkeypatch.setattr(RecordWriter, "write_summary", summary)
    monkeypatch.setattr(RecordWriter, "_append", append)
    return summaries, events


def test_per_event_work_does_not_grow_with_the_pipeline(ws, monkeypatch):
    """The summary (O(steps)) is written twice per run whatever its size; every other event is one
    log line whose size does not depend on the number of steps."""
    per_size = {}
    for n in (20, 200):
        summaries, events = _count_writes(monkeypatch)
        result, _ = run(ws, condition_chain(n))
        assert result.ok
        assert len(summaries) == 2  # start and end
        assert len(events) == 3 * n  # per step: started, the branch taken, finished
        per_size[n] = max(events)
        monkeypatch.undo()
    assert per_size[200] <= per_size[20] + 2  # step names have the same width


def _started_writer(ws, n=3):
    rec = ExecutionRecord(id="crashedexec01", pipeline="p", source=None, status=records.EXECUTING,
                          started=records.now_iso(), parameters={},
                          steps={f"S{i}": StepRecord(f"S{i}", "Processing") for i in range(n)})
    writer = RecordWriter(ws, rec)
    writer.start({"Steps": []})
    return rec, writer


def test_a_crashed_execution_reads_as_far_as_it_got(ws):
    rec, writer = _started_writer(ws)
    rec.steps["S0"].status = records.SUCCEEDED
    writer.step(rec.steps["S0"])
    rec.steps["S1"].status = records.EXECUTING
    writer.step(rec.steps["S1"])
    writer.failure({"step": "S1", "reason": "boom", "kind": "error"})
    writer._log.write('{"step": {"name": "S2", "sta')  # a line torn by the crash
    writer._log.flush()
    # the process that ran it is gone: a child that has exited
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    summary = ws.execution_dir(rec.id) / records.SUMMARY
    doc = json.loads(summary.read_text())
    doc["runner"]["pid"] = int(dead)
    summary.write_text(json.dumps(doc))

    loaded, err = records.load(ws, rec.id)
    assert err is None
    assert loaded.steps["S0"].status == records.SUCCEEDED
    assert loaded.steps["S1"].status == records.FAILED and loaded.steps["S1"].failure == "interrupted"
    assert loaded.steps["S2"].status == records.NOT_STARTED
    assert loaded.status == records.FAILED
    assert loaded.failure["reason"] == "boom"
    assert [r.id for r in records.list_all(ws)] == [rec.id]


def test_a_running_execution_reads_as_executing(ws):
    rec, writer = _started_writer(ws)
    rec.steps["S0"].status = records.SUCCEEDED
    writer.step(rec.steps["S0"])
    loaded, err = records.load(ws, rec.id)  # the runner is this process: alive
    assert err is None
    assert loaded.status == records.EXECUTING
    assert loaded.steps["S0"].status == records.SUCCEEDED
    writer.finish()


def test_list_filters_by_pipeline_and_limits(ws):
    ids = {}
    for name in ("alpha", "beta", "alpha", "alpha"):
        result, _ = run(ws, condition_chain(1), pipeline_name=name)
        ids.setdefault(name, []).append(result.record.id)
    assert [r.id for r in records.list_all(ws, pipeline="alpha")] == ids["alpha"][::-1]
    assert [r.id for r in records.list_all(ws, pipeline="alpha", limit=2)] == ids["alpha"][:0:-1]
    assert [r.id for r in records.list_all(ws, pipeline="beta")] == ids["beta"]
    assert len(records.list_all(ws, limit=3)) == 3


@needs_sandbox
def test_peak_memory_of_a_step_process_is_recorded(ws):
    put(ws, f"s3://{BUCKET}/code/alloc.py", script("""
        block = bytearray(80 * 1024 * 1024)
        for i in range(0, len(block), 4096):
            block[i] = 1
    """))
    result, _ = run(ws, definition(processing_step("Alloc", f"s3://{BUCKET}/code/alloc.py")))
    assert result.ok, result.record.failure
    assert result.record.steps["Alloc"].peak_rss_mb >= 80
    on_disk, _ = records.load(ws, result.record.id)
    assert on_disk.steps["Alloc"].peak_rss_mb == result.record.steps["Alloc"].peak_rss_mb


def test_cli_executions_list_local_honours_the_name_and_limit(ws):
    from typer.testing import CliRunner

    from mlpc.cli import app

    ids = {}
    for name in ("alpha", "beta", "alpha", "alpha"):
        result, _ = run(ws, condition_chain(1), pipeline_name=name)
        ids.setdefault(name, []).append(result.record.id)
    runner = CliRunner()
    res = runner.invoke(app, ["executions", "list", "alpha", "--local", "--workspace", str(ws.root), "--limit", "2",
                              "--format", "json"])
    assert res.exit_code == 0, res.output
    assert [r["id"] for r in json.loads(res.stdout)] == ids["alpha"][:0:-1]
    res = runner.invoke(app, ["executions", "list", "--local", "--workspace", str(ws.root), "--limit", "1"])
    assert res.exit_code == 0 and ids["alpha"][-1] in res.stdout and ids["beta"][0] not in res.stdout
    res = runner.invoke(app, ["executions", "list", "gamma", "--local", "--workspace", str(ws.root)])
    assert res.exit_code == 0 and "no local executions of pipeline 'gamma'" in res.stdout


def test_cli_run_of_a_large_pipeline_prints_counts_not_a_table(tmp_path):
    import sys as _sys

    from typer.testing import CliRunner

    from mlpc.cli import app

    _sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from local_scale import synthetic_yaml
    finally:
        _sys.path.remove(str(REPO / "benchmarks"))
    path = tmp_path / "big.yaml"
    path.write_text(synthetic_yaml(60, "condition"))  # 60 conditions, each with a Fail step on else: 120 steps
    res = CliRunner().invoke(app, ["run", str(path), "--local", "--workspace", str(tmp_path / "ws")])
    assert res.exit_code == 0, res.output
    assert "120 steps: 60 Succeeded, 60 Skipped (every step: mlpc executions describe" in res.stdout
    assert "S0059: Succeeded" in res.stdout and "┃" not in res.stdout  # progress lines, no table
