"""Diagnostics: errors as values.

Phases report a *path* into the user's YAML document (a tuple of keys and
list indexes); the loader's source map turns a path into a Span once, at the
end. Lines and columns count from 1.
"""

from __future__ import annotations

from enum import Enum
from typing import Iterable, NamedTuple

Path = tuple  # tuple[str | int, ...]


class Severity(str, Enum):
    """How bad a diagnostic is: ERROR fails the command, WARNING is reported and the command goes on.

    A str: Severity.WARNING == "warning", and it serialises as "warning" in JSON.
    """

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


class Span(NamedTuple):
    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class Diagnostic(NamedTuple):
    code: str
    message: str
    path: Path = ()
    hint: str | None = None
    span: Span | None = None
    # extra column offset inside a scalar (e.g. position of a token in an expression)
    offset: int = 0
    # locate at the mapping key of `path` rather than at its value (e.g. a template in a key)
    at_key: bool = False
    # Severity.ERROR fails the command; Severity.WARNING is reported and the command goes on
    # (a plain "error"/"warning" string is accepted and compares equal; the catalogue,
    # mlpc.catalogue, documents each code's severity)
    severity: Severity = Severity.ERROR

    def at(self, span: Span) -> "Diagnostic":
        return self._replace(span=span)

    def render(self) -> str:
        where = str(self.span) if self.span else "<unknown>"
        kind = "warning: " if self.severity == "warning" else ""
        text = f"{where}: {kind}{self.message} [{self.code}]"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_json(self) -> dict:
        out = {"code": self.code, "severity": str(self.severity), "message": self.message, "path": list(self.path)}
        if self.span:
            out.update(file=self.span.file, line=self.span.line, column=self.span.col)
        if self.hint:
            out["hint"] = self.hint
        return out


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    def key(d: Diagnostic):
        s = d.span
        return (s.file, s.line, s.col) if s else ("", 0, 0)

    seen, out = set(), []
    for d in sorted(diags, key=key):
        k = (d.span, d.code, d.message)
        if k not in seen:
            seen.add(k)
            out.append(d)
    return out


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    import difflib

    cands = sorted(set(candidates))
    match = difflib.get_close_matches(name, cands, n=1, cutoff=0.6)
    if match:
        return f"did you mean '{match[0]}'?"
    if cands and len(cands) <= 12:
        return "known: " + ", ".join(cands)
    return None
