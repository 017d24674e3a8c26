"""Semantic diff of two SageMaker pipeline definitions (pure: dicts in, a DiffResult value out).

Not a text diff of two JSON blobs: parameters, steps (flattened out of
condition branches), per-step field changes by dotted path, conditions,
DAG edges, schedules, and which steps will run again because their cache key
changed (plus everything downstream of them).
"""

from __future__ import annotations

from ..cachekey import cache_key_fields, caching_enabled
from ..definition import (EXPRESSION_KEYS, edges, flatten_steps, is_expression, referenced_parameters,  # noqa: F401
                          referenced_steps)
from .diff_types import (ConditionChange, DiffResult, Edge, FieldChange, NotificationChange, ParamChange, ScheduleChange,
                         StepChange)

# Keys that name the items of a list, so list items are matched by name, not position.
LIST_ITEM_KEYS = ("Name", "ChannelName", "InputName", "OutputName", "PropertyFileName", "ParameterName")

# Condition steps: these Arguments are reported as conditions and edges, not as fields.
CONDITION_PARTS = ("Conditions", "IfSteps", "ElseSteps")

OPERATORS = {"Equals": "==", "GreaterThan": ">", "GreaterThanOrEqualTo": ">=", "LessThan": "<",
             "LessThanOrEqualTo": "<="}


# ---------------------------------------------------------------- expressions

def format_value(value) -> str:
    """A short, readable form of a definition value (expressions as their reference)."""
    import json

    if is_expression(value):
        key, body = next(iter(value.items()))
        if key == "Get":
            return str(body)
        if key == "Std:Join":
            return f"join({body.get('On', '')!r}, [{', '.join(format_value(v) for v in body.get('Values', []))}])"
        if key == "Std:JsonGet":
            return f"jsonget({format_value(body.get('PropertyFile'))}, {body.get('Path')!r})"
        return json.dumps(value, sort_keys=True)
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def format_condition(cond: dict) -> str:
    ctype = cond.get("Type", "?")
    if ctype in OPERATORS:
        return f"{format_value(cond.get('LeftValue'))} {OPERATORS[ctype]} {format_value(cond.get('RightValue'))}"
    if ctype == "Not":
        return f"not ({format_condition(cond.get('Condition', {}))})"
    if ctype == "Or":
        return " or ".join(f"({format_condition(c)})" for c in cond.get("Conditions", []))
    if ctype == "In":
        return f"{format_value(cond.get('QueryValue'))} in {format_value(cond.get('Values'))}"
    return format_value(cond)


def step_references(value) -> set:
    """Names of steps a value reads from ({"Get": "Steps.NAME..."}), anywhere inside it."""
    return referenced_steps(value)


def param_references(value) -> set:
    return set(referenced_parameters(value))


# ---------------------------------------------------------------- structure

def get_edges(steps: dict) -> set:
    """The DAG: data references, DependsOn, and condition branches (mlpc.definition.edges)."""
    return {Edge(e.source, e.target, e.kind) for e in edges(steps)}


def get_downstream(edges: set, roots: set) -> set:
    children = {}
    for e in edges:
        children.setdefault(e.source, set()).add(e.target)
    seen, todo = set(), list(roots)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen - set(roots)


is_cached = caching_enabled


def cache_key(step: dict) -> dict:
    return cache_key_fields(step)


# ---------------------------------------------------------------- field diff

