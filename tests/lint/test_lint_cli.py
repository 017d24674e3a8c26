"""`mlpc lint` through the CLI: exit codes, formats, policies, waivers, bad input."""

from __future__ import annotations

import json
from pathlib import Path

from lint_support import BASE

ROOT = Path(__file__).resolve().parents[2]
BREAST = ROOT / "pipelines" / "breast-cancer.yaml"

WAIVE_ALL = BASE + """\
lint:
  waivers:
    - {rule: L101, reason: "keys arrive with the platform's KMS rollout, ticket SEC-12"}
    - {rule: L102, reason: "no VPC in the sandbox account"}
    - {rule: L103, steps: [Prep, Train], reason: "scripts fetch reference data"}
    - {rule: L202, steps: [Register], reason: "card written after the pilot"}
    - {rule: L203, reason: "no protected attributes in this data"}
    - {rule: L204, reason: "data checked upstream by the feature store"}
"""


def clean(res):
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output


def test_example_passes_the_default_policy_only_through_its_stated_waivers(cli, tmp_path):
    """pipelines/breast-cancer.yaml waives L101 (no KMS key can be named for every account) and L104 on
    DataProcessing, with reasons, so the repository's buildspec gates on lint; without the waivers the
    same file fails with located findings."""
    res = cli("lint", BREAST)
    clean(res)
    assert res.exit_code == 0, res.output
    assert "(waived: a minimal example for any account" in res.stdout
    assert "policy default: 0 error(s)" in res.stdout
    text = BREAST.read_text()
    start, end = text.index("lint:"), text.index("parameters:")
    import shutil

    (tmp_path / ".git").mkdir()  # the copy is its own project: code paths stay inside it
    shutil.copytree(ROOT / "step_scripts", tmp_path / "step_scripts")
    shutil.copytree(ROOT / "pipelines" / "data", tmp_path / "pipelines" / "data")
    bare = tmp_path / "pipelines" / "breast-cancer.yaml"
    bare.write_text(text[:start] + "\n" * text[start:end].count("\n") + text[end:])  # same line numbers
    res = cli("lint", bare)
    clean(res)
    assert res.exit_code == 1
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("  ModelTraining:"))
    assert f"{bare}:{line}:3: error: training step 'ModelTraining' does not encrypt its storage volume" in res.stdout
    assert "[L101 NIST CSF PR.DS-1, SOC 2 CC6.1]" in res.stdout
    assert "policy default:" in res.stdout


def test_warnings_alone_exit_zero(cli, project):
    path = project(BASE)
    res = cli("lint", path, "--policy", "strict")
    assert res.exit_code == 1
    policy = path.parent / "warn.yaml"
    policy.write_text("rules: {L101: warning, L102: warning, L103: note}\n")
    res = cli("lint", path, "--policy", policy)
    clean(res)
    assert res.exit_code == 0, res.stdout
    assert "0 error(s)" in res.stdout and "warning:" in res.stdout


def test_waivers_are_reported_and_do_not_fail(cli, project):
    path = project(WAIVE_ALL)
    res = cli("lint", path, "--policy", "strict")
    clean(res)
    assert res.exit_code == 0, res.stdout
    assert "(waived: no VPC in the sandbox account)" in res.stdout
    assert "error(s)" in res.stdout and "0 error(s)" in res.stdout
    doc = json.loads(cli("lint", path, "--policy", "strict", "--format", "json").stdout)
    waived = [f for f in doc["files"][0]["findings"] if "waived" in f]
    assert len(waived) == len(doc["files"][0]["findings"]) >= 9 and doc["ok"] is True
    assert doc["summary"]["waived"] == len(waived)


def test_waiver_scoped_to_a_step_leaves_the_others(cli, project):
    path = project(WAIVE_ALL.replace("steps: [Prep, Train], ", "steps: [Prep], "))
    res = cli("lint", path, "--policy", "strict")
    assert res.exit_code == 1
    assert "training step 'Train' is not network-isolated (EnableNetworkIsolation) [L103" in res.stdout


