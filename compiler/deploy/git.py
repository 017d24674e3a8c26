"""Git at the edge: the current commit, and compiling a file as of another revision.

`compile_at_ref` exports from the revision, with `git archive`, only what the compile reads:
the file and the code files and source folders it uploads (the caller's guess: those of the
current version). When the revision's version needs others (a code file not found, F001/F002),
it falls back to the whole tree. The work tree and the index are never touched.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

from ..errors import MlpcError

MISSING_CODE = ("F001", "F002", "F007", "D001")  # a code file / source folder / local data / fragment not found


class GitError(MlpcError):
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


# CI systems that build without a .git folder still say which commit they build, in this order:
# CodeBuild (a CodePipeline source artifact has no .git), GitHub Actions, GitLab CI.
CI_COMMIT_VARIABLES = ("CODEBUILD_RESOLVED_SOURCE_VERSION", "GITHUB_SHA", "CI_COMMIT_SHA")
# what a SageMaker tag value and a String parameter value both accept
COMMIT_TEXT = re.compile(r"[0-9A-Za-z._:/=+@\-]{1,256}")


def source_commit(path: Path, explicit: str | None = None, environ=None) -> tuple[str, str]:
    """(commit, where it came from): --git-commit, else the .git of the file's repository, else the
    first of CI_COMMIT_VARIABLES that is set, else ('unknown', 'none')."""
    if explicit is not None:
        if not COMMIT_TEXT.fullmatch(explicit):
            raise GitError(f"--git-commit '{explicit}' is not a commit id",
                           "pass the commit SHA, e.g. --git-commit \"$(git rev-parse HEAD)\"")
        return explicit, "--git-commit"
    commit = current_commit(path)
    if commit != "unknown":
        return commit, ".git"
    env = os.environ if environ is None else environ
    for var in CI_COMMIT_VARIABLES:
        value = (env.get(var) or "").strip()
        if value and COMMIT_TEXT.fullmatch(value):
            return value, var
    return "unknown", "none"


def compile_at_ref(path: Path, ref: str, variables: dict | None = None, vars_files: list | None = None,
                   code_paths: list | None = None):
    """Compile PATH as it is at git revision REF. Returns (CompileResult, resolved commit);
    the result is None when the file does not exist at REF. `code_paths` (relative to the file's
    folder) are the files and folders to export with it; more are exported if the compile needs them."""
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
    names = set(_git(["ls-tree", "-r", "-z", "--name-only", commit], root, binary=True).decode().split("\0")) - {""}
    if rel.as_posix() not in names:
        return None, commit  # a new file: everything in it is an addition
    wanted = export_paths(rel, code_paths or [], names)
    while True:
        with tempfile.TemporaryDirectory(prefix="mlpc-git-") as tmp:
            _export(root, commit, wanted, Path(tmp))
            # the export is the repository's work tree at REF: mark it as one, so the project root
            # (mlpc.projectfiles) is its top and ../ paths inside the repository stay in the project
            (Path(tmp) / ".git").mkdir(exist_ok=True)
            result = compile_file(Path(tmp) / rel, variables, vars_files, display=f"{ref}:{rel.as_posix()}")
        if wanted is None or not any(d.code in MISSING_CODE for d in result.diagnostics):
            return result, commit
        wanted = None  # the revision needs code the current version does not: export everything


def export_paths(rel: Path, code_paths: list, names: set) -> list[str]:
    """The pipeline file and those of its code paths (files, or folders: every file below) that exist at
    the revision, as repository-relative paths."""
    out = [rel.as_posix()]
    for code in code_paths:
        p = os.path.normpath((rel.parent / code).as_posix())
        if p in names:
            out.append(p)
        elif any(n.startswith(p + "/") for n in names):
            out.append(p)
    return sorted(set(out))


def _export(root: Path, commit: str, paths: list | None, dest: Path) -> None:
    """`git archive` the commit (only `paths` when given) into dest."""
    archive = _git(["archive", "--format=tar", commit, *(["--", *paths] if paths else [])], root, binary=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        try:
            tar.extractall(dest, filter="data")
        except TypeError:  # Python without extraction filters
            tar.extractall(dest)
