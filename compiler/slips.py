"""Hints for the usual slips of users who come from Python, JavaScript, Jinja or the SageMaker SDK.

Tables, not if-chains: each row is what such a user writes and how mlpc spells it. The condition
parser (steps/condition), the resolver and the template renderer ask here once they already
have an error, so a slip never changes what is accepted, only what the hint says.
"""

from __future__ import annotations

import re

# condition operators, written -> mlpc's (longest first: `===` before `=`)
OPERATORS = (("===", "=="), ("!==", "!="), ("&&", "and"), ("||", "or"), ("<>", "!="), ("=<", "<="), ("=>", ">="),
             ("=", "=="), ("&", "and"), ("|", "or"), ("!", "not"))
_OPERATOR_CHARS = "=!<>&|"
# words in a condition, written -> mlpc's
WORDS = {"AND": "and", "And": "and", "OR": "or", "Or": "or", "NOT": "not", "Not": "not", "is": "==", "IS": "==",
         "True": "true", "TRUE": "true", "False": "false", "FALSE": "false"}
# values other languages have and conditions do not
NO_SUCH_VALUE = {"None": "None", "null": "null", "NULL": "null", "nil": "nil", "undefined": "undefined"}
# reference heads, written -> mlpc's
HEADS = {"param": "params", "Param": "params", "Params": "params", "PARAMS": "params", "Parameters": "params",
         "parameter": "params", "Parameter": "params", "pipeline_parameters": "params",
         "Execution": "execution", "exec": "execution", "ExecutionVariables": "execution",
         "execution_variables": "execution",
         "Steps": "steps", "step": "steps", "Step": "steps",
         "file": "files", "Files": "files", "PropertyFiles": "files", "property_files": "files"}
# what follows `steps.X.` when the user meant a property file
FILE_HEADS = ("files", "PropertyFiles", "property_files", "property_file")
RUNTIME_HEADS = ("params", "parameters", "execution", "steps", "files")


def condition_hint(text: str, offset: int) -> str | None:
    """The hint for a condition syntax error at `offset`, when it is a slip from another language."""
    if not isinstance(text, str) or not 0 <= offset <= len(text):
        return None
    start, end = offset, offset
    while start > 0 and text[start - 1] in _OPERATOR_CHARS:
        start -= 1
    while end < len(text) and text[end] in _OPERATOR_CHARS:
        end += 1
    written = text[start:end]
    for slip, meant in OPERATORS:
        if written == slip:
            return f"write `{meant}`, not `{slip}` (conditions use ==, !=, <, <=, >, >=, in, and, or, not)"
    word = re.match(r"[A-Za-z_]+", text[offset:])
    if word and word.group(0) in WORDS:
        return f"write `{WORDS[word.group(0)]}`, not `{word.group(0)}`"
    if text.startswith("(", offset) and re.search(r"\bin\s*$", text[:offset]):
        return "a list is written in brackets: in ['a', 'b']"
    if text.startswith("{{", offset) or text.startswith("${{", offset):
        inner = text[offset:].lstrip("${ ").split("}}", 1)[0].strip()
        return f"`{{{{ }}}}` is a compile-time template; in a condition write {inner or 'params.NAME'} as it is"
    return None


def reference_hint(text: str) -> str | None:
    """The hint for an unknown reference head (`param.X`, `Steps.X`, `True`), when it is a slip."""
    head, dot, rest = text.partition(".")
    if head in HEADS and rest:
        return f"did you mean '{HEADS[head]}.{rest}'?"
    if not dot and head in WORDS:
        return f"write `{WORDS[head]}`, not `{head}`"
    if not dot and head in NO_SUCH_VALUE:
        return f"conditions have no {NO_SUCH_VALUE[head]}: compare with a value, e.g. a parameter's default"
    if not dot and head.lower() in ("true", "false"):
        return f"write `{head.lower()}`"
    return None


def template_hint(text: str, name: str) -> str | None:
    """`{{ params.X }}` (Jinja) where `${params.X}` (a run-time reference) was meant."""
    if name not in RUNTIME_HEADS:
        return None
    m = re.search(r"\{\{-?\s*(" + re.escape(name) + r"(?:\.[\w\-\[\]'\"]+)*)\s*-?\}\}", text)
    ref = m.group(1) if m else f"{name}.NAME"
    return (f"`{{{{ }}}}` is a compile-time template (vars:, --var); a run-time value is written ${{{ref}}} "
            f"(in an `if:` condition: {ref})")


def step_files_hint(step: str, prop: str) -> str | None:
    """`steps.Eval.files.Report.metrics.acc` -> `files.Report.metrics.acc`."""
    head, _, rest = prop.partition(".")
    if head in FILE_HEADS:
        return f"property files are read on their own: write files.{rest or 'NAME.PATH'} (not through steps.{step})"
    return None


# `$params.X` (shell), `{params.X}` (format strings), `{{params.X}}` left by a template, `%(params.X)s`
_UNBRACED = re.compile(r"(?<![\w$])(?:\$(?P<bare>(?:params|parameters|execution|steps|files)\.[\w\-.]*\w)"
                       r"|(?<!\{)\{(?P<braced>(?:params|parameters|execution|steps|files)\.[^{}\s]+)\}(?!\}))")


def unbraced_reference(text: str):
    """-> (offset, what is written, what to write) for reference-like text that is not a `${...}`
    reference, or None."""
    m = _UNBRACED.search(text) if isinstance(text, str) and ("params." in text or "execution." in text
                                                                 or "steps." in text or "files." in text) else None
    if m is None:
        return None
    ref = m.group("bare") or m.group("braced")
    return m.start(), m.group(0), f"${{{ref}}}"


def bracket_output(prop: str) -> str | None:
    """`outputs['train']` (Python's item syntax) -> `outputs.train`."""
    m = re.match(r"""outputs\[\s*['"]?([\w\-]+)['"]?\s*\](.*)""", prop)
    return f"outputs.{m.group(1)}{m.group(2)}" if m else None


def output_hint(step: str, out: str, declared) -> str | None:
    """`outputs.train.S3Uri` / `outputs.train.S3Output.S3Uri`: the named output already is the S3 URI."""
    head = out.split(".", 1)[0]
    if head != out and head in declared:
        return f"steps.{step}.outputs.{head} already is the output's S3 URI; write it without '.{out.split('.', 1)[1]}'"
    return None
