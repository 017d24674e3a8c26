"""Render the model into a definition: one renderer per step type, from the step-kind table.

Each step's renderer (stepkinds.KINDS[...].renderer) returns a steps.common.Rendered (Arguments
plus their YAML origins); `steps.common.finish_step` then applies, once for every step, the
overlay hook (overlays.py), the botocore shape check, the envelope, retry and cache. The
per-step origins (definition path -> YAML path) are returned with the definition and kept on
api.CompileResult.origins.
"""

from __future__ import annotations


from . import stepkinds
from .diagnostics import Diagnostic, Severity, did_you_mean
from .expressions import Unresolved, to_json
from .graph import Graph, cycle_diagnostic, find_cycle
from .manifest import Upload, code_uri, sourcedir_bytes
from .model import Pipeline
from .paramcheck import parameter_diagnostics
from .pipeline_values import check as check_pipeline_values
from .resolve import Resolver
from .steps.common import SHAPE_CODE

DEFINITION_VERSION = "2020-12-01"


class StepContext:
    """What a renderer needs: the pipeline, the resolver and the upload manifest."""

    def __init__(self, pipeline: Pipeline, resolver: Resolver):
        self.pipeline = pipeline
        self.resolver = resolver
        self.uploads: dict = {}  # s3 uri -> Upload
        self.files_read: list = []  # every code path read, relative to the pipeline's folder (identical copies too)
        self.diagnostics: list = []
        self.reported_once: set = set()  # YAML paths of pipeline-level values that already have a diagnostic

    def value(self, step, key_path: tuple, raw=None):
        """Resolve a step field (by its key path inside the step) into a literal or an expression."""
        if raw is None:
            raw = step.fields
            for k in key_path:
                raw = raw.get(k) if isinstance(raw, dict) else raw[k]
        return self.resolver.value(raw, step.path + tuple(key_path), step.name)

    def tree(self, step, key_path: tuple, raw):
        """Resolve every string in a nested structure (lists, maps)."""
        if isinstance(raw, dict):
            return {k: self.tree(step, key_path + (k,), v) for k, v in raw.items()}
        if isinstance(raw, list):
            return [self.tree(step, key_path + (i,), v) for i, v in enumerate(raw)]
        return self.resolver.value(raw, step.path + tuple(key_path), step.name)

    def error(self, step, key_path: tuple, code: str, message: str, hint: str | None = None):
        self.diagnostics.append(Diagnostic(code, message, path=step.path + tuple(key_path), hint=hint))

    def warning(self, step, key_path: tuple, code: str, message: str, hint: str | None = None):
        self.diagnostics.append(Diagnostic(code, message, path=step.path + tuple(key_path), hint=hint,
                                           severity=Severity.WARNING))

    def project_path(self, step, key_path: tuple, rel, kind: str):
        """A `code:`/`source_dir:` path checked to be a readable file or folder inside the project."""
        from .projectfiles import check_path

        path, problem = check_path(rel, self.pipeline.base_dir, kind=kind, field=key_path[-1])
        if problem is not None:
            self.error(step, key_path, problem.code, problem.message, problem.hint)
        else:
            self.files_read.append(rel)
        return path

    def upload_file(self, step, key_path: tuple, rel: str):
        """-> the code's S3 URI, or Unresolved (reported) so shape checks stay quiet about it."""
        path = self.project_path(step, key_path, rel, "file")
        if path is None:
            return Unresolved(str(rel)[:40])
        data = path.read_bytes()
        uri, digest = code_uri(self.pipeline.bucket, self.pipeline.name, data, path.name)
        self.uploads[uri] = Upload(uri, rel, "file", digest, len(data))
        return uri

    def upload_data(self, data: bytes, filename: str, what: str = "generated") -> str:
        """A file compile generates (e.g. a Clarify analysis config), content-addressed like code."""
        uri, digest = code_uri(self.pipeline.bucket, self.pipeline.name, data, filename)
        self.uploads[uri] = Upload(uri, what, "generated", digest, len(data), data)
        return uri

    def upload_sourcedir(self, step, key_path: tuple, rel: str):
        from .projectfiles import project_root, tree_files

        path = self.project_path(step, key_path, rel, "dir" if key_path[-1] == "source_dir" else "file")
        if path is None:
            return Unresolved(str(rel)[:40])
        if path.is_dir():
            root = project_root(self.pipeline.base_dir)
            for out in tree_files(path, root)[1]:
                self.error(step, key_path, "F004", f"'{out.relative_to(path).as_posix()}' in source_dir '{rel}' leads "
                           f"outside the project ({root})", "a symlink out of the project is never uploaded; copy the file in")
        data = sourcedir_bytes(path)
        uri, digest = code_uri(self.pipeline.bucket, self.pipeline.name, data, "sourcedir.tar.gz")
        self.uploads[uri] = Upload(uri, rel, "sourcedir", digest, len(data))
        return uri


