"""The step-kind table is the one place a step type is decided; the overlay hook and the origins."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlpc import overlays, shapes, stepkinds
from mlpc.api import compile_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "pipelines" / "breast-cancer.yaml"


@pytest.mark.parametrize("kind", stepkinds.KINDS, ids=lambda k: k.yaml_type)
def test_every_lazy_path_of_the_table_loads(kind):
    assert callable(stepkinds.load(kind.renderer))
    assert kind.executor is None or callable(stepkinds.load(kind.executor))
    fragment = stepkinds.load(kind.schema)
    assert fragment["type"] == "object" and "type" in fragment["properties"]
    table = shapes.load_table()
    for op in (kind.request, kind.describe):
        assert op is None or op in table["operations"], op
    for member, _path in kind.aliases:
        assert isinstance(member, str)


def test_the_committed_schema_is_what_gen_schema_builds_from_the_table(tmp_path):
    committed = json.loads((ROOT / "schemas" / "pipeline.schema.json").read_text())
    code = ("import runpy, sys; ns = runpy.run_path('tools/gen_schema.py', run_name='x'); "
            "sys.stdout.write(ns['build']()[0])")  # the schema as written: with its descriptions
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    assert json.loads(out) == committed, "run `python tools/gen_schema.py` and commit the result"
    assert committed["$defs"].keys() == set(stepkinds.YAML_TYPES)
    assert committed["$defs"]["processing"]["properties"]["type"]["enum"] == list(stepkinds.YAML_TYPES)


# Modules that must read the step type from the table, not spell step types themselves.
READERS = ("resolve.py", "render.py", "cachekey.py", "graphviz.py", "steps/common.py", "local/executors/__init__.py")


@pytest.mark.parametrize("module", READERS)
def test_table_readers_do_not_name_step_types(module):
    names = set(stepkinds.YAML_TYPES) | set(stepkinds.BY_DEFINITION)
    tree = ast.parse((ROOT / "compiler" / module).read_text())
    found = sorted({n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in names})
    assert not found, f"{module} decides step types itself: {found}; put it in mlpc.stepkinds"


def test_compile_imports_neither_the_local_runner_nor_boto3():
    code = ("import sys; from mlpc.api import compile_file; r = compile_file(sys.argv[1]); assert r.ok; "
            "print(sorted(m for m in sys.modules if m.startswith(('mlpc.local', 'boto3'))))")
    out = subprocess.run([sys.executable, "-c", code, str(EXAMPLE)], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def test_origins_point_every_part_of_a_step_at_its_yaml(monkeypatch):
    result = compile_file(EXAMPLE)
    assert result.ok
    span = result.span_of("ModelTraining", ("Arguments", "ResourceConfig", "InstanceType"))
    line = EXAMPLE.read_text().splitlines()[span.line - 1]
    assert line[span.col - 1:].startswith(("ml.", "\"ml.", "${", "\"${")) and "instance_type" in line
    assert result.origin_of("ModelTraining", ("CacheConfig", "Enabled")) == ("steps", "ModelTraining", "cache")
    # every step has origins; nested members fall back to the nearest recorded ancestor
    assert set(result.origins) == set(result.pipeline.steps)
    assert result.origin_of("ModelTraining", ("Arguments", "Nothing", "Here")) == ("steps", "ModelTraining")


# ------------------------------------------------------------------ the overlay hook

def _overlay_vpc(step, kind, rendered, ctx):
    where = {"Processing": ("NetworkConfig", "VpcConfig"), "Training": ("VpcConfig",)}.get(kind.definition_type)
    if where:
        rendered.put(where, {"SecurityGroupIds": ["sg-0123456789abcdef0"], "Subnets": ["subnet-0123456789abcdef0"]},
                     origin=("pipeline", "name"))


def _overlay_bad(step, kind, rendered, ctx):
    if kind.definition_type == "Training":
        rendered.put(("EnableNetworkIsolation",), "yes", origin=("pipeline", "role"))


def test_an_overlay_reaches_every_job_step_of_its_kinds_with_its_origin(monkeypatch):
    monkeypatch.setattr(overlays, "OVERLAYS", (f"{__name__}:_overlay_vpc",))
    result = compile_file(EXAMPLE)
    assert result.ok, [d.render() for d in result.diagnostics]
    steps = {s["Name"]: s for s in json.loads(result.definition_json)["Steps"]}
    assert steps["DataProcessing"]["Arguments"]["NetworkConfig"]["VpcConfig"]["Subnets"] == ["subnet-0123456789abcdef0"]
    assert steps["ModelTraining"]["Arguments"]["VpcConfig"]["SecurityGroupIds"] == ["sg-0123456789abcdef0"]
    assert result.origin_of("ModelTraining", ("Arguments", "VpcConfig", "Subnets", 0)) == ("pipeline", "name")


def test_an_overlay_runs_before_the_shape_check_which_points_at_its_origin(monkeypatch):
    monkeypatch.setattr(overlays, "OVERLAYS", (f"{__name__}:_overlay_bad",))
    result = compile_file(EXAMPLE)
    assert not result.ok
    [diag] = [d for d in result.diagnostics if "EnableNetworkIsolation" in d.message]
    assert diag.code == "A001" and diag.path == ("pipeline", "role")
    role_line = next(i for i, line in enumerate(EXAMPLE.read_text().splitlines(), 1) if line.strip().startswith("role:"))
    assert diag.span.line == role_line
