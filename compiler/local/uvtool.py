"""The `uv` subprocesses that build container environments: the only side effects of envs.py.

uv comes from its Python package (the [local] extra); `uv.find_uv_bin()` names the binary.
Every install is wheels only (`--only-binary :all:`): nothing compiles from source on the
host. Tests hand envs.py another object with the same methods instead of this one.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass

TIMEOUT = 900  # seconds for one uv command (a first download of large wheels on a slow link)


@dataclass(frozen=True)
class UvResult:
    ok: bool
    output: str  # the last lines of stderr + stdout, for messages
    stdout: str = ""


def _tail(text: str, lines: int = 6) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


class Uv:
    def __init__(self, binary: str | None = None):
        self._binary = binary

    def binary(self) -> tuple[str | None, str | None]:
        """(path, None), or (None, why not)."""
        if self._binary:
            return self._binary, None
        try:
            import uv
        except ImportError:
            return None, "uv is not installed (pip install 'mlpc-sagemaker[local]' installs it)"
        try:
            self._binary = uv.find_uv_bin()
        except FileNotFoundError as exc:
            return None, f"the uv package has no binary here ({exc})"
        return self._binary, None

    def _run(self, *args: str) -> UvResult:
        binary, err = self.binary()
        if err:
            return UvResult(False, err)
        env = {**os.environ, "UV_NO_PROGRESS": "1", "NO_COLOR": "1"}
        try:
            proc = subprocess.run([binary, *args], capture_output=True, text=True, timeout=TIMEOUT, env=env,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return UvResult(False, f"uv {args[0]} {args[1] if len(args) > 1 else ''} took over {TIMEOUT} s")
        except OSError as exc:
            return UvResult(False, f"cannot run uv: {exc}")
        return UvResult(proc.returncode == 0, _tail((proc.stderr or "") + "\n" + (proc.stdout or "")),
                        proc.stdout or "")

    def create_venv(self, path: str, python: str) -> UvResult:
        return self._run("venv", "--quiet", "--clear", "--python", python, path)

    def has_wheel(self, python: str, requirement: str) -> UvResult:
        """Is there a wheel of exactly this requirement for the environment's Python and platform?"""
        return self._run("pip", "install", "--dry-run", "--no-deps", "--only-binary", ":all:", "--quiet",
                         "--python", python, requirement)

    def install(self, python: str, requirements: list[str]) -> UvResult:
        """Install with the lowest versions the requirements allow (a relaxed `>=pin` gets the
        closest version with a wheel), their dependencies at their newest."""
        return self._run("pip", "install", "--only-binary", ":all:", "--resolution", "lowest-direct",
                         "--quiet", "--python", python, *requirements)

    def installed(self, python: str) -> dict:
        """Distribution name (lower case) -> version, in the environment of `python`."""
        res = self._run("pip", "list", "--format", "json", "--python", python)
        if not res.ok:
            return {}
        try:
            rows = json.loads(res.stdout)
        except ValueError:
            return {}
        return {str(r["name"]).lower(): str(r["version"]) for r in rows
                if isinstance(r, dict) and "name" in r and "version" in r}
