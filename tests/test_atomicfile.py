"""Files mlpc writes: atomic, the umask's mode, through symlinks, through devices (mlpc.atomicfile)."""

from __future__ import annotations

import os
import stat

import pytest
from typer.testing import CliRunner

from mlpc.atomicfile import umask, write_atomic
from mlpc.cli import app

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "pipelines", "breast-cancer.yaml")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_file_follows_the_umask(tmp_path):
    assert mode_for(tmp_path / "a.json") == 0o666 & ~umask()
    os.chmod(tmp_path / "a.json", 0o640)
    write_atomic(tmp_path / "a.json", "again")
    assert mode(tmp_path / "a.json") == 0o640  # a replaced file keeps its mode


def mode_for(path) -> int:
    write_atomic(path, "{}")
    return mode(path)


def test_a_symlink_is_written_through(tmp_path):
    target = tmp_path / "real" / "def.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_atomic(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


def test_dev_null_is_written_through(tmp_path):
    write_atomic("/dev/null", "x" * 100)
    assert os.path.exists("/dev/null") and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_failed_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("old")
    with pytest.raises(TypeError):
        write_atomic(path, object())  # type: ignore[arg-type]
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["a.txt"]


def test_compile_output_through_a_symlink_and_with_the_umask(tmp_path):
    target = tmp_path / "out" / "definition.json"
    target.parent.mkdir()
    target.write_text("")
    link = tmp_path / "definition.json"
    link.symlink_to(target)
    res = CliRunner().invoke(app, ["compile", EXAMPLE, "-o", str(link), "--manifest", str(tmp_path / "m.json")])
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and target.read_text().startswith("{")
    assert mode(tmp_path / "m.json") == 0o666 & ~umask()
