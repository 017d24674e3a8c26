"""What QualityCheck and ClarifyCheck steps share: the check members, the processing job
that computes the baseline and its image, which fields each check type takes, and the properties it exposes.

Follows the SDK v2's QualityCheckStep / ClarifyCheckStep (sagemaker/workflow/quality_check_step.py,
clarify_check_step.py) and CheckJobConfig (check_job_config.py): the job runs as
CreateProcessingJob Arguments, and the check's own settings are step members beside them.
"""

from __future__ import annotations

from ..expressions import ExecutionVariable, Join, Unresolved

OUTPUT_DIR = "/opt/ml/processing/output"
DEFAULT_INSTANCE_TYPE = "ml.m5.xlarge"  # CheckJobConfig's default

# check -> (CheckType, properties it exposes: YAML name -> definition property), per the SDK's
# step classes: a clarify check computes constraints only (no statistics).
_QUALITY_PROPS = {
    "calculated_baseline_constraints": "CalculatedBaselineConstraints",
    "calculated_baseline_statistics": "CalculatedBaselineStatistics",
    "baseline_used_for_drift_check_constraints": "BaselineUsedForDriftCheckConstraints",
    "baseline_used_for_drift_check_statistics": "BaselineUsedForDriftCheckStatistics",
}
_CLARIFY_PROPS = {
    "calculated_baseline_constraints": "CalculatedBaselineConstraints",
    "baseline_used_for_drift_check_constraints": "BaselineUsedForDriftCheckConstraints",
}
CHECKS = {
    "data_quality": ("DATA_QUALITY", _QUALITY_PROPS), "model_quality": ("MODEL_QUALITY", _QUALITY_PROPS),
    "data_bias": ("DATA_BIAS", _CLARIFY_PROPS), "model_bias": ("MODEL_BIAS", _CLARIFY_PROPS),
    "model_explainability": ("MODEL_EXPLAINABILITY", _CLARIFY_PROPS),
}

# Fields that only some check types take (everything else applies to all of a step type's checks).
# field -> the checks that take it ("required" ones are listed in REQUIRED).
ONLY_FOR = {
    "problem_type": ("model_quality",), "inference_attribute": ("model_quality",),
    "probability_attribute": ("model_quality",), "ground_truth_attribute": ("model_quality",),
    "probability_threshold_attribute": ("model_quality",),
    "bias": ("data_bias", "model_bias"), "model": ("model_bias", "model_explainability"),
    "predicted_label": ("model_bias",), "shap": ("model_explainability",),
    "model_scores": ("model_explainability",),
}
REQUIRED = {
    "model_quality": ("problem_type",), "data_bias": ("bias",), "model_bias": ("bias", "model", "predicted_label"),
    "model_explainability": ("model", "shap"),
}


def check_property(target, prop: str, resolver, path: tuple, offset: int):
    """`${steps.X.calculated_baseline_constraints}` etc. -> Steps.X.CalculatedBaselineConstraints, for the
    properties the check type exposes (stepkinds `properties`); anything else is R015 with did-you-mean."""
    from ..diagnostics import did_you_mean
    from ..expressions import StepProperty

    exposed = check_properties(target)
    if prop in exposed:
        return StepProperty(target.name, exposed[prop], "String")
    check = target.get("check")
    names = list(CHECKS[check][1])
    hint = did_you_mean(prop, names) or "it exposes: " + ", ".join(names)
    if prop in _QUALITY_PROPS or prop in _QUALITY_PROPS.values():  # a statistics property of a clarify check
        hint = f"a {check} check computes constraints only; it exposes: " + ", ".join(names)
    resolver.error("R015", f"{check} check '{target.name}' has no property '{prop}'", path, offset, hint)
    return None


def check_properties(step) -> dict:
    """YAML property name -> definition property, for a check step (both spellings accepted)."""
    props = CHECKS[step.get("check")][1]
    return {**props, **{v: v for v in props.values()}}


def check_fields(step, ctx) -> None:
    """Fields of another check type, and missing required ones, as diagnostics."""
    check = step.get("check")
    for field, takers in ONLY_FOR.items():
        if step.get(field) is not None and check not in takers:
            ctx.error(step, (field,), "K010", f"'{field}' does not apply to a {check} check",
                      f"it is for check: {' or '.join(takers)}")
    for field in REQUIRED.get(check, ()):
        if step.get(field) is None:
            ctx.error(step, ("check",), "K011", f"a {check} check needs '{field}'",
                      f"add `{field}:` to step '{step.name}'")


def default_output(pipeline, step, output_name: str) -> Join:
    """s3://BUCKET/PIPELINE/EXECUTION_ID/STEP/output/NAME, like a processing output (the SDK's own
    default has a timestamped job name in it, so it would differ on every compile)."""
    return Join("/", ("s3:/", pipeline.bucket, pipeline.name, ExecutionVariable("PipelineExecutionId"),
                      step.name, "output", output_name))


