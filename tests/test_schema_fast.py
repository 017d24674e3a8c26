"""The schema fast path (a yes/no check) must agree with jsonschema on every document.

If it said "valid" where jsonschema finds errors, mlpc would skip real schema errors;
so every fixture, every example, and a few thousand mutations of the examples are
checked against jsonschema itself.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from mlpc.loader import load_file
from mlpc.schema import schema_dict
from mlpc.schema_fast import compile_schema
from mlpc.templating import render_tree

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "pipelines").glob("*.yaml")) + sorted((ROOT / "tests" / "compile" / "fixtures").rglob("*.yaml"))
FAST = compile_schema(schema_dict())
SLOW = Draft202012Validator(schema_dict())


def _document(path: Path):
    loaded, diags = load_file(path)
    if loaded is None:
        return None
    data = loaded.data
    doc_vars = data.get("vars") if isinstance(data, dict) and isinstance(data.get("vars"), dict) else {}
    rendered, _ = render_tree(data, doc_vars)
    return rendered


def _agree(doc) -> None:
    assert FAST(doc) == (not any(True for _ in SLOW.iter_errors(doc)))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_agrees_on_every_fixture_and_example(path):
    doc = _document(path)
    if doc is None:
        pytest.skip("not loadable YAML (a loader fixture)")
    _agree(doc)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


REPLACEMENTS = [None, True, 0, -1, 1.5, "", "x", "ml.m5.large", [], ["a"], {}, {"type": "fail"}, {"bogus": 1}]


def test_agrees_on_mutations_of_the_examples():
    rng = random.Random(20261126)
    docs = [_document(p) for p in sorted((ROOT / "pipelines").glob("*.yaml"))]
    checked = disagreements = invalid = 0
    for _ in range(1500):
        doc = copy.deepcopy(rng.choice(docs))
        path = rng.choice([p for p in _paths(doc) if p])
        parent = doc
        for k in path[:-1]:
            parent = parent[k]
        action = rng.random()
        if action < 0.3 and isinstance(parent, dict):
            del parent[path[-1]]
        elif action < 0.45 and isinstance(parent, dict):
            parent[f"unknown_{rng.randint(0, 9)}"] = 1
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(REPLACEMENTS))
        fast = FAST(doc)
        slow = not any(True for _ in SLOW.iter_errors(doc))
        checked += 1
        disagreements += fast != slow
        invalid += not slow
        assert fast == slow, f"mutation at {path}: fast={fast} jsonschema={slow}"
    assert checked == 1500 and disagreements == 0
    assert 300 < invalid < 1500, invalid  # the mutations exercise both answers
