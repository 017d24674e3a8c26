"""Run-time references work in every field that SageMaker resolves; elsewhere they are an error."""

from __future__ import annotations

from mlpc.api import compile_text

YAML = """
pipeline: {name: demo, role: "arn:aws:iam::123456789012:role/R", bucket: b}
parameters:
  ContentType: {type: String, default: text/csv}
  Accept: {type: String, default: text/csv}
steps:
  Train:
    type: training
    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
    instance_type: ml.m5.xlarge
    hyperparameters: {num_round: 10}
    channels:
      train: {source: "s3://b/train/", content_type: "${params.ContentType}"}
  Model:
    type: model
    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
    model_data: "${steps.Train.model_data}"
  Score:
    type: transform
    model_name: "${steps.Model.ModelName}"
    instance_type: ml.m5.large
    input: {data: "s3://b/in/", content_type: "${params.ContentType}"}
    output: {accept: "${params.Accept}"}
  Register:
    type: register_model
    model_package_group: demo-models
    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
    model_data: "${steps.Train.model_data}"
    content_types: ["${params.ContentType}"]
    response_types: ["${params.Accept}"]
"""


def _step(definition, name):
    return next(s for s in definition["Steps"] if s["Name"] == name)


def test_references_in_content_types_compile_to_expressions():
    res = compile_text(YAML, "demo.yaml")
    assert res.ok, [d.render() for d in res.diagnostics]
    get = {"Get": "Parameters.ContentType"}
    train = _step(res.definition, "Train")["Arguments"]
    assert train["InputDataConfig"][0]["ContentType"] == get
    score = _step(res.definition, "Score")["Arguments"]
    assert score["TransformInput"]["ContentType"] == get
    assert score["TransformOutput"]["Accept"] == {"Get": "Parameters.Accept"}
    spec = _step(res.definition, "Register")["Arguments"]["InferenceSpecification"]
    assert spec["SupportedContentTypes"] == [get] and spec["SupportedResponseMIMETypes"] == [{"Get": "Parameters.Accept"}]
    assert "${" not in res.definition_json