def s3_input(name: str, uri, local_path: str) -> dict:
    return {"InputName": name, "AppManaged": False, "S3Input": {
        "S3Uri": uri, "LocalPath": local_path, "S3DataType": "S3Prefix", "S3InputMode": "File",
        "S3DataDistributionType": "FullyReplicated", "S3CompressionType": "None"}}


def job_arguments(step, ctx, origins: dict, image: str, inputs: list, output_name: str, env: dict | None) -> dict:
    """CreateProcessingJob Arguments of the baselining job, as CheckJobConfig's processor renders them."""
    output_uri = (ctx.value(step, ("output_path",)) if step.get("output_path") is not None
                  else default_output(ctx.pipeline, step, output_name))
    args = {
        "ProcessingResources": {"ClusterConfig": {
            "InstanceCount": ctx.value(step, ("instance_count",), step.get("instance_count", 1)),
            "InstanceType": ctx.value(step, ("instance_type",), step.get("instance_type", DEFAULT_INSTANCE_TYPE)),
            "VolumeSizeInGB": ctx.value(step, ("volume_size_gb",), step.get("volume_size_gb", 30))}},
        "AppSpecification": {"ImageUri": image},
        "RoleArn": ctx.pipeline.role,
        "ProcessingInputs": inputs,
        "ProcessingOutputConfig": {"Outputs": [{"OutputName": output_name, "AppManaged": False, "S3Output": {
            "S3Uri": output_uri, "LocalPath": OUTPUT_DIR, "S3UploadMode": "EndOfJob"}}]},
    }
    origins.update({("ProcessingResources", "ClusterConfig", "InstanceType"): ("instance_type",),
                    ("ProcessingResources", "ClusterConfig", "InstanceCount"): ("instance_count",),
                    ("ProcessingResources", "ClusterConfig", "VolumeSizeInGB"): ("volume_size_gb",),
                    ("AppSpecification", "ImageUri"): ("check",), ("RoleArn",): (),
                    ("ProcessingOutputConfig",): ("output_path",)})
    if env:
        args["Environment"] = env
        origins[("Environment",)] = ("environment",)
    if step.get("max_runtime_seconds") is not None:
        args["StoppingCondition"] = {"MaxRuntimeInSeconds": ctx.value(step, ("max_runtime_seconds",))}
        origins[("StoppingCondition",)] = ("max_runtime_seconds",)
    return args


def check_image(step, ctx, framework: str, image_scope: str):
    """The check job's image from the SDK's image registry (`model-monitor` or `clarify`, per region);
    an unknown region is I002 at the step's check and an Unresolved image."""
    from .. import images
    from .images import retrieve

    got = retrieve(ctx, framework, None, image_scope=image_scope)
    if not isinstance(got, images.ImageError):
        return got
    ctx.error(step, ("check",), "I002", got.message, got.hint)
    return Unresolved(framework)


def check_members(step, ctx, *, statistics: bool) -> tuple[dict, dict]:
    """-> (step members, their origins): CheckType, SkipCheck, ... as the SDK's to_request() adds them.

    The SDK writes null for an unset ModelPackageGroupName / SuppliedBaseline*; mlpc leaves them
    out (docs/sdk-parity.md, "check-step-nulls")."""
    members = {"CheckType": CHECKS[step.get("check")][0]}
    origins = {("CheckType",): ("check",)}
    for key, member, default in (("skip_check", "SkipCheck", False), ("fail_on_violation", "FailOnViolation", True),
                                 ("register_new_baseline", "RegisterNewBaseline", False)):
        value = ctx.value(step, (key,), step.get(key, default))
        _boolean(step, ctx, key, value)
        members[member] = value
        origins[(member,)] = (key,)
    optional = [("model_package_group", "ModelPackageGroupName"),
                ("supplied_baseline_constraints", "SuppliedBaselineConstraints")]
    if statistics:
        optional.append(("supplied_baseline_statistics", "SuppliedBaselineStatistics"))
    for key, member in optional:
        if step.get(key) is not None:
            members[member] = ctx.value(step, (key,))
            origins[(member,)] = (key,)
    return members, origins


def _boolean(step, ctx, key: str, value) -> None:
    from ..expressions import Expr

    if isinstance(value, bool):
        return
    if isinstance(value, Expr) and value.type in ("Boolean", None):
        return
    got = value.type if isinstance(value, Expr) else type(value).__name__
    ctx.error(step, (key,), "K012", f"'{key}' must be true, false or a Boolean parameter (got {got})",
              "e.g. skip_check: ${params.SkipDataQualityCheck} with SkipDataQualityCheck: {type: Boolean}")
