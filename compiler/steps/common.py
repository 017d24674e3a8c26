"""Pieces every step renderer shares: the step envelope, cache, retries, shape checks."""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..expressions import Expr, to_json

# Members of Create* requests that SageMaker Pipelines fills in itself.
PIPELINE_FILLED = frozenset({
    "ProcessingJobName", "TrainingJobName", "TransformJobName", "HyperParameterTuningJobName", "ModelName",
})


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
    policies = []
    for i, spec in enumerate(step.get("retry") or []):
        path = ("retry", i)
        has_attempts, has_expire = "max_attempts" in spec, "expire_after_minutes" in spec
        if has_attempts == has_expire:
            ctx.error(step, path, "P001", "a retry policy needs exactly one of max_attempts or expire_after_minutes")
            continue
        if any(e.startswith("SageMaker.") for e in spec["exceptions"]) and step.type not in (
                "processing", "training", "tuning", "transform", "model", "register_model"):
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
                    skip_required: frozenset = PIPELINE_FILLED) -> dict:
    """Validate Arguments against the botocore request shape; map issues back to YAML paths."""
    from .. import shapes

    js = to_json(arguments)
    coerced, issues = shapes.check_request(operation, js, expr_type=ctx.resolver.expr_type,
                                           skip_required=skip_required)
    for issue in issues:
        ipath = tuple(issue.path)
        yaml_rel = ()
        for n in range(len(ipath), -1, -1):
            if ipath[:n] in origins:
                yaml_rel = _deepest(step.fields, tuple(origins[ipath[:n]]), ipath[n:])
                break
        where = ".".join(str(p) for p in ipath)
        msg = issue.message if not where or where in issue.message else f"{issue.message} (at {operation} {where})"
        ctx.diagnostics.append(Diagnostic("A001", msg, path=step.path + tuple(yaml_rel), hint=issue.hint))
    return coerced


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
