"""Parity with the SageMaker Python SDK v2: the same pipelines, built with the SDK, give the same definition.

For each example, sdk_pipelines.py builds the pipeline with the SDK (code uploaded to
moto's S3), and mlpc compiles the YAML. The two definitions must be EQUAL after
normalising only:
  (a) code S3 URIs: each is replaced by the identity of the bytes behind it (a file's
      sha256; for sourcedir.tar.gz, the sha256 of every member) - so equality also
      proves that the SDK and mlpc ship the same code, and
  (b) INTENDED_DIFFERENCES below, each with its reason.
docs/sdk-parity.md carries the same list (a test keeps it in sync; rewrite it with
MLPC_UPDATE_GOLDEN=1).
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import io
import json
import os
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from sdk_pipelines import BUCKET, BUILDERS, FIXTURES, mlpc_output_path

from mlpc.api import compile_file
from mlpc.manifest import upload_bytes

pytestmark = [
    pytest.mark.sdk,
    # The SDK's own notices about itself (v2 deprecation, RegisterModel/CreateModelStep, "No Wait, No Logs").
    pytest.mark.filterwarnings("ignore::DeprecationWarning:sagemaker"),
    pytest.mark.filterwarnings("ignore:Running within a PipelineSession:UserWarning"),
]

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "sdk-parity.md"
DOC_START, DOC_END = "<!-- intended-differences:start -->", "<!-- intended-differences:end -->"


@dataclass(frozen=True)
class Difference:
    key: str
    title: str
    reason: str
    handling: str  # what the parity test does about it
    normalised: bool = True  # False: the SDK is configured instead (nothing is rewritten)


# ---------------------------------------------------------------- the one list of intended differences
INTENDED_DIFFERENCES = (
    Difference(
        "code-keys", "Code S3 URIs",
        "mlpc content-addresses code: `s3://BUCKET/PIPELINE/code/SHA256/FILE`, the sha256 of the file's bytes "
        "(of the deterministic sourcedir.tar.gz for `source_dir`). The SDK hashes the local path together with the "
        "bytes for processing code, and puts tuner and model code under timestamped job names, so its URIs change "
        "when nothing else did and step caching misses. mlpc also leaves `__pycache__/` and `*.pyc` out of "
        "sourcedir.tar.gz.",
        "Both sides: every code URI becomes the identity of the bytes uploaded there (moto's S3 for the SDK, the "
        "upload manifest for mlpc); archive members under `__pycache__/` or named `*.pyc` are not part of the "
        "identity."),
    Difference(
        "debugger-profiler", "No DebugHookConfig / ProfilerConfig on training jobs",
        "The SDK's Estimator adds a Debugger hook (with no collections) and turns on the profiler for every "
        "training job. mlpc emits only what the YAML asks for and leaves the rest to SageMaker's defaults.",
        "Dropped from the SDK's Training steps."),
    Difference(
        "step-collection-names", "Step names are the YAML names",
        "The SDK's `RegisterModel` step collection and `ModelStep` name the generated step `<name>-RegisterModel` "
        "or `<name>-CreateModel`. In mlpc the step is called what the YAML calls it.",
        "SDK step names lose the suffix (in `Name`, `DependsOn` and `Steps.<name>.` references)."),
    Difference(
        "empty-model-metrics", "No empty groups in ModelMetrics",
        "The SDK writes `\"Bias\": {}` and `\"Explainability\": {}` when they are not given. Every member of those "
        "structures is optional in CreateModelPackage, so an empty one says nothing; mlpc leaves it out.",
        "Empty objects dropped from the SDK's `ModelMetrics`."),
    Difference(
        "check-step-nulls", "No nulls for unset check-step settings",
        "The SDK's QualityCheckStep and ClarifyCheckStep write `null` for an unset `ModelPackageGroupName`, "
        "`SuppliedBaselineStatistics` or `SuppliedBaselineConstraints`. AWS's pipeline definition schema types "
        "them as strings; mlpc writes only what the YAML sets.",
        "`null` members dropped from the SDK's QualityCheck and ClarifyCheck steps."),
    Difference(
        "empty-model-environment", "No empty Environment on a model's container",
        "The SDK's generic `Model` writes `\"Environment\": {}` on CreateModel's PrimaryContainer when it has no "
        "environment, and on the package's container when `model.register()` registers it. The member is "
        "optional and an empty map says nothing, so mlpc leaves it out (as the SDK's own `RegisterModel(estimator=...)` "
        "step collection does for the same container).",
        "An empty `Environment` dropped from the SDK's Model steps' `PrimaryContainer` and RegisterModel steps' "
        "containers."),
    Difference(
        "empty-parameter-ranges", "No empty lists in ParameterRanges",
        "The SDK's HyperparameterTuner writes `[]` for each kind of range it has none of (e.g. "
        "`CategoricalParameterRanges: []`); mlpc writes only the kinds in use.",
        "Empty lists dropped from the SDK's `ParameterRanges`."),
    Difference(
        "tuner-estimator-metadata", "No SDK bookkeeping in a tuning job's static hyperparameters",
        "The SDK adds `sagemaker_estimator_class_name` and `sagemaker_estimator_module` (for "
        "`HyperparameterTuner.attach()` to rebuild a Python estimator) and `sagemaker_job_name`, a timestamp that "
        "changes on every build and so defeats step caching. The SDK gives the same estimator in a TrainingStep "
        "none of the three, so the training containers do without them.",
        "These three keys dropped from the SDK's `StaticHyperParameters`."),
    Difference(
        "tensorflow-model-dir", "TensorFlow's default model_dir holds the execution id, not a build-time job name",
        "The SDK's TensorFlow estimator passes `model_dir` = `OUTPUT_PATH/JOB_NAME/model`, where JOB_NAME "
        "(`tensorflow-training-<timestamp>`) is made up when the definition is built: the definition changes "
        "at every build, and every execution writes its checkpoints to the same place (a TF1 Estimator resumes "
        "from another run's). mlpc writes `OUTPUT_PATH/<execution id>/model` as a `Std:Join` with "
        "`Execution.PipelineExecutionId`. Under mpi both use `/opt/ml/model`; `model_dir: false` and a given "
        "`model_dir` are rendered as the SDK renders them.",
        "The SDK's `\"OUTPUT_PATH/tensorflow-training-<timestamp>/model\"` becomes mlpc's `Std:Join` of the same "
        "output path and the execution id (training and tuning steps)."),
    Difference(
        "default-output-path", "Default model output path",
        "Without `output_path`, the SDK's estimators write under the bucket root (`s3://BUCKET/`). mlpc defaults to "
        "`s3://BUCKET/PIPELINE/STEP`, so each pipeline's artifacts stay under its own prefix and a tuning step's "
        "best model has a known location (`steps.Tune.model_data`).",
        "Not rewritten: the SDK estimators are given mlpc's default as `output_path` (a test checks that the SDK's "
        "own default still differs).", normalised=False),
)


# ---------------------------------------------------------------- normalisers, one per normalised difference
def iter_steps(steps):
    for step in steps:
        yield step
        if step["Type"] == "Condition":
            yield from iter_steps(step["Arguments"]["IfSteps"] + step["Arguments"]["ElseSteps"])


def _drop_debugger_profiler(definition) -> int:
    n = 0
    for step in iter_steps(definition["Steps"]):
        if step["Type"] == "Training":
            for key in ("DebugHookConfig", "ProfilerConfig"):
                n += step["Arguments"].pop(key, None) is not None
    return n


def _strip_collection_suffixes(definition) -> int:
    renames = {}
    for step in iter_steps(definition["Steps"]):
        for suffix in ("-RegisterModel", "-CreateModel"):
            if step["Type"] in ("RegisterModel", "Model") and step["Name"].endswith(suffix):
                renames[step["Name"]] = step["Name"][: -len(suffix)]

    def walk(node):
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v) for k, v in node.items()}
        if isinstance(out.get("Get"), str) and out["Get"].startswith("Steps."):
            name, _, rest = out["Get"][len("Steps."):].partition(".")
            out["Get"] = f"Steps.{renames.get(name, name)}.{rest}"
        if "Type" in out and "Arguments" in out and out.get("Name") in renames:
            out["Name"] = renames[out["Name"]]
        if isinstance(out.get("DependsOn"), list):
            out["DependsOn"] = [renames.get(d, d) for d in out["DependsOn"]]
        return out

    definition["Steps"] = walk(definition["Steps"])
    return len(renames)


def _drop_empty_model_metrics(definition) -> int:
    n = 0
    for step in iter_steps(definition["Steps"]):
        metrics = step["Arguments"].get("ModelMetrics") if step["Type"] == "RegisterModel" else None
        for group in [g for g, v in (metrics or {}).items() if v == {}]:
            del metrics[group]
            n += 1
    return n


def _drop_empty_parameter_ranges(definition) -> int:
    n = 0
    for step in iter_steps(definition["Steps"]):
        if step["Type"] == "Tuning":
            ranges = step["Arguments"]["HyperParameterTuningJobConfig"]["ParameterRanges"]
            for kind in [k for k, v in ranges.items() if v == []]:
                del ranges[kind]
                n += 1
    return n


TUNER_METADATA = ("sagemaker_estimator_class_name", "sagemaker_estimator_module", "sagemaker_job_name")


def _drop_tuner_metadata(definition) -> int:
    n = 0
    for step in iter_steps(definition["Steps"]):
        if step["Type"] == "Tuning":
            static = step["Arguments"]["TrainingJobDefinition"]["StaticHyperParameters"]
            n += sum(static.pop(k, None) is not None for k in TUNER_METADATA)
    return n


def _drop_check_nulls(definition) -> int:
    n = 0
    for step in iter_steps(definition["Steps"]):
        if step["Type"] in ("QualityCheck", "ClarifyCheck"):
            for key in [k for k, v in step.items() if v is None]:
                del step[key]
                n += 1
    return n


def _drop_empty_model_environment(definition) -> int:
    n = 0
    for step in iter_steps(definition["Steps"]):
        if step["Type"] == "Model":
            containers = [step["Arguments"].get("PrimaryContainer") or {}]
        elif step["Type"] == "RegisterModel":
            containers = step["Arguments"]["InferenceSpecification"]["Containers"]
        else:
            continue
        for container in containers:
            if container.get("Environment") == {}:
                del container["Environment"]
                n += 1
    return n


_TF_MODEL_DIR = re.compile(r'"(.+)/tensorflow-training-\d{4}(?:-\d{2}){5}-\d{3}/model"')


def _execution_model_dir(definition) -> int:
    n = 0
    for step in iter_steps(definition["Steps"]):
        args = step.get("Arguments") or {}
        hps = args.get("HyperParameters") or (args.get("TrainingJobDefinition") or {}).get("StaticHyperParameters")
        m = _TF_MODEL_DIR.fullmatch(hps.get("model_dir", "")) if isinstance(hps, dict) else None
        if m:
            hps["model_dir"] = {"Std:Join": {"On": "", "Values": [
                f'"{m.group(1)}/', {"Get": "Execution.PipelineExecutionId"}, '/model"']}}
            n += 1
    return n


SDK_NORMALISERS = {
    "tensorflow-model-dir": _execution_model_dir,
    "empty-model-environment": _drop_empty_model_environment,
    "check-step-nulls": _drop_check_nulls,
    "debugger-profiler": _drop_debugger_profiler,
    "step-collection-names": _strip_collection_suffixes,
    "empty-model-metrics": _drop_empty_model_metrics,
    "empty-parameter-ranges": _drop_empty_parameter_ranges,
    "tuner-estimator-metadata": _drop_tuner_metadata,
}


def content_identity(data: bytes) -> str:
    """A file: its sha256. A .tar.gz: sha256 over (member name, member sha256), bytecode caches left out."""
    if data[:2] != b"\x1f\x8b":
        return "file:" + hashlib.sha256(data).hexdigest()[:16]
    members = []
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(data))) as tar:
        for m in tar.getmembers():
            name = m.name.removeprefix("./")
            if m.isfile() and "__pycache__" not in name.split("/") and not name.endswith(".pyc"):
                members.append((name, hashlib.sha256(tar.extractfile(m).read()).hexdigest()))
    return "tar:" + hashlib.sha256(json.dumps(sorted(members)).encode()).hexdigest()[:16]


def replace_code_uris(node, tokens: dict):
    """Replace every known code URI inside every string (hyperparameters JSON-quote them)."""
    if isinstance(node, dict):
        return {k: replace_code_uris(v, tokens) for k, v in node.items()}
    if isinstance(node, list):
        return [replace_code_uris(v, tokens) for v in node]
    if isinstance(node, str) and "s3://" in node:
        for uri in sorted(tokens, key=len, reverse=True):
            node = node.replace(uri, tokens[uri])
    return node


def code_token(uri: str, data: bytes) -> str:
    return f"<code {content_identity(data)} {uri.rsplit('/', 1)[-1]}>"


def with_code_tokens(result, sdk: dict, sdk_objects: dict) -> tuple:
    """(mlpc's definition, the SDK's) with every code URI replaced by a token of the code's content,
    so mlpc's content-addressed keys and the SDK's generated ones compare."""
    ours = {u.s3_uri: upload_bytes(u, result.base_dir) for u in result.uploads}
    return (replace_code_uris(result.definition, {u: code_token(u, b) for u, b in ours.items()}),
            replace_code_uris(sdk, {u: code_token(u, b) for u, b in sdk_objects.items()}))


def by_name(definition) -> dict:
    """Step name -> step, branches flattened."""
    return {s["Name"]: s for s in iter_steps(definition["Steps"])}


# ---------------------------------------------------------------- building both sides
@pytest.fixture(scope="module")
def pairs(sdk_session, s3_objects):
    """example -> dict(mlpc=..., sdk=..., raw_sdk=..., applied={key: count}, uploads=..., sdk_objects=...)."""
    out = {}
    for example, build in BUILDERS.items():
        result = compile_file(FIXTURES.get(example, ROOT / "pipelines" / f"{example}.yaml"))
        assert result.ok, [d.render() for d in result.diagnostics]
        raw_sdk = json.loads(build(sdk_session).definition())
        objects = s3_objects()  # after definition(): the SDK uploads while rendering step arguments
        ours = {u.s3_uri: upload_bytes(u, result.base_dir) for u in result.uploads}
        sdk = json.loads(json.dumps(raw_sdk))
        applied = {key: fn(sdk) for key, fn in SDK_NORMALISERS.items()}
        out[example] = {
            "mlpc": replace_code_uris(result.definition, {u: code_token(u, b) for u, b in ours.items()}),
            "sdk": replace_code_uris(sdk, {u: code_token(u, b) for u, b in objects.items()}),
            "raw_sdk": raw_sdk, "applied": applied, "uploads": ours, "sdk_objects": objects,
        }
    return out


def _pretty_diff(expected, actual, limit: int = 120) -> str:
    a = json.dumps(expected, indent=1, sort_keys=True).splitlines()
    b = json.dumps(actual, indent=1, sort_keys=True).splitlines()
    lines = list(difflib.unified_diff(a, b, "sdk (normalised)", "mlpc (normalised)", lineterm="", n=2))
    return "\n".join(lines[:limit]) + ("\n..." if len(lines) > limit else "")


# ---------------------------------------------------------------- tests
@pytest.mark.parametrize("example", sorted(BUILDERS))
def test_definition_equals_the_sdks(pairs, example):
    pair = pairs[example]
    assert pair["mlpc"] == pair["sdk"], "definitions differ beyond INTENDED_DIFFERENCES:\n" + _pretty_diff(
        pair["sdk"], pair["mlpc"])


@pytest.mark.parametrize("example", sorted(BUILDERS))
def test_code_is_content_addressed_and_the_same_code_as_the_sdks(pairs, example):
    pair = pairs[example]
    text = json.dumps(pair["raw_sdk"])
    sdk_code = {code_token(u, b) for u, b in pair["sdk_objects"].items() if u in text}
    ours = {code_token(u, b) for u, b in pair["uploads"].items()}
    assert ours, "the example uploads no code: nothing to compare"
    assert ours == sdk_code
    for uri, data in pair["uploads"].items():
        m = re.fullmatch(rf"s3://{BUCKET}/[^/]+/code/([0-9a-f]{{64}})/[^/]+", uri)
        assert m and m.group(1) == hashlib.sha256(data).hexdigest(), uri


def test_every_normalisation_is_needed(pairs):
    """A normaliser that never fires is a stale entry: remove it from INTENDED_DIFFERENCES."""
    keys = {d.key for d in INTENDED_DIFFERENCES if d.normalised and d.key != "code-keys"}
    assert keys == set(SDK_NORMALISERS)
    idle = [k for k in sorted(keys) if not any(p["applied"][k] for p in pairs.values())]
    assert not idle, f"these normalisations changed nothing in any example: {idle}"


def test_the_sdks_own_default_output_path_still_differs(sdk_session):
    """The configured difference: left alone, the SDK really does write under the bucket root."""
    from sagemaker.sklearn import SKLearn
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.steps import TrainingStep
    from sdk_pipelines import ROLE, SCRIPTS

    est = SKLearn(entry_point="train_sklearn.py", source_dir=str(SCRIPTS), framework_version="1.2-1", role=ROLE,
                  instance_type="ml.m5.xlarge", instance_count=1, sagemaker_session=sdk_session)
    step = TrainingStep("Train", step_args=est.fit(f"s3://{BUCKET}/train"))
    definition = json.loads(Pipeline("defaults", steps=[step], sagemaker_session=sdk_session).definition())
    output = definition["Steps"][0]["Arguments"]["OutputDataConfig"]["S3OutputPath"]
    assert output == f"s3://{BUCKET}/" != mlpc_output_path("defaults", "Train")


def render_markdown() -> str:
    lines = [
        DOC_START,
        "## Intended differences from the SageMaker Python SDK v2",
        "",
        "What mlpc emits differently from the SDK for the example pipelines, and why. Generated from "
        "`INTENDED_DIFFERENCES` in `tests/parity/test_sdk_parity.py`; a test fails when the two disagree, and "
        "another when a difference no longer occurs.",
        "",
    ]
    for d in INTENDED_DIFFERENCES:
        lines.append(f"- **{d.title}** (`{d.key}`). {d.reason}  ")
        lines.append(f"  *In the parity test:* {d.handling}")
    lines += ["", DOC_END]
    return "\n".join(lines) + "\n"


def test_docs_list_the_same_differences():
    """docs/sdk-parity.md holds render_markdown() between its markers (MLPC_UPDATE_GOLDEN=1 rewrites it)."""
    section = render_markdown()
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    start, end = text.find(DOC_START), text.find(DOC_END)
    current = text[start:end + len(DOC_END) + 1] if start >= 0 and end > start else None
    if os.environ.get("MLPC_UPDATE_GOLDEN") == "1" and current != section:
        if current is None:
            text = (text or "# Parity with the SageMaker Python SDK\n\n") + section
        else:
            text = text.replace(current, section)
        DOC.write_text(text, encoding="utf-8")
        current = section
    assert current == section, "docs/sdk-parity.md is out of date: run MLPC_UPDATE_GOLDEN=1 pytest tests/parity"
