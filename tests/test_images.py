"""mlpc.images must agree with sagemaker.image_uris.retrieve (the oracle) exactly.

The oracle is imported inside the tests only; mlpc.images itself never imports sagemaker.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import warnings

import pytest

from mlpc import images
from mlpc.images import ImageError

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1"]


@pytest.fixture(scope="module")
def sdk():
    """sagemaker.image_uris with botocore's endpoint resolver built once (same data, faster)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SDK v2 deprecation notice
        from sagemaker import image_uris, utils

    resolver = utils._botocore_resolver()
    original = utils._botocore_resolver
    utils._botocore_resolver = lambda: resolver
    sm_logger = logging.getLogger("sagemaker")
    level = sm_logger.level
    sm_logger.setLevel(logging.CRITICAL)
    yield image_uris
    utils._botocore_resolver = original
    sm_logger.setLevel(level)


def oracle(sdk, framework, region, version=None, **kw):
    try:
        return sdk.retrieve(framework, region, version=version, **kw)
    except Exception as exc:  # noqa: BLE001 - any SDK failure counts as "no image"
        return exc


def assert_parity(sdk, framework, region, version=None, **kw):
    ours = images.retrieve(framework, region, version, **kw)
    theirs = oracle(sdk, framework, region, version, **kw)
    assert isinstance(ours, str), f"{framework} {version} {region} {kw}: {ours} (sdk: {theirs!r})"
    assert ours == theirs, (framework, region, version, kw)
    return ours


# ------------------------------------------------------------------ brief's matrix


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("version", ["0.23-1", "1.0-1", "1.2-1"])
def test_sklearn_processing(sdk, version, region):
    # SKLearnProcessor calls retrieve("sklearn", region, version=..., instance_type=...)
    uri = assert_parity(sdk, "sklearn", region, version, instance_type="ml.m5.large")
    assert uri.endswith(f"/sagemaker-scikit-learn:{version}-cpu-py3")


def test_sklearn_china_domain(sdk):
    uri = assert_parity(sdk, "sklearn", "cn-north-1", "1.2-1", instance_type="ml.m5.large")
    assert ".dkr.ecr.cn-north-1.amazonaws.com.cn/" in uri


XGB_LATEST = [v for v in images.versions("xgboost", "training") if v not in ("1", "latest")][-1]


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1",
                                    "us-gov-west-1", "sa-east-1"])
@pytest.mark.parametrize("version", ["1.5-1", "1.7-1", XGB_LATEST, "latest", "1"])
def test_xgboost_training(sdk, version, region):
    assert_parity(sdk, "xgboost", region, version, instance_type="ml.m5.xlarge",
                  image_scope="training")


def test_xgboost_gpu_and_default_py(sdk):
    assert_parity(sdk, "xgboost", "us-east-1", "1.7-1", instance_type="ml.g5.xlarge",
                  py_version="py3", image_scope="training")


PYTORCH = [("2.1", "py310"), ("2.2.0", "py310"), ("2.3", "py311"), ("2.4.0", "py311"),
           ("1.13.1", "py39")]


@pytest.mark.parametrize("scope", ["training", "inference"])
@pytest.mark.parametrize("instance_type", ["ml.m5.xlarge", "ml.c5.2xlarge", "ml.p3.2xlarge",
                                           "ml.g5.2xlarge", "ml.p4d.24xlarge"])
@pytest.mark.parametrize("version,py", PYTORCH)
def test_pytorch(sdk, version, py, instance_type, scope):
    uri = assert_parity(sdk, "pytorch", "us-west-2", version, instance_type=instance_type,
                        py_version=py, image_scope=scope)
    processor = "gpu" if instance_type.split(".")[1][0] in "gp" else "cpu"
    assert f"-{processor}-{py}" in uri


def test_pytorch_gpu_example(sdk):
    uri = assert_parity(sdk, "pytorch", "us-east-1", "2.1", instance_type="ml.p3.2xlarge",
                        py_version="py310", image_scope="training")
    assert uri == "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-gpu-py310"


@pytest.mark.parametrize("scope", ["training", "inference"])
@pytest.mark.parametrize("instance_type", ["ml.m5.large", "ml.p3.2xlarge"])
@pytest.mark.parametrize("version,py", [("2.13", "py310"), ("2.14.1", "py310"), ("2.16", "py310")])
def test_tensorflow(sdk, version, py, instance_type, scope):
    assert_parity(sdk, "tensorflow", "eu-central-1", version, instance_type=instance_type,
                  py_version=py, image_scope=scope)


