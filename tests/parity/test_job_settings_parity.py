"""Job settings against the SageMaker Python SDK v2: spot training and checkpoints (training, tuning),
distribution (torch_distributed, mpi, parameter_server), Debugger and Profiler on request, tags.

tests/parity/fixtures/job_settings.yaml and sdk_job_settings.py build the same pipeline. The
definitions must be equal after the example pipelines' normalisation (test_sdk_parity), except
that the SDK's default Debugger hook and profiler are dropped only from steps whose YAML does not
ask for them: where it does (`debugger: true`, `profiler: true` or `false`), they are compared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sdk_job_settings import job_settings
from test_sdk_parity import SDK_NORMALISERS, _pretty_diff, by_name, iter_steps, with_code_tokens

from mlpc.api import compile_file

pytestmark = [
    pytest.mark.sdk,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:sagemaker"),
    pytest.mark.filterwarnings("ignore:Running within a PipelineSession:UserWarning"),
]

FIXTURE = Path(__file__).parent / "fixtures" / "job_settings.yaml"
DEBUG_MEMBERS = ("DebugHookConfig", "ProfilerConfig")


def _drop_unrequested_debugger_profiler(sdk: dict, ours: dict) -> None:
    mine = by_name(ours)
    for step in iter_steps(sdk["Steps"]):
        if step["Type"] == "Training":
            for key in DEBUG_MEMBERS:
                if key not in mine[step["Name"]]["Arguments"]:
                    step["Arguments"].pop(key, None)
            hook = step["Arguments"].get("DebugHookConfig") or {}
            if hook.get("CollectionConfigurations"):  # the SDK keeps them in a set: its order is the hash seed's
                hook["CollectionConfigurations"].sort(key=lambda c: c["CollectionName"])


@pytest.fixture(scope="module")
def pair(sdk_session, s3_objects):
    result = compile_file(FIXTURE)
    assert result.ok, [d.render() for d in result.diagnostics]
    sdk = json.loads(job_settings(sdk_session).definition())
    objects = s3_objects()
    _drop_unrequested_debugger_profiler(sdk, result.definition)
    for key, fn in SDK_NORMALISERS.items():
        if key != "debugger-profiler":
            fn(sdk)
    return with_code_tokens(result, sdk, objects)


STEPS = ("Preprocess", "TrainSpot", "TrainDefaults", "TrainTorch", "TrainMpi", "TrainParameterServer", "Tune",
         "CreateModel", "BatchScore")


@pytest.mark.parametrize("name", STEPS)
def test_step_equals_the_sdks(pair, name):
    ours, sdk = (by_name(d) for d in pair)
    assert ours[name] == sdk[name], f"{name} differs:\n" + _pretty_diff(sdk[name], ours[name])


def test_whole_definition_equals_the_sdks(pair):
    ours, sdk = pair
    assert ours == sdk, _pretty_diff(sdk, ours)


def test_the_settings_are_really_there(pair):
    """Guards the equality tests against both sides silently dropping the settings."""
    steps = by_name(pair[0])
    spot = steps["TrainSpot"]["Arguments"]
    assert spot["EnableManagedSpotTraining"] is True
    assert spot["StoppingCondition"] == {"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 7200}
    assert spot["CheckpointConfig"]["LocalPath"] == "/opt/ml/checkpoints"
    assert spot["DebugHookConfig"]["HookParameters"] == {"save_interval": "100"}
    assert spot["ProfilerConfig"]["ProfilingIntervalInMilliseconds"] == 500
    assert steps["TrainDefaults"]["Arguments"]["EnableManagedSpotTraining"] == {"Get": "Parameters.UseSpot"}
    assert steps["TrainTorch"]["Arguments"]["HyperParameters"]["sagemaker_torch_distributed_enabled"] == "true"
    assert steps["TrainTorch"]["Arguments"]["ProfilerConfig"] == {"DisableProfiler": True}
    assert steps["TrainMpi"]["Arguments"]["HyperParameters"]["sagemaker_mpi_num_of_processes_per_host"] == "4"
    assert steps["TrainParameterServer"]["Arguments"]["HyperParameters"]["sagemaker_parameter_server_enabled"] == "true"
    tune = steps["Tune"]["Arguments"]
    assert tune["TrainingJobDefinition"]["EnableManagedSpotTraining"] is True
    assert tune["TrainingJobDefinition"]["CheckpointConfig"]["S3Uri"].endswith("/checkpoints/Tune")
    for name in ("Preprocess", "TrainSpot", "Tune", "CreateModel", "BatchScore"):
        assert steps[name]["Arguments"]["Tags"][0]["Key"] == "team", name
