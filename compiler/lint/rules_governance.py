"""Governance rules on model registration: human approval, model cards, checks upstream (L2xx)."""

from __future__ import annotations

import json

from .context import MISSING, dig, param_name
from .findings import Hit

PENDING = "PendingManualApproval"
RISK_RATINGS = ("High", "Medium", "Low")  # the model card schema's risk_rating, less "Unknown"


def check_approval(ctx):
    """L201: a registered model version waits for a human (PendingManualApproval) unless a run says otherwise."""
    for name, doc in ctx.of_type("RegisterModel"):
        value = dig(doc.get("Arguments", {}), ("ModelApprovalStatus",))
        pname = param_name(value)
        if pname is not None:
            known, default = ctx.literal(value)
            if known and default != PENDING:
                yield Hit(f"register step '{name}' approves by default: parameter '{pname}' defaults to '{default}'",
                          name, path=("parameters", pname, "default"))
            elif not known:
                yield Hit(f"register step '{name}' takes its approval status from parameter '{pname}', which has no "
                          f"default", name, path=("parameters", pname))
        elif value is MISSING:
            continue  # CreateModelPackage's default for a versioned package is PendingManualApproval
        elif isinstance(value, dict):
            yield Hit(f"register step '{name}' computes its approval status at run time; it cannot be shown to default "
                      f"to {PENDING}", name, arg=("ModelApprovalStatus",))
        elif value != PENDING:
            yield Hit(f"register step '{name}' registers models as '{value}', not {PENDING}", name,
                      arg=("ModelApprovalStatus",))


def _card_content(card):
    content = card.get("ModelCardContent", card.get("Content")) if isinstance(card, dict) else None
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except ValueError:
            return None
    return content if isinstance(content, dict) else None


def check_model_card(ctx):
    """L202: every registration carries a model card with intended uses and a risk rating."""
    for name, doc in ctx.of_type("RegisterModel"):
        card = dig(doc.get("Arguments", {}), ("ModelCard",))
        if card is MISSING:
            yield Hit(f"register step '{name}' has no model card (ModelCard)", name, arg=("ModelCard",))
            continue
        content = _card_content(card)
        if content is None:
            yield Hit(f"register step '{name}': the model card content is not a JSON object", name, arg=("ModelCard",))
            continue
        uses = content.get("intended_uses") if isinstance(content.get("intended_uses"), dict) else {}
        if not str(uses.get("intended_uses") or "").strip():
            yield Hit(f"register step '{name}': the model card states no intended uses (intended_uses.intended_uses)",
                      name, arg=("ModelCard",))
        if uses.get("risk_rating") not in RISK_RATINGS:
            got = uses.get("risk_rating")
            yield Hit(f"register step '{name}': the model card has no risk rating (intended_uses.risk_rating"
                      + (f" is '{got}'" if got else "") + f"; one of {', '.join(RISK_RATINGS)})", name, arg=("ModelCard",))


def _check_upstream(ctx, step_type: str, check_type: str, what: str):
    for name, _ in ctx.of_type("RegisterModel"):
        before = ctx.upstream(name)
        found = [n for n in before if ctx.steps.get(n, {}).get("Type") == step_type
                 and ctx.steps[n].get("CheckType") == check_type and ctx.steps[n].get("SkipCheck") is not True]
        if not found:
            yield Hit(f"register step '{name}' has no {what} upstream ({step_type} step with CheckType {check_type} "
                      f"that runs before it)", name)


def check_bias(ctx):
    """L203: a data bias check (ClarifyCheck DATA_BIAS) runs before every registration."""
    yield from _check_upstream(ctx, "ClarifyCheck", "DATA_BIAS", "data bias check")


def check_data_quality(ctx):
    """L204: a data quality check (QualityCheck DATA_QUALITY) runs before every registration."""
    yield from _check_upstream(ctx, "QualityCheck", "DATA_QUALITY", "data quality check")
