"""The semantic diff on definition dicts (pure). The fixture is the SageMaker Python SDK v2's own
`Pipeline(...).definition()` output (tests/deploy/fixtures/sdk_demo.json)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from mlpc.deploy.diff import diff_definitions, flatten_steps, format_value, get_edges
from mlpc.deploy.diff_render import RENDERERS, render_markdown, render_text

SDK = json.loads((Path(__file__).parent / "fixtures" / "sdk_demo.json").read_text())


@pytest.fixture
def new():
    return copy.deepcopy(SDK)


def step(defn, name):
    return flatten_steps(defn)[name]


def test_identical_definitions_have_no_changes():
    d = diff_definitions(SDK, copy.deepcopy(SDK))
    assert not d.has_changes
    assert render_text(d).endswith("No changes.\n")


def test_sdk_definition_structure_is_understood():
    steps = flatten_steps(SDK)
    assert list(steps) == ["Preprocess", "ModelTraining", "Evaluate", "CheckAccuracy", "Fail"]
    assert {str(e) for e in get_edges(steps)} == {
        "Preprocess -> ModelTraining", "ModelTraining -> Evaluate", "Evaluate -> CheckAccuracy",
        "CheckAccuracy -> Fail (else)"}


def test_field_change_by_dotted_path_and_cache_key_unchanged(new):
    step(new, "ModelTraining")["Arguments"]["ResourceConfig"]["InstanceType"] = "ml.m5.2xlarge"
    d = diff_definitions(SDK, new)
    (sc,) = d.steps_changed
    assert (sc.name, sc.cacheable, sc.cache_key_changed) == ("ModelTraining", True, False)
    assert "ModelTraining: ResourceConfig.InstanceType Parameters.TrainInstanceType -> ml.m5.2xlarge" in render_text(d)
    assert d.reruns == ()  # instance type is not in a training step's cache key


def test_cache_key_change_reruns_the_step_and_cached_downstream(new):
    step(new, "Preprocess")["Arguments"]["AppSpecification"]["ImageUri"] = "img:2"
    d = diff_definitions(SDK, new)
    assert d.steps_changed[0].cache_key_changed
    # Evaluate is downstream but not cached (it runs every time anyway); ModelTraining is cached
    assert d.reruns == (("Preprocess", "cache key changed"), ("ModelTraining", "downstream of Preprocess"))


def test_parameters_added_removed_changed(new):
    new["Parameters"][0]["EnumValues"] = ["ml.m5.xlarge", "ml.m5.2xlarge"]
    new["Parameters"][1]["DefaultValue"] = 0.95
    new["Parameters"].append({"Name": "Epochs", "Type": "Integer", "DefaultValue": 3})
    old = copy.deepcopy(SDK)
    old["Parameters"].append({"Name": "Legacy", "Type": "String"})
    d = diff_definitions(old, new)
    assert [(p.name, p.kind) for p in d.parameters] == [
        ("TrainInstanceType", "changed"), ("AccuracyThreshold", "changed"), ("Legacy", "removed"), ("Epochs", "added")]
    text = render_text(d)
    assert '~ TrainInstanceType: enum (none) -> ["ml.m5.xlarge", "ml.m5.2xlarge"]' in text
    assert "~ AccuracyThreshold: default 0.9 -> 0.95" in text
    assert "+ Epochs: Integer = 3" in text and "- Legacy: String" in text


def test_parameter_default_feeding_a_cache_key_reruns_that_step(new):
    new["Parameters"][0]["DefaultValue"] = "ml.m5.4xlarge"
    step(new, "ModelTraining")["Arguments"]["HyperParameters"] = {"instance": {"Get": "Parameters.TrainInstanceType"}}
    old = copy.deepcopy(SDK)
    step(old, "ModelTraining")["Arguments"]["HyperParameters"] = {"instance": {"Get": "Parameters.TrainInstanceType"}}
    d = diff_definitions(old, new)
    assert d.reruns == (("ModelTraining", "default of parameter TrainInstanceType changed"),)


def test_condition_threshold_change(new):
    step(new, "CheckAccuracy")["Arguments"]["Conditions"][0]["RightValue"] = 0.97
    d = diff_definitions(SDK, new)
    (c,) = d.conditions
    assert c.old == ("jsonget(Steps.Evaluate.PropertyFiles.EvalReport, 'metrics.accuracy.value') >= "
                     "Parameters.AccuracyThreshold",)
    assert c.new[0].endswith(">= 0.97")
    assert d.steps_changed == ()  # conditions are reported as conditions, not as raw fields


def test_steps_added_and_removed_inside_branches_and_edges(new):
    cond = step(new, "CheckAccuracy")["Arguments"]
    cond["ElseSteps"] = []
    cond["IfSteps"] = [{"Name": "Register", "Type": "RegisterModel", "Arguments": {"ModelPackageGroupName": "g"}}]
    step(new, "Evaluate")["DependsOn"] = ["Preprocess"]
    d = diff_definitions(SDK, new)
    assert d.steps_added == (("Register", "RegisterModel"),)
    assert d.steps_removed == (("Fail", "Fail"),)
    assert [str(e) for e in d.edges_added] == ["CheckAccuracy -> Register (if)", "Preprocess -> Evaluate (depends_on)"]
    assert [str(e) for e in d.edges_removed] == ["CheckAccuracy -> Fail (else)"]
    assert d.reruns == ()  # new steps have nothing cached; uncached steps always run


def test_a_new_step_upstream_reruns_cached_steps_below_it(new):
    extra = copy.deepcopy(step(new, "Preprocess"))
    extra["Name"] = "Extract"
    new["Steps"].insert(0, extra)
    step(new, "ModelTraining")["DependsOn"] = ["Extract"]
    d = diff_definitions(SDK, new)
    assert d.steps_added == (("Extract", "Processing"),)
    assert d.reruns == (("ModelTraining", "downstream of new step Extract"),)
    assert d.steps_changed == ()  # DependsOn is an edge, not a field


def test_keyed_list_items_and_expressions(new):
    inputs = step(new, "Evaluate")["Arguments"]["ProcessingInputs"]
    inputs.reverse()  # order alone is not a change: items are matched by InputName
    inputs[0]["S3Input"]["S3Uri"] = "s3://bkt/code/ev2.py"
    d = diff_definitions(SDK, new)
    (sc,) = d.steps_changed
    assert [(f.path, f.old, f.new) for f in sc.fields] == [
        ("ProcessingInputs[code].S3Input.S3Uri", "s3://bkt/code/ev.py", "s3://bkt/code/ev2.py")]
    join = step(SDK, "Preprocess")["Arguments"]["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"]
    assert format_value(join) == ("join('/', [s3:/, bkt, demo, Execution.PipelineExecutionId, Preprocess, output, "
                                  "train])")


def test_schedules_are_compared_when_both_sides_have_them():
    old = {"weekly": {"expression": "cron(0 3 ? * MON *)", "timezone": "UTC", "parameters": {}, "enabled": True}}
    new = {"weekly": {"expression": "cron(0 4 ? * MON *)", "timezone": "UTC", "parameters": {}, "enabled": True},
           "daily": {"expression": "rate(1 day)", "timezone": "UTC", "parameters": {"A": "1"}, "enabled": False}}
    d = diff_definitions(SDK, SDK, old_schedules=old, new_schedules=new)
    assert [(s.name, s.kind) for s in d.schedules] == [("daily", "added"), ("weekly", "changed")]
    text = render_text(d)
    assert "+ daily: rate(1 day) UTC A=1 (disabled)" in text
    assert "~ weekly: expression cron(0 3 ? * MON *) -> cron(0 4 ? * MON *)" in text
    assert diff_definitions(SDK, SDK).notes  # not compared: said so


def test_nothing_deployed_means_everything_is_added():
    d = diff_definitions(None, SDK, before="(not deployed)")
    assert [n for n, _ in d.steps_added] == list(flatten_steps(SDK))
    assert d.pipeline_fields == ()


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_every_renderer_renders_a_full_diff(fmt, new):
    step(new, "ModelTraining")["Arguments"]["HyperParameters"] = {"eta": "0.1"}
    new["Parameters"].pop()
    out = RENDERERS[fmt](diff_definitions(SDK, new, "main", "branch", "demo"))
    assert "ModelTraining" in out and "AccuracyThreshold" in out
    if fmt == "json":
        data = json.loads(out)
        assert data["changed"] is True and data["steps"]["changed"][0]["cache_key_changed"] is True
    if fmt == "markdown":
        assert "| `ModelTraining` | cache key changed |" in render_markdown(diff_definitions(SDK, new))


def test_a_compiled_not_condition_reads_as_written():
    """`!=` and `not` compile to the SDK's {"Type": "Not", "Condition": ...}; diff shows the inner test."""
    from mlpc.api import compile_text
    from mlpc.deploy.diff import format_condition

    yaml = """\
pipeline: {name: p, role: "arn:aws:iam::123456789012:role/R", bucket: b, region: us-east-1}
parameters: {Mode: {type: String, default: full}, N: {type: Integer, default: 1}}
steps:
  Check: {type: condition, if: 'params.Mode != "quick" or not (params.N > 3 and params.N < 9)', then: [Stop]}
  Stop: {type: fail, message: stop}
"""
    result = compile_text(yaml)
    assert result.ok, [d.render() for d in result.diagnostics]
    [cond] = step(result.definition, "Check")["Arguments"]["Conditions"]
    assert format_condition(cond) == (
        "(not (Parameters.Mode == quick)) or (not (not ((not (Parameters.N > 3)) or (not (Parameters.N < 9)))))")
    assert "{}" not in format_condition(cond)
