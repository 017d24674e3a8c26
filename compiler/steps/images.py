"""Choose a step's container image: explicit `image`, or the SDK's image registry."""

from __future__ import annotations

from ..expressions import Unresolved

# Step types that take `algorithm:` (a built-in algorithm's image) besides `framework:`.
ALGORITHM_KINDS = frozenset({"training", "tuning", "model", "register_model"})


def step_image(step, ctx, *, scope: str):
    """A step's image from `image:`, `algorithm:` (+ algorithm_version) or `framework:` (+ framework_version),
    as training steps choose it."""
    if step.get("image") is None and step.get("algorithm") is not None:
        return image_uri(step, ctx, scope=scope, framework_key="algorithm", version_key="algorithm_version")
    return image_uri(step, ctx, scope=scope)


def image_uri(step, ctx, *, scope: str, framework_key: str = "framework", version_key: str = "framework_version"):
    """-> (value, yaml key path) or (None, path) after recording a diagnostic."""
    if step.get("image") is not None:
        return ctx.value(step, ("image",)), ("image",)
    framework = step.get(framework_key)
    if framework is None:
        algorithm = "`algorithm:` and `algorithm_version:` (a built-in algorithm, e.g. xgboost / 1.7-1), " \
            if step.type in ALGORITHM_KINDS else ""
        ctx.error(step, (), "I001", f"{step.type} step '{step.name}' needs an image",
                  f"set `image:` to an ECR URI, {algorithm}or `{framework_key}:` and `{version_key}:` "
                  "(e.g. sklearn / 1.2-1)")
        return Unresolved("image"), ()
    version = step.get(version_key)
    instance = step.get("instance_type")
    if not isinstance(instance, str) or "${" in instance:
        instance = None
    from .. import images

    extra: dict = {}
    if scope == "training" and step.get("distribution") is not None:
        from .distribution import image_arguments

        framework, extra = image_arguments(step, framework, version, instance)
    got = retrieve(ctx, framework, version, instance_type=instance, py_version=step.get("py_version"),
                   image_scope=scope, **extra)
    if not isinstance(got, images.ImageError):
        _other_version_on_graviton(step, ctx, framework, version, got)
        return got, (framework_key,)
    key = version_key if version is not None and framework in images.frameworks() else framework_key
    ctx.error(step, (key,), "I002", got.message, got.hint)
    return Unresolved(f"{framework}:{version}"), (framework_key,)


STAND_IN_REGION = "us-east-1"


def retrieve(ctx, framework: str, version=None, **kwargs):
    """images.retrieve in the pipeline's region -> URI, or ImageError to report. When that region is
    unknown (reported once, at pipeline.region), framework and version are still checked (in
    us-east-1) and the URI is Unresolved: no step repeats the region mistake."""
    from .. import images
    from ..pipeline_values import region_is_known

    region = ctx.pipeline.region
    known = region_is_known(region)
    got = images.retrieve(framework, region if known else STAND_IN_REGION, version, **kwargs)
    if isinstance(got, str) and not known:
        return Unresolved(f"{framework}:{version}" if version else framework)
    return got


def _other_version_on_graviton(step, ctx, framework, version, uri) -> None:
    """The SDK's registry maps every scikit-learn version to its one arm64 image (1.0-1) on Graviton
    instances: the job then runs another scikit-learn than the YAML says. The URI is the SDK's (parity);
    the difference is said where the instance type chose it."""
    if not isinstance(uri, str) or not isinstance(version, str) or "-arm64" not in uri:
        return
    tag = uri.rsplit(":", 1)[-1]
    if tag.startswith(version + "-"):
        return
    got = tag.split("-arm64", 1)[0]
    ctx.warning(step, ("instance_type",), "I004",
                f"{framework} {version} has no Graviton (arm64) image: on {step.get('instance_type')} the job runs "
                f"the {got} image ({tag})",
                f"use an x86 instance type for {framework} {version}, or framework_version: \"{got}\" to say what runs")
