"""upsert / start / diff / executions / stop / models / delete / init: the AWS side of mlpc.

Thin: parse options, call mlpc.deploy, print. Every AWS failure arrives as an
AwsError (one line + hint) and exits 1 without a traceback.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from . import app
from .output import compile_or_exit, print_diagnostics

VarOpt = Annotated[Optional[List[str]], typer.Option("--var", help="Template variable NAME=VALUE (repeatable).")]
VarsFileOpt = Annotated[Optional[List[Path]], typer.Option("--vars-file", help="YAML file of template variables (repeatable).")]
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


class DiffFmt(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


FmtOpt = Annotated[Fmt, typer.Option("--format", help="Output format.")]

executions_app = typer.Typer(help="List and inspect pipeline executions.", no_args_is_help=True)
models_app = typer.Typer(help="The Model Registry: list versions, approve or reject them.", no_args_is_help=True)
app.add_typer(executions_app, name="executions")
app.add_typer(models_app, name="models")


# ------------------------------------------------------------------ helpers

def fail(message: str, hint: str | None = None) -> None:
    typer.echo(f"error: {message}", err=True)
    if hint:
        typer.echo(f"    hint: {hint}", err=True)
    raise typer.Exit(1)


@contextmanager
def cli_errors():
    from botocore.exceptions import BotoCoreError, ClientError

    from ..deploy.session import AwsError, translate

    try:
        yield
    except AwsError as err:
        typer.echo(err.render(), err=True)
        raise typer.Exit(1) from None
    except (ClientError, BotoCoreError) as exc:
        typer.echo(translate(exc).render(), err=True)
        raise typer.Exit(1) from None


def connect(profile: str | None, region: str | None):
    from ..deploy.session import connect as make

    return make(profile, region)


def is_file(target: str) -> bool:
    return target.endswith((".yaml", ".yml")) or Path(target).is_file()


def overrides_or_exit(pairs, parameters) -> dict:
    from ..deploy.executions import parse_overrides

    values, errors = parse_overrides(pairs, parameters)
    for message, hint in errors:
        typer.echo(f"error: {message}" + (f"\n    hint: {hint}" if hint else ""), err=True)
    if errors:
        raise typer.Exit(1)
    return values


def rich_table(table: tuple):
    """(title, columns, rows) from mlpc.deploy.views -> a rich Table, statuses coloured."""
    from rich.table import Table

    from ..deploy.views import STATUS_STYLE

    title, columns, rows = table
    t = Table(title=title, title_justify="left")
    for c in columns:
        t.add_column(c)
    for row in rows:
        t.add_row(*[f"[{STATUS_STYLE[c]}]{c}[/]" if c in STATUS_STYLE else c for c in row])
    return t


def print_table(table: tuple) -> None:
    from rich.console import Console

    Console().print(rich_table(table))


def print_json(data) -> None:
    typer.echo(json.dumps(data, indent=2, sort_keys=True, default=str))


def wait_and_exit(aws, arn: str, poll: float) -> None:
    """Live step view until the execution ends; exit 0 on Succeeded, else 1 with each failed step's reason."""
    from rich.console import Console
    from rich.live import Live

    from ..deploy.executions import watch
    from ..deploy.views import failed_step_lines, steps_table

    snap = None
    with cli_errors(), Live(console=Console(), auto_refresh=False) as live:
        for snap in watch(aws.sagemaker, arn, poll):
            title = f"execution {arn.rsplit('/', 1)[-1]}: {snap.status}"
            live.update(rich_table(steps_table(title, list(snap.steps))), refresh=True)
    if snap.status == "Succeeded":
        typer.echo(f"execution {arn.rsplit('/', 1)[-1]} succeeded")
        raise typer.Exit(0)
    typer.echo(f"error: execution {arn.rsplit('/', 1)[-1]} {snap.status.lower()}"
               + (f": {snap.failure_reason}" if snap.failure_reason else ""), err=True)
    for line in failed_step_lines(snap):
        typer.echo(line, err=True)
    raise typer.Exit(1)


def run_local_view(fn_name: str, *args) -> None:
    try:
        from . import local_views
    except ImportError:
        fail("the local runner is not available in this build", "install mlpc with its local extras, or drop --local")
    code = getattr(local_views, fn_name)(*args)
    raise typer.Exit(code if isinstance(code, int) else 0)


# ------------------------------------------------------------------ upsert

