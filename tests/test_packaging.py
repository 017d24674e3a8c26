"""The wheel ships every module of compiler/ as `mlpc`, and the schema."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_every_module_and_the_schema(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("mlpc_sagemaker-*.whl"))  # distribution mlpc-sagemaker, package mlpc
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"mlpc/" + p.relative_to(ROOT / "compiler").as_posix()
                for p in (ROOT / "compiler").rglob("*.py") if "__pycache__" not in p.parts}
    missing = sorted(expected - names)
    assert not missing, f"modules missing from the wheel (add their package to pyproject.toml): {missing}"
    assert "mlpc/schemas/pipeline.schema.json" in names
    assert not any(n.startswith("compiler/") for n in names), "the wheel must not install a top-level `compiler`"
