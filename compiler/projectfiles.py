"""Files a pipeline may read: regular files inside its project.

The project root is the git work tree holding the pipeline YAML, else the YAML's folder.
`code:`, `source_dir:`/`entry_point:` and `pipeline.local.data` paths must resolve (symlinks
followed) inside it; nothing outside, and no device, FIFO or socket, is ever read, uploaded or
copied into the local store.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

MAX_PATH = 1024  # longer than any real relative path; a pasted script is far longer
MAX_COMPONENT = 255  # NAME_MAX on Linux and macOS


class Problem(NamedTuple):
    code: str
    message: str
    hint: str | None = None


_ROOTS: dict = {}


def project_root(base_dir: Path) -> Path:
    """The nearest folder at or above `base_dir` holding `.git` (a work tree), else `base_dir`."""
    base = Path(os.path.abspath(base_dir))
    if base in _ROOTS:
        return _ROOTS[base]
    real = base.resolve()
    root = real
    for folder in (real, *real.parents):
        if (folder / ".git").exists():
            root = folder
            break
    _ROOTS[base] = root
    return root


def inside(path: Path, root: Path) -> bool:
    """True when `path`, with every symlink resolved, is `root` or below it."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return False
    return real == root or root in real.parents


def check_path(rel, base_dir: Path, *, kind: str, field: str) -> tuple[Path | None, Problem | None]:
    """-> (the path, None) when `rel` names a readable `kind` ("file", "dir" or "any") inside the project."""
    what = {"file": "file", "dir": "folder", "any": "file or folder"}[kind]
    if not isinstance(rel, str) or not rel.strip():
        return None, Problem("F005", f"`{field}` must be a path to a {what}")
    if "\n" in rel or "\0" in rel:
        return None, Problem("F005", f"`{field}` is not a path: {_excerpt(rel)}",
                             f"`{field}` takes the path of a {what} relative to the pipeline file "
                             "(e.g. step_scripts/preprocess.py), not its contents")
    longest = max(len(p) for p in rel.split("/"))
    if len(rel) > MAX_PATH or longest > MAX_COMPONENT:
        return None, Problem("F005", f"`{field}` path {_excerpt(rel)} is too long ({len(rel)} characters, a name of "
                                     f"{longest}; at most {MAX_PATH} and {MAX_COMPONENT})",
                             f"`{field}` takes the path of a {what} relative to the pipeline file, not its contents")
    root = project_root(base_dir)
    path = Path(base_dir) / rel
    if not inside(path, root):
        return None, Problem("F004", f"`{field}` path '{rel}' is outside the project ({root})",
                             "only files inside the project (the git work tree holding the pipeline, else its "
                             "folder) are read; copy the file into the project")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None, _missing(kind, rel, base_dir)
    except OSError as exc:
        return None, Problem("F006", f"cannot read `{field}` path '{rel}': {exc.strerror or exc}")
    ok = {"file": stat.S_ISREG(mode), "dir": stat.S_ISDIR(mode), "any": stat.S_ISREG(mode) or stat.S_ISDIR(mode)}[kind]
    if not ok:
        found = "a folder" if stat.S_ISDIR(mode) else "a regular file" if stat.S_ISREG(mode) else "not a regular file"
        return None, Problem("F006", f"`{field}` path '{rel}' is {found}; expected a {what}")
    return path, None


def _missing(kind: str, rel: str, base_dir: Path) -> Problem:
    hint = f"paths are relative to the pipeline file's folder ({base_dir}); a fragment's (include/extends) to its own"
    if kind == "dir":
        return Problem("F002", f"source directory not found: {rel}", hint)
    if kind == "any":
        return Problem("F007", f"local data not found: no such file or folder {rel}", hint)
    return Problem("F001", f"code file not found: {rel}", hint)


def _excerpt(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return repr(first[:40] + ("..." if len(first) > 40 or len(text.strip()) > len(first) else ""))


def tree_files(folder: Path, root: Path | None = None) -> tuple[list[Path], list[Path]]:
    """Regular files below `folder` (sorted; symlinked folders are not entered) -> (inside, outside):
    files whose real path is in the project, and those that lead out of it (never to be read)."""
    root = root or project_root(folder)
    ok, out = [], []
    for p in sorted(folder.rglob("*")):
        try:
            regular = p.is_file()
        except OSError:
            continue
        if not regular:
            continue
        (ok if inside(p, root) else out).append(p)
    return ok, out


def check_local_data(pipeline) -> list:
    """`pipeline.local.data` entries: each a file or folder inside the project."""
    from .diagnostics import Diagnostic

    out = []
    for s3, rel in pipeline.local_data:
        path = ("pipeline", "local", "data", s3)
        found, problem = check_path(rel, pipeline.base_dir, kind="any", field="local.data")
        if problem is None and found.is_dir():
            root = project_root(pipeline.base_dir)
            leaks = tree_files(found, root)[1]
            if leaks:
                problem = Problem("F004", f"'{leaks[0].relative_to(found).as_posix()}' in local data folder '{rel}' "
                                          f"leads outside the project ({root})", "a symlink out of the project is never copied")
        if problem is not None:
            out.append(Diagnostic(problem.code, problem.message, path=path, hint=problem.hint))
    return out
