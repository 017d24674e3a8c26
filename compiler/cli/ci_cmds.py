"""mlpc ci codepipeline / github / buildspec: generate CI/CD for pipeline files (offline)."""

from __future__ import annotations

import shlex
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .aws_support import fail
from .base import app
from .options import VarOpt, VarsFileOpt
from .output import compile_all_or_exit

ci_app = typer.Typer(help="Generate CI/CD for pipeline files: a CodePipeline CloudFormation template, GitHub Actions "
                          "workflows, a CodeBuild buildspec. Offline.", no_args_is_help=True)
app.add_typer(ci_app, name="ci")

FilesArg = Annotated[List[Path], typer.Argument(help="Pipeline YAML files, relative to the repository root.")]
SourceOpt = Annotated[Optional[str], typer.Option("--mlpc-source", help="Pinned pip source the builds install mlpc from (default: where this mlpc was installed from, when that is a git commit or a wheel URL).")]
WaitTimeoutOpt = Annotated[int, typer.Option("--wait-timeout", help="Seconds the deploy waits for each execution (mlpc upsert --wait --timeout).")]
LintGateOpt = Annotated[bool, typer.Option("--lint-gate/--no-lint-gate", help="mlpc lint errors fail the check (default), or are only reported.")]
BranchOpt = Annotated[str, typer.Option("--branch", help="The branch whose pushes deploy.")]


class Source(str, Enum):
    codecommit = "codecommit"
    connection = "connection"


def _pinned(mlpc_source: str | None) -> str:
    from ..ci.source import installed_source, source_problem

    if mlpc_source is None:
        found = installed_source()
        if not found:
            typer.echo("note: no pinned mlpc source is known (this mlpc was not installed from a git commit or a "
                       "wheel URL): the generated builds stop with a message until MLPC_SOURCE is set; "
                       "pass --mlpc-source to pin one now", err=True)
        return found
    problem = source_problem(mlpc_source)
    if problem:
        fail(*problem)
    return mlpc_source.strip()


def _facts(files: list, var, vars_file, read: list | None = None) -> tuple:
    """(PipelineFacts per file, the files as the build passes them, the --var/--vars-file args).
    `read`, when given, is extended with every file the compiles read (ci.triggers.compile_inputs)."""
    from ..ci.facts import facts_from_result
    from ..ci.triggers import compile_inputs

    for f in files:
        if f.is_absolute():
            fail(f"{f} is an absolute path", "give the pipeline files relative to the repository root")
    results = compile_all_or_exit(files, var, vars_file)
    if read is not None:
        read += [p for f, r in zip(files, results) for p in compile_inputs(f.as_posix(), r)]
    args = [a for v in var or [] for a in ("--var", v)] + [a for p in vars_file or [] for a in ("--vars-file", str(p))]
    return ([facts_from_result(f.as_posix(), r) for f, r in zip(files, results)],
            " ".join(shlex.quote(f.as_posix()) for f in files), " ".join(shlex.quote(a) for a in args))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {path}")


@ci_app.command("codepipeline")
def codepipeline(
    files: FilesArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="The CloudFormation template to write.")],
    source: Annotated[Source, typer.Option("--source", help="codecommit (a repository, existing or --create-repository) or connection (CodeConnections: GitHub, GitLab, Bitbucket).")] = Source.codecommit,
    repository: Annotated[Optional[str], typer.Option("--repository", help="CodeCommit repository name.")] = None,
    create_repository: Annotated[bool, typer.Option("--create-repository", help="Create the CodeCommit repository in the stack.")] = False,
    connection_arn: Annotated[Optional[str], typer.Option("--connection-arn", help="CodeConnections connection ARN (with --source connection).")] = None,
    repository_id: Annotated[Optional[str], typer.Option("--repository-id", help="OWNER/REPO behind the connection.")] = None,
    branch: BranchOpt = "main",
    approval: Annotated[bool, typer.Option("--approval/--no-approval", help="A manual approval between validate and deploy.")] = True,
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
    mlpc_source: SourceOpt = None,
    wait_timeout: WaitTimeoutOpt = 3 * 3600,
    lint_gate: LintGateOpt = True,
):
    """Write a CloudFormation template: git push -> CodeBuild validate -> approval -> CodeBuild deploy.

    Example: [bold]mlpc ci codepipeline pipelines/breast-cancer.yaml --repository ml --create-repository -o ci.yaml[/bold]
    """
    import re

    from ..ci.codepipeline import CodePipelineOptions, render
    from ..deploy.names import ci_stack_name

    if source == Source.codecommit and not repository:
        fail("--repository is required with --source codecommit", "name an existing repository, or add --create-repository")
    if source == Source.connection:
        if not connection_arn or not re.fullmatch(r"arn:aws[a-z\-]*:(codestar-connections|codeconnections):[a-z0-9\-]+:\d{12}:connection/[\w\-]+", connection_arn):
            fail("--source connection needs --connection-arn with a CodeConnections connection ARN",
                 "arn:aws:codeconnections:REGION:ACCOUNT:connection/ID (create it in the console: Developer Tools > Connections)")
        if not repository_id or not re.fullmatch(r"[\w.\-]+/[\w.\-]+", repository_id):
            fail("--source connection needs --repository-id OWNER/REPO", "e.g. --repository-id acme/ml-pipelines")
    if wait_timeout < 60:
        fail("--wait-timeout is in seconds and must be at least 60", "e.g. --wait-timeout 10800")
    pinned = _pinned(mlpc_source)
    facts, names, args = _facts(files, var, vars_file)
    opts = CodePipelineOptions(facts, names, source.value, repository, create_repository, connection_arn, repository_id,
                               branch, approval, args, pinned, wait_timeout, lint_gate)
    _write(output, render(opts, ci_stack_name(facts[0].name)))
    typer.echo(f"deploy it: aws cloudformation deploy --template-file {output} --stack-name {ci_stack_name(facts[0].name)} "
               "--capabilities CAPABILITY_IAM" + ("" if pinned else " --parameter-overrides MlpcSource=PINNED_SOURCE"))


