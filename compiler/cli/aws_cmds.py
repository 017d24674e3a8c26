"""upsert / start / stop / diff / delete / init: the AWS side of mlpc.

Thin: parse options, call mlpc.deploy, print. Every AWS failure arrives as an
AwsError (one line + hint) and exits 1 without a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from .base import app
from . import aws_support  # connect() is looked up at call time: tests point it at moto/Stubber
from .aws_support import fail, cli_errors, is_file, overrides_or_exit, print_json, wait_and_exit
from .options import (DiffFmt, Fmt, FmtOpt, ParamOpt, PollOpt, ProfileOpt, RegionOpt, VarOpt, VarsFileOpt,
                      WaitOpt)
from ..errors import MlpcError
from .output import compile_or_exit, print_diagnostics, print_error

@app.command()
def upsert(
    file: Annotated[Path, typer.Argument(help="Pipeline YAML file.")],
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
    role: Annotated[Optional[str], typer.Option("--role", help="Pipeline execution role ARN (overrides pipeline.role).")] = None,
    schedule_role: Annotated[Optional[str], typer.Option("--schedule-role", help="Role EventBridge Scheduler assumes to start the pipeline, for every schedule (default: each schedule's role:, else the pipeline role).")] = None,
    start: Annotated[bool, typer.Option("--start", help="Start an execution after deploying.")] = False,
    wait: WaitOpt = False,
    param: ParamOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what would happen; write nothing.")] = False,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    format: FmtOpt = Fmt.text,
    poll: PollOpt = 15.0,
):
    """Compile, upload code to S3 (skipping what exists), create or update the pipeline, converge its schedules
    and notification rules.

    Example: [bold]mlpc upsert pipelines/breast-cancer.yaml --start --wait --param TrainingInstanceType=ml.m5.2xlarge[/bold]
    """
    from ..deploy import executions, notifications, pipelines, schedules
    from ..deploy.git import current_commit

    if (wait or param) and not start:
        fail("--wait and --param go with --start", "e.g. mlpc upsert FILE --start --wait")
    res = compile_or_exit(file, var, vars_file)
    pipe = res.pipeline
    values = overrides_or_exit(param, pipe.parameters) if start else {}
    commit = current_commit(file)
    with cli_errors():
        aws = aws_support.connect(profile, region or pipe.region)
        plan = pipelines.plan_upsert(aws, res, role, commit)
        sched_role = role or pipe.role
        splan = schedules.plan_schedules(aws.scheduler, pipe, sched_role, plan.deployed.arn if plan.deployed else None,
                                         override=schedule_role)
        nplan = notifications.plan_notifications(aws, pipe, res.definition, plan.deployed.arn if plan.deployed else None)
        lines = pipelines.describe_plan(plan) + schedules.describe_schedule_plan(splan) + \
            notifications.describe_notification_plan(nplan)
        if dry_run:
            if format == Fmt.json:
                print_json({"dry_run": True, "action": plan.action, "plan": lines})
            else:
                typer.echo("\n".join(["dry run: nothing was changed; an upsert would:"] + [f"  {x}" for x in lines]))
            return
        arn = pipelines.apply_upsert(aws, plan, res)
        schedules.apply_schedules(aws.scheduler, splan, arn)
        notifications.apply_notifications(aws, pipe.name, nplan, arn)
        exec_arn = None
        if start:
            values = executions.with_source_commit(values, pipe.parameters, commit)
            exec_arn = executions.start_execution(aws.sagemaker, pipe.name, values, f"started by mlpc from git {commit}")
    uploaded = len(plan.to_upload)
    report = {"pipeline": pipe.name, "arn": arn, "action": plan.action, "definition_sha256": plan.definition_sha256,
              "uploaded": uploaded, "skipped_uploads": len(plan.uploads) - uploaded,
              "schedules": {"created": list(splan.create), "updated": list(splan.update), "deleted": list(splan.delete)},
              "notifications": {"created": list(nplan.create), "updated": list(nplan.update),
                                "deleted": list(nplan.delete)},
              "execution": exec_arn, "parameters": values}
    if format == Fmt.json:
        print_json(report)
    else:
        verb = {"create": "created", "update": "updated", "unchanged": "unchanged:"}[plan.action]
        typer.echo(f"uploaded {uploaded} file(s), {len(plan.uploads) - uploaded} already in S3")
        typer.echo(f"pipeline {verb} {pipe.name} ({arn})")
        for kind in ("schedules", "notifications"):
            for what in ("created", "updated", "deleted"):
                if report[kind][what]:
                    typer.echo(f"{kind} {what}: {', '.join(report[kind][what])}")
        if exec_arn:
            typer.echo(f"started execution {exec_arn.rsplit('/', 1)[-1]} ({exec_arn})")
    if wait and exec_arn:
        wait_and_exit(aws, exec_arn, poll)


# ------------------------------------------------------------------ start / stop

@app.command()
def start(
    target: Annotated[str, typer.Argument(help="Pipeline YAML file or deployed pipeline name.")],
    param: ParamOpt = None,
    wait: WaitOpt = False,
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    poll: PollOpt = 15.0,
    format: FmtOpt = Fmt.text,
):
    """Start an execution of a deployed pipeline; --param values are type-checked first.

    Example: [bold]mlpc start pipelines/breast-cancer.yaml --param AccuracyThreshold=0.9 --wait[/bold]
    """
    from ..deploy import executions
    from ..deploy.git import current_commit
    from ..deploy.pipelines import get_deployed, require_definition
    from ..deploy.session import AwsError  # an MlpcError

    res, values = None, {}
    if is_file(target):
        res = compile_or_exit(Path(target), var, vars_file)
        name, region = res.pipeline.name, region or res.pipeline.region
        values = overrides_or_exit(param, res.pipeline.parameters)  # before any AWS call
    else:
        name = target
    with cli_errors():
        aws = aws_support.connect(profile, region)
        deployed = get_deployed(aws.sagemaker, name)
        if deployed is None:
            raise AwsError(f"pipeline '{name}' is not deployed", "deploy it first: mlpc upsert FILE", "NotDeployed")
        if res is None:
            values = overrides_or_exit(param, executions.parameters_from_deployed(require_definition(deployed)))
        elif deployed.definition != res.definition:
            typer.echo(f"note: {target} differs from the deployed pipeline, which is what runs (see mlpc diff {target})",
                       err=True)
        commit = current_commit(Path(target) if res is not None else Path.cwd())
        declared = res.pipeline.parameters if res is not None else \
            executions.parameters_from_deployed(require_definition(deployed))
        values = executions.with_source_commit(values, declared, commit)
        arn = executions.start_execution(aws.sagemaker, name, values, f"started by mlpc from git {commit}")
    if format == Fmt.json:
        print_json({"pipeline": name, "execution": arn, "parameters": values})
    else:
        typer.echo(f"started execution {arn.rsplit('/', 1)[-1]} ({arn})")
    if wait:
        wait_and_exit(aws, arn, poll)


@app.command()
def stop(
    name: Annotated[str, typer.Argument(help="Deployed pipeline name.")],
    execution: Annotated[Optional[str], typer.Argument(help="Execution id or ARN (default: the newest running one).")] = None,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
):
    """Stop a running execution.

    Example: [bold]mlpc stop breast-cancer 7x2k9q1abcde[/bold]
    """
    from ..deploy import executions
    from ..deploy.session import AwsError  # an MlpcError

    with cli_errors():
        aws = aws_support.connect(profile, region)
        if execution is None:
            running = [e for e in executions.list_executions(aws.sagemaker, name, 50) if e["status"] == "Executing"]
            if not running:
                raise AwsError(f"pipeline '{name}' has no running execution", f"see mlpc executions list {name}",
                               "NoRunningExecution")
            arn = running[0]["arn"]
        else:
            arn = executions.execution_arn(aws.sagemaker, name, execution)
        executions.stop_execution(aws.sagemaker, arn)
    typer.echo(f"stopping execution {arn.rsplit('/', 1)[-1]}")


# ------------------------------------------------------------------ diff

@app.command()
def diff(
    file: Annotated[Path, typer.Argument(help="Pipeline YAML file.")],
    against: Annotated[str, typer.Option("--against", help="deployed, a definition PATH.json, or git:REF (compiles FILE as of REF; no AWS needed).")] = "deployed",
    format: Annotated[DiffFmt, typer.Option("--format", help="text, markdown (a PR comment), or json.")] = DiffFmt.text,
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
):
    """Semantic diff: parameters, steps, fields, conditions, DAG edges, cache reruns, schedules, notifications.
    Exit 0 no changes, 2 changes, 1 error.

    Example: [bold]mlpc diff pipelines/breast-cancer.yaml --against git:origin/main --format markdown[/bold]
    """
    from ..api import parse_var_args
    from ..deploy.diff import diff_definitions
    from ..deploy.diff_render import RENDERERS
    from ..deploy.schedules import deployed_schedules_if_allowed, specs_from_pipeline
    from ..notify import rule_specs

    res = compile_or_exit(file, var, vars_file)
    pipe = res.pipeline
    new_scheds, old_scheds = specs_from_pipeline(pipe), None
    new_rules, old_rules = rule_specs(pipe, res.definition), None
    if against == "deployed":
        from ..deploy.pipelines import get_deployed, require_definition

        with cli_errors():
            aws = aws_support.connect(profile, region or pipe.region)
            deployed = get_deployed(aws.sagemaker, pipe.name)
            old = require_definition(deployed) if deployed else None
            old_scheds = deployed_schedules_if_allowed(aws.scheduler, pipe.name)
            from ..deploy.notifications import deployed_if_allowed

            old_rules = deployed_if_allowed(aws.events, pipe.name)
        before = "deployed" if deployed else "(not deployed)"
    elif against.startswith("git:"):
        from ..deploy.git import compile_at_ref

        ref = against[4:]
        variables, _ = parse_var_args(var)
        with cli_errors():
            old_res, commit = compile_at_ref(file, ref, variables, vars_file,
                                             code_paths=[u.local for u in res.uploads or []])
        if old_res is not None and not old_res.ok:
            print_error(MlpcError(f"{file} does not compile at {ref}:"))
            print_diagnostics(old_res.diagnostics)
            raise typer.Exit(1)
        old = old_res.definition if old_res else None
        old_scheds = specs_from_pipeline(old_res.pipeline) if old_res else {}
        old_rules = rule_specs(old_res.pipeline, old_res.definition) if old_res else {}
        before = f"{ref} ({commit[:12]})" if old_res else f"{ref} (no such file)"
    else:
        path = Path(against)
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            fail(f"cannot read definition {path}: {exc}", "--against takes deployed, PATH.json or git:REF")
        if not isinstance(old, dict) or "Steps" not in old:
            fail(f"{path} is not a pipeline definition (no Steps)", "compile one with mlpc compile FILE -o PATH.json")
        before = str(path)
    result = diff_definitions(old, res.definition, before, str(file), pipe.name, old_scheds, new_scheds,
                              old_rules, new_rules)
    typer.echo(RENDERERS[format.value](result), nl=False)
    raise typer.Exit(2 if result.has_changes else 0)


# ------------------------------------------------------------------ executions


@app.command()
def delete(
    target: Annotated[str, typer.Argument(help="Pipeline YAML file or deployed pipeline name.")],
    model_packages: Annotated[bool, typer.Option("--model-packages", help="Also delete the model package groups its RegisterModel steps use, with every version.")] = False,
    artifacts: Annotated[bool, typer.Option("--artifacts", help="Also delete everything under s3://BUCKET/PIPELINE/.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
):
    """Delete a pipeline, its schedules and notification rules; optionally its model packages and S3 artifacts.

    Example: [bold]mlpc delete pipelines/breast-cancer.yaml --model-packages --artifacts --yes[/bold]
    """
    from ..deploy.cleanup import apply_delete, describe_delete, plan_delete

    definition = bucket = None
    name = target
    if is_file(target):
        res = compile_or_exit(Path(target), var, vars_file)
        name, definition, bucket = res.pipeline.name, res.definition, res.pipeline.bucket
        region = region or res.pipeline.region
    with cli_errors():
        aws = aws_support.connect(profile, region)
        plan = plan_delete(aws, name, definition, bucket, model_packages, artifacts)
    if plan.empty:
        typer.echo(f"nothing to delete for {name}")
        return
    typer.echo("will delete:\n" + "\n".join(f"  {line}" for line in describe_delete(plan)))
    if artifacts and not plan.bucket:
        typer.echo("note: no bucket known for the artifacts; pass the pipeline FILE to delete them", err=True)
    if not yes and not typer.confirm("Delete these?", default=False):
        typer.echo("aborted: nothing was deleted", err=True)
        raise typer.Exit(1)
    with cli_errors():
        done = apply_delete(aws, plan)
    rules = f"{done['notifications']} notification rule(s), " if done["notifications"] else ""
    typer.echo(f"deleted: pipeline {'yes' if done['pipeline'] else 'already gone'}, {done['schedules']} schedule(s), {rules}"
               f"{done['model_packages']} model package version(s), {done['objects']} S3 object(s)")


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the project in.")] = Path("."),
    name: Annotated[Optional[str], typer.Option("--name", help="Pipeline name (default: from the folder name).")] = None,
    mlpc_source: Annotated[Optional[str], typer.Option("--mlpc-source", help="Pinned pip source the generated CI installs mlpc from (e.g. 'mlpc-sagemaker @ git+https://github.com/ORG/mlpc@COMMIT'); default: where this mlpc was installed from, when that is a git commit or a wheel URL.")] = None,
):
    """Scaffold a project: a pipeline YAML, step scripts, a CodeBuild buildspec and a PR-check workflow.

    Example: [bold]mlpc init churn-model --name churn[/bold]
    """
    from ..deploy.init import plan_init, write_init

    with cli_errors():
        written = write_init(directory, plan_init(directory, name, mlpc_source))
    for path in written:
        typer.echo(f"created {path}")
    yaml = next(p for p in written if p.suffix == ".yaml")
    typer.echo(f"next: mlpc validate {yaml} && mlpc run {yaml} --local")
