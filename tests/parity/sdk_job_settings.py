"""tests/parity/fixtures/job_settings.yaml, written by hand with the SageMaker Python SDK v2.

The oracle for job settings: estimators with use_spot_instances / max_wait / checkpoint_s3_uri /
checkpoint_local_path, DebuggerHookConfig and ProfilerConfig, PyTorch estimators with
`distribution=`, a tuner whose estimator uses spot, and tags= on the processor, estimators, tuner,
model and transformer. Steps whose YAML asks for no Debugger/Profiler get the SDK's own defaults,
which the parity test drops (difference "debugger-profiler"); the step that asks for
`debugger: true, profiler: true` is compared with those defaults as they are.
"""

from __future__ import annotations

from sdk_pipelines import BUCKET, ROLE, SCRIPTS, mlpc_output_path

NAME = "job-settings"
XGBOOST = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
TEAM = [{"Key": "team", "Value": "ml-platform"}]


def job_settings(session):
    from sagemaker.debugger import CollectionConfig, DebuggerHookConfig, ProfilerConfig
    from sagemaker.estimator import Estimator
    from sagemaker.inputs import TrainingInput
    from sagemaker.model import Model
    from sagemaker.processing import ProcessingInput, ProcessingOutput
    from sagemaker.pytorch import PyTorch
    from sagemaker.sklearn import SKLearn
    from sagemaker.sklearn.processing import SKLearnProcessor
    from sagemaker.transformer import Transformer
    from sagemaker.tuner import HyperparameterTuner, IntegerParameter
    from sagemaker.workflow.model_step import ModelStep
    from sagemaker.workflow.parameters import ParameterBoolean, ParameterString
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.steps import ProcessingStep, TrainingStep, TransformStep, TuningStep

    input_data = ParameterString("InputData", default_value=f"s3://{BUCKET}/breast-cancer/raw/")
    use_spot = ParameterBoolean("UseSpot", default_value=True)
    team = ParameterString("Team", default_value="ml-platform")

    pre = SKLearnProcessor(framework_version="1.2-1", role=ROLE, instance_type="ml.m5.large", instance_count=1,
                           tags=[{"Key": "team", "Value": team}, {"Key": "cost-center", "Value": "42"}],
                           sagemaker_session=session)
    step_pre = ProcessingStep("Preprocess", step_args=pre.run(
        code=str(SCRIPTS / "preprocess.py"),
        inputs=[ProcessingInput(source=input_data, destination="/opt/ml/processing/input", input_name="raw")],
        outputs=[ProcessingOutput(output_name=n, source=f"/opt/ml/processing/{n}") for n in ("train", "test")]))
    train_uri = step_pre.properties.ProcessingOutputConfig.Outputs["train"].S3Output.S3Uri
    test_uri = step_pre.properties.ProcessingOutputConfig.Outputs["test"].S3Output.S3Uri
    csv = {"train": TrainingInput(train_uri, content_type="text/csv")}
    hps = {"objective": "binary:logistic", "num_round": 10}

    spot = Estimator(image_uri=XGBOOST, role=ROLE, instance_type="ml.m5.xlarge", instance_count=1,
                     output_path=mlpc_output_path(NAME, "TrainSpot"), hyperparameters=hps, max_run=3600,
                     use_spot_instances=True, max_wait=7200,
                     checkpoint_s3_uri=f"s3://{BUCKET}/checkpoints/TrainSpot", checkpoint_local_path="/opt/ml/checkpoints",
                     debugger_hook_config=DebuggerHookConfig(
                         s3_output_path=f"s3://{BUCKET}/debug", hook_parameters={"save_interval": "100"},
                         collection_configs=[CollectionConfig("losses"),
                                             CollectionConfig("metrics", parameters={"save_interval": "10"})]),
                     profiler_config=ProfilerConfig(s3_output_path=f"s3://{BUCKET}/profiler",
                                                    system_monitor_interval_millis=500),
                     tags=TEAM, sagemaker_session=session)
    step_spot = TrainingStep("TrainSpot", step_args=spot.fit(csv))

    defaults = Estimator(image_uri=XGBOOST, role=ROLE, instance_type="ml.m5.xlarge", instance_count=1,
                         output_path=mlpc_output_path(NAME, "TrainDefaults"), hyperparameters=hps,
                         use_spot_instances=use_spot, max_wait=172800,
                         checkpoint_s3_uri=f"s3://{BUCKET}/checkpoints/TrainDefaults", sagemaker_session=session)
    step_defaults = TrainingStep("TrainDefaults", step_args=defaults.fit(csv))

    def torch(step, distribution, instance_type, count, hyperparameters=None, **kw):
        return PyTorch(entry_point="train_sklearn.py", source_dir=str(SCRIPTS), framework_version="2.0.1",
                       py_version="py310", role=ROLE, instance_type=instance_type, instance_count=count,
                       output_path=mlpc_output_path(NAME, step), distribution=distribution,
                       hyperparameters=hyperparameters, sagemaker_session=session, **kw)

    step_torch = TrainingStep("TrainTorch", step_args=torch(
        "TrainTorch", {"torch_distributed": {"enabled": True}}, "ml.p3.16xlarge", 2, {"epochs": 3},
        disable_profiler=True).fit({"train": train_uri}))
    step_mpi = TrainingStep("TrainMpi", step_args=torch(
        "TrainMpi", {"mpi": {"enabled": True, "processes_per_host": 4, "custom_mpi_options": "-x NCCL_DEBUG=INFO"}},
        "ml.c5.2xlarge", 2).fit({"train": train_uri}))
    step_ps = TrainingStep("TrainParameterServer", step_args=torch(
        "TrainParameterServer", {"parameter_server": {"enabled": True}}, "ml.c5.2xlarge", 3).fit({"train": train_uri}))

    tuned = SKLearn(entry_point="train_sklearn.py", source_dir=str(SCRIPTS), framework_version="1.2-1", role=ROLE,
                    instance_type="ml.m5.xlarge", instance_count=1, output_path=mlpc_output_path(NAME, "Tune"),
                    max_run=3600, use_spot_instances=True, max_wait=3600,
                    checkpoint_s3_uri=f"s3://{BUCKET}/checkpoints/Tune", checkpoint_local_path="/opt/ml/checkpoints",
                    sagemaker_session=session)
    metrics = [{"Name": "validation:accuracy", "Regex": "validation:accuracy=([0-9\\.]+)"}]
    tuner = HyperparameterTuner(tuned, objective_metric_name="validation:accuracy", objective_type="Maximize",
                                metric_definitions=metrics, strategy="Random",
                                hyperparameter_ranges={"max-depth": IntegerParameter(2, 12)},
                                max_jobs=4, max_parallel_jobs=2, tags=TEAM)
    step_tune = TuningStep("Tune", step_args=tuner.fit({"train": train_uri}))

    model = Model(image_uri=XGBOOST, model_data=step_spot.properties.ModelArtifacts.S3ModelArtifacts, role=ROLE,
                  env={"MODEL_SERVER_WORKERS": "1"}, sagemaker_session=session)
    step_model = ModelStep("CreateModel", step_args=model.create(instance_type="ml.m5.large", tags=TEAM))

    transformer = Transformer(model_name=step_model.properties.ModelName, instance_type="ml.m5.large",
                              instance_count=1, tags=TEAM, sagemaker_session=session)
    step_score = TransformStep("BatchScore", step_args=transformer.transform(
        data=test_uri, content_type="text/csv", split_type="Line"))

    return Pipeline(NAME, parameters=[input_data, use_spot, team],
                    steps=[step_pre, step_spot, step_defaults, step_torch, step_mpi, step_ps, step_tune, step_model,
                           step_score],
                    sagemaker_session=session)
