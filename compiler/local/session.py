"""From a compiled pipeline (+ --param / --stub arguments) to a finished local execution.

Errors are values: every function returns its result and a list of mlpc.errors.MlpcError.
"""

from __future__ import annotations

from pathlib import Path

from ..definition import parameters, parse_param_pairs, referenced_parameters
from ..errors import ArgumentError, MlpcError
from .filehash import HashMemo
from .runner import Event, ExecutionResult, RunOptions, run_definition
from .store import LocalStore, put_local_path, seed_local_data, seed_uploads
from .workspace import Workspace

URI_FIELDS = ("S3Uri", "S3OutputPath", "ModelDataUrl", "S3DataSource", "SampleUri")


def definition_parameters(definition: dict) -> dict:
    """name -> mlpc.model.Parameter, from the definition's Parameters list (mlpc.definition.parameters)."""
    return parameters(definition)


def s3_parameters(definition: dict) -> set[str]:
    """String parameters used as S3 locations: an s3:// default, or referenced from an S3 URI field."""
    params = definition_parameters(definition)
    used = referenced_parameters(definition.get("Steps") or [])
    out = set()
    for name, p in params.items():
        if p.type != "String":
            continue
        fields = used.get(name, set())
        if (isinstance(p.default, str) and p.default.startswith("s3://")) or any(
                f and (f in URI_FIELDS or f.endswith(("Uri", "Url", "S3OutputPath"))) for f in fields):
            out.add(name)
    return out


def parse_parameters(definition: dict, pairs: list[str], store: LocalStore | None = None,
                     bucket: str | None = None, cwd: Path | None = None) -> tuple[dict, list[MlpcError]]:
    """Defaults overridden by `--param NAME=VALUE`, typed (mlpc.definition.parse_param_pairs, as deploy
    parses them). A local path given to an S3 parameter is copied into the store (content-addressed)
    and replaced by its s3:// URI."""
    params = definition_parameters(definition)
    given, texts, problems = parse_param_pairs(pairs, params)
    errors: list[MlpcError] = [ArgumentError(p.message, p.hint) for p in problems]
    values = {n: p.default for n, p in params.items()}
    s3_params = s3_parameters(definition) if store is not None else set()
    for name, value in given.items():
        text = texts[name]
        if name in s3_params and not text.startswith("s3://"):
            local = Path(text[len("file://"):] if text.startswith("file://") else text)
            local = local if local.is_absolute() else (cwd or Path.cwd()) / local
            if not local.exists():
                errors.append(ArgumentError(f"--param {name}: '{text}' is neither an s3:// URI nor a local file or folder"))
                continue
            value, err = put_local_path(store, bucket or _bucket_of(params[name].default), local)
            if err:
                errors.append(ArgumentError(f"--param {name}: {err}"))
                continue
        values[name] = value
    from ..paramcheck import override_problems

    overridden = {n: values[n] for n in given if n in values}
    for name, message, hint in override_problems(definition, overridden):  # what a --param value feeds
        errors.append(ArgumentError(f"--param {name}: {message}", hint))
    for n, v in values.items():
        if v is None:
            errors.append(ArgumentError(f"parameter '{n}' has no default value; pass --param {n}=VALUE"))
    return values, errors


def parse_stubs(pairs: list[str]) -> tuple[dict, list[MlpcError]]:
    """`--stub STEP.OUTPUT=VALUE` (or `--stub STEP`) -> {step: {output: value}}."""
    stubs, errors = {}, []
    for pair in pairs or []:
        target, sep, value = pair.partition("=")
        step, dot, output = target.partition(".")
        if not step or (sep and not dot) or (dot and not output):
            errors.append(ArgumentError(f"--stub '{pair}' is not STEP, or STEP.OUTPUT=VALUE"))
            continue
        outputs = stubs.setdefault(step, {})
        if output:
            outputs[output] = value
    return stubs, errors


def _bucket_of(uri) -> str:
    if isinstance(uri, str) and uri.startswith("s3://"):
        return uri[5:].split("/", 1)[0] or "mlpc-local"
    return "mlpc-local"


def run_compiled(result, workspace: Workspace, *, param_pairs: list[str] | None = None,
                 stub_pairs: list[str] | None = None, use_cache: bool = True, max_parallel: int | None = None,
                 on_event=None, env: str = "host") -> tuple[ExecutionResult | None, list[MlpcError]]:
    """Seed the store from a CompileResult, then run its definition."""
    workspace.ensure()
    store = LocalStore(workspace.s3_dir, HashMemo(workspace.db_path))
    pipeline = result.pipeline
    base_dir = Path(result.base_dir or ".")
    errors: list = [MlpcError(e) for e in seed_uploads(store, result.uploads or [], base_dir)]
    if pipeline is not None:
        errors += [MlpcError(e) for e in seed_local_data(store, pipeline.local_data, base_dir)]
    params, perrors = parse_parameters(result.definition, param_pairs or [], store,
                                       getattr(pipeline, "bucket", None))
    stubs, serrors = parse_stubs(stub_pairs or [])
    errors += perrors + serrors
    if errors:
        return None, errors
    limit = getattr(pipeline, "max_parallel_steps", None)  # ParallelismConfiguration, as SageMaker honours it
    if limit:
        max_parallel = min(max_parallel or limit, limit)
    options = RunOptions(pipeline_name=getattr(pipeline, "name", None) or "local-pipeline",
                         region=getattr(pipeline, "region", None) or "us-east-1", source=result.file,
                         use_cache=use_cache, stubs=stubs, max_parallel=max_parallel, env=env)
    execution, problems = run_definition(result.definition, workspace, params, options, on_event)
    return execution, [MlpcError(p) for p in problems]


__all__ = ["Event", "ExecutionResult", "RunOptions", "parse_parameters", "parse_stubs", "run_compiled",
           "run_definition"]

