"""Reuse across steps and pipelines: `include:`, `extends:`, `defaults:` and `omit:`.

    include: [../fragments/team.yaml]     # top level: partial pipeline documents, merged first
    defaults:                             # per step type: what every step of that type starts from
      training: {instance_type: ml.m5.xlarge, retry: [...], extends: ../fragments/train.yaml}
    steps:
      Train:
        extends: ../fragments/xgboost-train.yaml   # a partial step (or a list of them)
        omit: [retry]                     # keys this step does not inherit

The result is the document written out by hand, so every later phase (schema, model, render,
diff, graph, the local runner) sees no difference. The merge rule, lowest layer first: a step's
type defaults, then its `extends:` fragments in order, then the step as written; top-level
`include:` files in order, then the file itself. Mappings merge key by key, recursively; lists
and scalars (null included) replace. `omit:` drops top-level keys a step would inherit.

Paths: `include:`/`extends:` paths are relative to the file that writes them and must stay in the
project (mlpc.projectfiles); so are `code:`, `source_dir:`, a lone `entry_point:` and
`pipeline.local.data` paths written in a fragment: they are rewritten to be relative to the
pipeline file. Every value keeps the place it was written (SourceMap links): a diagnostic about
it names the fragment's FILE:LINE:COL.

Two phases: `compose` (files: include and extends, before templating, so `{{ var }}` in a
fragment renders with the pipeline's variables) and `apply_defaults` (after templating, so a
templated default is checked as its value).
"""

from __future__ import annotations

import os
from pathlib import Path

from .diagnostics import Diagnostic, Severity, Span, did_you_mean

MAX_NESTING = 8  # include/extends files within files; real projects need two or three


def _link(home, at: tuple, origin: tuple, late: bool) -> None:
    if origin[0] is home and origin[1] == at:
        return  # written here
    (home.late if late else home.links)[at] = origin


def merge_layers(layers: list, at: tuple, home, late: bool = False):
    """Merge `layers` [(value, (SourceMap, path))], lowest first, into the value at `at` of `home`,
    linking each part to where it was written. Mappings merge recursively; anything else replaces."""
    value, origin = layers[-1]
    _link(home, at, origin, late)
    if not isinstance(value, dict):
        return value
    run = []
    for v, o in reversed(layers):  # the mappings above the last non-mapping
        if not isinstance(v, dict):
            break
        run.append((v, o))
    run.reverse()
    keys = dict.fromkeys(k for v, _ in run for k in v)
    return {k: merge_layers([(v[k], (o[0], o[1] + (k,))) for v, o in run if k in v], at + (k,), home, late)
            for k in keys}


class _File:
    def __init__(self, loaded, path: Path, display: str):
        self.loaded, self.path, self.display = loaded, path, display
        self.source = loaded.source
        self.source.folder = path.parent


