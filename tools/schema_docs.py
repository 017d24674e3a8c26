"""Descriptions of every property of the pipeline YAML schema (editor hovers, docs/reference.md).

`tools/gen_schema.py` applies them when it writes schemas/pipeline.schema.json. A key is either
a property path ("register_model.approval_status", "pipeline.role"; `*` stands for any map key,
`[]` for any list item) or a bare property name ("instance_type"), which covers that name wherever no
path-specific entry exists. tests/test_schema_docs.py fails when a property has no description.
Each says what the field is, the SageMaker field it becomes, and an example where one helps.
"""

RUNTIME = " Accepts ${...} run-time references."

BY_NAME = {
    # every step
    "type": "The step type; decides which SageMaker step it compiles to (processing -> ProcessingStep, "
            "training -> TrainingStep, register_model -> RegisterModel, ...).",
    "display_name": "Name shown in SageMaker Studio's pipeline graph (the step's DisplayName).",
    "description": "Free text describing this item (a step's or the pipeline's Description).",
    "depends_on": "Steps that must finish before this one, beyond the ones its ${steps...} references "
                  "already imply (the step's DependsOn). Example: [DataProcessing].",
    "cache": "Step caching (CacheConfig): true, or {enabled, expire_after}. A cached step is reused when "
             "its cache key fields are unchanged.",
    "enabled": "Whether this is on (true/false).",
    "expire_after": "How long a cached result stays valid, as an ISO 8601 duration (CacheConfig.ExpireAfter), "
                    "e.g. P30D or PT12H.",
    "retry": "Retry policies for this step (RetryPolicies): which exceptions to retry, with backoff.",
    "exceptions": "Exception types this retry policy covers (ExceptionType), e.g. [Step.SERVICE_FAULT, "
                  "SageMaker.CAPACITY_ERROR]; SageMaker.* types apply to job steps only.",
    "interval_seconds": "Seconds before the first retry (IntervalSeconds, 1-300).",
    "backoff_rate": "Multiplier applied to the interval after each retry (BackoffRate), e.g. 2.0.",
    "max_attempts": "Maximum number of retries (MaxAttempts, 1-20); give this or expire_after_minutes.",
    "expire_after_minutes": "Stop retrying after this many minutes (ExpireAfterMin, 1-14400); give this or "
                            "max_attempts.",
    # security settings (pipeline.security and a job step's security:; mlpc.security)
    "security": "Security settings of the jobs: KMS keys, VPC, network isolation, inter-container encryption. "
                "pipeline.security applies to every job step; a step's security: overrides it key by key "
                "(null switches a setting off for that step).",
    "kms_key": "One KMS key for both the jobs' volumes and their outputs (VolumeKmsKeyId and the output "
               "KmsKeyId), where volume_kms_key / output_kms_key are not given: a key ID, key ARN, alias/NAME "
               "or alias ARN, or ${params.X}.",
    "volume_kms_key": "KMS key that encrypts the jobs' storage volumes (ClusterConfig / ResourceConfig / "
                      "TransformResources VolumeKmsKeyId).",
    "output_kms_key": "KMS key that encrypts the jobs' outputs in S3 (ProcessingOutputConfig / OutputDataConfig / "
                      "TransformOutput KmsKeyId).",
    "vpc": "Run the jobs in these VPC subnets with these security groups (VpcConfig; NetworkConfig.VpcConfig "
           "for processing); null: no VPC for this step.",
    "subnets": "VPC subnet IDs (VpcConfig.Subnets, 1-16), e.g. [subnet-0a1b2c3d].",
    "security_groups": "VPC security group IDs (VpcConfig.SecurityGroupIds, 1-5), e.g. [sg-0a1b2c3d].",
    "network_isolation": "Run the job's containers without network access (EnableNetworkIsolation); also "
                         "enforced by mlpc run --local.",
    "encrypt_inter_container_traffic": "Encrypt traffic between the job's instances "
                                       "(EnableInterContainerTrafficEncryption).",
    # the escape hatch (mlpc.request_overrides)
    "request": "Escape hatch: members merged into the step's Create* request (CreateTrainingJob, "
               "CreateProcessingJob, ...), in the API's own names, for any field mlpc has no key for, e.g. "
               "{DebugHookConfig: {S3OutputPath: s3://b/debug}, RetryStrategy: {MaximumRetryAttempts: 2}}. "
               "Mappings merge recursively; lists and scalars replace; null removes a member; what it sets "
               "wins over what mlpc sets. Checked against botocore's request shape." + RUNTIME,
    # job resources
    "instance_type": "ML instance type the job runs on (ClusterConfig/ResourceConfig InstanceType), e.g. "
                     "ml.m5.xlarge." + RUNTIME,
    "instance_count": "Number of instances (InstanceCount), at least 1. An integer or ${params.X}.",
    "volume_size_gb": "Size of the ML storage volume attached to each instance, in GB (VolumeSizeInGB). "
                      "An integer or ${params.X}.",
    "max_runtime_seconds": "Maximum run time of the job in seconds (StoppingCondition.MaxRuntimeInSeconds).",
    "environment": "Environment variables of the container (Environment), NAME: value." + RUNTIME,
    "image": "Container image URI (ImageUri / TrainingImage / Image), e.g. "
             "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3. "
             "Give this or framework/algorithm." + RUNTIME,
    "framework": "A SageMaker framework image, resolved from the SageMaker SDK's image registry for the "
                 "pipeline's region, e.g. sklearn, xgboost, pytorch.",
    "framework_version": "Version of the framework image, e.g. 1.2-1 for sklearn.",
    "py_version": "Python version tag of the framework image, e.g. py3.",
    "code": "Path of the processing script, relative to the YAML file; uploaded content-addressed to "
            "s3://BUCKET/PIPELINE/code/SHA256/ and run as the container entry point.",
    "command": "Entry point command the script runs with (ContainerEntrypoint before the script), e.g. [python3].",
    "arguments": "Arguments passed to the container (AppSpecification.ContainerArguments), e.g. "
                 "[--test-size, '0.2']." + RUNTIME,
    "inputs": "Named inputs of the step (ProcessingInputs for processing; the Lambda or callback "
              "step's input values).",
    "outputs": "Named outputs of the step (ProcessingOutputConfig.Outputs for processing; declared output "
               "parameters and their types for Lambda and callback steps).",
    "source": "Where the data comes from: an s3:// URI or a ${...} reference (S3Uri); for a processing "
              "output, the local folder in the container that is uploaded (LocalPath).",
    "destination": "For an input, the folder in the container where it is placed (LocalPath, under "
                   "/opt/ml/processing/); for an output, the s3:// URI it is uploaded to (S3Uri; default "
                   "s3://BUCKET/PIPELINE/EXECUTION_ID/STEP/output/NAME).",
    "s3_data_type": "S3DataType: S3Prefix (every object under the prefix) or a manifest file.",
    "input_mode": "How the container reads the data (S3InputMode / InputMode): File, Pipe or FastFile.",
    "distribution": "S3DataDistributionType: FullyReplicated (every instance gets all data) or "
                    "ShardedByS3Key.",
    "compression": "Compression of the input data (S3CompressionType / CompressionType): None or Gzip.",
    "upload_mode": "When a processing output is uploaded (S3UploadMode): EndOfJob or Continuous.",
    "property_files": "JSON files a processing step writes that conditions and later steps read with "
                      "${files.NAME.json.path} (PropertyFiles, read with JsonGet).",
    "output": "Name of the processing output that holds the property file (PropertyFile.OutputName).",
    "path": "Path of the file inside that output (PropertyFile.FilePath), e.g. evaluation.json.",
    # training
    "algorithm": "A SageMaker built-in algorithm whose image is resolved from the SDK's registry, e.g. xgboost.",
    "algorithm_version": "Version of the built-in algorithm's image, e.g. 1.7-1.",
    "entry_point": "Script-mode training script (sagemaker_program), relative to source_dir or to the YAML file.",
    "source_dir": "Folder packed deterministically as sourcedir.tar.gz and uploaded content-addressed "
                  "(sagemaker_submit_directory).",
    "hyperparameters": "Hyperparameters (HyperParameters / StaticHyperParameters), NAME: value; e.g. "
                       "{max_depth: 5, eta: 0.2}." + RUNTIME,
    "channels": "Training input channels (InputDataConfig), NAME: S3 URI or {source, content_type, ...}; "
                "e.g. train: ${steps.DataProcessing.outputs.train}.",
    "content_type": "MIME type of the channel's data (ContentType), e.g. text/csv.",
    "output_path": "S3 prefix for the model artifacts (OutputDataConfig.S3OutputPath); default "
                   "s3://BUCKET/PIPELINE/STEP." + RUNTIME,
    "metric_definitions": "Metrics parsed from the training log (AlgorithmSpecification.MetricDefinitions).",
    "name": "A name.",
    "regex": "Regular expression with one group that captures the metric's value from the log, e.g. "
             "'validation-auc:([0-9\\.]+)'.",
    "enable_sagemaker_metrics": "Publish metrics as a time series (EnableSageMakerMetricsTimeSeries).",
    # job settings (mlpc.steps.job_settings)
    "use_spot": "Managed spot training (EnableManagedSpotTraining): true, or a Boolean ${params.X}; needs "
                "max_wait_seconds. Checkpoint with checkpoint: so an interrupted job resumes.",
    "max_wait_seconds": "With use_spot: the longest the job may take, waiting for spot capacity included "
                        "(StoppingCondition.MaxWaitTimeInSeconds); at least max_runtime_seconds.",
    "checkpoint": "Checkpoints SageMaker syncs to S3 and restores on restart (CheckpointConfig): {s3_uri, "
                  "local_path}; mlpc run --local restores and saves them in the local store too.",
    "debugger": "Debugger hook (DebugHookConfig): true (tensors under the job's output path, as the SDK's "
                "default hook), or {s3_output_path, local_path, hook_parameters, collections}. Off when absent.",
    "s3_output_path": "S3 prefix the data is written under (S3OutputPath); default: the job's output_path." + RUNTIME,
    "hook_parameters": "Debugger hook parameters (HookParameters), NAME: value, e.g. {save_interval: 100}.",
    "collections": "Tensor collections to save (CollectionConfigurations), NAME: {PARAMETER: value} or "
                   "NAME: null, e.g. {losses: null, weights: {save_interval: 50}}.",
    "profiler": "SageMaker Profiler (ProfilerConfig): true (system metrics under the job's output path, as the "
                "SDK's default), false (DisableProfiler: true), or {s3_output_path, interval_millis}. Nothing "
                "when absent.",
    "interval_millis": "How often system metrics are sampled, in ms (ProfilingIntervalInMilliseconds): 100, "
                       "200, 500, 1000, 5000 or 60000.",
    "distribution": "Distributed script-mode training, rendered as the SDK's PyTorch/TensorFlow/MXNet(distribution=) "
                    "hyperparameters: a strategy name (torch_distributed, pytorchddp, mpi, parameter_server, "
                    "multi_worker_mirrored_strategy) or {STRATEGY: options}; smdistributed takes {dataparallel: ...} "
                    "or {modelparallel: {parameters}} (the latter beside mpi or torch_distributed).",
    "torch_distributed": "torchrun on every instance (sagemaker_torch_distributed_enabled); PyTorch on GPU or "
                         "Trainium instances.",
    "pytorchddp": "PyTorch DDP through the SageMaker data parallel launcher (the SDK renders it as smdistributed "
                  "dataparallel); GPU instances.",
    "mpi": "MPI / Horovod (sagemaker_mpi_enabled): {processes_per_host, custom_mpi_options}.",
    "parameter_server": "Parameter servers (sagemaker_parameter_server_enabled); TensorFlow, MXNet, PyTorch.",
    "multi_worker_mirrored_strategy": "TensorFlow MultiWorkerMirroredStrategy "
                                      "(sagemaker_multi_worker_mirrored_strategy_enabled); TensorFlow 2.9 or later.",
    "smdistributed": "The SageMaker distributed training libraries: {dataparallel: {custom_mpi_options}} (SMDDP) or "
                     "{modelparallel: {parameters: {...}}} (SMP, with mpi or torch_distributed beside it).",
    "dataparallel": "SageMaker distributed data parallel (sagemaker_distributed_dataparallel_enabled); GPU instances.",
    "modelparallel": "SageMaker model parallel; its `parameters` become the mp_parameters hyperparameter (JSON).",
    "processes_per_host": "MPI processes per instance (sagemaker_mpi_num_of_processes_per_host), e.g. the GPUs per "
                          "instance.",
    "custom_mpi_options": "Extra mpirun options (sagemaker_mpi_custom_mpi_options; for data parallel, "
                          "sagemaker_distributed_dataparallel_custom_mpi_options), e.g. '-x NCCL_DEBUG=INFO'.",
    "model_dir": "TensorFlow script mode: the model_dir hyperparameter (where TensorFlow writes checkpoints). "
                 "Default: OUTPUT_PATH/<execution id>/model (/opt/ml/model under mpi); false for none; or an S3 URI."
                 + RUNTIME,
    # tuning
    "objective": "The metric the tuning job optimises (HyperParameterTuningJobObjective).",
    "metric": "Name of the objective metric, e.g. validation:auc.",
    "strategy": "For tuning, the search strategy (Bayesian, Random, Hyperband, Grid); for transform, the "
                "batch strategy (MultiRecord or SingleRecord).",
    "max_jobs": "Maximum number of training jobs the tuning job starts (MaxNumberOfTrainingJobs).",
    "max_parallel_jobs": "Maximum number of training jobs at once (MaxParallelTrainingJobs).",
    "early_stopping": "Early stopping of training jobs that are unlikely to win (TrainingJobEarlyStoppingType): Off or Auto.",
    "parameter_ranges": "Hyperparameters to tune and their ranges (ParameterRanges), NAME: {type, min, max | values}.",
    "min": "Lower bound of a continuous or integer range (MinValue).",
    "max": "Upper bound of a continuous or integer range (MaxValue).",
    "values": "The values of a categorical range (Values).",
    "scaling": "How the range is searched (ScalingType): Auto, Linear, Logarithmic, ReverseLogarithmic.",
    # transform
    "model_name": "The SageMaker model to run (ModelName), e.g. a model created outside the pipeline; give "
                  "this or `model:`." + RUNTIME,
    "input": "The batch transform input (TransformInput).",
    "data": "S3 URI of the data to transform (TransformInput.DataSource.S3DataSource.S3Uri)." + RUNTIME,
    "split_type": "How input files are split into records (SplitType): None, Line, RecordIO, TFRecord.",
    "accept": "MIME type of the transform output (TransformOutput.Accept), e.g. text/csv.",
    "assemble_with": "How output records are joined (TransformOutput.AssembleWith): None or Line.",
    "data_processing": "Input/output filtering and joining (DataProcessing).",
    "input_filter": "JSONPath selecting the part of each input record sent to the model (InputFilter), e.g. $[1:].",
    "output_filter": "JSONPath selecting the part of the joined record to keep (OutputFilter).",
    "join_source": "Join the input record with the prediction (JoinSource): Input or None.",
    "max_payload_mb": "Maximum payload size per request in MB (MaxPayloadInMB).",
    "max_concurrent_transforms": "Parallel requests per instance (MaxConcurrentTransforms).",
    # model / register
    "model_data": "S3 URI of the model artifacts (ModelDataUrl), usually ${steps.Train.model_data}." + RUNTIME,
    "model_package_group": "Model Registry group the version is registered in (ModelPackageGroupName), "
                           "e.g. breast-cancer-models." + RUNTIME,
    "approval_status": "Initial approval status of the new version (ModelApprovalStatus): "
                       "PendingManualApproval, Approved or Rejected." + RUNTIME,
    "content_types": "MIME types the model accepts for inference (SupportedContentTypes), e.g. [text/csv].",
    "response_types": "MIME types the model returns (SupportedResponseMIMETypes), e.g. [text/csv].",
    "inference_instances": "Instance types for real-time inference (SupportedRealtimeInferenceInstanceTypes).",
    "transform_instances": "Instance types for batch transform (SupportedTransformInstanceTypes).",
    "model_metrics": "Evidence attached to the model version (ModelMetrics): model_statistics, "
                     "model_constraints, data_statistics, data_constraints, bias, explainability.",
    "s3_uri": "S3 URI of the report (MetricsSource.S3Uri)." + RUNTIME,
    "customer_metadata": "Free key/value metadata on the model version (CustomerMetadataProperties), "
                         "e.g. {git_commit: '${params.GitCommit}'}.",
    "domain": "ML domain of the model (Domain), e.g. MACHINE_LEARNING.",
    "task": "ML task of the model (Task), e.g. CLASSIFICATION.",
    "sample_payload_url": "S3 URI of a sample payload (SamplePayloadUrl)." + RUNTIME,
    # condition / fail / lambda / callback
    "if": "The condition, in mlpc's expression language: comparisons (>=, >, <=, <, ==, !=, in, not in), "
          "and/or/not, parentheses; e.g. files.EvaluationReport.metrics.accuracy.value >= params.AccuracyThreshold.",
    "then": "Steps that run when the condition is true (IfSteps).",
    "else": "Steps that run when the condition is false (ElseSteps).",
    "message": "The error message the fail step ends the execution with (ErrorMessage)." + RUNTIME,
    "function_arn": "ARN of the Lambda function the step invokes (FunctionArn).",
    "timeout_seconds": "How long the Lambda step waits, in seconds (1-900).",
    "sqs_queue_url": "URL of the SQS queue the callback step sends its token to (SqsQueueUrl).",
    # top level
    "lint": "Settings for `mlpc lint` in this file: waivers of accepted findings, each with a reason.",
    "vars": "Compile-time template variables ({{ name }}) and their defaults; override with --var and --vars-file.",
    "pipeline": "The pipeline itself: name, role, bucket, region, tags.",
    "role": "IAM role ARN the pipeline's jobs run as (RoleArn), e.g. arn:aws:iam::123456789012:role/SageMakerRole.",
    "bucket": "S3 bucket (no s3:// prefix) for code uploads and default outputs, e.g. my-ml-artifacts.",
    "region": "AWS region the pipeline is compiled for (image URIs are regional), e.g. us-east-1.",
    "tags": "Tags on the job a step starts (the Create* request's Tags, [{Key, Value}] as the SDK's tags=), "
            "KEY: value." + RUNTIME,
    "pipeline.tags": "Tags put on the pipeline, KEY: value (CreatePipeline Tags; not copied to its jobs: give a "
                     "step its own tags:).",
    "max_parallel_steps": "At most this many steps of an execution run at once (the pipeline's "
                          "ParallelismConfiguration.MaxParallelExecutionSteps, sent with CreatePipeline / "
                          "UpdatePipeline as the SDK's parallelism_config; mlpc run --local honours it too).",
    "local": "Settings for `mlpc run --local` only.",
    "parameters": "Pipeline parameters, NAME: {type, default, enum}; overridden per execution "
                  "(--param NAME=VALUE), read with ${params.NAME}.",
    "default": "The parameter's default value (DefaultValue), of the declared type.",
    "enum": "The values the parameter may take (EnumValues).",
    "steps": "The steps, NAME: {type, ...}; order does not matter, dependencies come from references, "
             "depends_on and condition branches.",
    "schedules": "EventBridge Scheduler schedules that start the pipeline, NAME: {expression, ...}; "
                 "created, updated and removed by `mlpc upsert`.",
    "expression": "Schedule expression: cron(minutes hours day-of-month month day-of-week year), "
                  "rate(N unit) or at(yyyy-mm-ddThh:mm:ss), e.g. cron(0 6 * * ? *).",
    "timezone": "IANA time zone the schedule expression is evaluated in, e.g. Europe/Berlin (default UTC).",
}

