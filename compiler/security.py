"""Security settings: `pipeline.security` and each job step's `security:`, into the job's Arguments.

The overlay hook (mlpc.overlays) calls `overlay` for every job step; one table (OVERLAYS), keyed by
the Create* request of the step kind, writes the settings where the SageMaker
Python SDK v2 writes them for the same options (sagemaker/processing.py, network.py,
job.py, tuner.py, transformer.py, session.py create_model):

  processing  ProcessingResources.ClusterConfig.VolumeKmsKeyId, ProcessingOutputConfig.KmsKeyId,
              NetworkConfig {EnableNetworkIsolation, EnableInterContainerTrafficEncryption, VpcConfig}
  training    ResourceConfig.VolumeKmsKeyId, OutputDataConfig.KmsKeyId, VpcConfig,
              EnableNetworkIsolation, EnableInterContainerTrafficEncryption (each only when true);
              script mode under isolation ships its code as a `code` channel (estimator.py)
  tuning      the same, inside TrainingJobDefinition (HyperParameterTuningResourceConfig)
  transform   TransformResources.VolumeKmsKeyId, TransformOutput.KmsKeyId
  model       VpcConfig, EnableNetworkIsolation (only when true)

A setting is looked up on the step first, then on the pipeline; `kms_key` stands for both
keys where `volume_kms_key` / `output_kms_key` are not given at the same level; a key set to
null switches the setting off for that step. Values are checked once where they are written,
against botocore's shapes (KmsKeyId, SubnetId, SecurityGroupId patterns; Subnets and
VpcSecurityGroupIds counts), so a pipeline-wide mistake is one diagnostic, not one per step.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from .diagnostics import Diagnostic

SETTINGS = ("volume_kms_key", "output_kms_key", "vpc", "network_isolation", "encrypt_inter_container_traffic")
KEY_SETTINGS = ("kms_key", "volume_kms_key", "output_kms_key")
# What each kind of job takes; a step's own `security:` naming anything else is an error.
APPLIES = {
    "processing": frozenset(SETTINGS),
    "training": frozenset(SETTINGS),
    "tuning": frozenset(SETTINGS),
    "transform": frozenset({"volume_kms_key", "output_kms_key"}),
    "model": frozenset({"vpc", "network_isolation"}),
}
NOT_APPLICABLE_HINT = {
    "transform": "a transform job runs in its model's network: set vpc / network_isolation on the model step",
    "model": "CreateModel takes no KMS key or inter-container setting; set keys on the transform step",
}
CODE_CHANNEL_PATH = "/opt/ml/input/data/code/sourcedir.tar.gz"  # the SDK's CONTAINER_CODE_CHANNEL_SOURCEDIR_PATH
# KMS key references KMS accepts: key ID (or multi-Region key ID), key ARN, alias name, alias ARN.
KMS_FORMS = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32}"
    r"|alias/[A-Za-z0-9/_-]+"
    r"|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key/(?:[0-9a-fA-F-]{36}|mrk-[0-9a-fA-F]{32})|alias/[A-Za-z0-9/_-]+)")
ID_PREFIX = {"subnets": "subnet-", "security_groups": "sg-"}


class Setting(NamedTuple):
    value: object  # a literal, or None when switched off
    path: tuple  # where it was written in the YAML


class Effective(NamedTuple):
    """The settings one step runs with (each a Setting, or None when not set anywhere)."""
    volume_kms_key: Setting | None
    output_kms_key: Setting | None
    vpc: Setting | None
    network_isolation: Setting | None
    encrypt_inter_container_traffic: Setting | None

    def on(self, name: str):
        s = getattr(self, name)
        return None if s is None else s.value


def _lookup(levels: list, names: tuple) -> Setting | None:
    """The first level (step, then pipeline) that writes any of `names` (in that order) decides."""
    for block, path in levels:
        for name in names:
            if name in block:
                return Setting(block[name], path + (name,))
    return None


def effective(pipeline, step) -> Effective:
    levels = [(step.get("security") or {}, step.path + ("security",)),
              (pipeline.security or {}, ("pipeline", "security"))]
    return Effective(
        _lookup(levels, ("volume_kms_key", "kms_key")), _lookup(levels, ("output_kms_key", "kms_key")),
        _lookup(levels, ("vpc",)), _lookup(levels, ("network_isolation",)),
        _lookup(levels, ("encrypt_inter_container_traffic",)))


# ---------------------------------------------------------------- checks (once per block)
def check_block(block: dict, path: tuple, params: dict, kind: str | None) -> list[Diagnostic]:
    """Check one `security:` block; `kind` is the step's kind (None for the pipeline's block)."""
    from . import shapes

    out = []
    if kind is not None:
        for name in block:
            applies = APPLIES[kind] | ({"kms_key"} if APPLIES[kind] & set(KEY_SETTINGS) else set())
            if name not in applies:
                out.append(Diagnostic("H001", f"a {kind} step takes no '{name}' setting", path=path + (name,),
                                      hint=NOT_APPLICABLE_HINT.get(kind), at_key=True))
    for name in KEY_SETTINGS:
        if block.get(name) is not None:
            out += _check_id(block[name], path + (name,), "KmsKeyId", "KMS key", params, kms=True)
    vpc = block.get("vpc")
    if isinstance(vpc, dict):
        for member, shape in (("subnets", "Subnets"), ("security_groups", "VpcSecurityGroupIds")):
            ids = vpc.get(member) or []
            limits = shapes.load_table()["shapes"][shape]
            if not limits.get("min", 0) <= len(ids) <= limits.get("max", len(ids)):
                out.append(Diagnostic("H002", f"vpc.{member} has {len(ids)} entries; SageMaker takes "
                                              f"{limits.get('min', 0)} to {limits['max']} ({shape})",
                                      path=path + ("vpc", member)))
            for i, ident in enumerate(ids):
                out += _check_id(ident, path + ("vpc", member, i), limits["member"]["shape"],
                                 member.replace("_", " ")[:-1], params, prefix=ID_PREFIX[member])
    if kind is None:
        out += _step_references(block, path)
    return out


PARAM_ONLY = re.compile(r"\$\{params\.([A-Za-z0-9_]+)\}")


def _check_id(value, path, shape_name, what, params, *, kms=False, prefix=None) -> list[Diagnostic]:
    from . import shapes

    if isinstance(value, str) and "${" in value.replace("$${", ""):
        m = PARAM_ONLY.fullmatch(value)  # other references are checked where the job step resolves them
        ptype = params[m.group(1)].type if m and m.group(1) in params else "String"
        if ptype != "String":
            return [Diagnostic("H003", f"a {what} must be a String; parameter '{m.group(1)}' is {ptype}", path=path)]
        return []
    shape = shapes.load_table()["shapes"][shape_name]
    text = str(value)
    if len(text) > shape.get("max", len(text)) or not re.fullmatch(shape.get("pattern", ".*"), text):
        return [Diagnostic("H004", f"{what} {text!r} does not match botocore's {shape_name} "
                                   f"(pattern {shape.get('pattern')}, at most {shape.get('max')} characters)", path=path)]
    if kms and not KMS_FORMS.fullmatch(text):
        return [Diagnostic("H005", f"{text!r} is not a KMS key reference", path=path,
                           hint="use a key ID, a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), an alias name "
                                "(alias/NAME) or an alias ARN")]
    if prefix and not text.startswith(prefix):
        other = next((m for m, p in ID_PREFIX.items() if text.startswith(p)), None)
        return [Diagnostic("H006", f"{what} ID {text!r} does not start with '{prefix}'", path=path,
                           hint=f"this looks like an entry for vpc.{other}" if other else None)]
    return []


def _step_references(block: dict, path: tuple) -> list[Diagnostic]:
    """The pipeline's block applies to every job: a step property there would make each job depend on it."""
    out = []

    def walk(node, p):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, p + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, p + (i,))
        elif isinstance(node, str) and re.search(r"\$\{\s*(steps|files)\.", node):
            out.append(Diagnostic("H009", "pipeline.security takes parameters and literals, not step properties",
                                  path=p, hint="set a step-specific value in that step's own `security:`"))

    walk(block, path)
    return out


