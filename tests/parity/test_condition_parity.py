"""Condition parity with SDK v2: `!=`, `not`, `in`, `not in`, `or`, and `and` nested inside `or`/`not`.

mlpc's condition language compiles to the SDK's condition classes' JSON: `!=` and `not` to
ConditionNot ({"Type": "Not", "Condition": ...}), `in` to ConditionIn, `or` to ConditionOr, and an
`and` that is not at the top level (SageMaker has no And condition) to not(or(not a, not b)),
written with the same SDK classes. The whole definitions must be equal, with no normalisation.
"""

from __future__ import annotations

import json

import pytest

from mlpc.api import compile_text

pytestmark = [pytest.mark.sdk, pytest.mark.filterwarnings("ignore::DeprecationWarning:sagemaker")]

HEADER = """\
pipeline: {name: conditions, role: "arn:aws:iam::123456789012:role/R", bucket: b, region: us-east-1}
parameters:
  Mode: {type: String, default: full}
  N: {type: Integer, default: 3}
  Threshold: {type: Float, default: 0.5}
  Flag: {type: Boolean, default: true}
steps:
  Check:
    type: condition
    if: '{condition}'
    then: [Pass]
    else: [Stop]
  Pass: {type: fail, message: "yes"}
  Stop: {type: fail, message: "no"}
"""


def _sdk(name):
    """The SDK's conditions for each case, over the SDK's parameter objects."""
    from sagemaker.workflow import conditions as c
    from sagemaker.workflow.parameters import ParameterBoolean, ParameterFloat, ParameterInteger, ParameterString

    mode, n = ParameterString("Mode", default_value="full"), ParameterInteger("N", default_value=3)
    threshold, flag = ParameterFloat("Threshold", default_value=0.5), ParameterBoolean("Flag", default_value=True)

    def and_(*items):  # how an `and` below the top level is written with the SDK's classes
        return c.ConditionNot(c.ConditionOr([c.ConditionNot(i) for i in items]))

    cases = {
        "not_equal": [c.ConditionNot(c.ConditionEquals(mode, "quick"))],
        "not": [c.ConditionNot(c.ConditionGreaterThan(n, 3))],
        "in": [c.ConditionIn(mode, ["quick", "full"])],
        "not_in": [c.ConditionNot(c.ConditionIn(mode, ["quick"]))],
        "or": [c.ConditionOr([c.ConditionLessThan(n, 2), c.ConditionNot(c.ConditionEquals(flag, True))])],
        "and_in_or": [c.ConditionOr([c.ConditionGreaterThanOrEqualTo(n, 2),
                                     and_(c.ConditionLessThan(threshold, 0.5), c.ConditionEquals(mode, "full"))])],
        "not_and": [c.ConditionNot(and_(c.ConditionEquals(mode, "full"),
                                         c.ConditionNot(c.ConditionLessThanOrEqualTo(n, 1))))],
        "top_level_and": [c.ConditionEquals(n, 1), c.ConditionNot(c.ConditionEquals(mode, "x"))],
    }
    return (mode, n, threshold, flag), cases[name]


CASES = {
    "not_equal": 'params.Mode != "quick"',
    "not": "not (params.N > 3)",
    "in": 'params.Mode in ["quick", "full"]',
    "not_in": 'params.Mode not in ["quick"]',
    "or": "params.N < 2 or params.Flag != true",
    "and_in_or": 'params.N >= 2 or (params.Threshold < 0.5 and params.Mode == "full")',
    "not_and": 'not (params.Mode == "full" and not params.N <= 1)',
    "top_level_and": 'params.N == 1 and params.Mode != "x"',
}


@pytest.mark.parametrize("case", CASES)
def test_condition_compiles_as_the_sdk_writes_it(case, sdk_session):
    from sagemaker.workflow.condition_step import ConditionStep
    from sagemaker.workflow.fail_step import FailStep
    from sagemaker.workflow.pipeline import Pipeline

    params, conditions = _sdk(case)
    step = ConditionStep("Check", conditions=conditions, if_steps=[FailStep("Pass", error_message="yes")],
                         else_steps=[FailStep("Stop", error_message="no")])
    sdk = json.loads(Pipeline("conditions", parameters=list(params), steps=[step],
                              sagemaker_session=sdk_session).definition())
    result = compile_text(HEADER.replace("{condition}", CASES[case].replace("'", "''")))
    assert result.ok, [d.render() for d in result.diagnostics]
    mine = json.loads(result.definition_json)
    assert mine["Steps"][0]["Arguments"]["Conditions"] == sdk["Steps"][0]["Arguments"]["Conditions"]
    assert mine == sdk


def test_not_is_never_written_with_another_key():
    result = compile_text(HEADER.replace("{condition}", CASES["and_in_or"].replace("'", "''")))
    text = result.definition_json
    assert text.count('"Type":"Not"') == 3 and text.count('"Condition":') == 3 and '"Expression"' not in text
