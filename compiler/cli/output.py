"""Shared CLI output helpers: the one way errors and diagnostics are printed (stderr), compile-or-exit.

An error outside the YAML is an mlpc.errors.MlpcError: print_error(err) prints it as
`error: message [code]` + `    hint: ...`; fail(message, hint, code) prints one and exits 1.
Problems in the YAML are Diagnostics: print_diagnostics prints `FILE:LINE:COL: message [CODE]`.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer

from ..errors import MlpcError


def print_error(err: MlpcError) -> None:
    typer.echo(err.render(), err=True)


def print_errors(errors) -> None:
    for err in errors:
        print_error(err)


def fail(message: str | MlpcError, hint: str | None = None, code: str | None = None) -> NoReturn:
    """Print one error and exit 1 (no traceback)."""
    print_error(message if isinstance(message, MlpcError) else MlpcError(message, hint, code))
    raise typer.Exit(1)


def print_diagnostics(diags) -> None:
    for d in diags:
        typer.echo(d.render(), err=True)
    warnings = sum(1 for d in diags if getattr(d, "severity", "error") == "warning")
    n = len(diags) - warnings
    tail = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
    typer.echo(f"{n} error{'s' if n != 1 else ''}{tail}", err=True)


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
            fail(f"{res.file} and {names[res.pipeline.name]} both define pipeline '{res.pipeline.name}'",
                 "each file must name a different pipeline")
        names[res.pipeline.name] = res.file
    return results