class Composer:
    """Loads and composes the files one pipeline includes; collects their diagnostics."""

    def __init__(self, base_dir: Path, display: str):
        from .projectfiles import project_root

        self.base_dir = Path(base_dir)
        self.root = project_root(self.base_dir)
        self.display = display
        self.diagnostics: list[Diagnostic] = []
        self.files: list[Path] = []  # every fragment read, in order
        self._loaded: dict = {}  # real path -> _File | None
        self._composed: dict = {}  # (real path, role) -> composed data

    # -- files -----------------------------------------------------------------------------------
    def _open(self, rel, owner, at: tuple, field: str, chain: tuple) -> _File | None:
        """The fragment `rel` named at `at` in `owner` (a SourceMap whose folder paths start from)."""
        def report(code, message, hint=None):
            self.diagnostics.append(owner.locate(Diagnostic(code, message, path=at, hint=hint)))

        if not isinstance(rel, str) or not rel.strip() or "\0" in rel or "\n" in rel:
            report("D005", f"`{field}` takes a path to a YAML file (or a list of them)",
                   "e.g. ../fragments/training-defaults.yaml, relative to this file")
            return None
        if "{{" in rel or "{%" in rel:
            report("D005", f"`{field}` paths are not templated: {rel!r}",
                   "files are read before templating; write the path itself")
            return None
        folder = owner.folder if owner.folder is not None else self.base_dir
        path = Path(os.path.normpath(Path(folder) / rel))
        from .projectfiles import inside

        if not inside(path, self.root):
            report("D002", f"`{field}` path '{rel}' is outside the project ({self.root})",
                   "only files inside the project (the git work tree holding the pipeline, else its folder) are read")
            return None
        real = path.resolve()
        if real in chain:
            names = [self._short(p) for p in chain[chain.index(real):]] + [self._short(real)]
            report("D003", f"`{field}` cycle: {' -> '.join(names)}", "a file cannot include itself, directly or not")
            return None
        if len(chain) > MAX_NESTING:
            report("D004", f"`{field}` files nest more than {MAX_NESTING} deep", "flatten the chain of fragments")
            return None
        if real in self._loaded:
            return self._loaded[real]
        try:
            found = "file" if path.is_file() else "a folder" if path.is_dir() else "not found"
        except (OSError, ValueError) as exc:  # a name too long for the file system, a NUL byte
            found = f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
        if found != "file":
            hint = "paths are relative to the folder of the file that names them"
            report("D001", f"`{field}` file {str(rel)[:200]!r}: {found}", hint)
            return None
        from .loader import load_file

        loaded, diags = load_file(path, self._name(real))
        self.diagnostics += diags
        self.files.append(path)
        self._loaded[real] = frag = _File(loaded, path, self._name(real)) if loaded is not None else None
        if frag is not None and not isinstance(loaded.data, dict):
            report("D005", f"`{field}` file '{rel}' must hold a mapping", "a fragment is a part of a pipeline or of a step")
            self._loaded[real] = None
            return None
        return frag

    def _short(self, path: Path) -> str:
        """A file's path relative to the pipeline's folder (for messages)."""
        return Path(os.path.relpath(path, self.base_dir.resolve())).as_posix()

    def _name(self, path: Path) -> str:
        """A file's name as diagnostics show it: like the pipeline's, relative to the same place."""
        main_dir = os.path.dirname(self.display)
        rel = os.path.relpath(Path(path).resolve(), self.base_dir.resolve())
        return os.path.normpath(os.path.join(main_dir, rel)) if not rel.startswith("/") else str(path)

    # -- composition -----------------------------------------------------------------------------
    def document(self, data: dict, smap, chain: tuple = ()) -> dict:
        """A pipeline document (or an included part of one) with its includes and extends merged in."""
        data = dict(data)
        for section, role in (("steps", "step"), ("defaults", "defaults")):
            block = data.get(section)
            if isinstance(block, dict):
                data[section] = {name: self.step(spec, smap, (section, name), chain) if isinstance(spec, dict) else spec
                                 for name, spec in block.items()}
        includes = data.pop("include", None)
        if includes is None:
            return data
        if isinstance(includes, str):
            includes = [includes]
            at = lambda i: ("include",)  # noqa: E731
        else:
            at = lambda i: ("include", i)  # noqa: E731
        if not isinstance(includes, list):
            self.diagnostics.append(smap.locate(Diagnostic("D005", "`include` takes a list of paths to YAML files",
                                                           path=("include",))))
            return data
        layers = []
        for i, rel in enumerate(includes):
            frag = self._open(rel, smap, at(i), "include", chain)
            if frag is not None:
                key = (frag.path.resolve(), "document")
                if key not in self._composed:
                    self._composed[key] = self.document(frag.loaded.data, frag.source, chain + (frag.path.resolve(),))
                layers.append((self._composed[key], (frag.source, ())))
        return merge_layers([*layers, (data, (smap, ()))], (), smap)

    def step(self, spec: dict, smap, at: tuple, chain: tuple) -> dict:
        """A step (or a defaults entry, or a step fragment) with its `extends:` merged in under it."""
        if "extends" not in spec:
            return spec
        own = {k: v for k, v in spec.items() if k != "extends"}
        bases = spec["extends"]
        many = isinstance(bases, list)
        omit = set(own.get("omit") or ()) if isinstance(own.get("omit"), list) else set()
        layers, provided = [], set()
        for i, rel in enumerate(bases if many else [bases]):
            frag = self._open(rel, smap, at + (("extends", i) if many else ("extends",)), "extends", chain)
            if frag is None:
                continue
            real = frag.path.resolve()
            key = (real, "step")
            if key not in self._composed:
                self._composed[key] = self.step(frag.loaded.data, frag.source, (), chain + (real,))
            provided.update(self._composed[key])
            base = {k: v for k, v in self._composed[key].items() if k not in omit}
            layers.append((base, (frag.source, ())))
        if "omit" in own:  # apply_defaults checks that each omitted key is inherited from somewhere
            smap.inherited[at] = frozenset(provided)
        return merge_layers([*layers, (own, (smap, at))], at, smap)


