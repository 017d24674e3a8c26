"""Control flow (branches, skips, failures), failure reporting, caching and concurrent runs."""

import threading

import pytest

from mlpc.local.runner import RunOptions, run_definition

from .conftest import (BUCKET, definition, exec_join, get_object, needs_sandbox, out_uri, processing_step, put, ref,
                       run, script, statuses)

pytestmark = needs_sandbox

WRITE = script("""
    import os, sys
    os.makedirs('/opt/ml/processing/out', exist_ok=True)
    open('/opt/ml/processing/out/value.txt', 'w').write(sys.argv[1] if len(sys.argv) > 1 else 'v')
    print('wrote')
""")
BOOM = script("""
    def helper():
        raise ValueError("boom from the user's script")
    print('about to fail')
    helper()
""")


def writer(name, code=f"s3://{BUCKET}/code/write.py", cache=False, inputs=(), **extra):
    step = processing_step(name, code, inputs=inputs, outputs=[("out", exec_join(name), "/opt/ml/processing/out")],
                           args=[name], **extra)
    if cache:
        step["CacheConfig"] = {"Enabled": True, **({"ExpireAfter": cache} if isinstance(cache, str) else {})}
    return step


def condition(name, left, right, if_steps, else_steps, kind="GreaterThanOrEqualTo"):
    return {"Name": name, "Type": "Condition", "Arguments": {
        "Conditions": [{"Type": kind, "LeftValue": left, "RightValue": right}],
        "IfSteps": if_steps, "ElseSteps": else_steps}}


def fail(name, *values):
    return {"Name": name, "Type": "Fail", "Arguments": {"ErrorMessage": {"Std:Join": {"On": "", "Values": list(values)}}}}


@pytest.fixture
def seeded(ws):
    put(ws, f"s3://{BUCKET}/code/write.py", WRITE)
    put(ws, f"s3://{BUCKET}/code/boom.py", BOOM)
    return ws


THRESHOLD = {"Name": "Threshold", "Type": "Float", "DefaultValue": 0.5}


def branching():
    return definition(
        writer("A"),
        condition("Check", ref("Parameters.Threshold"), 0.5,
                  [writer("Then", inputs=[("a", out_uri("A", "out"), "/opt/ml/processing/a")])],
                  [fail("Stop", "threshold ", ref("Parameters.Threshold"), " is below 0.5")]),
        writer("AfterThen", inputs=[("t", out_uri("Then", "out"), "/opt/ml/processing/t")]),
        parameters=[THRESHOLD])


def test_if_branch(seeded):
    result, _ = run(seeded, branching())
    assert result.ok
    assert statuses(result) == {"A": "Succeeded", "Check": "Succeeded", "Then": "Succeeded", "Stop": "Skipped",
                                "AfterThen": "Succeeded"}
    assert result.record.branches["Check"] == {"outcome": True, "taken": "IfSteps", "steps": ["Then"],
                                               "skipped": ["Stop"], "compared": ["0.5 >= 0.5 is true"]}


def test_else_branch_reaches_the_fail_step(seeded):
    result, _ = run(seeded, branching(), {"Threshold": 0.25})
    assert not result.ok
    assert statuses(result) == {"A": "Succeeded", "Check": "Succeeded", "Then": "Skipped", "Stop": "Failed",
                                "AfterThen": "Skipped"}  # downstream of a skipped step is skipped too
    assert result.record.failure == {"step": "Stop", "reason": "threshold 0.25 is below 0.5", "kind": "fail"}
    assert result.record.branches["Check"]["taken"] == "ElseSteps"


def test_a_failing_script_shows_its_own_traceback_and_stops_the_run(seeded):
    d = definition(writer("Boom", code=f"s3://{BUCKET}/code/boom.py"),
                   writer("After", inputs=[("b", out_uri("Boom", "out"), "/opt/ml/processing/b")]),
                   writer("Independent"))
    result, _ = run(seeded, d, max_parallel=1)
    assert statuses(result) == {"Boom": "Failed", "After": "NotStarted", "Independent": "NotStarted"}
    rec = result.record.steps["Boom"]
    assert rec.failure == "AlgorithmError: the processing script exited with code 1"
    tail = result.log_tails["Boom"]
    assert tail.startswith("Traceback (most recent call last):")
    assert 'File "/opt/ml/processing/input/code/boom.py", line 4, in <module>' in tail
    assert tail.rstrip().endswith("ValueError: boom from the user's script")
    assert "mlpc" not in tail  # the script's traceback, not mlpc's
    step_dir = seeded.step_dir(result.record.id, "Boom")
    assert "about to fail" in (step_dir / "stdout.log").read_text()
    assert (step_dir / "opt_ml" / "processing" / "input" / "code" / "boom.py").is_file()  # kept for inspection


def test_missing_input_names_the_uri(seeded):
    d = definition(writer("Reader", inputs=[("raw", f"s3://{BUCKET}/no/such/data.csv", "/opt/ml/processing/raw")]))
    result, _ = run(seeded, d)
    assert not result.ok
    reason = result.record.failure["reason"]
    assert reason.startswith(f"input 'raw': nothing at s3://{BUCKET}/no/such/data.csv in the local store")
    assert "mlpc data put" in reason


