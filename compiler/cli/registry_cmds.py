"""executions list/describe and models list/approve/reject (AWS, or --local)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .base import app
from . import aws_support  # connect() is looked up at call time: tests point it at moto/Stubber
from .aws_support import fail, cli_errors, print_table, print_json, run_local_view
from .options import Fmt, FmtOpt, LocalOpt, ProfileOpt, RegionOpt, WorkspaceOpt

executions_app = typer.Typer(help="List and inspect pipeline executions.", no_args_is_help=True)
models_app = typer.Typer(help="The Model Registry: list versions, approve or reject them.", no_args_is_help=True)
app.add_typer(executions_app, name="executions")
app.add_typer(models_app, name="models")


@executions_app.command("list")
def executions_list(
    name: Annotated[Optional[str], typer.Argument(help="Deployed pipeline name (with --local: only this pipeline's; optional).")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many, newest first.")] = 20,
    format: FmtOpt = Fmt.text,
    local: LocalOpt = False,
    workspace: WorkspaceOpt = None,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
):
    """List executions, newest first.

    Example: [bold]mlpc executions list breast-cancer --limit 5[/bold]
    """
    if local:
        run_local_view("show_local_executions", workspace, format.value, name, limit)
    from ..deploy import executions
    from ..deploy.views import executions_table

    if not name:
        fail("missing pipeline NAME", "e.g. mlpc executions list breast-cancer (or --local)")
    with cli_errors():
        rows = executions.list_executions(aws_support.connect(profile, region).sagemaker, name, limit)
    print_json(rows) if format == Fmt.json else print_table(executions_table(name, rows))


@executions_app.command("describe")
def executions_describe(
    name: Annotated[Optional[str], typer.Argument(help="Pipeline name (deployed, or with --local as run locally).")] = None,
    execution: Annotated[Optional[str], typer.Argument(help="Execution id or ARN (default: the newest).")] = None,
    format: FmtOpt = Fmt.text,
    local: LocalOpt = False,
    workspace: WorkspaceOpt = None,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
):
    """Status, parameters and per-step statuses (with failure reasons) of one execution.

    Example: [bold]mlpc executions describe breast-cancer 7x2k9q1abcde[/bold]
    """
    if local:
        run_local_view("show_local_execution", workspace, name, execution, format.value)
    from ..deploy import executions
    from ..deploy.views import execution_lines, steps_table

    if not name:
        fail("missing pipeline NAME", "e.g. mlpc executions describe breast-cancer [EXECUTION]")
    with cli_errors():
        sm = aws_support.connect(profile, region).sagemaker
        info = executions.describe_execution(sm, executions.execution_arn(sm, name, execution))
    if format == Fmt.json:
        print_json(info)
        return
    typer.echo("\n".join(execution_lines(info)))
    print_table(steps_table("steps", info["steps"]))


# ------------------------------------------------------------------ models

@models_app.command("list")
def models_list(
    group: Annotated[Optional[str], typer.Argument(help="Model package group name (optional with --local).")] = None,
    format: FmtOpt = Fmt.text,
    local: LocalOpt = False,
    workspace: WorkspaceOpt = None,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
):
    """Versions in a model package group: status, metrics, source commit.

    Example: [bold]mlpc models list breast-cancer-models[/bold]
    """
    if local:
        run_local_view("show_local_models", workspace, group, format.value)
    from ..deploy.registry import list_versions
    from ..deploy.views import models_table

    if not group:
        fail("missing model package GROUP", "e.g. mlpc models list breast-cancer-models (or --local)")
    with cli_errors():
        aws = aws_support.connect(profile, region)
        versions = list_versions(aws.sagemaker, aws.s3, group)
    print_json(versions) if format == Fmt.json else print_table(models_table(group, versions))


def _set_status(verb, group, version, reason, local, workspace, profile, region):
    from ..deploy.registry import STATUS_BY_VERB, set_status

    if local:
        run_local_view("set_local_model_status", workspace, group, version, STATUS_BY_VERB[verb], reason)
    with cli_errors():
        done = set_status(aws_support.connect(profile, region).sagemaker, group, version, verb, reason)
    typer.echo(f"{group} version {version}: {done['status']}")


GroupArg = Annotated[str, typer.Argument(help="Model package group name.")]
VersionArg = Annotated[int, typer.Argument(help="Version number (see mlpc models list).")]
ReasonOpt = Annotated[Optional[str], typer.Option("--reason", help="Recorded as the approval description.")]


@models_app.command("approve")
def models_approve(group: GroupArg, version: VersionArg, reason: ReasonOpt = None, local: LocalOpt = False,
                   workspace: WorkspaceOpt = None, profile: ProfileOpt = None, region: RegionOpt = None):
    """Approve a version: this is what releases it for deployment.

    Example: [bold]mlpc models approve breast-cancer-models 3 --reason "AUC 0.99 on holdout"[/bold]
    """
    _set_status("approve", group, version, reason, local, workspace, profile, region)


@models_app.command("reject")
def models_reject(group: GroupArg, version: VersionArg, reason: ReasonOpt = None, local: LocalOpt = False,
                  workspace: WorkspaceOpt = None, profile: ProfileOpt = None, region: RegionOpt = None):
    """Reject a version.

    Example: [bold]mlpc models reject breast-cancer-models 4 --reason "regressed on recall"[/bold]
    """
    _set_status("reject", group, version, reason, local, workspace, profile, region)


# ------------------------------------------------------------------ delete / init

from . import evidence_cmds  # noqa: E402,F401  (models card / history / rollback)
