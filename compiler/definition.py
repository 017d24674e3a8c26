"""Reading a pipeline definition (the JSON CreatePipeline takes): the one reader.

Used by the compile checks (shapes), `mlpc diff` (deploy/diff.py), deploy (deploy/executions.py,
ownership.py, cleanup.py), notifications (notify.py), the CI generators (ci/facts.py) and the local
runner (local/evaluate.py, local/graph.py, local/session.py), so they agree on:
  - what an expression is (is_expression, EXPRESSION_KEYS),
  - walking a JSON tree (walk),
  - condition branches flattened (flatten, flatten_steps, BRANCHES),
  - references to steps and parameters (referenced_steps, referenced_parameters),
  - the DAG's edges (edges: data references, DependsOn, branches),
  - the model package groups the register steps use (register_groups),
  - the declared parameters (parameters) and `--param NAME=VALUE` parsing (parse_param_pairs).
Pure: dicts in, values out; nothing here imports boto3 or the local runner.
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple

# The functions a definition's values may use (AWS's pipeline definition schema, SDK v2).
EXPRESSION_KEYS = ("Get", "Std:Join", "Std:JsonGet")
# A Condition step's Arguments members holding the steps of each branch, and how mlpc calls them.
BRANCHES = ("IfSteps", "ElseSteps")
BRANCH_LABELS = {"IfSteps": "if", "ElseSteps": "else"}

_STEP_NAME = re.compile(r"[A-Za-z0-9_\-]+")


class Edge(NamedTuple):
    source: str
    target: str
    kind: str  # data | depends_on | if | else


class FlatStep(NamedTuple):
    step: dict
    condition: str | None  # the Condition step whose branch holds it
    branch: str | None  # "IfSteps" | "ElseSteps"


# ---------------------------------------------------------------- expressions and walking

def is_expression(value) -> bool:
    """{"Get": ...}, {"Std:Join": ...} or {"Std:JsonGet": ...}: one key, a known function."""
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in EXPRESSION_KEYS


def walk(value, path: tuple = ()) -> Iterator[tuple[tuple, object]]:
    """Every (path, node) of a JSON tree, depth first, the root first; expressions are not entered."""
    yield path, value
    if is_expression(value):
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, path + (i,))


def _gets(value) -> Iterator[str]:
    """Every {"Get": "..."} target string in a JSON tree (inside Join/JsonGet too)."""
    if isinstance(value, dict):
        ref = value.get("Get") if len(value) == 1 else None
        if isinstance(ref, str):
            yield ref
            return
        for v in value.values():
            yield from _gets(v)
    elif isinstance(value, list):
        for v in value:
            yield from _gets(v)


def referenced_steps(value) -> set[str]:
    """Names of the steps a JSON tree reads from ({"Get": "Steps.NAME..."}, property files included)."""
    found = set()
    for ref in _gets(value):
        if ref.startswith("Steps."):
            m = _STEP_NAME.match(ref[len("Steps."):])
            if m:
                found.add(m.group(0))
    return found


def referenced_parameters(value, key: str | None = None, out: dict | None = None) -> dict:
    """Parameter name -> the set of field names it appears under (e.g. {'InputData': {'S3Uri'}})."""
    out = {} if out is None else out
    if isinstance(value, dict):
        ref = value.get("Get") if len(value) == 1 else None
        if isinstance(ref, str) and ref.startswith("Parameters."):
            out.setdefault(ref[len("Parameters."):], set()).add(key)
            return out
        for k, v in value.items():
            referenced_parameters(v, key if k in EXPRESSION_KEYS or k in ("Values", "On") else k, out)
    elif isinstance(value, list):
        for v in value:
            referenced_parameters(v, key, out)
    return out


# ---------------------------------------------------------------- steps, branches, edges

def flatten(definition: dict | None) -> list[FlatStep]:
    """Every step dict, including those nested in condition branches, in document order."""
    out: list[FlatStep] = []

    def visit(steps, cond, branch):
        for step in steps or []:
            if not isinstance(step, dict):
                continue
            out.append(FlatStep(step, cond, branch))
            if step.get("Type") == "Condition":
                args = step.get("Arguments") or {}
                for b in BRANCHES:
                    visit(args.get(b), step.get("Name"), b)

    visit((definition or {}).get("Steps"), None, None)
    return out


def flatten_steps(definition: dict | None) -> dict:
    """name -> step dict, including the steps nested in condition branches (in document order)."""
    return {f.step.get("Name"): f.step for f in flatten(definition)}


def own_part(step: dict) -> dict:
    """A step without the steps its branches hold (what the step itself reads)."""
    if step.get("Type") != "Condition":
        return step
    args = step.get("Arguments") or {}
    return {k: v for k, v in step.items() if k != "Arguments"} | {
        "Arguments": {k: v for k, v in args.items() if k not in BRANCHES}}


def edges(steps: dict) -> set[Edge]:
    """The DAG of flattened steps: data references, DependsOn, and condition branches."""
    out = set()
    for name, step in steps.items():
        for src in referenced_steps(step.get("Arguments") if step.get("Type") != "Condition"
                                    else own_part(step).get("Arguments")) | referenced_steps(step.get("PropertyFiles")):
            if src != name:
                out.add(Edge(src, name, "data"))
        for src in step.get("DependsOn") or []:
            out.add(Edge(src, name, "depends_on"))
        if step.get("Type") == "Condition":
            args = step.get("Arguments") or {}
            for key in BRANCHES:
                for child in args.get(key) or []:
                    out.add(Edge(name, child.get("Name"), BRANCH_LABELS[key]))
    return out


class RegisterGroups(NamedTuple):
    names: list  # the literal ModelPackageGroupName values, sorted
    dynamic: bool  # some RegisterModel step's group is set at run time (an expression)


def register_groups(definition: dict | None) -> RegisterGroups:
    """The model package groups the RegisterModel steps register into, condition branches included."""
    names, dynamic = set(), False
    for flat in flatten(definition):
        if flat.step.get("Type") == "RegisterModel":
            group = (flat.step.get("Arguments") or {}).get("ModelPackageGroupName")
            if isinstance(group, str):
                names.add(group)
            else:
                dynamic = True
    return RegisterGroups(sorted(names), dynamic)


# ---------------------------------------------------------------- parameters

def parameters(definition: dict | None) -> dict:
    """name -> mlpc.model.Parameter, from the definition's Parameters list."""
    from .model import Parameter

    out = {}
    for p in (definition or {}).get("Parameters") or []:
        out[p["Name"]] = Parameter(p["Name"], p.get("Type", "String"), p.get("DefaultValue"),
                                   tuple(p["EnumValues"]) if p.get("EnumValues") else None)
    return out