@ci_app.command("github")
def github(
    files: FilesArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the workflows (e.g. .github/workflows).")],
    environments: Annotated[str, typer.Option("--environments", help="Deployment environments in promotion order, comma separated.")] = "dev,prod",
    vars_dir: Annotated[Path, typer.Option("--vars-dir", help="Folder of the per-environment vars files (ENV.yaml).")] = Path("env"),
    branch: BranchOpt = "main",
    mlpc_source: SourceOpt = None,
    wait_timeout: WaitTimeoutOpt = 3 * 3600,
    lint_gate: LintGateOpt = True,
):
    """Write GitHub Actions workflows: a pull-request check (sticky diff comment, errors in the job summary) and a
    deploy on merge with OIDC credentials, promoting dev then prod, each with its own vars file.

    Example: [bold]mlpc ci github pipelines/breast-cancer.yaml -o .github/workflows --environments dev,prod[/bold]
    """
    from ..ci.github import GithubOptions, render
    from ..ci.triggers import trigger_paths

    envs = [e.strip() for e in environments.split(",") if e.strip()]
    if not envs or len(set(envs)) != len(envs):
        fail(f"--environments '{environments}' must name distinct environments", "e.g. --environments dev,prod")
    pinned = _pinned(mlpc_source)
    triples, read = [], []
    for env in envs:  # every environment's vars file must exist and compile every pipeline
        vf = vars_dir / f"{env}.yaml"
        if not vf.is_file():
            fail(f"no vars file for environment '{env}': {vf}", f"create {vf} with that environment's vars "
                 "(e.g. bucket, account_id, region), or pass --vars-dir")
        facts, names, _ = _facts(files, None, [vf], read)
        regions = {f.region for f in facts}
        if len(regions) > 1:
            fail(f"environment '{env}' deploys to several regions ({', '.join(sorted(regions))})",
                 "generate one workflow per region")
        triples.append((env, vf.as_posix(), regions.pop()))
    # the triggers: every file a compile read (fragments and code wherever they live), the vars folder
    paths, outside = trigger_paths(read, [f.parent.as_posix() for f in files] + [vars_dir.as_posix()])
    if outside:
        fail(f"the pipelines read files outside the repository root (the working directory): {', '.join(outside)}",
             "run mlpc ci github from the repository root, with the pipeline files relative to it")
    opts = GithubOptions(names, tuple(paths), tuple(triples), branch, pinned, wait_timeout, lint_gate)
    for name, text in render(opts).items():
        _write(output / name, text)


@ci_app.command("buildspec")
def buildspec_cmd(
    files: FilesArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="The buildspec to write.")] = Path("buildspec.yml"),
    stage: Annotated[str, typer.Option("--stage", help="validate, deploy, or all (validate then deploy in one build).")] = "all",
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
    mlpc_source: SourceOpt = None,
    wait_timeout: WaitTimeoutOpt = 3 * 3600,
    lint_gate: LintGateOpt = True,
):
    """Write a CodeBuild buildspec (reports, artifacts, DIFF_EXIT exported, --wait --timeout gate, the IAM list).

    Example: [bold]mlpc ci buildspec pipelines/*.yaml --vars-file env/prod.yaml -o buildspec.yml[/bold]
    """
    from ..ci.buildspec import buildspec, header
    from ..ci.dump import dump_yaml

    stages = {"validate": ("validate",), "deploy": ("deploy",), "all": ("validate", "deploy")}.get(stage)
    if stages is None:
        fail(f"--stage '{stage}' is not validate, deploy or all")
    pinned = _pinned(mlpc_source)
    facts, names, args = _facts(files, var, vars_file)
    install = ["pip install --quiet .", "mlpc --version"] if pinned == "." else None
    doc = buildspec(stages, names, args, pinned, install=install, wait_timeout=wait_timeout, lint_gate=lint_gate)
    _write(output, dump_yaml(doc, header(stages, facts)))
