"""Load YAML with a source map: every node's path -> Span.

Parse errors, duplicate keys and abuse (oversized files, alias bombs) are
returned as diagnostics, never raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .diagnostics import Diagnostic, Span

MAX_BYTES = 2 * 1024 * 1024
MAX_ALIASES = 100


@dataclass
class SourceMap:
    file: str
    values: dict = field(default_factory=dict)  # path -> (line0, col0) of the value node
    keys: dict = field(default_factory=dict)  # path -> (line0, col0) of the mapping key
    styles: dict = field(default_factory=dict)  # path -> scalar style ('' plain, '"', "'", '|', '>')

    def span(self, path: tuple, *, key: bool = False) -> Span:
        """The closest known span for `path` (walking up to the nearest ancestor)."""
        path = tuple(path)
        while True:
            pos = (self.keys.get(path) if key else None) or self.values.get(path) or self.keys.get(path)
            if pos is not None:
                return Span(self.file, pos[0] + 1, pos[1] + 1)
            if not path:
                return Span(self.file, 1, 1)
            path = path[:-1]

    def locate(self, diag: Diagnostic, *, key: bool = False) -> Diagnostic:
        if diag.span is not None:
            return diag
        span = self.span(diag.path, key=key)
        if diag.offset and tuple(diag.path) in self.values and self.styles.get(tuple(diag.path)) in ("", '"', "'"):
            quote = 1 if self.styles.get(tuple(diag.path)) in ('"', "'") else 0
            span = Span(span.file, span.line, span.col + diag.offset + quote)
        return diag.at(span)


@dataclass
class Loaded:
    data: object
    source: SourceMap
    text: str


def _span(file: str, node: Node) -> Span:
    return Span(file, node.start_mark.line + 1, node.start_mark.column + 1)


# libyaml's parser when present (several times faster); marks are kept either way.
_Composer = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_text(text: str, file: str) -> tuple[Loaded | None, list[Diagnostic]]:
    smap = SourceMap(file)
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        return None, [Diagnostic("E001", f"file is larger than {MAX_BYTES // 1024} KiB", span=Span(file, 1, 1),
                                 hint="split the pipeline or remove embedded data")]
    loader = _Composer(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = f"YAML syntax error: {exc.problem or exc.context}"
        if exc.context and exc.problem:
            msg += f" ({exc.context})"
        return None, [Diagnostic("E002", msg, span=Span(file, line, col),
                                 hint="check indentation and quoting on this line or the one above")]
    except yaml.YAMLError as exc:
        return None, [Diagnostic("E002", f"YAML error: {exc}", span=Span(file, 1, 1))]
    finally:
        loader.dispose()
    if root is None:
        return None, [Diagnostic("E003", "file is empty", span=Span(file, 1, 1),
                                 hint="start from `mlpc init` or the examples in pipelines/")]
    diags: list[Diagnostic] = []
    aliases = [0]
    seen_nodes: set[int] = set()

    ctors = loader.yaml_constructors
    values, styles = smap.values, smap.styles

    def build(node: Node, path: tuple):
        nid = id(node)
        if nid in seen_nodes:
            aliases[0] += 1
            if aliases[0] > MAX_ALIASES:
                raise _TooManyAliases(node)
        seen_nodes.add(nid)
        mark = node.start_mark
        if path not in values:
            values[path] = (mark.line, mark.column)
        if node.__class__ is ScalarNode:
            if path not in styles:
                styles[path] = node.style or ""
            ctor = ctors.get(node.tag)
            return ctor(loader, node) if ctor is not None else loader.construct_object(node, deep=True)
        if isinstance(node, SequenceNode):
            return [build(child, path + (i,)) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            loader.flatten_mapping(node)
            out: dict = {}
            for knode, vnode in node.value:
                kctor = ctors.get(knode.tag) if knode.__class__ is ScalarNode else None
                key = kctor(loader, knode) if kctor is not None else loader.construct_object(knode, deep=True)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    diags.append(Diagnostic("E004", "mapping keys must be plain scalars", span=_span(file, knode)))
                    continue
                if isinstance(key, bool) or not isinstance(key, str):
                    key = str(key).lower() if isinstance(key, bool) else str(key)
                if key in out:
                    first = smap.keys.get(path + (key,))
                    diags.append(Diagnostic(
                        "E005", f"duplicate key '{key}'" + (f" (first defined at line {first[0] + 1})" if first else ""),
                        span=_span(file, knode), hint="YAML keeps only the last value; remove one of them"))
                    continue
                kpath = path + (key,)
                smap.keys[kpath] = (knode.start_mark.line, knode.start_mark.column)
                out[key] = build(vnode, kpath)
            return out
        return None

    try:
        data = build(root, ())
    except _TooManyAliases as exc:
        return None, [Diagnostic("E006", f"more than {MAX_ALIASES} alias expansions",
                                 span=_span(file, exc.node), hint="YAML anchors/aliases are limited to stop alias bombs")]
    except yaml.YAMLError as exc:  # constructor errors, e.g. bad timestamps or tags
        mark = getattr(exc, "problem_mark", None)
        span = Span(file, mark.line + 1, mark.column + 1) if mark else Span(file, 1, 1)
        return None, [Diagnostic("E002", f"YAML error: {getattr(exc, 'problem', exc)}", span=span)]
    return Loaded(data, smap, text), diags


class _TooManyAliases(Exception):
    def __init__(self, node: Node):
        self.node = node


def load_file(path: str | FsPath, display: str | None = None) -> tuple[Loaded | None, list[Diagnostic]]:
    name = display or str(path)
    try:
        raw = FsPath(path).read_bytes()
    except FileNotFoundError:
        return None, [Diagnostic("E000", f"no such file: {path}", span=Span(name, 1, 1))]
    except OSError as exc:
        return None, [Diagnostic("E000", f"cannot read {path}: {exc.strerror}", span=Span(name, 1, 1))]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Diagnostic("E001", f"file is not UTF-8 (byte {exc.start})", span=Span(name, 1, 1))]
    return load_text(text, name)
