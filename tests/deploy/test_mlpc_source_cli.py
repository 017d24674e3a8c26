"""Where generated CI installs mlpc from (issue 9, item 1): a pinned source or a path in the
repository; a bare name is refused; with no pinned source known, the commands say so and the
generated files stop with a message instead of installing someone else's package."""

from __future__ import annotations

import os
import subprocess

import pytest
import yaml
from deploy_support import cli


@pytest.mark.parametrize("spec", [".", "./vendor/mlpc_sagemaker-0.1.0-py3-none-any.whl",
                                  "mlpc-sagemaker @ https://example.com/mlpc_sagemaker-0.1.0-py3-none-any.whl"])
def test_paths_in_the_repository_and_urls_are_accepted(tmp_path, spec):
    result = cli("init", tmp_path / "p", "--name", "p", "--mlpc-source", spec)
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((tmp_path / "p" / "buildspec.yml").read_text())["env"]["variables"]["MLPC_SOURCE"] == spec


@pytest.mark.parametrize("spec", ["mlpc", "mlpc-sagemaker", "mlpc[local]"])
def test_bare_names_are_refused(tmp_path, spec):
    result = cli("init", tmp_path / "p", "--name", "p", "--mlpc-source", spec)
    assert result.exit_code == 1 and "is a bare package name" in result.stderr
    assert not (tmp_path / "p").exists()


def test_without_a_pinned_source_init_says_so_and_the_build_stops_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setattr("mlpc.ci.source.installed_source", lambda: "")
    result = cli("init", tmp_path / "p", "--name", "p")
    assert result.exit_code == 0, result.output
    assert "no pinned mlpc source is known" in result.stderr and "--mlpc-source" in result.stderr
    spec = yaml.safe_load((tmp_path / "p" / "buildspec.yml").read_text())
    assert spec["env"]["variables"]["MLPC_SOURCE"] == ""
    # run the install phase as CodeBuild would: it stops before pip, saying what to do
    script = "\n".join(spec["phases"]["install"]["commands"])
    done = subprocess.run(["bash", "-e", "-c", script], capture_output=True, text=True,
                          env={**os.environ, "MLPC_SOURCE": "", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1 and "MLPC_SOURCE is empty" in done.stderr and "pip" not in done.stdout


def test_generated_ci_files_never_install_the_bare_name(tmp_path, monkeypatch):
    import re

    from mlpc.ci import buildspec, github

    bare = re.compile(r"pip3? install\s+(?:-\S+\s+)*['\"]?mlpc(?:\[[^\]]*\])?(?:['\"\s]|$)", re.M)
    texts = [v for mod in (buildspec, github) for v in vars(mod).values() if isinstance(v, str)]
    texts += ["\n".join(buildspec.INSTALL_FROM_SOURCE)]
    assert texts and not any(bare.search(t) for t in texts)
