"""The pipeline model: immutable values built from a schema-valid document.

NamedTuples rather than frozen dataclasses: same immutability, a tenth of the
class-creation cost at start-up (compile is a short-lived process).
"""

from __future__ import annotations

import re
from pathlib import Path as FsPath
from typing import NamedTuple

from .diagnostics import Diagnostic

PARAM_TYPES = ("String", "Integer", "Float", "Boolean")
PY_TYPES = {"String": (str,), "Integer": (int,), "Float": (int, float), "Boolean": (bool,)}


class Parameter(NamedTuple):
    name: str
    type: str
    default: object = None
    enum: tuple | None = None
    path: tuple = ()
    allow_unused: bool = False  # declared on purpose though no step reads it (silences M041)


class PropertyFile(NamedTuple):
    name: str
    step: str
    output: str
    file_path: str
    path: tuple = ()


class Schedule(NamedTuple):
    name: str
    expression: str
    timezone: str | None = None
    parameters: tuple = ()  # ((name, value), ...)
    enabled: bool = True
    description: str | None = None
    path: tuple = ()
    role: str | None = None  # the role EventBridge Scheduler assumes (default: the pipeline's)


class Notification(NamedTuple):
    name: str
    topics: tuple  # SNS topic ARNs
    events: tuple  # names from mlpc.notify.EVENTS
    model_package_groups: tuple = ()  # for model_* events; empty: the register steps' groups
    enabled: bool = True
    description: str | None = None
    path: tuple = ()


class Step(NamedTuple):
    name: str
    type: str
    fields: dict  # the step's mapping as written (after templating); read-only by convention
    path: tuple

    def get(self, key, default=None):
        return self.fields.get(key, default)


class Pipeline(NamedTuple):
    name: str
    role: str
    bucket: str
    region: str
    base_dir: FsPath
    description: str | None = None
    display_name: str | None = None
    tags: tuple = ()
    parameters: dict = {}  # name -> Parameter  (build_model always passes fresh dicts)
    steps: dict = {}  # name -> Step (document order)
    property_files: dict = {}  # name -> PropertyFile
    schedules: dict = {}
    local_data: tuple = ()  # ((s3 uri, local path), ...)
    notifications: dict = {}  # name -> Notification
    security: dict | None = None  # pipeline.security: defaults for every job step (see security.py)
    max_parallel_steps: int | None = None  # pipeline.max_parallel_steps: ParallelismConfiguration (Create/UpdatePipeline)


def build_model(doc: dict, base_dir: FsPath) -> tuple[Pipeline, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    meta = doc["pipeline"]
    params = {}
    for name, spec in (doc.get("parameters") or {}).items():
        path = ("parameters", name)
        ptype = spec["type"]
        default = spec.get("default")
        enum = tuple(spec["enum"]) if spec.get("enum") else None
        if default is not None and not _fits(default, ptype):
            diags.append(Diagnostic("M001", f"default {_short(default)} of parameter '{name}' is not {_article(ptype)} {ptype}",
                                    path=path + ("default",), hint=f"give {_article(ptype)} {ptype.lower()} value or change the type"))
            default = None  # reported; later phases see a parameter without a default
        if enum and ptype != "String":
            diags.append(Diagnostic("M002", f"enum is only allowed on String parameters ('{name}' is {ptype})",
                                    path=path + ("enum",)))
        elif enum and default is not None and default not in enum:
            diags.append(Diagnostic("M003", f"default {default!r} of parameter '{name}' is not in its enum",
                                    path=path + ("default",), hint="allowed: " + ", ".join(map(str, enum))))
        params[name] = Parameter(name, ptype, default, enum, path, bool(spec.get("allow_unused", False)))
    steps, files = {}, {}
    for name, spec in doc["steps"].items():
        steps[name] = Step(name, spec["type"], spec, ("steps", name))
        for fname, fspec in (spec.get("property_files") or {}).items():
            fpath = ("steps", name, "property_files", fname)
            if fname in files:
                diags.append(Diagnostic("M004", f"property file '{fname}' is already declared by step '{files[fname].step}'",
                                        path=fpath, hint="property file names are global in a pipeline; rename one"))
                continue
            outputs = spec.get("outputs") or {}
            if fspec["output"] not in outputs:
                from .diagnostics import did_you_mean
                diags.append(Diagnostic("M005", f"property file '{fname}' names output '{fspec['output']}', which step '{name}' does not declare",
                                        path=fpath + ("output",), hint=did_you_mean(fspec["output"], outputs)))
            files[fname] = PropertyFile(fname, name, fspec["output"], fspec["path"], fpath)
    schedules = {}
    for sname, spec in (doc.get("schedules") or {}).items():
        diags += _check_schedule(sname, spec, params)
        schedules[sname] = Schedule(sname, spec["expression"], spec.get("timezone"),
                                    tuple((spec.get("parameters") or {}).items()), spec.get("enabled", True),
                                    spec.get("description"), ("schedules", sname), spec.get("role"))
    notifications = {}
    for nname, spec in (doc.get("notifications") or {}).items():
        if not SCHEDULE_NAME.fullmatch(nname):
            diags.append(Diagnostic("M020", f"notification name '{nname}' is not a valid EventBridge rule name part",
                                    path=("notifications", nname), at_key=True, hint="1-64 letters, digits, '-', '_' or '.'"))
        notifications[nname] = Notification(nname, tuple(spec["topics"]), tuple(spec["events"]),
                                            tuple(spec.get("model_package_groups") or ()), spec.get("enabled", True),
                                            spec.get("description"), ("notifications", nname))
    local = tuple(((meta.get("local") or {}).get("data") or {}).items())
    pipe = Pipeline(
        name=meta["name"], role=meta["role"], bucket=meta["bucket"], region=meta.get("region", "us-east-1"),
        base_dir=base_dir, description=meta.get("description"), display_name=meta.get("display_name"),
        tags=tuple(sorted((meta.get("tags") or {}).items())), parameters=params, steps=steps,
        property_files=files, schedules=schedules, local_data=local, notifications=notifications,
        security=meta.get("security"), max_parallel_steps=meta.get("max_parallel_steps"),
    )
    return pipe, diags


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 4] + "...'"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


