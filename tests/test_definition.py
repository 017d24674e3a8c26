"""mlpc.definition is the one reader of definitions: compile checks, diff, deploy and the local runner use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlpc import definition, notify, shapes
from mlpc.ci import facts
from mlpc.api import compile_file
from mlpc.deploy import diff, executions
from mlpc.local import evaluate, graph, session

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def example():
    result = compile_file(ROOT / "pipelines" / "breast-cancer.yaml")
    assert result.ok
    return result


def test_every_reader_uses_the_same_functions():
    assert shapes.is_expression is diff.is_expression is evaluate.is_expression is definition.is_expression
    assert evaluate.referenced_steps is definition.referenced_steps
    assert graph.flatten is definition.flatten and diff.flatten_steps is definition.flatten_steps
    assert session.parameters is definition.parameters
    assert notify.register_groups is facts.register_groups is definition.register_groups


def test_is_expression_takes_exactly_one_known_function():
    assert definition.is_expression({"Get": "Parameters.X"})
    assert definition.is_expression({"Std:Join": {"On": "", "Values": []}})
    assert not definition.is_expression({"Get": "Parameters.X", "Other": 1})
    assert not definition.is_expression({"Std:Unknown": 1}) and not definition.is_expression("Get")


def test_flatten_walks_into_branches_with_their_condition(example):
    flat = definition.flatten(example.definition)
    where = {f.step["Name"]: (f.condition, f.branch) for f in flat}
    assert where["RegisterModel"] == ("CheckAccuracy", "IfSteps")
    assert where["AccuracyTooLow"] == ("CheckAccuracy", "ElseSteps")
    assert where["DataProcessing"] == (None, None)
    assert list(definition.flatten_steps(example.definition)) == [f.step["Name"] for f in flat]


def test_edges_agree_with_the_compiled_graph_and_the_local_graph(example):
    """diff's edges, the compiler's graph and the local runner's dependencies are the same DAG."""
    steps = definition.flatten_steps(example.definition)
    edges = {(e.source, e.target) for e in definition.edges(steps)}
    assert edges == set(example.graph.edges)
    local, errors = graph.build_graph(example.definition)
    assert not errors
    assert edges == {(d, n) for n, node in local.nodes.items() for d in node.deps}
    # a condition step does not read what the steps in its branches read
    assert ("ModelTraining", "CheckAccuracy") not in edges


def test_register_groups_reads_branches_and_tells_run_time_groups(example):
    assert definition.register_groups(example.definition) == (["breast-cancer-models"], False)
    register = {"Type": "RegisterModel", "Arguments": {"ModelPackageGroupName": "b"}}
    dynamic = {"Type": "RegisterModel", "Arguments": {"ModelPackageGroupName": {"Get": "Parameters.Group"}}}
    doc = {"Steps": [register, {"Name": "C", "Type": "Condition", "Arguments": {
        "IfSteps": [dict(register, Arguments={"ModelPackageGroupName": "a"})], "ElseSteps": [register, dynamic]}}]}
    assert definition.register_groups(doc) == (["a", "b"], True)
    assert definition.register_groups(None) == ([], False)


def test_referenced_steps_and_parameters(example):
    steps = definition.flatten_steps(example.definition)
    assert definition.referenced_steps(steps["ModelEvaluation"]["Arguments"]) == {"DataProcessing", "ModelTraining"}
    used = definition.referenced_parameters(example.definition["Steps"])
    assert "S3Uri" in used["InputData"]


def test_one_param_parser_for_deploy_and_local(example):
    declared = definition.parameters(example.definition)
    assert declared["AccuracyThreshold"].type == "Float"
    values, texts, problems = definition.parse_param_pairs(
        ["AccuracyThreshold=0.9", "Nope=1", "oops", "ProcessingInstanceCount=two"], declared)
    assert values == {"AccuracyThreshold": 0.9} and texts == {"AccuracyThreshold": "0.9"}
    assert [p.message for p in problems] == [
        "--param Nope: the pipeline has no parameter 'Nope'", "--param 'oops' is not NAME=VALUE",
        "--param ProcessingInstanceCount: 'two' is not an Integer"]
    deploy_values, deploy_errors = executions.parse_overrides(["AccuracyThreshold=0.9", "Nope=1"], declared)
    local_values, local_errors = session.parse_parameters(example.definition, ["AccuracyThreshold=0.9", "Nope=1"])
    assert deploy_values["AccuracyThreshold"] == local_values["AccuracyThreshold"] == 0.9
    assert [e.render() for e in deploy_errors] == [e.render() for e in local_errors]
