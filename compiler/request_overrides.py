"""`request:` -- the escape hatch: members merged into a job step's Create* request as written.

Any job step (every step kind with `is_job` in stepkinds.KINDS: processing, training, tuning,
transform, model, register_model, quality_check, clarify_check) takes a `request:` mapping in the
Create* request's own member names (PascalCase, as in botocore and the SageMaker API reference):

    Train:
      type: training
      request:
        DebugHookConfig: {S3OutputPath: "s3://my-bucket/debug", CollectionConfigurations: [{CollectionName: losses}]}
        RetryStrategy: {MaximumRetryAttempts: 2}

It is the last overlay (overlays.OVERLAYS), so it sees what the renderer and the security overlay
wrote. Merge rules, one per value kind:
  - a mapping onto a mapping merges key by key, recursively;
  - anything else (a list, a scalar, an expression, a mapping onto a non-mapping) replaces the
    member whole: to change one channel of InputDataConfig, write the whole list;
  - `null` removes the member (a required member removed is then a request-shape error, reported
    at the `request:` key that removed it).
Overriding a member mlpc sets itself (e.g. ResourceConfig.InstanceType) is allowed and wins:
it is how you reach what the YAML cannot say. Strings take ${...} like every other field.
What the override writes is shape-checked like the rest (steps/common.check_arguments) and a
finding in it is reported at the override's own YAML position (Rendered.put pins the origins).
"""

from __future__ import annotations

FIELD = "request"


def overlay(step, kind, rendered, ctx) -> None:
    """The overlay hook (mlpc.overlays): merge the step's `request:` into its Arguments."""
    raw = step.get(FIELD)
    if not isinstance(raw, dict):
        return
    _merge(step, ctx, rendered, (), raw, rendered.arguments)


def _merge(step, ctx, rendered, path: tuple, override: dict, target: dict) -> None:
    for key, value in override.items():
        here = path + (key,)
        yaml_path = step.path + (FIELD,) + here
        if value is None:
            target.pop(key, None)
            _forget(rendered, here)
            rendered.removed[here] = yaml_path  # "missing required member" points at this key
            ctx.resolver.read.add(yaml_path)  # null is a literal, never an unresolved reference
            continue
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(step, ctx, rendered, here, value, target[key])
            continue
        _forget(rendered, here)
        rendered.put(here, ctx.tree(step, (FIELD,) + here, value), origin=yaml_path)
        _pin_inside(rendered, here, value, yaml_path)


def _forget(rendered, path: tuple) -> None:
    """Drop the origins of what was at `path` (and inside it): it has been replaced or removed."""
    n = len(path)
    for table in (rendered.origins, rendered.pinned, rendered.removed):
        for p in [p for p in table if tuple(p[:n]) == path]:
            del table[p]


def _pin_inside(rendered, path: tuple, value, yaml_path: tuple) -> None:
    """Every member inside a replaced value keeps its own YAML position (for shape findings)."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        rendered.pinned[path + (k,)] = yaml_path + (k,)
        _pin_inside(rendered, path + (k,), v, yaml_path + (k,))