def _script_model_isolated(step, eff) -> Diagnostic:
    where = ".".join(str(p) for p in eff.network_isolation.path)
    return Diagnostic("H007", f"model step '{step.name}' runs script mode (entry_point), and network isolation "
                              f"({where}) stops its container from downloading that code from S3",
                      path=step.path + ("entry_point",),
                      hint="set `security: {network_isolation: false}` on this step, or package the code in "
                           "model.tar.gz and give `image` + `model_data` without entry_point")


# ---------------------------------------------------------------- the overlays, one per kind of job
class Overlay:
    """Writes settings into a job's Arguments (steps.common.Rendered), each with the YAML path it came from."""

    def __init__(self, step, ctx, rendered, eff: Effective, bad=()):
        self.step, self.ctx, self.rendered, self.args = step, ctx, rendered, rendered.arguments
        # settings with a diagnostic already are left out, so the request check doesn't echo them per step
        self.eff = Effective(*(None if s is not None and _overlaps(s.path, bad) else s for s in eff))

    def value(self, name: str):
        s = getattr(self.eff, name)
        return None if s is None or s.value is None else self.ctx.resolver.value(s.value, s.path, self.step.name)

    def put(self, request_path: tuple, name: str, value=None) -> None:
        value = self.value(name) if value is None else value
        if value is not None:
            self.rendered.put(request_path, value, origin=getattr(self.eff, name).path)

    def vpc(self) -> dict | None:
        s = self.eff.vpc
        if s is None or not s.value:
            return None
        res = self.ctx.resolver
        return {member: [res.value(v, s.path + (key, i), self.step.name) for i, v in enumerate(s.value[key])]
                for member, key in (("Subnets", "subnets"), ("SecurityGroupIds", "security_groups"))}