def test_max_runtime_stops_a_step(seeded):
    put(seeded, f"s3://{BUCKET}/code/sleep.py", "import time\ntime.sleep(30)\n")
    step = writer("Sleepy", code=f"s3://{BUCKET}/code/sleep.py")
    step["Arguments"]["StoppingCondition"] = {"MaxRuntimeInSeconds": 1}
    result, _ = run(seeded, definition(step))
    assert result.record.failure["reason"] == "the processing script exceeded MaxRuntimeInSeconds (1 s) and was stopped"
    assert result.record.steps["Sleepy"].seconds < 10


def test_lambda_and_callback_need_stubs(seeded):
    lam = {"Name": "Notify", "Type": "Lambda", "FunctionArn": "arn:aws:lambda:us-east-1:1:function:f",
           "Arguments": {"x": 1}, "OutputParameters": [{"OutputName": "status", "OutputType": "String"}]}
    cb = {"Name": "Wait", "Type": "Callback", "SqsQueueUrl": "https://sqs/q", "Arguments": {},
          "OutputParameters": [{"OutputName": "decision"}], "DependsOn": ["Notify"]}
    stop = fail("Report", ref("Steps.Notify.OutputParameters['status']"), "/",
                ref("Steps.Wait.OutputParameters['decision']"))
    d = definition(lam, cb, stop)
    result, _ = run(seeded, d)
    assert result.record.failure["step"] == "Notify"
    assert result.record.failure["reason"] == ("Lambda step Notify calls an AWS Lambda function and cannot run "
                                               "locally; stub it: --stub Notify.status=VALUE")
    result, _ = run(seeded, d, stubs={"Notify": {"status": "sent"}, "Wait": {}})
    assert "stubbed without a value for output decision; pass --stub Wait.decision=VALUE" in result.record.failure["reason"]
    result, _ = run(seeded, d, stubs={"Notify": {"status": "sent"}, "Wait": {"decision": "go"}})
    assert statuses(result) == {"Notify": "Succeeded", "Wait": "Succeeded", "Report": "Failed"}
    assert result.record.failure["reason"] == "sent/go"  # the stubbed outputs resolve downstream


def test_unknown_step_type_fails_plainly(seeded):
    result, _ = run(seeded, definition({"Name": "Emr", "Type": "EMR", "Arguments": {}}))
    assert result.record.failure["reason"] == "step type 'EMR' has no local executor; stub it with --stub Emr"
    result, _ = run(seeded, definition({"Name": "Emr", "Type": "EMR", "Arguments": {}}), stubs={"Emr": {}})
    assert result.ok


def test_invalid_definition_is_an_error_value(ws):
    from mlpc.local.runner import RunOptions, run_definition

    result, errors = run_definition(definition(writer("A", DependsOn=["Ghost"])), ws, {}, RunOptions())
    assert result is None and errors == ["step 'A' refers to step 'Ghost', which the definition does not have"]


# ------------------------------------------------------------------ caching

def cached_pair(code="write.py", expire=True):
    return definition(writer("Produce", code=f"s3://{BUCKET}/code/{code}", cache=expire),
                      writer("Consume", cache=expire, inputs=[("p", out_uri("Produce", "out"), "/opt/ml/processing/p")]),
                      writer("Uncached", inputs=[("c", out_uri("Consume", "out"), "/opt/ml/processing/c")]))


def test_second_identical_run_reuses_cached_steps(seeded):
    first, _ = run(seeded, cached_pair())
    second, _ = run(seeded, cached_pair())
    steps = second.record.steps
    assert [steps[n].cached for n in ("Produce", "Consume", "Uncached")] == [True, True, False]
    assert steps["Produce"].cache_source == first.record.id and steps["Produce"].status == "Succeeded"
    # the reused run's properties point at the first execution's outputs, which are still in the store
    out = get_object(seeded, f"s3://{BUCKET}/{first.record.id}/Produce/value.txt")
    assert out == b"Produce"
    assert not seeded.step_dir(second.record.id, "Produce").joinpath("stdout.log").exists()
    third, _ = run(seeded, cached_pair(), use_cache=False)
    assert not any(s.cached for s in third.record.steps.values())


def test_changed_code_reruns_that_step_and_its_consumers_only(seeded):
    run(seeded, cached_pair())
    put(seeded, f"s3://{BUCKET}/code/write-v2.py", WRITE + "print('v2')\n")  # new content, new key
    d = cached_pair()
    d["Steps"][1] = writer("Consume", code=f"s3://{BUCKET}/code/write-v2.py", cache=True,
                           inputs=[("p", out_uri("Produce", "out"), "/opt/ml/processing/p")])
    result, _ = run(seeded, d)
    steps = result.record.steps
    assert [steps[n].cached for n in ("Produce", "Consume", "Uncached")] == [True, False, False]
    # Consume ran again, and its new output (this execution's path) is what the next step consumed
    assert get_object(seeded, f"s3://{BUCKET}/{result.record.id}/Consume/value.txt") == b"Consume"


def test_cache_expire_after(seeded):
    run(seeded, cached_pair(expire="PT0S"))
    second, _ = run(seeded, cached_pair(expire="PT0S"))
    assert not any(s.cached for s in second.record.steps.values())


def test_concurrent_runs_in_one_workspace_do_not_collide(seeded):
    results = []

    def go():
        results.append(run(seeded, definition(writer("A"), writer("B")))[0])

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and all(r.ok for r in results)
    ids = {r.record.id for r in results}
    assert len(ids) == 2
    for eid in ids:
        assert get_object(seeded, f"s3://{BUCKET}/{eid}/A/value.txt") == b"A"
