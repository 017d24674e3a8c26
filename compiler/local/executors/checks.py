"""QualityCheck and ClarifyCheck steps: the check job, then SageMaker's baseline lifecycle.

The step's Arguments are a processing job (Model Monitor's analyzer, or Clarify), run here by the
emulations in ../algorithms/ (model_monitor.py, clarify.py) with the job's own inputs, environment
and outputs. Around it, what SageMaker Pipelines does with the step's top-level fields (docs:
pipelines-quality-clarify-baseline-lifecycle.html):

  - the job always calculates a new baseline: CalculatedBaseline{Statistics,Constraints} name the
    files it wrote (statistics.json / constraints.json, Clarify: analysis.json) at the output URI;
  - SkipCheck false: the result is checked against a baseline, the supplied one
    (SuppliedBaseline{Statistics,Constraints}) or else the DriftCheckBaselines of the latest
    Approved model package in ModelPackageGroupName; no baseline at all is an error (the first
    run of a pipeline skips the check); violations are written to constraint_violations.json and,
    with FailOnViolation, fail the step, each violation listed;
  - BaselineUsedForDriftCheck{Statistics,Constraints}: RegisterNewBaseline ? the calculated baseline
    : the baseline checked against (supplied or registered), so RegisterModel records it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from ..evaluate import resolve
from ..store import parse_s3_uri
from .base import StepContext, failed, succeeded
from .processing import run_job

ALGORITHMS = Path(__file__).resolve().parent.parent / "algorithms"
BASELINE_DIR = "processing/baseline"  # under the job's /opt/ml


@dataclass(frozen=True)
class CheckKind:
    """What one CheckType computes and where SageMaker keeps its baseline in a model package."""
    program: str  # in ../algorithms
    files: dict  # "Statistics" / "Constraints" -> the file name the job writes
    drift_path: dict  # "Statistics" / "Constraints" -> DriftCheckBaselines path (tuple of keys)
    needs_model: bool = False


CHECK_KINDS = {
    "DATA_QUALITY": CheckKind("model_monitor.py", {"Statistics": "statistics.json", "Constraints": "constraints.json"},
                              {"Statistics": ("ModelDataQuality", "Statistics"),
                               "Constraints": ("ModelDataQuality", "Constraints")}),
    "MODEL_QUALITY": CheckKind("model_monitor.py", {"Statistics": "statistics.json", "Constraints": "constraints.json"},
                               {"Statistics": ("ModelQuality", "Statistics"),
                                "Constraints": ("ModelQuality", "Constraints")}),
    "DATA_BIAS": CheckKind("clarify.py", {"Constraints": "analysis.json"},
                           {"Constraints": ("Bias", "PreTrainingConstraints")}),
    "MODEL_BIAS": CheckKind("clarify.py", {"Constraints": "analysis.json"},
                            {"Constraints": ("Bias", "PostTrainingConstraints")}, needs_model=True),
    "MODEL_EXPLAINABILITY": CheckKind("clarify.py", {"Constraints": "analysis.json"},
                                      {"Constraints": ("Explainability", "Constraints")}, needs_model=True),
}
FLAG_DEFAULTS = {"SkipCheck": False, "RegisterNewBaseline": False, "FailOnViolation": True}


def run(ctx: StepContext, args: dict):
    top, err = _top_level(ctx)
    if err:
        return failed(err)
    kind = CHECK_KINDS.get(top.get("CheckType"))
    if kind is None:
        return failed(f"CheckType {top.get('CheckType')!r} is not one of {', '.join(CHECK_KINDS)}")
    outputs = (args.get("ProcessingOutputConfig") or {}).get("Outputs") or []
    out_uri = ((outputs[0] if outputs else {}).get("S3Output") or {}).get("S3Uri")
    if not isinstance(out_uri, str):
        return failed("the check job has no output (ProcessingOutputConfig.Outputs[0].S3Output.S3Uri)")
    calculated = {k: f"{out_uri.rstrip('/')}/{name}" for k, name in kind.files.items()}
    baseline, source = None, None
    if not top["SkipCheck"]:
        baseline, source, err = _baseline(ctx, top, kind)
        if err:
            return failed(err)
    staged_env: dict = {}

    def prepare(root: Path):
        for what, uri in (baseline or {}).items():
            err = _stage_object(ctx, uri, root / BASELINE_DIR / what.lower(), staged_env, what)
            if err:
                return err
        if kind.needs_model:
            return _stage_model(ctx, top.get("ModelName"), root)
        return None

    outcome = run_job(ctx, args, [sys.executable, str(ALGORITHMS / kind.program)], staged_env, prepare)
    if outcome.status != "Succeeded":
        return outcome
    used = calculated if top["RegisterNewBaseline"] else (baseline or {})
    report = f"{out_uri.rstrip('/')}/constraint_violations.json" if baseline else None
    violations = _violations(ctx, report) if report else []
    props = {**outcome.properties, "CheckType": top["CheckType"], "SkipCheck": top["SkipCheck"],
             "RegisterNewBaseline": top["RegisterNewBaseline"], "FailOnViolation": top["FailOnViolation"],
             "ModelPackageGroupName": top.get("ModelPackageGroupName"), "ViolationReport": report,
             "CheckJobArn": outcome.properties.get("ProcessingJobArn")}
    for k, uri in calculated.items():
        props[f"CalculatedBaseline{k}"] = uri
    for k in kind.files:
        props[f"BaselineUsedForDriftCheck{k}"] = used.get(k)
    detail = {"check": top["CheckType"], "skipped": top["SkipCheck"], "baseline": source,
              "violations": violations, "calculated": calculated}
    if violations and top["FailOnViolation"]:
        listed = "; ".join(_describe(v) for v in violations)
        return failed(f"ClientError: {len(violations)} violation(s) of the baseline ({source}) in {report}: {listed}",
                      script_seconds=outcome.script_seconds, detail=detail)
    return succeeded(props, script_seconds=outcome.script_seconds, detail=detail)


def _top_level(ctx: StepContext) -> tuple[dict, str | None]:
    """The step's own fields (outside Arguments), resolved: flags as booleans, empty URIs as None."""
    top = {}
    for key in ("CheckType", "ModelPackageGroupName", "ModelName", "SuppliedBaselineStatistics",
                "SuppliedBaselineConstraints", *FLAG_DEFAULTS):
        value, err = resolve(ctx.definition.get(key), ctx.evaluation, ctx.name)
        if err:
            return {}, f"cannot resolve {key}: {err}"
        if key in FLAG_DEFAULTS:
            value = FLAG_DEFAULTS[key] if value is None else value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                value = value.lower() == "true"
            if not isinstance(value, bool):
                return {}, f"{key} must be a boolean, not {value!r}"
        top[key] = value if value != "" else None
    return top, None


