"""The renderer contract, and the pieces every step shares: envelope, cache, retries, shape check.

THE RENDERER CONTRACT. A renderer (named in stepkinds.KINDS) is `render(step, ctx) -> Rendered`:
it builds the step's `Arguments` (literals and expressions.Expr values) and says where each part
came from; it does NOT finish the step. render.render_pipeline then finishes every step once,
through `finish_step` below, in this order:
  1. the OVERLAY HOOK (overlays.py): pipeline-wide settings put into every job step's Arguments,
  2. the botocore request-shape check of the Arguments (stepkinds `request`), on expression values,
  3. the envelope (Name, Type, Arguments, DisplayName, Description) plus `Rendered.members`,
  4. RetryPolicies (kinds with `retry`) and CacheConfig (kinds with `cache`).

Origins. `Rendered.origins` maps a path inside Arguments (a tuple of keys and list indexes, e.g.
("ProcessingResources", "ClusterConfig", "InstanceType")) to the YAML path, relative to the
step's mapping, it came from (("instance_type",)). A value without an entry takes the origin of
its nearest ancestor that has one. Values an overlay sets carry an absolute YAML path
(`Rendered.put(..., origin=("pipeline", "security", "kms_key"))`). The finished origins, per step
and keyed by a path from the step document's root (("Arguments", ...), ("CacheConfig",), ...),
are kept on the compile result: `CompileResult.origins` / `CompileResult.span_of(step, path)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic
from ..expressions import Expr

# Members of Create* requests that SageMaker Pipelines fills in itself (stepkinds holds them per kind).
SHAPE_CODE = "A001"  # botocore's request shape
PIPELINE_FILLED = frozenset({
    "ProcessingJobName", "TrainingJobName", "TransformJobName", "HyperParameterTuningJobName", "ModelName",
})

# Step document members and the YAML key (relative to the step) they come from.
ENVELOPE_ORIGINS = {("Name",): (), ("Type",): ("type",), ("DisplayName",): ("display_name",),
                    ("Description",): ("description",), ("CacheConfig",): ("cache",),
                    ("RetryPolicies",): ("retry",), ("DependsOn",): ("depends_on",)}


@dataclass
class Rendered:
    """What a renderer built: the step's Arguments and where each part came from."""
    arguments: dict
    origins: dict = field(default_factory=dict)  # Arguments path -> YAML path relative to the step
    members: dict = field(default_factory=dict)  # other step members (PropertyFiles, FunctionArn, ...)
    member_origins: dict = field(default_factory=dict)  # (member, ...) path -> YAML path relative to the step
    pinned: dict = field(default_factory=dict)  # Arguments path -> absolute YAML path (set by overlays)
    removed: dict = field(default_factory=dict)  # Arguments path -> absolute YAML path of the override that removed it

    def put(self, path: tuple, value, origin: tuple) -> None:
        """Set Arguments[path] (creating the maps on the way) to `value`, from absolute YAML path `origin`.

        For overlays: e.g. put(("NetworkConfig", "EnableNetworkIsolation"), True,
        origin=("pipeline", "security", "network_isolation")).
        """
        node = self.arguments
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
        self.pinned[tuple(path)] = tuple(origin)

    def get(self, path: tuple, default=None):
        node = self.arguments
        for key in path:
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and isinstance(key, int) and -len(node) <= key < len(node):
                node = node[key]
            else:
                return default
        return node


def finish_step(step, kind, rendered: Rendered, ctx) -> tuple[dict, dict]:
    """-> (step document, origins: path from the document root -> absolute YAML path).

    Applies the common parts once, in the documented order (overlays, shape check, envelope,
    members, retry, cache).
    """
    from ..overlays import apply_overlays

    if kind.is_job:
        apply_overlays(step, kind, rendered, ctx)
    args = rendered.arguments
    if kind.request:
        args = check_arguments(step, ctx, kind.request, args, rendered.origins,
                               skip_required=kind.skip_required, pinned=rendered.pinned, removed=rendered.removed)
    doc = envelope(step, kind.definition_type, args)
    doc.update(rendered.members)
    if kind.retry:
        add_retry(step, doc, ctx)
    if kind.cache:
        add_cache(step, doc)
    origins = {p: step.path + y for p, y in ENVELOPE_ORIGINS.items() if p[0] in doc}
    origins[("Arguments",)] = step.path
    origins.update({("Arguments",) + p: step.path + tuple(y) for p, y in rendered.origins.items()})
    origins.update({p: step.path + tuple(y) for p, y in rendered.member_origins.items()})
    origins.update({("Arguments",) + p: tuple(y) for p, y in rendered.pinned.items()})
    return doc, origins


def envelope(step, type_name: str, arguments) -> dict:
    doc = {"Name": step.name, "Type": type_name, "Arguments": arguments}
    if step.get("display_name"):
        doc["DisplayName"] = step.get("display_name")
    if step.get("description"):
        doc["Description"] = step.get("description")
    return doc


