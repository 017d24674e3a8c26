"""Property: no mutation of the example pipelines crashes the compiler.

Hypothesis mutates `pipelines/*.yaml` and the good fixtures (deletes keys, changes types, pastes
huge strings, nests deeply, writes unicode and wrong references) and compiles the result: the only
allowed outcome is a definition or located diagnostics. Bounded (MAX_EXAMPLES, derandomized) so
it costs a few seconds in CI; raise MLPC_FUZZ_EXAMPLES to search longer.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mlpc.api import compile_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted([*(ROOT / "pipelines").glob("*.yaml"), *(ROOT / "tests/compile/fixtures/good").glob("*.yaml")])
DOCS = {p: yaml.safe_load(p.read_text("utf-8")) for p in SEEDS}
MAX_EXAMPLES = int(os.environ.get("MLPC_FUZZ_EXAMPLES", "40"))

VALUES = [None, 0, -1, 1.5, True, "", "x" * 5000, "ünïcødé ☃ \u202e", [], {}, [1, [2]], {"a": {"b": 1}},
          "${params.Nope}", "${steps.Nope.outputs.x}", "${files.X.y}", "${", "$${x}", "{{ nope }}", "{{",
          "../../../../etc/passwd", "/etc/passwd", "/dev/zero", "s3://", 10 ** 30, "not " * 300 + "x > 1",
          "(" * 300 + "x > 1" + ")" * 300, "a\nb", "import os\nos.system('x')\n", "ml.m5.large",
          "${params.AccuracyThreshold}", "${steps.ModelTraining.outputs.x}", "x >= '0.8'", "a" * 300]
INSERTS = ["$", "{", "}", "'", '"', "\\", ".", "[", "]", " and ", " not ", "☃", "${", "x" * 3000]
KEYS = ["zz", "ünï", "type", "if", "code", "source_dir", "default", "enum", "then", "depends_on", "outputs"]


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, path + (i,))


def _get(node, path):
    for k in path:
        node = node[k]
    return node


def _mutate(doc, data):
    paths = [p for p in _paths(doc) if p]
    if not paths:
        return doc
    path = data.draw(st.sampled_from(paths), label="path")
    parent, key = _get(doc, path[:-1]), path[-1]
    op = data.draw(st.sampled_from(["delete", "replace", "nest", "add", "insert", "copy"]), label="op")
    if op == "delete":
        del parent[key]
    elif op == "replace":
        parent[key] = copy.deepcopy(data.draw(st.sampled_from(VALUES), label="value"))
    elif op == "nest":
        value = parent[key]
        for _ in range(data.draw(st.sampled_from([3, 40, 300]), label="depth")):
            value = [value] if data.draw(st.booleans(), label="list") else {"k": value}
        parent[key] = value
    elif op == "add" and isinstance(parent, dict):
        parent[data.draw(st.sampled_from(KEYS), label="key")] = copy.deepcopy(data.draw(st.sampled_from(VALUES)))
    elif op == "insert" and isinstance(parent[key], str):
        text = parent[key]
        at = data.draw(st.integers(0, len(text)), label="at")
        parent[key] = text[:at] + data.draw(st.sampled_from(INSERTS), label="insert") + text[at:]
    elif op == "copy":
        parent[key] = copy.deepcopy(_get(doc, data.draw(st.sampled_from(paths), label="from")))
    return doc


@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_mutated_examples_never_crash(data):
    seed = data.draw(st.sampled_from(SEEDS), label="seed")
    doc = copy.deepcopy(DOCS[seed])
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        doc = _mutate(doc, data)
    try:
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    except (yaml.YAMLError, RecursionError):
        return  # not representable as YAML: nothing to compile
    result = compile_text(text, str(seed), base_dir=seed.parent)  # must not raise
    if result.ok:
        assert result.definition["Steps"] is not None
    else:
        assert result.diagnostics, "a failed compile must say why"
        for d in result.diagnostics:
            assert d.span is not None and d.span.line >= 1 and d.span.col >= 1, d
            assert d.code and d.message
