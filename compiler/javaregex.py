"""botocore's patterns are Java regular expressions; translate the Java-only parts for Python's `re`.

SageMaker's model uses `\\p{L}`, `\\p{M}`, `\\p{Z}`, `\\p{S}`, `\\p{N}`, `\\p{P}` (Unicode general
categories), `\\p{Alnum}` (POSIX, ASCII in Java), UTF-16 surrogate ranges for the supplementary
planes (`\\uD800\\uDC00-\\uDBFF\\uDFFF`) and a quantified end anchor (`${1,128}`). Each is
rewritten to what Python's `re` understands: categories become explicit code-point ranges,
computed once from `unicodedata` and cached on disk per Unicode version.
"""

from __future__ import annotations

import re
from functools import lru_cache

POSIX = {"Alnum": "a-zA-Z0-9", "Alpha": "a-zA-Z", "Digit": "0-9", "Upper": "A-Z", "Lower": "a-z",
         "XDigit": "0-9a-fA-F", "Space": " \\t\\n\\x0b\\f\\r", "Punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")}
_PROP = re.compile(r"\\([pP])\{(\w+)\}")
_SURROGATES = "\\uD800\\uDC00-\\uDBFF\\uDFFF"
# what a \p{..} class admits, in words (for hints)
WORDS = {"L": "letters", "M": "combining marks", "Z": "spaces", "S": "symbols", "N": "digits", "P": "punctuation",
         "C": "control characters", "Alnum": "ASCII letters and digits", "Alpha": "ASCII letters",
         "Digit": "digits", "Upper": "upper-case letters", "Lower": "lower-case letters", "Punct": "punctuation",
         "Space": "white space", "XDigit": "hex digits"}
_CLASS = re.compile(r"\[((?:\\.|[^\]\\])*)\]")


def explain(pattern: str) -> str | None:
    """`[\\p{L}\\p{Z}_.:/=+\\-@]*` -> "letters, spaces and _.:/=+-@": the first character class of a
    pattern with Java property classes, in words; None when there is none."""
    m = _CLASS.search(pattern)
    if m is None or not _PROP.search(m.group(1)):
        return None
    body = m.group(1)
    words = [WORDS.get(p.group(2), p.group(0)) for p in _PROP.finditer(body)]
    rest = re.sub(r"\\(.)", r"\1", _PROP.sub("", body))
    if rest:
        words.append(rest)
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]


def translate(pattern: str, ascii_only: bool = False) -> str | None:
    """A Python pattern matching what the Java `pattern` matches, or None when it cannot be translated.
    `ascii_only`: the pattern only has to be right for ASCII text (instant; no Unicode table)."""
    out = pattern.replace(_SURROGATES, "\\U00010000-\\U0010FFFF")
    out = re.sub(r"\$\{\d+(?:,\d*)?\}", "$", out)  # Java's quantified end anchor: the anchor
    pieces, depth, pos = [], 0, 0
    for m in _PROP.finditer(out):
        pieces.append(out[pos:m.start()])
        depth = _class_depth(out, m.start())
        body = _body(m.group(2), ascii_only)
        if body is None:
            return None
        negate = m.group(1) == "P"
        if depth:
            if negate:
                return None  # a negated property inside a class has no range form
            pieces.append(body)
        elif body:
            pieces.append(f"[{'^' if negate else ''}{body}]")
        else:  # no such characters (only possible for the ASCII subset)
            pieces.append("[\\s\\S]" if negate else "(?!)")
        pos = m.end()
    pieces.append(out[pos:])
    text = "".join(pieces)
    try:
        re.compile(text)
    except re.error:
        return None
    return text


def _class_depth(text: str, at: int) -> int:
    """1 when position `at` is inside a [...] character class."""
    inside, i = False, 0
    while i < at:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[" and not inside:
            inside = True
        elif ch == "]" and inside:
            inside = False
        i += 1
    return 1 if inside else 0


def _body(name: str, ascii_only: bool) -> str | None:
    if name in POSIX:
        return POSIX[name]
    if len(name) in (1, 2) and name[0] in "LMNPSZC":
        return _ranges(_ascii_categories().get(name[0], []) if ascii_only else category_table().get(name[0], []),
                       name)
    return None


def _ascii_categories() -> dict:
    import unicodedata

    table: dict = {}
    for cp in range(128):
        table.setdefault(unicodedata.category(chr(cp))[0], []).append((cp, unicodedata.category(chr(cp))))
    return table


@lru_cache(maxsize=1)
def category_table() -> dict:
    """Major category letter -> runs [(start, end, category), ...] of consecutive code points,
    from one pass over every code point, cached on disk per Unicode version."""
    import unicodedata

    from .diskcache import cache_file, read_json, write_json

    path = cache_file(f"unicode-categories-{unicodedata.unidata_version}.json")
    memo = read_json(path)
    if isinstance(memo, dict) and memo:
        return {k: [tuple(r) for r in v] for k, v in memo.items()}
    runs: dict = {}
    cat_of = unicodedata.category
    start, current = 0, cat_of("\x00")
    for cp in range(1, 0x110000):
        cat = cat_of(chr(cp))
        if cat != current:
            runs.setdefault(current[0], []).append((start, cp - 1, current))
            start, current = cp, cat
    runs.setdefault(current[0], []).append((start, 0x10FFFF, current))
    write_json(path, runs)
    return runs


def _ranges(runs, name: str) -> str:
    """Character-class body for the runs whose category starts with `name` (e.g. "L" or "Lu")."""
    out = []
    for run in runs:
        a, b, cat = run if len(run) == 3 else (run[0], run[0], run[1])
        if cat.startswith(name):
            out.append(_esc(a) if a == b else f"{_esc(a)}-{_esc(b)}")
    return "".join(out)


def _esc(cp: int) -> str:
    return f"\\U{cp:08x}"
