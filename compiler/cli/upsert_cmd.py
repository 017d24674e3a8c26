"""mlpc upsert FILE...: every file compiled and planned before the first write."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from . import aws_support  # connect() is looked up at call time: tests point it at moto/Stubber
from .aws_support import cli_errors, fail, overrides_or_exit, print_json, region_or_exit, role_or_exit
from .base import app
from .options import (Fmt, FmtOpt, GitCommitOpt, ParamOpt, PollOpt, ProfileOpt, RegionOpt, TimeoutOpt, VarOpt,
                      VarsFileOpt, WaitOpt)
from .output import compile_all_or_exit


@app.command()
def upsert(
    files: Annotated[List[Path], typer.Argument(help="Pipeline YAML files (e.g. pipelines/*.yaml).")],
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
    role: Annotated[Optional[str], typer.Option("--role", help="Pipeline execution role ARN (overrides pipeline.role).")] = None,
    schedule_role: Annotated[Optional[str], typer.Option("--schedule-role", help="Role EventBridge Scheduler assumes to start the pipeline, for every schedule (default: each schedule's role:, else the pipeline role).")] = None,
    start: Annotated[bool, typer.Option("--start", help="Start an execution after deploying.")] = False,
    wait: WaitOpt = False,
    timeout: TimeoutOpt = None,
    param: ParamOpt = None,
    git_commit: GitCommitOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what would happen; write nothing.")] = False,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    format: FmtOpt = Fmt.text,
    poll: PollOpt = 15.0,
):
    """Compile, upload code to S3 (skipping what exists), create or update the pipeline, converge its schedules
    and notification rules.
    With several files, all are compiled and planned before anything is written.

    Example: [bold]mlpc upsert pipelines/breast-cancer.yaml --start --wait --param TrainingInstanceType=ml.m5.2xlarge[/bold]
    """
    from ..deploy import notifications, ownership, pipelines, schedules
    from ..deploy.git import source_commit

    if (wait or param) and not start:
        fail("--wait and --param go with --start", "e.g. mlpc upsert FILE --start --wait")
    if timeout is not None and not wait:
        fail("--timeout goes with --wait", "e.g. mlpc upsert FILE --start --wait --timeout 3600")
    role_or_exit(role, "--role")
    role_or_exit(schedule_role, "--schedule-role")
    results = compile_all_or_exit(files, var, vars_file)
    if param and len(results) > 1:
        fail("--param applies to one pipeline", "upsert the files one by one to give each its parameters")
    regions = {region_or_exit(region, res) for res in results}
    values = {res.file: (overrides_or_exit(param, res.pipeline.parameters, res.definition) if start else {}) for res in results}
    plans = []
    with cli_errors():
        commits = {res.file: source_commit(Path(res.file), git_commit) for res in results}
        clients = {r: aws_support.connect(profile, r) for r in sorted(regions)}
        for res in results:  # reads only: every plan before the first write
            pipe, aws = res.pipeline, clients[res.pipeline.region]
            plan = pipelines.plan_upsert(aws, res, role, commits[res.file][0])
            deployed_arn = plan.deployed.arn if plan.deployed else None
            splan = schedules.plan_schedules(aws.scheduler, pipe, role or pipe.role, deployed_arn,
                                             override=schedule_role)
            nplan = notifications.plan_notifications(aws, pipe, res.definition, deployed_arn)
            oplan = ownership.plan_ownership(aws, res)
            plans.append((res, plan, splan, nplan, oplan))
        if dry_run:
            _print_dry_run(plans, format)
            return
        reports = [_apply(clients[res.pipeline.region], res, plans_, start, values[res.file], commits[res.file])
                   for res, *plans_ in plans]
    _print_reports(reports, format)
    started = [r for r in reports if r["execution"]]
    if wait and started:
        if len(regions) > 1:
            fail("--wait follows pipelines of one region", "upsert them region by region")
        aws_support.wait_and_exit(clients[started[0]["region"]], [r["execution"] for r in started], poll, timeout)


def _apply(aws, res, plans: list, start: bool, values: dict, commit: tuple) -> dict:
    from ..deploy import executions, notifications, ownership, pipelines, schedules

    pipe = res.pipeline
    plan, splan, nplan, oplan = plans
    ownership.apply_ownership(aws, oplan)  # before the pipeline: what exists is findable without it
    arn = pipelines.apply_upsert(aws, plan, res)
    schedules.apply_schedules(aws.scheduler, splan, arn)
    notifications.apply_notifications(aws, pipe.name, nplan, arn)
    exec_arn = None
    if start:
        values = executions.with_source_commit(values, pipe.parameters, commit[0])
        exec_arn = executions.start_execution(aws.sagemaker, pipe.name, values,
                                              f"started by mlpc from commit {commit[0]}")
    uploaded = len(plan.to_upload)
    return {"file": res.file, "pipeline": pipe.name, "region": pipe.region, "arn": arn, "action": plan.action,
            "definition_sha256": plan.definition_sha256, "git_commit": commit[0], "git_commit_source": commit[1],
            "uploaded": uploaded, "skipped_uploads": len(plan.uploads) - uploaded,
            "schedules": {"created": list(splan.create), "updated": list(splan.update), "deleted": list(splan.delete)},
            "notifications": {"created": list(nplan.create), "updated": list(nplan.update),
                              "deleted": list(nplan.delete)},
            "model_package_groups": {"created": list(oplan.create), "tagged": [g for g, _ in oplan.adopt]},
            "execution": exec_arn, "parameters": values}


def _plan_lines(plan, splan, nplan, oplan) -> list:
    from ..deploy import notifications, ownership, pipelines, schedules

    return (ownership.describe_ownership(oplan) + pipelines.describe_plan(plan)
            + schedules.describe_schedule_plan(splan) + notifications.describe_notification_plan(nplan))


def _print_dry_run(plans, format) -> None:
    if format == Fmt.json:
        out = [{"dry_run": True, "file": res.file, "action": plans_[0].action, "plan": _plan_lines(*plans_)}
               for res, *plans_ in plans]
        print_json(out[0] if len(out) == 1 else out)
        return
    typer.echo("dry run: nothing was changed; an upsert would:")
    for res, *plans_ in plans:
        if len(plans) > 1:
            typer.echo(f"{res.file}:")
        for line in _plan_lines(*plans_):
            typer.echo(f"  {line}")


def _print_reports(reports: list, format) -> None:
    if format == Fmt.json:
        print_json(reports[0] if len(reports) == 1 else reports)
        return
    for r in reports:
        verb = {"create": "created", "update": "updated", "unchanged": "unchanged:"}[r["action"]]
        typer.echo(f"uploaded {r['uploaded']} file(s), {r['skipped_uploads']} already in S3")
        typer.echo(f"pipeline {verb} {r['pipeline']} ({r['arn']})")
        typer.echo(f"source commit {r['git_commit']} (from {r['git_commit_source']})")
        for kind in ("model_package_groups", "schedules", "notifications"):
            for what in ("created", "tagged", "updated", "deleted"):
                if r[kind].get(what):
                    typer.echo(f"{kind.replace('_', ' ')} {what}: {', '.join(r[kind][what])}")
        if r["execution"]:
            typer.echo(f"started execution {r['execution'].rsplit('/', 1)[-1]} ({r['execution']})")
