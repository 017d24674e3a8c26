"""Which Python a step's scripts run with, and how its libraries compare to the container's.

Every step whose image is a container with pinned libraries (container_pins.py) gets a note
in its record: the libraries whose versions differ from the container's, as a warning.

`--env host` (the default): scripts run with this interpreter (`sys.executable`).
`--env container`: scripts run in a virtual environment with the container's pins, built
once per container image and host Python with uv (uvtool.py) and reused by later runs:

    <cache>/<framework>-<version>-cp<XY>-<hash>/      the venv; mlpc-env.json is written last
    <cache>/<framework>-<version>-cp<XY>-<hash>.lock  held while it is built

<cache> is $MLPC_ENV_CACHE, else $XDG_CACHE_HOME/mlpc/envs, else ~/.cache/mlpc/envs;
`mlpc workspace prune --envs` empties it. Only wheels are installed: a pin without a wheel for
this Python is relaxed to the closest later version that has one (and the note says so); when
the framework library itself has none, the step runs with the host's libraries and the note
names the missing wheels. A failed build is not cached, so the next run tries again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import platform
import shutil
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..atomicfile import write_atomic
from .container_pins import ALIASES, ContainerPins, for_image

HOST, CONTAINER = "host", "container"
MODES = (HOST, CONTAINER)
MARKER = "mlpc-env.json"
FORMAT = 1  # bump when what a cached environment holds changes: old ones are then rebuilt


def cache_root() -> Path:
    if os.environ.get("MLPC_ENV_CACHE"):
        return Path(os.environ["MLPC_ENV_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mlpc" / "envs"


def list_cache(root: Path | None = None) -> list[str]:
    """The cached environments' names."""
    root = root or cache_root()
    return sorted(e.name for e in root.iterdir() if e.is_dir()) if root.is_dir() else []


def clear_cache(root: Path | None = None) -> tuple[int, int]:
    """Delete every cached environment. Returns (environments, bytes freed)."""
    root = root or cache_root()
    count = size = 0
    for entry in sorted(root.iterdir()) if root.is_dir() else []:
        if entry.is_dir():
            size += sum(f.stat().st_size for f in entry.rglob("*") if f.is_file() and not f.is_symlink())
            count += 1
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.suffix == ".lock":
            entry.unlink(missing_ok=True)
    return count, size


# ---------------------------------------------------------------- which image, which code

def _dig(node, *keys):
    for k in keys:
        if isinstance(node, list):
            node = node[0] if node else None
        node = node.get(k) if isinstance(node, dict) else None
    return node


def _model_image(args: dict, model) -> str | None:
    margs = model(args.get("ModelName")) or {}
    return _dig(margs, "PrimaryContainer", "Image") or _dig(margs, "Containers", "Image")


# step type -> (its job's image, does the user's code run in it?)
_STEPS = {
    "Processing": lambda a, m: (_dig(a, "AppSpecification", "ImageUri"), True),
    "Training": lambda a, m: (_dig(a, "AlgorithmSpecification", "TrainingImage"),
                              "sagemaker_program" in (a.get("HyperParameters") or {})),
    "Tuning": lambda a, m: (_dig(a, "TrainingJobDefinition", "AlgorithmSpecification", "TrainingImage"),
                            "sagemaker_program" in (_dig(a, "TrainingJobDefinition", "StaticHyperParameters")
                                                    or {})),
    "Transform": lambda a, m: (_model_image(a, m), False),
}


def step_image(step_type: str, args: dict, model=lambda name: None) -> tuple[str | None, bool]:
    """(the image the step's job runs, whether the user's scripts run in it locally)."""
    reader = _STEPS.get(step_type)
    return reader(args, model) if reader else (None, False)


# ---------------------------------------------------------------- versions

def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def host_versions(names) -> dict:
    """Distribution -> version installed for this interpreter (absent: not installed)."""
    from importlib import metadata

    out = {}
    for name in names:
        for dist in ALIASES.get(name, (name,)):
            try:
                out[name] = metadata.version(dist)
                break
            except metadata.PackageNotFoundError:
                continue
    return out


