"""Expressions and conditions of the definition, evaluated over a fake execution context."""

import json

import pytest

from mlpc.local.evaluate import (evaluate_conditions, parse_json_path, referenced_parameters, referenced_steps,
                                 resolve)


class Ctx:
    def __init__(self, params=None, props=None, defs=None, objects=None):
        self.params, self.props, self.defs, self.objects = params or {}, props or {}, defs or {}, objects or {}

    def parameter(self, name):
        return self.params[name]

    def execution_variable(self, name, step):
        return {"PipelineExecutionId": "exec123", "PipelineName": "pipe"}[name] if name != "ProcessingJobName" \
            else f"job-{step}"

    def step_properties(self, step):
        return self.props.get(step)

    def step_definition(self, step):
        return self.defs.get(step)

    def read_object(self, uri):
        return self.objects.get(uri)


PROPS = {"Prep": {"ProcessingOutputConfig": {"Outputs": [
    {"OutputName": "train", "S3Output": {"S3Uri": "s3://b/train"}},
    {"OutputName": "eval", "S3Output": {"S3Uri": "s3://b/eval/"}}]}},
    "Train": {"ModelArtifacts": {"S3ModelArtifacts": "s3://b/model.tar.gz"},
              "FinalMetricDataList": [{"MetricName": "auc", "Value": 0.9}]},
    "L": {"OutputParameters": {"status": "ok"}}}
DEFS = {"Prep": {"PropertyFiles": [{"PropertyFileName": "Report", "OutputName": "eval", "FilePath": "r.json"}]}}
OBJECTS = {"s3://b/eval/r.json": json.dumps({"metrics": {"accuracy": {"value": 0.93}}, "list": [1, {"x": 2}]}).encode()}


@pytest.fixture
def ctx():
    return Ctx({"Threshold": 0.9, "Mode": "full", "N": 3, "Flag": True}, PROPS, DEFS, OBJECTS)


def get(path):
    return {"Get": path}


def jsonget(path, step="Prep", file="Report"):
    return {"Std:JsonGet": {"PropertyFile": get(f"Steps.{step}.PropertyFiles.{file}"), "Path": path}}


@pytest.mark.parametrize("expr, expected", [
    (get("Parameters.Threshold"), 0.9),
    (get("Execution.PipelineExecutionId"), "exec123"),
    (get("PipelineExperimentConfig.TrialName"), "exec123"),
    (get("Steps.Prep.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"), "s3://b/train"),
    (get("Steps.Train.ModelArtifacts.S3ModelArtifacts"), "s3://b/model.tar.gz"),
    (get("Steps.Train.FinalMetricDataList[0].Value"), 0.9),
    (get("Steps.Train.FinalMetricDataList['auc'].Value"), 0.9),
    (get("Steps.L.OutputParameters['status']"), "ok"),
    ({"Std:Join": {"On": "/", "Values": ["s3:/", "b", get("Execution.PipelineExecutionId"), get("Parameters.N")]}},
     "s3://b/exec123/3"),
    ({"Std:Join": {"On": "", "Values": [get("Parameters.Flag"), 1.5]}}, "true1.5"),
    (jsonget("metrics.accuracy.value"), 0.93),
    (jsonget("$.list[1].x"), 2),
    ({"Std:JsonGet": {"S3Uri": {"Std:Join": {"On": "/", "Values": ["s3://b/eval", "r.json"]}},
                      "Path": "metrics.accuracy.value"}}, 0.93),
    ({"a": [get("Parameters.Mode"), {"b": get("Parameters.N")}]}, {"a": ["full", {"b": 3}]}),
])
def test_resolve(ctx, expr, expected):
    assert resolve(expr, ctx) == (expected, None)


def test_job_name_execution_variable_is_per_step(ctx):
    assert resolve(get("Execution.ProcessingJobName"), ctx, step="Prep") == ("job-Prep", None)