def render_steps(pipeline: Pipeline, ctx: StepContext) -> tuple[dict, dict]:
    """-> ({step: finished step document}, {step: {definition path: YAML path}})."""
    from .steps.common import finish_step

    docs, origins = {}, {}
    for name, step in pipeline.steps.items():
        kind = stepkinds.kind(step.type)
        rendered = stepkinds.load(kind.renderer)(step, ctx)
        docs[name], origins[name] = finish_step(step, kind, rendered, ctx)
    return docs, origins


def render_pipeline(pipeline: Pipeline, *, with_origins: bool = False, files_read: list | None = None):
    """-> (definition dict, uploads, graph, diagnostics), plus the origins if `with_origins`.
    `files_read`, when given, is extended with every code path the renderers read (StepContext.files_read):
    the uploads keep one path per content-addressed URI, so an identical copy elsewhere is only here."""
    resolver = Resolver(pipeline)
    ctx = StepContext(pipeline, resolver)
    if files_read is not None:
        ctx.files_read = files_read
    values = check_pipeline_values(pipeline)  # pipeline.role/region/bucket: once, where written
    ctx.diagnostics += values
    ctx.reported_once.update(d.path for d in values)
    docs, origins = render_steps(pipeline, ctx)
    graph, gdiags = build_graph(pipeline, resolver, docs)
    diags = without_echoes(resolver.diagnostics + ctx.diagnostics) + gdiags + literal_only_references(pipeline, resolver)
    diags += parameter_diagnostics(pipeline, docs, origins, reported=diags)
    if any(d.severity != "warning" for d in diags):
        return (None, [], graph, diags, origins) if with_origins else (None, [], graph, diags)
    warnings = diags  # a renderer's warnings (e.g. J013, I004) go back with the definition
    for name, doc in docs.items():
        deps = _depends_on(pipeline.steps[name])
        if deps:
            doc["DependsOn"] = deps
    for name, doc in docs.items():  # condition branches hold the full step definitions
        for _, key in stepkinds.kind(pipeline.steps[name].type).branches:
            doc["Arguments"][key] = [docs[n] for n in doc["Arguments"][key]]
    nested = _branch_members(pipeline)
    definition = {
        "Version": DEFINITION_VERSION,
        "Metadata": {},
        "Parameters": [_param_json(p) for p in pipeline.parameters.values()],
        "PipelineExperimentConfig": {
            "ExperimentName": {"Get": "Execution.PipelineName"},
            "TrialName": {"Get": "Execution.PipelineExecutionId"},
        },
        "Steps": [to_json(docs[n]) for n in pipeline.steps if n not in nested],
    }
    uploads = sorted(ctx.uploads.values(), key=lambda u: u.s3_uri)
    return (definition, uploads, graph, warnings, origins) if with_origins else (definition, uploads, graph, warnings)


