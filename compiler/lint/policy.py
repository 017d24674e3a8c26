"""Lint policies: which rules run at which level, and the organisation's allowed values.

Two are built in: `default` (each rule at its table level) and `strict` (every rule an
error, tags `owner` and `data-classification` required). A policy file is YAML:

    extends: strict            # or default (the default)
    rules: {L103: warning, L102: off}
    required_tags: [owner, cost-center]
    buckets: [shared-datasets]  # allowed besides pipeline.bucket
    kms_keys: [arn:aws:kms:eu-west-1:111122223333:key/...]
    subnets: [subnet-0abc...]
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from ..diagnostics import Diagnostic, did_you_mean, sort_diagnostics
from .findings import LEVELS
from .registry import BY_ID, RULES

SETTINGS = ("off",) + LEVELS
LISTS = ("required_tags", "buckets", "kms_keys", "subnets")
STRICT_TAGS = ("owner", "data-classification")


class Policy(NamedTuple):
    name: str
    levels: dict  # rule id -> error | warning | note | off
    required_tags: tuple = ()
    buckets: tuple = ()
    kms_keys: tuple = ()
    subnets: tuple = ()


BUILTIN = {
    "default": Policy("default", {r.id: r.severity for r in RULES}),
    "strict": Policy("strict", {r.id: "error" for r in RULES}, STRICT_TAGS),
}


def load_policy(spec: str | None) -> tuple[Policy | None, list]:
    """A built-in policy by name, or a policy file by path -> (policy, diagnostics)."""
    if spec is None or spec in BUILTIN:
        return BUILTIN[spec or "default"], []
    from ..loader import load_file

    path = Path(spec)
    if not path.is_file():
        return None, [Diagnostic("LP001", f"policy '{spec}' is neither a built-in policy nor a file",
                                 hint="--policy takes " + ", ".join(BUILTIN) + " or a policy YAML file")
                      ._replace(span=_cmdline())]
    loaded, diags = load_file(path)
    if loaded is None:
        return None, diags
    policy, problems = build_policy(loaded.data, str(path))
    return (None if problems else policy), sort_diagnostics(loaded.source.locate(d) for d in problems)


def _cmdline():
    from ..diagnostics import Span

    return Span("<command line>", 1, 1)


def build_policy(data, name: str) -> tuple[Policy, list]:
    out: list = []
    if not isinstance(data, dict):
        return BUILTIN["default"], [Diagnostic("LP002", "a policy file is a mapping (extends, rules, required_tags, "
                                                        "buckets, kms_keys, subnets)")]
    known = ("extends", "rules") + LISTS
    for key in data:
        if key not in known:
            out.append(Diagnostic("LP003", f"unknown policy setting '{key}'", path=(key,), at_key=True,
                                  hint=did_you_mean(str(key), known)))
    base = data.get("extends", "default")
    if base not in BUILTIN:
        out.append(Diagnostic("LP004", f"extends: '{base}' is not a built-in policy", path=("extends",),
                              hint="one of " + ", ".join(BUILTIN)))
        base = "default"
    parent = BUILTIN[base]
    levels = dict(parent.levels)
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        out.append(Diagnostic("LP005", "rules: is a mapping of rule id -> off, error, warning or note", path=("rules",)))
        rules = {}
    for rid, setting in rules.items():
        if rid not in BY_ID:
            out.append(Diagnostic("LP006", f"unknown rule '{rid}'", path=("rules", rid), at_key=True,
                                  hint=did_you_mean(str(rid), BY_ID)))
        elif setting is False or setting not in SETTINGS:  # YAML reads a bare `off` as false
            if setting is False:
                levels[rid] = "off"
                continue
            out.append(Diagnostic("LP007", f"rule {rid}: '{setting}' is not a level", path=("rules", rid),
                                  hint="one of " + ", ".join(SETTINGS)))
        else:
            levels[rid] = setting
    lists = {}
    for key in LISTS:
        value = data.get(key, list(getattr(parent, key)))
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            out.append(Diagnostic("LP008", f"{key}: is a list of non-empty strings", path=(key,)))
            value = []
        lists[key] = tuple(value)
    return Policy(name, levels, **lists), out
