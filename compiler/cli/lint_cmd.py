"""lint: policy rules over compiled pipelines, text / json / SARIF."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .base import app
from .options import VarOpt, VarsFileOpt
from .output import fail, print_diagnostics


class LintFmt(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


@app.command()
def lint(
    files: Annotated[List[Path], typer.Argument(help="Pipeline YAML files.")],
    policy: Annotated[Optional[str], typer.Option("--policy", help="default, strict, or a policy YAML file (rule levels, required tags, allowed buckets, KMS keys, subnets).")] = None,
    format: Annotated[LintFmt, typer.Option("--format", help="text, json, or sarif (GitHub code scanning).")] = LintFmt.text,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the report here (default: stdout).")] = None,
    var: VarOpt = None,
    vars_file: VarsFileOpt = None,
):
    """Check compiled pipelines against security and governance rules. Exit 1 on any error-level finding
    that is not waived (waivers live in the YAML under lint.waivers, with a reason, and are always reported).

    Example: [bold]mlpc lint pipelines/*.yaml --policy strict --format sarif -o mlpc.sarif[/bold]
    """
    from ..api import compile_file, parse_var_args
    from ..lint.engine import lint as run_lint
    from ..lint.policy import load_policy
    from ..lint.reporters import REPORTER_BY_NAME, FileReport, LintReport

    pol, pdiags = load_policy(policy)
    variables, vdiags = parse_var_args(var)
    if pdiags or vdiags:
        print_diagnostics(pdiags + vdiags)
        raise typer.Exit(1)
    reports, broken = [], False
    for f in files:
        res = compile_file(f, variables, vars_file)
        if not res.ok:
            broken = True
            if format == LintFmt.text:
                print_diagnostics(res.diagnostics)
            else:  # json / sarif carry them, so a code-scanning upload shows why the file was not linted
                reports.append(FileReport(str(f), [], res.diagnostics))
            continue
        findings, diags = run_lint(res, pol)
        reports.append(FileReport(str(f), findings, diags))
    report = LintReport(pol.name, reports)
    text = REPORTER_BY_NAME[format.value](report)
    if output is None:
        sys.stdout.write(text)
    else:
        from ..atomicfile import OutputError, write_all

        try:
            write_all([(output, text)])  # all or nothing; a device or FIFO is written through
        except OutputError as exc:
            fail(str(exc), "nothing was written")
        typer.echo(f"wrote {output}", err=True)
    raise typer.Exit(1 if broken or report.failed else 0)
