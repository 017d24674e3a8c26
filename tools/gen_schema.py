"""Generates schemas/pipeline.schema.json (the committed JSON is what mlpc ships) and
docs/reference.md (the field reference), with every property's description from
tools/schema_docs.py.

Edit this file (pipeline-level parts), mlpc/steps/schema_parts.py (shared vocabulary) or a step
kind's schema fragment (mlpc/steps/schemas.py, or the module its stepkinds entry names), or tools/schema_docs.py (descriptions),
then run `python tools/gen_schema.py`; tests/test_schema_docs.py checks that both outputs are up
to date and that every property has a description. The step `type` enum and
`$defs` come from the step-kind table (mlpc.stepkinds.KINDS), in table order.
"""
import json
import pathlib

from mlpc.stepkinds import KINDS, load
from mlpc.steps.schema_parts import B, S, common, names, obj, security

# Reuse (mlpc.reuse): a step may take its fields from fragments (`extends:`) and leave out what it
# would inherit (`omit:`); a step with `extends:` may get its `type` from the fragment.
PATHS = {"oneOf": [S(minLength=1), {"type": "array", "items": S(minLength=1), "minItems": 1}]}
defs = {}
for k in KINDS:
    d = dict(load(k.schema))
    inherited = [f for f in d["properties"] if f != "type"]
    d["properties"] = {**d["properties"], "extends": PATHS,
                       "omit": {"type": "array", "uniqueItems": True, "items": S(enum=inherited)}}
    defs[k.yaml_type] = d
# `defaults: {TYPE: {...}}`: any of that step type's fields, none required (mlpc.reuse checks them and
# refuses `type`/`omit` there). The same shapes check the steps of a document that reuses (below).
defaults = obj({k: {"type": "object", "additionalProperties": False,
                    "description": f"Defaults for every {k} step: any {k} field but `type`; a step's own fields override them",
                    "properties": {f: {"$ref": f"#/$defs/{k}/properties/{f}",
                                       "description": f"The {k} step's `{f}` (set from the step type's own)"}
                                   for f in d["properties"]}}
                for k, d in defs.items()})


def by_type(ref) -> dict:
    return {"allOf": [{"if": {"properties": {"type": {"const": k}}, "required": ["type"]}, "then": {"$ref": ref(k)}}
                      for k in defs]}


# A step: its `type` (or `extends:`, whose fragment may give the type), then its type's fields. Strict
# (required fields present) unless the document reuses (`defaults:`/`include:`) or the step `extends:`
# a fragment: then a field may come from elsewhere, and editors must not call the step incomplete.
# mlpc itself validates the expanded document, where no reuse is left, so always strictly.
step = {"type": "object", "properties": {"type": common["type"]},
        "if": {"required": ["extends"]}, "else": {"required": ["type"]}}
loose_step = by_type(lambda k: f"#/properties/defaults/properties/{k}")
strict_step = {"if": {"required": ["extends"]}, "then": loose_step, "else": by_type(lambda k: f"#/$defs/{k}")}
reusing = {"anyOf": [{"required": ["defaults"]}, {"required": ["include"]}]}
PIPELINE_REQUIRED = ["name", "role", "bucket"]
param = obj({"type": S(enum=["String","Integer","Float","Boolean"]), "default": {"type": ["string","number","boolean"]},
             "enum": {"type": "array", "items": S(), "minItems": 1}, "description": S(),
             "allow_unused": {"type": "boolean"}}, ["type"])
ROLE_ARN = "^arn:aws[a-z\\-]*:iam::\\d{12}:role/.+$"  # an IAM role ARN; also checked on --role / --schedule-role
schedule = obj({"expression": S(pattern="^(cron|rate|at)\\(.+\\)$", description="cron(...), rate(...) or at(...)"),
                "timezone": S(), "parameters": {"type": "object", "additionalProperties": {"type": ["string","number","boolean"]}},
                "enabled": B, "description": S(maxLength=512),
                "role": S(pattern=ROLE_ARN,
                          description="an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME) that EventBridge Scheduler assumes to start the pipeline; default: the pipeline's role")},
                ["expression"])
