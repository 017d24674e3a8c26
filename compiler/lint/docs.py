"""The README's lint rules table, generated from the rules table (tools/gen_lint_docs.py writes it;
tests/lint/test_docs.py fails when the README and the rules disagree)."""

from __future__ import annotations

from .policy import BUILTIN
from .registry import RULES

START, END = "<!-- lint-rules:start -->", "<!-- lint-rules:end -->"


def rules_markdown() -> str:
    strict = BUILTIN["strict"].levels
    lines = ["| id | rule | default | strict | controls |", "| --- | --- | --- | --- | --- |"]
    for r in RULES:
        lines.append(f"| `{r.id}` {r.name} | {r.title} | {r.severity} | {strict[r.id]} | {', '.join(r.controls)} |")
    return "\n".join(lines)


def replace_section(text: str) -> str:
    """`text` (the README) with the generated table between its markers."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{rules_markdown()}\n{END}{tail}"
