"""Security rules: encryption at rest and in transit, VPC, network isolation (L1xx)."""

from __future__ import annotations

from .context import MISSING, dig
from .findings import Hit

WARN = "warning"


def setting_path(ctx, step: str, names: tuple) -> tuple:
    """Where the YAML switched a security setting off for `step` (its own `security:`, else the
    pipeline's), so a finding about a missing member points at that line; () when nothing is written."""
    own = (ctx.pipeline.steps[step].fields.get("security") or {}) if step in ctx.pipeline.steps else {}
    shared = (ctx.document.get("pipeline") or {}).get("security") or {}
    for block, base in ((own, ctx.step_path(step) + ("security",)), (shared, ("pipeline", "security"))):
        for n in names:
            if isinstance(block, dict) and n in block:
                return base + (n,)
    return ()


def _key_hits(ctx, name, doc, path: tuple, what: str, alt: tuple | None = None, setting: tuple = ()):
    args = doc.get("Arguments", {})
    value = dig(args, path)
    if (value is MISSING or value in ("", None)) and alt is not None:
        value, path = dig(args, alt), alt if dig(args, alt) is not MISSING else path
    member = ".".join(path)
    if value is MISSING or value in ("", None):
        yield Hit(f"{doc['Type'].lower()} step '{name}' does not encrypt its {what} with a KMS key ({member})", name,
                  path=setting_path(ctx, name, setting), arg=path)
        return
    allowed = ctx.policy.kms_keys
    if not allowed:
        return
    known, key = ctx.literal(value)
    if not known:
        yield Hit(f"step '{name}': the {what} KMS key is set at run time, so the policy's allowed keys cannot be "
                  f"checked ({member})", name, arg=path, severity=WARN)
    elif key not in allowed:
        yield Hit(f"step '{name}': {what} KMS key '{key}' is not one of the policy's allowed keys ({member})", name, arg=path)


def check_kms(ctx):
    """L101: every job encrypts its storage volume and its outputs with a KMS key."""
    for name, doc, shape in ctx.jobs():
        args = doc.get("Arguments", {})
        if shape.volume_key:
            yield from _key_hits(ctx, name, doc, shape.volume_key, "storage volume", shape.alt_volume_key,
                                 ("volume_kms_key", "kms_key"))
        has_outputs = doc["Type"] not in ("Processing", "QualityCheck", "ClarifyCheck") or \
            dig(args, ("ProcessingOutputConfig", "Outputs")) not in (MISSING, [])
        if shape.output_key and has_outputs:
            yield from _key_hits(ctx, name, doc, shape.output_key, "outputs", setting=("output_kms_key", "kms_key"))


def check_vpc(ctx):
    """L102: every job that can run in a VPC does, in allowed subnets."""
    allowed = set(ctx.policy.subnets)
    for name, doc, shape in ctx.jobs():
        if shape.vpc is None:
            continue
        vpc = dig(doc.get("Arguments", {}), shape.vpc)
        member = ".".join(shape.vpc)
        if vpc is MISSING or not isinstance(vpc, dict) or not vpc.get("Subnets"):
            yield Hit(f"{doc['Type'].lower()} step '{name}' does not run in a VPC ({member})", name,
                      path=setting_path(ctx, name, ("vpc",)), arg=shape.vpc)
            continue
        if allowed:
            for i, subnet in enumerate(vpc.get("Subnets") or []):
                known, value = ctx.literal(subnet)
                if not known:
                    yield Hit(f"step '{name}': a subnet is set at run time, so the policy's allowed subnets cannot be "
                              f"checked ({member}.Subnets)", name, arg=shape.vpc + ("Subnets", i), severity=WARN)
                elif value not in allowed:
                    yield Hit(f"step '{name}': subnet '{value}' is not one of the policy's allowed subnets",
                              name, arg=shape.vpc + ("Subnets", i))


# Managed images that need the network themselves, so cannot be isolated (AWS: "Run Training and
# Inference Containers in Internet-Free Mode": Chainer and Reinforcement Learning containers).
NO_ISOLATION_REPOS = ("sagemaker-chainer", "sagemaker-rl-")
# Clarify's model bias and explainability jobs call SageMaker to start a shadow endpoint.
NO_ISOLATION_CHECKS = ("MODEL_BIAS", "MODEL_EXPLAINABILITY")


def isolation_exempt(ctx, doc, shape) -> str | None:
    """Why this job's image cannot run network-isolated, or None when it can."""
    if doc.get("Type") == "ClarifyCheck" and doc.get("CheckType") in NO_ISOLATION_CHECKS:
        return f"a Clarify {doc.get('CheckType')} job calls SageMaker to run a shadow endpoint"
    image = dig(doc.get("Arguments", {}), shape.image) if shape.image else MISSING
    known, uri = ctx.literal(image)
    if known and isinstance(uri, str):
        repo = uri.split("/", 1)[-1]
        if repo.startswith(NO_ISOLATION_REPOS):
            return f"the image {repo.split(':')[0]} downloads from S3 itself"
    return None


def check_isolation(ctx):
    """L103: network isolation on every job whose image allows it."""
    for name, doc, shape in ctx.jobs():
        if shape.isolation is None or isolation_exempt(ctx, doc, shape):
            continue
        value = dig(doc.get("Arguments", {}), shape.isolation)
        known, on = ctx.literal(value)
        if value is MISSING or (known and on is not True):
            yield Hit(f"{doc['Type'].lower()} step '{name}' is not network-isolated ({'.'.join(shape.isolation)})",
                      name, path=setting_path(ctx, name, ("network_isolation",)), arg=shape.isolation)


def check_inter_container(ctx):
    """L104: multi-instance jobs encrypt the traffic between their instances."""
    for name, doc, shape in ctx.jobs():
        if shape.ice is None or shape.count is None:
            continue
        args = doc.get("Arguments", {})
        count = dig(args, shape.count)
        if count is MISSING and doc["Type"] == "Tuning":
            count = dig(args, ("TrainingJobDefinition", "ResourceConfig", "InstanceCount"))
        if count is MISSING or (not isinstance(count, dict) and count == 1):
            continue  # one instance: no traffic between containers
        known, on = ctx.literal(dig(args, shape.ice))
        if known and on is True:
            continue
        why = f"{count} instances" if not isinstance(count, dict) else "an instance count set at run time"
        yield Hit(f"{doc['Type'].lower()} step '{name}' runs on {why} without inter-container traffic encryption "
                  f"({'.'.join(shape.ice)})", name, path=setting_path(ctx, name, ("encrypt_inter_container_traffic",)),
                  arg=shape.ice)
