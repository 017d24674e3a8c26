"""Library versions like the container: the pins table, the per-step version notes, and
`--env container` environments, with a fake uv (no network) and with the real one."""

from __future__ import annotations

import json
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest

from mlpc import images
from mlpc.local import container_pins, envs
from mlpc.local.envs import CONTAINER, HOST, Environments
from mlpc.local.uvtool import UvResult

from .conftest import definition, needs_sandbox, processing_step, put, run

SKLEARN_12 = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
XGBOOST_17 = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


def _processing(image: str) -> dict:
    return {"AppSpecification": {"ImageUri": image, "ContainerEntrypoint": ["python3", "x.py"]}}


# ------------------------------------------------------------------ the table


def test_every_row_cites_a_commit_and_pins_exact_versions():
    from packaging.version import Version

    assert len(container_pins.TABLE) >= 10
    for row in container_pins.TABLE:
        repo, _, commit = row.source.partition("@")
        assert repo in (container_pins.SKLEARN_REPO, container_pins.XGBOOST_REPO), row
        assert re.fullmatch(r"[0-9a-f]{40}", commit), row
        assert row.primary in row.pins, row
        for name, version in row.pins.items():
            assert str(Version(version)) == version, (row.label, name, version)  # exact, normalised


def test_rows_are_image_versions_the_sdk_knows_and_their_uris_find_the_row():
    """Every row is a version in the SDK's image registry, and the URI the SDK gives for it maps back."""
    for row in container_pins.TABLE:
        assert row.version in images.versions(row.framework, "training"), row.label
        uri = images.retrieve(row.framework, "eu-west-1", row.version, instance_type="ml.m5.xlarge")
        assert isinstance(uri, str), uri
        assert container_pins.for_image(uri) is row, uri


def test_images_without_pins_are_not_guessed():
    assert container_pins.for_image("123.dkr.ecr.us-east-1.amazonaws.com/xgboost:1") is None
    assert container_pins.for_image("123.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:9.9-9") is None
    assert container_pins.for_image("763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.0.1-cpu-py310") is None
    assert container_pins.for_image({"Get": "Parameters.Image"}) is None
    row = container_pins.for_image("123.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.3-1-arm64")
    assert row is not None and row.pins["xgboost"] == "1.3.3"


# ------------------------------------------------------------------ notes, without a network


def test_host_mode_names_each_library_that_differs_with_both_versions():
    env = Environments(HOST).for_step("Processing", _processing(SKLEARN_12))
    assert env.python == sys.executable and env.note["env"] == HOST
    found = {d["package"]: d for d in env.note["differences"]}
    host = metadata.version("scikit-learn")
    if host != "1.2.1":
        assert found["scikit-learn"] == {"package": "scikit-learn", "here": host, "container": "1.2.1"}
        assert f"scikit-learn {host} (container 1.2.1)" in env.warning
        assert "--env container" in env.warning
    assert set(found) <= set(container_pins.lookup("sklearn", "1.2-1").pins)


def test_the_host_xgboost_cpu_distribution_counts_as_xgboost():
    env = Environments(HOST).for_step("Training", {"AlgorithmSpecification": {"TrainingImage": XGBOOST_17},
                                                   "HyperParameters": {"num_round": "5"}})
    xgb = next(d for d in env.note["differences"] if d["package"] == "xgboost")
    assert xgb["here"] == envs.host_versions(["xgboost"])["xgboost"] is not None
    assert "mlpc's emulation" in env.warning  # the built-in algorithm: not the user's script


def test_steps_without_a_pinned_image_get_no_note():
    assert Environments(HOST).for_step("Processing", _processing("123.dkr.ecr.x.amazonaws.com/mine:1")) is None
    assert Environments(HOST).for_step("Condition", {}) is None


def test_transform_steps_read_their_models_image():
    model = {"PrimaryContainer": {"Image": XGBOOST_17}}
    env = Environments(HOST).for_step("Transform", {"ModelName": "m"}, lambda name: model if name == "m" else None)
    assert env.note["image"] == "xgboost 1.7-1"


def test_differences_compare_versions_not_strings():
    row = container_pins.lookup("sklearn", "1.2-1")
    same = dict(row.pins, numpy="1.24.1.0")
    assert envs.differences(row, same) == []
    diffs = envs.differences(row, {k: v for k, v in row.pins.items() if k != "pandas"})
    assert diffs == [{"package": "pandas", "here": None, "container": "1.1.3"}]
    assert envs.describe(diffs) == "pandas not installed (container 1.1.3)"


@needs_sandbox
def test_a_run_records_the_note_of_each_step_once(ws):
    put(ws, "s3://mlpc-test/code/ok.py", "print('ok')\n")
    step = processing_step("P", "s3://mlpc-test/code/ok.py")  # a sklearn 1.2-1 image
    result, _ = run(ws, definition(step))
    note = result.record.steps["P"].environment
    assert note["image"] == "sklearn 1.2-1" and note["env"] == HOST
    assert note["source"].startswith("aws/sagemaker-scikit-learn-container@")
    saved = json.loads((ws.execution_dir(result.record.id) / "execution.json").read_text())
    assert saved["steps"]["P"]["environment"] == note