def compose(loaded, base_dir: Path, display: str, path: Path | None = None):
    """-> (the document with includes and extends merged in, fragment paths, diagnostics)."""
    composer = Composer(base_dir, display)
    data = loaded.data
    if isinstance(data, dict):
        chain = (Path(path).resolve(),) if path is not None else ()
        data = composer.document(data, loaded.source, chain)
    return data, composer.files, composer.diagnostics


# -- defaults (after templating) ---------------------------------------------------------------------

def apply_defaults(doc, smap) -> tuple[object, list[Diagnostic]]:
    """`defaults:` merged under every step of its type, `omit:` honoured and dropped; `defaults:`
    itself checked against the step type's schema (D006), an unused type a warning (D007)."""
    if not isinstance(doc, dict) or ("defaults" not in doc and not _any_omit(doc)):
        return doc, []
    from .stepkinds import BY_YAML

    diags: list[Diagnostic] = []
    defaults = doc.get("defaults")
    doc = {k: v for k, v in doc.items() if k != "defaults"}
    valid = {}
    if defaults is not None:
        diags += check_defaults(defaults)
        if isinstance(defaults, dict):  # what is wrong is reported once, here, and not applied
            bad = {d.path[1:3] for d in diags if len(d.path) > 1}
            valid = {t: {k: v for k, v in e.items() if (t, k) not in bad} for t, e in defaults.items()
                     if t in BY_YAML and isinstance(e, dict) and (t,) not in bad}
    steps = doc.get("steps")
    used = set()
    if isinstance(steps, dict):
        out = {}
        for name, spec in steps.items():
            at = ("steps", name)
            if not isinstance(spec, dict):
                out[name] = spec
                continue
            stype = spec.get("type") if isinstance(spec.get("type"), str) else None
            omit, odiags = _omit(spec.get("omit"), stype, at)
            diags += odiags
            if omit and not odiags:
                defaulted = (defaults or {}).get(stype) if isinstance(defaults, dict) else None
                diags += _omit_unused(spec["omit"], _inherited(smap, at) | set(defaulted or ()), stype, at)
            own = {k: v for k, v in spec.items() if k != "omit"}
            if isinstance(defaults, dict) and stype in defaults:
                used.add(stype)
            if stype in valid:
                base = {k: v for k, v in valid[stype].items() if k not in omit}
                own = merge_layers([(base, (smap, ("defaults", stype))), (own, (smap, at))], at, smap, late=True)
            out[name] = own
        doc["steps"] = out
    for stype in (defaults or {}) if isinstance(defaults, dict) else ():
        if stype in BY_YAML and stype not in used:
            diags.append(Diagnostic("D007", f"defaults for {stype} steps: no step is of type {stype}",
                                    path=("defaults", stype), at_key=True, severity=Severity.WARNING,
                                    hint="remove them, or check the step types"))
    return doc, diags


def _any_omit(doc: dict) -> bool:
    steps = doc.get("steps")
    return isinstance(steps, dict) and any(isinstance(s, dict) and "omit" in s for s in steps.values())


def _omit(value, stype, at: tuple) -> tuple[set, list[Diagnostic]]:
    if value is None:
        return set(), []
    path = at + ("omit",)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return set(), [Diagnostic("D008", "`omit` takes a list of field names, e.g. [retry, cache]", path=path)]
    fields = _fields(stype)
    out = []
    for i, name in enumerate(value):
        if fields is not None and name not in fields:
            out.append(Diagnostic("D008", f"`omit`: {stype} steps have no field '{name}'", path=path + (i,),
                                  hint=did_you_mean(name, fields)))
    return set(value), out


