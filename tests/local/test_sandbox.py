"""Each step process sees its own /opt/ml; the host's /opt/ml is never written."""

import os
import sys
import threading
from pathlib import Path

from mlpc.local import sandbox

from .conftest import needs_sandbox

CODE = ("import os, sys, time; open('/opt/ml/who', 'w').write(sys.argv[1]); time.sleep(0.3); "
        "print(os.getcwd(), open('/opt/ml/who').read(), sorted(os.listdir('/opt')))")


@needs_sandbox
def test_private_opt_ml_per_process(tmp_path):
    host_had_opt_ml = Path("/opt/ml").exists()
    roots = [tmp_path / f"root{i}" for i in range(2)]
    results = {}

    def go(i):
        roots[i].mkdir()
        argv = sandbox.command(sandbox.probe()[0], roots[i], [sys.executable, "-c", CODE, f"run{i}"])
        results[i] = sandbox.run(argv, dict(os.environ), tmp_path / f"out{i}", tmp_path / f"err{i}")

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(2):
        assert results[i].returncode == 0, (tmp_path / f"err{i}").read_text()
        cwd, who, opt = (tmp_path / f"out{i}").read_text().split(" ", 2)
        assert cwd == "/opt/ml" and who == f"run{i}"  # each saw only its own file
        assert (roots[i] / "who").read_text() == f"run{i}"
        if not host_had_opt_ml:  # the real /opt entries stay visible inside
            assert all(repr(e) in opt for e in os.listdir("/opt"))
    assert Path("/opt/ml").exists() == host_had_opt_ml


@needs_sandbox
def test_timeout_kills_the_process(tmp_path):
    argv = sandbox.command(sandbox.probe()[0], tmp_path, [sys.executable, "-c", "import time; time.sleep(30)"])
    res = sandbox.run(argv, dict(os.environ), tmp_path / "o", tmp_path / "e", timeout=0.5)
    assert res.timed_out and res.seconds < 5


def test_probe_says_plainly_when_namespaces_are_missing(monkeypatch):
    sandbox.probe.cache_clear()
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    try:
        sb, err = sandbox.probe()
        assert sb is None
        assert "Linux mount namespace" in err and "`unshare` from util-linux was not found" in err
    finally:
        monkeypatch.undo()
        sandbox.probe.cache_clear()


def test_log_tail(tmp_path):
    p = tmp_path / "log"
    p.write_text("\n".join(f"line {i}" for i in range(100)))
    assert sandbox.log_tail(p, lines=3) == "line 97\nline 98\nline 99"
    assert sandbox.log_tail(tmp_path / "missing") == ""
