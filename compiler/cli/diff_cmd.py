"""mlpc diff FILE...: the semantic diff against deployed, a definition file, or a git revision."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, List

import typer

from . import aws_support  # connect() is looked up at call time: tests point it at moto/Stubber
from .aws_support import cli_errors, fail, region_or_exit
from .base import app
from .options import DiffFmt, ProfileOpt, RegionOpt, VarOpt, VarsFileOpt
from ..errors import MlpcError
from .output import compile_all_or_exit, print_diagnostics, print_error


@app.command()
def diff(
    files: Annotated[List[Path], typer.Argument(help="Pipeline YAML files (e.g. pipelines/*.yaml).")],
    against: Annotated[str, typer.Option("--against", help="deployed, a definition PATH.json, or git:REF (compiles FILE as of REF; no AWS needed).")] = "deployed",
    format: Annotated[DiffFmt, typer.Option("--format", help="text, markdown (a PR comment), or json.")] = DiffFmt.text,
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
    profile: ProfileOpt = None,
    region: RegionOpt = None,
):
    """Semantic diff: parameters, steps, fields, conditions, DAG edges, cache reruns, schedules, notifications.
    Exit 0 no changes, 2 changes, 1 error (with several files: 1 if any failed, else 2 if any changed).

    Example: [bold]mlpc diff pipelines/breast-cancer.yaml --against git:origin/main --format markdown[/bold]
    """
    results = compile_all_or_exit(files, var, vars_file)
    texts, changed = [], False
    for res in results:
        text, has_changes = _diff_one(res, Path(res.file), against, format, var, vars_file, profile, region)
        texts.append(text)
        changed |= has_changes
    if format == DiffFmt.json and len(texts) > 1:
        typer.echo(json.dumps([json.loads(t) for t in texts], indent=2, sort_keys=True))
    else:
        typer.echo("\n".join(texts), nl=False)
    raise typer.Exit(2 if changed else 0)


def _diff_one(res, file: Path, against: str, format, var, vars_file, profile, region) -> tuple:
    from ..api import parse_var_args
    from ..deploy.diff import diff_definitions
    from ..deploy.diff_render import RENDERERS
    from ..deploy.schedules import deployed_schedules_if_allowed, specs_from_pipeline
    from ..notify import rule_specs

    pipe = res.pipeline
    new_scheds, old_scheds = specs_from_pipeline(pipe), None
    new_rules, old_rules = rule_specs(pipe, res.definition), None
    if against == "deployed":
        from ..deploy.pipelines import get_deployed, require_definition

        with cli_errors():
            aws = aws_support.connect(profile, region_or_exit(region, res))
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
                                             code_paths=list(dict.fromkeys(res.code_paths))  # identical copies too
                                             + [u.local for u in res.uploads or []] + res.fragment_paths()
                                             + [rel for _, rel in (res.pipeline.local_data if res.pipeline else ())])
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
    return RENDERERS[format.value](result), result.has_changes