def without_echoes(diags: list) -> list:
    """Drop request-shape findings on a YAML value that already has a more specific diagnostic
    (at that path or inside it): the shape error is an echo of the same mistake. A warning there is not
    the same mistake: the shape error stays."""
    specific = [d.path for d in diags if d.code != SHAPE_CODE and d.severity != "warning"]

    def echoed(d) -> bool:
        n = len(d.path)
        return any(p[:n] == d.path for p in specific)

    return [d for d in diags if d.code != SHAPE_CODE or not echoed(d)]


def literal_only_references(pipeline: Pipeline, resolver: Resolver) -> list:
    """A `${...}` in a field the renderers take literally (e.g. content_types, sqs_queue_url)
    would reach SageMaker as text: report it instead of emitting it."""
    out = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, path + (i,))
        elif isinstance(node, str) and "${" in node.replace("$${", "") and path not in resolver.read:
            field = next((p for p in reversed(path) if isinstance(p, str)), "this field")
            out.append(Diagnostic("R014", f"'{field}' takes a literal value; run-time references are not "
                                          "resolved in this field", path=path, offset=node.find("${"),
                                  hint="use a compile-time template ({{ var }}) or a literal; write $${ for a literal ${"))

    for step in pipeline.steps.values():
        if stepkinds.kind(step.type).interpolated:  # e.g. a condition's `if:` has its own language
            walk(step.fields, step.path)
    return out


def _branch_members(pipeline: Pipeline) -> set:
    out = set()
    for step in pipeline.steps.values():
        for branch, _ in stepkinds.kind(step.type).branches:
            out.update(step.get(branch) or [])
    return out


def _param_json(p) -> dict:
    out = {"Name": p.name, "Type": p.type}
    if p.default is not None:
        out["DefaultValue"] = float(p.default) if p.type == "Float" else p.default
    if p.enum:
        out["EnumValues"] = list(p.enum)
    return out


def _depends_on(step) -> list:
    return list(step.get("depends_on") or [])


def build_graph(pipeline: Pipeline, resolver: Resolver, docs: dict) -> tuple[Graph, list]:
    diags: list[Diagnostic] = []
    graph = Graph(nodes=list(pipeline.steps), types={n: s.type for n, s in pipeline.steps.items()})
    for name, refs in resolver.references.items():
        for target, where in refs.items():
            graph.edges.setdefault((target, name), "data")
            graph.origins.setdefault((target, name), where)
    branch_owner: dict = {}
    for name, step in pipeline.steps.items():
        for i, dep in enumerate(step.get("depends_on") or []):
            path = step.path + ("depends_on", i)
            if dep not in pipeline.steps:
                diags.append(Diagnostic("G002", f"depends_on names unknown step '{dep}'", path=path,
                                        hint=did_you_mean(dep, pipeline.steps)))
            elif dep == name:
                diags.append(Diagnostic("G003", f"step '{name}' depends on itself", path=path))
            else:
                graph.edges.setdefault((dep, name), "depends_on")
                graph.origins.setdefault((dep, name), path)
        for branch, _ in stepkinds.kind(step.type).branches:
            for i, target in enumerate(step.get(branch) or []):
                path = step.path + (branch, i)
                if target not in pipeline.steps:
                    diags.append(Diagnostic("G004", f"condition branch names unknown step '{target}'", path=path,
                                            hint=did_you_mean(target, pipeline.steps)))
                    continue
                if target == name:
                    diags.append(Diagnostic("G005", f"condition '{name}' lists itself in its {branch} branch", path=path))
                    continue
                if target in branch_owner:
                    other = branch_owner[target]
                    diags.append(Diagnostic("G006", f"step '{target}' is already in the {other[1]} branch of '{other[0]}'",
                                            path=path, hint="a step can belong to one condition branch only"))
                    continue
                branch_owner[target] = (name, branch)
                graph.edges[(name, target)] = branch
                graph.origins[(name, target)] = path
    if not diags:
        cycle = find_cycle(graph)
        if cycle:
            diags.append(cycle_diagnostic(graph, cycle, {n: s.path for n, s in pipeline.steps.items()}))
    return graph, diags
