"""ModelStep (CreateModel) and the container spec shared with RegisterModel."""

from __future__ import annotations

from .common import Rendered
from .images import step_image


def container(step, ctx, origins: dict, prefix: tuple, *, json_env: bool = False, image=None) -> dict:
    """Image + ModelDataUrl + Environment; script mode adds SAGEMAKER_PROGRAM/SUBMIT_DIRECTORY.

    The image comes from `image:`, `algorithm:` or `framework:` (steps/images.py), unless the
    caller resolved it already (`image`: (value, yaml path))."""
    image, ipath = image if image is not None else step_image(step, ctx, scope="inference")
    out = {"Image": image}
    origins[prefix + ("Image",)] = ipath
    env = ctx.tree(step, ("environment",), step.get("environment") or {})
    if step.get("entry_point"):
        src = step.get("source_dir")
        uri = ctx.upload_sourcedir(step, ("source_dir",) if src else ("entry_point",), src or step.get("entry_point"))
        env = {"SAGEMAKER_PROGRAM": step.get("entry_point").split("/")[-1] if not src else step.get("entry_point"),
               "SAGEMAKER_SUBMIT_DIRECTORY": uri, "SAGEMAKER_CONTAINER_LOG_LEVEL": "20",
               "SAGEMAKER_REGION": ctx.pipeline.region, **env}
    if env:  # an empty map says nothing; the SDK's RegisterModel(estimator=...) leaves it out too
        out["Environment"] = env
        origins[prefix + ("Environment",)] = ("environment",)
    out["ModelDataUrl"] = ctx.value(step, ("model_data",))
    origins[prefix + ("ModelDataUrl",)] = ("model_data",)
    return out


def render(step, ctx) -> Rendered:
    origins: dict = {("ExecutionRoleArn",): ()}
    args = {"ExecutionRoleArn": ctx.pipeline.role, "PrimaryContainer": container(step, ctx, origins, ("PrimaryContainer",))}
    return Rendered(args, origins)
