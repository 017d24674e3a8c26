"""Run the rules under a policy, apply the YAML's waivers, locate every finding at FILE:LINE:COL.

Waivers live in the pipeline YAML:

    lint:
      waivers:
        - rule: L201
          steps: [RegisterModel]     # optional: every step when absent
          reason: "approved by the model risk committee, ticket MRC-42"

A waived finding is still reported (with its reason) and does not fail the lint;
a waiver naming an unknown rule or step is an error, one that matches nothing a warning.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic, did_you_mean, sort_diagnostics
from .context import MISSING, LintContext, dig
from .findings import LEVELS, Finding
from .registry import BY_ID, RULES


def _milder(a: str, b: str) -> str:
    return max(a, b, key=LEVELS.index)


def lint(result, policy) -> tuple[list, list]:
    """A compiled result (result.ok) -> (findings, diagnostics about the lint: section)."""
    ctx = LintContext(result, policy)
    waivers, diags = _waivers(result)
    used = set()
    findings = []
    for rule in RULES:
        level = policy.levels.get(rule.id, rule.severity)
        if level == "off":
            continue
        for hit in rule.check(ctx):
            severity = _milder(level, hit.severity) if hit.severity else level
            waived = None
            for i, w in enumerate(waivers):
                if w["rule"] == rule.id and (not w.get("steps") or hit.step in w["steps"]):
                    waived, _ = w["reason"], used.add(i)
                    break
            findings.append(Finding(rule.id, severity, hit.message, _locate(result, ctx, hit), hit.step, waived))
    for i, w in enumerate(waivers):
        if i not in used and not w.get("_bad"):
            level = policy.levels.get(w["rule"], "error")
            why = "the rule is off in this policy" if level == "off" else "no finding matches it"
            diags.append(result.source.locate(Diagnostic("W003", f"waiver for {w['rule']} is unused: {why}",
                                                         path=("lint", "waivers", i), severity="warning",
                                                         hint="remove it, so waivers list only accepted risks")))
    findings.sort(key=lambda f: (f.span.file, f.span.line, f.span.col, f.rule))
    return findings, sort_diagnostics(diags)


def _waivers(result) -> tuple[list, list]:
    doc = result.document or {}
    raw = ((doc.get("lint") or {}).get("waivers")) or []
    out, diags = [], []
    steps = result.pipeline.steps
    for i, w in enumerate(raw):
        w = dict(w)
        path = ("lint", "waivers", i)
        if w["rule"] not in BY_ID:
            diags.append(Diagnostic("W001", f"waiver names unknown rule '{w['rule']}'", path=path + ("rule",),
                                    hint=did_you_mean(w["rule"], BY_ID)))
            w["_bad"] = True
        for j, s in enumerate(w.get("steps") or []):
            if s not in steps:
                diags.append(Diagnostic("W002", f"waiver names unknown step '{s}'", path=path + ("steps", j),
                                        hint=did_you_mean(s, steps)))
                w["_bad"] = True
        out.append(w)
    return out, [result.source.locate(d) for d in diags]


def _locate(result, ctx, hit):
    smap = result.source
    if hit.path:
        return smap.span(hit.path)
    if hit.arg is not None and hit.step and dig(ctx.steps.get(hit.step, {}), ("Arguments",) + tuple(hit.arg)) is not MISSING:
        span = result.span_of(hit.step, ("Arguments",) + tuple(hit.arg))  # where the compile took the value from
        if span is not None:
            return span
    # A missing member (or one without a recorded origin) is located at its step.
    return smap.span(ctx.step_path(hit.step) if hit.step else ("pipeline",), key=True)
