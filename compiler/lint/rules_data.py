"""Data-handling rules: declared buckets, no credentials in the definition, required tags (L3xx)."""

from __future__ import annotations

import re

from .context import is_expr
from .findings import Hit


def _s3_bucket(value) -> str | None:
    """The bucket of an S3 URI written as a literal or a Std:Join whose bucket part is literal."""
    if isinstance(value, str):
        return value[5:].split("/", 1)[0] if value.startswith("s3://") else None
    join = value.get("Std:Join") if isinstance(value, dict) else None
    if not isinstance(join, dict):
        return None
    on, lit, values = str(join.get("On", "")), [], list(join.get("Values") or [])
    for v in values:
        if is_expr(v):
            break
        lit.append(str(v))
    rest = len(lit) < len(values)
    text = on.join(lit) + (on if rest and lit else "")
    if not text.startswith("s3://"):
        return None
    after = text[5:]
    return after.split("/", 1)[0] if ("/" in after or not rest) and after.split("/", 1)[0] else None


def _walk(node, path=()):
    """(path, value) of every string and Std:Join in a JSON tree (a Join is not descended into)."""
    if isinstance(node, dict):
        if "Std:Join" in node or "Get" in node:
            yield path, node
            return
        for k, v in node.items():
            yield from _walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, path + (i,))
    else:
        yield path, node


def check_buckets(ctx):
    """L301: S3 URIs only in the pipeline's bucket and the policy's allowed buckets."""
    allowed = {ctx.pipeline.bucket, *ctx.policy.buckets}
    hint = ", ".join(sorted(allowed))
    for pname, p in ctx.params.items():
        bucket = _s3_bucket(p.get("DefaultValue"))
        if bucket and bucket not in allowed:
            yield Hit(f"parameter '{pname}' defaults to a URI in bucket '{bucket}', not a declared bucket ({hint})",
                      None, path=("parameters", pname, "default"))
    for name, doc in ctx.steps.items():
        if doc.get("Type") == "Condition":
            continue  # its branches are walked as steps of their own
        seen = set()
        for path, value in _walk(doc.get("Arguments", {})):
            bucket = _s3_bucket(value)
            if bucket and bucket not in allowed and bucket not in seen:
                seen.add(bucket)
                yield Hit(f"step '{name}' uses bucket '{bucket}' ({'.'.join(map(str, path))}), not a declared bucket "
                          f"({hint})", name, arg=path)


# Secrets by shape (the value alone gives it away) ...
SECRET_PATTERNS = (
    ("an AWS access key id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?![A-Z0-9])")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("a password in a URL", re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.I)),
)
# ... and by name: a literal value under a name that says it is a secret.
SECRET_NAME = re.compile(r"(?:^|[_\-.])(?:password|passwd|pwd|secret|secret[_-]?key|token|api[_-]?key|access[_-]?key|"
                         r"private[_-]?key|credentials?|auth)(?:$|[_\-.])", re.I)
AWS_SECRET_KEY = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])")
# References to a secret store are how it should be done, not a leak.
SECRET_REFERENCE = re.compile(r"^(arn:aws[a-z-]*:(secretsmanager|ssm|kms):|\{\{resolve:)")


def credential_kind(name: str, value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    for what, pattern in SECRET_PATTERNS:
        if pattern.search(value):
            return what
    if SECRET_REFERENCE.match(value):
        return None
    named = SECRET_NAME.search(str(name) or "")
    if named and AWS_SECRET_KEY.search(value):
        return "an AWS secret access key"
    if named and not re.fullmatch(r"[0-9.eE+-]+|true|false|none|null", value.strip(), re.I):
        return f"a literal secret (named '{name}')"
    return None


def _credential_values(doc):
    """(Arguments path, name, value) of environment variables and hyperparameters in a step."""
    for path, value in _walk(doc.get("Arguments", {})):
        if len(path) >= 2 and path[-2] in ("Environment", "HyperParameters", "StaticHyperParameters"):
            yield path, path[-1], value


def _yaml_path(ctx, step: str, arg_path: tuple):
    fields = ctx.pipeline.steps[step].fields if step in ctx.pipeline.steps else {}
    section = {"Environment": "environment"}.get(arg_path[-2], "hyperparameters")
    if arg_path[-1] in (fields.get(section) or {}):
        return ctx.step_path(step) + (section, arg_path[-1])
    return ()


def check_credentials(ctx):
    """L302: no credentials in parameter defaults, environment variables or hyperparameters."""
    for pname, p in ctx.params.items():
        kind = credential_kind(pname, p.get("DefaultValue"))
        if kind:
            yield Hit(f"parameter '{pname}' defaults to what looks like {kind}", None,
                      path=("parameters", pname, "default"))
    for name, doc in ctx.steps.items():
        for path, key, value in _credential_values(doc):
            kind = credential_kind(key, value)
            if kind:
                where = "environment variable" if path[-2] == "Environment" else "hyperparameter"
                yield Hit(f"step '{name}': {where} '{key}' holds what looks like {kind}", name,
                          path=_yaml_path(ctx, name, path), arg=path)


def check_tags(ctx):
    """L303: the pipeline carries the policy's required tags."""
    tags = dict(ctx.pipeline.tags)
    missing = [t for t in ctx.policy.required_tags if not str(tags.get(t, "")).strip()]
    if missing:
        where = ("pipeline", "tags") if "tags" in (ctx.document.get("pipeline") or {}) else ("pipeline",)
        yield Hit(f"pipeline '{ctx.pipeline.name}' lacks required tag(s): {', '.join(missing)}", None, path=where)
