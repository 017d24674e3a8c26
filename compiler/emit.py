"""Emit the definition document deterministically, and check service limits on it."""

from __future__ import annotations

import json
import re

from .diagnostics import Diagnostic, Severity

# Step names: AWS's published pipeline definition schema (Step.Name).
STEP_NAME = re.compile(r"[A-Za-z0-9\-_]{1,64}")
PARAM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9\-_]{0,255}")


def emit_json(definition: dict) -> str:
    """The canonical text: sorted keys, compact (what CreatePipeline receives and the size limit counts)."""
    return json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def emit_pretty(definition: dict) -> str:
    return json.dumps(definition, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def check_names(pipeline) -> list[Diagnostic]:
    """Service limits on names and lengths (checked before rendering, so reported with everything else)."""
    from . import shapes

    limits = shapes.pipeline_limits()
    diags = []
    pat = limits.get("pipeline_name_pattern")
    if pat and not re.fullmatch(pat, pipeline.name) or len(pipeline.name) > limits.get("pipeline_name_max", 256):
        diags.append(Diagnostic("N010", f"pipeline name '{pipeline.name}' is not a valid SageMaker pipeline name",
                                path=("pipeline", "name"),
                                hint=f"letters, digits and single hyphens, at most {limits.get('pipeline_name_max', 256)} characters (pattern {pat})"))
    for name, step in pipeline.steps.items():
        if not STEP_NAME.fullmatch(name):
            diags.append(Diagnostic("N011", f"step name '{name}' is not valid", path=step.path,
                                    hint="letters, digits, '-' and '_', at most 64 characters"))
    for name, p in pipeline.parameters.items():
        if not PARAM_NAME.fullmatch(name):
            diags.append(Diagnostic("N012", f"parameter name '{name}' is not valid", path=p.path,
                                    hint="start with a letter; letters, digits, '-' and '_'"))
    if pipeline.description and len(pipeline.description) > limits.get("description_max", 3072):
        diags.append(Diagnostic("N013", f"description is longer than {limits.get('description_max')} characters",
                                path=("pipeline", "description")))
    if pipeline.display_name and len(pipeline.display_name) > limits.get("display_name_max", 256):
        diags.append(Diagnostic("N014", f"display_name is longer than {limits.get('display_name_max')} characters",
                                path=("pipeline", "display_name")))
    return diags


def check_size(text: str) -> list[Diagnostic]:
    """The definition-size limit, on the emitted text."""
    from . import shapes

    diags = []
    maximum = shapes.pipeline_limits().get("definition_max", 1048576)
    if len(text) > maximum:
        # CreatePipeline's inline PipelineDefinition limit. Larger definitions are legal through
        # PipelineDefinitionS3Location (the SDK itself switches to S3 above 100 KB), which
        # `mlpc upsert` uses, so this is reported but does not fail the compile.
        diags.append(Diagnostic(
            "N015", f"the compiled definition has {len(text):,} characters, more than CreatePipeline's inline "
                    f"limit of {maximum:,}; `mlpc upsert` will pass it through PipelineDefinitionS3Location",
            path=("steps",), severity=Severity.WARNING,
            hint="to keep it inline, split the pipeline or move large literals (e.g. environment values) out of it"))
    return diags
