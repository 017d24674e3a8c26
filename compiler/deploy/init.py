"""`mlpc init DIR`: scaffold a project (pipeline YAML, step scripts, buildspec, PR-check workflow).

Pure planning (`plan_init`) plus one writer (`write_init`) that refuses to
overwrite anything: if any target file exists, nothing is written.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import MlpcError
from .init_templates import FILES, VERBATIM


class InitError(MlpcError):
    """`mlpc init` cannot scaffold (a bad name or source, files in the way)."""

    def __init__(self, message: str, hint: str | None = None, code: str = "init"):
        super().__init__(message, hint, code)

NAME_RE = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$")


def default_name(directory: Path) -> str:
    raw = directory.resolve().name.lower()
    name = re.sub(r"[^a-z0-9]+", "-", raw).strip("-")
    return name or "my-pipeline"


from ..ci import source as ci_source
from ..ci.source import DISTRIBUTION, source_problem  # noqa: F401 (DISTRIBUTION re-exported)


def check_source(spec: str) -> str:
    """A --mlpc-source value must name the source, not just a distribution on an index."""
    spec = spec.strip()
    problem = source_problem(spec) if spec else None
    if problem:
        raise InitError(problem[0], problem[1], "BadSource")
    return spec


def plan_init(directory: Path, name: str | None = None, mlpc_source: str | None = None) -> dict:
    """relative path -> text of every file to write."""
    name = name or default_name(directory)
    source = check_source(mlpc_source) if mlpc_source else ci_source.installed_source()
    if not NAME_RE.match(name):
        raise InitError(f"'{name}' is not a valid pipeline name", "use letters, digits and single hyphens, e.g. churn-model",
                       "BadName")
    out = {}
    for rel, text in FILES.items():
        out[rel.format(name=name)] = text if rel in VERBATIM else text.format(name=name, mlpc_source=source.replace('"', '\\"'))
    # the editor schema, so the YAML's modeline (../schemas/pipeline.schema.json) works offline;
    # `mlpc schema > schemas/pipeline.schema.json` refreshes it after an upgrade
    from ..schema import schema_text

    out["schemas/pipeline.schema.json"] = schema_text()
    return out


def write_init(directory: Path, files: dict) -> list:
    """Write the files under DIR; refuse (write nothing) if any already exists. Returns the paths written."""
    existing = sorted(rel for rel in files if (directory / rel).exists())
    if existing:
        raise InitError(f"refusing to overwrite {', '.join(existing)}", "choose an empty folder, or move these files away",
                       "FileExists")
    written = []
    for rel, text in files.items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as f:  # "x": never clobber, even in a race
            f.write(text)
        written.append(path)
    return written


def git_init(directory: Path) -> bool:
    """Make the new project a git work tree (as `cargo new` does) unless it is inside one already:
    the work tree is the project root that `code:` and `source_dir:` paths must stay in.
    Returns True when a repository was created."""
    import subprocess

    from .git import repo_root

    if repo_root(directory) is not None:
        return False
    try:
        proc = subprocess.run(["git", "init", "-q", str(directory)], capture_output=True, check=False)
    except OSError:
        return False
    return proc.returncode == 0
