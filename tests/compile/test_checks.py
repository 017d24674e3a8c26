"""Check steps and registration evidence: what the parity test does not show on its own.

(Parity with the SDK for every check type is tests/parity; mistakes at FILE:LINE:COL are the
check_mistakes / model_card_* fixtures in fixtures/bad.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlpc.api import compile_file, compile_text
from mlpc.manifest import upload_bytes

ROOT = Path(__file__).resolve().parents[2]
CREDIT = ROOT / "pipelines" / "credit-risk.yaml"

HEAD = """
pipeline: {name: demo, role: "arn:aws:iam::123456789012:role/R", bucket: b, region: us-east-1}
parameters:
  Skip: {type: Boolean, default: false}
steps:
  Quality:
    type: quality_check
    check: data_quality
    dataset: s3://b/data/
    skip_check: "${params.Skip}"
  Bias:
    type: clarify_check
    check: data_bias
    dataset: s3://b/data/
    label: y
    bias: {label_values_or_threshold: [1], facet: sex}
"""


def steps_of(result) -> dict:
    out = {}
    for step in result.definition["Steps"]:
        out[step["Name"]] = step
        if step["Type"] == "Condition":
            out.update({s["Name"]: s for s in step["Arguments"]["IfSteps"] + step["Arguments"]["ElseSteps"]})
    return out


def register_with(metrics: str) -> str:
    return HEAD + f"""
  Register:
    type: register_model
    model_package_group: g
    image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1
    model_data: s3://b/model.tar.gz
    content_types: [text/csv]
    response_types: [text/csv]
{metrics}
"""


def test_check_properties_compile_to_step_properties_and_add_the_dependency():
    result = compile_text(register_with("""
    model_metrics:
      data_statistics: {s3_uri: "${steps.Quality.calculated_baseline_statistics}"}
      bias_pre_training: {s3_uri: "${steps.Bias.CalculatedBaselineConstraints}"}
    drift_check_baselines:
      data_constraints: {s3_uri: "${steps.Quality.baseline_used_for_drift_check_constraints}"}
      bias_pre_training_constraints: {s3_uri: "${steps.Bias.baseline_used_for_drift_check_constraints}"}
      bias_config_file: {s3_uri: s3://b/bias/analysis_config.json}
"""))
    assert result.ok, [d.render() for d in result.diagnostics]
    args = steps_of(result)["Register"]["Arguments"]
    assert args["ModelMetrics"] == {
        "ModelDataQuality": {"Statistics": {"ContentType": "application/json",
                                            "S3Uri": {"Get": "Steps.Quality.CalculatedBaselineStatistics"}}},
        "Bias": {"PreTrainingReport": {"ContentType": "application/json",
                                       "S3Uri": {"Get": "Steps.Bias.CalculatedBaselineConstraints"}}}}
    assert args["DriftCheckBaselines"] == {
        "ModelDataQuality": {"Constraints": {"ContentType": "application/json",
                                             "S3Uri": {"Get": "Steps.Quality.BaselineUsedForDriftCheckConstraints"}}},
        "Bias": {"ConfigFile": {"S3Uri": "s3://b/bias/analysis_config.json"},  # a FileSource: no default ContentType
                 "PreTrainingConstraints": {"ContentType": "application/json",
                                            "S3Uri": {"Get": "Steps.Bias.BaselineUsedForDriftCheckConstraints"}}}}
    assert {("Quality", "Register"), ("Bias", "Register")} <= set(result.graph.edges)


def test_check_members_and_images():
    result = compile_text(HEAD)
    assert result.ok, [d.render() for d in result.diagnostics]
    quality, bias = steps_of(result)["Quality"], steps_of(result)["Bias"]
    assert (quality["Type"], quality["CheckType"], quality["SkipCheck"], quality["FailOnViolation"],
            quality["RegisterNewBaseline"]) == ("QualityCheck", "DATA_QUALITY", {"Get": "Parameters.Skip"}, True, False)
    assert "SuppliedBaselineStatistics" not in quality and "ModelPackageGroupName" not in quality
    assert (bias["Type"], bias["CheckType"]) == ("ClarifyCheck", "DATA_BIAS")
    assert "SuppliedBaselineStatistics" not in bias  # a clarify check has no statistics
    assert quality["Arguments"]["AppSpecification"]["ImageUri"].endswith("/sagemaker-model-monitor-analyzer")
    assert bias["Arguments"]["AppSpecification"]["ImageUri"].endswith("/sagemaker-clarify-processing:1.0")


def test_a_region_without_the_check_image_is_I002_at_each_check():
    result = compile_text(HEAD.replace("us-east-1", "ap-southeast-5"), "p.yaml")
    assert [(d.code, d.path) for d in result.diagnostics] == [
        ("I002", ("steps", "Quality", "check")), ("I002", ("steps", "Bias", "check"))]
    assert "model-monitor" in result.diagnostics[0].message and "clarify" in result.diagnostics[1].message


@pytest.mark.parametrize("framework", ["model-monitor", "clarify"])
def test_check_images_equal_the_sdks_in_every_region(framework):
    """The image of each check type, per region, is what the SDK's model monitors use."""
    import warnings

    from mlpc import images

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from sagemaker import image_uris

    scope = "monitoring" if framework == "model-monitor" else "processing"
    config = json.loads((Path(image_uris.__file__).parent / "image_uri_config" / f"{framework}.json").read_text())
    versions = config.get("versions") or config[scope]["versions"]
    regions = sorted({r for v in versions.values() for r in v["registries"]})
    assert len(regions) > 20
    for region in regions:
        assert images.retrieve(framework, region, None, image_scope=scope) == image_uris.retrieve(framework, region), region


def test_analysis_config_is_content_addressed_and_deterministic(tmp_path):
    first, second = compile_file(CREDIT), compile_file(CREDIT)
    assert first.ok and second.ok
    assert first.definition_json == second.definition_json
    generated = [u for u in first.uploads if u.kind == "generated"]
    assert {u.local for u in generated} == {"Clarify analysis config of step DataBiasCheck",
                                            "Clarify analysis config of step ModelExplainabilityCheck"}
    inputs = {s["Name"]: s["Arguments"]["ProcessingInputs"][0]["S3Input"]["S3Uri"]
              for s in steps_of(first).values() if s["Type"] == "ClarifyCheck"}
    for upload in generated:
        import hashlib

        data = upload_bytes(upload, tmp_path)  # no local file behind it: the bytes travel with the upload
        assert upload.s3_uri.endswith(f"/code/{hashlib.sha256(data).hexdigest()}/analysis_config.json")
        assert upload.s3_uri in inputs.values()
        config = json.loads(data)
        assert config["methods"]["report"] == {"name": "report", "title": "Analysis Report"}
        assert upload.to_json()["content"] == data.decode()
    bias = json.loads(upload_bytes(next(u for u in generated if "DataBias" in u.local), tmp_path))
    assert bias["facet"] == [{"name_or_index": "sex", "value_or_threshold": ["female"]}]
    assert bias["label_values_or_threshold"] == [0] and bias["methods"]["pre_training_bias"] == {"methods": "all"}


def test_model_card_content_is_the_yamls_and_valid_against_the_model_card_schema():
    from jsonschema import Draft202012Validator

    import yaml

    result = compile_file(CREDIT)
    assert result.ok
    card = steps_of(result)["RegisterModel"]["Arguments"]["ModelCard"]
    written = yaml.safe_load(CREDIT.read_text())["steps"]["RegisterModel"]["model_card"]
    assert card["ModelCardStatus"] == written.pop("status") == "Draft"
    content = json.loads(card["ModelCardContent"])
    assert content == written and list(content) == list(written)  # the YAML's order, as the SDK keeps its dict's
    schema = json.loads((ROOT / "schemas" / "model-card.schema.json").read_text())
    assert list(Draft202012Validator(schema).iter_errors(content)) == []
    content["intended_uses"]["risk_rating"] = "Severe"
    assert list(Draft202012Validator(schema).iter_errors(content)), "the schema must reject a wrong risk rating"


def test_model_card_too_large_for_create_model_package():
    big = "x" * 2000
    details = "\n".join(f"          k{i}: {big[:1024]}" for i in range(100))
    result = compile_text(register_with(f"""
    model_card:
      status: Draft
      additional_information:
        custom_details:
{details}
"""), file="big.yaml")
    assert not result.ok
    assert any(d.code == "A001" and "ModelCardContent" in d.message for d in result.diagnostics), \
        [d.render() for d in result.diagnostics]


def test_vendored_model_card_schema_is_cfn_lints():
    """schemas/model-card.schema.json is tools/vendor_model_card_schema.py's output for the installed cfn-lint."""
    pytest.importorskip("cfnlint", reason="cfn-lint is in the test extra")
    import importlib.util

    spec = importlib.util.spec_from_file_location("vendor", ROOT / "tools" / "vendor_model_card_schema.py")
    vendor = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(vendor)
    committed = json.loads((ROOT / "schemas" / "model-card.schema.json").read_text())
    fresh = vendor.build()
    comment = committed.pop("$comment"), fresh.pop("$comment")
    assert committed == fresh, "regenerate: python tools/vendor_model_card_schema.py"
    assert "AWS::SageMaker::ModelCard" in comment[0]
    assert vendor.snake("XAxisName") == "x_axis_name" and vendor.snake("EvaluationJobArn") == "evaluation_job_arn"


def test_model_card_schema_is_the_pipeline_schemas_model_card():
    pipeline = json.loads((ROOT / "schemas" / "pipeline.schema.json").read_text())
    card = json.loads((ROOT / "schemas" / "model-card.schema.json").read_text())
    yaml_card = pipeline["$defs"]["register_model"]["properties"]["model_card"]
    assert set(yaml_card["properties"]) == {"status"} | set(card["$defs"]["Content"]["properties"])
    assert yaml_card["properties"]["status"]["enum"] == card["status"]["enum"]
