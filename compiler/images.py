"""SageMaker container image URIs, resolved without importing the SageMaker SDK (~1.3 s).

Reads the SDK's registry (``sagemaker/image_uri_config/*.json``) and botocore's
``endpoints.json`` directly and ports ``sagemaker.image_uris.retrieve`` for the
arguments mlpc uses. Errors are values (:class:`ImageError`); what needs arguments
this module does not take (HuggingFace base_framework_version, Elastic Inference,
training compiler, JumpStart, container_version) is refused, never guessed.
"""

from __future__ import annotations

import json
import os
import re
from typing import NamedTuple

from .pkgdata import package_dir

__all__ = ["ImageError", "retrieve", "frameworks", "versions", "sagemaker_sdk_version", "instance_family"]


class ImageError(NamedTuple):
    message: str
    hint: str | None = None


class _Fail(Exception):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.error = ImageError(message, hint)


# Constants mirrored from sagemaker.image_uris / sagemaker.fw_utils (SDK 2.2xx).
_ECR_URI_TEMPLATE = "{registry}.dkr.{hostname}/{repository}"
_INFERENCE_GRAVITON = "inference_graviton"
_TRAINIUM_ALLOWED_FRAMEWORKS = "pytorch"  # a str in the SDK: `in` is a substring test
_GRAVITON_FAMILIES = ("m6g", "m6gd", "c6g", "c6gd", "c6gn", "c7g", "r6g", "r6gd")
_GRAVITON_FRAMEWORKS = frozenset({"tensorflow", "pytorch", "xgboost", "sklearn"})
_ARM64_TAGS = {
    "xgboost": {"1.5-1": "1.5-1-arm64", "1.3-1": "1.3-1-arm64"},
    "sklearn": {"1.0-1": "1.0-1-arm64-cpu-py3"},
}
_P4D_CONTAINER_VERSIONS = {  # sagemaker.image_uris._get_image_tag, p4d / smdistributed
    "tensorflow-2.3-gpu-py37": "cu110-ubuntu18.04-v3",
    "tensorflow-2.3.1-gpu-py37": "cu110-ubuntu18.04", "tensorflow-2.3.2-gpu-py37": "cu110-ubuntu18.04",
    "tensorflow-1.15-gpu-py37": "cu110-ubuntu18.04-v8",
    "tensorflow-1.15.4-gpu-py37": "cu110-ubuntu18.04", "tensorflow-1.15.5-gpu-py37": "cu110-ubuntu18.04",
    "mxnet-1.8-gpu-py37": "cu110-ubuntu16.04-v1", "mxnet-1.8.0-gpu-py37": "cu110-ubuntu16.04",
    "pytorch-1.6-gpu-py36": "cu110-ubuntu18.04-v3", "pytorch-1.6.0-gpu-py36": "cu110-ubuntu18.04",
    "pytorch-1.6-gpu-py3": "cu110-ubuntu18.04-v3", "pytorch-1.6.0-gpu-py3": "cu110-ubuntu18.04",
}
_SDK_VERSION_REPOS = ("pytorch-training-neuron", "pytorch-training-neuronx",
                      "huggingface-vllm-inference-neuronx")
# Frameworks whose retrieve() needs arguments this module does not accept.
# FRAMEWORKS_WITH_CONTAINER_VERSION_SUFFIX: a caller's container_version is part of their tags
_CONTAINER_VERSION_SUFFIX = frozenset({"huggingface", "pytorch-smp", "spark"})
_UNSUPPORTED = {"huggingface": "needs base_framework_version (and container_version on GPU)"}
_NOT_FRAMEWORKS = frozenset({"instance_gpu_info"})

_CACHE: dict[str, object] = {}


# --------------------------------------------------------------------------- data


def _config_dir() -> str:
    key = "<config_dir>"
    if key not in _CACHE:
        base = package_dir("sagemaker")
        if base is None:
            raise _Fail("the sagemaker SDK is not installed", "pip install 'sagemaker>=2.200,<3'")
        _CACHE[key] = os.path.join(base, "image_uri_config")
    return _CACHE[key]  # type: ignore[return-value]


def _config(framework: str) -> dict:
    key = "config:" + framework
    if key not in _CACHE:
        _config_dir()  # "SDK not installed" before "unknown framework"
        names = frameworks()
        if framework not in names or framework in _NOT_FRAMEWORKS:
            raise _Fail(f"unknown image framework '{framework}'",
                        _did_you_mean(framework, names) or "available: " + ", ".join(names))
        with open(os.path.join(_config_dir(), framework + ".json"), encoding="utf-8") as f:
            _CACHE[key] = json.load(f)
    return _CACHE[key]  # type: ignore[return-value]


