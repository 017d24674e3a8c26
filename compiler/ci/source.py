"""Where generated CI installs mlpc from: a pinned source, never a bare name on a public index.

The distribution is mlpc-sagemaker; `mlpc` on the public package index is an unrelated project
(no `mlpc` command, and installing it is a dependency-confusion hole). A source is one of:
- a pinned git revision: `mlpc-sagemaker @ git+https://HOST/ORG/mlpc@COMMIT`
- a wheel or archive URL: `mlpc-sagemaker @ https://HOST/mlpc_sagemaker-0.1.0-py3-none-any.whl`
- a path in the checked-out repository: `.` (mlpc's own repository) or `./vendor/mlpc_sagemaker-....whl`
When none is known, generated files carry an empty MLPC_SOURCE and stop with a message saying
how to set it (docs/deploy.md, "Installing mlpc in CI"): a build that fails loudly rather than
one that installs someone else's package.
"""

from __future__ import annotations

DISTRIBUTION = "mlpc-sagemaker"
EXAMPLE = f"{DISTRIBUTION} @ git+https://HOST/ORG/mlpc@COMMIT"


def installed_source() -> str:
    """A pip requirement that reinstalls exactly this mlpc elsewhere (a CI build), from PEP 610's
    direct_url.json: a git URL pinned to its commit, or a wheel/archive URL that is not a local
    file. "" when there is none (a local checkout or a local wheel): the caller must pass one."""
    import json
    from importlib import metadata

    try:
        raw = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return ""
    info = json.loads(raw) if raw else {}
    url = info.get("url", "")
    vcs = info.get("vcs_info") or {}
    if vcs.get("vcs") == "git" and vcs.get("commit_id") and not url.startswith("file:"):
        return f"{DISTRIBUTION} @ git+{url}@{vcs['commit_id']}"
    if "archive_info" in info and not url.startswith("file:"):
        return f"{DISTRIBUTION} @ {url}"
    return ""


def source_problem(spec: str) -> tuple | None:
    """(message, hint) when SPEC is not a pinned source (a bare name resolves on a public index)."""
    spec = spec.strip()
    if "@" in spec or "://" in spec or spec.startswith((".", "/")):
        return None
    return (f"--mlpc-source '{spec}' is a bare package name",
            f"pin the source: '{EXAMPLE}', a wheel URL, or a path in the repository ('.' or ./vendor/FILE.whl); "
            "the name `mlpc` on the public index is an unrelated project")