def add_cache(step, doc: dict) -> None:
    cache = step.get("cache")
    if cache is None:
        return
    if isinstance(cache, bool):
        cache = {"enabled": cache}
    cfg = {"Enabled": bool(cache.get("enabled", True))}
    if cache.get("expire_after"):
        cfg["ExpireAfter"] = cache["expire_after"]
    doc["CacheConfig"] = cfg


def add_retry(step, doc: dict, ctx) -> None:
    from ..stepkinds import JOB_TYPES

    policies = []
    for i, spec in enumerate(step.get("retry") or []):
        path = ("retry", i)
        has_attempts, has_expire = "max_attempts" in spec, "expire_after_minutes" in spec
        if has_attempts == has_expire:
            ctx.error(step, path, "P001", "a retry policy needs exactly one of max_attempts or expire_after_minutes")
            continue
        if any(e.startswith("SageMaker.") for e in spec["exceptions"]) and step.type not in JOB_TYPES:
            ctx.error(step, path + ("exceptions",), "P002",
                      f"SageMaker.* job exceptions cannot be retried on a {step.type} step",
                      "use Step.SERVICE_FAULT or Step.THROTTLING")
            continue
        pol = {"BackoffRate": float(spec.get("backoff_rate", 2.0)), "IntervalSeconds": int(spec.get("interval_seconds", 1))}
        if has_attempts:
            pol["MaxAttempts"] = spec["max_attempts"]
        else:
            pol["ExpireAfterMin"] = spec["expire_after_minutes"]
        pol["ExceptionType"] = list(spec["exceptions"])
        policies.append(pol)
    if policies:
        doc["RetryPolicies"] = policies


def check_arguments(step, ctx, operation: str, arguments: dict, origins: dict,
                    skip_required: frozenset = PIPELINE_FILLED, pinned: dict | None = None,
                    removed: dict | None = None) -> dict:
    """Validate Arguments against the botocore request shape; map issues back to YAML paths.
    A required member an override removed (`removed`) is reported at that override's key."""
    from .. import service_rules, shapes

    coerced, issues = shapes.check_request(operation, arguments, expr_type=ctx.resolver.expr_type,
                                           skip_required=skip_required)
    found = {tuple(i.path) for i in issues}  # botocore's finding wins: one mistake, one diagnostic
    checks = [(i, SHAPE_CODE) for i in issues]
    checks += [(i, service_rules.SERVICE_CODE) for i in service_rules.check(operation, arguments)
               if tuple(i.path) not in found]
    pinned = {**_pipeline_members(arguments, ctx.pipeline), **(pinned or {})}
    for issue, code in checks:
        ipath = tuple(issue.path)
        cause = (removed or {}).get(ipath + (issue.member,)) if issue.member else None
        if cause is not None:
            ctx.diagnostics.append(Diagnostic(
                code, issue.message, path=tuple(cause), at_key=True,
                hint=f"'{issue.member}' is required by the {operation} request: give it a value instead of null"))
            continue
        yaml_path = step.path
        for n in range(len(ipath), -1, -1):
            if ipath[:n] in pinned:
                yaml_path = tuple(pinned[ipath[:n]])
                break
            if ipath[:n] in origins:
                yaml_path = step.path + _deepest(step.fields, tuple(origins[ipath[:n]]), ipath[n:])
                break
        if yaml_path[:1] == ("pipeline",):  # a pipeline-level value: reported once, where it is written
            if yaml_path in ctx.reported_once:
                continue
            ctx.reported_once.add(yaml_path)
        where = ".".join(str(p) for p in ipath)
        msg = issue.message if not where or where in issue.message else f"{issue.message} (at {operation} {where})"
        ctx.diagnostics.append(Diagnostic(code, msg, path=yaml_path, hint=issue.hint))
    return coerced


# Request members filled from a pipeline-level value: (member path, pipeline key).
PIPELINE_MEMBERS = ((("RoleArn",), "role"), (("ExecutionRoleArn",), "role"),
                    (("TrainingJobDefinition", "RoleArn"), "role"))


def _pipeline_members(arguments: dict, pipeline) -> dict:
    """Arguments paths holding `pipeline.role` (etc.) -> where that value is written."""
    out = {}
    for path, key in PIPELINE_MEMBERS:
        node = arguments
        for k in path:
            node = node.get(k) if isinstance(node, dict) else None
        if node is not None and node == getattr(pipeline, key):
            out[path] = ("pipeline", key)
    return out


def _deepest(fields: dict, base: tuple, rest: tuple) -> tuple:
    """Extend a YAML path with the rest of a request path while the YAML has those keys
    (e.g. Environment['LONG'] -> environment.LONG), so the error points at the entry."""
    node = fields
    for k in base:
        node = node.get(k) if isinstance(node, dict) else None
    out = base
    for k in rest:
        if not isinstance(node, dict) or k not in node:
            break
        out, node = out + (k,), node[k]
    return out


def opt(d: dict, key: str, value) -> None:
    if value is not None:
        d[key] = value


def is_expr(value) -> bool:
    return isinstance(value, Expr)
