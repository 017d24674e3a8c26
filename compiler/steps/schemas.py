"""JSON Schema fragments of the built-in step kinds' YAML mappings (stepkinds `schema` paths).

A new step kind keeps its fragment in its own module, built from steps/schema_parts.py.
"""
# ruff: noqa: E501
from .distribution import NAMED
from .evidence import DRIFT, METRICS
from .schema_parts import B, I, S, SVAL, IVAL, cache, common, job, names, obj, request, retry, strmap, tags  # noqa: F401

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
    "enable_sagemaker_metrics": B,
    "use_spot": {"type": ["boolean", "string"]}, "max_wait_seconds": IVAL,
    "checkpoint": obj({"s3_uri": SVAL, "local_path": SVAL}, ["s3_uri"]),
    "distribution": {"oneOf": [S(enum=list(NAMED)), {
        "type": "object", "minProperties": 1, "additionalProperties": False,
        "properties": {"torch_distributed": obj({}, type=["object", "null"]),
                       "pytorchddp": obj({"custom_mpi_options": SVAL}, type=["object", "null"]),
                       "parameter_server": obj({}, type=["object", "null"]),
                       "multi_worker_mirrored_strategy": obj({}, type=["object", "null"]),
                       "mpi": obj({"processes_per_host": IVAL, "custom_mpi_options": SVAL}, type=["object", "null"]),
                       "smdistributed": obj({
                           "dataparallel": obj({"custom_mpi_options": SVAL}, type=["object", "null"]),
                           "modelparallel": obj({"parameters": {"type": "object"}}, type=["object", "null"])},
                           minProperties=1, maxProperties=1)}}]},
    "model_dir": {"type": ["string", "boolean"]}}
debugger = {"oneOf": [B, obj({"s3_output_path": SVAL, "local_path": SVAL,
                              "hook_parameters": {"type": "object", "additionalProperties": SVAL},
                              "collections": {"type": "object", "additionalProperties": {
                                  "type": ["object", "null"], "additionalProperties": SVAL}}})]}
profiler = {"oneOf": [B, obj({"s3_output_path": SVAL, "interval_millis": IVAL})]}
training = obj({**common, **job, **training_fields, "debugger": debugger, "profiler": profiler},
               ["type", "instance_type"])
prange = obj({"type": S(enum=["continuous","integer","categorical"]), "min": {"type": "number"}, "max": {"type": "number"},
              "values": {"type": "array", "items": SVAL}, "scaling": S(enum=["Auto","Linear","Logarithmic","ReverseLogarithmic"])}, ["type"])
tuning = obj({**common, **job, **training_fields,
    "objective": obj({"metric": S(), "type": S(enum=["Maximize","Minimize"])}, ["metric", "type"]),
    "strategy": S(enum=["Bayesian","Random","Hyperband","Grid"]),
    "max_jobs": IVAL, "max_parallel_jobs": IVAL,
    "early_stopping": S(enum=["Off","Auto"]),
    "parameter_ranges": {"type": "object", "additionalProperties": prange, "minProperties": 1}},
    ["type", "instance_type", "objective", "parameter_ranges", "max_jobs", "max_parallel_jobs"])
# `model: NAME` (steps/model_ref.py): a transform or register step takes its model from a model step
model_by_name = S(minLength=1, description="name of a `model` step whose model this step uses")
transform = obj({**common, **job, "model_name": SVAL, "model": model_by_name, "instance_type": SVAL, "instance_count": IVAL,
    "input": obj({"data": SVAL, "content_type": S(), "split_type": S(enum=["None","Line","RecordIO","TFRecord"]),
                  "s3_data_type": S(enum=["S3Prefix","ManifestFile","AugmentedManifestFile"]), "compression": S(enum=["None","Gzip"])}, ["data"]),
    "output": obj({"path": SVAL, "accept": S(), "assemble_with": S(enum=["None","Line"])}),
    "data_processing": obj({"input_filter": S(), "output_filter": S(), "join_source": S(enum=["Input","None"])}),
    "strategy": S(enum=["MultiRecord","SingleRecord"]), "max_payload_mb": IVAL, "max_concurrent_transforms": IVAL,
    "environment": strmap}, ["type", "instance_type", "input"])
model_fields = {"image": SVAL, "algorithm": S(), "algorithm_version": S(),
                "framework": S(), "framework_version": S(), "py_version": S(), "model_data": SVAL,
                "environment": strmap, "entry_point": S(), "source_dir": S(), "instance_type": S()}
model = obj({**common, **job, **model_fields}, ["type", "model_data"])
metrics_source = obj({"s3_uri": SVAL, "content_type": SVAL,
                      "content_digest": {**SVAL, "description": "Digest of the report (ContentDigest), e.g. a SHA-256."}},
                     ["s3_uri"])