BY_PATH = {
    "modelparallel.parameters": "SageMaker model parallel configuration (partitions, microbatches, pipeline, ddp, ...), "
                                "checked as the SDK's validate_mp_config does; literal values only.",
    "training.checkpoint.s3_uri": "S3 prefix the checkpoints are synced to (CheckpointConfig.S3Uri)." + RUNTIME,
    "tuning.checkpoint.s3_uri": "S3 prefix the trials' checkpoints are synced to (CheckpointConfig.S3Uri)." + RUNTIME,
    "training.checkpoint.local_path": "Checkpoint folder in the container (CheckpointConfig.LocalPath); default "
                                      "/opt/ml/checkpoints.",
    "tuning.checkpoint.local_path": "Checkpoint folder in the container (CheckpointConfig.LocalPath); default "
                                    "/opt/ml/checkpoints.",
    "training.debugger.local_path": "Where the hook writes tensors in the container before they are uploaded "
                                    "(DebugHookConfig.LocalPath).",
    # reuse (mlpc.reuse; README "Reuse across steps and pipelines")
    "include": "Files merged in before this one (partial pipeline documents: vars, pipeline, parameters, "
               "defaults, steps, ...), in order; this file's own fields win. Paths are relative to this file and "
               "stay in the project, e.g. [../fragments/team.yaml].",
    "defaults": "Fields every step of a type starts from, per step type, e.g. {training: {instance_type: "
                "ml.m5.xlarge, retry: [...]}}; a step's own fields override them (mappings merge key by key, "
                "lists and scalars replace).",
    "extends": "Fragment files (partial steps) this step is built on, e.g. ../fragments/xgboost-train.yaml: "
               "the type's defaults, then the fragments in order, then the step's own fields. Paths are "
               "relative to the file that writes them.",
    "omit": "Top-level fields this step does not inherit from defaults or extends, e.g. [retry, cache].",
    # bare names here override the short descriptions written in gen_schema.py
    "code": BY_NAME.pop("code"),
    "algorithm": BY_NAME.pop("algorithm"),
    "expire_after": BY_NAME.pop("expire_after"),
    "expression": BY_NAME.pop("expression"),
    "pipeline.name": "Pipeline name in SageMaker (PipelineName): letters, digits and hyphens, e.g. breast-cancer.",
    "pipeline.description": "Pipeline description (PipelineDescription).",
    "pipeline.display_name": "Pipeline display name (PipelineDisplayName).",
    "pipeline.local.data": "Seed data for local runs: s3:// URI -> local path (relative to this file), "
                           "copied into the local store by `mlpc run --local`.",
    "parameters.*.type": "Parameter type: String, Integer, Float or Boolean.",
    "parameters.*.description": "What the parameter is for (documentation only).",
    "parameters.*.allow_unused": "true: the parameter is declared on purpose though no step reads it (e.g. callers pass it "
                                 "and only the execution's record keeps it); silences the unused-parameter warning (M041).",
    "notifications": "Alerts: EventBridge rules that send this pipeline's SageMaker events to SNS topics, "
                     "NAME: {topics, events}; created, updated and removed by `mlpc upsert`.",
    "notifications.*.topics": "SNS topic ARNs the events are sent to (1-5 rule targets), e.g. "
                              "[arn:aws:sns:us-east-1:123456789012:ml-alerts].",
    "notifications.*.events": "Which events: execution_failed, execution_succeeded, execution_stopped, step_failed, "
                              "model_pending_approval, model_approved, model_rejected.",
    "notifications.*.enabled": "Whether the rules are enabled (State; true by default).",
    "notifications.*.description": "Description of the EventBridge rules.",
    "schedules.*.parameters": "Parameter values the scheduled executions start with, NAME: value.",
    "schedules.*.enabled": "Whether the schedule is active (true by default).",
    "schedules.*.description": "Description of the schedule.",
    "metric_definitions.[].name": "Metric name, e.g. validation:auc.",
    "cache.enabled": "Turn step caching on or off (CacheConfig.Enabled).",
    "outputs.*.source": "Folder in the container whose files are uploaded (S3Output.LocalPath), under "
                        "/opt/ml/processing/, e.g. /opt/ml/processing/train.",
    "training.metric_definitions.[].name": "Metric name, e.g. validation:auc.",
    "tuning.metric_definitions.[].name": "Metric name, e.g. validation:auc.",
    "tuning.parameter_ranges.*.type": "Range type: continuous, integer or categorical.",
    "transform.output": "Where and how the transform output is written (TransformOutput).",
    "transform.output.path": "S3 URI the transform output is written to (TransformOutput.S3OutputPath)." + RUNTIME,
    "transform.environment": "Environment variables of the transform job (Environment).",
    "transform.input.content_type": "MIME type of the input data (TransformInput.ContentType), e.g. text/csv.",
    "transform.input.compression": "Compression of the input (TransformInput.CompressionType): None or Gzip.",
    "transform.input.s3_data_type": "S3DataType of the input: S3Prefix or a manifest.",
    "model.instance_type": "Instance type used to pick the framework image (cpu or gpu variant).",
    "transform.model": "Name of a `model` step whose model this job runs: ModelName becomes that step's "
                       "ModelName property (a data dependency), as the SDK's Transformer(model_name="
                       "step.properties.ModelName). Give this or model_name.",
    "register_model.model": "Name of a `model` step whose container this version registers (image, model data, "
                            "environment, script-mode code), as the SDK's model.register(): the model is defined "
                            "once. Give this or the container fields (image/algorithm/framework, model_data, ...), "
                            "not both.",
    "register_model.instance_type": "Instance type used to pick the framework image (cpu or gpu variant).",
    "register_model.model_metrics.*.content_type": "MIME type of the report (MetricsSource.ContentType), "
                                                   "default application/json.",
    "lambda.inputs": "Input values passed to the Lambda function (Arguments), NAME: value." + RUNTIME,
    "callback.inputs": "Input values sent with the callback token (Arguments), NAME: value." + RUNTIME,
    "lambda.outputs": "Outputs the Lambda function returns, NAME: String | Integer | Float | Boolean (OutputParameters).",
    "callback.outputs": "Outputs the callback returns, NAME: String | Integer | Float | Boolean (OutputParameters).",
}


def describe(path: tuple, existing: str | None = None) -> str | None:
    """The description for a property at `path` (its last element is the property name): a
    BY_PATH entry (longest matching suffix), else the description written in gen_schema.py,
    else the BY_NAME entry."""
    for n in range(len(path)):
        key = ".".join(path[n:])
        if key in BY_PATH:
            return BY_PATH[key]
    return existing or BY_NAME.get(path[-1])
