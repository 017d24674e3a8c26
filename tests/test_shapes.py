"""mlpc.shapes: botocore's SageMaker model as the oracle for Arguments and properties."""

from __future__ import annotations

import copy
import json
import os

import pytest

from mlpc import shapes
from shape_oracle import botocore_oracle_validate
from mlpc.shapes import ShapeIssue, check_request, is_expression, property_type

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
PARAM_TYPES = {"Count": "Integer", "Rate": "Float", "Flag": "Boolean", "Name": "String"}
SKIP = frozenset({"ProcessingJobName"})


def expr_type(value):
    ref = value.get("Get", "")
    if isinstance(ref, str) and ref.startswith("Parameters."):
        return PARAM_TYPES.get(ref.split(".", 1)[1])
    return None


def P(name):
    return {"Get": f"Parameters.{name}"}


@pytest.fixture(scope="module", autouse=True)
def private_cache(tmp_path_factory):
    """Never touch the developer's ~/.cache from the tests."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))
    shapes.reset_memo()
    yield
    mp.undo()
    shapes.reset_memo()


def processing_args():
    """Shape of what the SDK's ProcessingStep puts into Arguments."""
    return {
        "ProcessingResources": {
            "ClusterConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30}
        },
        "AppSpecification": {
            "ImageUri": IMAGE,
            "ContainerEntrypoint": ["python3", "/opt/ml/processing/input/code/preprocess.py"],
            "ContainerArguments": ["--train-ratio", "0.8"],
        },
        "RoleArn": ROLE,
        "ProcessingInputs": [
            {
                "InputName": "input-1",
                "AppManaged": False,
                "S3Input": {
                    "S3Uri": "s3://my-bucket/raw/abalone.csv",
                    "LocalPath": "/opt/ml/processing/input",
                    "S3DataType": "S3Prefix",
                    "S3InputMode": "File",
                    "S3DataDistributionType": "FullyReplicated",
                    "S3CompressionType": "None",
                },
            }
        ],
        "ProcessingOutputConfig": {
            "Outputs": [
                {
                    "OutputName": "train",
                    "AppManaged": False,
                    "S3Output": {
                        "S3Uri": "s3://my-bucket/out/train",
                        "LocalPath": "/opt/ml/processing/train",
                        "S3UploadMode": "EndOfJob",
                    },
                }
            ]
        },
        "Environment": {"LOG_LEVEL": "info"},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    }


def check(params, op="CreateProcessingJob", skip=SKIP):
    return check_request(op, params, expr_type=expr_type, skip_required=skip)


def only_issue(params, **kw):
    _, issues = check(params, **kw)
    assert len(issues) == 1, issues
    return issues[0]


# ---------------------------------------------------------------- valid inputs
def test_valid_processing_args_pass_and_botocore_agrees():
    params = processing_args()
    out, issues = check(params)
    assert issues == []
    assert out == params and out is not params
    assert list(out) == list(params)  # key order preserved
    assert botocore_oracle_validate("CreateProcessingJob", params, {"ProcessingJobName": "job"}) == []


def test_valid_processing_args_with_expressions():
    params = processing_args()
    cc = params["ProcessingResources"]["ClusterConfig"]
    cc["InstanceCount"] = P("Count")
    cc["InstanceType"] = P("Name")  # enum check skipped for expressions
    params["ProcessingInputs"][0]["S3Input"]["S3Uri"] = {"Std:Join": {"On": "/", "Values": ["s3://b", P("Name")]}}
    out, issues = check(params)
    assert issues == []
    assert out["ProcessingResources"]["ClusterConfig"]["InstanceCount"] == P("Count")
    assert botocore_oracle_validate("CreateProcessingJob", params, {"ProcessingJobName": "job"}) == []


def test_input_is_not_mutated_and_output_is_a_new_structure():
    params = processing_args()
    params["AppSpecification"]["ContainerArguments"] = ["--n", P("Count")]
    before = copy.deepcopy(params)
    out, _ = check(params)
    assert params == before
    out["ProcessingInputs"][0]["S3Input"]["S3Uri"] = "s3://changed/x"
    assert params["ProcessingInputs"][0]["S3Input"]["S3Uri"] == "s3://my-bucket/raw/abalone.csv"


