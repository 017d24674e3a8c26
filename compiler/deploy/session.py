"""boto3 sessions and clients for mlpc, and the one error type the deploy side raises.

The standard credential chain, `--profile`, `--region` and `AWS_ENDPOINT_URL`
(botocore reads it natively) all apply. Retries use botocore's adaptive mode.
botocore exceptions are translated into `AwsError` (one line + a hint) by
error *code*, never by message text.

boto3 and botocore are imported by the functions that use them, not by this module: the
offline commands import AwsError (git, init) and must not pay for them (a test checks it).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from .. import __version__
from ..errors import MlpcError


class AwsError(MlpcError):
    """A failed AWS interaction, ready for the CLI: one line, a hint, and a code (AWS's, or "aws")."""

    def __init__(self, message: str, hint: str | None = None, code: str = "aws"):
        super().__init__(message, hint, code)


CREDENTIALS_HINT = "configure credentials (aws configure, AWS_PROFILE / --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
THROTTLE_HINT = "AWS is rate limiting this account; mlpc already retried (botocore adaptive mode): wait and rerun"
ROLE_HINT = ("check that pipeline.role (or --role) names an existing IAM role that trusts sagemaker.amazonaws.com, "
             "and run `mlpc validate FILE`")

# error code -> (what it means, hint)
CLIENT_ERRORS = {
    "AccessDenied": ("access denied", "the credentials in use lack this permission; check `aws sts get-caller-identity` and the IAM policy"),
    "AccessDeniedException": ("access denied", "the credentials in use lack this permission; check `aws sts get-caller-identity` and the IAM policy"),
    "403": ("access denied", "the credentials in use lack this permission; check `aws sts get-caller-identity` and the IAM policy"),
    "NoSuchBucket": ("the S3 bucket does not exist", "create the bucket, or point pipeline.bucket (e.g. --var bucket=NAME) at an existing one"),
    "ThrottlingException": ("throttled after retries", THROTTLE_HINT),
    "Throttling": ("throttled after retries", THROTTLE_HINT),
    "TooManyRequestsException": ("throttled after retries", THROTTLE_HINT),
    "RequestLimitExceeded": ("throttled after retries", THROTTLE_HINT),
    "SlowDown": ("throttled after retries", THROTTLE_HINT),
    "ExpiredToken": ("the credentials have expired", "refresh them (e.g. aws sso login) and rerun"),
    "ExpiredTokenException": ("the credentials have expired", "refresh them (e.g. aws sso login) and rerun"),
    "InvalidClientTokenId": ("the credentials are not valid", CREDENTIALS_HINT),
    "UnrecognizedClientException": ("the credentials are not valid", CREDENTIALS_HINT),
    "InvalidAccessKeyId": ("the credentials are not valid", CREDENTIALS_HINT),
    "SignatureDoesNotMatch": ("the credentials are not valid", CREDENTIALS_HINT),
    "ResourceLimitExceeded": ("an account quota was reached", "raise the SageMaker quota or clean up with `mlpc delete`"),
    "ResourceInUse": ("the resource is in use", "wait for running executions to finish (mlpc executions list NAME) and rerun"),
}

# (operation, code) -> hint, where the operation tells what the code means
OPERATION_HINTS = {
    ("CreatePipeline", "ValidationException"): ROLE_HINT,
    ("UpdatePipeline", "ValidationException"): ROLE_HINT,
    ("StartPipelineExecution", "ValidationException"): "check the --param values against `mlpc compile FILE`'s parameters",
    ("CreateSchedule", "ValidationException"): "the schedule role must trust scheduler.amazonaws.com (see --schedule-role)",
    ("UpdateSchedule", "ValidationException"): "the schedule role must trust scheduler.amazonaws.com (see --schedule-role)",
}


def translate(exc: Exception) -> AwsError:
    """A botocore exception -> AwsError, by type and error code."""
    if isinstance(exc, AwsError):
        return exc
    from botocore.exceptions import (BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError,
                                     NoCredentialsError, NoRegionError, ParamValidationError, PartialCredentialsError,
                                     ProfileNotFound, ReadTimeoutError)

    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return AwsError("no AWS credentials found", CREDENTIALS_HINT, "NoCredentials")
    if isinstance(exc, NoRegionError):
        return AwsError("no AWS region configured", "pass --region, set AWS_REGION, or set pipeline.region in the YAML",
                        "NoRegion")
    if isinstance(exc, ProfileNotFound):
        return AwsError(f"AWS profile '{exc.kwargs.get('profile')}' not found",
                        "list profiles with `aws configure list-profiles`", "ProfileNotFound")
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError)):
        return AwsError(f"cannot reach the AWS endpoint {exc.kwargs.get('endpoint_url', '')}".rstrip(),
                        "check the network, --region, and AWS_ENDPOINT_URL if set", "EndpointUnreachable")
    if isinstance(exc, ReadTimeoutError):
        return AwsError("the AWS endpoint timed out", "check the network and rerun", "ReadTimeout")
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code") or "ClientError")
        op = getattr(exc, "operation_name", "") or "request"
        detail = _one_line(str(err.get("Message") or ""))
        meaning, hint = CLIENT_ERRORS.get(code, (None, None))
        hint = OPERATION_HINTS.get((op, code), hint)
        text = f"{op} failed: " + (meaning or code)
        if detail:
            text += f": {detail}"
        return AwsError(text, hint, code)
    if isinstance(exc, ParamValidationError):  # botocore's own request check: every problem it found, kept
        return AwsError(_one_line(str(exc)), "this is a bug in mlpc or a value it did not check; please report it",
                        "ParamValidation")
    if isinstance(exc, BotoCoreError):
        return AwsError(_one_line(str(exc)), None, type(exc).__name__)
    raise exc


def _one_line(text: str) -> str:
    """A multi-line message (botocore lists each validation problem on its own line) on one line, all kept."""
    return "; ".join(line.strip() for line in text.strip().splitlines() if line.strip()).replace(":; ", ": ")


@contextmanager
def aws_errors():
    """Turn any botocore exception raised inside into an AwsError."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except AwsError:
        raise
    except (ClientError, BotoCoreError) as exc:
        raise translate(exc) from None


def client_config():
    from botocore.config import Config

    return Config(retries={"mode": "adaptive"}, user_agent_extra=f"mlpc/{__version__}")


@dataclass
class Aws:
    """A boto3 session and the clients made from it (made once, on first use)."""

    session: object  # boto3.Session
    region: str | None
    clients: dict = field(default_factory=dict)

    def client(self, service: str):
        if service not in self.clients:
            with aws_errors():
                self.clients[service] = self.session.client(service, region_name=self.region, config=client_config())
        return self.clients[service]

    @property
    def sagemaker(self):
        return self.client("sagemaker")

    @property
    def s3(self):
        return self.client("s3")

    @property
    def scheduler(self):
        return self.client("scheduler")

    @property
    def events(self):
        return self.client("events")

    @property
    def sns(self):
        return self.client("sns")



def connect(profile: str | None = None, region: str | None = None) -> Aws:
    """A session from the standard chain; `region` wins over the environment and the profile."""
    import boto3

    with aws_errors():
        session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    return Aws(session, region or session.region_name)


# What a service answers when the credentials lack a permission (SNS, a Query API: AuthorizationError).
DENIED_CODES = ("AccessDeniedException", "AccessDenied", "AuthorizationError")


def unless_denied(read, *args, default=None):
    """read(*args), or `default` when the credentials may not read it; any other error propagates."""
    try:
        return read(*args)
    except AwsError as err:
        if err.code in DENIED_CODES:
            return default
        raise


def error_code(exc) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