@app.command()
def upsert(
    file: Annotated[Path, typer.Argument(help="Pipeline YAML file.")],
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
    role: Annotated[Optional[str], typer.Option("--role", help="Pipeline execution role ARN (overrides pipeline.role).")] = None,
    schedule_role: Annotated[Optional[str], typer.Option("--schedule-role", help="Role EventBridge Scheduler assumes to start the pipeline (default: the pipeline role).")] = None,
    start: Annotated[bool, typer.Option("--start", help="Start an execution after deploying.")] = False,
    wait: WaitOpt = False,
    param: ParamOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what would happen; write nothing.")] = False,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
    format: FmtOpt = Fmt.text,
    poll: PollOpt = 15.0,
):
    """Compile, upload code to S3 (skipping what exists), create or update the pipeline, converge its schedules.

    Example: [bold]mlpc upsert pipelines/breast-cancer.yaml --start --wait --param TrainingInstanceType=ml.m5.2xlarge[/bold]
    """
    from ..deploy import executions, pipelines, schedules
    from ..deploy.git import current_commit

    if (wait or param) and not start:
        fail("--wait and --param go with --start", "e.g. mlpc upsert FILE --start --wait")
    res = compile_or_exit(file, var, vars_file)
    pipe = res.pipeline
    problems = schedules.check_schedules(pipe)
    for _, message, hint in problems:
        typer.echo(f"error: {message}\n    hint: {hint}", err=True)
    if problems:
        raise typer.Exit(1)
    values = overrides_or_exit(param, pipe.parameters) if start else {}
    commit = current_commit(file)
    with cli_errors():
        aws = connect(profile, region or pipe.region)
        plan = pipelines.plan_upsert(aws, res, role, commit)
        sched_role = schedule_role or role or pipe.role
        splan = schedules.plan_schedules(aws.scheduler, pipe, sched_role, plan.deployed.arn if plan.deployed else None)
        lines = pipelines.describe_plan(plan) + schedules.describe_schedule_plan(splan)
        if dry_run:
            if format == Fmt.json:
                print_json({"dry_run": True, "action": plan.action, "plan": lines})
            else:
                typer.echo("\n".join(["dry run: nothing was changed; an upsert would:"] + [f"  {x}" for x in lines]))
            return
        arn = pipelines.apply_upsert(aws, plan, res)
        schedules.apply_schedules(aws.scheduler, splan, arn, sched_role)
        exec_arn = None
        if start:
            exec_arn = executions.start_execution(aws.sagemaker, pipe.name, values, f"started by mlpc from git {commit}")
    uploaded = len(plan.to_upload)
    report = {"pipeline": pipe.name, "arn": arn, "action": plan.action, "definition_sha256": plan.definition_sha256,
              "uploaded": uploaded, "skipped_uploads": len(plan.uploads) - uploaded,
              "schedules": {"created": list(splan.create), "updated": list(splan.update), "deleted": list(splan.delete)},
              "execution": exec_arn, "parameters": values}
    if format == Fmt.json:
        print_json(report)
    else:
        verb = {"create": "created", "update": "updated", "unchanged": "unchanged:"}[plan.action]
        typer.echo(f"uploaded {uploaded} file(s), {len(plan.uploads) - uploaded} already in S3")
        typer.echo(f"pipeline {verb} {pipe.name} ({arn})")
        for what in ("created", "updated", "deleted"):
            if report["schedules"][what]:
                typer.echo(f"schedules {what}: {', '.join(report['schedules'][what])}")
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
    from ..deploy.session import AwsError

    res, values = None, {}
    if is_file(target):
        res = compile_or_exit(Path(target), var, vars_file)
        name, region = res.pipeline.name, region or res.pipeline.region
        values = overrides_or_exit(param, res.pipeline.parameters)  # before any AWS call
    else:
        name = target
    with cli_errors():
        aws = connect(profile, region)
        deployed = get_deployed(aws.sagemaker, name)
        if deployed is None:
            raise AwsError(f"pipeline '{name}' is not deployed", "deploy it first: mlpc upsert FILE", "NotDeployed")
        if res is None:
            values = overrides_or_exit(param, executions.parameters_from_deployed(require_definition(deployed)))
        elif deployed.definition != res.definition:
            typer.echo(f"note: {target} differs from the deployed pipeline, which is what runs (see mlpc diff {target})",
                       err=True)
        commit = current_commit(Path(target)) if res is not None else "unknown"
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
    from ..deploy.session import AwsError

    with cli_errors():
        aws = connect(profile, region)
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
    """Semantic diff: parameters, steps, fields, conditions, DAG edges, cache reruns, schedules.
    Exit 0 no changes, 2 changes, 1 error.

    Example: [bold]mlpc diff pipelines/breast-cancer.yaml --against git:origin/main --format markdown[/bold]
    """
    from ..api import parse_var_args
    from ..deploy.diff import diff_definitions
    from ..deploy.diff_render import RENDERERS
    from ..deploy.schedules import deployed_schedules_if_allowed, specs_from_pipeline

    res = compile_or_exit(file, var, vars_file)
    pipe = res.pipeline
    new_scheds, old_scheds = specs_from_pipeline(pipe), None
    if against == "deployed":
        from ..deploy.pipelines import get_deployed, require_definition

        with cli_errors():
            aws = connect(profile, region or pipe.region)
            deployed = get_deployed(aws.sagemaker, pipe.name)
            old = require_definition(deployed) if deployed else None
            old_scheds = deployed_schedules_if_allowed(aws.scheduler, pipe.name)
        before = "deployed" if deployed else "(not deployed)"
    elif against.startswith("git:"):
        from ..deploy.git import compile_at_ref

        ref = against[4:]
        variables, _ = parse_var_args(var)
        with cli_errors():
            old_res, commit = compile_at_ref(file, ref, variables, vars_file)
        if old_res is not None and not old_res.ok:
            typer.echo(f"error: {file} does not compile at {ref}:", err=True)
            print_diagnostics(old_res.diagnostics)
            raise typer.Exit(1)
        old = old_res.definition if old_res else None
        old_scheds = specs_from_pipeline(old_res.pipeline) if old_res else {}
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
    result = diff_definitions(old, res.definition, before, str(file), pipe.name, old_scheds, new_scheds)
    typer.echo(RENDERERS[format.value](result), nl=False)
    raise typer.Exit(2 if result.has_changes else 0)


