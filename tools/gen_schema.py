"""Generates schemas/pipeline.schema.json (the committed JSON is what mlpc ships).

Edit this file, run `python tools/gen_schema.py`; tests/test_schema_file.py checks they agree.
"""
import json
import pathlib
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
    "type": S(enum=["processing","training","tuning","transform","model","register_model","condition","fail","lambda","callback"]),
    "display_name": S(maxLength=82), "description": S(maxLength=3072),
    "depends_on": names,
}
cache = {"oneOf": [B, obj({"enabled": B, "expire_after": S(pattern="^P(?!$)(\\d+[YMWD])*(T(?=\\d)(\\d+[HMS])*)?$", description="ISO 8601 duration, e.g. P30D or PT12H")})]}
retry = {"type": "array", "items": obj({
    "exceptions": {"type": "array", "minItems": 1, "items": S(enum=["Step.SERVICE_FAULT","Step.THROTTLING","SageMaker.JOB_INTERNAL_ERROR","SageMaker.CAPACITY_ERROR","SageMaker.RESOURCE_LIMIT"])},
    "interval_seconds": I(minimum=1, maximum=300), "backoff_rate": {"type": "number", "minimum": 0},
    "max_attempts": I(minimum=1, maximum=20), "expire_after_minutes": I(minimum=1, maximum=14400)}, ["exceptions"])}
job = {"cache": cache, "retry": retry}
resources = {"instance_type": SVAL, "instance_count": IVAL, "volume_size_gb": IVAL, "max_runtime_seconds": IVAL,
             "environment": strmap, "image": SVAL, "framework": S(), "framework_version": S(), "py_version": S()}
prop_files = {"type": "object", "additionalProperties": obj({"output": S(), "path": S()}, ["output", "path"])}
proc_input = obj({"source": SVAL, "destination": S(), "s3_data_type": S(enum=["S3Prefix","ManifestFile"]),
                  "input_mode": S(enum=["File","Pipe"]), "distribution": S(enum=["FullyReplicated","ShardedByS3Key"]),
                  "compression": S(enum=["None","Gzip"])}, ["source", "destination"])
proc_output = obj({"source": S(), "destination": SVAL, "upload_mode": S(enum=["EndOfJob","Continuous"])}, ["source"])
processing = obj({**common, **job, **resources,
    "code": S(description="path of the script, relative to the YAML file"),
    "command": {"type": "array", "items": S()},
    "arguments": {"type": "array", "items": SVAL},
    "inputs": {"type": "object", "additionalProperties": proc_input},
    "outputs": {"type": "object", "additionalProperties": proc_output},
    "property_files": prop_files}, ["type", "instance_type"])
channel = {"oneOf": [S(), obj({"source": SVAL, "content_type": S(), "input_mode": S(enum=["File","Pipe","FastFile"]),
            "distribution": S(enum=["FullyReplicated","ShardedByS3Key"]), "s3_data_type": S(enum=["S3Prefix","ManifestFile","AugmentedManifestFile"]),
            "compression": S(enum=["None","Gzip"])}, ["source"])]}
training_fields = {**resources,
    "algorithm": S(description="built-in algorithm, e.g. xgboost"), "algorithm_version": S(),
    "entry_point": S(), "source_dir": S(),
    "hyperparameters": {"type": "object", "additionalProperties": SVAL},
    "channels": {"type": "object", "additionalProperties": channel},
    "output_path": SVAL, "metric_definitions": {"type": "array", "items": obj({"name": S(), "regex": S()}, ["name", "regex"])},
    "enable_sagemaker_metrics": B}
training = obj({**common, **job, **training_fields}, ["type", "instance_type"])
prange = obj({"type": S(enum=["continuous","integer","categorical"]), "min": {"type": "number"}, "max": {"type": "number"},
              "values": {"type": "array", "items": SVAL}, "scaling": S(enum=["Auto","Linear","Logarithmic","ReverseLogarithmic"])}, ["type"])
tuning = obj({**common, **job, **training_fields,
    "objective": obj({"metric": S(), "type": S(enum=["Maximize","Minimize"])}, ["metric", "type"]),
    "strategy": S(enum=["Bayesian","Random","Hyperband","Grid"]),
    "max_jobs": IVAL, "max_parallel_jobs": IVAL,
    "early_stopping": S(enum=["Off","Auto"]),
    "parameter_ranges": {"type": "object", "additionalProperties": prange, "minProperties": 1}},
    ["type", "instance_type", "objective", "parameter_ranges", "max_jobs", "max_parallel_jobs"])
transform = obj({**common, **job, "model_name": SVAL, "instance_type": SVAL, "instance_count": IVAL,
    "input": obj({"data": SVAL, "content_type": S(), "split_type": S(enum=["None","Line","RecordIO","TFRecord"]),
                  "s3_data_type": S(enum=["S3Prefix","ManifestFile","AugmentedManifestFile"]), "compression": S(enum=["None","Gzip"])}, ["data"]),
    "output": obj({"path": SVAL, "accept": S(), "assemble_with": S(enum=["None","Line"])}),
    "data_processing": obj({"input_filter": S(), "output_filter": S(), "join_source": S(enum=["Input","None"])}),
    "strategy": S(enum=["MultiRecord","SingleRecord"]), "max_payload_mb": IVAL, "max_concurrent_transforms": IVAL,
    "environment": strmap}, ["type", "model_name", "instance_type", "input"])
