"""SDK parity fixtures: moto's S3 as a local server, and a SageMaker SDK PipelineSession on it.

Everything here is offline: the SDK uploads its code to moto (127.0.0.1, a free port),
with fake credentials; no SDK config file applies and its telemetry is never sent.
Importing the SDK costs ~1.3 s, so the parity tests carry the ``sdk`` marker
(deselect them with ``-m "not sdk"``).
"""

from __future__ import annotations

import socket

import pytest
from sdk_pipelines import BUCKET, REGION


def pytest_configure(config):
    config.addinivalue_line("markers", "sdk: builds pipelines with the SageMaker Python SDK v2 under moto (slow)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def moto_s3(tmp_path_factory):
    """A moto server holding the example bucket; AWS_* point every boto3 client at it."""
    server_mod = pytest.importorskip("moto.server", reason="moto[server] is in the test extra: pip install '.[test]'")
    port = _free_port()
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    nowhere = tmp_path_factory.mktemp("aws") / "absent"
    env = pytest.MonkeyPatch()
    for key, value in {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
        "AWS_CONFIG_FILE": str(nowhere), "AWS_SHARED_CREDENTIALS_FILE": str(nowhere),
        "SAGEMAKER_SUPPRESS_V2_WARNING": "1",
    }.items():
        env.setenv(key, value)
    env.delenv("AWS_PROFILE", raising=False)
    try:
        import boto3

        boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
        yield f"http://127.0.0.1:{port}"
    finally:
        env.undo()
        server.stop()


@pytest.fixture(scope="session")
def sdk_session(moto_s3):
    """A PipelineSession on moto: step calls return request arguments, code goes to moto's S3."""
    import boto3
    import sagemaker.telemetry.telemetry_logging as telemetry
    from sagemaker.workflow.pipeline_context import PipelineSession

    # The SDK posts usage telemetry to AWS from its decorators. Its opt-out is a config value,
    # but with any config at all the SDK re-validates it against its JSON Schema on each
    # lookup (~0.5 s, dozens of times per pipeline), so: no config, and no sending.
    patch = pytest.MonkeyPatch()
    patch.setattr(telemetry, "_send_telemetry_request", lambda *args, **kwargs: None)
    session = PipelineSession(boto_session=boto3.Session(region_name=REGION), default_bucket=BUCKET)
    session.sagemaker_config = {}  # the developer's ~/.config/sagemaker/config.yaml must not leak in
    yield session
    patch.undo()


@pytest.fixture(scope="session")
def s3_objects(moto_s3):
    """-> function returning {s3 uri: bytes} for everything in the bucket right now."""
    import boto3

    def read() -> dict:
        client = boto3.client("s3", region_name=REGION)
        out = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            for obj in page.get("Contents", []):
                out[f"s3://{BUCKET}/{obj['Key']}"] = client.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read()
        return out

    return read
