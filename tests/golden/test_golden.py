"""Golden files: the compiled definition of each example, byte for byte, and determinism.

tests/golden/<name>.json is exactly what `mlpc compile pipelines/<name>.yaml` prints: the
canonical definition text (what CreatePipeline receives) plus a newline.

To update after an intended change to the output, rewrite the files and review the diff:
    MLPC_UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlpc.api import compile_file

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EXAMPLES = ("breast-cancer", "sklearn-tuning")
GOOD = ROOT / "tests" / "compile" / "fixtures" / "good"
# Every good fixture has its golden file too: tests/golden/good/<fixture>.json
FIXTURES = tuple(sorted(p.stem for p in GOOD.glob("*.yaml")))
UPDATE = os.environ.get("MLPC_UPDATE_GOLDEN") == "1"


def compiled_text(path: Path) -> str:
    result = compile_file(path)
    assert result.ok, [d.render() for d in result.diagnostics]
    return result.definition_json + "\n"


def readable_diff(expected: str, actual: str, limit: int = 80) -> str:
    """The canonical text is one line; diff it indented."""
    a = json.dumps(json.loads(expected), indent=1, sort_keys=True).splitlines()
    b = json.dumps(json.loads(actual), indent=1, sort_keys=True).splitlines()
    lines = list(difflib.unified_diff(a, b, "golden", "compiled", lineterm="", n=2))
    if not lines:
        return "same JSON, different bytes (serialisation changed)"
    return "\n".join(lines[:limit]) + ("\n..." if len(lines) > limit else "")


@pytest.mark.parametrize("example", EXAMPLES)
def test_compiled_definition_matches_golden_file(example):
    golden = HERE / f"{example}.json"
    text = compiled_text(ROOT / "pipelines" / f"{example}.yaml")
    if UPDATE:
        golden.write_bytes(text.encode("utf-8"))
    assert golden.is_file(), f"{golden} is missing: run MLPC_UPDATE_GOLDEN=1 pytest tests/golden"
    expected = golden.read_bytes().decode("utf-8")
    assert text == expected, f"{example} differs from {golden.name} (MLPC_UPDATE_GOLDEN=1 rewrites it):\n" + \
        readable_diff(expected, text)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_every_good_fixture_matches_its_golden_file(fixture):
    golden = HERE / "good" / f"{fixture}.json"
    text = compiled_text(GOOD / f"{fixture}.yaml")
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(text.encode("utf-8"))
    assert golden.is_file(), f"{golden} is missing: run MLPC_UPDATE_GOLDEN=1 pytest tests/golden"
    expected = golden.read_bytes().decode("utf-8")
    assert text == expected, f"{fixture} differs from good/{golden.name} (MLPC_UPDATE_GOLDEN=1 rewrites it):\n" + \
        readable_diff(expected, text)


def test_no_golden_file_without_its_fixture():
    assert sorted(p.stem for p in (HERE / "good").glob("*.json")) == list(FIXTURES)


@pytest.mark.parametrize("example", EXAMPLES)
def test_compiling_twice_gives_identical_bytes(example):
    path = ROOT / "pipelines" / f"{example}.yaml"
    assert compiled_text(path) == compiled_text(path)


@pytest.mark.parametrize("example", EXAMPLES)
def test_output_does_not_depend_on_where_the_checkout_is(example, tmp_path):
    """Code keys come from file bytes, not paths: a copy elsewhere compiles to the same bytes."""
    for folder in ("pipelines", "step_scripts"):
        shutil.copytree(ROOT / folder, tmp_path / "elsewhere" / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    # a checkout is a git work tree: the project root that ../step_scripts must stay inside
    subprocess.run(["git", "init", "-q", str(tmp_path / "elsewhere")], check=True)
    moved = compiled_text(tmp_path / "elsewhere" / "pipelines" / f"{example}.yaml")
    assert moved == compiled_text(ROOT / "pipelines" / f"{example}.yaml")


def test_fresh_processes_with_different_hash_seeds_agree(tmp_path):
    """Two `mlpc compile` processes (PYTHONHASHSEED 1 and 2; the first with a cold cache) print the goldens."""
    cli = "import sys; from mlpc.cli import main; sys.argv[0] = 'mlpc'; main()"
    env = {k: v for k, v in os.environ.items() if k != "MLPC_UPDATE_GOLDEN"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # cold in the first process, warm in the second
    for example in EXAMPLES:
        outputs = []
        for seed in ("1", "2"):
            proc = subprocess.run([sys.executable, "-c", cli, "compile", f"pipelines/{example}.yaml"], cwd=ROOT,
                                  env={**env, "PYTHONHASHSEED": seed}, capture_output=True, timeout=120)
            assert proc.returncode == 0, proc.stderr.decode(errors="replace")
            outputs.append(proc.stdout)
        assert outputs[0] == outputs[1], f"{example}: PYTHONHASHSEED changes the output"
        golden = (HERE / f"{example}.json").read_bytes()
        assert outputs[0] == golden, f"{example}: the CLI's output is not the golden file"
