"""The compile pipeline: load -> template -> schema -> model -> resolve/render -> order -> emit.

`compile_file` never raises for user mistakes: everything wrong is returned
as diagnostics with FILE:LINE:COL spans.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .diagnostics import Diagnostic, Span, sort_diagnostics
from .manifest import Upload
from .model import Pipeline


class CompileResult:
    """Everything one compile produced; filled in phase by phase."""

    def __init__(self, file: str, base_dir: Path | None = None):
        self.file = file
        self.base_dir = base_dir
        self.diagnostics: list[Diagnostic] = []
        self.definition: dict | None = None
        self.definition_json: str | None = None
        self.uploads: list[Upload] = []
        self.pipeline: Pipeline | None = None
        self.graph = None  # mlpc.graph.Graph
        self.warnings: list[Diagnostic] = []  # reported, but they don't fail the compile
        self.source = None  # mlpc.loader.SourceMap of the file: YAML path -> FILE:LINE:COL
        self.document: dict | None = None  # the YAML after templating (what the model was built from)
        # files included or extended (mlpc.reuse), read along with the pipeline file
        self.fragments: list[Path] = []
        # code files and source_dir folders read (relative to the pipeline file's folder), filled by rendering
        self.code_paths: list[str] = []
        # step name -> {path inside that step's document, e.g. ("Arguments", "RoleArn") or
        # ("CacheConfig",) -> YAML path}: where each part of the definition came from
        # (steps.common.finish_step builds it). Filled when rendering ran.
        self.origins: dict[str, dict[tuple, tuple]] = {}

    def origin_of(self, step: str, path: tuple) -> tuple | None:
        """The YAML path a part of step `step`'s document came from (nearest recorded ancestor)."""
        table = self.origins.get(step)
        if table is None:
            return None
        path = tuple(path)
        for n in range(len(path), -1, -1):
            if path[:n] in table:
                return table[path[:n]]
        return None

    def span_of(self, step: str, path: tuple) -> Span | None:
        """FILE:LINE:COL of a part of a step's definition, e.g. span_of("Train", ("Arguments", "RoleArn"))."""
        yaml_path = self.origin_of(step, path)
        if yaml_path is None or self.source is None:
            return None
        return self.source.span(yaml_path)

    def fragment_paths(self) -> list[str]:
        """The included and extended files, relative to the pipeline file's folder (as code paths are)."""
        import os

        base = os.path.abspath(self.base_dir or ".")
        return [Path(os.path.relpath(os.path.abspath(p), base)).as_posix() for p in self.fragments]

    @property
    def ok(self) -> bool:
        return self.definition_json is not None and not self.diagnostics


_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_var_args(pairs: list[str]) -> tuple[dict, list[Diagnostic]]:
    out, diags = {}, []
    for p in pairs or []:
        if "=" not in p:
            diags.append(Diagnostic("V001", f"--var '{p}' is not NAME=VALUE", span=Span("<command line>", 1, 1),
                                    hint="e.g. --var bucket=my-bucket"))
            continue
        k, v = p.split("=", 1)
        if not _VAR_NAME.fullmatch(k.strip()):
            diags.append(Diagnostic("V001", f"--var '{p}': '{k}' is not a template variable name", span=Span("<command line>", 1, 1),
                                    hint="names are letters, digits and _, not starting with a digit, e.g. --var bucket=my-bucket"))
            continue
        out[k.strip()] = v
    return out, diags


def load_vars_files(files: list[Path]) -> tuple[dict, list[Diagnostic]]:
    from .loader import load_file

    out, diags = {}, []
    for f in files or []:
        loaded, d = load_file(f)
        diags += d
        if loaded is None:
            continue
        if not isinstance(loaded.data, dict):
            diags.append(Diagnostic("V002", "a vars file must be a mapping of NAME: VALUE", span=Span(str(f), 1, 1)))
            continue
        out.update(loaded.data)
    return out, diags


def compile_file(path: str | Path, variables: dict | None = None, vars_files: list[Path] | None = None,
                 display: str | None = None) -> CompileResult:
    """Compile one pipeline YAML file. Pure except for reading the file and its code files."""
    from .loader import load_file

    path = Path(path)
    name = display or str(path)
    result = CompileResult(file=name, base_dir=path.parent)
    loaded, diags = load_file(path, name)
    if loaded is None:
        result.diagnostics = diags
        return result
    file_vars, vdiags = load_vars_files(vars_files or [])
    if vdiags:
        result.diagnostics = diags + vdiags
        return result
    return _compile_loaded(loaded, path.parent, {**file_vars, **(variables or {})}, result, diags, cli_vars=variables,
                           path=path)


