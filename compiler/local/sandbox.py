"""How a step's process sees /opt/ml: its own directory, in a private mount namespace.

Each step gets a directory on the host (its "root"). The step's command runs
under `unshare --mount --propagation private` (plus `--map-root-user` when
not root), where a small shell script bind-mounts that root onto /opt/ml
before exec'ing the command. Nothing is written to the real /opt/ml and two
runs at once each see their own /opt/ml.

A step whose job asks for network isolation also gets `--net`: a new network namespace
whose only interface is a loopback that is never brought up, so the script cannot open a
socket to anything, the host included (SageMaker's EnableNetworkIsolation). `probe_network()`
says plainly when this machine cannot create one.

When /opt/ml does not exist on the host (the usual case) mlpc does not create
it: inside the namespace a tmpfs is mounted on /opt, the real entries of /opt
are bind-mounted back into it, and /opt/ml is created on the tmpfs. When
/opt does not exist either, or namespaces are unavailable (macOS, a container
without CAP_SYS_ADMIN and without user namespaces), `probe()` says so plainly.
"""

from __future__ import annotations

import functools
import os
import select
import shlex
import shutil
import signal
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

OPT = Path("/opt")
OPT_ML = OPT / "ml"


_LIVE: dict = {}  # the step processes running now -> their owner (an execution id), for interrupts
_LIVE_LOCK = threading.Lock()
_PEAK = threading.local()  # the peak_memory() scope of the calling thread (a step's worker)


@dataclass(frozen=True)
class Sandbox:
    prefix: tuple  # the unshare command line


@dataclass(frozen=True)
class ProcessResult:
    returncode: int
    seconds: float
    timed_out: bool = False
    peak_rss_mb: float | None = None  # the process's peak resident memory (getrusage ru_maxrss)


class PeakMemory:
    """The largest peak RSS among the processes run in a peak_memory() scope (None: none ran)."""

    def __init__(self):
        self.mb: float | None = None

    def add(self, mb: float | None) -> None:
        if mb is not None and (self.mb is None or mb > self.mb):
            self.mb = mb