@pytest.mark.parametrize("expr, message", [
    (get("Parameters.Nope"), "unknown parameter 'Nope'"),
    (get("Execution.Nope"), "unknown execution variable 'Nope'"),
    (get("Steps.Later.ModelArtifacts.S3ModelArtifacts"), "step 'Later' has not run"),
    (get("Steps.Train.ModelArtifacts.Missing"), "Steps.Train.ModelArtifacts has no 'Missing'"),
    (get("Steps.Prep.ProcessingOutputConfig.Outputs['nope'].S3Output"), "has no 'nope'"),
    (jsonget("metrics.f1.value"), "s3://b/eval/r.json.metrics has no 'f1'"),
    (jsonget("x", file="Other"), "step 'Prep' declares no property file 'Other'"),
    ({"Std:JsonGet": {"S3Uri": "s3://b/none.json", "Path": "a"}}, "no file at s3://b/none.json"),
])
def test_resolve_errors_are_values(ctx, expr, message):
    value, err = resolve(expr, ctx)
    assert value is None and message in err


def test_symbolic_execution_keeps_execution_variables(ctx):
    expr = {"S3Uri": {"Std:Join": {"On": "/", "Values": ["s3:/", get("Parameters.Mode"), get("Execution.PipelineExecutionId")]}},
            "Count": get("Parameters.N")}
    value, err = resolve(expr, ctx, symbolic_execution=True)
    assert err is None
    assert value == {"S3Uri": {"Std:Join": {"On": "/", "Values": ["s3:/", "full", get("Execution.PipelineExecutionId")]}},
                     "Count": 3}


def cond(kind, left, right):
    return {"Type": kind, "LeftValue": left, "RightValue": right}


@pytest.mark.parametrize("conditions, expected", [
    ([cond("GreaterThanOrEqualTo", jsonget("metrics.accuracy.value"), get("Parameters.Threshold"))], True),
    ([cond("GreaterThan", jsonget("metrics.accuracy.value"), 0.93)], False),
    ([cond("GreaterThanOrEqualTo", jsonget("metrics.accuracy.value"), 0.93)], True),
    ([cond("LessThan", get("Parameters.N"), 4)], True),
    ([cond("LessThanOrEqualTo", get("Parameters.N"), 2)], False),
    ([cond("Equals", get("Parameters.Mode"), "full")], True),
    ([cond("Equals", get("Parameters.Flag"), True)], True),
    ([cond("Equals", get("Parameters.N"), 3.0)], True),
    ([{"Type": "In", "QueryValue": get("Parameters.Mode"), "Values": ["quick", "full"]}], True),
    ([{"Type": "In", "QueryValue": get("Parameters.N"), "Values": [1, 2]}], False),
    ([{"Type": "Not", "Condition": cond("Equals", get("Parameters.Mode"), "full")}], False),
    ([{"Type": "Not", "Condition": cond("Equals", get("Parameters.Mode"), "quick")}], True),  # the SDK's key
    ([{"Type": "Or", "Conditions": [cond("Equals", 1, 2), cond("Equals", "a", "a")]}], True),
    ([{"Type": "Or", "Conditions": [cond("Equals", 1, 2), cond("Equals", "a", "b")]}], False),
    ([cond("Equals", 1, 1), cond("Equals", 1, 2)], False),  # the top-level list is an AND
    ([], True),
])
def test_conditions(ctx, conditions, expected):
    assert evaluate_conditions(conditions, ctx) == (expected, None)


def test_condition_errors(ctx):
    assert "cannot compare 'full' with 1" in evaluate_conditions([cond("GreaterThan", get("Parameters.Mode"), 1)], ctx)[1]
    assert "unknown condition type 'Xor'" in evaluate_conditions([{"Type": "Xor"}], ctx)[1]


def test_references():
    step = {"Arguments": {"A": get("Steps.Prep.X"), "B": [jsonget("a", step="Eval")],
                          "C": {"Std:Join": {"On": "", "Values": [get("Parameters.P"), get("Steps.T-1.Y['z']")]}},
                          "S3Uri": get("Parameters.Data")}}
    assert referenced_steps(step) == {"Prep", "Eval", "T-1"}
    assert referenced_parameters(step) == {"P": {"C"}, "Data": {"S3Uri"}}


def test_json_path():
    assert parse_json_path("$.a.b[0]['c d'].e") == ["a", "b", 0, "c d", "e"]
