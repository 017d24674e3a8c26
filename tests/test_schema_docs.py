"""Every schema property is documented; the schema file and docs/reference.md are generated
from tools/gen_schema.py and must be up to date; the editor modeline works offline."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools"


def _tools():
    sys.path.insert(0, str(TOOLS))
    try:
        gen = runpy.run_path(str(TOOLS / "gen_schema.py"))
        import schema_reference
        return gen, schema_reference
    finally:
        sys.path.remove(str(TOOLS))


def test_schema_and_reference_are_generated_and_up_to_date():
    gen, _ = _tools()
    schema_text, reference = gen["build"]()
    assert (ROOT / "schemas" / "pipeline.schema.json").read_text() == schema_text, "run: python tools/gen_schema.py"
    assert (ROOT / "docs" / "reference.md").read_text() == reference, "run: python tools/gen_schema.py"


def test_every_property_has_a_description():
    _, ref = _tools()
    schema = json.loads((ROOT / "schemas" / "pipeline.schema.json").read_text())
    assert ref.undocumented(schema) == [], "add descriptions to tools/schema_docs.py"
    # the check can fail: a property without one, or with only a value-kind note, is reported
    bare = {"type": "object", "properties": {"x": {"type": "string"},
                                             "y": {"type": "string", "description": sorted(ref.GENERIC)[0]}}}
    assert ref.undocumented(bare) == ["x", "y"]


def test_reference_lists_every_step_type_and_field():
    schema = json.loads((ROOT / "schemas" / "pipeline.schema.json").read_text())
    text = (ROOT / "docs" / "reference.md").read_text()
    for kind, sub in schema["$defs"].items():
        assert f"## Step type `{kind}`" in text
        for field in sub.get("properties", {}):
            assert f"| `{field}` |" in text, (kind, field)


def test_examples_and_init_carry_an_offline_schema_modeline(tmp_path):
    for example in sorted((ROOT / "pipelines").glob("*.yaml")):
        first = example.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), example
        target = (example.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file(), f"{example.name}: modeline points at {target}, which does not exist"

    from typer.testing import CliRunner

    from mlpc.cli import app

    result = CliRunner().invoke(app, ["init", str(tmp_path / "p"), "--name", "p"])
    assert result.exit_code == 0, result.output
    yaml_file = tmp_path / "p" / "pipelines" / "p.yaml"
    first = yaml_file.read_text().splitlines()[0]
    target = (yaml_file.parent / first.split("$schema=", 1)[1]).resolve()
    assert target.is_file() and json.loads(target.read_text()) == json.loads(
        (ROOT / "schemas" / "pipeline.schema.json").read_text())
