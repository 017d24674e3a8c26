"""Load YAML with a source map: every node's path -> Span.

Parse errors, duplicate keys and abuse (oversized files, alias bombs) are
returned as diagnostics, never raised.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple
from pathlib import Path as FsPath

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .diagnostics import Diagnostic, Span

MAX_BYTES = 2 * 1024 * 1024
MAX_ALIASES = 100
# Nesting of mappings and lists: a pipeline needs about 8 levels; every later phase walks the tree
# recursively, so the limit keeps them all far from Python's recursion limit.
MAX_DEPTH = 64


class SourceMap:
    """path -> position, for every node of one file (plain class: cheaper to define than a dataclass)."""

    def __init__(self, file: str, text: str = ""):
        self.file = file
        self.values: dict = {}  # path -> (line0, col0) of the value node
        self.keys: dict = {}  # path -> (line0, col0) of the mapping key
        self.styles: dict = {}  # path -> scalar style ('' plain, '"', "'", '|', '>'); scalars only
        self.text = text  # the source, for positions inside scalars
        self.rendered: dict = {}  # path -> (original, rendered) for template-expanded scalars
        self.renamed: dict = {}  # path with a template-rendered key -> the path as written
        self._lines: list | None = None  # text.splitlines(), once
        self._chars: dict = {}  # path -> [(line0, col0) of each character of that scalar's value]
        # Reuse (mlpc.reuse): a value that came from another place is found through a link,
        # path prefix -> (SourceMap, path there): `links` are keyed by paths as written (included
        # files and `extends:` fragments, composed before templating), `late` by paths after
        # templating (`defaults:` applied to the steps). Lookups follow links to the file that wrote it.
        self.links: dict = {}
        self.late: dict = {}
        self.inherited: dict = {}  # path of a step with `extends:` and `omit:` -> the keys its fragments provide
        self.folder = None  # the folder of this file, when it is a fragment (relative paths in it start there)

    def as_written(self, path: tuple) -> tuple:
        """`path` with rendered keys replaced by the keys as written in the file."""
        if self.renamed:
            for i in range(len(path), 0, -1):
                if path[:i] in self.renamed:
                    return self.renamed[path[:i]] + path[i:]
        return path

    def span(self, path: tuple, *, key: bool = False) -> Span:
        """The closest known span for `path` (walking up to the nearest ancestor).

        A mapping or list is located at its key (`inputs:`), a scalar at its value.
        """
        smap, path, _ = self.resolve(path)
        return smap._span(path, key)

    def resolve(self, path: tuple) -> tuple["SourceMap", tuple, tuple | None]:
        """-> (the SourceMap of the file that wrote `path`, the path in that file, the (original,
        rendered) text when templating changed that scalar), following reuse links."""
        smap, path, rendered = self, tuple(path), None
        for _ in range(256):  # links never form a cycle; the bound only guards against a bug
            hop = _longest(smap.late, path) if smap.late else None
            if hop is None:
                path = smap.as_written(path)
                if rendered is None and path in smap.rendered:
                    rendered = smap.rendered[path]
                hop = _longest(smap.links, path) if smap.links else None
                if hop is None:
                    return smap, path, rendered
            smap, path = hop
        return smap, path, rendered  # pragma: no cover

    def _span(self, path: tuple, key: bool) -> Span:
        while True:
            pos = self.keys.get(path) if key or path not in self.styles else None
            pos = pos or self.values.get(path) or self.keys.get(path)
            if pos is not None:
                return Span(self.file, pos[0] + 1, pos[1] + 1)
            if not path:
                return Span(self.file, 1, 1)
            path = path[:-1]

    def locate(self, diag: Diagnostic, *, key: bool = False) -> Diagnostic:
        """Give `diag` its FILE:LINE:COL: the node at its path, plus its offset inside a scalar."""
        if diag.span is not None:
            return diag
        key = key or diag.at_key
        smap, path, rendered = self.resolve(diag.path)
        span = smap._span(path, key)
        if diag.offset and not key and path in smap.styles and path in smap.values:
            offset = diag.offset
            if rendered is not None:
                offset = _original_offset(*rendered, offset)
            line, col = smap._position(path, offset)
            span = Span(span.file, line, col)
        return diag.at(span)

    def _position(self, path: tuple, offset: int) -> tuple[int, int]:
        """Line and column of character `offset` of the scalar at `path`: the scalar's characters are
        walked once and kept, so any number of diagnostics in one long string stay linear."""
        chars = self._chars.get(path)
        if chars is None:
            if self._lines is None:
                self._lines = self.text.splitlines()
            start, style = self.values[path], self.styles[path]
            walker = _block_chars if style in ("|", ">") else _flow_chars
            chars = self._chars[path] = list(walker(self._lines, start[0], start[1], style))
        if 0 <= offset < len(chars):
            line, col = chars[offset]
            return line + 1, col + 1
        if chars:  # the end of the value
            return chars[-1][0] + 1, chars[-1][1] + 2
        start = self.values[path]
        return start[0] + 1, start[1] + 1


def _longest(links: dict, path: tuple):
    """The link of the longest prefix of `path` in `links`, continued by the rest of `path`."""
    for n in range(len(path), -1, -1):
        target = links.get(path[:n])
        if target is not None:
            return target[0], target[1] + path[n:]
    return None


_TEMPLATE_PART = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def _original_offset(original: str, rendered: str, offset: int) -> int:
    """Map an offset in a template-rendered string back to the string as written.

    Linear: the text between template tags is copied unchanged by rendering, so each literal
    piece is found, in order, in the rendered text; an offset inside a tag's output maps to the tag.
    """
    b, tag = 0, None  # position reached in `rendered`; start of the tag before the current literal
    a = 0
    for m in [*_TEMPLATE_PART.finditer(original), None]:
        end = m.start() if m is not None else len(original)
        literal = original[a:end]
        if literal:
            at = rendered.find(literal, b)
            if at < 0:
                return a
            if offset < at:
                return tag if tag is not None else a
            if offset < at + len(literal):
                return a + (offset - at)
            b = at + len(literal)
        if m is None:
            return tag if tag is not None and not literal else len(original)
        tag, a = m.start(), m.end()
    return len(original)  # pragma: no cover - the loop always returns


def _flow_chars(lines, ln, col, style):
    """(line, col) from 0 of each character of a plain or quoted scalar's value."""
    quoted = style in ('"', "'")
    col += 1 if quoted else 0
    while ln < len(lines):
        text = lines[ln]
        end = len(text.rstrip(" \t"))
        i, continued = col, False
        while i < len(text):
            ch = text[i]
            if quoted and ch == style:
                if style == "'" and text[i + 1:i + 2] == "'":
                    yield ln, i
                    i += 2
                    continue
                return
            if style == '"' and ch == "\\":
                nxt = text[i + 1:i + 2]
                if not nxt:  # escaped line break: nothing is produced
                    continued = True
                    break
                yield ln, i
                i += {"x": 4, "u": 6, "U": 10}.get(nxt, 2)
                continue
            if i >= end:  # trailing whitespace before a folded line break
                break
            yield ln, i
            i += 1
        ln += 1
        blanks = 0
        while ln < len(lines) and not lines[ln].strip() and not continued:
            yield ln, 0  # each blank line is a newline
            ln, blanks = ln + 1, blanks + 1
        if ln < len(lines) and not continued and not blanks:
            yield ln - 1, len(text)  # a single line break folds into a space
        if ln < len(lines):
            col = len(lines[ln]) - len(lines[ln].lstrip(" \t"))