def compile_text(text: str, file: str = "pipeline.yaml", base_dir: Path | None = None,
                 variables: dict | None = None) -> CompileResult:
    from .loader import load_text

    base = base_dir or Path(".")
    result = CompileResult(file=file, base_dir=base)
    loaded, diags = load_text(text, file)
    if loaded is None:
        result.diagnostics = diags
        return result
    return _compile_loaded(loaded, base, variables or {}, result, diags)


def _compile_loaded(loaded, base_dir: Path, variables: dict, result: CompileResult, diags: list,
                    cli_vars: dict | None = None, path: Path | None = None) -> CompileResult:
    from . import reuse, schema, templating

    smap = loaded.source
    result.source = smap
    data, result.fragments, cdiags = reuse.compose(loaded, base_dir, result.file, path)
    located = list(diags) + cdiags
    if cdiags:  # a fragment missing or broken: what follows would only repeat it
        result.diagnostics = sort_diagnostics(located)
        return result
    doc_vars = data.get("vars") if isinstance(data, dict) and isinstance(data.get("vars"), dict) else {}
    rendered, tdiags = templating.render_tree(data, {**doc_vars, **variables}, smap.rendered, smap.renamed)
    tdiags += templating.unknown_variables(cli_vars or {}, data, doc_vars)
    rendered, ddiags = reuse.apply_defaults(rendered, smap)
    reuse_warnings = [smap.locate(d) for d in ddiags if d.severity == "warning"]
    rendered = reuse.rebase_paths(rendered, smap, base_dir)
    early = tdiags + [d for d in ddiags if d.severity != "warning"]
    early += [d._replace(at_key=True) if at_key else d for d, at_key in schema.validate_document(rendered)]
    located += [smap.locate(d) for d in early]
    if located:
        # every mistake at once: check what the early mistakes leave intact (the rest of the steps)
        from .salvage import salvage

        saved = salvage(rendered, early, schema.validate_document) if early else None
        if saved is not None:
            later = _semantic(saved.document, base_dir, result)[-1]
            located += [smap.locate(d) for d in later if not saved.is_consequence(d)]
        result.pipeline, result.graph, result.origins = None, None, {}
        result.diagnostics = sort_diagnostics(located)
        return result
    result.document = rendered
    definition, uploads, found = _semantic(rendered, base_dir, result)
    if any(d.severity != "warning" for d in found):  # the warnings are shown with the errors
        result.diagnostics = sort_diagnostics(smap.locate(d) for d in found)
        return result
    from .emit import check_size, emit_json

    from .branches import check_reachability
    from .paramcheck import unused_parameters

    text = emit_json(definition)
    reach_warnings = [d for d in check_reachability(result.pipeline, result.graph) if d.severity == "warning"]
    warnings = check_size(text) + unused_parameters(result.pipeline, definition) + reach_warnings + found
    result.warnings = sort_diagnostics([*reuse_warnings, *(smap.locate(d) for d in warnings)])
    result.definition, result.definition_json, result.uploads = definition, text, uploads
    return result


def _semantic(document: dict, base_dir: Path, result: CompileResult) -> tuple:
    """model -> resolve/render -> checks on a schema-valid document: (definition, uploads, diagnostics)."""
    from .emit import check_names
    from .model import build_model
    from .projectfiles import check_local_data
    from .render import render_pipeline

    pipeline, mdiags = build_model(document, base_dir)
    mdiags += check_local_data(pipeline)
    result.pipeline = pipeline
    definition, uploads, graph, rdiags, result.origins = render_pipeline(pipeline, with_origins=True,
                                                                         files_read=result.code_paths)
    if definition is not None and pipeline.notifications:
        from .notify import check_notifications

        rdiags = rdiags + check_notifications(pipeline, definition)
    result.graph = graph
    from .branches import check_reachability

    reach = [d for d in check_reachability(pipeline, graph) if d.severity != "warning"] if graph is not None else []
    return definition, uploads, mdiags + rdiags + reach + check_names(pipeline)


def definition_sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pretty(definition: dict) -> str:
    return json.dumps(definition, indent=2, sort_keys=True)
