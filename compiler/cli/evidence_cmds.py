"""models card / history / rollback: the audit evidence of the Model Registry (AWS, or --local).

Both registries give the same facts to mlpc.evidence, which builds and renders the record, so the
output is the same on AWS and locally. With --local nothing here imports boto3.
"""

from __future__ import annotations

import os
import tempfile
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import aws_support
from .aws_support import cli_errors, fail, print_json
from .options import LocalOpt, ProfileOpt, RegionOpt, WorkspaceOpt
from .registry_cmds import GroupArg, ReasonOpt, VersionArg, models_app


class CardFmt(str, Enum):
    markdown = "markdown"
    html = "html"
    json = "json"


def _local_registry(workspace):
    from ..local.registry import Registry
    from ..local.workspace import Workspace

    ws = Workspace.at(workspace)
    if not ws.db_path.exists():
        fail(f"no local model registry in {ws.root}", "register a model first: mlpc run FILE --local")
    return Registry(ws.db_path)


def _write_all_or_nothing(path: Path, text: str) -> None:
    """Write to a temp file beside the target, then rename: a failed write leaves nothing behind."""
    path = Path(path)
    if not path.parent.is_dir():
        fail(f"cannot write {path}: no folder {path.parent}")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        fail(f"cannot write {path}: {exc.strerror or exc}")


@models_app.command("card")
def models_card(
    group: GroupArg,
    version: VersionArg,
    format: Annotated[CardFmt, typer.Option("--format", help="markdown, html or json.")] = CardFmt.markdown,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write to FILE (all or nothing).")] = None,
    local: LocalOpt = False,
    workspace: WorkspaceOpt = None,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
):
    """The audit record of one version: model card, approval history, quality, bias and
    explainability metrics, data quality, lineage and drift baselines.

    Example: [bold]mlpc models card credit-risk-models 3 --format html -o card.html[/bold]
    """
    from ..evidence import RENDERERS, audit_record

    if local:
        facts, err = _local_registry(workspace).facts(group, version)
        if err:
            fail(err, f"see mlpc models list {group} --local")
    else:
        from ..deploy.registry import package_facts

        with cli_errors():
            aws = aws_support.connect(profile, region)
            facts = package_facts(aws.sagemaker, aws.s3, group, version)
    text = RENDERERS[format.value](audit_record(facts))
    if output is None:
        typer.echo(text, nl=False)
        return
    _write_all_or_nothing(output, text)
    typer.echo(f"wrote {output}")


@models_app.command("history")
def models_history(
    group: GroupArg,
    metric: Annotated[Optional[str], typer.Option("--metric", help="Show (and plot) only this metric.")] = None,
    plot: Annotated[Optional[Path], typer.Option("--plot", help="Also draw the metrics over versions to FILE.png or .svg (needs the 'plot' extra).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="The versions as JSON.")] = False,
    local: LocalOpt = False,
    workspace: WorkspaceOpt = None,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
):
    """Metrics across versions over time, oldest first; the live version is marked.

    Example: [bold]mlpc models history credit-risk-models --metric auc --plot auc.png[/bold]
    """
    from ..evidence import history_rows, plot_history

    if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
        fail(f"--plot {plot}: the file must end in .png or .svg")
    if local:
        versions = _local_registry(workspace).versions(group)
    else:
        from ..deploy.registry import list_versions

        with cli_errors():
            aws = aws_support.connect(profile, region)
            versions = list_versions(aws.sagemaker, aws.s3, group)
    if not versions:
        fail(f"no versions in model package group '{group}'")
    columns, rows, err = history_rows(versions, metric)
    if err:
        fail(err)
    if json_out:
        print_json([dict(zip(columns, row)) for row in rows])
    else:
        aws_support.print_table((f"history of {group}", columns, rows))
    if plot is not None:
        err = plot_history(versions, columns[3:], str(plot))
        if err:
            fail(err)
        typer.echo(f"wrote {plot}")


@models_app.command("rollback")
def models_rollback(
    group: GroupArg,
    to: Annotated[Optional[int], typer.Option("--to", help="The version to make live (default: the one approved before the live one).")] = None,
    reason: ReasonOpt = None,
    local: LocalOpt = False,
    workspace: WorkspaceOpt = None,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
):
    """Make an earlier version live again: re-approve it and reject the live version (the live
    version is the latest Approved one), recording the reason on both.

    Example: [bold]mlpc models rollback credit-risk-models --reason "AUC dropped in production"[/bold]
    """
    if local:
        from ..evidence import rollback_plan

        reg = _local_registry(workspace)
        plan, err = rollback_plan(reg.versions(group), to, reg.ever_approved(group) if to is None else None)
        if err:
            fail(err, f"see mlpc models list {group} --local")
        why = reason or f"rollback from version {plan['live']} to version {plan['target']}"
        reg.set_status(group, plan["target"], "Approved", why)
        for version in plan["reject"]:
            reg.set_status(group, version, "Rejected", why)
    else:
        from ..deploy.registry import rollback

        with cli_errors():
            aws = aws_support.connect(profile, region)
            plan = rollback(aws.sagemaker, aws.s3, group, to, reason)
    rejected = ", ".join(str(v) for v in plan["reject"])
    typer.echo(f"{group}: version {plan['target']} is live (Approved); rejected version(s) {rejected}")
