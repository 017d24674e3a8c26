"""validate / compile / graph / schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .base import app
from .options import GraphFmt, ValidateFmt, VarOpt, VarsFileOpt
from .output import compile_or_exit, fail, print_diagnostics, print_warnings



@app.command()
def validate(
    files: Annotated[List[Path], typer.Argument(help="Pipeline YAML files.")],
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
    format: Annotated[ValidateFmt, typer.Option("--format", help="text, json, or junit (JUnit XML: a CI test report, one case per file).")] = ValidateFmt.text,
):
    """Run every check (YAML, schema, references, shapes, DAG, limits) without writing anything.

    Example: [bold]mlpc validate pipelines/*.yaml[/bold]
    """
    from ..api import compile_file, parse_var_args

    variables, vdiags = parse_var_args(var)
    results, failed = [], False
    for f in files:
        res = compile_file(f, variables, vars_file) if not vdiags else None
        diags = vdiags if res is None else res.diagnostics
        warnings = [] if res is None or diags else res.warnings
        failed |= bool(diags)
        results.append({"file": str(f), "ok": not diags, "diagnostics": [d.to_json() for d in diags + warnings]})
        if format == ValidateFmt.text:
            if diags:
                print_diagnostics(diags)
            else:
                print_warnings(warnings)
                typer.echo(f"{f}: ok ({len(res.definition['Steps'])} top-level steps, {len(res.pipeline.steps)} in all)")
    if format == ValidateFmt.json:
        typer.echo(json.dumps(results, indent=2))
    elif format == ValidateFmt.junit:
        from ..ci.junit import validate_junit

        typer.echo(validate_junit(results), nl=False)
    raise typer.Exit(1 if failed else 0)


@app.command("compile")
def compile_(
    file: Annotated[Path, typer.Argument(help="Pipeline YAML file.")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the definition JSON here (default: stdout).")] = None,
    manifest: Annotated[Optional[Path], typer.Option("--manifest", help="Also write the upload manifest (local file -> S3 key) as JSON.")] = None,
    pretty: Annotated[bool, typer.Option("--pretty", help="Indent the JSON for reading (the canonical form is compact).")] = False,
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
):
    """Compile FILE into the SageMaker pipeline definition JSON. Offline; no credentials needed.

    Example: [bold]mlpc compile pipelines/breast-cancer.yaml -o build/definition.json --var bucket=my-bucket[/bold]
    """
    from ..emit import emit_pretty

    from ..atomicfile import OutputError, write_all

    res = compile_or_exit(file, var, vars_file)
    text = emit_pretty(res.definition) if pretty else res.definition_json + "\n"
    files = [] if output is None else [(output, text)]
    if manifest is not None:
        files.append((manifest, json.dumps({"pipeline": res.pipeline.name, "uploads": [u.to_json() for u in res.uploads]},
                                           indent=2, sort_keys=True) + "\n"))
    try:
        write_all(files)  # all or nothing; -o /dev/null writes through the device
    except OutputError as exc:
        fail(str(exc), "nothing was written")
    if output is None:
        sys.stdout.write(text)
    else:
        typer.echo(f"wrote {output} ({len(res.definition_json):,} characters, {len(res.uploads)} code uploads)", err=True)
    if manifest is None and res.uploads:  # compile is offline: say what `upsert` will upload, not that it happened
        typer.echo(f"{len(res.uploads)} code file{'s' if len(res.uploads) != 1 else ''} for `mlpc upsert` to upload "
                   "(nothing is uploaded by compile; --manifest FILE writes this list):", err=True)
        for u in res.uploads:
            typer.echo(f"  {u.local} -> {u.s3_uri}", err=True)


@app.command()
def graph(
    file: Annotated[Path, typer.Argument(help="Pipeline YAML file.")],
    format: Annotated[GraphFmt, typer.Option("--format", help="mermaid (renders in GitHub PRs), dot (Graphviz source), svg (a picture, needs nothing installed) or png (runs Graphviz's dot).")] = GraphFmt.mermaid,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the graph here (default: stdout; png needs it).")] = None,
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
):
    """Print the step DAG, with condition branches labelled.

    Example: [bold]mlpc graph pipelines/breast-cancer.yaml --format svg -o dag.svg[/bold]
    """
    from ..graphviz import GRAPHVIZ_HINT, dot_to_png, to_dot, to_mermaid

    if format == GraphFmt.png and output is None:
        fail("--format png writes a binary picture: give -o FILE.png")
    res = compile_or_exit(file, var, vars_file)
    if format == GraphFmt.svg:
        from ..graph_svg import to_svg

        data = to_svg(res.graph, res.pipeline.name)
    elif format == GraphFmt.png:
        data, err = dot_to_png(to_dot(res.graph, res.pipeline.name))
        if err:
            fail(err, GRAPHVIZ_HINT, "Graphviz")
    else:
        data = (to_mermaid(res.graph) if format == GraphFmt.mermaid else to_dot(res.graph, res.pipeline.name)) + "\n"
    if output is None:
        sys.stdout.write(data)
    else:
        _atomic_write(output, data)
        typer.echo(f"wrote {output}", err=True)


@app.command()
def schema():
    """Print the JSON Schema for pipeline YAML files (for editor completion).

    Example: [bold]mlpc schema > pipeline.schema.json[/bold]
    """
    from ..schema import schema_text

    sys.stdout.write(schema_text())


def _atomic_write(path: Path, text: str | bytes) -> None:
    """All or nothing, the umask's mode, through symlinks, /dev/null written through (mlpc.atomicfile)."""
    from ..atomicfile import write_atomic

    write_atomic(path, text)
