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

    # One model, created (for the transform) and registered: the YAML's `model: CreateModel`.
    model = SKLearnModel(model_data=model_data, role=ROLE, entry_point="train_sklearn.py", source_dir=str(SCRIPTS),
                         framework_version=version, sagemaker_session=session)
    step_model = ModelStep("CreateModel", step_args=model.create(instance_type="ml.m5.large"))
    transformer = Transformer(model_name=step_model.properties.ModelName, instance_type="ml.m5.large",
                              instance_count=1, accept="text/csv", assemble_with="Line", strategy="MultiRecord",
                              sagemaker_session=session)
    step_score = TransformStep("BatchScore", cache_config=CacheConfig(enable_caching=True, expire_after="P1D"),
                               step_args=transformer.transform(data=outputs["test"].S3Output.S3Uri,
                                                               content_type="text/csv", split_type="Line",
                                                               input_filter="$[1:]"))

    evaluation_uri = step_eval.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri
    step_register = ModelStep("Register", depends_on=[step_score], step_args=model.register(
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


CREDIT_HEADERS = ["default", "age", "sex", "income", "loan_amount", "credit_history_months", "num_open_accounts"]
CREDIT_CARD = {  # the model card content of pipelines/credit-risk.yaml, in the YAML's order
    "model_overview": {
        "model_description": "Predicts whether a loan applicant defaults (built-in XGBoost, binary:logistic).",
        "model_owner": "credit-risk team",
        "problem_type": "Binary classification",
        "algorithm_type": "Gradient boosted trees (XGBoost 1.7-1)",
    },
    "intended_uses": {
        "purpose_of_model": "Rank loan applications by default risk for a human underwriter.",
        "intended_uses": "Decision support only; every decline is reviewed by an underwriter.",
        "factors_affecting_model_efficiency": "Trained on synthetic data with a bias against one sex built in.",
        "risk_rating": "High",
        "explanations_for_risk_rating": "Credit decisions affect people; the EU AI Act lists creditworthiness "
                                        "assessment as high-risk (Annex III).",
    },
    "business_details": {
        "business_problem": "Reduce losses from defaulted loans without unfair treatment of applicants.",
        "business_stakeholders": "Credit risk, compliance, underwriting",
        "line_of_business": "Consumer lending",
    },
    "training_details": {
        "objective_function": {"function": {"function": "Minimize", "facet": "Loss"},
                               "notes": "binary:logistic; AUC is watched on the validation channel"},
        "training_observations": "Direct identifiers are dropped or pseudonymised (keyed HMAC) before training.",
    },
    "evaluation_details": [{
        "name": "holdout-test",
        "evaluation_observation": "Accuracy and AUC on the held-out test split; see the model quality metrics.",
        "metadata": {"dataset": "pipelines/data/credit-risk.csv (synthetic)"},
    }],
    "additional_information": {
        "ethical_considerations": "The data bias check (DataBiasCheck) reports pre-training bias on sex; the "
                                  "dataset has it on purpose, to show the report finding it.",
        "caveats_and_recommendations": "Not for production lending decisions.",
        "custom_details": {"regulation": "EU AI Act, Annex III 5(b)"},
    },
}


def credit_risk(session):
    """pipelines/credit-risk.yaml"""
    from sagemaker import image_uris
    from sagemaker.clarify import BiasConfig, DataConfig, ModelConfig, SHAPConfig
    from sagemaker.drift_check_baselines import DriftCheckBaselines
    from sagemaker.estimator import Estimator
    from sagemaker.inputs import TrainingInput
    from sagemaker.model import Model
    from sagemaker.model_card import ModelPackageModelCard
    from sagemaker.model_metrics import MetricsSource, ModelMetrics
    from sagemaker.model_monitor.dataset_format import DatasetFormat
    from sagemaker.network import NetworkConfig
    from sagemaker.processing import ProcessingInput, ProcessingOutput, ScriptProcessor
    from sagemaker.sklearn.processing import SKLearnProcessor
    from sagemaker.workflow.check_job_config import CheckJobConfig
    from sagemaker.workflow.clarify_check_step import (ClarifyCheckStep, DataBiasCheckConfig,
                                                       ModelExplainabilityCheckConfig)
    from sagemaker.workflow.condition_step import ConditionStep
    from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
    from sagemaker.workflow.execution_variables import ExecutionVariables
    from sagemaker.workflow.fail_step import FailStep
    from sagemaker.workflow.functions import Join, JsonGet
    from sagemaker.workflow.model_step import ModelStep
    from sagemaker.workflow.parameters import ParameterBoolean, ParameterFloat, ParameterString
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.properties import PropertyFile
    from sagemaker.workflow.quality_check_step import DataQualityCheckConfig, QualityCheckStep
    from sagemaker.workflow.steps import CacheConfig, ProcessingStep, TrainingStep

    name, group = "credit-risk", "credit-risk-models"
    input_data = ParameterString("InputData", default_value=f"s3://{BUCKET}/credit-risk/raw/")
    key = ParameterString("PseudonymisationKey", default_value="local-development-only")
    threshold = ParameterFloat("AccuracyThreshold", default_value=0.7)
    approval = ParameterString("ModelApprovalStatus", default_value="PendingManualApproval",
                               enum_values=["PendingManualApproval", "Approved"])
    flags = {n: ParameterBoolean(n, default_value=d) for n, d in (
        ("SkipDataQualityCheck", True), ("RegisterNewDataQualityBaseline", True),
        ("SkipDataBiasCheck", True), ("RegisterNewDataBiasBaseline", True),
        ("SkipModelExplainabilityCheck", True), ("RegisterNewModelExplainabilityBaseline", True))}
    cache = CacheConfig(enable_caching=True, expire_after="P30D")
    # pipeline.security of the YAML: one KMS key, the VPC, isolation, inter-container encryption
    kms = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    subnets, groups = ["subnet-0a1b2c3d4e5f60718", "subnet-1a2b3c4d"], ["sg-0123456789abcdef0"]
    net = NetworkConfig(enable_network_isolation=True, security_group_ids=groups, subnets=subnets,
                        encrypt_inter_container_traffic=True)
    secure = {"volume_kms_key": kms, "output_kms_key": kms, "network_config": net}

    def out(step: str, output: str):
        return Join(on="/", values=["s3:/", BUCKET, name, ExecutionVariables.PIPELINE_EXECUTION_ID, step, "output",
                                    output])

    preprocess = SKLearnProcessor(framework_version="1.2-1", role=ROLE, instance_type="ml.m5.large",
                                  instance_count=1, env={"PSEUDONYMISATION_KEY": key}, sagemaker_session=session,
                                  **secure)
    step_pre = ProcessingStep("Preprocess", cache_config=cache, step_args=preprocess.run(
        code=str(SCRIPTS / "credit_risk" / "preprocess.py"),
        inputs=[ProcessingInput(source=input_data, destination="/opt/ml/processing/input", input_name="raw")],
        outputs=[ProcessingOutput(output_name=n, source=f"/opt/ml/processing/{n}")
                 for n in ("train", "validation", "test", "baseline")],
    ))
    outputs = step_pre.properties.ProcessingOutputConfig.Outputs
    baseline_uri = outputs["baseline"].S3Output.S3Uri

    check_job = CheckJobConfig(role=ROLE, instance_count=1, instance_type="ml.m5.xlarge", volume_size_in_gb=30,
                               sagemaker_session=session, **secure)
    # the explainability check's step turns isolation off (Clarify calls a shadow endpoint)
    explain_job = CheckJobConfig(role=ROLE, instance_count=1, instance_type="ml.m5.xlarge", volume_size_in_gb=30,
                                 sagemaker_session=session, volume_kms_key=kms, output_kms_key=kms,
                                 network_config=NetworkConfig(security_group_ids=groups, subnets=subnets,
                                                              encrypt_inter_container_traffic=True))
    step_dq = QualityCheckStep(
        "DataQualityCheck", check_job_config=check_job, model_package_group_name=group,
        skip_check=flags["SkipDataQualityCheck"], register_new_baseline=flags["RegisterNewDataQualityBaseline"],
        quality_check_config=DataQualityCheckConfig(
            baseline_dataset=baseline_uri, dataset_format=DatasetFormat.csv(header=True),
            output_s3_uri=out("DataQualityCheck", "quality_check_output")))

    def clarify_config_path(step: str) -> str:  # the SDK uploads analysis_config.json here (difference "code-keys")
        return f"s3://{BUCKET}/{name}/clarify/{step}"

    step_bias = ClarifyCheckStep(
        "DataBiasCheck", check_job_config=check_job, model_package_group_name=group,
        skip_check=flags["SkipDataBiasCheck"], register_new_baseline=flags["RegisterNewDataBiasBaseline"],
        clarify_check_config=DataBiasCheckConfig(
            data_config=DataConfig(s3_data_input_path=baseline_uri, s3_output_path=out("DataBiasCheck", "analysis_result"),
                                   s3_analysis_config_output_path=clarify_config_path("DataBiasCheck"),
                                   label="default", headers=CREDIT_HEADERS, dataset_type="text/csv"),
            data_bias_config=BiasConfig(label_values_or_threshold=[0], facet_name="sex",
                                        facet_values_or_threshold=["female"]),
            methods="all"))

    xgboost = image_uris.retrieve("xgboost", REGION, "1.7-1")
    estimator = Estimator(image_uri=xgboost, role=ROLE, instance_type="ml.m5.xlarge", instance_count=1,
                          output_path=mlpc_output_path(name, "Train"), sagemaker_session=session,
                          volume_kms_key=kms, output_kms_key=kms, subnets=subnets, security_group_ids=groups,
                          enable_network_isolation=True, encrypt_inter_container_traffic=True,
                          hyperparameters={"objective": "binary:logistic", "eval_metric": "auc", "num_round": 60,
                                           "max_depth": 4, "eta": 0.2, "subsample": 0.8, "seed": 7})
    step_train = TrainingStep("Train", cache_config=cache, depends_on=[step_dq, step_bias], step_args=estimator.fit({
        "train": TrainingInput(outputs["train"].S3Output.S3Uri, content_type="text/csv"),
        "validation": TrainingInput(outputs["validation"].S3Output.S3Uri, content_type="text/csv"),
    }))
    model_data = step_train.properties.ModelArtifacts.S3ModelArtifacts

    model = Model(image_uri=xgboost, model_data=model_data, role=ROLE, sagemaker_session=session,
                  vpc_config={"Subnets": subnets, "SecurityGroupIds": groups}, enable_network_isolation=True)
    step_model = ModelStep("CreateModel", step_args=model.create(instance_type="ml.m5.large"))

    step_explain = ClarifyCheckStep(
        "ModelExplainabilityCheck", check_job_config=explain_job, model_package_group_name=group,
        skip_check=flags["SkipModelExplainabilityCheck"],
        register_new_baseline=flags["RegisterNewModelExplainabilityBaseline"],
        clarify_check_config=ModelExplainabilityCheckConfig(
            data_config=DataConfig(s3_data_input_path=outputs["test"].S3Output.S3Uri,
                                   s3_output_path=out("ModelExplainabilityCheck", "analysis_result"),
                                   s3_analysis_config_output_path=clarify_config_path("ModelExplainabilityCheck"),
                                   label="default", headers=CREDIT_HEADERS, dataset_type="text/csv"),
            model_config=ModelConfig(model_name=step_model.properties.ModelName, instance_count=1,
                                     instance_type="ml.m5.large", content_type="text/csv", accept_type="text/csv"),
            explainability_config=SHAPConfig(num_samples=100, agg_method="mean_abs", seed=7,
                                             save_local_shap_values=False)))

    evaluate = ScriptProcessor(image_uri=xgboost, command=["python3"], role=ROLE, instance_type="ml.m5.large",
                               instance_count=1, sagemaker_session=session, **secure)
    report = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
    step_eval = ProcessingStep("Evaluate", property_files=[report], cache_config=cache, step_args=evaluate.run(
        code=str(SCRIPTS / "credit_risk" / "evaluate.py"),
        inputs=[ProcessingInput(source=model_data, destination="/opt/ml/processing/model", input_name="model"),
                ProcessingInput(source=outputs["test"].S3Output.S3Uri, destination="/opt/ml/processing/test",
                                input_name="test")],
        outputs=[ProcessingOutput(output_name="evaluation", source="/opt/ml/processing/evaluation")],
    ))
    evaluation_uri = step_eval.properties.ProcessingOutputConfig.Outputs["evaluation"].S3Output.S3Uri

    def src(uri):
        return MetricsSource(content_type="application/json", s3_uri=uri)

    register = ModelStep("RegisterModel", step_args=model.register(  # the YAML's `model: CreateModel`
        content_types=["text/csv"], response_types=["text/csv"],
        inference_instances=["ml.m5.large"], transform_instances=["ml.m5.large"],
        model_package_group_name=group, approval_status=approval,
        model_metrics=ModelMetrics(
            model_statistics=src(Join(on="", values=[evaluation_uri, "/evaluation.json"])),
            model_data_statistics=src(step_dq.properties.CalculatedBaselineStatistics),
            model_data_constraints=src(step_dq.properties.CalculatedBaselineConstraints),
            bias_pre_training=src(step_bias.properties.CalculatedBaselineConstraints),
            explainability=src(step_explain.properties.CalculatedBaselineConstraints)),
        drift_check_baselines=DriftCheckBaselines(
            model_data_statistics=src(step_dq.properties.BaselineUsedForDriftCheckStatistics),
            model_data_constraints=src(step_dq.properties.BaselineUsedForDriftCheckConstraints),
            bias_pre_training_constraints=src(step_bias.properties.BaselineUsedForDriftCheckConstraints),
            explainability_constraints=src(step_explain.properties.BaselineUsedForDriftCheckConstraints)),
        model_card=ModelPackageModelCard(model_card_content=CREDIT_CARD, model_card_status="Draft"),
    ))
    fail = FailStep("AccuracyTooLow", error_message=Join(on="", values=[
        "Model accuracy is below the threshold of ", threshold]))
    accuracy = JsonGet(step_name=step_eval.name, property_file=report,
                       json_path="binary_classification_metrics.accuracy.value")
    check = ConditionStep("CheckAccuracy", conditions=[ConditionGreaterThanOrEqualTo(left=accuracy, right=threshold)],
                          if_steps=[register], else_steps=[fail])
    return Pipeline(name, parameters=[input_data, key, threshold, approval, *flags.values()],
                    steps=[step_pre, step_dq, step_bias, step_train, step_model, step_explain, step_eval, check],
                    sagemaker_session=session)


BUILDERS["credit-risk"] = credit_risk


def checks(session):
    """tests/parity/fixtures/checks.yaml: every check type, and the fields that take references."""
    from sagemaker.clarify import BiasConfig, DataConfig, ModelConfig, ModelPredictedLabelConfig, SHAPConfig
    from sagemaker.model_monitor.dataset_format import DatasetFormat
    from sagemaker.workflow.check_job_config import CheckJobConfig
    from sagemaker.workflow.clarify_check_step import (ClarifyCheckStep, ModelBiasCheckConfig,
                                                       ModelExplainabilityCheckConfig)
    from sagemaker.workflow.execution_variables import ExecutionVariables
    from sagemaker.workflow.functions import Join
    from sagemaker.workflow.parameters import ParameterBoolean, ParameterInteger, ParameterString
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.quality_check_step import (DataQualityCheckConfig, ModelQualityCheckConfig,
                                                       QualityCheckStep)
    from sagemaker.workflow.steps import CacheConfig

    name = "checks"
    predictions = ParameterString("Predictions", default_value=f"s3://{BUCKET}/checks/predictions/")
    instance_type = ParameterString("CheckInstanceType", default_value="ml.m5.2xlarge")
    instance_count = ParameterInteger("CheckInstanceCount", default_value=1)
    skip = ParameterBoolean("SkipModelQuality", default_value=False)
    fail = ParameterBoolean("FailOnViolation", default_value=True)
    register = ParameterBoolean("RegisterNewBaseline", default_value=False)
    problem = ParameterString("ProblemType", default_value="BinaryClassification")
    supplied = ParameterString("SuppliedConstraints", default_value=f"s3://{BUCKET}/checks/baseline/constraints.json")
    model_name = ParameterString("ModelName", default_value="credit-risk-model")
    group = ParameterString("ModelGroup", default_value="checks-models")

    def job(itype=DEFAULT_CHECK_INSTANCE, **kw):
        return CheckJobConfig(role=ROLE, instance_type=itype, sagemaker_session=session, **kw)

    def out(step: str, output: str):  # mlpc's default output path (the SDK's has a timestamped job name)
        return Join(on="/", values=["s3:/", BUCKET, name, ExecutionVariables.PIPELINE_EXECUTION_ID, step, "output",
                                    output])

    model_quality = QualityCheckStep(
        "ModelQualityCheck", display_name="Model quality",
        description="Model quality of the batch predictions against the ground truth",
        check_job_config=job(instance_type, instance_count=instance_count, volume_size_in_gb=50,
                             max_runtime_in_seconds=1800, env={"LOG_LEVEL": "debug"}),
        quality_check_config=ModelQualityCheckConfig(
            baseline_dataset=predictions, dataset_format=DatasetFormat.csv(header=False, output_columns_position="END"),
            output_s3_uri=Join(on="", values=[f"s3://{BUCKET}/checks/", ExecutionVariables.PIPELINE_EXECUTION_ID,
                                               "/model-quality"]),
            problem_type=problem, inference_attribute="prediction", probability_attribute="probability",
            ground_truth_attribute="label", probability_threshold_attribute=0.5),
        skip_check=skip, fail_on_violation=fail, register_new_baseline=register, model_package_group_name=group,
        supplied_baseline_statistics=f"s3://{BUCKET}/checks/baseline/statistics.json",
        supplied_baseline_constraints=supplied, cache_config=CacheConfig(enable_caching=True, expire_after="P1D"))
    data_json = QualityCheckStep(
        "DataQualityJson", check_job_config=job("ml.c5.xlarge"), fail_on_violation=False,
        quality_check_config=DataQualityCheckConfig(
            baseline_dataset=f"s3://{BUCKET}/checks/records.jsonl", dataset_format=DatasetFormat.json(lines=True),
            output_s3_uri=out("DataQualityJson", "quality_check_output")))
    data_csv = QualityCheckStep(
        "DataQualityCsv", check_job_config=job(), depends_on=["DataQualityJson"],
        quality_check_config=DataQualityCheckConfig(
            baseline_dataset=f"s3://{BUCKET}/checks/records.csv", dataset_format=DatasetFormat.csv(),
            output_s3_uri=out("DataQualityCsv", "quality_check_output")))
    model_bias = ClarifyCheckStep(
        "ModelBiasCheck", check_job_config=job(instance_type, env={"LOG_LEVEL": "debug"}, max_runtime_in_seconds=3600),
        clarify_check_config=ModelBiasCheckConfig(
            data_config=DataConfig(s3_data_input_path=predictions, s3_output_path=f"s3://{BUCKET}/checks/model-bias",
                                   label="label", headers=["label", "age", "sex", "region", "income"],
                                   excluded_columns=["region"], dataset_type="text/csv"),
            data_bias_config=BiasConfig(label_values_or_threshold=[1], facet_name=["sex", "age"],
                                        facet_values_or_threshold=[["female"], [40]], group_name="region"),
            model_config=ModelConfig(model_name=model_name, instance_type="ml.m5.large", instance_count=2,
                                     content_type="text/csv", accept_type="text/csv"),
            model_predicted_label_config=ModelPredictedLabelConfig(probability=0, probability_threshold=0.6),
            methods=["DPPL", "DI", "DCA"]),
        supplied_baseline_constraints=supplied, register_new_baseline=True)
    explain = ClarifyCheckStep(
        "ExplainabilityCheck", check_job_config=job(), skip_check=True, model_package_group_name="checks-models",
        fail_on_violation=fail,
        clarify_check_config=ModelExplainabilityCheckConfig(
            data_config=DataConfig(s3_data_input_path=f"s3://{BUCKET}/checks/features.jsonl",
                                   s3_output_path=f"s3://{BUCKET}/checks/explainability", features="features",
                                   headers=["age", "income"], dataset_type="application/jsonlines"),
            model_config=ModelConfig(model_name=model_name, instance_type="ml.c5.xlarge", instance_count=1,
                                     content_type="application/jsonlines", accept_type="application/jsonlines",
                                     content_template='{"features": $features}'),
            model_scores="score",
            explainability_config=SHAPConfig(baseline=[[35, 50000]], num_samples=50, agg_method="median",
                                             use_logit=True, features_to_explain=["income"])))
    labelled = ClarifyCheckStep(
        "ExplainabilityLabelled", check_job_config=job(),
        clarify_check_config=ModelExplainabilityCheckConfig(
            data_config=DataConfig(s3_data_input_path=f"s3://{BUCKET}/checks/test.csv",
                                   s3_output_path=f"s3://{BUCKET}/checks/explainability-labelled", label=0),
            model_config=ModelConfig(model_name=model_name, instance_type="ml.m5.large", instance_count=1),
            model_scores=ModelPredictedLabelConfig(label=1, probability=2, probability_threshold=0.4,
                                                   label_headers=["no", "yes"]),
            explainability_config=SHAPConfig(num_clusters=3, seed=1)))
    return Pipeline(name, parameters=[predictions, instance_type, instance_count, skip, fail, register, problem,
                                      supplied, model_name, group],
                    steps=[model_quality, data_json, data_csv, model_bias, explain, labelled],
                    sagemaker_session=session)


DEFAULT_CHECK_INSTANCE = "ml.m5.xlarge"  # CheckJobConfig's default instance type
BUILDERS["checks"] = checks
# YAML files that are not in pipelines/ (parity fixtures)
FIXTURES = {"checks": Path(__file__).resolve().parent / "fixtures" / "checks.yaml"}


def _distribution(session):
    from sdk_distribution import distribution  # its own module; it imports this one's constants

    return distribution(session)


BUILDERS["distribution"] = _distribution
FIXTURES["distribution"] = Path(__file__).resolve().parent / "fixtures" / "distribution.yaml"