def _ecr_hostname(region: str) -> str:
    from . import ecr

    try:
        return ecr.hostname(region)
    except ecr.EcrError as exc:
        raise _Fail(exc.message, exc.hint) from None


def frameworks() -> list[str]:
    """Names with an image config in the installed SDK (sorted)."""
    if "<frameworks>" not in _CACHE:
        try:
            names = os.listdir(_config_dir())
        except (_Fail, OSError):
            names = []
        _CACHE["<frameworks>"] = sorted(
            n[:-5] for n in names if n.endswith(".json") and n[:-5] not in _NOT_FRAMEWORKS)
    return list(_CACHE["<frameworks>"])  # type: ignore[arg-type]


def versions(framework: str, image_scope: str | None = None) -> list[str]:
    """Versions and version aliases of ``framework`` (for one scope, or all), config order."""
    try:
        config = _config(framework)
    except _Fail:
        return []
    if "versions" in config:
        scopes = [config]
    else:
        scopes = [c for s, c in config.items()
                  if isinstance(c, dict) and image_scope in (None, s) and "versions" in c]
    out: dict[str, None] = {}
    for scoped in scopes:
        out.update(dict.fromkeys(scoped["versions"]))
        out.update(dict.fromkeys(scoped.get("version_aliases", {})))
    return list(out)


def sagemaker_sdk_version() -> str:
    """Version of the installed SageMaker SDK (read from package metadata, no import)."""
    from importlib import metadata

    try:
        return metadata.version("sagemaker")
    except metadata.PackageNotFoundError:
        return ""


def retrieve(framework: str, region: str, version: str | None = None, *,
             instance_type: str | None = None, py_version: str | None = None,
             image_scope: str | None = None, container_version: str | None = None,
             smdistributed: bool = False) -> str | ImageError:
    """Same URI as ``sagemaker.image_uris.retrieve(framework, region, version=version,
    instance_type=instance_type, py_version=py_version, image_scope=image_scope,
    container_version=container_version, distribution=D)`` where D has an ``smdistributed``
    strategy when `smdistributed` is true, or an :class:`ImageError` where the SDK would
    raise (or where this reader cannot be sure to match it)."""
    try:
        return _retrieve(framework, region, version, instance_type, py_version, image_scope,
                         container_version, smdistributed)
    except _Fail as fail:
        return fail.error
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        return ImageError(f"cannot resolve an image for {framework} {version or ''}".rstrip()
                          + f": unsupported image config shape ({type(exc).__name__}: {exc})")


# ---------------------------------------------------------------------- the port


def _retrieve(framework, region, version, instance_type, py_version, image_scope,
              requested_container_version=None, smdistributed=False) -> str:
    if framework in _UNSUPPORTED:
        raise _Fail(f"image framework '{framework}' is not supported by mlpc: it "
                    + _UNSUPPORTED[framework], "set image_uri explicitly")
    _config(framework)  # unknown framework -> did-you-mean, before anything else
    inference_tool = None
    config_name = framework
    if framework in _TRAINIUM_ALLOWED_FRAMEWORKS:
        family = instance_family(instance_type)
        if family.startswith("inf") or family.startswith("trn"):
            inference_tool = "neuron"
            config_name = f"{framework}-{inference_tool}"
    final_scope = _final_scope(framework, instance_type, image_scope)
    _check_instance_for_framework(framework, instance_type)
    config = _scoped_config(config_name, final_scope)

    version = _check_version(version, config, framework, image_scope)
    version_config = config["versions"][config.get("version_aliases", {}).get(version, version)]
    if "version_aliases" in version_config:  # HuggingFace shape: keyed by base framework
        raise _Fail(f"image framework '{framework}' is not supported by mlpc: its images are "
                    "keyed by base framework version", "set image_uri explicitly")
    py_version = _check_py_version(py_version, version_config, framework, version)
    version_config = version_config.get(py_version) or version_config

    registries = version_config["registries"]
    if region not in registries:
        close = _did_you_mean(region, list(registries))
        raise _Fail(f"{_named(framework, version)} has no image in region '{region}'",
                    (close + " " if close else "") + "regions: " + ", ".join(registries))
    registry = registries[region]
    hostname = _ecr_hostname(region)
    repo = version_config["repository"]
    processors = config.get("processors") or version_config.get("processors")
    processor = _processor(instance_type, processors, framework, version)

    container_version = requested_container_version
    if version_config.get("container_version"):
        container_version = version_config["container_version"][processor]
    if repo in _SDK_VERSION_REPOS:
        sdk_version = sorted(version_config["sdk_versions"], reverse=True)[0]
        container_version = sdk_version + "-" + container_version
    tag_prefix = version_config.get("tag_prefix", version)
    if repo == f"{framework}-inference-graviton":
        container_version = f"{container_version}-sagemaker"
    if instance_family(instance_type) == "p2" and (
            (framework == "pytorch" and _version_ge(version, "1.13"))
            or (framework == "tensorflow" and _version_ge(version, "2.12"))):
        raise _Fail(f"P2 instances are deprecated for {_named(framework, version)}",
                    "use a newer GPU family, e.g. ml.g5 or ml.p3")

    if (requested_container_version is not None and not version_config.get("container_version")
            and framework not in _CONTAINER_VERSION_SUFFIX and repo != f"{framework}-inference-graviton"
            and "neuron" not in repo):
        raise _Fail(f"container_version '{requested_container_version}' is not supported for {_named(framework, version)}",
                    "its image tags carry no container version")
    tag = _image_tag(framework, final_scope, instance_type, processor, py_version,
                     container_version, inference_tool, tag_prefix, version, smdistributed)
    if tag:
        repo += ":" + tag
    return _ECR_URI_TEMPLATE.format(registry=registry, hostname=hostname, repository=repo)