def diff_values(old, new, path: str = "") -> list:
    """Changes between two JSON values, by dotted path. Expressions are atoms."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict) and not is_expression(old) and not is_expression(new):
        out = []
        for key in list(old) + [k for k in new if k not in old]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in new:
                out.append(FieldChange(sub, "removed", old=old[key]))
            elif key not in old:
                out.append(FieldChange(sub, "added", new=new[key]))
            else:
                out += diff_values(old[key], new[key], sub)
        return out
    if isinstance(old, list) and isinstance(new, list):
        id_key = _list_id_key(old, new)
        if id_key:
            return _diff_keyed_lists(old, new, path, id_key)
        if len(old) == len(new):
            out = []
            for i, (a, b) in enumerate(zip(old, new)):
                out += diff_values(a, b, f"{path}[{i}]")
            return out
    return [FieldChange(path, "changed", old=old, new=new)]


def _list_id_key(old: list, new: list) -> str | None:
    items = old + new
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in LIST_ITEM_KEYS:
        names = [i.get(key) for i in items]
        if all(isinstance(n, str) for n in names) and len({i.get(key) for i in old}) == len(old) \
                and len({i.get(key) for i in new}) == len(new):
            return key
    return None


def _diff_keyed_lists(old: list, new: list, path: str, key: str) -> list:
    before = {i[key]: i for i in old}
    after = {i[key]: i for i in new}
    out = []
    for name in list(before) + [n for n in after if n not in before]:
        sub = f"{path}[{name}]"
        if name not in after:
            out.append(FieldChange(sub, "removed", old=before[name]))
        elif name not in before:
            out.append(FieldChange(sub, "added", new=after[name]))
        else:
            out += diff_values(before[name], after[name], sub)
    return out


def _step_fields(step: dict) -> dict:
    """A step's comparable fields: Arguments flattened to the top (as users read them), the rest by name."""
    fields = {k: v for k, v in step.items() if k not in ("Name", "Arguments", "DependsOn")}
    args = dict(step.get("Arguments") or {})
    if step.get("Type") == "Condition":
        args = {k: v for k, v in args.items() if k not in CONDITION_PARTS}
    for k, v in args.items():
        fields[k if k not in fields else f"Arguments.{k}"] = v
    return fields


# ---------------------------------------------------------------- the diff

def diff_definitions(old: dict | None, new: dict | None, before: str = "before", after: str = "after",
                     pipeline: str = "", old_schedules: dict | None = None,
                     new_schedules: dict | None = None, old_notifications: dict | None = None,
                     new_notifications: dict | None = None) -> DiffResult:
    """Compare two definition dicts (None = nothing deployed). Schedules are compared when both are given
    (name -> {expression, timezone, parameters, enabled, description})."""
    old, new = old or {}, new or {}
    params = diff_parameters(old.get("Parameters") or [], new.get("Parameters") or [])
    old_steps, new_steps = flatten_steps(old), flatten_steps(new)
    added = tuple((n, s.get("Type")) for n, s in new_steps.items() if n not in old_steps)
    removed = tuple((n, s.get("Type")) for n, s in old_steps.items() if n not in new_steps)
    changed, conditions = [], []
    for name, step in new_steps.items():
        if name not in old_steps:
            continue
        prev = old_steps[name]
        fields = tuple(diff_values(_step_fields(prev), _step_fields(step)))
        if fields:
            changed.append(StepChange(name, step.get("Type"), fields, is_cached(step),
                                      is_cached(step) and (cache_key(prev) != cache_key(step) or not is_cached(prev))))
        if step.get("Type") == "Condition" or prev.get("Type") == "Condition":
            a = tuple(format_condition(c) for c in (prev.get("Arguments") or {}).get("Conditions") or [])
            b = tuple(format_condition(c) for c in (step.get("Arguments") or {}).get("Conditions") or [])
            if a != b:
                conditions.append(ConditionChange(name, a, b))
    old_edges, new_edges = get_edges(old_steps), get_edges(new_steps)
    reruns = get_reruns(new_steps, new_edges, changed, added, params)
    top_old = {k: v for k, v in old.items() if k not in ("Parameters", "Steps")}
    top_new = {k: v for k, v in new.items() if k not in ("Parameters", "Steps")}
    notes = ()
    scheds = ()
    if old_schedules is not None and new_schedules is not None:
        scheds = tuple(diff_schedules(old_schedules, new_schedules))
    else:
        notes = ("schedules not compared (one side has no schedules to compare)",)
    notifs = ()
    if old_notifications is not None and new_notifications is not None:
        notifs = tuple(diff_notifications(old_notifications, new_notifications))
    else:
        notes += ("notifications not compared (one side has none to compare)",)
    return DiffResult(
        before=before, after=after, pipeline=pipeline, parameters=tuple(params), steps_added=added,
        steps_removed=removed, steps_changed=tuple(changed), conditions=tuple(conditions),
        edges_added=tuple(sorted(new_edges - old_edges, key=_edge_key)),
        edges_removed=tuple(sorted(old_edges - new_edges, key=_edge_key)),
        reruns=reruns, schedules=scheds, pipeline_fields=tuple(diff_values(top_old, top_new) if old else ()),
        notifications=notifs, notes=notes,
    )


