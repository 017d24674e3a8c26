"""TransformStep -> CreateTransformJob arguments."""

from __future__ import annotations

from ..expressions import ExecutionVariable, Join, Unresolved
from . import model_ref
from .common import Rendered


def render(step, ctx) -> Rendered:
    spec_in = step.get("input")
    spec_out = step.get("output") or {}
    origins = {("ModelName",): ("model_name",), ("TransformInput",): ("input",), ("TransformOutput",): ("output",),
               ("TransformResources", "InstanceType"): ("instance_type",),
               ("TransformResources", "InstanceCount"): ("instance_count",),
               ("Environment",): ("environment",), ("BatchStrategy",): ("strategy",)}
    tin = {"DataSource": {"S3DataSource": {"S3DataType": spec_in.get("s3_data_type", "S3Prefix"),
                                           "S3Uri": ctx.value(step, ("input", "data"))}}}
    for key, member in (("content_type", "ContentType"), ("compression", "CompressionType"), ("split_type", "SplitType")):
        if spec_in.get(key) is not None:
            tin[member] = ctx.value(step, ("input", key))
    if spec_out.get("path") is not None:
        out_path = ctx.value(step, ("output", "path"))
    else:
        p = ctx.pipeline
        # s3://BUCKET/PIPELINE/EXECUTION_ID/STEP, as the SDK's Transformer builds it in a pipeline
        out_path = Join("/", ("s3:/", p.bucket, p.name, ExecutionVariable("PipelineExecutionId"), step.name))
    tout = {"S3OutputPath": out_path}
    for key, member in (("accept", "Accept"), ("assemble_with", "AssembleWith")):
        if spec_out.get(key) is not None:
            tout[member] = ctx.value(step, ("output", key))
    args = {"ModelName": _model_name(step, ctx, origins), "TransformInput": tin, "TransformOutput": tout,
            "TransformResources": {"InstanceCount": ctx.value(step, ("instance_count",), step.get("instance_count", 1)),
                                   "InstanceType": ctx.value(step, ("instance_type",))}}
    for key, member in (("strategy", "BatchStrategy"), ("max_payload_mb", "MaxPayloadInMB"),
                        ("max_concurrent_transforms", "MaxConcurrentTransforms")):
        if step.get(key) is not None:
            args[member] = ctx.value(step, (key,))
            origins[(member,)] = (key,)
    proc = step.get("data_processing") or {}
    dp = {m: proc[k] for k, m in (("input_filter", "InputFilter"), ("output_filter", "OutputFilter"),
                                  ("join_source", "JoinSource")) if proc.get(k) is not None}
    if dp:
        args["DataProcessing"] = dp
        origins[("DataProcessing",)] = ("data_processing",)
    if step.get("environment"):
        args["Environment"] = ctx.tree(step, ("environment",), step.get("environment"))
    return Rendered(args, origins)


def _model_name(step, ctx, origins: dict):
    """`model_name:`, or `model: NAME`: the ModelName of that model step, as the SDK's
    Transformer(model_name=step.properties.ModelName) renders it (a data dependency)."""
    ref = model_ref.lookup(step, ctx)
    if not ref.given:
        return ctx.value(step, ("model_name",)) if step.get("model_name") is not None else Unresolved("model")
    origins[("ModelName",)] = ("model",)
    if ref.step is None:
        return Unresolved("model")
    return ctx.resolver.value(f"${{steps.{ref.step.name}.ModelName}}", step.path + ("model",), step.name)