def _named(framework: str, version) -> str:
    """"sklearn 1.2-1", or just "model-monitor" for an image without versions (no double space)."""
    return f"{framework} {version}" if version else framework


def instance_family(instance_type: str | None) -> str:
    """``sagemaker.utils.get_instance_type_family``."""
    if isinstance(instance_type, str):
        match = re.match(r"^ml[\._]([a-z\d\-]+)\.?\w*$", instance_type)
        if match is not None:
            return match[1]
    return ""


def _final_scope(framework, instance_type, image_scope):
    if framework in _GRAVITON_FRAMEWORKS and instance_family(instance_type) in _GRAVITON_FAMILIES:
        return _INFERENCE_GRAVITON
    if image_scope is None and framework in ("xgboost", "sklearn"):
        return "training"
    return image_scope


def _check_instance_for_framework(framework, instance_type):
    if instance_type is not None and "trn" in instance_type \
            and framework not in _TRAINIUM_ALLOWED_FRAMEWORKS:
        raise _Fail(f"{framework} has no images for Trainium instances ({instance_type})",
                    "Trainium instances support: pytorch")
    if instance_type is not None and instance_family(instance_type) in _GRAVITON_FAMILIES \
            and framework not in _GRAVITON_FRAMEWORKS:
        raise _Fail(f"{framework} has no images for Graviton instances ({instance_type})",
                    "Graviton instances support: " + ", ".join(sorted(_GRAVITON_FRAMEWORKS)))


def _scoped_config(name, image_scope):
    """``_config_for_framework_and_scope`` without Elastic Inference."""
    config = _config(name)
    available = config.get("scope", list(config.keys()))
    if len(available) == 1:
        image_scope = available[0]
    if not image_scope and "scope" in config and set(available) == {"training", "inference"}:
        image_scope = available[0]
    if image_scope not in available:
        what = f"has no image scope '{image_scope}'" if image_scope else "needs an image_scope"
        raise _Fail(f"{name} {what}", "available: " + ", ".join(available))
    return config if "scope" in config else config[image_scope]


def _check_version(version, config, framework, image_scope):
    available = list(config["versions"].keys())
    aliases = list(config.get("version_aliases", {}).keys())
    if len(available) == 1 and version not in aliases:
        return available[0]
    if not version:
        version = _latest_version(_config(framework), image_scope)
    if version not in available + aliases:
        what = "needs an explicit version" if version is None else f"has no version '{version}'"
        raise _Fail(f"{framework} {what}", "available: " + ", ".join(available + aliases))
    return version


