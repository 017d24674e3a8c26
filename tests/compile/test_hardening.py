"""Hardening (issue 10): output files, long strings, --var names, several files at once, project paths."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from mlpc.api import compile_text
from mlpc.loader import _original_offset

HERE = Path(__file__).parent
GOOD = HERE / "fixtures" / "good" / "minimal.yaml"
BAD = HERE / "fixtures" / "bad" / "unknown_parameter_reference.yaml"

MINIMAL = """pipeline:
  name: demo
  role: arn:aws:iam::123456789012:role/R
  bucket: b
parameters:
  T: {type: Float, default: 0.5}
steps:
"""


# ---------------------------------------------------------------- output files

@pytest.mark.skipif(not os.access("/dev/null", os.W_OK), reason="needs a writable /dev/null")
def test_output_onto_dev_null_writes_through_and_keeps_the_device(cli):
    before = os.stat("/dev/null")
    res = cli("compile", GOOD, "-o", "/dev/null", "--manifest", "/dev/null")
    assert res.exit_code == 0, res.output
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_output_onto_a_fifo_writes_through_it(cli, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    res = cli("compile", GOOD, "-o", fifo)
    reader.join(timeout=10)
    assert res.exit_code == 0, res.output
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO must not be replaced by a regular file"
    assert json.loads(got[0])["Version"] == "2020-12-01" and got[0].endswith("\n")


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_follow_the_umask(tmp_path, umask, mode):
    """In a fresh process started with that umask, as a shell would start mlpc."""
    import sys

    out, man = tmp_path / "d.json", tmp_path / "m.json"
    code = "import sys; from mlpc.cli import main; sys.argv[0] = 'mlpc'; main()"
    proc = subprocess.run([sys.executable, "-c", code, "compile", str(GOOD), "-o", str(out), "--manifest", str(man)],
                          preexec_fn=lambda: os.umask(umask), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert stat.S_IMODE(man.stat().st_mode) == mode


def test_a_replaced_file_keeps_its_mode_and_a_symlink_stays_a_link(cli, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    res = cli("compile", GOOD, "-o", link)
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and json.loads(target.read_text())["Steps"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.parametrize("pretty", [False, True])
def test_every_written_file_ends_with_a_newline(cli, tmp_path, pretty):
    out, man = tmp_path / "d.json", tmp_path / "m.json"
    res = cli("compile", GOOD, "-o", out, "--manifest", man, *(["--pretty"] if pretty else []))
    assert res.exit_code == 0, res.output
    for path in (out, man):
        text = path.read_text()
        assert text.endswith("\n") and not text.endswith("\n\n")


def test_output_is_all_or_nothing_when_one_file_cannot_be_written(cli, tmp_path):
    out = tmp_path / "d.json"
    folder = tmp_path / "a-folder"
    folder.mkdir()
    res = cli("compile", GOOD, "-o", out, "--manifest", folder)
    assert res.exit_code == 1
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "is a folder" in res.stderr and "nothing was written" in res.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["a-folder"], "no temp files left behind"


def test_an_unwritable_place_is_an_error_not_a_traceback(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = cli("compile", GOOD, "-o", blocker / "sub" / "d.json")
    assert res.exit_code == 1
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert res.stderr.startswith("error: cannot write")


# ---------------------------------------------------------------- locating in long strings

def test_locating_inside_a_12000_character_templated_string_is_fast():
    text = "vars: {v: a}\n" + MINIMAL + ("  Stop: {type: fail, message: '{{ v }}" + "ab{{ v }}" * 1300
                                        + "x" * 1000 + "${params.Nope}'}\n")
    start = time.perf_counter()
    res = compile_text(text, "p.yaml")
    elapsed = time.perf_counter() - start
    [diag] = res.diagnostics
    assert diag.code == "R002"
    assert (diag.span.line, diag.span.col) == (9, 31 + 7 + 9 * 1300 + 1000 + 2 + len("params.") + 1)
    assert elapsed < 2.0, f"{elapsed:.2f} s"


def test_a_thousand_mistakes_in_one_long_string_are_each_located_quickly():
    text = MINIMAL + "  Stop: {type: fail, message: '" + "${params.Nope} " * 1000 + "'}\n"
    start = time.perf_counter()
    res = compile_text(text, "p.yaml")
    assert time.perf_counter() - start < 2.0
    cols = [d.span.col for d in res.diagnostics]
    assert len(cols) == 1000 and cols[:2] == [41, 56] and cols[-1] == 41 + 15 * 999


@pytest.mark.parametrize("original, rendered, offset, expected", [
    ("a{{ x }}b", "aXYZb", 4, 8),  # inside the literal after the tag
    ("a{{ x }}b", "aXYZb", 2, 1),  # inside the tag's output: the tag
    ("{{ x }}{{ y }}tail", "12tail", 3, 15),
    ("no tags", "no tags", 3, 3),
    ("{% if a %}yes{% endif %}!", "yes!", 3, 24),
])
def test_original_offset_maps_rendered_positions_back(original, rendered, offset, expected):
    assert _original_offset(original, rendered, offset) == expected


# ---------------------------------------------------------------- --var names, several files

def test_unknown_var_name_is_an_error_with_did_you_mean(cli):
    pipeline = HERE.parent.parent / "pipelines" / "breast-cancer.yaml"
    res = cli("validate", pipeline, "--var", "buckt=x")
    assert res.exit_code == 1
    assert "<command line>:1:1: --var buckt: no template uses a variable 'buckt' [V003]" in res.stderr
    assert "did you mean 'bucket'?" in res.stderr
    assert cli("validate", pipeline, "--var", "bucket=x").exit_code == 0


def test_validate_reports_every_file_when_one_is_broken(cli, tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text(MINIMAL + "  Stop: {type: fail, message: x, depends_on: " + "[" * 200 + "]" * 200 + "}\n")
    res = cli("validate", GOOD, deep, BAD, GOOD)
    assert res.exit_code == 1
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert res.stdout.count(f"{GOOD}: ok") == 2
    assert f"{deep}:" in res.stderr and "[E008]" in res.stderr
    assert f"{BAD}:" in res.stderr and "[R002]" in res.stderr


# ---------------------------------------------------------------- project paths

def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "pipelines").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "src" / "train.py").write_text("print('train')\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _training(source_dir: str) -> str:
    return MINIMAL + f"""  Train:
    type: training
    framework: sklearn
    framework_version: "1.2-1"
    instance_type: ml.m5.large
    entry_point: train.py
    source_dir: {source_dir}