# ------------------------------------------------------------------ container environments, fake uv


class FakeUv:
    """uv's interface; `no_wheel` lists requirements with no wheel; records every call."""

    def __init__(self, no_wheel=(), install_ok=True):
        self.no_wheel, self.install_ok = set(no_wheel), install_ok
        self.calls: list = []

    def create_venv(self, path, python):
        self.calls.append(("venv", path))
        (Path(path) / "bin").mkdir(parents=True, exist_ok=True)
        target = Path(path) / "bin" / "python"
        if not target.exists():
            target.symlink_to(sys.executable)
        return UvResult(True, "")

    def has_wheel(self, python, requirement):
        self.calls.append(("has_wheel", requirement))
        if requirement in self.no_wheel:
            return UvResult(False, f"hint: Wheels are required for `{requirement.split('==')[0]}`")
        return UvResult(True, "")

    def install(self, python, requirements):
        self.calls.append(("install", tuple(requirements)))
        return UvResult(self.install_ok, "" if self.install_ok else "error: resolution failed")

    def installed(self, python):
        installed = {}
        for req in next(c[1] for c in reversed(self.calls) if c[0] == "install"):
            name, _, version = req.partition("==") if "==" in req else (req.split(">=")[0], "", "9.9.9")
            installed[name] = version
        return installed


def test_a_container_environment_is_built_once_and_reused(tmp_path):
    fake = FakeUv()
    env = Environments(CONTAINER, tool=fake, root=tmp_path).for_step("Processing", _processing(SKLEARN_12))
    assert env.note["env"] == CONTAINER and env.note["built"] is True
    assert env.python.startswith(str(tmp_path)) and env.note["differences"] == [] and env.warning is None
    installs = [c for c in fake.calls if c[0] == "install"]
    assert installs == [("install", tuple(f"{k}=={v}" for k, v in container_pins.lookup("sklearn", "1.2-1").pins.items()))]
    again = FakeUv()  # another run: the marker says it is there
    env2 = Environments(CONTAINER, tool=again, root=tmp_path).for_step("Processing", _processing(SKLEARN_12))
    assert env2.python == env.python and env2.note["built"] is False and again.calls == []


def test_pins_without_a_wheel_are_relaxed_and_named(tmp_path):
    fake = FakeUv(no_wheel={"scipy==1.8.0", "pandas==1.1.3"})
    env = Environments(CONTAINER, tool=fake, root=tmp_path).for_step("Processing", _processing(SKLEARN_12))
    install = next(c[1] for c in fake.calls if c[0] == "install")
    assert "scipy>=1.8.0" in install and "pandas>=1.1.3" in install and "scikit-learn==1.2.1" in install
    assert env.note["env"] == CONTAINER
    assert "scipy 9.9.9 (container 1.8.0)" in env.warning and "pandas 9.9.9 (container 1.1.3)" in env.warning


def test_no_wheel_for_the_framework_falls_back_to_the_host_and_names_the_missing_wheels(tmp_path):
    fake = FakeUv(no_wheel={"scikit-learn==1.2.1", "pandas==1.1.3"})
    env = Environments(CONTAINER, tool=fake, root=tmp_path).for_step("Processing", _processing(SKLEARN_12))
    assert env.python == sys.executable and env.note["env"] == HOST
    assert "no sklearn 1.2-1 environment: no wheels for Python" in env.warning
    assert "scikit-learn==1.2.1, pandas==1.1.3" in env.warning and "runs with the host's libraries" in env.warning
    assert not any(c[0] == "install" for c in fake.calls)
    assert envs.list_cache(tmp_path) == []  # nothing half-built is left, and a failure is not cached


def test_a_failed_install_falls_back_and_is_tried_again_next_run(tmp_path):
    bad = FakeUv(install_ok=False)
    env = Environments(CONTAINER, tool=bad, root=tmp_path).for_step("Processing", _processing(SKLEARN_12))
    assert env.note["env"] == HOST and "error: resolution failed" in env.warning
    good = FakeUv()
    env = Environments(CONTAINER, tool=good, root=tmp_path).for_step("Processing", _processing(SKLEARN_12))
    assert env.note["env"] == CONTAINER and any(c[0] == "install" for c in good.calls)


def test_builtin_algorithms_keep_the_host_interpreter_under_env_container(tmp_path):
    fake = FakeUv()
    env = Environments(CONTAINER, tool=fake, root=tmp_path).for_step(
        "Training", {"AlgorithmSpecification": {"TrainingImage": XGBOOST_17}, "HyperParameters": {}})
    assert env.python == sys.executable and env.note["env"] == HOST and fake.calls == []


def test_cache_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("MLPC_ENV_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert envs.cache_root() == tmp_path / "xdg" / "mlpc" / "envs"
    monkeypatch.setenv("MLPC_ENV_CACHE", str(tmp_path / "mine"))
    assert envs.cache_root() == tmp_path / "mine"
