"""The built-in XGBoost algorithm's hyperparameters are checked at compile time as its container
checks them (the table is generated from aws/sagemaker-xgboost-container's own validation module);
the bad fixtures xgboost_*.yaml pin the messages and positions."""

from __future__ import annotations

import pytest

from mlpc import xgboost_hyperparameters as data
from mlpc.api import compile_text
from mlpc.steps.algorithm_hyperparameters import check_value, table

HEAD = """
pipeline: {name: demo, role: "arn:aws:iam::123456789012:role/R", bucket: b}
parameters:
  Rounds: {type: Integer, default: ROUNDS}
  Eta: {type: Float, default: 0.3}
  Objective: {type: String, default: binary:logistic}
steps:
  Train:
    type: training
"""


def compile_training(body: str, rounds: int = 10):
    text = HEAD.replace("ROUNDS", str(rounds)) + body
    res = compile_text(text, "demo.yaml")
    return res, [(d.code, d.message) for d in res.diagnostics]


def test_container_versions_and_required_num_round_come_from_the_container_source():
    assert data.VERSIONS == ("0.90-1", "0.90-2", "1.0-1", "1.2-1", "1.2-2", "1.3-1", "1.5-1", "1.7-1", "3.0-5")
    assert all(len(commit) == 40 for _, commit in data.SOURCE.values())
    for version in data.VERSIONS:
        specs, _ = table(version)
        assert specs["num_round"] == ("Integer", {"min_closed": 1}, True), version
        assert [n for n, (_, _, required) in specs.items() if required] == ["num_round"], version
    assert table("1.7-1")[0]["eta"] == ("Continuous", {"min_closed": 0, "max_closed": 1}, False)
    assert table("1") is None  # the legacy XGBoost algorithm image: no table, nothing checked


def test_a_valid_builtin_step_compiles_with_aliases_and_parameter_values():
    res, diags = compile_training("""
    algorithm: xgboost
    algorithm_version: "1.7-1"
    instance_type: ml.m5.large
    hyperparameters:
      num_round: "${params.Rounds}"
      learning_rate: "${params.Eta}"
      objective: "${params.Objective}"
      eval_metric: "auc,error@0.7"
      max_depth: 0
      subsample: 1
      monotone_constraints: "(1,0,-1)"
      interaction_constraints: "[[1, 2], [3]]"
      tree_method: hist              # the container requires it with either constraint
      save_model_on_termination: false
    channels:
      train: s3://b/train/
""")
    assert res.ok, diags


@pytest.mark.parametrize("value,code", [
    ("1.0", "X002"),   # the container parses Integer hyperparameters with int(): "1.0" fails
    ("ten", "X002"),
    ("0", "X003"),     # num_round's range is [1, +inf)
])
def test_num_round_type_and_range(value, code):
    res, diags = compile_training(f"""
    algorithm: xgboost
    algorithm_version: "1.3-1"
    instance_type: ml.m5.large
    hyperparameters: {{num_round: "{value}"}}
""")
    assert not res.ok
    assert [c for c, _ in diags] == [code], diags


def test_a_parameter_is_checked_through_its_default():
    res, diags = compile_training("""
    algorithm: xgboost
    algorithm_version: "1.7-1"
    instance_type: ml.m5.large
    hyperparameters: {num_round: "${params.Rounds}"}
""", rounds=0)
    assert diags == [("X003", "XGBoost 1.7-1 hyperparameter 'num_round' (the default of parameter Rounds): "
                               "'0' is not in [1, +inf)")]


def test_the_declared_version_decides_what_exists():
    body = """
    algorithm: xgboost
    algorithm_version: "{v}"
    instance_type: ml.m5.large
    hyperparameters: {{num_round: 5, sampling_method: gradient_based}}
"""
    assert compile_training(body.format(v="1.3-1"))[0].ok  # sampling_method arrived in 1.3-1
    res, diags = compile_training(body.format(v="1.2-2"))
    assert [c for c, _ in diags] == ["X001"]