def _edge_key(e: Edge):
    return (e.source, e.target, e.kind)


def diff_parameters(old: list, new: list) -> list:
    before = {p.get("Name"): p for p in old}
    after = {p.get("Name"): p for p in new}
    out = []
    for name in list(before) + [n for n in after if n not in before]:
        if name not in after:
            out.append(ParamChange(name, "removed", old=before[name]))
        elif name not in before:
            out.append(ParamChange(name, "added", new=after[name]))
        elif before[name] != after[name]:
            out.append(ParamChange(name, "changed", old=before[name], new=after[name]))
    return out


def get_reruns(steps: dict, edges: set, changed: list, added: tuple, params: list) -> tuple:
    """Cached steps whose next run cannot reuse their cached result: a changed cache key, a changed
    parameter default feeding the cache key, or being downstream of such a step or of a new step.
    (Steps without caching run on every execution anyway; new steps have nothing cached.)"""
    reasons = {}
    for sc in changed:
        if sc.cache_key_changed:
            reasons[sc.name] = "cache key changed"
    defaults = {p.name for p in params if p.kind == "changed"
                and (p.old or {}).get("DefaultValue") != (p.new or {}).get("DefaultValue")}
    for name, step in steps.items():
        used = param_references(cache_key(step)) & defaults if is_cached(step) else set()
        if used:
            reasons.setdefault(name, "default of parameter " + ", ".join(sorted(used)) + " changed")
    new_steps = {name for name, _type in added}
    for root in sorted(reasons) + sorted(new_steps):
        for down in sorted(get_downstream(edges, {root})):
            if is_cached(steps[down]) and down not in new_steps:
                reasons.setdefault(down, f"downstream of {'new step ' if root in new_steps else ''}{root}")
    order = list(steps)
    return tuple(sorted(reasons.items(), key=lambda kv: order.index(kv[0])))


SCHEDULE_FIELDS = ("expression", "timezone", "parameters", "enabled", "description")


def diff_schedules(old: dict, new: dict) -> list:
    out = []
    for name in sorted(set(old) | set(new)):
        if name not in new:
            out.append(ScheduleChange(name, "removed", old=old[name]))
        elif name not in old:
            out.append(ScheduleChange(name, "added", new=new[name]))
        else:
            a = {k: old[name].get(k) for k in SCHEDULE_FIELDS}
            b = {k: new[name].get(k) for k in SCHEDULE_FIELDS}
            fields = tuple(diff_values(a, b))
            if fields:
                out.append(ScheduleChange(name, "changed", fields, new=new[name], old=old[name]))
    return out


NOTIFICATION_FIELDS = ("events", "topics", "groups", "enabled", "description")


def diff_notifications(old: dict, new: dict) -> list:
    """EventBridge rules (name -> spec from mlpc.notify.rule_specs, or as read back from AWS)."""
    out = []
    for name in sorted(set(old) | set(new)):
        a = {k: (old.get(name) or {}).get(k) for k in NOTIFICATION_FIELDS}
        b = {k: (new.get(name) or {}).get(k) for k in NOTIFICATION_FIELDS}
        if name not in new:
            out.append(NotificationChange(name, "removed", old=a))
        elif name not in old:
            out.append(NotificationChange(name, "added", new=b))
        else:
            fields = tuple(diff_values(a, b))
            if fields:
                out.append(NotificationChange(name, "changed", fields, new=b, old=a))
    return out