class ParamProblem(NamedTuple):
    """One bad `--param`: its message and a hint (see errors.MlpcError)."""
    message: str
    hint: str | None = None


def parse_param_pairs(pairs, declared: dict, definition: dict | None = None) -> tuple[dict, dict, list[ParamProblem]]:
    """`--param NAME=VALUE` strings -> ({name: typed value}, {name: the text as given}, problems),
    checked against the declared parameters (names, types, enums), the length StartPipelineExecution
    takes and, given the `definition`, every field the parameter feeds (mlpc.paramcheck)."""
    from .diagnostics import did_you_mean
    from .model import coerce_param_value

    values, texts, problems = {}, {}, []
    for pair in pairs or []:
        if "=" not in pair:
            problems.append(ParamProblem(f"--param '{pair}' is not NAME=VALUE",
                                         "e.g. --param TrainingInstanceType=ml.m5.2xlarge"))
            continue
        name, text = (part.strip() for part in pair.split("=", 1))
        param = declared.get(name)
        if param is None:
            problems.append(ParamProblem(f"--param {name}: the pipeline has no parameter '{name}'",
                                         did_you_mean(name, declared) or "this pipeline declares no parameters"))
            continue
        value, err = coerce_param_value(text, param)
        if err:
            problems.append(ParamProblem(f"--param {name}: {err}", f"'{name}' is a {param.type}" + (
                f" (one of {', '.join(param.enum)})" if param.enum else "")))
            continue
        values[name], texts[name] = value, text
    from .paramcheck import override_problems

    for name, message, hint in override_problems(definition, values):
        problems.append(ParamProblem(f"--param {name}: {message}", hint))
        values.pop(name, None)
    return values, texts, problems
