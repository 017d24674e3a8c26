"""Rules and findings as values."""

from __future__ import annotations

from typing import Callable, NamedTuple

LEVELS = ("error", "warning", "note")  # SARIF's result levels, most severe first


class Rule(NamedTuple):
    id: str  # stable: never renumbered, never reused
    name: str  # a short slug (SARIF rule name)
    title: str  # one line: what the rule requires
    severity: str  # default level: error | warning | note
    controls: tuple  # e.g. ("NIST CSF PR.DS-1", "SOC 2 CC6.1")
    help: str  # why, and how to comply (or waive)
    check: Callable  # (LintContext) -> iterable of Hit


class Hit(NamedTuple):
    """What a rule reports: a message and where (a YAML path, or a definition step and its Arguments path)."""

    message: str
    step: str | None = None  # the pipeline step it is about (waivers match on it)
    path: tuple = ()  # YAML path (e.g. ("parameters", "Token", "default"))
    arg: tuple | None = None  # path inside the step's compiled Arguments, located through its origins
    severity: str | None = None  # overrides the rule's level for this hit (e.g. unverifiable values)


class Finding(NamedTuple):
    rule: str
    severity: str  # error | warning | note
    message: str
    span: object  # mlpc.diagnostics.Span
    step: str | None = None
    waived: str | None = None  # the waiver's reason; a waived finding is reported and does not fail
    hint: str | None = None

    @property
    def fails(self) -> bool:
        return self.severity == "error" and self.waived is None

    def to_json(self) -> dict:
        out = {"rule": self.rule, "severity": self.severity, "message": self.message,
               "file": self.span.file, "line": self.span.line, "column": self.span.col}
        if self.step:
            out["step"] = self.step
        if self.waived is not None:
            out["waived"] = self.waived
        if self.hint:
            out["hint"] = self.hint
        return out
