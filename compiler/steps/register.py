"""RegisterModel -> CreateModelPackage arguments (a version in a ModelPackageGroup)."""

from __future__ import annotations

from .common import Rendered
from .evidence import drift_check_baselines, model_card, model_metrics
from .model import container

# Frameworks whose SDK model classes record `Framework` on the package's container when
# registering (SKLearnModel.register, XGBoostModel.register, ...): the upper-cased name.
FRAMEWORK_MODELS = frozenset({"sklearn", "xgboost", "pytorch", "tensorflow", "mxnet", "chainer"})

def render(step, ctx) -> Rendered:
    origins: dict = {("ModelPackageGroupName",): ("model_package_group",),
                     ("ModelApprovalStatus",): ("approval_status",),
                     ("InferenceSpecification", "SupportedContentTypes"): ("content_types",),
                     ("InferenceSpecification", "SupportedResponseMIMETypes"): ("response_types",),
                     ("InferenceSpecification", "SupportedRealtimeInferenceInstanceTypes"): ("inference_instances",),
                     ("InferenceSpecification", "SupportedTransformInstanceTypes"): ("transform_instances",),
                     ("CustomerMetadataProperties",): ("customer_metadata",)}
    box = container(step, ctx, origins, ("InferenceSpecification", "Containers", 0))
    if step.get("framework") in FRAMEWORK_MODELS:
        box["Framework"] = step.get("framework").upper()
    spec = {"Containers": [box],
            "SupportedContentTypes": ctx.tree(step, ("content_types",), step.get("content_types")),
            "SupportedResponseMIMETypes": ctx.tree(step, ("response_types",), step.get("response_types"))}
    if step.get("inference_instances") is not None:
        spec["SupportedRealtimeInferenceInstanceTypes"] = ctx.tree(step, ("inference_instances",), step.get("inference_instances"))
    if step.get("transform_instances") is not None:
        spec["SupportedTransformInstanceTypes"] = ctx.tree(step, ("transform_instances",), step.get("transform_instances"))
    args: dict = {"ModelPackageGroupName": ctx.value(step, ("model_package_group",))}
    if step.get("description"):
        args["ModelPackageDescription"] = step.get("description")
    metrics = model_metrics(step, ctx, origins)
    if metrics:
        args["ModelMetrics"] = metrics
    baselines = drift_check_baselines(step, ctx, origins)
    if baselines:
        args["DriftCheckBaselines"] = baselines
    if step.get("customer_metadata"):
        args["CustomerMetadataProperties"] = ctx.tree(step, ("customer_metadata",), step.get("customer_metadata"))
    for key, member in (("domain", "Domain"), ("task", "Task"), ("sample_payload_url", "SamplePayloadUrl")):
        if step.get(key) is not None:
            args[member] = ctx.value(step, (key,))
            origins[(member,)] = (key,)
    args["InferenceSpecification"] = spec
    # No CertifyForMarketplace: SageMaker Pipelines sets it at execution time (the SDK pops it too).
    args["ModelApprovalStatus"] = ctx.value(step, ("approval_status",), step.get("approval_status", "PendingManualApproval"))
    args["SkipModelValidation"] = "None"
    card = model_card(step, origins)
    if card is not None:
        args["ModelCard"] = card
    return Rendered(args, origins)
