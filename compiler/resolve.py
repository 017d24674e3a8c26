"""Bind `${...}` references to expressions: parameters, execution variables,
step properties (checked against botocore's Describe* shapes) and property files."""

from __future__ import annotations

import re
from functools import lru_cache

from . import stepkinds
from .diagnostics import Diagnostic, did_you_mean
from .expressions import (EXECUTION_VARIABLES, ExecutionVariable, Expr, Join, JsonGet, Malformed, Param, Ref,
                          StepProperty, Unresolved, parse_interpolated)
from .model import Pipeline
from .slips import bracket_output, output_hint, reference_hint, step_files_hint, unbraced_reference

# yaml type -> Describe* operation, from the step-kind table
DESCRIBE = {k.yaml_type: k.describe for k in stepkinds.KINDS if k.describe}
LEAF_TYPES = {"string": "String", "timestamp": "String", "integer": "Integer", "long": "Integer",
              "float": "Float", "double": "Float", "boolean": "Boolean"}
_NAME = re.compile(r"[A-Za-z0-9_\-]+")
SDK_PROPERTIES = "properties."


class Resolver:
    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline
        self.diagnostics: list = []
        self.references: dict = {}  # step -> {referenced step: yaml path}
        self._prop_cache: dict = {}
        self.read: set = set()  # YAML paths whose strings went through value()/ref()

    # -- public ---------------------------------------------------------------
    def value(self, raw, path: tuple, step: str | None):
        """A YAML value -> a literal or an Expr (strings with ${} become Get/Join)."""
        self.read.add(tuple(path))
        if not isinstance(raw, str) or "${" not in raw:
            if isinstance(raw, str) and "$${" in raw:
                return raw.replace("$${", "${")
            if (slip := unbraced_reference(raw)) is not None:
                self.error("R013", f"'{slip[1]}' is not a reference: references are written ${{...}}", path,
                          slip[0], f"write {slip[2]}")
                return Unresolved(raw[:40])
            return raw
        parts = parse_interpolated(raw)
        out, failed = [], False
        for part in parts:
            if isinstance(part, Malformed):
                self.error("R013", part.message, path, part.offset, part.hint)
                failed = True
            elif isinstance(part, Ref):
                expr = self.ref(part, path, step)
                failed |= expr is None
                out.append(expr)
            else:
                out.append(part)
        if failed:  # reported above; a stand-in keeps later checks from echoing the mistake
            return Unresolved(raw)
        if not any(isinstance(p, Expr) for p in out):  # only escapes ($${): a plain string
            return "".join(out)
        if len(out) == 1:
            return out[0]
        return Join("", tuple(out))

    def ref(self, ref: Ref, path: tuple, step: str | None) -> Expr | None:
        self.read.add(tuple(path))
        text = ref.text
        head, _, rest = text.partition(".")
        handler = {"params": self._param, "parameters": self._param, "execution": self._execution,
                   "steps": self._step, "files": self._file}.get(head)
        if handler is None or not rest:
            slip = reference_hint(text)
            hint = slip or (did_you_mean(head, ("params", "execution", "steps", "files")) if handler is None else None)
            if not (slip and not rest):  # a bare word (True, None) is a value slip, not a reference
                hint = (hint + " " if hint else "") + "references start with params., execution., steps. or files."
            self.error("R001", f"unknown reference '{text}'", path, ref.offset, hint)
            return None
        return handler(rest, Ref(text, ref.offset + len(head) + 1), path, step)

    def expr_type(self, value) -> str | None:
        """Type of an expression in JSON form (callback for shape checks)."""
        if not isinstance(value, dict):
            return None
        if "Std:Join" in value:
            return "String"
        get = value.get("Get")
        if not isinstance(get, str):
            return None
        kind, _, rest = get.partition(".")
        if kind == "Parameters":
            p = self.pipeline.parameters.get(rest)
            return p.type if p else None
        if kind == "Execution":
            return "String"
        if kind == "Steps":
            return self._prop_cache.get(rest)
        return None

    # -- handlers -------------------------------------------------------------
    def error(self, code, msg, path, offset=0, hint=None):
        """Record a diagnostic at `path`, `offset` characters into that scalar."""
        self.diagnostics.append(Diagnostic(code, msg, path=path, hint=hint, offset=offset))

    def _param(self, name, ref, path, step):
        p = self.pipeline.parameters.get(name)
        if p is None:
            self.error("R002", f"unknown parameter '{name}'", path, ref.offset,
                      did_you_mean(name, self.pipeline.parameters) or "declare it under `parameters:`")
            return None
        return Param(name, p.type)

    def _execution(self, name, ref, path, step):
        if name not in EXECUTION_VARIABLES:
            self.error("R003", f"unknown execution variable '{name}'", path, ref.offset,
                      did_you_mean(name, EXECUTION_VARIABLES))
            return None
        return ExecutionVariable(name)

    def _file(self, rest, ref, path, step):
        name, _, json_path = rest.partition(".")
        if "[" in name and name.split("[", 1)[0] in self.pipeline.property_files:  # files.R['a']['b']
            base, brackets = name.split("[", 1)
            dotted = ".".join(re.findall(r"""\[\s*['"]?([^'"\]]+)['"]?\s*\]""", "[" + brackets) + [json_path] * bool(json_path))
            self.error("R005", f"'files.{base}' needs a dotted JSON path after the file name", path,
                      ref.offset + len(base), f"write files.{base}.{dotted}")
            return None
        pf = self.pipeline.property_files.get(name)
        if pf is None:
            self.error("R004", f"unknown property file '{name}'", path, ref.offset,
                      did_you_mean(name, self.pipeline.property_files) or "declare it under a processing step's `property_files:`")
            return None
        if not json_path:
            self.error("R005", f"'files.{name}' needs a JSON path, e.g. files.{name}.metrics.accuracy.value",
                      path, ref.offset + len(name))
            return None
        self._use(step, pf.step, path)
        return JsonGet(pf.step, name, json_path)

    def _step(self, rest, ref, path, step):
        m = _NAME.match(rest)
        name = m.group(0) if m else ""
        prop = rest[len(name):].lstrip(".")
        target = self.pipeline.steps.get(name)
        if target is None:
            self.error("R006", f"unknown step '{name}'", path, ref.offset, did_you_mean(name, self.pipeline.steps))
            return None
        if name == step:
            self.error("R007", f"step '{name}' refers to its own properties", path, ref.offset,
                      "a step's properties exist only after it has run")
            return None
        if prop.startswith(SDK_PROPERTIES):  # the SDK's step.properties.X: the same path
            prop, ref = prop[len(SDK_PROPERTIES):], Ref(ref.text, ref.offset + len(SDK_PROPERTIES))
        if not prop:
            self.error("R008", f"'steps.{name}' needs a property, e.g. {_example(target.type)}", path, ref.offset + len(name))
            return None
        if (hint := step_files_hint(name, prop)) is not None:
            self.error("R016", f"'{prop.partition('.')[0]}' is not a property of step '{name}'", path,
                      ref.offset + len(name) + 1, hint)
            return None
        expr = self._property(target, prop, ref, path)
        if expr is not None:
            self._use(step, name, path)
        return expr

    def _property(self, target, prop, ref, path):
        ttype = target.type
        kind = stepkinds.kind(ttype)
        outputs = kind.outputs
        off = ref.offset + len(target.name) + 1
        if kind.properties is not None:  # the kind names its own properties (e.g. a check's baselines)
            expr = stepkinds.load(kind.properties)(target, prop, self, path, off)
            if isinstance(expr, StepProperty):
                self._prop_cache[f"{target.name}.{expr.path}"] = expr.type
            return expr
        if prop.startswith("outputs[") and (dotted := bracket_output(prop)) is not None:  # outputs['train']
            self.error("R009", f"outputs are named with a dot, not {prop[len('outputs'):].split(']')[0]}]", path,
                      off + len("outputs"), f"write steps.{target.name}.{dotted}")
            return None
        if prop.startswith("outputs.") or prop == "outputs":
            out = prop[len("outputs."):]
            declared = target.get("outputs") or {}
            if outputs is None:  # e.g. a training step: its artifact is an alias (model_data)
                self.error("R010", f"{ttype} step '{target.name}' has no named outputs", path, off,
                          _alias_hint(target, kind))
                return None
            if not out and outputs.declared:
                self.error("R009", f"'steps.{target.name}.outputs' needs an output name", path, off,
                          "one of: " + ", ".join(f"steps.{target.name}.outputs.{o}" for o in declared)
                          if declared else "declare it under the step's `outputs:`")
                return None
            if outputs is not None and not outputs.declared:
                prop = outputs.path.format(name=out)
            elif out not in declared:
                self.error("R009", f"step '{target.name}' has no output '{out}'", path, off + len("outputs."),
                          output_hint(target.name, out, declared) or did_you_mean(out, declared)
                          or "declare it under the step's `outputs:`")
                return None
            elif outputs is not None and outputs.typed:
                return StepProperty(target.name, outputs.path.format(name=out), declared[out])
            elif outputs is not None:
                prop = outputs.path.format(name=out)
        elif prop in dict(kind.aliases):
            alias = dict(kind.aliases)[prop]
            if ":" in alias:  # computed, e.g. a tuning step's best model: "module:function"(step, resolver)
                return stepkinds.load(alias)(target, self)
            prop = alias
        op = kind.describe
        if op is None:
            if outputs is not None and outputs.typed:
                hint = f"use steps.{target.name}.outputs.NAME"
            else:
                hint = f"{ttype} steps have no properties to reference"
            self.error("R010", f"cannot read '{prop}' from {ttype} step '{target.name}'", path, off, hint)
            return None
        from . import shapes

        if outputs is not None and outputs.declared:
            prop = self._raw_output(target, outputs, prop, path, off)
            if prop is None:
                return None
        leaf, issue = shapes.property_type(op, prop)
        if issue is not None:
            self.error("R011", f"{issue.message}", path, off + _valid_prefix(op, prop), issue.hint)
            return None
        ptype = LEAF_TYPES.get(leaf)
        if ptype is None:
            self.error("R012", f"'{prop}' of step '{target.name}' is a {leaf}, not a value", path, off,
                      _members_hint(op, prop, leaf))
            return None
        self._prop_cache[f"{target.name}.{prop}"] = ptype
        return StepProperty(target.name, prop, ptype)

    def _raw_output(self, target, outputs, prop, path, off) -> str | None:
        """A raw property path through the outputs (ProcessingOutputConfig.Outputs['train']...)
        names an output the step declares: -> the path (quoted as SageMaker writes it), or None
        after reporting an output the step does not declare."""
        m = _output_pattern(outputs.path).match(prop)
        if m is None:
            return prop
        declared = list(target.get("outputs") or {})
        group = "name" if m.group("name") is not None else "name2"
        name, index = m.group(group), m.group("index")
        if name is not None and name not in declared:
            self.error("R009", f"step '{target.name}' has no output '{name}'", path, off + m.start(group),
                      did_you_mean(name, declared) or ("declared: " + ", ".join(declared) if declared
                                                       else "declare it under the step's `outputs:`"))
            return None
        if index is not None and int(index) >= len(declared):
            self.error("R009", f"step '{target.name}' has {len(declared)} outputs; index {index} is out of range",
                      path, off + m.start("index"),
                      "name it instead: " + ", ".join(f"steps.{target.name}.outputs.{o}" for o in declared)
                      if declared else "declare it under the step's `outputs:`")
            return None
        return prop if name is None else f"{prop[:m.start()]}{m.group(0).split('[')[0]}['{name}']{prop[m.end():]}"

    def _use(self, step, target, path):
        if step is not None:
            self.references.setdefault(step, {}).setdefault(target, path)