@pytest.mark.parametrize("framework", ["pytorch", "tensorflow", "xgboost", "sklearn"])
def test_graviton_inference(sdk, framework):
    version = {"pytorch": "2.0", "tensorflow": "2.12", "xgboost": "1.5-1", "sklearn": "1.0-1"}
    assert_parity(sdk, framework, "us-east-1", version[framework], instance_type="ml.c6g.xlarge",
                  image_scope="inference")


@pytest.mark.parametrize("algo", ["linear-learner", "kmeans", "blazingtext", "pca", "knn",
                                  "factorization-machines", "forecasting-deepar"])
@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "cn-northwest-1"])
def test_builtin_algorithms(sdk, algo, region):
    assert_parity(sdk, algo, region)


@pytest.mark.parametrize("region", ["il-central-1", "us-gov-east-1", "us-iso-east-1",
                                    "us-isob-east-1", "ap-southeast-7", "mx-central-1"])
def test_other_partitions(sdk, region):
    ours = images.retrieve("linear-learner", region)
    theirs = oracle(sdk, "linear-learner", region)
    if isinstance(theirs, Exception):
        assert isinstance(ours, ImageError)
    else:
        assert ours == theirs


def test_ecr_hostname_for_every_registry_region():
    """Every region any config lists resolves to botocore's ECR hostname."""
    from sagemaker import utils

    resolver = utils._botocore_resolver()
    regions = set()
    for name in images.frameworks():
        text = open(os.path.join(images._config_dir(), name + ".json")).read()
        regions.update(_registry_regions(json.loads(text)))
    assert len(regions) > 30
    for region in sorted(regions):
        expected = resolver.construct_endpoint("ecr", region)
        if region == "il-central-1" and not expected:
            expected = {"hostname": "ecr.il-central-1.amazonaws.com"}
        assert images._ecr_hostname(region) == expected["hostname"], region