def installed_versions(installed: dict, names) -> dict:
    """The versions of `names` in a uv package listing (aliases included)."""
    listing = {_canonical(k): v for k, v in installed.items()}
    out = {}
    for name in names:
        for dist in ALIASES.get(name, (name,)):
            if _canonical(dist) in listing:
                out[name] = listing[_canonical(dist)]
                break
    return out


def differences(pins: ContainerPins, versions: dict) -> list[dict]:
    """The pinned libraries whose version here is not the container's, in the table's order."""
    from packaging.version import InvalidVersion, Version

    out = []
    for name, pinned in pins.pins.items():
        have = versions.get(name)
        try:
            same = have is not None and Version(have) == Version(pinned)
        except InvalidVersion:
            same = have == pinned
        if not same:
            out.append({"package": name, "here": have, "container": pinned})
    return out


def describe(diffs: list[dict]) -> str:
    return ", ".join(f"{d['package']} {d['here'] or 'not installed'} (container {d['container']})" for d in diffs)


def _python_tag() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


# ---------------------------------------------------------------- the environment of a step

@dataclass(frozen=True)
class StepEnvironment:
    python: str  # the interpreter the step's scripts run with
    note: dict  # for the step's record (StepRecord.environment)

    @property
    def warning(self) -> str | None:
        return self.note.get("warning")


@dataclass(frozen=True)
class _Built:
    python: str | None  # the venv's interpreter (None: none could be built)
    versions: dict  # pinned library -> version in the venv
    relaxed: list  # requirements installed at a later version than pinned (no wheel at the pin)
    problem: str | None  # why there is no venv
    venv: str | None = None
    built_now: bool = False
    seconds: float = 0.0