# ------------------------------------------------------------------ executions

@executions_app.command("list")
def executions_list(
    name: Annotated[Optional[str], typer.Argument(help="Deployed pipeline name (not needed with --local).")] = None,
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
    from ..deploy import executions
    from ..deploy.views import executions_table

    if local:
        run_local_view("show_local_executions", workspace, format.value)
    if not name:
        fail("missing pipeline NAME", "e.g. mlpc executions list breast-cancer (or --local)")
    with cli_errors():
        rows = executions.list_executions(connect(profile, region).sagemaker, name, limit)
    print_json(rows) if format == Fmt.json else print_table(executions_table(name, rows))


@executions_app.command("describe")
def executions_describe(
    name: Annotated[Optional[str], typer.Argument(help="Deployed pipeline name (with --local: the execution id).")] = None,
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
    from ..deploy import executions
    from ..deploy.views import execution_lines, steps_table

    if local:
        run_local_view("show_local_execution", workspace, execution or name, format.value)
    if not name:
        fail("missing pipeline NAME", "e.g. mlpc executions describe breast-cancer [EXECUTION]")
    with cli_errors():
        sm = connect(profile, region).sagemaker
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
    from ..deploy.registry import list_versions
    from ..deploy.views import models_table

    if local:
        run_local_view("show_local_models", workspace, group, format.value)
    if not group:
        fail("missing model package GROUP", "e.g. mlpc models list breast-cancer-models (or --local)")
    with cli_errors():
        aws = connect(profile, region)
        versions = list_versions(aws.sagemaker, aws.s3, group)
    print_json(versions) if format == Fmt.json else print_table(models_table(group, versions))


def _set_status(verb, group, version, reason, local, workspace, profile, region):
    from ..deploy.registry import STATUS_BY_VERB, set_status

    if local:
        run_local_view("set_local_model_status", workspace, group, version, STATUS_BY_VERB[verb], reason)
    with cli_errors():
        done = set_status(connect(profile, region).sagemaker, group, version, verb, reason)
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
    """Delete a pipeline and its schedules; optionally its model packages and S3 artifacts.

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
        aws = connect(profile, region)
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
    typer.echo(f"deleted: pipeline {'yes' if done['pipeline'] else 'already gone'}, {done['schedules']} schedule(s), "
               f"{done['model_packages']} model package version(s), {done['objects']} S3 object(s)")


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the project in.")] = Path("."),
    name: Annotated[Optional[str], typer.Option("--name", help="Pipeline name (default: from the folder name).")] = None,
):
    """Scaffold a project: a pipeline YAML, step scripts, a CodeBuild buildspec and a PR-check workflow.

    Example: [bold]mlpc init churn-model --name churn[/bold]
    """
    from ..deploy.init import plan_init, write_init

    with cli_errors():
        written = write_init(directory, plan_init(directory, name))
    for path in written:
        typer.echo(f"created {path}")
    yaml = next(p for p in written if p.suffix == ".yaml")
    typer.echo(f"next: mlpc validate {yaml} && mlpc run {yaml} --local")