def test_valid_training_args_with_hyperparameter_expressions():
    params = {
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "OutputDataConfig": {"S3OutputPath": "s3://my-bucket/models"},
        "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
        "ResourceConfig": {"VolumeSizeInGB": 30, "InstanceCount": 1, "InstanceType": "ml.m5.xlarge"},
        "RoleArn": ROLE,
        "InputDataConfig": [{
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/train",
                                            "S3DataDistributionType": "FullyReplicated"}},
            "ContentType": "text/csv", "ChannelName": "train"}],
        "HyperParameters": {"max_depth": "5", "eta": P("Rate"), "objective": P("Name")},
        "EnableNetworkIsolation": P("Flag"),
    }
    out, issues = check(params, op="CreateTrainingJob", skip=frozenset({"TrainingJobName"}))
    assert issues == []
    assert out["HyperParameters"]["eta"] == {"Std:Join": {"On": "", "Values": [P("Rate")]}}
    assert out["HyperParameters"]["objective"] == P("Name")
    assert botocore_oracle_validate("CreateTrainingJob", params, {"TrainingJobName": "t"}) == []


def test_create_pipeline_client_request_token_is_not_required():
    params = {"PipelineName": "my-pipeline", "PipelineDefinition": "{}", "RoleArn": ROLE}
    _, issues = check(params, op="CreatePipeline", skip=frozenset())
    assert issues == []
    # botocore's own validator does not know about idempotency tokens
    assert any("ClientRequestToken" in line for line in botocore_oracle_validate("CreatePipeline", params))


def test_skip_required_is_what_makes_job_name_optional():
    _, issues = check(processing_args(), skip=frozenset())
    assert issues == [ShapeIssue((), "missing required member 'ProcessingJobName' in CreateProcessingJobRequest",
                                 member="ProcessingJobName")]


# ---------------------------------------------------------------- bad inputs
def test_bad_enum_instance_type():
    params = processing_args()
    params["ProcessingResources"]["ClusterConfig"]["InstanceType"] = "ml.m5.larg"
    issue = only_issue(params)
    assert issue.path == ("ProcessingResources", "ClusterConfig", "InstanceType")
    assert issue.message == "InstanceType 'ml.m5.larg' is not an allowed value of ProcessingInstanceType"
    assert issue.hint == "did you mean 'ml.m5.large'?"


def test_instance_count_as_string():
    params = processing_args()
    params["ProcessingResources"]["ClusterConfig"]["InstanceCount"] = "two"
    issue = only_issue(params)
    assert issue.path == ("ProcessingResources", "ClusterConfig", "InstanceCount")
    assert issue.message == "InstanceCount must be an integer, got string 'two'"
    assert botocore_oracle_validate("CreateProcessingJob", params, {"ProcessingJobName": "j"}) != []


def test_instance_count_as_boolean_is_not_an_integer():
    params = processing_args()
    params["ProcessingResources"]["ClusterConfig"]["InstanceCount"] = True
    assert only_issue(params).message == "InstanceCount must be an integer, got boolean true"


def test_unknown_member_with_did_you_mean():
    params = processing_args()
    cc = params["ProcessingResources"]["ClusterConfig"]
    cc["InstanceCnt"] = cc.pop("InstanceCount")
    issue = only_issue(params)
    assert issue.path == ("ProcessingResources", "ClusterConfig", "InstanceCnt")
    assert issue.message == "unknown member 'InstanceCnt' in ProcessingClusterConfig"
    assert issue.hint == "did you mean 'InstanceCount'?"
    oracle = botocore_oracle_validate("CreateProcessingJob", params, {"ProcessingJobName": "j"})
    assert any("InstanceCnt" in line for line in oracle)


def test_unknown_top_level_member():
    params = processing_args()
    params["ProcessingInput"] = params.pop("ProcessingInputs")
    issue = only_issue(params)
    assert issue.path == ("ProcessingInput",)
    assert issue.hint == "did you mean 'ProcessingInputs'?"


def test_missing_required_role_arn():
    params = processing_args()
    del params["RoleArn"]
    issue = only_issue(params)
    assert issue.path == ()
    assert issue.message == "missing required member 'RoleArn' in CreateProcessingJobRequest"
    oracle = botocore_oracle_validate("CreateProcessingJob", params, {"ProcessingJobName": "j"})
    assert oracle and "RoleArn" in oracle[-1]


