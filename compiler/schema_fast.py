"""A fast yes/no check for the JSON Schema keywords our pipeline schema uses.

Valid documents (the common case) never import jsonschema (~80 ms) or pay its
per-node overhead (~1 ms per step). When this says "no", schema.py runs
jsonschema for the full, best-match error messages, so jsonschema stays the
authority on what is wrong; tests check that both agree on every fixture.
A keyword this module does not know compiles to "no" (fall back to jsonschema).
The schema is compiled once into closures.
"""

from __future__ import annotations

import re

_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "x-expected", "x-required", "$defs", "format"})
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _yes(_):
    return True


def _no(_):
    return False


def _equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


class Compiler:
    def __init__(self, root: dict):
        self.root = root
        self.refs: dict = {}

    def compile(self, schema):
        if schema is True or schema == {}:
            return _yes
        if schema is False:
            return _no
        checks = []
        for key, value in schema.items():
            if key in _ANNOTATIONS:
                continue
            build = getattr(self, "_k_" + key.lstrip("$"), None)
            if build is None:
                return _no
            check = build(value, schema)
            if check is not None:
                checks.append(check)
        if len(checks) == 1:
            return checks[0]
        return lambda v: all(c(v) for c in checks)

    # -- keywords -------------------------------------------------------------
    def _k_ref(self, ref, _):
        if not ref.startswith("#/"):
            return _no
        name = ref[2:]

        def check(v):  # compiled on first use: most documents use a few of the step types
            fn = self.refs.get(name)
            if fn is None:
                target = self.root
                for part in name.split("/"):  # a JSON pointer, e.g. $defs/training/properties/retry
                    target = target[part.replace("~1", "/").replace("~0", "~")]
                fn = self.refs[name] = self.compile(target)
            return fn(v)
        return check

    def _k_type(self, t, _):
        preds = [_TYPES[x] for x in ((t,) if isinstance(t, str) else t)]
        return lambda v: any(p(v) for p in preds)

    def _k_enum(self, values, _):
        return lambda v: any(_equal(v, e) for e in values)

    def _k_const(self, value, _):
        return lambda v: _equal(v, value)

    def _k_pattern(self, pattern, _):
        rx = re.compile(pattern)
        return lambda v: not isinstance(v, str) or rx.search(v) is not None

    def _k_minLength(self, n, _):
        return lambda v: not isinstance(v, str) or len(v) >= n

    def _k_maxLength(self, n, _):
        return lambda v: not isinstance(v, str) or len(v) <= n

    def _k_minimum(self, n, _):
        return lambda v: isinstance(v, bool) or not isinstance(v, (int, float)) or v >= n

    def _k_maximum(self, n, _):
        return lambda v: isinstance(v, bool) or not isinstance(v, (int, float)) or v <= n

    def _k_minItems(self, n, _):
        return lambda v: not isinstance(v, list) or len(v) >= n

    def _k_maxItems(self, n, _):
        return lambda v: not isinstance(v, list) or len(v) <= n

    def _k_uniqueItems(self, flag, _):
        if not flag:
            return None
        return lambda v: not isinstance(v, list) or len({repr(x) for x in v}) == len(v)

    def _k_maxItems(self, n, _):
        return lambda v: not isinstance(v, list) or len(v) <= n

    def _k_items(self, sub, _):
        check = self.compile(sub)
        return lambda v: not isinstance(v, list) or all(check(x) for x in v)

    def _k_minProperties(self, n, _):
        return lambda v: not isinstance(v, dict) or len(v) >= n

    def _k_maxProperties(self, n, _):
        return lambda v: not isinstance(v, dict) or len(v) <= n

    def _k_required(self, names, _):
        return lambda v: not isinstance(v, dict) or all(k in v for k in names)

    def _k_propertyNames(self, sub, _):
        check = self.compile(sub)
        return lambda v: not isinstance(v, dict) or all(check(k) for k in v)

    def _k_properties(self, props, schema):
        compiled = {k: self.compile(s) for k, s in props.items()}
        patterns = [(re.compile(p), self.compile(s)) for p, s in (schema.get("patternProperties") or {}).items()]
        extra = self.compile(schema.get("additionalProperties", True))

        def check(v):
            if not isinstance(v, dict):
                return True
            for k, x in v.items():
                c = compiled.get(k)
                if c is not None:
                    if not c(x):
                        return False
                    continue
                hits = [pc for rx, pc in patterns if rx.search(k)]
                if not (all(pc(x) for pc in hits) if hits else extra(x)):
                    return False
            return True
        return check

    def _k_patternProperties(self, props, schema):
        if "properties" in schema:
            return None  # handled together with properties
        return self._k_properties({}, schema)

    def _k_additionalProperties(self, sub, schema):
        if "properties" in schema or "patternProperties" in schema:
            return None  # handled together with properties
        extra = self.compile(sub)
        return lambda v: not isinstance(v, dict) or all(extra(x) for x in v.values())

    def _k_allOf(self, subs, _):
        checks = [self.compile(s) for s in subs]
        return lambda v: all(c(v) for c in checks)

    def _k_anyOf(self, subs, _):
        checks = [self.compile(s) for s in subs]
        return lambda v: any(c(v) for c in checks)

    def _k_oneOf(self, subs, _):
        checks = [self.compile(s) for s in subs]
        return lambda v: sum(1 for c in checks if c(v)) == 1

    def _k_if(self, sub, schema):
        cond = self.compile(sub)
        then = self.compile(schema.get("then", True))
        otherwise = self.compile(schema.get("else", True))
        return lambda v: then(v) if cond(v) else otherwise(v)

    def _k_then(self, sub, schema):
        return None  # handled by `if`

    def _k_else(self, sub, schema):
        return None  # handled by `if`


def compile_schema(schema: dict):
    return Compiler(schema).compile(schema)