def _overlaps(path: tuple, bad) -> bool:
    return any(b[:len(path)] == path or path[:len(b)] == b for b in bad)


def _processing(o: Overlay) -> None:
    o.put(("ProcessingResources", "ClusterConfig", "VolumeKmsKeyId"), "volume_kms_key")
    if (o.args.get("ProcessingOutputConfig") or {}).get("Outputs"):
        o.put(("ProcessingOutputConfig", "KmsKeyId"), "output_kms_key")
    iso, enc, vpc = o.eff.on("network_isolation"), o.eff.on("encrypt_inter_container_traffic"), o.vpc()
    if iso is None and enc is None and vpc is None:
        return
    # NetworkConfig._to_request_dict: isolation always (False when unset), the rest when given
    setting = next(s for s in (o.eff.network_isolation, o.eff.encrypt_inter_container_traffic, o.eff.vpc) if s)
    o.rendered.put(("NetworkConfig", "EnableNetworkIsolation"), bool(iso),
                   origin=(o.eff.network_isolation or setting).path)
    if enc is not None:
        o.put(("NetworkConfig", "EnableInterContainerTrafficEncryption"), "encrypt_inter_container_traffic", enc)
    if vpc is not None:
        o.put(("NetworkConfig", "VpcConfig"), "vpc", vpc)


def _training_job(o: Overlay, prefix: tuple, resources: str, hp_key: str) -> None:
    o.put(prefix + (resources, "VolumeKmsKeyId"), "volume_kms_key")
    o.put(prefix + ("OutputDataConfig", "KmsKeyId"), "output_kms_key")
    vpc = o.vpc()
    if vpc is not None:
        o.put(prefix + ("VpcConfig",), "vpc", vpc)
    if o.eff.on("network_isolation"):  # the SDK writes these two only when true
        o.put(prefix + ("EnableNetworkIsolation",), "network_isolation", True)
        _code_channel(o, prefix, hp_key)
    if o.eff.on("encrypt_inter_container_traffic"):
        o.put(prefix + ("EnableInterContainerTrafficEncryption",), "encrypt_inter_container_traffic", True)


