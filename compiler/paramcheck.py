"""Parameters checked against what they feed, and against the service's parameter limits.

A parameter's default, each of its enum values, each value a schedule starts it with and each
`--param` value is put, in turn, into every field the parameter feeds (also inside a `Std:Join`,
when the join's other parts are literals), and that field is checked as if the value were written
there, by `_field_issues`: botocore's request shape for the step (type, min/max, length, pattern,
enum) and the service rules botocore does not know (service_rules: e.g. a training instance count of 0). So `InstanceType: ${params.T}` with `default: ml.m5.xxl` is reported at the default,
naming the field it does not fit.

Works on step documents in definition form (a compile's finished steps, or a deployed
definition's), so compile (defaults, enums) and `mlpc start` / `mlpc run --local` (`--param`
values) check the same way. Pure: findings are values.

Limits (cited where they come from):
  - at most 200 parameters: StartPipelineExecution's PipelineParameters is botocore's
    `ParameterList` (max 200), as are EventBridge's and EventBridge Scheduler's
    SageMakerPipelineParameters.PipelineParameterList ("Maximum number of 200 items"); a
    pipeline with more could not be given all its values at start;
  - a value passed at start is botocore's `String1024` (Parameter.Value, max 1024 characters);
  - a String default is at most 4096 characters (AWS's pipeline definition JSON Schema,
    StringParameter.DefaultValue maxLength 4096).
"""

from __future__ import annotations

from typing import NamedTuple

from . import stepkinds
from .definition import is_expression

MAX_PARAMETERS = 200  # botocore ParameterList max (StartPipelineExecution.PipelineParameters)
MAX_VALUE_LENGTH = 1024  # botocore String1024 (Parameter.Value)
MAX_DEFAULT_LENGTH = 4096  # pipeline definition schema: StringParameter.DefaultValue maxLength


class Finding(NamedTuple):
    """`value` of parameter `param` does not fit field `path` (Arguments path) of step `step`."""

    param: str
    value: object
    step: str
    path: tuple
    message: str
    hint: str | None = None


def fed_parameters(arguments) -> set:
    """Names of the parameters a JSON tree reads ({"Get": "Parameters.X"}, inside joins too)."""
    from .definition import referenced_parameters

    return set(referenced_parameters(arguments))


def _substitute(node, name: str, value, hits: list, path: tuple = ()):
    """A copy of `node` with parameter `name` replaced by `value`; a Std:Join whose parts all become
    literals is joined (as SageMaker joins them). The paths of replaced values go to `hits`."""
    if isinstance(node, dict):
        if is_expression(node):
            key = next(iter(node))
            if key == "Get" and node["Get"] == f"Parameters.{name}":
                hits.append(path)
                return value
            if key == "Std:Join":
                join = node["Std:Join"]
                inner: list = []
                parts = [_substitute(v, name, value, inner, path) for v in join.get("Values", [])]
                if not inner:
                    return node
                if any(isinstance(p, (dict, list)) for p in parts):
                    return node  # still a run-time value: nothing to check
                hits.append(path)
                return str(join.get("On", "")).join(_text(p) for p in parts)
            return node
        return {k: _substitute(v, name, value, hits, path + (k,)) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, name, value, hits, path + (i,)) for i, v in enumerate(node)]
    return node


def _text(value) -> str:
    """A value as Std:Join renders it (booleans lower case, as in the definition's JSON)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _field_issues(operation: str, arguments: dict, skip: frozenset) -> list:
    """botocore's request shape, then what SageMaker rejects although botocore allows it."""
    from . import service_rules, shapes

    _, issues = shapes.check_request(operation, arguments, expr_type=lambda v: None, skip_required=skip)
    flagged = {tuple(i.path) for i in issues}  # botocore's word wins where both object to a value
    return issues + [i for i in service_rules.check(operation, arguments) if tuple(i.path) not in flagged]


def check_values(steps: dict, candidates: dict) -> list[Finding]:
    """`steps`: name -> step document (definition form); `candidates`: parameter -> values to try.

    Every value is checked in every field its parameter feeds; a finding per (value, step, field)."""
    out: list[Finding] = []
    for sname, doc in steps.items():
        kind = stepkinds.definition_kind(doc.get("Type", ""))
        args = doc.get("Arguments")
        if kind is None or not kind.request or not isinstance(args, dict):
            continue
        fed = fed_parameters(args) & set(candidates)
        for pname in sorted(fed):
            for value in candidates[pname]:
                hits: list = []
                trial = _substitute(args, pname, value, hits)
                if not hits:
                    continue
                for issue in _field_issues(kind.request, trial, kind.skip_required):
                    at = tuple(issue.path)
                    if any(at[:len(h)] == h for h in hits):
                        out.append(Finding(pname, value, sname, at, issue.message, issue.hint))
    return out


def describe_field(step: str, path: tuple) -> str:
    return f"{step}.Arguments." + ".".join(str(p) for p in path)


# ---------------------------------------------------------------- compile-time diagnostics
def _candidates(pipeline) -> list:
    """(parameter, value, YAML path, what) for every value a parameter is given in the file: its
    default, its enum values, and the values schedules start it with."""
    from .model import coerce_param_value

    out = []
    for name, param in pipeline.parameters.items():
        if param.default is not None:
            out.append((name, param.default, param.path + ("default",), "default"))
        for i, value in enumerate(param.enum or ()):
            if value != param.default:
                out.append((name, value, param.path + ("enum", i), "enum value"))
    for sname, schedule in pipeline.schedules.items():
        for pname, value in schedule.parameters:
            param = pipeline.parameters.get(pname)
            if param is None:
                continue  # M011
            if isinstance(value, str):
                value, err = coerce_param_value(value, param)
                if err:
                    continue  # M012
            out.append((pname, value, schedule.path + ("parameters", pname), f"schedule '{sname}' value"))
    return out


