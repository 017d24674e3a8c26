"""Fixtures for the deploy tests: one moto server for the session, fresh state per test,
a small pipeline project on disk. Helpers (the CLI runner, Stubber plumbing) are in deploy_support.py."""

from __future__ import annotations

import logging
import urllib.request

import pytest
from deploy_support import MINI_YAML, Moto, free_port, isolate_aws_env

logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto server access log


@pytest.fixture(scope="session")
def moto_url():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto(moto_url, monkeypatch, tmp_path):
    req = urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")
    urllib.request.urlopen(req).read()
    isolate_aws_env(monkeypatch, tmp_path, moto_url)
    return Moto(moto_url)


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """AWS pointed at a closed port: any AWS call fails with an unreachable endpoint."""
    isolate_aws_env(monkeypatch, tmp_path, f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A small pipeline project; the cwd is its folder. Returns the YAML path."""
    root = tmp_path / "proj"
    (root / "scripts").mkdir(parents=True)
    (root / "scripts" / "prep.py").write_text("print('prep')\n")
    (root / "scripts" / "eval.py").write_text("print('eval')\n")
    path = root / "mini.yaml"
    path.write_text(MINI_YAML)
    monkeypatch.chdir(root)
    return path
