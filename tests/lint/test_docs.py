"""The README's rules table is the rules table (regenerate with tools/gen_lint_docs.py)."""

from __future__ import annotations

from pathlib import Path

from mlpc.lint.docs import END, START, replace_section, rules_markdown
from mlpc.lint.registry import RULES

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_rules_table_is_generated_from_the_rules():
    text = README.read_text("utf-8")
    assert text.count(START) == 1 and text.count(END) == 1
    assert replace_section(text) == text, "README's lint rules table is stale: run python tools/gen_lint_docs.py"


def test_table_lists_every_rule_with_its_controls():
    table = rules_markdown()
    for r in RULES:
        row = next(line for line in table.splitlines() if f"`{r.id}`" in line)
        assert all(c in row for c in r.controls) and r.title in row