def _code_channel(o: Overlay, prefix: tuple, hp_key: str) -> None:
    """Script mode under isolation: the container cannot fetch sagemaker_submit_directory from S3,
    so the SDK ships the code as a `code` channel and points the directory at its local copy."""
    job = o.rendered.get(prefix) or {}
    submit = (job.get(hp_key) or {}).get("sagemaker_submit_directory")
    if not isinstance(submit, str) or not submit.startswith('"s3://'):
        return
    channels = job.get("InputDataConfig") or []
    if any(c.get("ChannelName") == "code" for c in channels):
        o.ctx.error(o.step, ("channels", "code"), "H008", "channel 'code' is reserved under network isolation: "
                    "script mode ships its code in a channel of that name", "rename the channel")
        return
    origin = o.eff.network_isolation.path
    o.rendered.put(prefix + ("InputDataConfig",), channels + [{"ChannelName": "code", "DataSource": {"S3DataSource": {
        "S3DataType": "S3Prefix", "S3Uri": json.loads(submit), "S3DataDistributionType": "FullyReplicated"}}}],
        origin=origin)
    o.rendered.put(prefix + (hp_key, "sagemaker_submit_directory"), json.dumps(CODE_CHANNEL_PATH), origin=origin)


def _transform(o: Overlay) -> None:
    o.put(("TransformResources", "VolumeKmsKeyId"), "volume_kms_key")
    o.put(("TransformOutput", "KmsKeyId"), "output_kms_key")


def _model(o: Overlay) -> None:
    vpc = o.vpc()
    if vpc is not None:
        o.put(("VpcConfig",), "vpc", vpc)
    if o.eff.on("network_isolation"):
        o.put(("EnableNetworkIsolation",), "network_isolation", True)


# The overlay per kind of job, keyed by the Create* request the step kind's Arguments are
# (stepkinds `request`), so a new kind whose job is a processing job (e.g. a check step) gets
# the processing overlay without a line here.
OVERLAYS = {
    "CreateProcessingJob": ("processing", _processing),
    "CreateTrainingJob": ("training", lambda o: _training_job(o, (), "ResourceConfig", "HyperParameters")),
    "CreateHyperParameterTuningJob": ("tuning", lambda o: _training_job(
        o, ("TrainingJobDefinition",), "HyperParameterTuningResourceConfig", "StaticHyperParameters")),
    "CreateTransformJob": ("transform", _transform),
    "CreateModel": ("model", _model),
}


def job_kind(kind) -> str | None:
    """'processing', 'training', ... for a stepkinds.StepKind whose job takes security settings; else None."""
    return OVERLAYS.get(kind.request, (None,))[0]


def overlay(step, kind, rendered, ctx) -> None:
    """The overlay hook (mlpc.overlays): check this step's settings, then write them into its Arguments.

    The pipeline's own block is checked once per compile (remembered on ctx), so a pipeline-wide
    mistake is one diagnostic, not one per job.
    """
    entry = OVERLAYS.get(kind.request)
    if entry is None:
        if step.get("security") is not None:  # a job kind whose request takes none of the settings
            ctx.diagnostics.append(Diagnostic("H001", f"a {step.type} step takes no security settings",
                                              path=step.path + ("security",), at_key=True))
        return
    name, fn = entry
    state = ctx.__dict__.setdefault("_security", {"bad": None})
    diags = []
    if state["bad"] is None:
        diags += check_block(ctx.pipeline.security or {}, ("pipeline", "security"), ctx.pipeline.parameters, None)
        state["bad"] = tuple(d.path for d in diags)
    own = []
    if step.get("security") is not None:
        own = check_block(step.get("security"), step.path + ("security",), ctx.pipeline.parameters, name)
        _mark_read(step.get("security"), step.path + ("security",), step, ctx)
    eff = effective(ctx.pipeline, step)
    if name == "model" and step.get("entry_point") and eff.on("network_isolation"):
        own.append(_script_model_isolated(step, eff))
    ctx.diagnostics.extend(diags + own)
    fn(Overlay(step, ctx, rendered, eff, state["bad"] + tuple(d.path for d in own)))


def _mark_read(node, path: tuple, step, ctx) -> None:
    """Resolve every string of the step's block, so a reference in a setting the step doesn't use
    (overridden, or not taken by its kind) is still checked and not reported as taken literally."""
    if isinstance(node, dict):
        for k, v in node.items():
            _mark_read(v, path + (k,), step, ctx)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _mark_read(v, path + (i,), step, ctx)
    elif isinstance(node, str):
        ctx.resolver.value(node, path, step.name)