def parameter_diagnostics(pipeline, docs: dict, origins: dict, reported: list = ()) -> list:
    """Defaults, enum values and schedule values that do not fit a field their parameter feeds (M040),
    and the service's limits on parameters (N016-N018). `docs`: step name -> finished step document;
    `origins`: step name -> {document path: YAML path} (render.render_steps); `reported`: diagnostics
    already made: a field that has one (e.g. a Float parameter in an integer field) is not reported
    again here."""
    from .diagnostics import Diagnostic

    out = []
    seen = set()
    for pname, value, at, what in _candidates(pipeline):
        for f in check_values(docs, {pname: [value]}):
            yaml_path = _yaml_path(origins.get(f.step) or {}, ("Arguments",) + f.path)
            if yaml_path is not None and any(d.path[:len(yaml_path)] == yaml_path for d in reported):
                continue  # that field already has its diagnostic (the parameter's type, a bad reference)
            field = ".".join(map(str, yaml_path)) if yaml_path else describe_field(f.step, f.path)
            key = (at, field, f.message)
            if key in seen:
                continue
            seen.add(key)
            out.append(Diagnostic("M040", f"{what} {_short(f.value)} of parameter '{pname}' does not fit "
                                          f"{field}: {f.message}", path=at,
                                  hint=f.hint or f"'{pname}' feeds {field}; give it a value that field takes"))
    out += limit_diagnostics(pipeline)
    return out


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 4] + "...'"


def _yaml_path(origins: dict, path: tuple) -> tuple | None:
    """The YAML path a part of a step document came from (nearest recorded ancestor)."""
    for n in range(len(path), 0, -1):
        if path[:n] in origins:
            return tuple(origins[path[:n]])
    return None


def limit_diagnostics(pipeline) -> list:
    from .diagnostics import Diagnostic

    params = pipeline.parameters
    out = []
    if len(params) > MAX_PARAMETERS:
        name = list(params)[MAX_PARAMETERS]
        out.append(Diagnostic("N016", f"{len(params)} parameters: more than the {MAX_PARAMETERS} a pipeline execution "
                                      "can be given", path=params[name].path, at_key=True,
                              hint=f"StartPipelineExecution takes at most {MAX_PARAMETERS} parameter values "
                                   "(and so do EventBridge schedules); merge parameters or make some compile-time vars"))
    for name, p in params.items():
        if isinstance(p.default, str) and len(p.default) > MAX_DEFAULT_LENGTH:
            out.append(Diagnostic("N017", f"the default of parameter '{name}' has {len(p.default)} characters; "
                                          f"SageMaker takes at most {MAX_DEFAULT_LENGTH}", path=p.path + ("default",),
                                  hint="keep long values in a file (e.g. on S3) and pass its URI"))
        for i, value in enumerate(p.enum or ()):
            if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
                out.append(Diagnostic("N018", f"enum value {i + 1} of parameter '{name}' has {len(value)} characters; "
                                              f"a value passed at start has at most {MAX_VALUE_LENGTH}",
                                      path=p.path + ("enum", i),
                                      hint="StartPipelineExecution's Parameter.Value is at most 1024 characters"))
    for sname, schedule in pipeline.schedules.items():
        for pname, value in schedule.parameters:
            if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
                out.append(Diagnostic("N018", f"schedule '{sname}' gives parameter '{pname}' {len(value)} characters; "
                                              f"a value passed at start has at most {MAX_VALUE_LENGTH}",
                                      path=schedule.path + ("parameters", pname),
                                      hint="EventBridge Scheduler's SageMakerPipelineParameter.Value is at most 1024 characters"))
    return out


# ---------------------------------------------------------------- unused parameters
def unused_parameters(pipeline, definition: dict) -> list:
    """A declared parameter nothing in the definition reads (a warning): usually a leftover or a
    typo'd reference elsewhere. `allow_unused: true` on the parameter says it is on purpose (e.g. a
    value callers pass that only the execution's record keeps)."""
    from .diagnostics import Diagnostic, Severity

    used = fed_parameters([s for s in definition.get("Steps") or []])
    out = []
    for name, p in pipeline.parameters.items():
        if name in used or p.allow_unused:
            continue
        out.append(Diagnostic("M041", f"parameter '{name}' is declared but no step uses it", path=p.path, at_key=True,
                              severity=Severity.WARNING,
                              hint="use it as ${params." + name + "}, remove it, or mark it `allow_unused: true` "
                                   "if callers pass it on purpose"))
    return out


# ---------------------------------------------------------------- --param values
def override_problems(definition: dict | None, values: dict) -> list:
    """`--param` values (typed) that do not fit a field their parameter feeds, or are longer than
    StartPipelineExecution takes: [(name, message, hint)]."""
    from .definition import flatten_steps

    out = []
    for name, value in values.items():
        if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
            out.append((name, f"the value has {len(value)} characters; a parameter value passed at start has at most "
                              f"{MAX_VALUE_LENGTH}", "StartPipelineExecution's Parameter.Value is at most 1024 characters"))
    if not definition:
        return out
    steps = flatten_steps(definition)
    seen = {name for name, _, _ in out}  # one problem per parameter
    for f in check_values(steps, {n: [v] for n, v in values.items()}):
        if f.param in seen:
            continue
        seen.add(f.param)
        out.append((f.param, f"{_short(f.value)} does not fit {describe_field(f.step, f.path)}: {f.message}",
                    f.hint or f"'{f.param}' feeds that field; give a value it takes"))
    return out
