"""`model: NAME` -- a register or transform step takes its model from a `model` step.

A model is defined once, in a `model` step (image, model data, environment, script-mode code),
as the SageMaker SDK defines one `Model(...)`; other steps name it:

  - a `register_model` step registers that model's container, as `model.register(...)` does:
    the container is copied at compile time (image, ModelDataUrl, Environment, and `Framework`
    for a framework model). The SDK adds no dependency on the model step either: the register
    step depends on what the container references (the training step of `model_data`).
    A framework image is resolved again for the first `inference_instances` entry, as the SDK's
    framework models do when registering (e.g. SKLearnModel.register).
  - a `transform` step runs the model the model step creates, as
    `Transformer(model_name=step.properties.ModelName)` does: ModelName is
    `{"Get": "Steps.NAME.ModelName"}`, a data dependency on the model step.

Mistakes are diagnostics (codes K020-K024) at the `model:` value or at the conflicting key.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..diagnostics import did_you_mean
from ..model import Step

# The fields that make a model's container (model step keys, relative to the step).
CONTAINER_KEYS = ("image", "algorithm", "algorithm_version", "framework", "framework_version", "py_version",
                  "instance_type", "model_data", "environment", "entry_point", "source_dir")
# Per step type: the keys `model:` replaces (setting one as well is K023) and the key that
# stands in for `model:` when it is absent (K024 when neither is given).
_REFERENCE = re.compile(r"\s*\$\{\s*steps\.([A-Za-z0-9_-]+)")
OWN_KEYS = {"register_model": (CONTAINER_KEYS, "model_data"), "transform": (("model_name",), "model_name")}


class ModelRef(NamedTuple):
    given: bool  # the step has `model:`
    step: Step | None = None  # the model step, when the reference is good


def lookup(step, ctx) -> ModelRef:
    """Check the step's `model:` (or its own model fields) and return the model step it names."""
    replaced, own = OWN_KEYS[step.type]
    name = step.get("model")
    if name is None:
        if step.get(own) is None:
            ctx.error(step, (), "K024", f"{step.type} step '{step.name}' has no model: give `model:` (a model "
                                        f"step's name) or `{own}:`",
                      _model_steps_hint(ctx.pipeline, "e.g. model: CreateModel"))
        return ModelRef(False)
    path = ("model",)
    conflicts = [k for k in replaced if step.get(k) is not None]
    for key in conflicts:
        ctx.diagnostics.append(_conflict(step, key, name))
        ctx.tree(step, (key,), step.get(key))  # still checked (its own mistakes), and not "a literal field"
    target = ctx.pipeline.steps.get(name)
    written = _REFERENCE.match(name)
    if target is None and written:  # model: "${steps.CreateModel...}": a name is wanted, not a reference
        ctx.resolver.read.add(step.path + path)  # reported here, not again as "a literal field" (R014)
        ctx.error(step, path, "K020", f"`model:` takes a step name, not a reference: '{name}'",
                  f"write model: {written.group(1)}")
        return ModelRef(True)
    if target is None:
        ctx.error(step, path, "K020", f"`model:` names unknown step '{name}'",
                  did_you_mean(name, _model_steps(ctx.pipeline)) or did_you_mean(name, ctx.pipeline.steps)
                  or _model_steps_hint(ctx.pipeline, "declare a step with `type: model`"))
        return ModelRef(True)
    if target.type != "model":
        ctx.error(step, path, "K021", f"'{name}' is a {target.type} step, not a model step",
                  _not_a_model_hint(target, ctx.pipeline))
        return ModelRef(True)
    apart = other_branch(ctx.pipeline, step.name, name)
    if apart is not None:
        cond, mine, theirs = apart
        ctx.error(step, path, "K022", f"model step '{name}' is in the {theirs} branch of condition '{cond}' and "
                                      f"'{step.name}' in its {mine} branch: the model never exists when this step runs",
                  f"move '{name}' before '{cond}' (out of its branches), or into the {mine} branch")
        return ModelRef(True)
    if conflicts:
        return ModelRef(True)
    return ModelRef(True, target)


def container_view(model: Step, user: Step) -> Step:
    """The model step's container fields, read on behalf of `user`: references in them count as
    `user`'s (graph edges), diagnostics point at the model step's own YAML."""
    fields = {k: v for k, v in model.fields.items() if k in CONTAINER_KEYS}
    return Step(user.name, "model", fields, model.path)


def first_inference_instance(step) -> str | None:
    """The SDK's framework models resolve their image for `inference_instances[0]` when registering."""
    items = step.get("inference_instances") or []
    first = items[0] if items else None
    return first if isinstance(first, str) and "${" not in first else None


def other_branch(pipeline, user: str, model: str):
    """-> (condition, user's branch, model's branch) when the two steps sit in different branches of
    one condition (nested conditions included), else None."""
    mine, theirs = _branch_chain(pipeline, user), _branch_chain(pipeline, model)
    for cond, branch in mine.items():
        if cond in theirs and theirs[cond] != branch:
            return cond, branch, theirs[cond]
    return None


def _branch_chain(pipeline, name: str) -> dict:
    """{condition: branch} for every condition (outermost included) whose branch holds the step."""
    from ..stepkinds import kind

    owner = {}
    for cond in pipeline.steps.values():
        for branch, _ in kind(cond.type).branches:
            for member in cond.get(branch) or []:
                owner.setdefault(member, (cond.name, branch))
    chain, seen = {}, set()
    while name in owner and name not in seen:  # `seen`: a branch cycle is reported by the graph (G001)
        seen.add(name)
        cond, branch = owner[name]
        chain.setdefault(cond, branch)
        name = cond
    return chain


def _conflict(step, key: str, name: str):
    from ..diagnostics import Diagnostic

    if step.type == "transform":
        msg = f"'{key}' and `model: {name}` both name the model to run"
        hint = f"keep one: `model: {name}` runs the model that step creates (ModelName from it)"
    else:
        msg = f"'{key}' conflicts with `model: {name}`: the container (image, model data, environment) comes from " \
              "that model step"
        hint = f"remove '{key}' here, or set it on model step '{name}'"
    return Diagnostic("K023", msg, path=step.path + (key,), hint=hint, at_key=True)


def _model_steps(pipeline) -> list:
    return [n for n, s in pipeline.steps.items() if s.type == "model"]


def _model_steps_hint(pipeline, fallback: str) -> str:
    names = _model_steps(pipeline)
    return ("model steps: " + ", ".join(names)) if names else fallback


def _not_a_model_hint(target, pipeline) -> str:
    models = _model_steps(pipeline)
    first = "name a step of `type: model`" + (" (model steps: " + ", ".join(models) + ")" if models else "")
    if target.type in ("training", "tuning"):
        first += f"; a model step takes {target.name}'s artifacts as model_data: ${{steps.{target.name}.model_data}}"
    return first
