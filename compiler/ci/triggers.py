"""The files a CI workflow's path filter must watch: everything the pipelines read at compile time.

Derived from the compile results, not from folder names: each pipeline file's folder, the
fragments it includes or extends (mlpc.reuse, wherever they live), its code files and source_dir
folders (every path the renderers read, identical copies included), plus what the caller adds
(the vars files). A path inside a watched folder is not listed again. Paths are relative to the
repository root (the working directory, where the pipeline files are given from), written as
GitHub filter patterns: `**` for a folder's contents, glob characters in names escaped.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path

_GLOB = re.compile(r"([*?+\[\]!\\])")


def compile_inputs(file: str, result, root: Path | None = None) -> list[tuple[str, bool]]:
    """(path relative to `root`, the repository root (default: the working directory), is a folder)
    of every file one compile read: the pipeline file, its fragments, its code."""
    base = Path(result.base_dir or ".")
    read = [(Path(file), False)] + [(Path(p), False) for p in result.fragments]
    read += [(base / rel, (base / rel).is_dir()) for rel in dict.fromkeys(result.code_paths)]
    top = os.path.abspath(root or ".")
    return [(Path(os.path.relpath(os.path.abspath(p), top)).as_posix(), d) for p, d in read]


def _pattern(path: str, folder: bool) -> str:
    literal = _GLOB.sub(r"\\\1", path)
    if folder:
        return "**" if path == "." else f"{literal}/**"
    return literal


def _within(path: str, folder: str) -> bool:
    return folder == "." or path == folder or path.startswith(folder + "/")


def trigger_paths(inputs: list[tuple[str, bool]], folders: list[str]) -> tuple[list[str], list[str]]:
    """-> (sorted filter patterns, the inputs outside the repository root). `folders` are watched
    whole (e.g. the pipelines' folders, the vars folder); `inputs` as compile_inputs gives them."""
    watched = sorted({posixpath.normpath(f) for f in folders})
    outside = sorted({p for p, _ in inputs if p == ".." or p.startswith("../") or posixpath.isabs(p)})
    for path, folder in sorted(set(inputs)):
        if path in outside or not folder or any(_within(path, w) for w in watched):
            continue
        watched.append(path)
    patterns = {_pattern(w, True) for w in watched}
    for path, folder in set(inputs):
        if path not in outside and not folder and not any(_within(path, w) for w in watched):
            patterns.add(_pattern(path, False))
    return sorted(patterns), outside
