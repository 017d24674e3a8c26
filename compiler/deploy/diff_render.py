"""Renderers for a DiffResult: text, markdown (a PR comment), json; picked from RENDERERS."""

from __future__ import annotations

import json

from .diff import DiffResult, FieldChange, format_value

def _param_summary(p: dict | None) -> str:
    if not p:
        return ""
    text = str(p.get("Type", "?"))
    if "DefaultValue" in p:
        text += f" = {format_value(p['DefaultValue'])}"
    if p.get("EnumValues"):
        text += f" (one of {', '.join(map(str, p['EnumValues']))})"
    return text


def _param_line(pc) -> str:
    if pc.kind == "added":
        return f"+ {pc.name}: {_param_summary(pc.new)}"
    if pc.kind == "removed":
        return f"- {pc.name}: {_param_summary(pc.old)}"
    parts = [f"{c.path} {_fmt(c.old)} -> {_fmt(c.new)}" for c in _param_fields(pc)]
    return f"~ {pc.name}: " + "; ".join(parts)


def _param_fields(pc) -> list:
    from .diff import diff_values

    fields = diff_values({k: v for k, v in (pc.old or {}).items() if k != "Name"},
                         {k: v for k, v in (pc.new or {}).items() if k != "Name"})
    return [FieldChange({"DefaultValue": "default", "EnumValues": "enum"}.get(f.path, f.path), f.kind, f.old, f.new)
            for f in fields]


def _fmt(value, limit: int = 120) -> str:
    if value is None:
        return "(none)"
    text = format_value(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def field_line(step: str, fc: FieldChange) -> str:
    """e.g. `ModelTraining: ResourceConfig.InstanceType ml.m5.xlarge -> ml.m5.2xlarge`."""
    if fc.kind == "added":
        return f"{step}: {fc.path} added: {_fmt(fc.new)}"
    if fc.kind == "removed":
        return f"{step}: {fc.path} removed (was {_fmt(fc.old)})"
    return f"{step}: {fc.path} {_fmt(fc.old)} -> {_fmt(fc.new)}"


def _cache_note(sc) -> str:
    if not sc.cacheable:
        return "not cached: runs on every execution"
    return "cache key changed: runs again" if sc.cache_key_changed else "cache key unchanged: cached result reused"


def _schedule_summary(s: dict | None) -> str:
    if not s:
        return ""
    text = str(s.get("expression"))
    if s.get("timezone"):
        text += f" {s['timezone']}"
    if s.get("parameters"):
        text += " " + ", ".join(f"{k}={v}" for k, v in sorted(s["parameters"].items()))
    if s.get("enabled") is False:
        text += " (disabled)"
    return text


def _schedule_lines(sc) -> list:
    if sc.kind == "added":
        return [f"+ {sc.name}: {_schedule_summary(sc.new)}"]
    if sc.kind == "removed":
        return [f"- {sc.name}: {_schedule_summary(sc.old)}"]
    return [f"~ {field_line(sc.name, f)}" for f in sc.fields]


def _notification_lines(nc) -> list:
    spec = nc.new if nc.kind == "added" else nc.old
    if nc.kind in ("added", "removed"):
        sign = "+" if nc.kind == "added" else "-"
        state = "" if spec.get("enabled") is not False else " (disabled)"
        return [f"{sign} {nc.name}: {', '.join(spec.get('events') or [])} -> {', '.join(spec.get('topics') or [])}{state}"]
    return [f"~ {field_line(nc.name, f)}" for f in nc.fields]


SUMMARY_NOUNS = (
    ("parameters", "parameter change", "parameter changes"),
    ("steps_added", "step added", "steps added"),
    ("steps_removed", "step removed", "steps removed"),
    ("steps_changed", "step changed", "steps changed"),
    ("conditions", "condition changed", "conditions changed"),
    ("edges", "edge change", "edge changes"),
    ("schedules", "schedule change", "schedule changes"),
    ("notifications", "notification change", "notification changes"),
    ("reruns", "cached step runs again", "cached steps run again"),
)


def _summary(d: DiffResult) -> str:
    if not d.has_changes:
        return "No changes."
    counts = {"edges": len(d.edges_added) + len(d.edges_removed)}
    parts = []
    for attr, one, many in SUMMARY_NOUNS:
        n = counts[attr] if attr in counts else len(getattr(d, attr))
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    return (", ".join(parts) or "pipeline settings changed") + "."


def sections(d: DiffResult) -> list:
    """(title, [lines]) for every non-empty section: shared by the text and markdown renderers."""
    out = []
    if d.pipeline_fields:
        out.append(("Pipeline", [f"~ {field_line('pipeline', f)}" for f in d.pipeline_fields]))
    if d.parameters:
        out.append(("Parameters", [_param_line(p) for p in d.parameters]))
    steps = [f"+ {n} ({t})" for n, t in d.steps_added] + [f"- {n} ({t})" for n, t in d.steps_removed]
    for sc in d.steps_changed:
        steps.append(f"~ {sc.name} ({sc.type}): {_cache_note(sc)}")
        steps += [f"    {field_line(sc.name, f)}" for f in sc.fields]
    if steps:
        out.append(("Steps", steps))
    if d.conditions:
        lines = []
        for c in d.conditions:
            lines.append(f"~ {c.step}: {' and '.join(c.old) or '(none)'} -> {' and '.join(c.new) or '(none)'}")
        out.append(("Conditions", lines))
    edges = [f"+ {e}" for e in d.edges_added] + [f"- {e}" for e in d.edges_removed]
    if edges:
        out.append(("DAG edges", edges))
    if d.reruns:
        out.append(("Runs again on the next execution", [f"{s} ({r})" for s, r in d.reruns]))
    if d.schedules:
        out.append(("Schedules", [line for s in d.schedules for line in _schedule_lines(s)]))
    if d.notifications:
        out.append(("Notifications", [line for n in d.notifications for line in _notification_lines(n)]))
    return out


def render_text(d: DiffResult) -> str:
    lines = [f"mlpc diff{' ' + d.pipeline if d.pipeline else ''}: {d.before} -> {d.after}"]
    for title, body in sections(d):
        lines.append(title)
        lines += [f"  {b}" for b in body]
    lines += [f"note: {n}" for n in d.notes if d.has_changes]
    lines.append(_summary(d))
    return "\n".join(lines) + "\n"


def render_markdown(d: DiffResult) -> str:
    lines = [f"### mlpc diff: `{d.pipeline}`" if d.pipeline else "### mlpc diff", "",
             f"`{d.before}` → `{d.after}`: **{_summary(d)}**", ""]
    if d.reruns:
        lines += ["| step | runs again because |", "| --- | --- |"]
        lines += [f"| `{s}` | {r} |" for s, r in d.reruns]
        lines.append("")
    for title, body in sections(d):
        if title.startswith("Runs again"):
            continue
        lines += [f"<details open><summary><b>{title}</b></summary>", "", "```diff"]
        lines += [b.replace("~ ", "! ", 1) if b.startswith("~ ") else b for b in body]
        lines += ["```", "</details>", ""]
    lines += [f"_note: {n}_" for n in d.notes if d.has_changes]
    return "\n".join(lines).rstrip() + "\n"


def render_json(d: DiffResult) -> str:
    return json.dumps(d.to_json(), indent=2, sort_keys=True, default=str) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
