"""ProcessingStep -> CreateProcessingJob arguments (as the SDK's ScriptProcessor renders them)."""

from __future__ import annotations

from posixpath import basename, normpath

from ..expressions import ExecutionVariable, Join
from .common import Rendered, is_expr
from .images import image_uri

CODE_DIR = "/opt/ml/processing/input/code"


def render(step, ctx) -> Rendered:
    origins: dict = {}
    image, ipath = image_uri(step, ctx, scope="training")
    cluster = {
        "InstanceType": ctx.value(step, ("instance_type",)),
        "InstanceCount": ctx.value(step, ("instance_count",), step.get("instance_count", 1)),
        "VolumeSizeInGB": ctx.value(step, ("volume_size_gb",), step.get("volume_size_gb", 30)),
    }
    origins.update({("ProcessingResources", "ClusterConfig", "InstanceType"): ("instance_type",),
                    ("ProcessingResources", "ClusterConfig", "InstanceCount"): ("instance_count",),
                    ("ProcessingResources", "ClusterConfig", "VolumeSizeInGB"): ("volume_size_gb",),
                    ("AppSpecification", "ImageUri"): ipath})
    app = {"ImageUri": image}
    if step.get("arguments"):
        app["ContainerArguments"] = ctx.tree(step, ("arguments",), step.get("arguments"))
        origins[("AppSpecification", "ContainerArguments")] = ("arguments",)
    inputs = [_input(step, ctx, name, spec, i, origins) for i, (name, spec) in enumerate((step.get("inputs") or {}).items())]
    if step.get("code"):
        code_uri = ctx.upload_file(step, ("code",), step.get("code"))
        inputs.append(_s3_input("code", code_uri, CODE_DIR, {}))
        command = list(step.get("command") or ["python3"])
        app["ContainerEntrypoint"] = command + [f"{CODE_DIR}/{basename(step.get('code'))}"]
        origins[("ProcessingInputs", len(inputs) - 1)] = ("code",)
    elif step.get("command"):
        app["ContainerEntrypoint"] = list(step.get("command"))
    args: dict = {"ProcessingResources": {"ClusterConfig": cluster}, "AppSpecification": app,
                  "RoleArn": ctx.pipeline.role}
    origins[("RoleArn",)] = ()
    if inputs:
        args["ProcessingInputs"] = inputs
        origins.setdefault(("ProcessingInputs",), ("inputs",))
    outputs = [_output(step, ctx, name, spec, i, origins) for i, (name, spec) in enumerate((step.get("outputs") or {}).items())]
    if outputs:
        args["ProcessingOutputConfig"] = {"Outputs": outputs}
    if step.get("max_runtime_seconds") is not None:
        args["StoppingCondition"] = {"MaxRuntimeInSeconds": ctx.value(step, ("max_runtime_seconds",))}
        origins[("StoppingCondition",)] = ("max_runtime_seconds",)
    if step.get("environment"):
        args["Environment"] = ctx.tree(step, ("environment",), step.get("environment"))
        origins[("Environment",)] = ("environment",)
    out = Rendered(args, origins)
    files = step.get("property_files") or {}
    for fname, spec in files.items():
        _check_property_file_path(step, ctx, fname, spec)
    if files:
        out.members["PropertyFiles"] = [{"PropertyFileName": n, "OutputName": f["output"], "FilePath": f["path"]}
                                        for n, f in files.items()]
        out.member_origins[("PropertyFiles",)] = ("property_files",)
        out.member_origins.update({("PropertyFiles", i): ("property_files", n) for i, n in enumerate(files)})
    return out


def _check_property_file_path(step, ctx, fname: str, spec: dict) -> None:
    """A property file's path is relative to its output's folder (SageMaker joins the two):
    not absolute, not leaving that folder."""
    path = spec.get("path")
    if not isinstance(path, str):
        return
    source = ((step.get("outputs") or {}).get(spec.get("output")) or {}).get("source")
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if not path.startswith("/") and parts and not normpath(path).startswith(".."):
        return
    inside = None
    if isinstance(source, str) and path.startswith(source.rstrip("/") + "/"):
        inside = path[len(source.rstrip("/")) + 1:]
    where = f"output '{spec.get('output')}'" + (f" ({source})" if isinstance(source, str) else "")
    ctx.error(step, ("property_files", fname, "path"), "K004",
              f"property file '{fname}' path '{path}' is not relative to {where}",
              f"path: {inside}" if inside else f"a path inside the output's folder, e.g. path: {parts[-1] if parts else 'report.json'}")


def _s3_input(name, uri, local_path, spec) -> dict:
    return {"InputName": name, "AppManaged": False, "S3Input": {
        "S3Uri": uri, "LocalPath": local_path,
        "S3DataType": spec.get("s3_data_type", "S3Prefix"), "S3InputMode": spec.get("input_mode", "File"),
        "S3DataDistributionType": spec.get("distribution", "FullyReplicated"),
        "S3CompressionType": spec.get("compression", "None")}}


def _input(step, ctx, name, spec, i, origins) -> dict:
    source = ctx.value(step, ("inputs", name, "source"))
    if not is_expr(source) and not (isinstance(source, str) and source.startswith("s3://")):
        ctx.error(step, ("inputs", name, "source"), "K003", f"input '{name}' source must be an s3:// URI or a ${{...}} reference",
                  "upload local data first (for local runs, see pipeline.local.data)")
    origins[("ProcessingInputs", i)] = ("inputs", name)
    origins[("ProcessingInputs", i, "S3Input", "LocalPath")] = ("inputs", name, "destination")
    return _s3_input(name, source, spec["destination"], spec)


def _output(step, ctx, name, spec, i, origins) -> dict:
    origins[("ProcessingOutputConfig", "Outputs", i)] = ("outputs", name)
    origins[("ProcessingOutputConfig", "Outputs", i, "S3Output", "LocalPath")] = ("outputs", name, "source")
    if spec.get("destination") is not None:
        dest = ctx.value(step, ("outputs", name, "destination"))
    else:
        dest = default_output_uri(ctx.pipeline, step.name, name)
    return {"OutputName": name, "AppManaged": False, "S3Output": {
        "S3Uri": dest, "LocalPath": spec["source"], "S3UploadMode": spec.get("upload_mode", "EndOfJob")}}


def default_output_uri(pipeline, step_name: str, output: str) -> Join:
    """s3://BUCKET/PIPELINE/EXECUTION_ID/STEP/output/NAME, as the SDK builds it."""
    return Join("/", ("s3:/", pipeline.bucket, pipeline.name, ExecutionVariable("PipelineExecutionId"),
                      step_name, "output", output))

