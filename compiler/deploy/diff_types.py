"""The values a semantic diff produces (frozen, JSON-ready). Built by mlpc.deploy.diff."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldChange:
    path: str
    kind: str  # added | removed | changed
    old: object = None
    new: object = None

    def to_json(self) -> dict:
        return {"path": self.path, "kind": self.kind, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class ParamChange:
    name: str
    kind: str  # added | removed | changed
    old: dict | None = None
    new: dict | None = None

    def to_json(self) -> dict:
        return {"name": self.name, "kind": self.kind, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class StepChange:
    name: str
    type: str
    fields: tuple  # FieldChange, ...
    cacheable: bool
    cache_key_changed: bool

    def to_json(self) -> dict:
        return {"name": self.name, "type": self.type, "cacheable": self.cacheable,
                "cache_key_changed": self.cache_key_changed, "fields": [f.to_json() for f in self.fields]}


@dataclass(frozen=True)
class ConditionChange:
    step: str
    old: tuple  # rendered conditions, e.g. ("Steps.Evaluate... >= 0.9",)
    new: tuple

    def to_json(self) -> dict:
        return {"step": self.step, "old": list(self.old), "new": list(self.new)}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # data | depends_on | if | else

    def __str__(self) -> str:
        label = "" if self.kind == "data" else f" ({self.kind})"
        return f"{self.source} -> {self.target}{label}"

    def to_json(self) -> dict:
        return {"from": self.source, "to": self.target, "kind": self.kind}


@dataclass(frozen=True)
class ScheduleChange:
    name: str
    kind: str  # added | removed | changed
    fields: tuple = ()  # FieldChange, ...
    new: dict | None = None
    old: dict | None = None

    def to_json(self) -> dict:
        return {"name": self.name, "kind": self.kind, "fields": [f.to_json() for f in self.fields],
                "old": self.old, "new": self.new}


@dataclass(frozen=True)
class NotificationChange:
    name: str  # the EventBridge rule
    kind: str  # added | removed | changed
    fields: tuple = ()  # FieldChange, ...
    new: dict | None = None
    old: dict | None = None

    def to_json(self) -> dict:
        return {"rule": self.name, "kind": self.kind, "fields": [f.to_json() for f in self.fields],
                "old": self.old, "new": self.new}


@dataclass(frozen=True)
class DiffResult:
    before: str
    after: str
    pipeline: str = ""
    parameters: tuple = ()  # ParamChange
    steps_added: tuple = ()  # (name, type)
    steps_removed: tuple = ()  # (name, type)
    steps_changed: tuple = ()  # StepChange
    conditions: tuple = ()  # ConditionChange
    edges_added: tuple = ()  # Edge
    edges_removed: tuple = ()  # Edge
    reruns: tuple = ()  # (step, reason)
    schedules: tuple = ()  # ScheduleChange
    pipeline_fields: tuple = ()  # FieldChange outside parameters and steps
    notifications: tuple = ()  # NotificationChange
    notes: tuple = field(default=())  # strings, e.g. "schedules not compared"

    @property
    def has_changes(self) -> bool:
        return any((self.parameters, self.steps_added, self.steps_removed, self.steps_changed, self.conditions,
                    self.edges_added, self.edges_removed, self.schedules, self.pipeline_fields,
                    self.notifications))

    def to_json(self) -> dict:
        return {
            "before": self.before, "after": self.after, "pipeline": self.pipeline, "changed": self.has_changes,
            "parameters": [p.to_json() for p in self.parameters],
            "steps": {
                "added": [{"name": n, "type": t} for n, t in self.steps_added],
                "removed": [{"name": n, "type": t} for n, t in self.steps_removed],
                "changed": [s.to_json() for s in self.steps_changed],
            },
            "conditions": [c.to_json() for c in self.conditions],
            "edges": {"added": [e.to_json() for e in self.edges_added],
                      "removed": [e.to_json() for e in self.edges_removed]},
            "reruns": [{"step": s, "reason": r} for s, r in self.reruns],
            "schedules": [s.to_json() for s in self.schedules],
            "notifications": [n.to_json() for n in self.notifications],
            "pipeline_fields": [f.to_json() for f in self.pipeline_fields],
            "notes": list(self.notes),
        }
