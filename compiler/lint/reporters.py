"""Lint reports: text, json and SARIF 2.1.0, chosen from REPORTER_BY_NAME. Pure: report -> str.

A report is a LintReport: the policy and, per file, its findings and lint diagnostics.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import NamedTuple

from .. import __version__
from .registry import BY_ID, RULES

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFO_URI = "https://github.com/mlpc-sagemaker/mlpc#security"


class FileReport(NamedTuple):
    file: str
    findings: list
    diagnostics: list  # about the lint: section (waivers)


class LintReport(NamedTuple):
    policy: str
    files: list  # FileReport

    @property
    def failed(self) -> bool:
        return any(f.fails for r in self.files for f in r.findings) or \
            any(d.severity == "error" for r in self.files for d in r.diagnostics)

    def counts(self) -> dict:
        out = {"error": 0, "warning": 0, "note": 0, "waived": 0}
        for r in self.files:
            for f in r.findings:
                out["waived" if f.waived is not None else f.severity] += 1
        return out


def _controls(rule_id: str) -> str:
    rule = BY_ID.get(rule_id)
    return ", ".join(rule.controls) if rule else ""


def render_text(report: LintReport) -> str:
    lines = []
    for r in report.files:
        for f in r.findings:
            kind = f"{f.severity}" + (f" (waived: {f.waived})" if f.waived is not None else "")
            lines.append(f"{f.span}: {kind}: {f.message} [{f.rule} {_controls(f.rule)}]")
            if f.hint:
                lines.append(f"    hint: {f.hint}")
        for d in r.diagnostics:
            lines.append(d.render())
        if not r.findings and not r.diagnostics:
            lines.append(f"{r.file}: ok")
    fired = sorted({f.rule for r in report.files for f in r.findings if f.waived is None})
    if fired:
        lines.append("rules:")
        lines += [f"  {rid} {BY_ID[rid].name}: {BY_ID[rid].help}" for rid in fired]
    c = report.counts()
    lines.append(f"policy {report.policy}: {c['error']} error(s), {c['warning']} warning(s), {c['note']} note(s), "
                 f"{c['waived']} waived")
    return "\n".join(lines) + "\n"


def render_json(report: LintReport) -> str:
    doc = {"policy": report.policy, "ok": not report.failed, "summary": report.counts(),
           "files": [{"file": r.file, "findings": [f.to_json() for f in r.findings],
                      "diagnostics": [d.to_json() for d in r.diagnostics]} for r in report.files]}
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def repo_root(start: Path) -> Path:
    """The enclosing git work tree (a .git folder or file), else the current folder."""
    here = start.resolve()
    for p in (here, *here.parents):
        if (p / ".git").exists():
            return p
    return Path.cwd().resolve()


def repo_uri(file: str) -> str:
    """A path relative to the repository root with forward slashes, as code scanning wants it."""
    path = Path(file).resolve()
    root = repo_root(path.parent)
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(os.path.relpath(path, Path.cwd()))
    return rel.as_posix()


def sarif_rule(rule) -> dict:
    text = f"{rule.title}. {rule.help} Controls: {', '.join(rule.controls)}."
    return {
        "id": rule.id, "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.help},
        "help": {"text": text, "markdown": f"**{rule.title}**\n\n{rule.help}\n\nControls: {', '.join(rule.controls)}"},
        "defaultConfiguration": {"level": rule.severity},
        "properties": {"tags": ["security", *rule.controls], "precision": "very-high",
                       "security-severity": {"error": "7.0", "warning": "4.0", "note": "1.0"}[rule.severity]},
    }


def _result(f, index: dict) -> dict:
    out = {
        "ruleId": f.rule, "ruleIndex": index[f.rule], "level": f.severity,
        "message": {"text": f.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": repo_uri(f.span.file)},
            "region": {"startLine": f.span.line, "startColumn": f.span.col}}}],
        "partialFingerprints": {"mlpcFinding/v1": hashlib.sha256(
            f"{f.rule}|{repo_uri(f.span.file)}|{f.step}|{f.message}".encode()).hexdigest()},
    }
    if f.waived is not None:
        out["suppressions"] = [{"kind": "inSource", "justification": f.waived}]
    return out


def render_sarif(report: LintReport) -> str:
    index = {r.id: i for i, r in enumerate(RULES)}
    notes = [{"level": "error" if d.severity == "error" else "warning", "message": {"text": d.message},
              "descriptor": {"id": d.code},
              "locations": [{"physicalLocation": {"artifactLocation": {"uri": repo_uri(d.span.file)},
                                                  "region": {"startLine": d.span.line, "startColumn": d.span.col}}}]}
             for r in report.files for d in r.diagnostics]
    run = {
        "tool": {"driver": {"name": "mlpc", "semanticVersion": __version__, "informationUri": INFO_URI,
                            "rules": [sarif_rule(r) for r in RULES]}},
        "invocations": [{"executionSuccessful": True, "toolConfigurationNotifications": notes}],
        "results": [_result(f, index) for r in report.files for f in r.findings],
        "properties": {"policy": report.policy},
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"


REPORTER_BY_NAME = {"text": render_text, "json": render_json, "sarif": render_sarif}