def test_missing_nested_required_member():
    params = processing_args()
    del params["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3UploadMode"]
    issue = only_issue(params)
    assert issue.path == ("ProcessingOutputConfig", "Outputs", 0, "S3Output")
    assert issue.message == "missing required member 'S3UploadMode' in ProcessingS3Output"


def test_too_many_processing_inputs():
    params = processing_args()
    params["ProcessingInputs"] = [dict(params["ProcessingInputs"][0], InputName=f"in-{i}") for i in range(11)]
    issue = only_issue(params)
    assert issue.path == ("ProcessingInputs",)
    assert issue.message == "ProcessingInputs must have at most 10 items, got 11"
    # botocore itself only checks minimums: our check is stricter than the oracle
    assert botocore_oracle_validate("CreateProcessingJob", params, {"ProcessingJobName": "j"}) == []


def test_environment_value_too_long():
    params = processing_args()
    params["Environment"]["BIG"] = "x" * 300
    issue = only_issue(params)
    assert issue.path == ("Environment", "BIG")
    assert issue.message == "Environment['BIG'] must be at most 256 characters long, got 300"


def test_environment_key_pattern_and_non_string_value():
    params = processing_args()
    params["Environment"] = {"1BAD": "v", "N": 3}
    _, issues = check(params)
    assert [(i.path, i.message) for i in issues] == [
        (("Environment", "1BAD"), "Environment key '1BAD' does not match the pattern [a-zA-Z_][a-zA-Z0-9_]*"),
        (("Environment", "N"), "Environment['N'] must be a string, got integer 3"),
    ]
    assert issues[1].hint == "quote the value to make it a string"


def test_pattern_violation_role_arn():
    params = processing_args()
    params["RoleArn"] = "arn:aws:iam::123:role/SageMakerRole"
    issue = only_issue(params)
    assert issue.path == ("RoleArn",)
    assert issue.message.startswith("RoleArn 'arn:aws:iam::123:role/SageMakerRole' does not match the pattern arn:aws")


def test_pattern_is_a_full_match():
    params = processing_args()
    params["ProcessingInputs"][0]["S3Input"]["S3Uri"] = "file://s3://bucket/x"  # re.search would accept it
    issue = only_issue(params)
    assert issue.path == ("ProcessingInputs", 0, "S3Input", "S3Uri")
    assert "does not match the pattern (https|s3)://" in issue.message


def test_range_violation():
    params = processing_args()
    params["ProcessingResources"]["ClusterConfig"]["VolumeSizeInGB"] = 0
    issue = only_issue(params)
    assert issue.message == "VolumeSizeInGB must be >= 1, got 0"
    assert botocore_oracle_validate("CreateProcessingJob", params, {"ProcessingJobName": "j"}) != []


def test_list_where_a_string_was_given():
    params = processing_args()
    params["AppSpecification"]["ContainerEntrypoint"] = "python3 run.py"
    issue = only_issue(params)
    assert issue.path == ("AppSpecification", "ContainerEntrypoint")
    assert issue.message == "ContainerEntrypoint must be a list, got string 'python3 run.py'"


def test_float_parameter_in_integer_slot():
    params = processing_args()
    params["ProcessingResources"]["ClusterConfig"]["InstanceCount"] = P("Rate")
    issue = only_issue(params)
    assert issue.path == ("ProcessingResources", "ClusterConfig", "InstanceCount")
    assert issue.message.startswith("type mismatch: parameter of type Float in an integer field")


def test_join_is_a_string_in_an_integer_slot():
    params = processing_args()
    join = {"Std:Join": {"On": "", "Values": [P("Count")]}}
    params["ProcessingResources"]["ClusterConfig"]["InstanceCount"] = join
    issue = only_issue(params)
    assert issue.message.startswith("type mismatch: expression of type String in an integer field")


def test_integer_parameter_in_string_slot_is_wrapped_in_join():
    params = processing_args()
    params["AppSpecification"]["ContainerArguments"] = ["--epochs", P("Count"), "--flag", P("Flag"), P("Name")]
    out, issues = check(params)
    assert issues == []
    assert out["AppSpecification"]["ContainerArguments"] == [
        "--epochs",
        {"Std:Join": {"On": "", "Values": [P("Count")]}},
        "--flag",
        {"Std:Join": {"On": "", "Values": [P("Flag")]}},
        P("Name"),
    ]


