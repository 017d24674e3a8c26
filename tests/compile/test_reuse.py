"""Reuse (mlpc.reuse): `include:`, `extends:`, `defaults:`, `omit:`.

The example pipelines/sklearn-reuse.yaml compiles byte for byte to what its hand-expanded twin
(fixtures/reuse/sklearn-reuse-expanded.yaml) compiles to; the merge rule, path rules and every
reuse diagnostic are checked on small projects in tmp_path, through the CLI.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlpc.api import compile_file
from mlpc.cli import app

ROOT = Path(__file__).resolve().parents[2]
REUSING = ROOT / "pipelines" / "sklearn-reuse.yaml"
TWIN = Path(__file__).parent / "fixtures" / "reuse" / "sklearn-reuse-expanded.yaml"
runner = CliRunner()

ROLE = "arn:aws:iam::123456789012:role/R"


def mlpc(*args):
    return runner.invoke(app, [str(a) for a in args])


def write(root: Path, files: dict) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def proj(tmp_path):
    """An empty project: a git work tree, so the project root is this folder."""
    root = tmp_path / "proj"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "scripts").mkdir()
    (root / "scripts" / "prep.py").write_text("print('prep')\n")
    return root


# ---------------------------------------------------------------- the example and its twin
def test_reusing_pipeline_compiles_to_its_hand_expanded_twin_byte_for_byte(tmp_path):
    reusing, twin = compile_file(REUSING), compile_file(TWIN)
    assert reusing.ok, [d.render() for d in reusing.diagnostics]
    assert twin.ok, [d.render() for d in twin.diagnostics]
    assert reusing.definition_json == twin.definition_json
    assert [u.s3_uri for u in reusing.uploads] == [u.s3_uri for u in twin.uploads]
    assert [u.sha256 for u in reusing.uploads] == [u.sha256 for u in twin.uploads]
    # and through the CLI, the files written
    for src, out in ((REUSING, tmp_path / "a.json"), (TWIN, tmp_path / "b.json")):
        res = mlpc("compile", src, "-o", out)
        assert res.exit_code == 0, res.output
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    # the defaults and fragments did reach the definition
    steps = {s["Name"]: s for s in json.loads((tmp_path / "a.json").read_text())["Steps"]}
    assert steps["Train"]["Arguments"]["ResourceConfig"]["InstanceType"] == "ml.m5.xlarge"
    assert steps["Train"]["Arguments"]["ResourceConfig"]["VolumeSizeInGB"] == 30
    assert set(steps["Train"]["Arguments"]["HyperParameters"]) >= {"max-depth", "random-state", "n-estimators"}
    assert "CacheConfig" in steps["Preprocess"] and "CacheConfig" not in steps["Evaluate"]  # omit: [cache]
    assert steps["Evaluate"]["RetryPolicies"] == steps["Preprocess"]["RetryPolicies"]


def test_graph_and_validate_work_unchanged_on_the_reusing_pipeline():
    for fmt in ("mermaid", "dot"):
        a, b = mlpc("graph", REUSING, "--format", fmt), mlpc("graph", TWIN, "--format", fmt)
        assert a.exit_code == 0 and b.exit_code == 0, a.output + b.output
        assert a.stdout == b.stdout and "Train" in a.stdout
    res = mlpc("validate", REUSING)
    assert res.exit_code == 0, res.output
    assert "ok (4 top-level steps, 5 in all)" in res.stdout


def test_diff_against_the_twins_definition_shows_no_change(tmp_path):
    out = tmp_path / "twin.json"
    assert mlpc("compile", TWIN, "-o", out).exit_code == 0
    res = mlpc("diff", REUSING, "--against", out)
    assert res.exit_code == 0, res.output
    assert "No changes." in res.stdout


# ---------------------------------------------------------------- the merge rule
def test_defaults_then_extends_then_own_fields_mappings_merge_lists_replace(proj):
    write(proj, {
        "frag/step.yaml": """\
            type: processing
            instance_type: ml.m5.xlarge
            environment: {FROM_FRAGMENT: "1", SHARED: fragment}
            arguments: [--fragment]
            """,
        "p.yaml": f"""\
            defaults:
              processing:
                framework: sklearn
                framework_version: "1.2-1"
                instance_type: ml.m5.large
                instance_count: 2
                environment: {{FROM_DEFAULTS: "1", SHARED: defaults}}
                arguments: [--defaults]
                cache: true
            pipeline: {{name: p, role: "{ROLE}", bucket: b}}
            steps:
              A:
                extends: frag/step.yaml
                code: scripts/prep.py
                environment: {{OWN: "1"}}
                arguments: [--own]
              B:
                type: processing
                code: scripts/prep.py
                instance_count: 1
                omit: [cache, environment]
            """,
    })
    res = compile_file(proj / "p.yaml")
    assert res.ok, [d.render() for d in res.diagnostics]
    a, b = res.document["steps"]["A"], res.document["steps"]["B"]
    assert a["instance_type"] == "ml.m5.xlarge"  # the fragment beats the defaults
    assert a["instance_count"] == 2  # from the defaults
    assert a["environment"] == {"FROM_DEFAULTS": "1", "SHARED": "fragment", "FROM_FRAGMENT": "1", "OWN": "1"}
    assert a["arguments"] == ["--own"]  # lists replace
    assert "extends" not in a and "omit" not in b
    assert b["instance_count"] == 1 and "cache" not in b and "environment" not in b
    assert b["arguments"] == ["--defaults"]
    args = {s["Name"]: s for s in res.definition["Steps"]}
    assert args["A"]["Arguments"]["ProcessingResources"]["ClusterConfig"]["InstanceCount"] == 2
    assert "CacheConfig" in args["A"] and "CacheConfig" not in args["B"]


def test_include_order_later_wins_and_the_file_itself_wins_last(proj):
    write(proj, {
        "one.yaml": f"""\
            vars: {{size: small, who: one}}
            pipeline: {{role: "{ROLE}", bucket: one-bucket, tags: {{a: one, b: one}}}}
            """,
        "two.yaml": """\
            vars: {who: two}
            pipeline: {bucket: two-bucket, tags: {b: two}}
            steps:
              Shared: {type: fail, message: "from {{ who }} {{ size }}"}
            """,
        "p.yaml": """\
            include: [one.yaml, two.yaml]
            pipeline: {name: p, tags: {c: own}}
            steps:
              Own: {type: fail, depends_on: [Shared]}
            """,
    })
    res = compile_file(proj / "p.yaml")
    assert res.ok, [d.render() for d in res.diagnostics]
    assert res.pipeline.bucket == "two-bucket"
    assert dict(res.pipeline.tags) == {"a": "one", "b": "two", "c": "own"}
    assert list(res.pipeline.steps) == ["Shared", "Own"]  # included steps first
    shared = next(s for s in res.definition["Steps"] if s["Name"] == "Shared")
    assert shared["Arguments"]["ErrorMessage"] == "from two small"  # templates render inside fragments
    assert res.fragment_paths() == ["one.yaml", "two.yaml"]


def test_paths_in_a_fragment_are_relative_to_the_fragment(proj):
    (proj / "shared" / "scripts").mkdir(parents=True)
    (proj / "shared" / "scripts" / "prep.py").write_text("print('the fragment one')\n")
    (proj / "pipelines" / "scripts").mkdir(parents=True)
    (proj / "pipelines" / "scripts" / "prep.py").write_text("print('the decoy next to the pipeline')\n")
    write(proj, {
        "shared/prep.yaml": """\
            type: processing
            framework: sklearn
            framework_version: "1.2-1"
            instance_type: ml.m5.large
            code: scripts/prep.py
            """,
        "pipelines/p.yaml": f"""\
            pipeline: {{name: p, role: "{ROLE}", bucket: b}}
            steps:
              Prep: {{extends: ../shared/prep.yaml}}
            """,
    })
    res = compile_file(proj / "pipelines" / "p.yaml")
    assert res.ok, [d.render() for d in res.diagnostics]
    [upload] = res.uploads
    assert upload.local == "../shared/scripts/prep.py"
    import hashlib

    assert upload.sha256 == hashlib.sha256(b"print('the fragment one')\n").hexdigest()


# ---------------------------------------------------------------- diagnostics
def _errors(res) -> list[str]:
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    return [line for line in res.stderr.splitlines() if not line.startswith("    hint") and not line.endswith(("error", "errors"))]


def test_a_fragments_mistakes_are_reported_at_the_fragments_own_place(proj):
    write(proj, {
        "frag/step.yaml": """\
            type: processing
            framework: sklearn
            framework_version: "1.2-1"
            instance_type: ml.m5.large
            code: ../scripts/prep.py
            environment:
              A: "x-{{ undefined_var }}"
            inputs: 5
            """,
        "p.yaml": f"""\
            pipeline: {{name: p, role: "{ROLE}", bucket: b}}
            steps:
              A: {{extends: frag/step.yaml}}
            """,
    })
    lines = _errors(mlpc("validate", proj / "p.yaml"))
    assert lines == [
        f"{proj}/frag/step.yaml:7:12: undefined template variable 'undefined_var' [T001]",
        f"{proj}/frag/step.yaml:8:9: expected a mapping, got an integer [S001]",
    ]


def test_typos_in_defaults_are_located_in_the_defaults_block(proj):
    write(proj, {
        "team.yaml": """\
            defaults:
              processing:
                instnce_type: ml.m5.large
              trainig:
                instance_type: ml.m5.large
              fail: {type: fail}
            """,
        "p.yaml": f"""\
            include: [team.yaml]
            pipeline: {{name: p, role: "{ROLE}", bucket: b}}
            steps:
              A: {{type: fail, omit: [mesage]}}
            """,
    })
    res = mlpc("validate", proj / "p.yaml")
    lines = _errors(res)
    assert lines == [
        f"{proj}/p.yaml:4:26: `omit`: fail steps have no field 'mesage' [D008]",
        f"{proj}/team.yaml:3:5: unknown field 'instnce_type' in defaults/processing [D006]",
        f"{proj}/team.yaml:4:3: unknown step type 'trainig' in defaults [D006]",
        f"{proj}/team.yaml:6:10: defaults cannot set `type` (defaults/fail) [D006]",
    ]
    assert "did you mean 'instance_type'?" in res.stderr and "did you mean 'training'?" in res.stderr
    assert "did you mean 'message'?" in res.stderr


def test_defaults_for_an_unused_step_type_are_a_warning(proj):
    write(proj, {"p.yaml": f"""\
        defaults:
          training: {{instance_type: ml.m5.large}}
        pipeline: {{name: p, role: "{ROLE}", bucket: b}}
        steps:
          A: {{type: fail}}
        """})
    res = mlpc("validate", proj / "p.yaml")
    assert res.exit_code == 0, res.output
    assert f"{proj}/p.yaml:2:3: warning: defaults for training steps: no step is of type training [D007]" in res.stderr


def test_omitting_a_key_nothing_inherits_is_a_located_warning(proj):
    write(proj, {
        "frag/step.yaml": """\
            type: processing
            instance_type: ml.m5.large
            environment: {FROM_FRAGMENT: "1"}
            outputs: {train: {source: /opt/ml/processing/train}}
            """,
        "frag/inc.yaml": f"""\
            steps:
              C:
                extends: step.yaml
                code: ../scripts/prep.py
                omit: [arguments]
            """,
        "p.yaml": f"""\
            include: [frag/inc.yaml]
            defaults:
              processing: {{framework: sklearn, framework_version: "1.2-1", cache: true}}
            pipeline: {{name: p, role: "{ROLE}", bucket: b}}
            steps:
              A:
                extends: frag/step.yaml
                code: scripts/prep.py
                omit: [environment, cache, inputs, retry]
              B:
                type: processing
                instance_type: ml.m5.large
                code: scripts/prep.py
                omit: [instance_count, framework_version]
            """,
    })
    res = mlpc("validate", proj / "p.yaml")
    assert res.exit_code == 0, res.output
    lines = res.stderr.splitlines()
    found = [(line, lines[i + 1].strip()) for i, line in enumerate(lines) if "[D009]" in line]
    fallback = "hint: neither the defaults for processing steps nor the step's `extends:` fragments set it; remove it from `omit`"
    assert found == [
        (f"{proj}/frag/inc.yaml:5:12: warning: `omit`: nothing this step inherits sets 'arguments' [D009]", fallback),
        (f"{proj}/p.yaml:9:32: warning: `omit`: nothing this step inherits sets 'inputs' [D009]",
         "hint: did you mean 'outputs'?"),  # from the fragment
        (f"{proj}/p.yaml:9:40: warning: `omit`: nothing this step inherits sets 'retry' [D009]", fallback),
        (f"{proj}/p.yaml:14:12: warning: `omit`: nothing this step inherits sets 'instance_count' [D009]", fallback),
    ]
    # what is inherited is still omitted; the warning changes nothing in the compile
    doc = compile_file(proj / "p.yaml").document["steps"]
    assert "environment" not in doc["A"] and "cache" not in doc["A"] and "framework_version" not in doc["B"]
    assert doc["C"]["environment"] == {"FROM_FRAGMENT": "1"}


def test_missing_outside_templated_and_folder_includes(proj, tmp_path):
    (tmp_path / "outside.yaml").write_text("vars: {}\n")
    (proj / "frag").mkdir()
    write(proj, {"p.yaml": f"""\
        include: [nothere.yaml, ../outside.yaml, "{{{{ env }}}}.yaml", frag]
        pipeline: {{name: p, role: "{ROLE}", bucket: b}}
        steps:
          A: {{type: fail, extends: 3}}
        """})
    lines = _errors(mlpc("validate", proj / "p.yaml"))
    assert lines == [
        f"{proj}/p.yaml:1:11: `include` file 'nothere.yaml': not found [D001]",
        f"{proj}/p.yaml:1:25: `include` path '../outside.yaml' is outside the project ({proj.resolve()}) [D002]",
        f"{proj}/p.yaml:1:42: `include` paths are not templated: '{{{{ env }}}}.yaml' [D005]",
        f"{proj}/p.yaml:1:60: `include` file 'frag': a folder [D001]",
        f"{proj}/p.yaml:4:28: `extends` takes a path to a YAML file (or a list of them) [D005]",
    ]


def test_symlinked_fragment_leading_out_of_the_project_is_refused(proj, tmp_path):
    (tmp_path / "secret.yaml").write_text("vars: {}\n")
    (proj / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    write(proj, {"p.yaml": f"""\
        include: [link.yaml]
        pipeline: {{name: p, role: "{ROLE}", bucket: b}}
        steps: {{A: {{type: fail}}}}
        """})
    lines = _errors(mlpc("validate", proj / "p.yaml"))
    assert len(lines) == 1 and "[D002]" in lines[0] and lines[0].startswith(f"{proj}/p.yaml:1:11:")


def test_cycles_are_named_and_located(proj):
    write(proj, {
        "a.yaml": "include: [b.yaml]\n",
        "b.yaml": "include: [a.yaml]\n",
        "self.yaml": "extends: self.yaml\n",
        "p.yaml": f"""\
            include: [a.yaml]
            pipeline: {{name: p, role: "{ROLE}", bucket: b}}
            steps:
              A: {{extends: self.yaml}}
              B: {{extends: [p.yaml]}}
            """,
    })
    lines = _errors(mlpc("validate", proj / "p.yaml"))
    assert lines == [
        f"{proj}/b.yaml:1:11: `include` cycle: a.yaml -> b.yaml -> a.yaml [D003]",
        f"{proj}/p.yaml:5:17: `extends` cycle: p.yaml -> p.yaml [D003]",
        f"{proj}/self.yaml:1:10: `extends` cycle: self.yaml -> self.yaml [D003]",
    ]


def test_nesting_is_limited(proj):
    from mlpc.reuse import MAX_NESTING

    files = {f"n{i}.yaml": f"include: [n{i + 1}.yaml]\n" for i in range(MAX_NESTING + 3)}
    files["p.yaml"] = f'include: [n0.yaml]\npipeline: {{name: p, role: "{ROLE}", bucket: b}}\nsteps: {{A: {{type: fail}}}}\n'
    write(proj, files)
    lines = _errors(mlpc("validate", proj / "p.yaml"))
    assert lines == [f"{proj}/n{MAX_NESTING - 1}.yaml:1:11: `include` files nest more than {MAX_NESTING} deep [D004]"]


def test_yaml_errors_and_non_mappings_in_fragments(proj):
    write(proj, {
        "broken.yaml": "steps: [\n",
        "list.yaml": "[1, 2]\n",
        "p.yaml": f"""\
            include: [broken.yaml, list.yaml]
            pipeline: {{name: p, role: "{ROLE}", bucket: b}}
            steps: {{A: {{type: fail}}}}
            """,
    })
    lines = _errors(mlpc("validate", proj / "p.yaml"))
    assert len(lines) == 2
    assert lines[0].startswith(f"{proj}/broken.yaml:2:1: YAML syntax error") and lines[0].endswith("[E002]")
    assert lines[1] == f"{proj}/p.yaml:1:24: `include` file 'list.yaml' must hold a mapping [D005]"


def test_code_missing_in_a_fragment_is_reported_in_the_fragment(proj):
    write(proj, {
        "frag/step.yaml": """\
            type: processing
            framework: sklearn
            framework_version: "1.2-1"
            instance_type: ml.m5.large
            code: no_such.py
            """,
        "p.yaml": f"""\
            pipeline: {{name: p, role: "{ROLE}", bucket: b}}
            steps: {{A: {{extends: frag/step.yaml}}}}
            """,
    })
    res = mlpc("compile", proj / "p.yaml", "-o", proj / "out.json")
    lines = _errors(res)
    assert lines == [f"{proj}/frag/step.yaml:5:7: code file not found: frag/no_such.py [F001]"]
    assert not (proj / "out.json").exists()


# ---------------------------------------------------------------- the JSON Schema, as editors use it
def test_the_schema_takes_a_reusing_document_as_written_and_stays_strict_without_reuse():
    import yaml
    from jsonschema import Draft202012Validator

    from mlpc.schema import schema_dict
    from mlpc.schema_fast import compile_schema

    slow, fast = Draft202012Validator(schema_dict()), compile_schema(schema_dict())

    def errors(doc):
        found = [e.message for e in slow.iter_errors(doc)]
        assert fast(doc) == (not found)  # the fast path agrees
        return found

    assert errors(yaml.safe_load(REUSING.read_text())) == []  # steps take instance_type etc. from defaults
    assert errors(yaml.safe_load((ROOT / "pipelines" / "fragments" / "team.yaml").read_text()))  # not a whole pipeline
    base = {"pipeline": {"name": "p", "role": ROLE, "bucket": "b"}}
    lacking = {**base, "steps": {"A": {"type": "training", "algorithm": "xgboost"}}}
    assert errors(lacking) == ["'instance_type' is a required property"]  # no reuse: strict
    assert errors({**lacking, "defaults": {"training": {"instance_type": "ml.m5.large"}}}) == []
    assert errors({**lacking, "include": ["team.yaml"]}) == []
    assert errors({**base, "steps": {"A": {"extends": "train.yaml", "algorithm": "xgboost"}}}) == []
    typo = {**base, "defaults": {"training": {"instance_typo": 1}}, "steps": {"A": {"type": "training", "instnce_type": 1}}}
    assert sorted(errors(typo)) == sorted(["Additional properties are not allowed ('instance_typo' was unexpected)",
                                           "Additional properties are not allowed ('instnce_type' was unexpected)"])
    assert errors({**base, "steps": {"A": {"algorithm": "xgboost"}}}) == ["'type' is a required property"]


def test_a_fragment_path_the_file_system_cannot_take_is_a_located_error(proj):
    """A name longer than the file system allows (found by fuzzing) is D001, not a traceback."""
    long = "é" * 300 + ".yaml"
    write(proj, {"p.yaml": f'include: ["{long}"]\npipeline: {{name: p, role: "{ROLE}", bucket: b}}\n'
                           "steps: {A: {type: fail}}\n"})
    res = mlpc("validate", proj / "p.yaml")
    assert res.exit_code == 1 and "Traceback" not in res.output
    [line] = _errors(res)
    assert line.startswith(f"{proj}/p.yaml:1:11: `include` file ") and "cannot be read (File name too long)" in line


@pytest.mark.parametrize("value", ["5", "true", "[training]", "text"])
def test_defaults_that_are_not_a_mapping_are_a_located_error(proj, value):
    """`defaults: 5` (found by fuzzing) is reported where it is written, not a TypeError."""
    write(proj, {"p.yaml": f'defaults: {value}\npipeline: {{name: p, role: "{ROLE}", bucket: b}}\n'
                           "steps: {A: {type: fail}}\n"})
    res = mlpc("validate", proj / "p.yaml")
    assert res.exit_code == 1 and "Traceback" not in res.output
    lines = _errors(res)
    assert lines and all(line.startswith(f"{proj}/p.yaml:1:") for line in lines), lines