def _baseline(ctx: StepContext, top: dict, kind: CheckKind) -> tuple[dict | None, str | None, str | None]:
    supplied = {k: top.get(f"SuppliedBaseline{k}") for k in kind.files if top.get(f"SuppliedBaseline{k}")}
    if supplied.get("Constraints"):
        return supplied, "supplied baseline", None
    group = top.get("ModelPackageGroupName")
    if group:
        found = ctx.registry.latest_approved_baselines(group)
        if found is not None:
            version, baselines = found
            picked = {k: _dig(baselines, path) for k, path in kind.drift_path.items()}
            picked = {k: v for k, v in picked.items() if v}
            if picked.get("Constraints"):
                return picked, f"{group} version {version}", None
    return None, None, (
        f"no baseline to check against: no SuppliedBaselineConstraints, and no Approved model package in "
        f"'{group or '(no ModelPackageGroupName)'}' with DriftCheckBaselines for {top['CheckType']}. "
        "The first run of a pipeline sets SkipCheck (and RegisterNewBaseline) to calculate one; approve the "
        "registered version (mlpc models approve GROUP VERSION --local) to make it the baseline")


def _dig(doc, path):
    for key in path:
        doc = doc.get(key) if isinstance(doc, dict) else None
    return doc.get("S3Uri") if isinstance(doc, dict) else None


def _stage_object(ctx, uri_text, dest_dir: Path, env: dict, what: str) -> str | None:
    uri, err = parse_s3_uri(uri_text)
    data = ctx.store.get_bytes(uri) if not err else None
    if data is None:
        return f"the baseline {what.lower()} {uri_text} is not in the local store"
    dest_dir.mkdir(parents=True, exist_ok=True)
    (dest_dir / uri.key.rsplit("/", 1)[-1]).write_bytes(data)
    env[f"baseline_{what.lower()}"] = f"/opt/ml/{BASELINE_DIR}/{what.lower()}/{uri.key.rsplit('/', 1)[-1]}"
    return None


def _stage_model(ctx: StepContext, name, root: Path) -> str | None:
    """Clarify runs the model behind a shadow endpoint; locally its model.tar.gz is staged instead."""
    model = ctx.registry.get_model(name) if isinstance(name, str) else None
    if model is None:
        return f"ModelName {name!r} is not a model created in this workspace (by a Model step)"
    url = next((c.get("ModelDataUrl") for c in model.containers if c.get("ModelDataUrl")), None)
    uri, err = parse_s3_uri(url)
    data = ctx.store.get_bytes(uri) if not err else None
    if data is None:
        return f"the model data of {name} ({url}) is not in the local store"
    (root / "processing" / "model").mkdir(parents=True, exist_ok=True)
    (root / "processing" / "model" / "model.tar.gz").write_bytes(data)
    return None


def _violations(ctx: StepContext, uri_text: str) -> list:
    uri, err = parse_s3_uri(uri_text)
    data = ctx.store.get_bytes(uri) if not err else None
    try:
        return list((json.loads(data) or {}).get("violations") or []) if data else []
    except ValueError:
        return [{"constraint_check_type": "unreadable", "description": f"{uri_text} is not JSON"}]


def _describe(v: dict) -> str:
    where = v.get("feature_name") or v.get("metric_name") or v.get("label") or "?"
    if v.get("facet"):
        where = f"{v['facet']}={v.get('facet_value')} {where}"
    return f"{where}: {v.get('constraint_check_type')}: {v.get('description')}"