_SEGMENT = re.compile(r"\.?(?:[A-Za-z_]\w*|\[[^\]]*\])")


def _valid_prefix(operation: str, prop: str) -> int:
    """Offset of the first segment of `prop` that is not in the Describe* response shape."""
    from . import shapes

    pos = 0
    for m in _SEGMENT.finditer(prop):
        if shapes.property_type(operation, prop[:m.end()])[1] is not None:
            return m.start() + (1 if m.group(0).startswith(".") else 0)
        pos = m.end()
    return pos


def _members_hint(operation: str, prop: str, leaf: str) -> str:
    """Name a few leaves below a structure/list/map property, e.g. ModelArtifacts.S3ModelArtifacts."""
    from . import shapes

    if leaf != "structure":
        return f"index it first, e.g. {prop}[0]" if leaf == "list" else f"index it first, e.g. {prop}['key']"
    table = shapes.load_table()
    shape = table["shapes"][table["operations"][operation]["output"]]
    table = table["shapes"]
    for m in _SEGMENT.finditer(prop):
        seg = m.group(0).lstrip(".")
        if seg.startswith("["):
            shape = table[shape["member" if shape["type"] == "list" else "value"]["shape"]]
        else:
            shape = table[shape["members"][seg]["shape"]]
    members = list(shape.get("members", {}))
    shown = ", ".join(f"{prop}.{m}" for m in members[:4]) + (", ..." if len(members) > 4 else "")
    return f"reference one of its members: {shown}"


@lru_cache(maxsize=None)
def _output_pattern(template: str):
    """ "ProcessingOutputConfig.Outputs['{name}'].S3Output.S3Uri" -> a regex for its list item, by
    name ('x' or "x") or by index."""
    head = template.split("{name}")[0].rstrip("'\"")
    assert head.endswith("["), template
    return re.compile(re.escape(head) + r"""(?:'(?P<name>[^']*)'|"(?P<name2>[^"]*)"|(?P<index>\d+))\]""")


def _alias_hint(target, kind) -> str:
    aliases = [f"steps.{target.name}.{short}" for short, _ in kind.aliases]
    if aliases:
        return "read " + " or ".join(aliases) + (" (its model artifact)" if "model_data" in dict(kind.aliases) else "")
    return f"e.g. steps.{target.name}.{kind.example}"


def _example(step_type: str) -> str:
    return stepkinds.kind(step_type).example
