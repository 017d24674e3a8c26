"""Models defined once, against the SageMaker Python SDK v2.

tests/parity/fixtures/models.yaml defines each model once (a `model` step) and names it from
transform and register steps (`model: NAME`); sdk_models.py builds the same pipeline the SDK's
way: one `Model` per model step, `ModelStep(step_args=model.create())`,
`Transformer(model_name=step.properties.ModelName)` and `ModelStep(step_args=model.register())`.
The definitions must be equal after the normalisation of the example pipelines
(test_sdk_parity.INTENDED_DIFFERENCES), dependencies included.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sdk_models import models
from test_sdk_parity import SDK_NORMALISERS, _pretty_diff, by_name, with_code_tokens

from mlpc.api import compile_file
from mlpc.definition import edges

pytestmark = [
    pytest.mark.sdk,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:sagemaker"),
    pytest.mark.filterwarnings("ignore:Running within a PipelineSession:UserWarning"),
]

FIXTURE = Path(__file__).parent / "fixtures" / "models.yaml"
STEPS = ("Train", "CreateModel", "BatchScore", "ScriptModel", "ScriptScore", "CheckAuc", "Register", "RegisterScript")


@pytest.fixture(scope="module")
def pair(sdk_session, s3_objects):
    result = compile_file(FIXTURE)
    assert result.ok, [d.render() for d in result.diagnostics]
    sdk = json.loads(models(sdk_session).definition())
    objects = s3_objects()
    for fn in SDK_NORMALISERS.values():
        fn(sdk)
    return with_code_tokens(result, sdk, objects)


@pytest.mark.parametrize("name", STEPS)
def test_step_equals_the_sdks(pair, name):
    ours, sdk = (by_name(d) for d in pair)
    assert ours[name] == sdk[name], f"{name} differs:\n" + _pretty_diff(sdk[name], ours[name])


def test_whole_definition_equals_the_sdks(pair):
    ours, sdk = pair
    assert ours == sdk, _pretty_diff(sdk, ours)


def _edges(definition) -> set:
    return {(e.source, e.target, e.kind) for e in edges(by_name(definition))}


def test_the_same_dependencies_as_the_sdks(pair):
    """A transform depends on its model step (ModelName); a registration on what the model's container
    references (the training job), not on the model step, and neither side writes DependsOn."""
    ours, sdk = pair
    assert _edges(ours) == _edges(sdk)
    got = {(s, t) for s, t, _ in _edges(ours)}
    assert {("CreateModel", "BatchScore"), ("ScriptModel", "ScriptScore"), ("Train", "Register"),
            ("Train", "RegisterScript")} <= got
    assert not {("CreateModel", "Register"), ("ScriptModel", "RegisterScript")} & got
    assert not any("DependsOn" in s for s in by_name(ours).values())


def test_the_model_is_really_shared(pair):
    """Guards the equality tests: the registered containers are the model steps' containers."""
    steps = by_name(pair[0])
    builtin = steps["CreateModel"]["Arguments"]["PrimaryContainer"]
    registered = steps["Register"]["Arguments"]["InferenceSpecification"]["Containers"][0]
    assert registered == builtin and builtin["Environment"]["SERVING_MODE"] == {"Get": "Parameters.ServingMode"}
    script = steps["ScriptModel"]["Arguments"]["PrimaryContainer"]
    package = steps["RegisterScript"]["Arguments"]["InferenceSpecification"]["Containers"][0]
    assert package["Environment"] == script["Environment"] and package["ModelDataUrl"] == script["ModelDataUrl"]
    assert package["Framework"] == "XGBOOST"
    # the SDK's XGBoostModel.register resolves the image for inference_instances[0], a Graviton instance
    assert package["Image"].endswith("/sagemaker-xgboost:1.5-1-arm64") and not script["Image"].endswith("arm64")
    assert steps["BatchScore"]["Arguments"]["ModelName"] == {"Get": "Steps.CreateModel.ModelName"}