def _inherited(smap, at: tuple) -> frozenset:
    """The keys the step at `at` inherits from its `extends:` fragments (Composer.step notes them
    in the SourceMap of the file that wrote the step)."""
    owner, path, _ = smap.resolve(at)
    return owner.inherited.get(path, frozenset())


def _omit_unused(names: list, provided: set, stype, at: tuple) -> list[Diagnostic]:
    """D009: an omitted key that no default and no fragment provides (a typo, or a stale omit)."""
    import difflib

    out, others = [], sorted(provided - set(names))
    where = f"the defaults for {stype} steps" if stype else "the step type's defaults"
    for i, name in enumerate(names):
        if name in provided:
            continue
        close = difflib.get_close_matches(name, others, n=1, cutoff=0.6)
        hint = (f"did you mean '{close[0]}'?" if close else
                f"neither {where} nor the step's `extends:` fragments set it; remove it from `omit`")
        out.append(Diagnostic("D009", f"`omit`: nothing this step inherits sets '{name}'", path=at + ("omit", i),
                              severity=Severity.WARNING, hint=hint))
    return out


def _fields(stype) -> set | None:
    from .schema import schema_dict

    props = ((schema_dict().get("$defs") or {}).get(stype) or {}).get("properties")
    return None if props is None else set(props) - {"type", "extends", "omit"}


def check_defaults(defaults) -> list[Diagnostic]:
    """The `defaults:` block against the schema's `defaults` property (every step type's fields,
    none required): unknown types and fields, wrong types, with did-you-mean."""
    from .schema import _explain, schema_dict
    from jsonschema import Draft202012Validator

    root = schema_dict()
    sub = {"properties": {"defaults": root["properties"]["defaults"]}, "$defs": root["$defs"]}
    out = []
    if isinstance(defaults, dict):  # the schema takes any step field here (it checks reusing steps too)
        for stype, entry in defaults.items():
            for field in ("type", "omit"):
                if isinstance(entry, dict) and field in entry:
                    out.append(Diagnostic("D006", f"defaults cannot set `{field}` (defaults/{stype})",
                                          path=("defaults", stype, field), at_key=True,
                                          hint="the step type is the key above; `omit:` belongs on a step"))
        defaults = {t: {k: v for k, v in e.items() if k not in ("type", "omit")} if isinstance(e, dict) else e
                    for t, e in defaults.items()}
    for err in Draft202012Validator(sub).iter_errors({"defaults": defaults}):
        for f in _explain(err):
            message = f.message
            if len(f.path) == 2 and message.startswith("unknown field"):
                message = f"unknown step type '{f.path[1]}' in defaults"
            out.append(Diagnostic("D006", message, path=f.path, hint=f.hint, at_key=f.at_key))
    return out


# -- paths written in fragments ---------------------------------------------------------------------

def rebase_paths(doc, smap, base_dir: Path):
    """Relative paths a fragment wrote (code, source_dir, a lone entry_point, local data) made
    relative to the pipeline's folder, so every later phase reads one folder."""
    if not isinstance(doc, dict) or not (smap.links or smap.late):
        return doc

    def rebase(value, path):
        if not isinstance(value, str) or not value or os.path.isabs(value) or "://" in value:
            return value
        owner = smap.resolve(path)[0]
        if owner is smap or owner.folder is None:
            return value
        return Path(os.path.relpath(os.path.join(os.path.abspath(owner.folder), value),
                                    os.path.abspath(base_dir))).as_posix()

    steps = doc.get("steps")
    if isinstance(steps, dict):
        doc = {**doc, "steps": dict(steps)}
        for name, spec in steps.items():
            if not isinstance(spec, dict):
                continue
            keys = ("code", "source_dir") + (() if spec.get("source_dir") else ("entry_point",))
            changed = {k: rebase(spec[k], ("steps", name, k)) for k in keys if k in spec}
            if any(changed[k] is not spec[k] for k in changed):
                doc["steps"][name] = {**spec, **changed}
    meta = doc.get("pipeline")
    local = meta.get("local") if isinstance(meta, dict) else None
    data = local.get("data") if isinstance(local, dict) else None
    if isinstance(data, dict):
        data = {k: rebase(v, ("pipeline", "local", "data", k)) for k, v in data.items()}
        doc = {**doc, "pipeline": {**meta, "local": {**local, "data": data}}}
    return doc