def _latest_version(full_config, image_scope):
    """``_fetch_latest_version_from_config``."""
    scoped = full_config.get(image_scope) if image_scope in full_config else None
    if isinstance(scoped, dict) and "latest" in scoped.get("version_aliases", {}):
        return scoped["version_aliases"]["latest"]
    if "versions" in full_config:
        keys = list(full_config["versions"].keys())
        if len(keys) == 1:
            return keys[0]
        if "latest" in (keys[0], keys[-1]):
            return None
    elif image_scope is not None and image_scope in full_config \
            and "versions" in full_config[image_scope]:
        keys = list(full_config[image_scope]["versions"].keys())
    elif "processing" in full_config and "versions" in full_config["processing"]:
        keys = list(full_config["processing"]["versions"].keys())
    else:
        return None
    top, bottom = keys[0], keys[-1]
    if not (top and bottom):
        return None
    if top.endswith(".x") or bottom.endswith(".x"):
        return f"{max(int(top[:-2]), int(bottom[:-2]))}.x"
    return top if _version_ge(top, bottom) else bottom


def _version_ge(a: str, b: str) -> bool:
    """``packaging.version.Version(a) >= Version(b)`` (packaging is imported lazily)."""
    from packaging.version import Version

    return Version(a) >= Version(b)


def _check_py_version(py_version, version_config, framework, version):
    if "repository" in version_config:
        available = version_config.get("py_versions")
    else:
        available = list(version_config.keys())
    if not available:
        return None
    if py_version is None and framework == "spark":
        return None
    if py_version is None and len(available) == 1:
        return available[0]
    if py_version not in available:
        what = "needs a py_version" if py_version is None else f"has no py_version '{py_version}'"
        raise _Fail(f"{_named(framework, version)} {what}", "available: " + ", ".join(available))
    return py_version


def _processor(instance_type, available, framework, version):
    if not available:
        return None
    if len(available) == 1 and not instance_type:
        return available[0]
    if not instance_type:
        raise _Fail(f"{_named(framework, version)} needs an instance type to choose among "
                    + "/".join(available) + " images")
    if instance_type.startswith("local"):
        processor = "cpu" if instance_type == "local" else "gpu"
    elif instance_type.startswith("neuron"):
        processor = "neuron"
    else:
        family = instance_family(instance_type)
        if not family:
            raise _Fail(f"invalid SageMaker instance type '{instance_type}'",
                        "expected ml.<family>.<size>, e.g. ml.m5.large")
        if family in available:
            processor = family
        elif family.startswith("inf"):
            processor = "inf"
        elif family.startswith("trn"):
            processor = "trn"
        elif family[0] in ("g", "p"):
            processor = "gpu"
        else:
            processor = "cpu"
    if processor not in available:
        raise _Fail(f"{_named(framework, version)} has no {processor} image (for {instance_type})",
                    "available processors: " + ", ".join(available))
    return processor


def _format_tag(tag_prefix, processor, py_version, container_version, inference_tool):
    middle = inference_tool if inference_tool else processor
    return "-".join(x for x in (tag_prefix, middle, py_version, container_version) if x)


def _image_tag(framework, final_scope, instance_type, processor, py_version,
               container_version, inference_tool, tag_prefix, version, smdistributed=False):
    family = instance_family(instance_type)
    if framework in ("xgboost", "sklearn"):
        if family and final_scope == _INFERENCE_GRAVITON and family not in _GRAVITON_FAMILIES:
            raise _Fail(f"{instance_type} is not a Graviton instance type",
                        "Graviton families: " + ", ".join(_GRAVITON_FAMILIES))
        if family in _GRAVITON_FAMILIES or final_scope == _INFERENCE_GRAVITON:
            arm64 = _ARM64_TAGS[framework]
            if version not in arm64:
                raise _Fail(f"{_named(framework, version)} has no Graviton (arm64) image",
                            "available: " + ", ".join(arm64))
            tag = arm64[version]
        else:
            tag = _format_tag(tag_prefix, processor, py_version, container_version, inference_tool)
    else:
        tag = _format_tag(tag_prefix, processor, py_version, container_version, inference_tool)
        if instance_type is not None and (family == "p4d" or smdistributed):  # _should_auto_select_container_version
            key = f"{framework}-{tag}"
            if key in _P4D_CONTAINER_VERSIONS:
                tag = f"{tag}-{_P4D_CONTAINER_VERSIONS[key]}"
    if framework == "sagemaker-tritonserver" and processor == "gpu":
        tag = tag.rstrip("-gpu")  # sic: the SDK strips characters, not a suffix
    return tag


def _did_you_mean(word: str, options: list[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(word, options, n=3, cutoff=0.6)
    return ("did you mean " + " or ".join(repr(c) for c in close) + "?") if close else None