def test_waiver_mistakes(cli, project):
    path = project(WAIVE_ALL + "    - {rule: L999, reason: typo}\n    - {rule: L104, steps: [Trian], reason: x}\n"
                               "    - {rule: L303, reason: nothing to waive}\n")
    res = cli("lint", path, "--policy", "strict")
    clean(res)
    assert res.exit_code == 1
    lines = res.stdout.splitlines()
    assert any(l.endswith("waiver names unknown rule 'L999' [W001]") for l in lines), res.stdout
    assert "waiver names unknown step 'Trian' [W002]" in res.stdout and "did you mean 'Train'?" in res.stdout
    assert "warning: waiver for L303 is unused: no finding matches it [W003]" in res.stdout


def test_waiver_without_reason_is_a_schema_error(cli, project):
    path = project(BASE + "lint:\n  waivers:\n    - {rule: L101}\n")
    res = cli("lint", path)
    clean(res)
    assert res.exit_code == 1
    assert "reason" in res.stderr and f"{path.name}:" in res.stderr


def test_policy_file_mistakes_are_located(cli, project):
    path = project(BASE)
    policy = path.parent / "org.yaml"
    policy.write_text("extends: strict\nrules:\n  L10l: off\n  L102: loud\nrequired_tag: [owner]\n")
    res = cli("lint", path, "--policy", policy)
    clean(res)
    assert res.exit_code == 1
    assert f"{policy}:3:3: unknown rule 'L10l' [LP006]" in res.stderr
    assert "hint: did you mean 'L10" in res.stderr
    assert f"{policy}:4:9: rule L102: 'loud' is not a level [LP007]" in res.stderr
    assert f"{policy}:5:1: unknown policy setting 'required_tag' [LP003]" in res.stderr
    assert res.stdout == ""


def test_unknown_policy_name(cli, project):
    res = cli("lint", project(BASE), "--policy", "stric")
    clean(res)
    assert res.exit_code == 1
    assert "policy 'stric' is neither a built-in policy nor a file [LP001]" in res.stderr


def test_file_that_does_not_compile(cli, project):
    path = project(BASE.replace("${steps.Prep.outputs.train}", "${steps.Prp.outputs.train}"))
    res = cli("lint", path)
    clean(res)
    assert res.exit_code == 1
    assert "unknown step 'Prp'" in res.stderr


def test_json_and_output_file(cli, project, tmp_path):
    out = tmp_path / "report" / "lint.json"
    res = cli("lint", project(BASE), "--format", "json", "-o", out)
    clean(res)
    assert res.exit_code == 1
    doc = json.loads(out.read_text())
    assert doc["policy"] == "default" and doc["ok"] is False
    first = doc["files"][0]["findings"][0]
    assert set(first) >= {"rule", "severity", "message", "file", "line", "column", "step"}


def test_lint_is_offline_and_does_not_import_boto3(project):
    import subprocess
    import sys

    code = ("import sys\nfrom mlpc.cli import main\nsys.argv = ['mlpc', 'lint', sys.argv[1]]\n"
            "try:\n    main()\nexcept SystemExit as e:\n    sys.stderr.write(f'exit={e.code} boto3={\"boto3\" in sys.modules}')\n")
    out = subprocess.run([sys.executable, "-c", code, str(BREAST)], capture_output=True, text=True, timeout=120)
    assert out.stderr.endswith("exit=0 boto3=False"), out.stderr[-500:]


def test_the_governance_example_passes_strict():
    """Issue 8: pipelines/credit-risk.yaml passes --policy strict with no waiver."""
    from pathlib import Path

    from typer.testing import CliRunner

    from mlpc.cli import app

    root = Path(__file__).resolve().parents[2]
    result = CliRunner().invoke(app, ["lint", str(root / "pipelines" / "credit-risk.yaml"), "--policy", "strict"])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s), 0 note(s), 0 waived" in result.output
