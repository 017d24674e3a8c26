"""THE OVERLAY HOOK: pipeline-wide settings applied to every job step's Arguments.

An overlay is a function

    def overlay(step, kind, rendered, ctx) -> None

  step      model.Step (name, type, fields, path) being finished
  kind      its stepkinds.StepKind (key your own per-kind table by kind.yaml_type or
            kind.definition_type: where a KMS key or a VPC goes differs per Create* request)
  rendered  steps.common.Rendered: set values with
            rendered.put(("VpcConfig",), {...}, origin=("pipeline", "security", "vpc"))
            so every value keeps the YAML path it came from (an absolute path into the document)
  ctx       render.StepContext: ctx.pipeline (model.Pipeline), ctx.resolver (turn a YAML value
            into an expression: ctx.resolver.value(raw, yaml_path, step.name)), and
            ctx.diagnostics (append diagnostics.Diagnostic(code, message, path=yaml_path))

render.render_pipeline calls every overlay, in OVERLAYS order, for each step whose kind has
`is_job` (processing, training, tuning, transform, model, register_model), AFTER the step's
renderer and BEFORE the botocore request-shape check, the envelope, retry and cache. So what an
overlay writes is shape-checked like anything else, and a shape error in it is reported at the
overlay's `origin`. Overlays must be pure (no I/O) and must not remove what the renderer built.

To add one, append its lazy "module:function" path to OVERLAYS (one line); nothing else changes.
"""

from __future__ import annotations

OVERLAYS: tuple[str, ...] = (
    "mlpc.security:overlay",  # KMS keys, VPC, network isolation (security.py)
    "mlpc.steps.job_settings:tags_overlay",  # a step's `tags:` on the job it starts
    "mlpc.request_overrides:overlay",  # `request:`, the escape hatch: last, so it has the final word
)


def apply_overlays(step, kind, rendered, ctx, overlays: tuple[str, ...] | None = None) -> None:
    from .stepkinds import load

    for path in OVERLAYS if overlays is None else overlays:
        load(path)(step, kind, rendered, ctx)
