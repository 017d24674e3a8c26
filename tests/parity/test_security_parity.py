"""Security settings against the SageMaker Python SDK v2: one step of each job type, the same settings.

tests/parity/fixtures/security.yaml sets `pipeline.security` (one KMS key, a VPC, network
isolation, inter-container encryption) and per-step overrides; sdk_security.py builds the same
pipeline with the SDK's own options. The definitions must be equal after the same
normalisation as the example pipelines (test_sdk_parity.INTENDED_DIFFERENCES).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sdk_security import security
from test_sdk_parity import SDK_NORMALISERS, _pretty_diff, by_name, with_code_tokens

from mlpc.api import compile_file

pytestmark = [
    pytest.mark.sdk,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:sagemaker"),
    pytest.mark.filterwarnings("ignore:Running within a PipelineSession:UserWarning"),
]

FIXTURE = Path(__file__).parent / "fixtures" / "security.yaml"
SECURITY_MEMBERS = ("VolumeKmsKeyId", "KmsKeyId", "NetworkConfig", "VpcConfig", "EnableNetworkIsolation",
                    "EnableInterContainerTrafficEncryption")


@pytest.fixture(scope="module")
def pair(sdk_session, s3_objects):
    result = compile_file(FIXTURE)
    assert result.ok, [d.render() for d in result.diagnostics]
    sdk = json.loads(security(sdk_session).definition())
    objects = s3_objects()
    for fn in SDK_NORMALISERS.values():
        fn(sdk)
    return with_code_tokens(result, sdk, objects)


STEPS = ("Preprocess", "Explore", "Train", "TrainScript", "Tune", "CreateModel", "BatchScore", "Register")


@pytest.mark.parametrize("name", STEPS)
def test_step_equals_the_sdks(pair, name):
    ours, sdk = (by_name(d) for d in pair)
    assert ours[name] == sdk[name], f"{name} differs:\n" + _pretty_diff(sdk[name], ours[name])


def test_whole_definition_equals_the_sdks(pair):
    ours, sdk = pair
    assert ours == sdk, _pretty_diff(sdk, ours)


def _members(node, found: set) -> set:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in SECURITY_MEMBERS:
                found.add(k)
            _members(v, found)
    elif isinstance(node, list):
        for v in node:
            _members(v, found)
    return found


@pytest.mark.parametrize("name,expected", [
    ("Preprocess", {"VolumeKmsKeyId", "KmsKeyId", "NetworkConfig", "VpcConfig", "EnableNetworkIsolation",
                    "EnableInterContainerTrafficEncryption"}),
    ("Train", {"VolumeKmsKeyId", "KmsKeyId", "VpcConfig", "EnableNetworkIsolation",
               "EnableInterContainerTrafficEncryption"}),
    ("Tune", {"VolumeKmsKeyId", "KmsKeyId", "VpcConfig", "EnableNetworkIsolation",
              "EnableInterContainerTrafficEncryption"}),
    ("BatchScore", {"VolumeKmsKeyId", "KmsKeyId"}),
    ("CreateModel", {"VpcConfig", "EnableNetworkIsolation"}),
    ("Register", set()),
])
def test_the_settings_are_really_there(pair, name, expected):
    """Guards the equality tests against both sides silently dropping the settings."""
    ours, _ = pair
    assert _members(by_name(ours)[name]["Arguments"], set()) == expected


def test_script_mode_under_isolation_ships_code_as_a_channel(pair):
    ours, _ = pair
    for name, prefix in (("TrainScript", ()), ("Tune", ("TrainingJobDefinition",))):
        job = by_name(ours)[name]["Arguments"]
        for k in prefix:
            job = job[k]
        channels = {c["ChannelName"]: c for c in job["InputDataConfig"]}
        assert channels["code"]["DataSource"]["S3DataSource"]["S3Uri"].startswith("<code tar:")
        hps = job.get("HyperParameters") or job["StaticHyperParameters"]
        assert json.loads(hps["sagemaker_submit_directory"]) == "/opt/ml/input/data/code/sourcedir.tar.gz"
