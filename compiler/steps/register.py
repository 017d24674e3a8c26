"""RegisterModel -> CreateModelPackage arguments (a version in a ModelPackageGroup)."""

from __future__ import annotations

from ..expressions import Unresolved
from . import model_ref
from .common import Rendered
from .evidence import drift_check_baselines, model_card, model_metrics
from .images import step_image
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
    box = _container(step, ctx, origins, ("InferenceSpecification", "Containers", 0))
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


def _container(step, ctx, origins: dict, prefix: tuple) -> dict:
    """The package's container: the step's own fields, or those of the model step `model:` names."""
    ref = model_ref.lookup(step, ctx)
    if not ref.given:
        box = container(step, ctx, origins, prefix)
        if step.get("model_data") is None:  # reported by model_ref (K024)
            box["ModelDataUrl"] = Unresolved("model_data")
        framework = step.get("framework")
    elif ref.step is None:  # reported by model_ref; a stand-in keeps the shape check quiet
        origins[prefix] = ("model",)
        return {"Image": Unresolved("model")}
    else:
        view = model_ref.container_view(ref.step, step)
        box = container(view, ctx, {}, prefix, image=_image(view, step, ctx))
        origins[prefix] = ("model",)  # shape findings on the copied container point at `model:`
        framework = view.get("framework")
    if framework in FRAMEWORK_MODELS:
        box["Framework"] = framework.upper()
    return box


def _image(view, step, ctx):
    """The model step's image; a framework image again for `inference_instances[0]`, as the SDK's
    framework models resolve it in register() (an explicit image or built-in algorithm is kept)."""
    image = step_image(view, ctx, scope="inference")
    instance = model_ref.first_inference_instance(step)
    if (view.get("image") is not None or view.get("algorithm") is not None or view.get("framework") is None
            or instance is None or instance == view.get("instance_type") or isinstance(image[0], Unresolved)):
        return image
    from .. import images

    got = images.retrieve(view.get("framework"), ctx.pipeline.region, view.get("framework_version"),
                          instance_type=instance, py_version=view.get("py_version"), image_scope="inference")
    if isinstance(got, str):
        return got, ("model",)
    ctx.error(step, ("inference_instances", 0), "I002", f"{got.message} (registering model step '{view.path[-1]}' "
                                                        f"for {instance})",
              (got.hint + "; " if got.hint else "") + "a framework model is registered with its image for the first "
              "inference_instances entry, as the SDK's register() resolves it")
    return Unresolved("image"), ("model",)