notification = obj({
    "topics": {"type": "array", "minItems": 1, "maxItems": 5, "uniqueItems": True,
               "items": S(pattern="^arn:aws[a-z\\-]*:sns:[a-z0-9\\-]+:\\d{12}:[A-Za-z0-9_\\-]{1,256}$",
                          description="an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)")},
    "events": {"type": "array", "minItems": 1, "uniqueItems": True,
               "items": S(enum=["execution_failed", "execution_succeeded", "execution_stopped", "step_failed",
                                "model_pending_approval", "model_approved", "model_rejected"])},
    "model_package_groups": {**names, "minItems": 1, "description": "for model_* events; default: the groups the pipeline's register steps use"},
    "enabled": B, "description": S(maxLength=512)}, ["topics", "events"])
waiver = obj({"rule": S(pattern="^L[0-9]{3}$", description="the rule id, e.g. L201 (see mlpc lint's rules table)"),
              "steps": {**names, "minItems": 1, "description": "the steps it covers; absent: every step"},
              "reason": S(minLength=1, pattern="\\S", description="why the risk is accepted (required; shown with every waived finding)")},
             ["rule", "reason"])
lint = obj({"waivers": {"type": "array", "items": waiver, "description": "accepted findings of mlpc lint: always reported, never silent"}})
schema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://mlpc.dev/schemas/pipeline.schema.json",
  "title": "mlpc pipeline",
  "description": "A SageMaker pipeline described in YAML, compiled by mlpc",
  "type": "object", "additionalProperties": False, "required": ["pipeline", "steps"],
  "properties": {
    "include": PATHS,
    "defaults": defaults,
    "vars": {"type": "object", "description": "Compile-time template variables ({{ name }}) and their defaults; override with --var/--vars-file",
             "additionalProperties": {"type": ["string","number","boolean"]}},
    "pipeline": obj({"name": S(minLength=1), "description": S(), "display_name": S(),
                     "role": S(pattern=ROLE_ARN, **{"x-expected": "an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"}),
                     "bucket": S(),
                     "region": S(), "tags": {"type": "object", "additionalProperties": S()}, "security": security,
                     "max_parallel_steps": {"type": "integer", "minimum": 1},
                     "local": obj({"data": {"type": "object", "description": "s3 URI -> local path (relative to this file) seeded into the local store by `mlpc run --local`",
                                            "additionalProperties": S()}})},
                     # required unless the document reuses (an included file may give them; see "else")
                     **{"x-required": PIPELINE_REQUIRED}),
    "parameters": {"type": "object", "additionalProperties": param},
    "steps": {"type": "object", "minProperties": 1, "additionalProperties": step},
    "schedules": {"type": "object", "additionalProperties": schedule},
    "lint": lint,
    "notifications": {"type": "object", "additionalProperties": notification,
                      "description": "EventBridge rules that send SageMaker events for this pipeline to SNS topics; name -> rule"},
  },
  "if": reusing,
  "then": {"properties": {"steps": {"additionalProperties": loose_step}}},
  "else": {"properties": {"pipeline": {"required": PIPELINE_REQUIRED}, "steps": {"additionalProperties": strict_step}}},
  "$defs": defs,
}
ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "schemas" / "pipeline.schema.json"
REFERENCE = ROOT / "docs" / "reference.md"


def build() -> tuple:
    """-> (schema JSON text, reference Markdown text)."""
    import sys
    sys.path.insert(0, str(pathlib.Path(__file__).parent))
    from schema_reference import document, reference_markdown

    documented = document(schema)
    # a defaults entry's field (also a reusing document's step field) says what the step field says
    for k, entry in documented["properties"]["defaults"]["properties"].items():
        for f, sub in entry["properties"].items():
            sub["description"] = documented["$defs"][k]["properties"][f]["description"]
    return json.dumps(documented, indent=2) + "\n", reference_markdown(documented)


if __name__ == "__main__":
    text, reference = build()
    OUT.write_text(text)
    REFERENCE.write_text(reference)
    print(f"wrote {OUT} and {REFERENCE}")