def test_float_and_boolean_slots():
    tuning = {"TuningJobCompletionCriteria": {"TargetObjectiveMetricValue": P("Count")}}
    params = {"HyperParameterTuningJobConfig": {
        "Strategy": "Bayesian",
        "ResourceLimits": {"MaxParallelTrainingJobs": 2, "MaxNumberOfTrainingJobs": P("Count")},
        **tuning}}
    _, issues = check(params, op="CreateHyperParameterTuningJob",
                      skip=frozenset({"HyperParameterTuningJobName"}))
    assert issues == []  # Integer is fine in a float slot
    params = processing_args()
    params["NetworkConfig"] = {"EnableNetworkIsolation": P("Count")}
    issue = only_issue(params)
    assert issue.path == ("NetworkConfig", "EnableNetworkIsolation")
    assert issue.message.startswith("type mismatch: parameter of type Integer in a boolean field")


def test_expression_cannot_supply_a_whole_structure():
    params = processing_args()
    params["ProcessingResources"] = P("Name")
    issue = only_issue(params)
    assert issue.path == ("ProcessingResources",)
    assert issue.hint == "expressions can only supply scalar values"


def test_unknown_operation():
    out, issues = check({"A": 1}, op="CreateProcesingJob")
    assert out == {"A": 1}
    assert issues[0].hint == "did you mean 'CreateProcessingJob'?"


def test_is_expression():
    assert is_expression({"Get": "Parameters.X"})
    assert is_expression({"Std:JsonGet": {"PropertyFile": {"Get": "Steps.S.PropertyFiles.F"}, "Path": "a"}})
    assert not is_expression({"Get": "x", "Other": 1})
    assert not is_expression({"Name": "x"})
    assert not is_expression("Get")


# ---------------------------------------------------------------- property_type
@pytest.mark.parametrize("op,path,expected", [
    ("DescribeTrainingJob", "ModelArtifacts.S3ModelArtifacts", "string"),
    ("DescribeTrainingJob", "FinalMetricDataList['val:acc'].Value", "float"),
    ("DescribeTrainingJob", "FinalMetricDataList[0].MetricName", "string"),
    ("DescribeTrainingJob", "HyperParameters['epochs']", "string"),
    ("DescribeTrainingJob", "TrainingStartTime", "timestamp"),
    ("DescribeTrainingJob", "ResourceConfig.InstanceCount", "integer"),
    ("DescribeProcessingJob", "ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri", "string"),
    ("DescribeProcessingJob", 'ProcessingOutputConfig.Outputs["train"].S3Output', "structure"),
    ("DescribeProcessingJob", "ProcessingInputs", "list"),
    ("DescribeTransformJob", "TransformOutput.S3OutputPath", "string"),
    ("DescribeModelPackage", "ModelPackageArn", "string"),
    ("DescribeModelPackage", "ModelApprovalStatus", "string"),
    ("DescribeModel", "ModelArn", "string"),
    ("DescribeHyperParameterTuningJob", "BestTrainingJob.TrainingJobName", "string"),
    ("DescribeHyperParameterTuningJob", "TrainingJobStatusCounters.Completed", "integer"),
])
def test_property_type_good(op, path, expected):
    assert property_type(op, path) == (expected, None)


def test_property_type_unknown_member():
    assert property_type("DescribeTrainingJob", "ModelArtifact") == (None, ShapeIssue(
        path=(),
        message="'ModelArtifact' is not a property of DescribeTrainingJob output (at 'ModelArtifact')",
        hint="did you mean 'ModelArtifacts'?"))


def test_property_type_unknown_nested_member():
    typ, issue = property_type("DescribeProcessingJob", "ProcessingOutputConfig.Outputs['train'].S3Output.S3Url")
    assert typ is None
    assert issue.message == ("'S3Url' is not a property of ProcessingS3Output "
                             "(at \"ProcessingOutputConfig.Outputs['train'].S3Output.S3Url\")")
    assert issue.hint == "did you mean 'S3Uri'?"