# Model card fields the vendored schema leaves undescribed (SageMaker's model card documentation).
CARD_DOCS = {
    "additional_information": "Anything else a reader should know: ethical considerations, caveats, custom details.",
    "evaluation_details": "Evaluations of the model, one entry per evaluation: name, observation, datasets, metrics.",
    "datasets": "S3 URIs of the datasets used.",
    "evaluation_job_arn": "ARN of the job that ran the evaluation.",
    "evaluation_observation": "What the evaluation showed.",
    "metric_groups": "Metrics, in named groups: {name, metric_data: [{name, type, value, ...}]}.",
    "metric_data": "The group's metrics: {name, type: number|string|boolean|linear_graph|bar_chart|matrix, value}.",
    "notes": "Notes on this item.",
    "value": "The value.",
    "x_axis_name": "Name of the x axis (graphs).",
    "y_axis_name": "Name of the y axis (graphs).",
    "explanations_for_risk_rating": "Why the model has this risk rating.",
    "factors_affecting_model_efficiency": "What makes the model work less well (data, population, drift).",
    "condition": "The condition of the objective function.",
    "facet": "What the objective function measures, e.g. Loss, Accuracy, AUC.",
    "function": "The objective function: {function: Maximize|Minimize, facet, condition}, or the direction itself.",
    "training_job_details": "The training job: ARN, datasets, environment, hyperparameters and metrics.",
    "hyper_parameters": "Hyperparameters of the training job: [{name, value}].",
    "training_environment": "Images the training ran in.",
    "training_metrics": "Metrics of the training job: [{name, value, notes}].",
    "user_provided_hyper_parameters": "Hyperparameters you add: [{name, value}].",
    "user_provided_training_metrics": "Training metrics you add: [{name, value, notes}].",
    "training_observations": "What was observed during training.",
}


def model_card_schema() -> dict:
    """`model_card:` -- status plus SageMaker's model card content, from schemas/model-card.schema.json
    (vendored from cfn-lint's AWS::SageMaker::ModelCard resource schema), with its $refs inlined."""
    import json
    from pathlib import Path

    from .. import schemas as data

    card = json.loads((Path(data.__file__).parent / "model-card.schema.json").read_text("utf-8"))

    def inline(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return inline({**card["$defs"][node["$ref"].rsplit("/", 1)[1]],
                               **{k: v for k, v in node.items() if k != "$ref"}})
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    def describe(node):
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and "description" not in sub and name in CARD_DOCS:
                    sub["description"] = CARD_DOCS[name]
            for value in node.values():
                describe(value)
        elif isinstance(node, list):
            for value in node:
                describe(value)
        return node

    content = describe(inline(card["$defs"]["Content"]))
    return obj({"status": {**card["status"], "description": "ModelCardStatus: Draft, PendingReview, Approved or Archived"},
                **content["properties"]}, ["status"],
               description="The model package's model card (SDK: ModelPackageModelCard); content keys as in "
                           "SageMaker's model card JSON schema. Literal values only.")


# no `security:` on register_model: CreateModelPackage takes none of the settings
register = obj({**common, "cache": cache, "retry": retry, "request": request, "tags": tags, **model_fields, "model": model_by_name, "model_package_group": SVAL,
    "approval_status": SVAL, "content_types": {"type": "array", "items": S(), "minItems": 1},
    "response_types": {"type": "array", "items": S(), "minItems": 1},
    "inference_instances": {"type": "array", "items": S()}, "transform_instances": {"type": "array", "items": S()},
    "model_metrics": {"type": "object", "description": "ModelMetrics: evidence recorded with the version (SDK: ModelMetrics)",
                      "propertyNames": {"enum": list(METRICS)}, "additionalProperties": metrics_source},
    "drift_check_baselines": {"type": "object", "description": "DriftCheckBaselines: what later checks compare against (SDK: DriftCheckBaselines)",
                              "propertyNames": {"enum": list(DRIFT)}, "additionalProperties": metrics_source},
    "model_card": model_card_schema(),
    "customer_metadata": {"type": "object", "additionalProperties": S()},
    "domain": S(), "task": S(), "sample_payload_url": SVAL},
    ["type", "model_package_group", "content_types", "response_types"])
condition = obj({**common, "if": {"type": "string", "minLength": 1, "description": "e.g. files.EvaluationReport.metrics.accuracy.value >= params.AccuracyThreshold"},
    "then": names, "else": names}, ["type", "if"])
fail = obj({**common, "message": SVAL}, ["type"])
outputs_decl = {"type": "object", "additionalProperties": S(enum=["String","Integer","Float","Boolean"])}
lam = obj({**common, "cache": cache, "function_arn": S(), "inputs": {"type": "object"}, "outputs": outputs_decl,
           "timeout_seconds": I(minimum=1, maximum=900)}, ["type", "function_arn"])
cb = obj({**common, "cache": cache, "sqs_queue_url": S(), "inputs": {"type": "object"}, "outputs": outputs_decl}, ["type", "sqs_queue_url"])

register_model = register  # stepkinds names fragments by yaml type; `lambda` is a keyword: lam, cb