def _block_chars(lines, ln, col, style):
    """(line, col) from 0 of each character of a literal (|) or folded (>) block scalar."""
    header = lines[ln][col:] if ln < len(lines) else ""
    digits = [c for c in header.split("#")[0] if c.isdigit()]
    body = range(ln + 1, len(lines))
    first = next((i for i in body if lines[i].strip()), None)
    if first is None:
        return
    indent = int(digits[0]) if digits else len(lines[first]) - len(lines[first].lstrip(" "))
    i = ln + 1
    while i < len(lines):
        text = lines[i]
        if text.strip() and len(text) - len(text.lstrip(" ")) < indent:
            return
        for c in range(indent, len(text)):
            yield i, c
        nxt = i + 1
        if style == ">" and text.strip() and nxt < len(lines) and not lines[nxt].strip():
            i = nxt  # folded: a break followed by blank lines is dropped
            continue
        yield i, len(text)
        i = nxt


class Loaded(NamedTuple):
    data: object
    source: SourceMap
    text: str


def _span(file: str, node: Node) -> Span:
    return Span(file, node.start_mark.line + 1, node.start_mark.column + 1)


# libyaml's parser when present (several times faster); marks are kept either way.
_Composer = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_text(text: str, file: str) -> tuple[Loaded | None, list[Diagnostic]]:
    smap = SourceMap(file, text=text)
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        return None, [Diagnostic("E001", f"file is larger than {MAX_BYTES // 1024} KiB", span=Span(file, 1, 1),
                                 hint="split the pipeline or remove embedded data")]
    loader = _Composer(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in str(exc.problem):  # libyaml's own limit, far above ours
            mark = exc.problem_mark
            return None, [_too_deep(Span(file, mark.line + 1, mark.column + 1))]
        return None, [_syntax_error(exc, text, file)]
    except RecursionError:  # the pure-Python composer, without libyaml
        return None, [_too_deep(Span(file, 1, 1))]
    except yaml.YAMLError as exc:
        return None, [Diagnostic("E002", f"YAML error: {exc}", span=Span(file, 1, 1))]
    finally:
        loader.dispose()
    if root is None:
        return None, [Diagnostic("E003", "file is empty: expected a pipeline document", span=Span(file, 1, 1),
                                 hint="start from `mlpc init` or the examples in pipelines/ (top-level fields: pipeline, parameters, steps)")]
    diags: list[Diagnostic] = []
    aliases = [0]
    seen_nodes: set[int] = set()

    ctors = loader.yaml_constructors
    values, styles = smap.values, smap.styles

    def build(node: Node, path: tuple):
        if len(path) > MAX_DEPTH:
            raise _TooDeep(node)
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
            value = ctor(loader, node) if ctor is not None else loader.construct_object(node, deep=True)
            if isinstance(value, float) and not math.isfinite(value):
                diags.append(Diagnostic("E007", f"{node.value} is not a finite number", span=_span(file, node),
                                        hint="a pipeline definition is JSON, which has no NaN or infinity"))
            return value
        if isinstance(node, SequenceNode):
            return [build(child, path + (i,)) for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return build_mapping(node, path)
        return None

    def build_mapping(node: MappingNode, path: tuple) -> dict:
        own = {id(k) for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"}
        loader.flatten_mapping(node)  # merged (<<) entries first, each overriding the ones before it
        entries, winner = [], {}
        for knode, vnode in node.value:
            kctor = ctors.get(knode.tag) if knode.__class__ is ScalarNode else None
            key = kctor(loader, knode) if kctor is not None else loader.construct_object(knode, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                diags.append(Diagnostic("E004", "mapping keys must be plain scalars", span=_span(file, knode)))
                continue
            if isinstance(key, bool) or not isinstance(key, str):
                key = str(key).lower() if isinstance(key, bool) else str(key)
            is_own = id(knode) in own
            if is_own and key in winner and winner[key][2]:
                first = winner[key][0].start_mark.line + 1
                diags.append(Diagnostic("E005", f"duplicate key '{key}' (first defined at line {first})",
                                        span=_span(file, knode), hint="YAML keeps only the last value; remove one of them"))
                continue
            entries.append(key)
            winner[key] = (knode, vnode, is_own)  # an own key overrides a merged one
        out: dict = {}
        for key in dict.fromkeys(entries):
            knode, vnode, _ = winner[key]
            kpath = path + (key,)
            smap.keys[kpath] = (knode.start_mark.line, knode.start_mark.column)
            out[key] = build(vnode, kpath)
        return out

    try:
        data = build(root, ())
    except _TooManyAliases as exc:
        return None, [Diagnostic("E006", f"more than {MAX_ALIASES} alias expansions",
                                 span=_span(file, exc.node), hint="YAML anchors/aliases are limited to stop alias bombs")]
    except _TooDeep as exc:
        return None, [_too_deep(_span(file, exc.node))]
    except yaml.YAMLError as exc:  # constructor errors, e.g. bad timestamps or tags
        mark = getattr(exc, "problem_mark", None)
        span = Span(file, mark.line + 1, mark.column + 1) if mark else Span(file, 1, 1)
        return None, [Diagnostic("E002", f"YAML error: {getattr(exc, 'problem', exc)}", span=span)]
    return Loaded(data, smap, text), diags


def _too_deep(span: Span) -> Diagnostic:
    return Diagnostic("E008", f"mappings and lists are nested more than {MAX_DEPTH} levels deep", span=span,
                      hint="a pipeline needs a handful of levels; flatten this value")


def _syntax_error(exc, text: str, file: str) -> Diagnostic:
    """A parser error at the point it was noticed, naming where the unfinished construct began."""
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or exc.context
    hint = "check indentation and quoting on this line or the one above"
    lines = text.splitlines()
    char = lines[line - 1][col - 1:col] if 0 < line <= len(lines) else ""
    tab = char == "\t" or "tab" in problem
    if tab:
        problem, hint = "a tab character is not allowed here", "YAML indents with spaces only; replace the tab"
    msg = f"YAML syntax error: {problem}"
    ctx = exc.context_mark
    if exc.context and exc.problem and ctx is not None and not tab:
        where = f"line {ctx.line + 1}, column {ctx.column + 1}"
        msg += f" ({exc.context} that starts at {where})" if (ctx.line, ctx.column) != (line - 1, col - 1) else f" ({exc.context})"
    if "mapping values are not allowed" in problem:
        hint = "a key is indented differently from its siblings, or a value contains ': ' and needs quotes"
    return Diagnostic("E002", msg, span=Span(file, line, col), hint=hint)


class _TooManyAliases(Exception):
    def __init__(self, node: Node):
        self.node = node


class _TooDeep(Exception):
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
        before = raw[:exc.start]
        line, col = before.count(b"\n") + 1, len(before.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
        return None, [Diagnostic("E001", f"file is not UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
                                 span=Span(name, line, col), hint="save the file as UTF-8")]
    return load_text(text, name)
