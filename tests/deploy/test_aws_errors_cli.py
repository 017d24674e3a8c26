"""Every AWS fault ends in one clean line + hint, exit 1, no traceback: moto error responses,
a closed port, a throttling endpoint (real botocore adaptive retries), and Stubber."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from botocore.stub import ANY, Stubber
from deploy_support import BUCKET, Routed, cli, stubbed_aws

from mlpc.deploy import session


def assert_clean(result, line: str, hint: str | None = None) -> None:
    assert result.exit_code == 1, result.output
    assert line in result.stderr, result.stderr
    if hint:
        assert f"hint: {hint}" in result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_no_credentials(moto, project, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert_clean(cli("diff", project), "error: no AWS credentials found [NoCredentials]", "configure credentials")


def test_no_region(moto, monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert_clean(cli("executions", "list", "mini"), "error: no AWS region configured [NoRegion]", "pass --region")


def test_unknown_profile(moto):
    assert_clean(cli("models", "list", "g", "--profile", "nope"), "error: AWS profile 'nope' not found [ProfileNotFound]")


def test_unreachable_endpoint(offline, project):
    assert_clean(cli("diff", project), "error: cannot reach the AWS endpoint http://127.0.0.1:", "check the network")


def test_missing_bucket_is_a_moto_error_response(moto, project):
    assert_clean(cli("upsert", project), "error: S3 bucket 'mlpc-test-bucket' does not exist [NoSuchBucket]")


def test_access_denied(monkeypatch, offline, project):
    aws, stub = stubbed_aws()
    stub.add_client_error("describe_pipeline", service_error_code="AccessDeniedException", http_status_code=400,
                          service_message="User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
                                          "sagemaker:DescribePipeline")
    monkeypatch.setattr("mlpc.cli.aws_support.connect", lambda profile, region: aws)
    with stub:
        result = cli("diff", project)
    assert_clean(result, "error: DescribePipeline failed: access denied: User: arn:aws:iam::123456789012:user/ci",
                 "the credentials in use lack this permission")
    assert "[AccessDeniedException]" in result.stderr


def test_missing_role_on_create(moto, project, monkeypatch):
    """describe_pipeline answers ResourceNotFound (as SageMaker does) -> create; create rejects the role."""
    moto.s3.create_bucket(Bucket=BUCKET)
    stubbed = stubbed_aws()[0].sagemaker
    stub = Stubber(stubbed)
    stub.add_client_error("describe_pipeline", service_error_code="ResourceNotFound", http_status_code=400,
                          service_message="Pipeline 'mini' does not exist.")
    stub.add_client_error("create_pipeline", service_error_code="ValidationException", http_status_code=400,
                          service_message="Role arn:aws:iam::123456789012:role/SageMakerPipelineRole does not exist.",
                          expected_params={"PipelineName": "mini", "PipelineDisplayName": "mini", "RoleArn": ANY,
                                           "PipelineDefinition": ANY, "Tags": ANY})

    def connect(profile, region):
        aws = session.connect(profile, region)
        aws.clients["sagemaker"] = Routed(aws.sagemaker, stubbed, {"describe_pipeline", "create_pipeline"})
        return aws

    monkeypatch.setattr("mlpc.cli.aws_support.connect", connect)
    with stub:
        result = cli("upsert", project)
        stub.assert_no_pending_responses()
    assert_clean(result, "error: CreatePipeline failed: ValidationException: Role arn:aws:iam::123456789012:role/"
                         "SageMakerPipelineRole does not exist. [ValidationException]",
                 "check that pipeline.role (or --role) names an existing IAM role")
    # the code went up first; nothing about the pipeline changed
    assert moto.s3.list_objects_v2(Bucket=BUCKET, Prefix="mini/code/")["KeyCount"] == 2


@pytest.fixture
def throttling_endpoint(monkeypatch, offline):
    """An endpoint that always answers ThrottlingException; counts the requests it gets."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append(self.headers.get("X-Amz-Target"))
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
            self.send_response(400)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")  # keep the backoff short; the retry mode stays adaptive
    yield seen
    server.shutdown()


def test_throttling_after_adaptive_retries(throttling_endpoint):
    result = cli("executions", "list", "mini")
    assert_clean(result, "error: ListPipelineExecutions failed: throttled after retries: Rate exceeded "
                         "[ThrottlingException]", "AWS is rate limiting this account")
    assert throttling_endpoint == ["SageMaker.ListPipelineExecutions"] * 2  # botocore retried; mlpc did not loop


def test_clients_use_botocore_adaptive_retries(moto):
    aws = session.connect(None, "us-east-1")
    assert aws.sagemaker.meta.config.retries["mode"] == "adaptive"
    assert aws.scheduler.meta.config.retries["mode"] == "adaptive"


@pytest.mark.parametrize("code", ["AccessDeniedException", "AccessDenied", "AuthorizationError"])
def test_unless_denied_gives_the_default_only_for_a_denial(code):
    """Reads that may be denied (deployed schedules, rules, tagged groups) share one rule: denied -> default."""
    def read(kind, raise_code=None):
        if raise_code:
            raise session.AwsError("ListRules failed", None, raise_code)
        return {kind: 1}

    assert session.unless_denied(read, "rules") == {"rules": 1}
    assert session.unless_denied(read, "rules", code) is None
    assert session.unless_denied(read, "rules", code, default={}) == {}
    with pytest.raises(session.AwsError) as err:
        session.unless_denied(read, "rules", "ThrottlingException", default={})
    assert err.value.code == "ThrottlingException"