@pytest.mark.parametrize("op,path,fragment", [
    ("DescribeProcessingJob", "ProcessingOutputConfig.Outputs.S3Output", "is not a property of list"),
    ("DescribeTransformJob", "TransformOutput.S3OutputPath[0]", "cannot be indexed"),
    ("DescribeTrainingJob", "HyperParameters[0]", "cannot be indexed"),
    ("DescribeModelPackage", "ModelPackageArns", "did you mean"),
    ("DescribeTrainingJob", "ModelArtifacts..S3ModelArtifacts", "invalid property path"),
    ("DescribeTrainingJob", ".ModelArtifacts", "invalid property path"),
    ("DescribeTrainingJob", "[0]", "invalid property path"),
    ("DescribeTrainingJob", "ModelArtifacts S3ModelArtifacts", "invalid property path"),
    ("DescribeTrainingJobs", "ModelArtifacts", "unknown operation"),
])
def test_property_type_bad(op, path, fragment):
    typ, issue = property_type(op, path)
    assert typ is None
    assert fragment in issue.message + " " + (issue.hint or "")


# ---------------------------------------------------------------- limits, names
def test_pipeline_limits_come_from_the_model():
    limits = shapes.pipeline_limits()
    assert limits["definition_max"] == 1048576
    assert limits["pipeline_name_max"] == 256
    assert limits["display_name_max"] == 256
    assert limits["description_max"] > 0
    import re
    assert re.fullmatch(limits["pipeline_name_pattern"], "my-pipeline-1")
    assert not re.fullmatch(limits["pipeline_name_pattern"], "my_pipeline")


def test_member_names():
    assert "ProcessingResources" in shapes.member_names("CreateProcessingJob")
    assert "ModelArtifacts" in shapes.member_names("DescribeTrainingJob")
    assert shapes.member_names("ProcessingS3Output") == ["S3Uri", "LocalPath", "S3UploadMode"]
    assert shapes.member_names("NoSuchShape") == []


# ---------------------------------------------------------------- the cache
def test_cache_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    shapes.reset_memo()
    table = shapes.load_table()
    path = shapes.cache_path()
    assert path == str(tmp_path / "mlpc" / f"botocore-{shapes.botocore_version()}-sagemaker-shapes.json")
    with open(path, encoding="utf-8") as fh:
        assert json.load(fh) == table
    assert [p.name for p in (tmp_path / "mlpc").iterdir()] == [os.path.basename(path)]  # no temp files left
    assert "CreateProcessingJobRequest" in table["shapes"]
    assert len(table["shapes"]) < 1000  # pruned, not the whole model

    shapes.reset_memo()
    monkeypatch.setattr(shapes, "build_table", lambda: pytest.fail("cache was not used"))
    assert shapes.load_table() == table
    assert property_type("DescribeTrainingJob", "ModelArtifacts.S3ModelArtifacts") == ("string", None)
    shapes.reset_memo()


def test_corrupt_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    shapes.reset_memo()
    path = shapes.cache_path()
    os.makedirs(os.path.dirname(path))
    with open(path, "w") as fh:
        fh.write("{not json")
    assert "CreateTrainingJobRequest" in shapes.load_table()["shapes"]
    with open(path, encoding="utf-8") as fh:
        assert json.load(fh)["format"] == shapes.CACHE_FORMAT
    shapes.reset_memo()


def test_unwritable_cache_dir_keeps_table_in_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    shapes.reset_memo()
    assert "CreateModelPackageInput" in shapes.load_table()["shapes"]
    assert check(processing_args())[1] == []
    shapes.reset_memo()


def test_skip_required_matches_member_paths_not_bare_names():
    params = processing_args()
    del params["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3UploadMode"]
    assert len(check(params, skip=SKIP | {"S3UploadMode"})[1]) == 1
    dotted = SKIP | {"ProcessingOutputConfig.Outputs.S3Output.S3UploadMode"}
    assert check(params, skip=dotted)[1] == []


def test_service_model_read_directly_is_botocores_own():
    """build_table reads botocore's data files itself (no loader import); it must be the same model."""
    from botocore.loaders import Loader

    direct = shapes._service_model()
    loaded = Loader().load_service_model("sagemaker", "service-2")
    assert direct["metadata"] == loaded["metadata"]
    assert direct["operations"].keys() == loaded["operations"].keys()
    assert direct["shapes"] == loaded["shapes"]
