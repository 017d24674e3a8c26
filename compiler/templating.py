"""Compile-time templating: Jinja2 ({{ var }}) in string values, sandboxed and strict.

This is separate from run-time references (${params.X}), which are never
substituted here; they compile to pipeline expressions.
"""

from __future__ import annotations

from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .diagnostics import Diagnostic, did_you_mean

_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


def render_tree(data, variables: dict) -> tuple[object, list[Diagnostic]]:
    """Render every string scalar that contains a template marker."""
    diags: list[Diagnostic] = []

    def walk(node, path):
        if isinstance(node, dict):
            return {k: walk(v, path + (k,)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, path + (i,)) for i, v in enumerate(node)]
        if isinstance(node, str) and ("{{" in node or "{%" in node):
            try:
                return _ENV.from_string(node).render(variables)
            except UndefinedError as exc:
                name = str(exc.message or exc).split("'")[1] if "'" in str(exc) else str(exc)
                hint = did_you_mean(name, variables) or "define it under `vars:`, or pass --var NAME=VALUE / --vars-file"
                diags.append(Diagnostic("T001", f"undefined template variable '{name}'", path=path, hint=hint))
            except TemplateError as exc:
                diags.append(Diagnostic("T002", f"template error: {exc}", path=path,
                                        hint="compile-time templates use Jinja2 syntax: {{ name }}"))
            return node
        return node

    return walk(data, ()), diags
