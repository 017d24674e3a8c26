"""The two example pipelines, written by hand with the SageMaker Python SDK v2.

Each builder mirrors one YAML file in pipelines/ value for value. It is the oracle:
written the way the SDK's documentation writes pipelines, so when a YAML file
changes, the builder has to change with it.

One choice follows mlpc's documented default instead of the SDK's (see
"default-output-path" in test_sdk_parity.py): script-mode estimators get mlpc's
default output path.
"""

from __future__ import annotations

from pathlib import Path

BUCKET = "mlpc-example-artifacts"  # the examples' `bucket` template default
REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/SageMakerPipelineRole"
SCRIPTS = Path(__file__).resolve().parents[2] / "step_scripts"


def mlpc_output_path(pipeline: str, step: str) -> str:
    """mlpc's default for a training or tuning step without `output_path` (difference "default-output-path")."""
    return f"s3://{BUCKET}/{pipeline}/{step}"


def breast_cancer(session):
    """pipelines/breast-cancer.yaml"""
    from sagemaker import image_uris
    from sagemaker.estimator import Estimator
    from sagemaker.inputs import TrainingInput
    from sagemaker.model_metrics import MetricsSource, ModelMetrics
    from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
    from sagemaker.sklearn.processing import SKLearnProcessor
    from sagemaker.workflow.condition_step import ConditionStep
    from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
    from sagemaker.workflow.fail_step import FailStep
    from sagemaker.workflow.functions import Join, JsonGet
    from sagemaker.workflow.parameters import ParameterFloat, ParameterInteger, ParameterString
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.properties import PropertyFile
    from sagemaker.workflow.step_collections import RegisterModel
    from sagemaker.workflow.steps import CacheConfig, ProcessingStep, TrainingStep

    count = ParameterInteger("ProcessingInstanceCount", default_value=1)
    train_type = ParameterString("TrainingInstanceType", default_value="ml.m5.xlarge",
                                 enum_values=["ml.m5.xlarge", "ml.m5.2xlarge", "ml.m5.4xlarge"])
    input_data = ParameterString("InputData", default_value=f"s3://{BUCKET}/breast-cancer/raw/")
    threshold = ParameterFloat("AccuracyThreshold", default_value=0.8)
    approval = ParameterString("ModelApprovalStatus", default_value="PendingManualApproval",
                               enum_values=["PendingManualApproval", "Approved"])
    git_commit = ParameterString("GitCommit", default_value="unknown")
    cache = CacheConfig(enable_caching=True, expire_after="P30D")

    preprocess = SKLearnProcessor(framework_version="1.2-1", role=ROLE, instance_type="ml.m5.large",
                                  instance_count=count, sagemaker_session=session)
    step_process = ProcessingStep("DataProcessing", cache_config=cache, step_args=preprocess.run(
        code=str(SCRIPTS / "preprocess.py"),
        arguments=["--train-ratio", "0.7", "--validation-ratio", "0.15"],
        inputs=[ProcessingInput(source=input_data, destination="/opt/ml/processing/input", input_name="raw")],
        outputs=[ProcessingOutput(output_name=n, source=f"/opt/ml/processing/{n}")
                 for n in ("train", "validation", "test")],
    ))
    outputs = step_process.properties.ProcessingOutputConfig.Outputs

    xgboost = image_uris.retrieve("xgboost", REGION, "1.7-1")
    estimator = Estimator(image_uri=xgboost, role=ROLE, instance_type=train_type, instance_count=1,
                          output_path=f"s3://{BUCKET}/breast-cancer/models", sagemaker_session=session,
                          hyperparameters={"objective": "binary:logistic", "eval_metric": "auc", "num_round": 50,
                                           "max_depth": 4, "eta": 0.2, "subsample": 0.8})
    step_train = TrainingStep("ModelTraining", cache_config=cache, step_args=estimator.fit({
        "train": TrainingInput(outputs["train"].S3Output.S3Uri, content_type="text/csv"),
        "validation": TrainingInput(outputs["validation"].S3Output.S3Uri, content_type="text/csv"),
    }))
    model_data = step_train.properties.ModelArtifacts.S3ModelArtifacts

    evaluate = ScriptProcessor(image_uri=xgboost, command=["python3"], role=ROLE, instance_type="ml.m5.large",
                               instance_count=1, sagemaker_session=session)
    report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    step_eval = ProcessingStep("ModelEvaluation", property_files=[report], cache_config=cache, step_args=evaluate.run(
        code=str(SCRIPTS / "evaluate.py"),
        inputs=[ProcessingInput(source=model_data, destination="/opt/ml/processing/model", input_name="model"),
                ProcessingInput(source=outputs["test"].S3Output.S3Uri, destination="/opt/ml/processing/test",
                                input_name="test")],
        outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
    ))

    evaluation_uri = step_eval.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri
    register = RegisterModel(
        name="RegisterModel", estimator=estimator, image_uri=xgboost, model_data=model_data,
        content_types=["text/csv"], response_types=["text/csv"],
        inference_instances=["ml.t2.medium", "ml.m5.large"], transform_instances=["ml.m5.large"],
        model_package_group_name="breast-cancer-models", approval_status=approval,
        model_metrics=ModelMetrics(model_statistics=MetricsSource(
            content_type="application/json", s3_uri=Join(on="", values=[evaluation_uri, "/evaluation.json"]))),
        customer_metadata_properties={"source": "mlpc", "git_commit": git_commit},
    )
    fail = FailStep("AccuracyTooLow", error_message=Join(on="", values=[
        "Model accuracy is below the threshold of ", threshold]))
    accuracy = JsonGet(step_name=step_eval.name, property_file=report, json_path="metrics.accuracy.value")
    check = ConditionStep("CheckAccuracy", conditions=[ConditionGreaterThanOrEqualTo(left=accuracy, right=threshold)],
                          if_steps=[register], else_steps=[fail])
    return Pipeline("breast-cancer", parameters=[count, train_type, input_data, threshold, approval, git_commit],
                    steps=[step_process, step_train, step_eval, check], sagemaker_session=session)


