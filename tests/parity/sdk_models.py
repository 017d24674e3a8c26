"""tests/parity/fixtures/models.yaml, written by hand with the SageMaker Python SDK v2.

The oracle for "models defined once": one `Model` object per model step, used for
`ModelStep(step_args=model.create(...))`, for `Transformer(model_name=step.properties.ModelName)`
and for `ModelStep(step_args=model.register(...))`, the way the SDK's documentation writes it.
"""

from __future__ import annotations

from sdk_pipelines import BUCKET, REGION, ROLE, SCRIPTS


def models(session):
    from sagemaker import image_uris
    from sagemaker.estimator import Estimator
    from sagemaker.inputs import TrainingInput
    from sagemaker.model import Model
    from sagemaker.transformer import Transformer
    from sagemaker.workflow.condition_step import ConditionStep
    from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
    from sagemaker.workflow.model_step import ModelStep
    from sagemaker.workflow.parameters import ParameterFloat, ParameterString
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.steps import TrainingStep, TransformStep
    from sagemaker.xgboost import XGBoostModel

    train_data = ParameterString("TrainData", default_value=f"s3://{BUCKET}/models/train/")
    batch_data = ParameterString("BatchData", default_value=f"s3://{BUCKET}/models/batch/")
    threshold = ParameterFloat("AucThreshold", default_value=0.7)
    mode = ParameterString("ServingMode", default_value="fast")
    approval = ParameterString("ApprovalStatus", default_value="PendingManualApproval")

    xgboost = image_uris.retrieve("xgboost", REGION, "1.7-1")
    estimator = Estimator(image_uri=xgboost, role=ROLE, instance_type="ml.m5.xlarge", instance_count=1,
                          output_path=f"s3://{BUCKET}/models/Train", sagemaker_session=session,
                          hyperparameters={"objective": "binary:logistic", "eval_metric": "auc", "num_round": 10})
    step_train = TrainingStep("Train", step_args=estimator.fit(
        {"train": TrainingInput(train_data, content_type="text/csv")}))
    model_data = step_train.properties.ModelArtifacts.S3ModelArtifacts

    builtin = Model(image_uri=image_uris.retrieve("xgboost", REGION, "1.7-1", image_scope="inference"),
                    model_data=model_data, role=ROLE, sagemaker_session=session,
                    env={"SAGEMAKER_MODEL_SERVER_WORKERS": "2", "SERVING_MODE": mode})
    step_model = ModelStep("CreateModel", step_args=builtin.create(instance_type="ml.m5.large"))
    score = Transformer(model_name=step_model.properties.ModelName, instance_type="ml.m5.large", instance_count=1,
                        accept="text/csv", assemble_with="Line", sagemaker_session=session)
    step_score = TransformStep("BatchScore", step_args=score.transform(data=batch_data, content_type="text/csv",
                                                                       split_type="Line"))

    script = XGBoostModel(model_data=model_data, role=ROLE, entry_point="train_sklearn.py", source_dir=str(SCRIPTS),
                          framework_version="1.5-1", sagemaker_session=session)
    step_script = ModelStep("ScriptModel", step_args=script.create(instance_type="ml.m5.large"))
    script_score = Transformer(model_name=step_script.properties.ModelName, instance_type="ml.m5.xlarge",
                               instance_count=2, sagemaker_session=session)
    step_script_score = TransformStep("ScriptScore", step_args=script_score.transform(
        data=batch_data, content_type="text/csv", split_type="Line"))

    register = ModelStep("Register", step_args=builtin.register(
        content_types=["text/csv"], response_types=["text/csv"], inference_instances=["ml.m5.large"],
        transform_instances=["ml.m5.large"], model_package_group_name="models-builtin", approval_status=approval))
    register_script = ModelStep("RegisterScript", step_args=script.register(
        content_types=["text/csv"], response_types=["text/csv"], inference_instances=["ml.c6g.large", "ml.m5.large"],
        model_package_group_name="models-script"))
    auc = step_train.properties.FinalMetricDataList["train:auc"].Value
    check = ConditionStep("CheckAuc", conditions=[ConditionGreaterThanOrEqualTo(left=auc, right=threshold)],
                          if_steps=[register, register_script], else_steps=[])
    return Pipeline("models", parameters=[train_data, batch_data, threshold, mode, approval],
                    steps=[step_train, step_model, step_score, step_script, step_script_score, check],
                    sagemaker_session=session)
