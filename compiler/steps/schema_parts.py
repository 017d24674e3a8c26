"""The vocabulary of the YAML format's JSON Schema, shared by every step kind's schema fragment.

tools/gen_schema.py assembles schemas/pipeline.schema.json from these parts, the step-kind table
(mlpc.stepkinds: the `type` enum and one `$defs` entry per kind, from each kind's `schema` path)
and the pipeline-level parts it defines itself. Used only to generate the schema, never at run time.
"""
# ruff: noqa: E731, E701, E702
from ..stepkinds import YAML_TYPES

S = lambda **k: {"type": "string", **k}
I = lambda **k: {"type": "integer", **k}
B = {"type": "boolean"}
VAL = {"description": "A value: a literal, or a string with ${...} run-time references (params.X, execution.X, steps.STEP.PATH, files.FILE.JSONPATH)"}
SVAL = {"type": ["string", "number", "boolean"], "description": "A string; may contain ${...} run-time references"}
IVAL = {"type": ["integer", "string"], "description": "An integer, or a ${params.X} reference"}
def obj(props, required=(), **k):
    d = {"type": "object", "properties": props, "additionalProperties": False}
    if required: d["required"] = list(required)
    d.update(k); return d
strmap = {"type": "object", "additionalProperties": SVAL}
names = {"type": "array", "items": S(), "uniqueItems": True}
common = {
    "type": S(enum=list(YAML_TYPES)),
    "display_name": S(maxLength=82), "description": S(maxLength=3072),
    "depends_on": names,
}
cache = {"oneOf": [B, obj({"enabled": B, "expire_after": S(pattern="^P(?!$)(\\d+[YMWD])*(T(?=\\d)(\\d+[HMS])*)?$", description="ISO 8601 duration, e.g. P30D or PT12H")})]}
retry = {"type": "array", "items": obj({
    "exceptions": {"type": "array", "minItems": 1, "items": S(enum=["Step.SERVICE_FAULT","Step.THROTTLING","SageMaker.JOB_INTERNAL_ERROR","SageMaker.CAPACITY_ERROR","SageMaker.RESOURCE_LIMIT"])},
    "interval_seconds": I(minimum=1, maximum=300), "backoff_rate": {"type": "number", "minimum": 0},
    "max_attempts": I(minimum=1, maximum=20), "expire_after_minutes": I(minimum=1, maximum=14400)}, ["exceptions"])}
KEY = {"type": ["string", "null"], "description": "a KMS key: key ID, key ARN, alias/NAME or alias ARN; may be ${params.X}; null: none"}
security = obj({
    "kms_key": KEY, "volume_kms_key": KEY, "output_kms_key": KEY,
    "vpc": {"oneOf": [obj({"subnets": {"type": "array", "items": S(), "description": "subnet IDs (subnet-...)"},
                           "security_groups": {"type": "array", "items": S(), "description": "security group IDs (sg-...)"}},
                          ["subnets", "security_groups"]), {"type": "null"}]},
    "network_isolation": {"type": ["boolean", "null"]}, "encrypt_inter_container_traffic": {"type": ["boolean", "null"]}},
    description="KMS keys (kms_key: one key for volumes and outputs), VPC, network isolation, inter-container "
                "encryption; pipeline.security applies to every job step, a step's security: overrides it key by key "
                "(mlpc.security)")
request = {"type": "object", "propertyNames": {"pattern": "^[A-Z][A-Za-z0-9]*$", "x-expected":
                                                "a member name of the step's Create* request, e.g. DebugHookConfig"},
           "description": "Escape hatch: members deep-merged into the step's Create* request (mlpc.request_overrides)"}
tags = {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]},
        "description": "Tags on the job the step starts (Tags), KEY: value"}
job = {"cache": cache, "retry": retry, "security": security, "request": request, "tags": tags}