"""


def test_code_in_a_sibling_folder_of_the_git_work_tree_is_inside(tmp_path):
    root = _project(tmp_path)
    res = compile_text(_training("../src"), "p.yaml", base_dir=root / "pipelines")
    assert res.ok, [d.render() for d in res.diagnostics]


def test_a_symlink_out_of_the_project_in_source_dir_is_reported_and_never_packed(tmp_path):
    from mlpc.manifest import sourcedir_bytes

    root = _project(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("do not upload\n")
    (root / "src" / "leak.txt").symlink_to(secret)
    res = compile_text(_training("../src"), "p.yaml", base_dir=root / "pipelines")
    assert [d.code for d in res.diagnostics] == ["F004"]
    assert "'leak.txt' in source_dir '../src' leads outside the project" in res.diagnostics[0].message
    assert b"do not upload" not in __import__("gzip").decompress(sourcedir_bytes(root / "src"))


def test_without_git_the_project_is_the_yaml_folder(tmp_path):
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text("x\n")
    res = compile_text(_training("../src"), "p.yaml", base_dir=tmp_path / "pipelines")
    assert [d.code for d in res.diagnostics] == ["F004"]


def test_a_device_is_not_a_code_file(tmp_path):
    root = _project(tmp_path)
    (root / "pipelines" / "null.py").symlink_to("/dev/null")
    text = MINIMAL + """  Prep:
    type: processing
    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
    instance_type: ml.m5.large
    code: null.py
"""
    res = compile_text(text, "p.yaml", base_dir=root / "pipelines")
    assert [d.code for d in res.diagnostics] == ["F004"]  # /dev/null resolves outside the project