def test_script_mode_and_other_images_are_not_checked():
    res, diags = compile_training("""
    framework: xgboost
    framework_version: "1.7-1"
    entry_point: train.py
    instance_type: ml.m5.large
    hyperparameters: {epochs: 3}
""")
    assert not any(c.startswith("X") for c, _ in diags), diags
    res, diags = compile_training("""
    image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/my-trainer:latest
    instance_type: ml.m5.large
    hyperparameters: {epochs: 3}
""")
    assert res.ok, diags


def test_tuning_ranges_count_as_given_and_are_checked():
    text = """
pipeline: {name: demo, role: "arn:aws:iam::123456789012:role/R", bucket: b}
steps:
  Tune:
    type: tuning
    algorithm: xgboost
    algorithm_version: "1.7-1"
    instance_type: ml.m5.large
    max_jobs: 4
    max_parallel_jobs: 2
    objective: {metric: "validation:auc", type: Maximize}
    hyperparameters: {objective: "binary:logistic", eval_metric: auc}
    parameter_ranges:
      num_round: {type: integer, min: MIN, max: 100}
    channels:
      train: s3://b/train/
      validation: s3://b/validation/
"""
    res = compile_text(text.replace("MIN", "10"), "demo.yaml")
    assert res.ok, [d.render() for d in res.diagnostics]
    res = compile_text(text.replace("MIN", "0"), "demo.yaml")
    assert [d.code for d in res.diagnostics] == ["X003"]


@pytest.mark.parametrize("name,text,expected", [
    ("eval_metric", "ndcg@3", None),
    ("eval_metric", "rmse@3", "X003"),
    ("eval_metric", "map@x", "X002"),
    ("interaction_constraints", "[[0, 1]]", "X003"),  # the container's range is [1, +inf)
    ("interaction_constraints", "[1, 2]", "X002"),
    ("monotone_constraints", "(1,0)", None),
    ("updater", "grow_colmaker,prune", None),
    ("updater", "grow_colmaker,pruner", "X003"),
    ("subsample", "0", "X003"),  # (0, 1]
    ("seed", "-2147483648", "X003"),  # (-2**31, 2**31 - 1)
])
def test_values_as_the_toolkit_parses_and_ranges_them(name, text, expected):
    specs, _ = table("1.7-1")
    got = check_value(name, text, specs[name])
    assert (got[0] if got else None) == expected, got


@pytest.mark.parametrize("hps,expected", [
    ({"num_round": "5", "eta": "0.2", "learning_rate": "0.3"}, None),
    ({"eta": "0.2"}, "Missing required hyperparameter: num_round"),
    ({"num_round": "5", "num_rounds": "5"}, "Extraneous hyperparameter found: num_rounds"),
    ({"num_round": "5.0"}, "Hyperparameter num_round: could not parse value"),
    ({"num_round": "5", "eta": "2"}, "Hyperparameter eta: '2' is not in [0, 1]"),
    ({"num_round": "5", "objective": "multi:softmax"}, "objective 'multi:softmax' needs num_class"),
])
def test_a_job_is_validated_in_the_containers_words(hps, expected):
    from mlpc.steps.algorithm_hyperparameters import validate_job

    got = validate_job(hps, "1.7-1")
    if expected is None:
        assert got is None
    else:
        assert got is not None and got.startswith(expected), got


def test_a_misspelt_required_name_is_one_mistake_not_two():
    """`num_rounds` is reported once, at the key, with the fix; an unrelated unknown name leaves the
    missing num_round reported."""
    body = ("    algorithm: xgboost\n    algorithm_version: '1.7-1'\n    instance_type: ml.m5.large\n"
            "    hyperparameters: {HPS}\n")
    _, typo = compile_training(body.replace("{HPS}", "{num_rounds: 10}"))
    assert typo == [("X001", "XGBoost 1.7-1 has no hyperparameter 'num_rounds'")]
    _, other = compile_training(body.replace("{HPS}", "{colour: red}"))
    assert sorted(c for c, _ in other) == ["X001", "X004"]