def _registry_regions(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "registries" and isinstance(value, dict):
                yield from value
            else:
                yield from _registry_regions(value)


# --------------------------------------------------------------------------- sweep

SWEEP_INSTANCES = [None, "ml.m5.large", "ml.p3.2xlarge", "ml.g5.xlarge", "ml.c6g.large",
                   "ml.inf1.xlarge", "ml.trn1.2xlarge", "ml.p4d.24xlarge", "ml.p2.xlarge", "local",
                   "local_gpu", "bogus"]
SWEEP_REGIONS = ["us-east-1", "cn-north-1", "eu-west-2", "us-gov-west-1", "il-central-1",
                 "ap-southeast-5", "mars-north-1"]


def _sweep_cases():
    """All frameworks x scopes x versions (and aliases) x py_versions; each of those gets three
    instance types, rotating through SWEEP_INSTANCES (the full product takes over a minute)."""
    n = 0
    for framework in images.frameworks():
        config = images._config(framework)
        scopes = [None] + list(config.get("scope", [k for k in config if k != "versions"]))
        for scope in scopes:
            for version in [None] + images.versions(framework, scope):
                py_versions = {None, "py3", "py310"} | _py_versions(config, scope, version)
                for py in sorted(py_versions, key=str):
                    n += 1
                    for j in range(3):
                        instance_type = SWEEP_INSTANCES[(n * 5 + j) % len(SWEEP_INSTANCES)]
                        yield framework, scope, version, py, instance_type


def _py_versions(config, scope, version):
    scoped = config.get(scope, config) if scope else config
    if not isinstance(scoped, dict):
        return set()
    vcfg = scoped.get("versions", {}).get(scoped.get("version_aliases", {}).get(version, version))
    if not isinstance(vcfg, dict):
        return set()
    return set(vcfg.get("py_versions") or [k for k in vcfg if k.startswith("py")])


def test_sweep_parity_all_configs(sdk):
    """Every (framework, scope, version, py_version, instance_type) combination of the installed
    registry: whenever mlpc returns a URI it is the SDK's URI, and whenever the SDK fails mlpc
    returns an ImageError. mlpc may refuse where the SDK answers only for documented reasons."""
    agree = refused = both_fail = 0
    refusals: dict[str, int] = {}
    for i, (framework, scope, version, py, instance_type) in enumerate(_sweep_cases()):
        region = SWEEP_REGIONS[i % len(SWEEP_REGIONS)]
        kw = dict(instance_type=instance_type, py_version=py, image_scope=scope)
        ours = images.retrieve(framework, region, version, **kw)
        theirs = oracle(sdk, framework, region, version, **kw)
        case = (framework, region, version, kw)
        if isinstance(ours, str):
            assert ours == theirs, (case, ours, theirs)
            agree += 1
        elif isinstance(theirs, Exception):
            both_fail += 1
        else:
            assert "not supported by mlpc" in ours.message, (case, ours, theirs)
            refused += 1
            refusals[framework] = refusals.get(framework, 0) + 1
    print(f"\nsweep: {agree} identical URIs, {both_fail} both refuse, {refused} mlpc-only "
          f"refusals {refusals}")
    assert agree > 2500


# -------------------------------------------------------------------------- errors


def test_unknown_framework_suggests_closest():
    err = images.retrieve("sklaern", "us-east-1", "1.2-1")
    assert isinstance(err, ImageError)
    assert "sklaern" in err.message
    assert err.hint is not None and "'sklearn'" in err.hint


def test_unknown_version_lists_versions():
    err = images.retrieve("sklearn", "us-east-1", "9.9", instance_type="ml.m5.large",
                          image_scope="inference")
    assert err == ImageError("sklearn has no version '9.9'",
                             "available: 0.20.0, 0.23-1, 1.0-1, 1.2-1")


def test_unknown_region():
    err = images.retrieve("sklearn", "moon-east-1", "1.2-1", instance_type="ml.m5.large")
    assert isinstance(err, ImageError)
    assert "moon-east-1" in err.message
    assert "us-east-1" in err.hint


def test_unknown_py_version_and_missing_instance_type():
    err = images.retrieve("pytorch", "us-east-1", "2.1", instance_type="ml.m5.large",
                          py_version="py27", image_scope="training")
    assert isinstance(err, ImageError) and "py310" in err.hint
    err = images.retrieve("pytorch", "us-east-1", "2.1", py_version="py310", image_scope="training")
    assert isinstance(err, ImageError) and "instance type" in err.message


def test_huggingface_refused_clearly():
    err = images.retrieve("huggingface", "us-east-1", "4.26", instance_type="ml.g5.xlarge",
                          image_scope="training")
    assert isinstance(err, ImageError) and "not supported by mlpc" in err.message


def test_frameworks_and_versions():
    names = images.frameworks()
    assert {"sklearn", "xgboost", "pytorch", "tensorflow", "linear-learner"} <= set(names)
    assert "instance_gpu_info" not in names
    assert names == sorted(names)
    assert images.versions("sklearn", "inference") == ["0.20.0", "0.23-1", "1.0-1", "1.2-1"]
    assert "2.1" in images.versions("pytorch") and "2.1.0" in images.versions("pytorch")
    assert images.versions("nope") == []


def test_sdk_version_matches_metadata():
    from importlib.metadata import version

    assert images.sagemaker_sdk_version() == version("sagemaker")


# ---------------------------------------------------------------------- isolation


def test_does_not_import_sagemaker_and_timing():
    code = textwrap.dedent("""
        import json, sys, time
        t0 = time.perf_counter()
        import mlpc.images as images
        t1 = time.perf_counter()
        uri = images.retrieve("sklearn", "us-east-1", "1.2-1", instance_type="ml.m5.large")
        t2 = time.perf_counter()
        images.retrieve("pytorch", "eu-west-1", "2.1", instance_type="ml.p3.2xlarge",
                        py_version="py310", image_scope="training")
        t3 = time.perf_counter()
        print(json.dumps({"uri": uri, "import_ms": (t1 - t0) * 1e3,
                          "first_ms": (t2 - t1) * 1e3, "second_ms": (t3 - t2) * 1e3,
                          "sagemaker": sorted(m for m in sys.modules
                                              if m.split(".")[0] == "sagemaker"),
                          "botocore": "botocore" in sys.modules}))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["sagemaker"] == []
    assert result["botocore"] is False
    assert result["uri"].endswith("/sagemaker-scikit-learn:1.2-1-cpu-py3")
    print(f"\nfresh process: import {result['import_ms']:.1f} ms, first retrieve "
          f"{result['first_ms']:.1f} ms, second retrieve (other framework) "
          f"{result['second_ms']:.1f} ms")


def test_an_image_without_versions_is_named_without_a_gap():
    err = images.retrieve("model-monitor", "xx-nowhere-1")
    assert isinstance(err, images.ImageError) and err.message.startswith("model-monitor has no image in region")