def own_peak_mb() -> float:
    """This process's peak RSS since it started its program (VmHWM: ru_maxrss would also count
    the image of the process it was forked from, before exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        pass
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@contextmanager
def peak_memory():
    """Collect the peak RSS of every process `run` starts from this thread (a step's worker)."""
    outer = getattr(_PEAK, "scope", None)
    scope = _PEAK.scope = PeakMemory()
    try:
        yield scope
    finally:
        _PEAK.scope = outer
        if outer is not None:
            outer.add(scope.mb)


@functools.lru_cache(maxsize=1)
def probe() -> tuple[Sandbox | None, str | None]:
    """Find a working way to create a private mount namespace. Returns (sandbox, error)."""
    unshare = shutil.which("unshare")
    if unshare is None or not Path("/proc/self/ns/mnt").exists():
        return None, ("mlpc run --local gives every step its own /opt/ml with a Linux mount namespace, "
                      "and this system has none (`unshare` from util-linux was not found). "
                      "Run it on Linux with util-linux installed.")
    if not OPT_ML.is_dir() and not OPT.is_dir():
        return None, ("mlpc run --local needs /opt to exist on this machine to give each step its own "
                      "/opt/ml (it mounts over /opt only inside a private namespace and never writes to it). "
                      "Create an empty /opt, e.g. `sudo mkdir /opt`.")
    base = (unshare, "--mount", "--propagation", "private")
    tries = [base] if os.geteuid() == 0 else []
    tries.append(base[:2] + ("--map-root-user",) + base[2:])
    last = ""
    for prefix in tries:
        proc = subprocess.run([*prefix, "sh", "-c", "mount -t tmpfs mlpc-probe /mnt 2>/dev/null || "
                               "mount -t tmpfs mlpc-probe /tmp"], capture_output=True, text=True)
        if proc.returncode == 0:
            return Sandbox(tuple(prefix)), None
        last = (proc.stderr or proc.stdout).strip()
    return None, ("mlpc run --local gives every step its own /opt/ml with a private Linux mount namespace, "
                  f"and creating one failed here ({last or 'unshare --mount failed'}). "
                  "Run as root, or enable unprivileged user namespaces "
                  "(sysctl kernel.unprivileged_userns_clone=1 / user.max_user_namespaces > 0).")


@functools.lru_cache(maxsize=1)
def probe_network() -> str | None:
    """None when the sandbox can also create a network namespace; else why not."""
    sandbox, err = probe()
    if sandbox is None:
        return err
    proc = subprocess.run([*_with_net(sandbox.prefix), "true"], capture_output=True, text=True)
    if proc.returncode == 0:
        return None
    return ("this step asks for network isolation, and creating a network namespace failed here "
            f"({(proc.stderr or proc.stdout).strip() or 'unshare --net failed'}); mlpc does not run an isolated "
            "step with the host's network. Run as root or enable unprivileged user namespaces.")


def _with_net(prefix: tuple) -> tuple:
    return (prefix[0], "--net", *prefix[1:])


def command(sandbox: Sandbox, root: Path, argv: list[str], workdir: str = "/opt/ml",
            isolate_network: bool = False) -> list[str]:
    """The command line that runs argv with `root` mounted on /opt/ml and cwd `workdir`
    (in a network namespace of its own with only a downed loopback when `isolate_network`)."""
    stage = root.parent / (root.name + ".opt")
    lines = ["set -e"]
    if OPT_ML.is_dir():
        lines.append('mount --bind "$1" /opt/ml')
    else:
        lines += ['mkdir -p "$2"', 'mount --rbind /opt "$2"', "mount -t tmpfs -o mode=0755 mlpc-opt /opt"]
        for entry in sorted(os.scandir(OPT), key=lambda e: e.name):
            src, dst = shlex.quote(entry.name), shlex.quote(f"/opt/{entry.name}")
            if entry.is_symlink():
                lines.append(f"ln -s {shlex.quote(os.readlink(entry.path))} {dst}")
            elif entry.is_dir():
                lines.append(f'mkdir {dst} && mount --rbind "$2"/{src} {dst}')
            else:
                lines.append(f': > {dst} && mount --bind "$2"/{src} {dst}')
        lines.append('mkdir /opt/ml && mount --bind "$1" /opt/ml')
    lines += ['cd "$3"', "shift 3", 'exec "$@"']
    prefix = _with_net(sandbox.prefix) if isolate_network else sandbox.prefix
    return [*prefix, "/bin/sh", "-c", "\n".join(lines), "mlpc-sandbox",
            str(root), str(stage), workdir, *argv]


def run(argv: list[str], env: dict, stdout: Path, stderr: Path, timeout: float | None = None,
        owner: str | None = None) -> ProcessResult:
    """Run a command with its output in two log files; kill its process group on timeout."""
    stdout.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with open(stdout, "ab") as out, open(stderr, "ab") as err:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        with _LIVE_LOCK:
            _LIVE[proc] = owner
        try:
            code, peak = _wait(proc, timeout)
            if code is None:
                _kill(proc)
                return ProcessResult(-9, time.perf_counter() - start, timed_out=True)
            scope = getattr(_PEAK, "scope", None)
            if scope is not None:
                scope.add(peak)
            return ProcessResult(code, time.perf_counter() - start, peak_rss_mb=peak)
        except BaseException:
            _kill(proc)
            raise
        finally:
            with _LIVE_LOCK:
                _LIVE.pop(proc, None)


def _wait(proc: subprocess.Popen, timeout: float | None) -> tuple[int | None, float | None]:
    """Wait for the process (None on timeout) and read its peak RSS with wait4, which
    Popen.wait cannot give. `unshare` and the shell exec the command, so the pid is the step's."""
    deadline = None if timeout is None else time.monotonic() + timeout
    fd = None
    try:
        fd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        pass
    try:
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if fd is not None:
                ready, _, _ = select.select([fd], [], [], left)
                if not ready:
                    return None, None
            else:  # no pidfd: poll
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid == 0:
                    if left == 0.0:
                        return None, None
                    time.sleep(min(0.01, left) if left is not None else 0.01)
                    continue
                return _reaped(proc, status, usage)
            pid, status, usage = os.wait4(proc.pid, 0)
            return _reaped(proc, status, usage)
    finally:
        if fd is not None:
            os.close(fd)


def _reaped(proc: subprocess.Popen, status: int, usage) -> tuple[int, float]:
    proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait for it again
    return proc.returncode, round(usage.ru_maxrss / 1024, 1)  # Linux reports KiB


def terminate(owner: str) -> None:
    """Kill the step processes of one owner (an execution) that still run, e.g. on Ctrl-C."""
    with _LIVE_LOCK:
        procs = [p for p, o in _LIVE.items() if o == owner]
    for proc in procs:
        _kill(proc)


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
    proc.wait()


def cleanup(root: Path) -> None:
    """Remove a step root and the empty mount-point folder left next to it."""
    shutil.rmtree(root, ignore_errors=True)
    stage = root.parent / (root.name + ".opt")
    if stage.is_dir():
        shutil.rmtree(stage, ignore_errors=True)


def log_tail(path: Path, lines: int = 25, max_chars: int = 4000) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    tail = "\n".join(text.rstrip().splitlines()[-lines:])
    return tail[-max_chars:]
