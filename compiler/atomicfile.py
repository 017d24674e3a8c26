"""Writing files the way users expect: atomically, with the umask's mode, through symlinks.

One helper for every file mlpc writes (`-o` outputs, the local store, execution records):
- a regular file (or a new path) is replaced atomically: a temp file in the same folder, then
  rename, so readers never see half a file and a failed write leaves the old one;
- a symlink is followed: the link's target is written and the link stays a link;
- something that is not a regular file (/dev/null, a FIFO, /dev/stdout) is written through;
- a new file gets 0666 minus the umask, as open() would give it; a replaced file keeps its mode
  (tempfile.mkstemp alone would leave 0600).
"""

from __future__ import annotations

import functools
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path


@functools.lru_cache(maxsize=1)
def umask() -> int:
    """The process umask, read without changing it (os.umask(0) would race with other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def new_file_mode() -> int:
    return 0o666 & ~umask()


def fix_mode(path: str | os.PathLike, like: os.stat_result | None = None) -> None:
    """Give a file made by mkstemp (0600) the mode a plain open() would have given it."""
    os.chmod(path, stat.S_IMODE(like.st_mode) if like is not None else new_file_mode())


@contextmanager
def open_atomic(path: str | os.PathLike, mode: str = "wb", **kw):
    """`with open_atomic(p, "w") as f: f.write(...)`; see the module docstring for the rules."""
    target = Path(os.path.realpath(path))  # through symlinks (also dangling ones: their target is created)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        with open(target, mode, **kw) as f:  # a device or a pipe: there is nothing to replace
            yield f
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **kw) as f:
            yield f
        fix_mode(tmp, st)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | os.PathLike, data: str | bytes, encoding: str = "utf-8") -> None:
    if isinstance(data, str):
        with open_atomic(path, "w", encoding=encoding) as f:
            f.write(data)
    else:
        with open_atomic(path, "wb") as f:
            f.write(data)


class OutputError(Exception):
    """A file could not be written; the message names the file and the reason."""


def write_all(files, *, newline: bool = True) -> None:
    """Write every (path, str | bytes) or none of them (e.g. `-o` with `--manifest`): each goes to a
    temp file beside its target, and only when all are written are they renamed into place; devices
    and FIFOs are written through last. Text gets a final newline. Raises OutputError."""
    staged: list = []  # (temp file, target)
    through: list = []
    try:
        for path, content in files:
            data = content.encode("utf-8") if isinstance(content, str) else content
            if newline and isinstance(content, str) and not data.endswith(b"\n"):
                data += b"\n"
            target = Path(os.path.realpath(path))
            try:
                st = os.stat(target)
            except (FileNotFoundError, NotADirectoryError):  # to be created; mkdir reports a blocked parent
                st = None
            except OSError as exc:
                raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
            if st is not None and stat.S_ISDIR(st.st_mode):
                raise OutputError(f"cannot write {path}: it is a folder")
            if st is not None and not stat.S_ISREG(st.st_mode):
                through.append((path, data))
                continue
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
                staged.append((tmp, target))
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                fix_mode(tmp, st)
            except OSError as exc:
                raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        for tmp, target in staged:
            os.replace(tmp, target)
        staged = []
        for path, data in through:
            try:
                with open(path, "ab") as fh:  # a device or FIFO: nothing to replace or truncate
                    fh.write(data)
            except OSError as exc:
                raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