def sklearn_tuning(session):
    """pipelines/sklearn-tuning.yaml"""
    from sagemaker.inputs import TrainingInput
    from sagemaker.model_metrics import MetricsSource, ModelMetrics
    from sagemaker.processing import ProcessingInput, ProcessingOutput
    from sagemaker.sklearn import SKLearn, SKLearnModel
    from sagemaker.sklearn.processing import SKLearnProcessor
    from sagemaker.transformer import Transformer
    from sagemaker.tuner import HyperparameterTuner, IntegerParameter
    from sagemaker.workflow.condition_step import ConditionStep
    from sagemaker.workflow.conditions import ConditionEquals, ConditionGreaterThanOrEqualTo
    from sagemaker.workflow.execution_variables import ExecutionVariables
    from sagemaker.workflow.fail_step import FailStep
    from sagemaker.workflow.functions import Join, JsonGet
    from sagemaker.workflow.model_step import ModelStep
    from sagemaker.workflow.parameters import ParameterBoolean, ParameterFloat, ParameterInteger, ParameterString
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.properties import PropertyFile
    from sagemaker.workflow.retry import (SageMakerJobExceptionTypeEnum, SageMakerJobStepRetryPolicy,
                                          StepExceptionTypeEnum, StepRetryPolicy)
    from sagemaker.workflow.steps import CacheConfig, ProcessingStep, TrainingStep, TransformStep, TuningStep

    name, version = "breast-cancer-sklearn", "1.2-1"
    input_data = ParameterString("InputData", default_value=f"s3://{BUCKET}/breast-cancer/raw/")
    n_estimators = ParameterInteger("NEstimators", default_value=100)
    max_jobs = ParameterInteger("MaxTuningJobs", default_value=6)
    f1_threshold = ParameterFloat("F1Threshold", default_value=0.9)
    use_tuning = ParameterBoolean("UseTuning", default_value=True)

    def processor():
        return SKLearnProcessor(framework_version=version, role=ROLE, instance_type="ml.m5.large", instance_count=1,
                                sagemaker_session=session)

    step_pre = ProcessingStep(
        "Preprocess", cache_config=CacheConfig(enable_caching=True, expire_after="P7D"),
        retry_policies=[
            StepRetryPolicy(exception_types=[StepExceptionTypeEnum.SERVICE_FAULT, StepExceptionTypeEnum.THROTTLING],
                            max_attempts=3, interval_seconds=5, backoff_rate=2.0),
            SageMakerJobStepRetryPolicy(exception_types=[SageMakerJobExceptionTypeEnum.CAPACITY_ERROR,
                                                         SageMakerJobExceptionTypeEnum.INTERNAL_ERROR],
                                        expire_after_mins=120),
        ],
        step_args=processor().run(
            code=str(SCRIPTS / "preprocess.py"), arguments=["--standardize"],
            inputs=[ProcessingInput(source=input_data, destination="/opt/ml/processing/input", input_name="raw")],
            outputs=[ProcessingOutput(output_name=n, source=f"/opt/ml/processing/{n}")
                     for n in ("train", "validation", "test")],
        ))
    outputs = step_pre.properties.ProcessingOutputConfig.Outputs
    train_uri, validation_uri = outputs["train"].S3Output.S3Uri, outputs["validation"].S3Output.S3Uri
    metrics = [{"Name": "validation:accuracy", "Regex": "validation:accuracy=([0-9\\.]+)"}]

    def estimator(step: str, hyperparameters: dict):
        return SKLearn(entry_point="train_sklearn.py", source_dir=str(SCRIPTS), framework_version=version, role=ROLE,
                       instance_type="ml.m5.xlarge", instance_count=1, hyperparameters=hyperparameters,
                       metric_definitions=metrics, output_path=mlpc_output_path(name, step), sagemaker_session=session)

    tuner = HyperparameterTuner(
        estimator("Tune", {"random-state": 42}), objective_metric_name="validation:accuracy", objective_type="Maximize",
        hyperparameter_ranges={"n-estimators": IntegerParameter(20, 200), "max-depth": IntegerParameter(2, 12)},
        metric_definitions=metrics, strategy="Random", max_jobs=max_jobs, max_parallel_jobs=2)
    step_tune = TuningStep("Tune", cache_config=CacheConfig(enable_caching=True), step_args=tuner.fit({
        "train": TrainingInput(train_uri, content_type="text/csv"),
        "validation": TrainingInput(validation_uri, content_type="text/csv"),
    }))
    step_train = TrainingStep(
        "Train", display_name="Final RandomForest",
        description="Train the final model on train + validation with the chosen size",
        depends_on=[step_tune], cache_config=CacheConfig(enable_caching=True, expire_after="P7D"),
        retry_policies=[SageMakerJobStepRetryPolicy(exception_types=[SageMakerJobExceptionTypeEnum.INTERNAL_ERROR],
                                                    max_attempts=2)],
        step_args=estimator("Train", {"n-estimators": n_estimators, "max-depth": 8}).fit(
            {"train": train_uri, "validation": validation_uri}))
    model_data = step_train.properties.ModelArtifacts.S3ModelArtifacts

    report = PropertyFile(name="SklearnEvaluation", output_name="evaluation", path="evaluation.json")
    step_eval = ProcessingStep("Evaluate", property_files=[report], step_args=processor().run(
        code=str(SCRIPTS / "evaluate_sklearn.py"),
        inputs=[ProcessingInput(source=model_data, destination="/opt/ml/processing/model", input_name="model"),
                ProcessingInput(source=outputs["test"].S3Output.S3Uri, destination="/opt/ml/processing/test",
                                input_name="test")],
        outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
    ))

    def model():
        return SKLearnModel(model_data=model_data, role=ROLE, entry_point="train_sklearn.py", source_dir=str(SCRIPTS),
                            framework_version=version, sagemaker_session=session)

    step_model = ModelStep("CreateModel", step_args=model().create(instance_type="ml.m5.large"))
    transformer = Transformer(model_name=step_model.properties.ModelName, instance_type="ml.m5.large",
                              instance_count=1, accept="text/csv", assemble_with="Line", strategy="MultiRecord",
                              sagemaker_session=session)
    step_score = TransformStep("BatchScore", cache_config=CacheConfig(enable_caching=True, expire_after="P1D"),
                               step_args=transformer.transform(data=outputs["test"].S3Output.S3Uri,
                                                               content_type="text/csv", split_type="Line",
                                                               input_filter="$[1:]"))

    evaluation_uri = step_eval.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri
    step_register = ModelStep("Register", depends_on=[step_score], step_args=model().register(
        content_types=["text/csv"], response_types=["text/csv"], inference_instances=["ml.m5.large"],
        transform_instances=["ml.m5.large"], model_package_group_name="breast-cancer-sklearn",
        approval_status="PendingManualApproval",
        model_metrics=ModelMetrics(model_statistics=MetricsSource(
            content_type="application/json", s3_uri=Join(on="", values=[evaluation_uri, "/evaluation.json"]))),
    ))
    f1 = JsonGet(step_name=step_eval.name, property_file=report, json_path="metrics.f1.value")
    fail = FailStep("F1TooLow", error_message=Join(on="", values=[
        "F1 ", f1, " is below ", f1_threshold, " (execution ", ExecutionVariables.PIPELINE_EXECUTION_ID, ")"]))
    check = ConditionStep("CheckF1", conditions=[ConditionGreaterThanOrEqualTo(left=f1, right=f1_threshold),
                                                 ConditionEquals(left=use_tuning, right=True)],
                          if_steps=[step_register], else_steps=[fail])
    return Pipeline(name, parameters=[input_data, n_estimators, max_jobs, f1_threshold, use_tuning],
                    steps=[step_pre, step_tune, step_train, step_eval, step_model, step_score, check],
                    sagemaker_session=session)


BUILDERS = {"breast-cancer": breast_cancer, "sklearn-tuning": sklearn_tuning}
