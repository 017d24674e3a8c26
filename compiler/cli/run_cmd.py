"""`mlpc run FILE --local` and `mlpc data put/ls --local`: the local runner's commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .base import app
from ..errors import MlpcError
from .output import compile_or_exit, print_error

data_app = typer.Typer(help="The local object store that stands in for S3 (with --local).", no_args_is_help=True)
app.add_typer(data_app, name="data")

WorkspaceOpt = Annotated[Optional[Path], typer.Option(
    "--workspace",
    help="Workspace folder: object store, execution records, logs, model registry (default: $MLPC_WORKSPACE, else the project's .mlpc/: the nearest one above, or at the git work tree's top).")]
LocalOpt = Annotated[bool, typer.Option("--local", help="Use this machine (no Docker, no AWS).")]


def _error(message, hint: str | None = None) -> None:
    """Print an error (a message, or an MlpcError) the one way: cli/output.print_error."""
    print_error(message if isinstance(message, MlpcError) else MlpcError(message, hint))


@app.command("run")
def run(
    file: Annotated[Path, typer.Argument(help="Pipeline YAML file.")],
    local: LocalOpt = False,
    param: Annotated[Optional[List[str]], typer.Option(
        "--param", help="Parameter override NAME=VALUE, typed as declared (repeatable). An S3 parameter also "
                        "takes a local file or folder: it is copied into the local store.")] = None,
    var: Annotated[Optional[List[str]], typer.Option(
        "--var", help="Template variable NAME=VALUE (repeatable).")] = None,
    vars_file: Annotated[Optional[List[Path]], typer.Option(
        "--vars-file", help="YAML file of template variables (repeatable; later wins).")] = None,
    workspace: WorkspaceOpt = None,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Run every step, even when a cached run could be reused.")] = False,
    stub: Annotated[Optional[List[str]], typer.Option(
        "--stub", help="Stand in for a Lambda/Callback step (they cannot run locally): STEP.OUTPUT=VALUE, "
                       "or STEP for one without outputs (repeatable).")] = None,
    max_parallel: Annotated[Optional[int], typer.Option(
        "--max-parallel", min=1, help="Run at most this many steps at once (default: the CPU count).")] = None,
    env: Annotated[str, typer.Option(
        "--env", help="The Python of the steps' scripts: 'host' (this interpreter) or 'container' (a virtual "
                      "environment with the step's container's library versions, built with uv and cached; "
                      "see the README's 'Library versions').")] = "host",
):
    """Compile FILE, then run the compiled definition on this machine: no Docker, no AWS.

    Steps run as local processes that see SageMaker's /opt/ml paths; S3 is a folder in the
    workspace. Exit 0 when the execution succeeds, 1 when a step fails or a Fail step is reached.

    Example: [bold]mlpc run pipelines/breast-cancer.yaml --local --param AccuracyThreshold=0.9[/bold]
    """
    from ..local.envs import MODES
    from ..local.session import run_compiled
    from ..local.workspace import Workspace, start_for
    from .local_views import environment_lines, execution_summary, registered_lines, step_counts, steps_table

    if not local:
        _error("mlpc run executes pipelines on this machine: pass --local",
               f"mlpc run {file} --local (to run on SageMaker: mlpc upsert, then mlpc start)")
        raise typer.Exit(1)
    if env not in MODES:
        _error(f"--env '{env}' is not one of: {', '.join(MODES)}", "e.g. mlpc run FILE --local --env container")
        raise typer.Exit(1)
    res = compile_or_exit(file, var, vars_file)
    ws = Workspace.at(workspace, start=start_for(file))
    view = _Progress()
    with view:
        result, errors = run_compiled(res, ws, param_pairs=param, stub_pairs=stub, use_cache=not no_cache,
                                      max_parallel=max_parallel, on_event=view.on_event, env=env)
    if errors:
        for e in errors:
            _error(e)
        raise typer.Exit(1)
    rec = result.record
    console = view.console
    if len(rec.steps) <= TABLE_MAX_STEPS:
        console.print(steps_table(rec, f"{rec.pipeline} (local)"))
    else:  # a table of hundreds of rows helps nobody and costs seconds to lay out
        console.print(step_counts(rec) + f" (every step: mlpc executions describe {rec.id} --local)")
    for line in registered_lines(rec):
        console.print(line)
    for line in environment_lines(rec):
        console.print(line, markup=False)
    console.print(execution_summary(rec))
    console.print(f"[dim]records and logs: {ws.execution_dir(rec.id)}[/]")
    if result.ok:
        raise typer.Exit(0)
    _print_failure(rec, result.log_tails, ws)
    raise typer.Exit(1)


TABLE_MAX_STEPS = 100  # above: counts by status instead of the steps table


def _print_failure(rec, tails: dict, ws) -> None:
    failure = rec.failure or {}
    step = failure.get("step")
    if failure.get("kind") == "fail":
        _error(f"Fail step {step} reached: {failure.get('reason')}")
        for cond, branch in rec.branches.items():  # the comparison that routed the run here
            if step in branch.get("steps") or []:
                typer.echo(f"    because {cond} was {str(branch['outcome']).lower()}: "
                           f"{'; '.join(branch.get('compared') or []) or 'no comparison recorded'}", err=True)
        return
    if step is None:
        _error(f"execution {rec.id} failed: {failure.get('reason')}")
        return
    _error(f"step {step} failed: {failure.get('reason')}")
    tail = tails.get(step)
    if tail:
        logs = ws.step_dir(rec.id, step)
        typer.echo(f"--- {step}: last lines of its log ({logs}/stderr.log) ---", err=True)
        typer.echo("\n".join("  " + line for line in tail.splitlines()), err=True)
    work = (rec.steps[step].detail or {}).get("work_dir")
    if work:
        typer.echo(f"    its /opt/ml is kept for inspection in {work}", err=True)


class _Progress:
    """A live table of step states on a terminal; one line per finished step otherwise."""

    def __init__(self):
        from .local_views import make_console

        self.console = make_console()
        self.record = None
        self.live = None
        self._starts: dict = {}

    def __enter__(self):
        if self.console.is_terminal:
            from rich.live import Live

            self.live = Live(self, console=self.console, refresh_per_second=8, transient=True)
            self.live.__enter__()
        return self

    def __exit__(self, *exc):
        if self.live is not None:
            self.live.__exit__(*exc)
        return False

    def __rich__(self):
        import time

        from rich.spinner import Spinner
        from rich.table import Table

        from .local_views import _status

        t = Table(title=f"{self.record.pipeline} {self.record.id}" if self.record else "starting",
                  title_justify="left")
        t.add_column("Step")
        t.add_column("Status")
        t.add_column("Time", justify="right")
        for s in (self.record.steps.values() if self.record else []):
            if s.status == "Executing":
                start = self._starts.get(s.name, time.monotonic())
                spinner = Spinner("dots", text=" Executing", style="yellow")
                t.add_row(s.name, spinner, f"{time.monotonic() - start:.1f} s")
            elif s.status == "NotStarted" and self.record.status == "Executing":
                t.add_row(s.name, "[dim]waiting[/]", "")
            else:
                cached = " (cached)" if s.cached else ""
                t.add_row(s.name, _status(s.status) + cached, f"{s.seconds:.1f} s" if s.seconds is not None else "")
        return t

    def on_event(self, event) -> None:
        import time

        self.record = event.execution
        if event.kind == "step_started":
            self._starts[event.step.name] = time.monotonic()
        if self.live is None and event.kind == "step_finished":
            s = event.step
            took = f" {s.seconds:.1f} s" if s.seconds is not None else ""
            # plain text, not a rich print (~1 ms of layout each: seconds for a large pipeline)
            self.console.file.write(f"{s.name}: {s.status}{' (cached)' if s.cached else ''}{took}\n")


# ------------------------------------------------------------------ data

@data_app.command("put")
def data_put(
    source: Annotated[Path, typer.Argument(help="Local file or folder.")],
    uri: Annotated[str, typer.Argument(help="Destination s3://bucket/key; ending in '/' (or for a folder) a prefix the name goes under, as with `aws s3 cp`.")],
    local: LocalOpt = False,
    workspace: WorkspaceOpt = None,
):
    """Copy a local file or folder into the local object store, where local runs read their S3 inputs.

    Example: [bold]mlpc data put data/train.csv s3://my-bucket/raw/train.csv --local[/bold]
    """
    from ..local.store import LocalStore, parse_s3_uri
    from ..local.workspace import Workspace

    target, err = parse_s3_uri(uri)
    if err or not source.exists():
        _error(err or f"no such file or folder: {source}")
        raise typer.Exit(1)
    ws = Workspace.at(workspace)
    ws.ensure()
    store = LocalStore(ws.s3_dir)
    if source.is_dir():
        count, err = store.put_tree(target, source)
    else:
        if uri.endswith("/") or not target.key:  # a prefix: the file keeps its name, as `aws s3 cp` does
            target = target.child(source.name)
        count, err = 1, store.put_file(target, source)
    if err:
        _error(err)
        raise typer.Exit(1)
    typer.echo(f"put {count} object{'s' if count != 1 else ''} at {target} ({store.path_of(target)})")


@data_app.command("ls")
def data_ls(
    uri: Annotated[Optional[str], typer.Argument(help="s3://bucket/prefix to list; none (or s3://) lists the buckets.")] = None,
    local: LocalOpt = False,
    workspace: WorkspaceOpt = None,
):
    """List the buckets, or the objects under a prefix, of the local object store (the store local
    runs read and write; --local is accepted but not needed).

    Example: [bold]mlpc data ls[/bold] ; [bold]mlpc data ls s3://my-bucket/raw/[/bold]
    """
    from ..local.store import LocalStore, parse_s3_uri
    from ..local.workspace import Workspace

    store = LocalStore(Workspace.at(workspace).s3_dir)
    if uri in (None, "", "s3://"):
        buckets = sorted(p.name for p in store.root.iterdir() if p.is_dir()) if store.root.is_dir() else []
        if not buckets:
            _error(f"the local store has no buckets yet ({store.root})",
                   "mlpc run --local seeds it; or: mlpc data put FILE s3://BUCKET/KEY")
            raise typer.Exit(1)
        for name in buckets:
            typer.echo(f"s3://{name}/")
        return
    target, err = parse_s3_uri(uri)
    if err:
        _error(err)
        raise typer.Exit(1)
    if store.is_object(target):
        typer.echo(f"{target}  {store.path_of(target).stat().st_size} bytes")
        return
    objects = store.list_prefix(target)
    if not objects:
        _error(f"nothing at {target} in the local store")
        raise typer.Exit(1)
    for rel, path in objects:
        typer.echo(f"{target.child(rel)}  {path.stat().st_size} bytes")


# ------------------------------------------------------------------ workspace

workspace_app = typer.Typer(help="The local workspace (.mlpc/): executions, object store, model registry.",
                            no_args_is_help=True)
app.add_typer(workspace_app, name="workspace")


@workspace_app.command("prune")
def workspace_prune(
    keep: Annotated[Optional[int], typer.Option("--keep", min=0, help="Keep the newest N executions of each pipeline.")] = None,
    older_than: Annotated[Optional[str], typer.Option("--older-than", help="Prune only executions started longer ago than this: 30d, 12h, 90m, 2w.")] = None,
    pipeline: Annotated[Optional[str], typer.Option("--pipeline", help="Only this pipeline's executions.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be pruned; delete nothing.")] = False,
    envs: Annotated[bool, typer.Option(
        "--envs", help="Also delete the cached `--env container` environments ($MLPC_ENV_CACHE, else "
                       "$XDG_CACHE_HOME/mlpc/envs, else ~/.cache/mlpc/envs); the next run rebuilds what it needs.")] = False,
    local: LocalOpt = False,
    workspace: WorkspaceOpt = None,
):
    """Free the space old local executions hold: their records, logs and outputs in the local store.

    Executions still running, and those whose outputs a registered model version uses, are kept.

    Example: [bold]mlpc workspace prune --keep 5 --older-than 7d --local[/bold]
    """
    from ..local.prune import apply_prune, parse_duration, plan_prune
    from ..local.workspace import Workspace

    if keep is None and older_than is None and not envs:
        _error("say what to prune: --keep N, --older-than DURATION, --envs, or several",
               "e.g. mlpc workspace prune --keep 5 --local")
        raise typer.Exit(1)
    if envs:
        _prune_envs(dry_run)
        if keep is None and older_than is None:
            return
    age = None
    if older_than is not None:
        age = parse_duration(older_than)
        if age is None:
            _error(f"--older-than '{older_than}' is not a duration", "a number and a unit: 45s, 90m, 12h, 30d, 2w")
            raise typer.Exit(1)
    ws = Workspace.at(workspace)
    plan = plan_prune(ws, keep, age, pipeline)
    verb = "would prune" if dry_run else "pruned"
    for eid, pipe, started, _paths in plan.prune:
        typer.echo(f"{verb} {pipe} {eid} (started {started})")
    for eid, why in plan.protected:
        typer.echo(f"kept {eid}: {why}")
    if not dry_run:
        apply_prune(ws, plan)
    typer.echo(f"{verb} {len(plan.prune)} execution{'s' if len(plan.prune) != 1 else ''}, "
               f"{'would free' if dry_run else 'freed'} {plan.bytes / 1e6:.1f} MB; kept {plan.kept + len(plan.protected)} "
               f"in {ws.root}")


def _prune_envs(dry_run: bool) -> None:
    from ..local.envs import cache_root, clear_cache, list_cache

    root = cache_root()
    if dry_run:
        found = list_cache(root)
        typer.echo(f"would delete {len(found)} container environment{'s' if len(found) != 1 else ''} in {root}"
                   + "".join(f"\n  {name}" for name in found))
        return
    count, size = clear_cache(root)
    typer.echo(f"deleted {count} container environment{'s' if count != 1 else ''}, freed {size / 1e6:.1f} MB "
               f"in {root}")
