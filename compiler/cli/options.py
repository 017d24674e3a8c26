"""Option types shared by the CLI modules (one definition each)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

VarOpt = Annotated[Optional[List[str]], typer.Option("--var", help="Template variable NAME=VALUE (repeatable).")]
VarsFileOpt = Annotated[Optional[List[Path]], typer.Option("--vars-file", help="YAML file of template variables (repeatable; later wins).")]
ProfileOpt = Annotated[Optional[str], typer.Option("--profile", help="AWS profile (default: the standard credential chain).")]
RegionOpt = Annotated[Optional[str], typer.Option("--region", help="AWS region (default: pipeline.region for a FILE, else AWS_REGION or the profile's).")]
ParamOpt = Annotated[Optional[List[str]], typer.Option("--param", help="Parameter override NAME=VALUE, checked against the declared type and enum (repeatable).")]
WaitOpt = Annotated[bool, typer.Option("--wait", help="Show live step statuses until the execution ends; exit 1 unless it succeeds.")]
PollOpt = Annotated[float, typer.Option("--poll", help="Seconds between status polls with --wait.")]
LocalOpt = Annotated[bool, typer.Option("--local", help="Read the local runner's workspace instead of AWS.")]
WorkspaceOpt = Annotated[Optional[Path], typer.Option("--workspace", help="Local workspace folder (with --local).")]


class Fmt(str, Enum):
    text = "text"
    json = "json"


class ValidateFmt(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"


class DiffFmt(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


class GraphFmt(str, Enum):
    mermaid = "mermaid"
    dot = "dot"
    svg = "svg"
    png = "png"


FmtOpt = Annotated[Fmt, typer.Option("--format", help="Output format.")]
TimeoutOpt = Annotated[Optional[float], typer.Option("--timeout", help="With --wait: stop waiting after this many seconds and exit 124 (the execution keeps running).")]
GitCommitOpt = Annotated[Optional[str], typer.Option("--git-commit", help="Source commit to record (tags, the GitCommit parameter, the output); default: .git, else CODEBUILD_RESOLVED_SOURCE_VERSION, GITHUB_SHA or CI_COMMIT_SHA.")]
