"""Compile-time templating: Jinja2 ({{ var }}) in string values, sandboxed and strict.

This is separate from run-time references (${params.X}), which are never
substituted here; they compile to pipeline expressions.
"""

from __future__ import annotations

import re

from functools import lru_cache

from .diagnostics import Diagnostic, did_you_mean

# `{{ name }}` and nothing else Jinja-like: rendered directly (str(value), exactly what Jinja
# prints), so most files never import Jinja2 (~35 ms). Anything else goes to Jinja2.
_SIMPLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@lru_cache(maxsize=1)
def _env():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def _render_simple(text: str, variables: dict) -> str | None:
    """Substitute plain `{{ name }}` placeholders; None when the text needs Jinja2 itself."""
    rest = _SIMPLE.sub("", text)
    if "{{" in rest or "{%" in rest or "{#" in rest or "}}" in rest:
        return None
    if any(m.group(1) not in variables for m in _SIMPLE.finditer(text)):
        return None  # let Jinja2 raise its own undefined-variable error
    return _SIMPLE.sub(lambda m: str(variables[m.group(1)]), text)


def render_tree(data, variables: dict, changed: dict | None = None,
                renamed: dict | None = None) -> tuple[object, list[Diagnostic]]:
    """Render every string scalar, and every mapping key, that contains a template marker.

    `changed`, when given, receives path -> (original, rendered) for every rendered string, so
    positions found in the rendered text can be mapped back to the file; `renamed` receives
    rendered path -> path as written for every rendered key. Paths in diagnostics are as written.
    """
    diags: list[Diagnostic] = []

    def render(text, path, at_key=False):
        try:
            out = _render_simple(text, variables)
            if out is None:
                out = _env().from_string(text).render(variables)
        except Exception as exc:  # any failure of a user's template is a user error
            diag = _template_error(exc, text, path, variables)
            diags.append(diag._replace(at_key=True, offset=0) if at_key else diag)
            return text
        if changed is not None and out != text:
            changed[path] = (text, out)
        return out

    def walk(node, path, new_path):
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                nk = render(k, path + (k,), at_key=True) if _is_template(k) else k
                if nk != k:
                    if nk in node or nk in out:
                        diags.append(Diagnostic("T003", f"key renders to '{nk}', which is already a key here",
                                                path=path + (k,), hint="keys must stay unique after templating", at_key=True))
                        continue
                    if renamed is not None:
                        renamed[new_path + (nk,)] = path + (k,)
                out[nk] = walk(v, path + (k,), new_path + (nk,))
            return out
        if isinstance(node, list):
            return [walk(v, path + (i,), new_path + (i,)) for i, v in enumerate(node)]
        return render(node, path) if _is_template(node) else node

    return walk(data, (), ()), diags


def _is_template(value) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value)


_UNDEFINED = re.compile(r"^'([^']+)' is undefined$")


def _template_error(exc: Exception, text: str, path: tuple, variables: dict) -> Diagnostic:
    from jinja2 import TemplateError, UndefinedError

    first = min((i for i in (text.find("{{"), text.find("{%")) if i >= 0), default=0)
    message = getattr(exc, "message", None) or str(exc)
    m = _UNDEFINED.match(message) if isinstance(exc, UndefinedError) else None
    if m:
        name = m.group(1)
        use = re.search(r"(\{\{|\{%)[^}]*?\b" + re.escape(name) + r"\b", text)
        offset = use.end() - len(name) if use else first
        from .slips import template_hint

        hint = (did_you_mean(name, variables) or template_hint(text, name)
                or "define it under `vars:`, or pass --var NAME=VALUE / --vars-file")
        return Diagnostic("T001", f"undefined template variable '{name}'", path=path, hint=hint, offset=offset)
    if isinstance(exc, TemplateError):
        return Diagnostic("T002", f"template error: {message}", path=path, offset=first,
                          hint="compile-time templates use Jinja2 syntax: {{ name }}, {{ name | default('x') }}")
    return Diagnostic("T002", f"template error: {type(exc).__name__}: {message}", path=path, offset=first)


def referenced_names(data) -> set:
    """Every variable name a template in `data` (string values and keys) reads."""
    names: set = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
            stack.extend(k for k in node if _is_template(k))
        elif isinstance(node, list):
            stack.extend(node)
        elif _is_template(node):
            names.update(_template_names(node))
    return names


def _template_names(text: str) -> set:
    rest = _SIMPLE.sub("", text)
    found = {m.group(1) for m in _SIMPLE.finditer(text)}
    if "{{" in rest or "{%" in rest:
        try:
            from jinja2 import meta

            found |= meta.find_undeclared_variables(_env().parse(text))
        except Exception:  # a template error is reported by render_tree
            pass
    return found


def unknown_variables(given, data, declared) -> list[Diagnostic]:
    """--var names that no template reads and `vars:` does not declare: most likely a typo."""
    from .diagnostics import Span

    known = set(declared) | referenced_names(data)
    out = []
    for name in given:
        if name not in known:
            out.append(Diagnostic("V003", f"--var {name}: no template uses a variable '{name}'",
                                  span=Span("<command line>", 1, 1),
                                  hint=did_you_mean(name, known) or "templates use: " + (", ".join(sorted(known)) or "(none)")))
    return out
