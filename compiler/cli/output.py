"""Shared CLI output helpers: diagnostics to stderr, compile-or-exit."""

from __future__ import annotations

from pathlib import Path

import typer


def print_diagnostics(diags) -> None:
    for d in diags:
        typer.echo(d.render(), err=True)
    n = len(diags)
    typer.echo(f"{n} error{'s' if n != 1 else ''}", err=True)


def print_warnings(warnings) -> None:
    for d in warnings:
        typer.echo(d.render(), err=True)


def compile_or_exit(file: Path, var, vars_file):
    """Compile, or print every diagnostic and exit 1."""
    from ..api import compile_file, parse_var_args

    variables, vdiags = parse_var_args(var)
    if vdiags:
        print_diagnostics(vdiags)
        raise typer.Exit(1)
    res = compile_file(file, variables, vars_file)
    if not res.ok:
        print_diagnostics(res.diagnostics)
        raise typer.Exit(1)
    print_warnings(res.warnings)
    return res


def compile_all_or_exit(files, var, vars_file) -> list:
    """Compile every file; print every diagnostic of every file and exit 1 if any failed
    (before anything is deployed: several files are all or nothing up to here)."""
    from ..api import compile_file, parse_var_args

    variables, vdiags = parse_var_args(var)
    if vdiags:
        print_diagnostics(vdiags)
        raise typer.Exit(1)
    results, diags = [], []
    for f in files:
        res = compile_file(f, variables, vars_file)
        diags += res.diagnostics if not res.ok else []
        results.append(res)
    if diags:
        print_diagnostics(diags)
        raise typer.Exit(1)
    names = {}
    for res in results:
        print_warnings(res.warnings)
        if res.pipeline.name in names:
            typer.echo(f"error: {res.file} and {names[res.pipeline.name]} both define pipeline '{res.pipeline.name}'",
                       err=True)
            raise typer.Exit(1)
        names[res.pipeline.name] = res.file
    return results
