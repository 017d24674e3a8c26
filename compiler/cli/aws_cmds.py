"""start / stop / delete / init: the AWS side of mlpc (upsert and diff have their own modules).

Thin: parse options, call mlpc.deploy, print. Every AWS failure arrives as an
AwsError (one line + hint) and exits 1 without a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .base import app
from . import aws_support  # connect() is looked up at call time: tests point it at moto/Stubber
from .aws_support import fail, cli_errors, is_file, overrides_or_exit, print_json, region_or_exit
from .options import (Fmt, FmtOpt, GitCommitOpt, ParamOpt, PollOpt, ProfileOpt, RegionOpt, TimeoutOpt, VarOpt,
                      VarsFileOpt, WaitOpt)
from .output import compile_or_exit

# ------------------------------------------------------------------ start / stop

@app.command()
def start(
    target: Annotated[str, typer.Argument(help="Pipeline YAML file or deployed pipeline name.")],
    param: ParamOpt = None,
    wait: WaitOpt = False,
    timeout: TimeoutOpt = None,
    git_commit: GitCommitOpt = None,
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
    from ..deploy.git import source_commit
    from ..deploy.pipelines import get_deployed, require_definition
    from ..deploy.session import AwsError

    if timeout is not None and not wait:
        fail("--timeout goes with --wait", "e.g. mlpc start FILE --wait --timeout 3600")
    res, values = None, {}
    if is_file(target):
        res = compile_or_exit(Path(target), var, vars_file)
        name, region = res.pipeline.name, region_or_exit(region, res)
        values = overrides_or_exit(param, res.pipeline.parameters, res.definition)  # before any AWS call
    else:
        name = target
    with cli_errors():
        aws = aws_support.connect(profile, region)
        deployed = get_deployed(aws.sagemaker, name)
        if deployed is None:
            raise AwsError(f"pipeline '{name}' is not deployed", "deploy it first: mlpc upsert FILE", "NotDeployed")
        if res is None:
            definition = require_definition(deployed)
            values = overrides_or_exit(param, executions.parameters_from_deployed(definition), definition)
        elif deployed.definition != res.definition:
            typer.echo(f"note: {target} differs from the deployed pipeline, which is what runs (see mlpc diff {target})",
                       err=True)
        commit, commit_source = source_commit(Path(target) if res is not None else Path.cwd(), git_commit)
        declared = res.pipeline.parameters if res is not None else \
            executions.parameters_from_deployed(require_definition(deployed))
        values = executions.with_source_commit(values, declared, commit)
        arn = executions.start_execution(aws.sagemaker, name, values, f"started by mlpc from commit {commit}")
    if format == Fmt.json:
        print_json({"pipeline": name, "execution": arn, "parameters": values, "git_commit": commit,
                    "git_commit_source": commit_source})
    else:
        typer.echo(f"started execution {arn.rsplit('/', 1)[-1]} ({arn})")
    if wait:
        aws_support.wait_and_exit(aws, arn, poll, timeout)


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

# ------------------------------------------------------------------ executions


@app.command()
def delete(
    target: Annotated[str, typer.Argument(help="Pipeline YAML file or deployed pipeline name.")],
    model_packages: Annotated[bool, typer.Option("--model-packages", help="Also delete the model package groups its RegisterModel steps use, with every version (Approved ones are listed apart).")] = False,
    artifacts: Annotated[bool, typer.Option("--artifacts", help="Also delete under s3://BUCKET/PIPELINE/, keeping the prefixes the pipeline reads as inputs.")] = False,
    include_input: Annotated[Optional[List[str]], typer.Option("--include-input", help="With --artifacts: also delete this input prefix (s3://...; repeatable).")] = None,
    ci: Annotated[bool, typer.Option("--ci", help="Also delete the CloudFormation stack mlpc ci codepipeline generated (mlpc-ci-PIPELINE), emptying its artifact bucket.")] = False,
    stop_executions: Annotated[bool, typer.Option("--stop-executions", help="Stop running executions first (without it, delete refuses while one runs).")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
):
    """Delete a pipeline, its schedules and notification rules; optionally its model packages, S3 artifacts and CI stack.
    The pipeline goes last, so a rerun after a failure finds the rest through it.

    Example: [bold]mlpc delete pipelines/breast-cancer.yaml --model-packages --artifacts --ci --yes[/bold]
    """
    from ..deploy.cleanup import apply_delete, describe_delete, plan_delete

    definition = bucket = None
    name = target
    if include_input and not artifacts:
        fail("--include-input goes with --artifacts", "e.g. mlpc delete FILE --artifacts --include-input s3://B/P/raw/")
    if is_file(target):
        res = compile_or_exit(Path(target), var, vars_file)
        name, definition, bucket = res.pipeline.name, res.definition, res.pipeline.bucket
        region = region_or_exit(region, res)
    with cli_errors():
        aws = aws_support.connect(profile, region)
        plan = plan_delete(aws, name, definition, bucket, model_packages, artifacts, tuple(include_input or ()), ci)
    if plan.empty:
        typer.echo(f"nothing to delete for {name}")
        _print_left(plan)
        return
    if plan.running and not stop_executions:
        ids = " ".join(a.rsplit("/", 1)[-1] for a in plan.running)
        fail(f"pipeline '{name}' has {len(plan.running)} running execution(s): {ids}; nothing was deleted",
             f"wait for them, stop them (mlpc stop {name} EXECUTION_ID), or pass --stop-executions")
    typer.echo("will delete:\n" + "\n".join(f"  {line}" for line in describe_delete(plan)))
    _print_left(plan)
    if not yes and not typer.confirm("Delete these?", default=False):
        typer.echo("aborted: nothing was deleted", err=True)
        raise typer.Exit(1)
    with cli_errors():
        done = apply_delete(aws, plan, stop_running=stop_executions)
    rules = f"{done['notifications']} notification rule(s), " if done["notifications"] else ""
    extra = (f", {done['stopped']} execution(s) stopped" if done["stopped"] else "") + \
        (", CI stack deleted" if done["ci_stack"] else "")
    typer.echo(f"deleted: pipeline {'yes' if done['pipeline'] else 'already gone'}, {done['schedules']} schedule(s), {rules}"
               f"{done['model_packages']} model package version(s) in {len(plan.packages)} group(s), "
               f"{done['objects']} S3 object(s){extra}")


def _print_left(plan) -> None:
    if plan.left:
        typer.echo("left in place:\n" + "\n".join(f"  {line}" for line in plan.left))
    for note in plan.notes:
        typer.echo(f"note: {note}", err=True)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the project in.")] = Path("."),
    name: Annotated[Optional[str], typer.Option("--name", help="Pipeline name (default: from the folder name).")] = None,
    mlpc_source: Annotated[Optional[str], typer.Option("--mlpc-source", help="Pinned pip source the generated CI installs mlpc from (e.g. 'mlpc-sagemaker @ git+https://github.com/ORG/mlpc@COMMIT'); default: where this mlpc was installed from, when that is a git commit or a wheel URL.")] = None,
):
    """Scaffold a project: a pipeline YAML, step scripts, a CodeBuild buildspec and a PR-check workflow.

    Example: [bold]mlpc init churn-model --name churn[/bold]
    """
    from ..deploy.init import git_init, plan_init, write_init

    with cli_errors():
        written = write_init(directory, plan_init(directory, name, mlpc_source))
    for path in written:
        typer.echo(f"created {path}")
    if not (mlpc_source or "").strip():
        from ..ci.source import installed_source

        if not installed_source():
            typer.echo("note: no pinned mlpc source is known (this mlpc was not installed from a git commit or a wheel "
                       "URL): buildspec.yml and the workflow stop with a message until MLPC_SOURCE is set in them; "
                       "or rerun with --mlpc-source (see docs/deploy.md, Installing mlpc in CI)", err=True)
    if git_init(directory):
        typer.echo(f"initialised a git repository in {directory} (the project root: code paths stay inside it)")
    typer.echo("note: buildspec.yml and the PR check report `mlpc lint` findings without failing: the scaffold has no "
               "KMS key yet (set pipeline.security.kms_key); once `mlpc lint` passes, regenerate them with the gate: "
               "mlpc ci buildspec / mlpc ci github", err=True)
    yaml = next(p for p in written if p.suffix == ".yaml")
    typer.echo(f"next: mlpc validate {yaml} && mlpc run {yaml} --local")
