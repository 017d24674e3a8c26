"""Helpers shared by the lint tests (the fixtures are in conftest.py): a pipeline and its secured form."""

from __future__ import annotations

BASE = """\
pipeline:
  name: lintme
  role: "arn:aws:iam::123456789012:role/SageMakerPipelineRole"
  bucket: lint-bucket
  tags: {owner: ml-team, data-classification: internal}
parameters:
  Approval: {type: String, default: PendingManualApproval}
  Count: {type: Integer, default: 1}
steps:
  Prep:
    type: processing
    image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
    command: [python3]
    code: prep.py
    instance_type: ml.m5.large
    environment:
      MODE: full
    outputs:
      train: {source: /opt/ml/processing/train}
  Train:
    type: training
    algorithm: xgboost
    algorithm_version: "1.7-1"
    instance_type: ml.m5.xlarge
    hyperparameters: {num_round: 10}
    channels:
      train: {source: "${steps.Prep.outputs.train}", content_type: text/csv}
  Register:
    type: register_model
    model_package_group: lint-models
    approval_status: "${params.Approval}"
    image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    model_data: "${steps.Train.model_data}"
    content_types: [text/csv]
    response_types: [text/csv]
"""

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
VPC = {"SecurityGroupIds": ["sg-0123456789abcdef0"], "Subnets": ["subnet-0123456789abcdef0"]}
CARD = '{"intended_uses": {"intended_uses": "credit scoring", "risk_rating": "High"}}'


def secure(definition: dict) -> dict:
    """What a fully secured compile produces (the security and governance settings other
    features compile): KMS keys, VPC, isolation, a model card, and both checks upstream."""
    steps = {s["Name"]: s for s in definition["Steps"]}
    prep = steps["Prep"]["Arguments"]
    prep["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"] = KEY
    prep["ProcessingOutputConfig"]["KmsKeyId"] = KEY
    prep["NetworkConfig"] = {"VpcConfig": VPC, "EnableNetworkIsolation": True,
                             "EnableInterContainerTrafficEncryption": True}
    train = steps["Train"]["Arguments"]
    train["ResourceConfig"]["VolumeKmsKeyId"] = KEY
    train["OutputDataConfig"]["KmsKeyId"] = KEY
    train.update(VpcConfig=VPC, EnableNetworkIsolation=True, EnableInterContainerTrafficEncryption=True)
    steps["Register"]["Arguments"]["ModelCard"] = {"ModelCardContent": CARD, "ModelCardStatus": "Draft"}
    for name, kind, check in (("DataBias", "ClarifyCheck", "DATA_BIAS"), ("DataQuality", "QualityCheck", "DATA_QUALITY")):
        definition["Steps"].append({"Name": name, "Type": kind, "CheckType": check, "SkipCheck": False,
                                    "Arguments": _check_job()})
    return definition


def _check_job() -> dict:
    return {"ProcessingResources": {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large",
                                                      "VolumeSizeInGB": 30, "VolumeKmsKeyId": KEY}},
            "ProcessingOutputConfig": {"KmsKeyId": KEY, "Outputs": [{"OutputName": "result", "S3Output": {
                "S3Uri": "s3://lint-bucket/checks", "LocalPath": "/opt/ml/processing/output", "S3UploadMode": "EndOfJob"}}]},
            "AppSpecification": {"ImageUri": "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0"},
            "NetworkConfig": {"VpcConfig": VPC, "EnableNetworkIsolation": True}}


def add_checks_upstream(result) -> None:
    """Edges from the two check steps to Register, as references would make them."""
    result.graph.nodes += ["DataBias", "DataQuality"]
    for n in ("DataBias", "DataQuality"):
        result.graph.edges[(n, "Register")] = "data"


