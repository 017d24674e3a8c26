"""Git at the edge: the current commit, and compiling a file as of another revision.

`compile_at_ref` exports the revision with `git archive` into a temporary
folder and compiles the same file there, so the code files it uploads are
the revision's too; the work tree and the index are never touched.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .session import AwsError


class GitError(AwsError):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message, hint, "git")


def _git(args: list, cwd: Path, binary: bool = False):
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed", "install git, or compare against a PATH.json") from None
    if proc.returncode != 0:
        lines = proc.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(f"git {' '.join(args[:2])} failed" + (f": {lines[-1]}" if lines else ""))
    return proc.stdout if binary else proc.stdout.decode().strip()


def repo_root(path: Path) -> Path | None:
    folder = path if path.is_dir() else path.parent
    try:
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder or Path("."),
                              capture_output=True, check=False, text=True)
    except FileNotFoundError:
        return None
    return Path(proc.stdout.strip()) if proc.returncode == 0 else None


def current_commit(path: Path) -> str:
    """HEAD's commit for the file's repository (+ '-dirty' with uncommitted changes), or 'unknown'."""
    root = repo_root(path.resolve())
    if root is None:
        return "unknown"
    try:
        sha = _git(["rev-parse", "--verify", "HEAD"], root)
        dirty = _git(["status", "--porcelain", "--untracked-files=no"], root)
    except GitError:
        return "unknown"
    return sha + ("-dirty" if dirty else "")


def compile_at_ref(path: Path, ref: str, variables: dict | None = None, vars_files: list | None = None):
    """Compile PATH as it is at git revision REF. Returns (CompileResult, resolved commit);
    the result is None when the file does not exist at REF."""
    from ..api import compile_file

    path = Path(path).resolve()
    root = repo_root(path)
    if root is None:
        raise GitError(f"{path} is not inside a git repository", "use --against PATH.json or --against deployed")
    rel = path.relative_to(root.resolve())
    try:
        commit = _git(["rev-parse", "--verify", f"{ref}^{{commit}}"], root)
    except GitError:
        raise GitError(f"unknown git revision '{ref}'", "fetch it first (e.g. git fetch origin main)") from None
    archive = _git(["archive", "--format=tar", commit], root, binary=True)
    with tempfile.TemporaryDirectory(prefix="mlpc-git-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            try:
                tar.extractall(tmp, filter="data")
            except TypeError:  # Python without extraction filters
                tar.extractall(tmp)
        copy = Path(tmp) / rel
        if not copy.exists():
            return None, commit  # a new file: everything in it is an addition
        result = compile_file(copy, variables, vars_files, display=f"{ref}:{rel.as_posix()}")
    return result, commit