model_fields = {"image": SVAL, "framework": S(), "framework_version": S(), "py_version": S(), "model_data": SVAL,
                "environment": strmap, "entry_point": S(), "source_dir": S(), "instance_type": S()}
model = obj({**common, **job, **model_fields}, ["type", "model_data"])
register = obj({**common, **job, **model_fields, "model_package_group": SVAL,
    "approval_status": SVAL, "content_types": {"type": "array", "items": S(), "minItems": 1},
    "response_types": {"type": "array", "items": S(), "minItems": 1},
    "inference_instances": {"type": "array", "items": S()}, "transform_instances": {"type": "array", "items": S()},
    "model_metrics": {"type": "object", "propertyNames": {"enum": ["model_statistics","model_constraints","data_statistics","data_constraints","bias","explainability"]},
                      "additionalProperties": obj({"s3_uri": SVAL, "content_type": S()}, ["s3_uri"])},
    "customer_metadata": {"type": "object", "additionalProperties": S()},
    "domain": S(), "task": S(), "sample_payload_url": SVAL},
    ["type", "model_package_group", "model_data", "content_types", "response_types"])
condition = obj({**common, "if": {"type": "string", "minLength": 1, "description": "e.g. files.EvaluationReport.metrics.accuracy.value >= params.AccuracyThreshold"},
    "then": names, "else": names}, ["type", "if"])
fail = obj({**common, "message": SVAL}, ["type"])
outputs_decl = {"type": "object", "additionalProperties": S(enum=["String","Integer","Float","Boolean"])}
lam = obj({**common, "cache": cache, "function_arn": S(), "inputs": {"type": "object"}, "outputs": outputs_decl,
           "timeout_seconds": I(minimum=1, maximum=900)}, ["type", "function_arn"])
cb = obj({**common, "cache": cache, "sqs_queue_url": S(), "inputs": {"type": "object"}, "outputs": outputs_decl}, ["type", "sqs_queue_url"])
defs = {"processing": processing, "training": training, "tuning": tuning, "transform": transform, "model": model,
        "register_model": register, "condition": condition, "fail": fail, "lambda": lam, "callback": cb}
step = {"type": "object", "required": ["type"], "properties": {"type": common["type"]},
        "allOf": [{"if": {"properties": {"type": {"const": k}}, "required": ["type"]}, "then": {"$ref": f"#/$defs/{k}"}} for k in defs]}
param = obj({"type": S(enum=["String","Integer","Float","Boolean"]), "default": {"type": ["string","number","boolean"]},
             "enum": {"type": "array", "items": S(), "minItems": 1}, "description": S()}, ["type"])
schedule = obj({"expression": S(pattern="^(cron|rate|at)\\(.+\\)$", description="cron(...), rate(...) or at(...)"),
                "timezone": S(), "parameters": {"type": "object", "additionalProperties": {"type": ["string","number","boolean"]}},
                "enabled": B, "description": S(maxLength=512),
                "role": S(pattern="^arn:aws[a-z\\-]*:iam::\\d{12}:role/.+$",
                          description="an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME) that EventBridge Scheduler assumes to start the pipeline; default: the pipeline's role")},
                ["expression"])
waiver = obj({"rule": S(pattern="^L[0-9]{3}$", description="the rule id, e.g. L201 (see mlpc lint's rules table)"),
              "steps": {**names, "minItems": 1, "description": "the steps it covers; absent: every step"},
              "reason": S(minLength=1, pattern="\\S", description="why the risk is accepted (required; shown with every waived finding)")},
             ["rule", "reason"])
lint = obj({"waivers": {"type": "array", "items": waiver, "description": "accepted findings of mlpc lint: always reported, never silent"}})
schema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://mlpc.dev/schemas/pipeline.schema.json",
  "title": "mlpc pipeline",
  "description": "A SageMaker pipeline described in YAML, compiled by mlpc",
  "type": "object", "additionalProperties": False, "required": ["pipeline", "steps"],
  "properties": {
    "vars": {"type": "object", "description": "Compile-time template variables ({{ name }}) and their defaults; override with --var/--vars-file",
             "additionalProperties": {"type": ["string","number","boolean"]}},
    "pipeline": obj({"name": S(minLength=1), "description": S(), "display_name": S(), "role": S(), "bucket": S(),
                     "region": S(), "tags": {"type": "object", "additionalProperties": S()},
                     "local": obj({"data": {"type": "object", "description": "s3 URI -> local path (relative to this file) seeded into the local store by `mlpc run --local`",
                                            "additionalProperties": S()}})}, ["name", "role", "bucket"]),
    "parameters": {"type": "object", "additionalProperties": param},
    "steps": {"type": "object", "minProperties": 1, "additionalProperties": step},
    "schedules": {"type": "object", "additionalProperties": schedule},
    "lint": lint,
  },
  "$defs": defs,
}
OUT = pathlib.Path(__file__).resolve().parents[1] / "schemas" / "pipeline.schema.json"

if __name__ == "__main__":
    OUT.write_text(json.dumps(schema, indent=2) + "\n")
    print(f"wrote {OUT}")
