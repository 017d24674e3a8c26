"""The diagnostic catalogue is complete and exact: every code used in compiler/ is catalogued,
every catalogued code is used, severities agree, and docs/diagnostics.md is generated from it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from mlpc import catalogue
from mlpc.diagnostics import Diagnostic, Severity

ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r"[A-Z]{1,2}\d{3}")


def _lint_rule_ids() -> set:
    from mlpc.lint.registry import RULES

    return {r.id for r in RULES}


def _sources():
    for path in sorted((ROOT / "compiler").rglob("*.py")):
        if path.name != "catalogue.py":
            yield path, ast.parse(path.read_text("utf-8"))


def used_codes() -> dict:
    """code -> [file:line] for every code-shaped string constant in compiler/ (lint rule ids aside)."""
    rules = _lint_rule_ids()
    found: dict = {}
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
                if node.value not in rules:
                    found.setdefault(node.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_code_used_is_catalogued():
    missing = {c: w for c, w in used_codes().items() if c not in catalogue.CATALOGUE}
    assert not missing, f"add these codes to mlpc/catalogue.py (one line each): {missing}"


def test_every_catalogued_code_is_used():
    unused = sorted(set(catalogue.CATALOGUE) - set(used_codes()))
    assert not unused, f"catalogued but never reported (remove them or report them): {unused}"


def test_each_letter_names_one_area_and_lint_rule_ids_do_not_collide():
    for entry in catalogue.CODES:
        assert entry.area in catalogue.AREAS, f"{entry.code}: area {entry.area!r} is not in AREAS"
        assert entry.meaning and "\n" not in entry.meaning
    assert len(catalogue.CATALOGUE) == len(catalogue.CODES), "a code is catalogued twice"
    assert not set(catalogue.CATALOGUE) & _lint_rule_ids()
    # a lint rule id's letter is lint's own: no diagnostic area uses it
    assert not {r.rstrip("0123456789") for r in _lint_rule_ids()} & set(catalogue.AREAS)


def test_severities_in_the_code_agree_with_the_catalogue():
    """A Diagnostic(...) made with severity=... (default error) has its code's catalogued severity."""
    wrong = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Diagnostic"):
                continue
            if not (node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                continue
            code = node.args[0].value
            kw = {k.arg: k.value for k in node.keywords}
            sev = kw.get("severity")
            said = "error"
            if isinstance(sev, ast.Constant):
                said = sev.value
            elif isinstance(sev, ast.Attribute):
                said = Severity[sev.attr].value
            entry = catalogue.CATALOGUE.get(code)
            if entry and entry.severity.value != said:
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} {code} is {said}, catalogued {entry.severity.value}")
    assert not wrong, wrong


def test_severity_is_a_type_that_still_reads_as_its_string():
    d = Diagnostic("N015", "big", severity=Severity.WARNING)
    assert d.severity == "warning" and d.to_json()["severity"] == "warning"
    assert "warning: big [N015]" in d.render()
    assert Diagnostic("R002", "x").severity is Severity.ERROR
    assert catalogue.severity_of("N015") is Severity.WARNING and catalogue.severity_of("R002") is Severity.ERROR


def test_docs_diagnostics_md_is_generated_from_the_catalogue():
    doc = (ROOT / "docs" / "diagnostics.md").read_text("utf-8")
    assert doc == catalogue.markdown() + "\n", "run `python tools/gen_diagnostics_doc.py`"
    for entry in catalogue.CODES:
        assert f'<a id="{entry.anchor}"></a>`{entry.code}`' in doc