class Environments:
    """One per run: the environment of each step; venvs built at most once per run and image."""

    def __init__(self, mode: str = HOST, tool=None, root: Path | None = None):
        self.mode, self.root = mode, root
        self._tool = tool
        self._built: dict = {}
        self._lock = threading.Lock()
        self._key_locks: dict = {}

    def uses_container(self, step_type: str, args: dict, model=lambda name: None) -> bool:
        """Would the step's scripts run in a container environment (without building it)?"""
        if self.mode != CONTAINER:
            return False
        image, user_code = step_image(step_type, args, model)
        return user_code and for_image(image) is not None

    def for_step(self, step_type: str, args: dict, model=lambda name: None) -> StepEnvironment | None:
        """None when the step's image has no pinned libraries (or the step runs no image)."""
        image, user_code = step_image(step_type, args, model)
        pins = for_image(image)
        if pins is None:
            return None
        note = {"image": pins.label, "source": pins.source, "env": HOST, "python": sys.executable,
                "python_version": platform.python_version(), "container_python": pins.python}
        if self.mode == CONTAINER and user_code:
            built = self._environment(pins)
            if built.python:
                diffs = differences(pins, built.versions)
                note.update(env=CONTAINER, python=built.python, venv=built.venv, differences=diffs,
                            built=built.built_now, build_seconds=round(built.seconds, 2))
                if diffs:
                    note["warning"] = (f"runs in the {pins.label} environment, with libraries not at the container's "
                                       f"pins (no wheel at the pin for Python {_python_tag()} here): {describe(diffs)}")
                return StepEnvironment(built.python, note)
            diffs = differences(pins, host_versions(pins.pins))
            note.update(differences=diffs, warning=f"no {pins.label} environment: {built.problem}; the step runs "
                        f"with the host's libraries" + (f": {describe(diffs)}" if diffs else ""))
            return StepEnvironment(sys.executable, note)
        diffs = differences(pins, host_versions(pins.pins))
        note["differences"] = diffs
        if diffs:
            who = "its scripts run" if user_code else "mlpc's emulation of the container runs"
            hint = "; mlpc run --env container runs them with the container's versions" if (
                user_code and self.mode == HOST) else ""
            note["warning"] = (f"{who} with this machine's libraries, not the {pins.label} container's: "
                               f"{describe(diffs)}{hint}")
        return StepEnvironment(sys.executable, note)

    # ------------------------------------------------------------ building (worker threads)
    def _environment(self, pins: ContainerPins) -> _Built:
        key = _cache_key(pins)
        with self._lock:
            if key in self._built:
                return self._built[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:  # two steps on one image: the second waits for the first's build
            with self._lock:
                if key in self._built:
                    return self._built[key]
            built = self._build_or_reuse(pins, key)
            with self._lock:
                self._built[key] = built
            return built

    def _build_or_reuse(self, pins: ContainerPins, key: str) -> _Built:
        from .uvtool import Uv

        tool = self._tool or Uv()
        root = self.root or cache_root()
        root.mkdir(parents=True, exist_ok=True)
        venv = root / key
        with open(root / (key + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another mlpc process building the same one
            try:
                cached = _read_marker(venv)
                if cached is not None:
                    return cached
                return _build(tool, pins, venv)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _cache_key(pins: ContainerPins) -> str:
    ident = json.dumps([FORMAT, sys.version, os.path.realpath(sys.base_prefix), platform.machine(),
                        pins.pins], sort_keys=True)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:10]
    return f"{pins.framework}-{pins.version}-cp{sys.version_info.major}{sys.version_info.minor}-{digest}"


def _python_in(venv: Path) -> Path:
    return venv / "bin" / "python"


def _read_marker(venv: Path) -> _Built | None:
    try:
        data = json.loads((venv / MARKER).read_text())
    except (OSError, ValueError):
        return None
    python = _python_in(venv)
    if data.get("format") != FORMAT or not python.exists():
        return None
    return _Built(str(python), data.get("versions") or {}, data.get("relaxed") or [], None, str(venv))


def _gist(uv_output: str) -> str:
    """The line of uv's message that says why (for people: nothing is decided on it)."""
    lines = [line.strip() for line in uv_output.splitlines() if line.strip()]
    cause = next((line for line in lines if line.startswith("cause:")), None)
    return (cause or (lines[-1] if lines else "no detail")).removeprefix("cause: ")


def _build(tool, pins: ContainerPins, venv: Path) -> _Built:
    start = time.perf_counter()

    def give_up(problem: str) -> _Built:
        shutil.rmtree(venv, ignore_errors=True)
        return _Built(None, {}, [], problem)

    res = tool.create_venv(str(venv), sys.executable)
    if not res.ok:
        return give_up(f"uv could not create a virtual environment: {res.output}")
    python = str(_python_in(venv))
    requirements, missing = [], []
    for name, version in pins.pins.items():
        check = tool.has_wheel(python, f"{name}=={version}")
        if check.ok:
            requirements.append(f"{name}=={version}")
        else:
            missing.append((name, version, check.output))
    if any(name == pins.primary for name, _, _ in missing):
        names = ", ".join(f"{n}=={v}" for n, v, _ in missing)
        why = next(out for n, _, out in missing if n == pins.primary)
        return give_up(f"no wheels for Python {_python_tag()} on {platform.machine()} of {names} "
                       f"(uv: {_gist(why)})")
    relaxed = [f"{name}>={version}" for name, version, _ in missing]
    res = tool.install(python, requirements + relaxed)
    if not res.ok:
        return give_up(f"uv could not install {' '.join(requirements + relaxed)} from wheels: {res.output}")
    versions = installed_versions(tool.installed(python), pins.pins)
    seconds = time.perf_counter() - start
    write_atomic(venv / MARKER, json.dumps({
        "format": FORMAT, "image": pins.label, "source": pins.source, "pins": pins.pins, "versions": versions,
        "relaxed": relaxed, "python": platform.python_version(), "seconds": round(seconds, 2)},
        indent=2, sort_keys=True))
    return _Built(python, versions, relaxed, None, str(venv), built_now=True, seconds=seconds)