SCHEDULE_NAME = re.compile(r"[0-9a-zA-Z\-_.]{1,64}")  # EventBridge Scheduler's Name pattern


def _check_schedule(name: str, spec: dict, params: dict) -> list[Diagnostic]:
    """A schedule's name and its parameter values against the declared parameters."""
    from .diagnostics import did_you_mean

    path = ("schedules", name)
    out = []
    if not SCHEDULE_NAME.fullmatch(name):
        out.append(Diagnostic("M010", f"schedule name '{name}' is not a valid EventBridge Scheduler name", path=path,
                              hint="1-64 letters, digits, '-', '_' or '.'", at_key=True))
    out += _check_schedule_timing(name, spec, path)
    for pname, value in (spec.get("parameters") or {}).items():
        ppath = path + ("parameters", pname)
        param = params.get(pname)
        if param is None:
            out.append(Diagnostic("M011", f"schedule '{name}' sets parameter '{pname}', which the pipeline does not declare",
                                  path=ppath, at_key=True,
                                  hint=did_you_mean(pname, params) or "declared: " + (", ".join(params) or "(none)")))
            continue
        if isinstance(value, str):
            _, err = coerce_param_value(value, param)
        elif not _fits(value, param.type):
            err = f"{value!r} is not {_article(param.type)} {param.type}"
        elif param.enum and value not in param.enum:
            err = f"{value!r} is not one of {', '.join(param.enum)}"
        else:
            err = None
        if err:
            out.append(Diagnostic("M012", f"schedule '{name}' parameter '{pname}': {err}", path=ppath,
                                  hint=f"'{pname}' is declared as {_article(param.type)} {param.type}"))
    return out


def _check_schedule_timing(name: str, spec: dict, path: tuple) -> list[Diagnostic]:
    """The expression and time zone as EventBridge Scheduler will judge them (see schedule_expr)."""
    from .schedule_expr import check_expression, check_timezone

    out = []
    err, hint = check_expression(spec["expression"])
    if err:
        out.append(Diagnostic("M013", f"schedule '{name}': {err}", path=path + ("expression",), hint=hint))
    if spec.get("timezone") is not None:
        tz_err = check_timezone(spec["timezone"])
        if tz_err:
            from .diagnostics import did_you_mean
            from zoneinfo import available_timezones

            out.append(Diagnostic("M014", f"schedule '{name}': {tz_err}", path=path + ("timezone",),
                                  hint=did_you_mean(spec["timezone"], available_timezones()) or "e.g. UTC, Europe/Berlin"))
    return out


def _fits(value, ptype: str) -> bool:
    if ptype != "Boolean" and isinstance(value, bool):
        return False
    return isinstance(value, PY_TYPES[ptype])


_NUMBER = {"Integer": re.compile(r"[+-]?\d+"), "Float": re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")}


def coerce_param_value(text: str, param: Parameter) -> tuple[object, str | None]:
    """Parse a --param override (a string) as the parameter's type. Returns (value, error)."""
    t = param.type
    try:
        if t in ("Integer", "Float") and not _NUMBER[t].fullmatch(text.strip()):
            raise ValueError(text)  # what SageMaker parses: no '1_000', 'nan' or 'inf'
        if t == "Integer":
            value = int(text)
        elif t == "Float":
            value = float(text)
        elif t == "Boolean":
            low = text.strip().lower()
            if low not in ("true", "false"):
                return None, f"'{text}' is not a Boolean (use true or false)"
            value = low == "true"
        else:
            value = text
    except ValueError:
        return None, f"'{text}' is not {_article(t)} {t}"
    if param.enum and value not in param.enum:
        return None, f"'{text}' is not one of {', '.join(param.enum)}"
    return value, None
