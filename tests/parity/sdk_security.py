"""tests/parity/fixtures/security.yaml, written by hand with the SageMaker Python SDK v2.

The oracle for security settings: each step is given the settings the YAML gives it
(the pipeline's `security:` merged with the step's own), the way the SDK takes them:
processors a NetworkConfig and volume/output keys, estimators and the tuner's estimator
subnets / security_group_ids / enable_network_isolation / encrypt_inter_container_traffic
and keys, the transformer its keys, the model vpc_config and enable_network_isolation.
"""

from __future__ import annotations

from sdk_pipelines import BUCKET, REGION, ROLE, SCRIPTS, mlpc_output_path

NAME = "secure-pipeline"
PIPELINE_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SUBNETS = ["subnet-0a1b2c3d4e5f60718", "subnet-1a2b3c4d"]
SECURITY_GROUPS = ["sg-0123456789abcdef0"]
XGBOOST = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


def security(session):
    from sagemaker.estimator import Estimator
    from sagemaker.inputs import TrainingInput
    from sagemaker.model import Model
    from sagemaker.network import NetworkConfig
    from sagemaker.processing import ProcessingInput, ProcessingOutput
    from sagemaker.sklearn import SKLearn
    from sagemaker.sklearn.processing import SKLearnProcessor
    from sagemaker.transformer import Transformer
    from sagemaker.tuner import HyperparameterTuner, IntegerParameter
    from sagemaker.workflow.model_step import ModelStep
    from sagemaker.workflow.parameters import ParameterString
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.steps import ProcessingStep, TrainingStep, TransformStep, TuningStep

    input_data = ParameterString("InputData", default_value=f"s3://{BUCKET}/breast-cancer/raw/")
    output_key = ParameterString("OutputKey", default_value="alias/mlpc-outputs")
    vpc = {"subnets": SUBNETS, "security_group_ids": SECURITY_GROUPS}
    isolated = {"enable_network_isolation": True, "encrypt_inter_container_traffic": True}

    pre = SKLearnProcessor(framework_version="1.2-1", role=ROLE, instance_type="ml.m5.large", instance_count=1,
                           volume_kms_key=PIPELINE_KEY, output_kms_key=output_key,
                           network_config=NetworkConfig(**isolated, **vpc), sagemaker_session=session)
    step_pre = ProcessingStep("Preprocess", step_args=pre.run(
        code=str(SCRIPTS / "preprocess.py"),
        inputs=[ProcessingInput(source=input_data, destination="/opt/ml/processing/input", input_name="raw")],
        outputs=[ProcessingOutput(output_name=n, source=f"/opt/ml/processing/{n}") for n in ("train", "test")]))
    outputs = step_pre.properties.ProcessingOutputConfig.Outputs

    explore = SKLearnProcessor(framework_version="1.2-1", role=ROLE, instance_type="ml.m5.large", instance_count=1,
                               volume_kms_key=PIPELINE_KEY, output_kms_key=PIPELINE_KEY,
                               network_config=NetworkConfig(enable_network_isolation=False), sagemaker_session=session)
    step_explore = ProcessingStep("Explore", step_args=explore.run(
        code=str(SCRIPTS / "preprocess.py"),
        inputs=[ProcessingInput(source=input_data, destination="/opt/ml/processing/input", input_name="raw")],
        outputs=[ProcessingOutput(output_name="train", source="/opt/ml/processing/train")]))

    xgb = Estimator(image_uri=XGBOOST, role=ROLE, instance_type="ml.m5.xlarge", instance_count=2,
                    output_path=mlpc_output_path(NAME, "Train"), hyperparameters={"objective": "binary:logistic",
                                                                                  "num_round": 10},
                    volume_kms_key="alias/mlpc-volumes", output_kms_key=PIPELINE_KEY, **vpc, **isolated,
                    sagemaker_session=session)
    step_train = TrainingStep("Train", step_args=xgb.fit(
        {"train": TrainingInput(outputs["train"].S3Output.S3Uri, content_type="text/csv")}))
    model_data = step_train.properties.ModelArtifacts.S3ModelArtifacts

    def sklearn(step, hyperparameters):
        return SKLearn(entry_point="train_sklearn.py", source_dir=str(SCRIPTS), framework_version="1.2-1", role=ROLE,
                       instance_type="ml.m5.xlarge", instance_count=1, hyperparameters=hyperparameters,
                       output_path=mlpc_output_path(NAME, step), volume_kms_key=PIPELINE_KEY,
                       output_kms_key=PIPELINE_KEY, **vpc, **isolated, sagemaker_session=session)

    step_script = TrainingStep("TrainScript", step_args=sklearn("TrainScript", {"n-estimators": 50}).fit(
        {"train": outputs["train"].S3Output.S3Uri}))

    metrics = [{"Name": "validation:accuracy", "Regex": "validation:accuracy=([0-9\\.]+)"}]
    tuner = HyperparameterTuner(sklearn("Tune", None), objective_metric_name="validation:accuracy",
                                objective_type="Maximize", metric_definitions=metrics, strategy="Random",
                                hyperparameter_ranges={"max-depth": IntegerParameter(2, 12)},
                                max_jobs=4, max_parallel_jobs=2)
    step_tune = TuningStep("Tune", step_args=tuner.fit({"train": outputs["train"].S3Output.S3Uri}))

    model = Model(image_uri=XGBOOST, model_data=model_data, role=ROLE, vpc_config={
        "Subnets": SUBNETS, "SecurityGroupIds": SECURITY_GROUPS}, enable_network_isolation=True,
        env={"MODEL_SERVER_WORKERS": "1"}, sagemaker_session=session)
    step_model = ModelStep("CreateModel", step_args=model.create(instance_type="ml.m5.large"))

    transformer = Transformer(model_name=step_model.properties.ModelName, instance_type="ml.m5.large",
                              instance_count=1, output_kms_key="alias/mlpc-transform",
                              volume_kms_key="alias/mlpc-transform", sagemaker_session=session)
    step_score = TransformStep("BatchScore", step_args=transformer.transform(
        data=outputs["test"].S3Output.S3Uri, content_type="text/csv", split_type="Line"))

    # CreateModelPackage takes no VPC, isolation or keys: the pipeline's security settings don't reach it.
    step_register = ModelStep("Register", step_args=Model(
        image_uri=XGBOOST, model_data=model_data, role=ROLE, env={"MODEL_SERVER_WORKERS": "1"},
        sagemaker_session=session).register(
        content_types=["text/csv"], response_types=["text/csv"], model_package_group_name="secure-models",
        approval_status="PendingManualApproval"))
    return Pipeline(NAME, parameters=[input_data, output_key],
                    steps=[step_pre, step_explore, step_train, step_script, step_tune, step_model, step_score, step_register],
                    sagemaker_session=session)