@pytest.mark.parametrize("hps,expected", [
    ({"num_round": "5", "monotone_constraints": "(1,0)"},
     "monotone_constraints can be used only when the tree_method parameter is set to either 'exact' or 'hist'"),
    ({"num_round": "5", "monotone_constraints": "(1,0)", "tree_method": "approx"},
     "monotone_constraints can be used only when"),
    ({"num_round": "5", "monotone_constraints": "(1,0)", "tree_method": "hist"}, None),
    ({"num_round": "5", "interaction_constraints": "[[1, 2]]", "tree_method": "approx"}, None),
    ({"num_round": "5", "interaction_constraints": "[[1, 2]]"},
     "interaction_constraints can be used only when the tree_method parameter is set to either 'exact', 'hist' or "
     "'approx'"),
])
def test_constraints_need_the_tree_method_the_container_asks_for(hps, expected):
    from mlpc.steps.algorithm_hyperparameters import validate_job

    got = validate_job(hps, "1.7-1")
    assert got == expected if expected is None else (got or "").startswith(expected), got


def test_a_constraint_without_its_tree_method_is_an_error_at_the_constraint():
    body = ("    algorithm: xgboost\n    algorithm_version: '1.7-1'\n    instance_type: ml.m5.large\n"
            "    hyperparameters: {num_round: 10, monotone_constraints: '(1,-1)'}\n")
    res, found = compile_training(body)
    assert [c for c, _ in found] == ["X005"], found
    assert res.diagnostics[0].path[-1] == "monotone_constraints"


def test_a_tuned_tree_method_is_not_judged_at_compile_time():
    body = ("    algorithm: xgboost\n    algorithm_version: '1.7-1'\n    instance_type: ml.m5.large\n"
            "    hyperparameters: {num_round: 10, monotone_constraints: '(1,-1)'}\n"
            "    objective: {metric: 'validation:auc', type: Maximize}\n"
            "    parameter_ranges: {tree_method: {type: categorical, values: [exact, hist]}}\n"
            "    max_jobs: 2\n    max_parallel_jobs: 1\n")
    text = HEAD.replace("ROUNDS", "10").replace("type: training", "type: tuning") + body
    res = compile_text(text, "demo.yaml")
    assert not [d for d in res.diagnostics if d.code == "X005"], [d.render() for d in res.diagnostics]


@pytest.mark.parametrize("hps,expected", [
    ({"updater": "grow_colmaker,prune"}, None),
    ({"updater": "grow_colmaker,grow_histmaker"}, "only one tree grow plugin can be selected"),
    ({"updater": "shotgun"}, "tree updater 'shotgun' is not one of"),
    ({"booster": "gblinear", "updater": "shotgun"}, None),
    ({"booster": "gblinear", "updater": "grow_colmaker"}, "with booster 'gblinear', updater must be one of"),
    ({"process_type": "update", "updater": "refresh,prune"}, None),
    ({"process_type": "update", "updater": "grow_colmaker"}, "process_type 'update' can only be used with updater"),
])
def test_the_updater_rules_are_the_containers(hps, expected):
    """The rules are generated per version and checked against the container's validator by the generator
    (tools/gen_xgboost_hyperparameters.py cross_check_updater); these pin the outcomes."""
    from mlpc.steps.algorithm_hyperparameters import validate_job

    got = validate_job({"num_round": "5", **hps}, "1.7-1")
    assert got is None if expected is None else (got or "").startswith(expected), got


def test_an_updater_problem_is_reported_at_the_updater():
    body = ("    algorithm: xgboost\n    algorithm_version: '1.7-1'\n    instance_type: ml.m5.large\n"
            "    hyperparameters: {num_round: 10, booster: gblinear, updater: 'grow_colmaker'}\n")
    res, found = compile_training(body)
    assert [c for c, _ in found] == ["X005"], found
    assert res.diagnostics[0].path[-1] == "updater"
