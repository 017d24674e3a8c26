"""The framework library versions pinned in the SageMaker containers mlpc runs locally.

Each row is copied from the container's published sources (no version here is guessed):

  scikit-learn images: github.com/aws/sagemaker-scikit-learn-container, branch = the image version
    requirements.txt (numpy, scipy, pandas, python-dateutil, and scikit-learn where pinned there)
    docker/<version>/base/Dockerfile.cpu (`pip install scikit-learn==...`, ARG PYTHON_VERSION)
      0.20.0  d021ef4dc6984e385847c317826f8b96e09c0fb3   (pandas is `0.25.*` there: not an exact pin)
      0.23-1  e7ab948378651ccabaa39c2084c206dcbf140229
      1.0-1   117925d1d4ee65b1595355c742f3c0d140c046a9
      1.2-1   b440c40d318284336acb57b2dd554f7fa1e39fe0
      1.4-2   6c5704d20eabcd1561e9cb938671c92e79c32310   (branch v1.4-2; scipy is `>=1.9.0`: not pinned)
  XGBoost images: github.com/aws/sagemaker-xgboost-container, branch = the image version
    requirements.txt (numpy, scipy, pandas, scikit-learn, python-dateutil)
    docker/<version>/base/Dockerfile.cpu (ARG XGBOOST_VERSION or `pip install xgboost==`, ARG PYTHON_VERSION)
      0.90-1  132188b309ef27b17ee9a769a0bdbbe8ddb802ee
      0.90-2  a034e4b46392a65034316106b039422c93c5d909
      1.0-1   0c7a3b8942f8cd75ea1c9e3c32bb83ea4b69b0a5   (numpy is not pinned there)
      1.2-1   0d8f55de0bec7e7afe29923b217714a592ff5d77
      1.2-2   dd637a025b8e644ab356a182fab4cd628b123b97
      1.3-1   07ece4c7b4984690560406ec66a68176820ee921
      1.5-1   4eef773aab5c9e38a9ba945c8ad31c24d764d44a
      1.7-1   f7a93a21e50e44b4077f0889a7f676cad8c226f3
      3.0-5   fe01f24a58fbdcfbcfd52944a0e896672ff5c36e   (branch release-3.0.5)

A container's final image can differ in details the requirements do not show (conda
re-installs numpy in some Dockerfiles); the pins are what the requirements ask for. The old
`xgboost:1` (0.72) image and the deep-learning framework images (PyTorch, TensorFlow: their
versions come from aws/deep-learning-containers, not tabled here) have no row: steps on them
get no version check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SKLEARN_REPO = "aws/sagemaker-scikit-learn-container"
XGBOOST_REPO = "aws/sagemaker-xgboost-container"


@dataclass(frozen=True)
class ContainerPins:
    framework: str  # the SDK's image framework name: sklearn | xgboost
    version: str  # the image version (tag prefix), e.g. 1.2-1
    primary: str  # the framework library: a script on this image is about it
    python: str  # the container's Python (X.Y or X.Y.Z)
    pins: dict  # distribution name -> exact version
    source: str  # repository@commit the pins come from

    @property
    def label(self) -> str:
        return f"{self.framework} {self.version}"


def _sk(version, commit, python, sklearn, **others) -> ContainerPins:
    pins = {"scikit-learn": sklearn, **{k.replace("_", "-"): v for k, v in others.items()}}
    return ContainerPins("sklearn", version, "scikit-learn", python, pins, f"{SKLEARN_REPO}@{commit}")


def _xgb(version, commit, python, xgboost, **others) -> ContainerPins:
    pins = {"xgboost": xgboost, **{k.replace("_", "-"): v for k, v in others.items()}}
    return ContainerPins("xgboost", version, "xgboost", python, pins, f"{XGBOOST_REPO}@{commit}")


TABLE: tuple[ContainerPins, ...] = (
    _sk("0.20.0", "d021ef4dc6984e385847c317826f8b96e09c0fb3", "3.7.10", "0.20.0", numpy="1.19.5"),
    _sk("0.23-1", "e7ab948378651ccabaa39c2084c206dcbf140229", "3.7.10", "0.23.2",
        numpy="1.19.2", scipy="1.5.3", pandas="1.1.3", python_dateutil="2.8.1"),
    _sk("1.0-1", "117925d1d4ee65b1595355c742f3c0d140c046a9", "3.8.13", "1.0.2",
        numpy="1.24.1", scipy="1.8.0", pandas="1.1.3", python_dateutil="2.8.1"),
    _sk("1.2-1", "b440c40d318284336acb57b2dd554f7fa1e39fe0", "3.9", "1.2.1",
        numpy="1.24.1", scipy="1.8.0", pandas="1.1.3", python_dateutil="2.8.1"),
    _sk("1.4-2", "6c5704d20eabcd1561e9cb938671c92e79c32310", "3.10", "1.4.2",
        numpy="2.1.0", pandas="2.3.2"),
    _xgb("0.90-1", "132188b309ef27b17ee9a769a0bdbbe8ddb802ee", "3.7.10", "0.90",
         numpy="1.18.1", scipy="1.2.2", pandas="0.25.3", scikit_learn="0.22.1", python_dateutil="2.8.0"),
    _xgb("0.90-2", "a034e4b46392a65034316106b039422c93c5d909", "3.6.13", "0.90",
         numpy="1.18.4", scipy="1.2.2", pandas="1.0.4", scikit_learn="0.23.1", python_dateutil="2.8.0"),
    _xgb("1.0-1", "0c7a3b8942f8cd75ea1c9e3c32bb83ea4b69b0a5", "3.7.10", "1.0.0",
         scipy="1.2.2", pandas="1.1.3", scikit_learn="0.24.1", python_dateutil="2.8.0"),
    _xgb("1.2-1", "0d8f55de0bec7e7afe29923b217714a592ff5d77", "3.7.10", "1.2.0",
         numpy="1.21.6", scipy="1.5.3", pandas="1.1.3", scikit_learn="0.23.2", python_dateutil="2.8.0"),
    _xgb("1.2-2", "dd637a025b8e644ab356a182fab4cd628b123b97", "3.7.10", "1.2.0",
         numpy="1.21.6", scipy="1.5.3", pandas="1.1.3", scikit_learn="0.23.2", python_dateutil="2.8.0"),
    _xgb("1.3-1", "07ece4c7b4984690560406ec66a68176820ee921", "3.7.10", "1.3.3",
         numpy="1.21.6", scipy="1.6.2", pandas="1.2.4", scikit_learn="0.24.1", python_dateutil="2.8.1"),
    _xgb("1.5-1", "4eef773aab5c9e38a9ba945c8ad31c24d764d44a", "3.8.13", "1.5.2",
         numpy="1.24.4", scipy="1.8.0", pandas="1.5.3", scikit_learn="0.24.1", python_dateutil="2.8.2"),
    _xgb("1.7-1", "f7a93a21e50e44b4077f0889a7f676cad8c226f3", "3.9", "1.7.4",
         numpy="1.24.1", scipy="1.8.0", pandas="1.2.4", scikit_learn="0.24.1", python_dateutil="2.8.1"),
    _xgb("3.0-5", "fe01f24a58fbdcfbcfd52944a0e896672ff5c36e", "3.10", "3.0.5",
         numpy="2.1.0", scipy="1.15.0", pandas="2.2.3", scikit_learn="1.5.2", python_dateutil="2.8.2"),
)

_BY_KEY = {(p.framework, p.version): p for p in TABLE}

# ECR repository -> the SDK's framework name (sagemaker/image_uri_config/{sklearn,xgboost}.json).
_REPOSITORIES = {"sagemaker-scikit-learn": "sklearn", "sagemaker-xgboost": "xgboost"}
_IMAGE = re.compile(r"/(?P<repo>[a-z0-9-]+):(?P<version>\d+\.\d+(?:\.\d+)?(?:-\d+)?)(?:-|$)")

# A library can be installed under another distribution name (mlpc's [local] extra: xgboost-cpu).
ALIASES = {"xgboost": ("xgboost", "xgboost-cpu")}


def lookup(framework: str, version: str) -> ContainerPins | None:
    return _BY_KEY.get((framework, version))


def for_image(image_uri) -> ContainerPins | None:
    """The pins of the container an image URI names (None: not a container with a row here)."""
    if not isinstance(image_uri, str):
        return None
    m = _IMAGE.search(image_uri)
    if m is None or m["repo"] not in _REPOSITORIES:
        return None
    return lookup(_REPOSITORIES[m["repo"]], m["version"])
