"""mlpc diff --against git:REF and PATH.json: no AWS involved (AWS points at a closed port)."""

from __future__ import annotations

import json
import subprocess

import pytest
from deploy_support import cli, edit


def git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def repo(project):
    root = project.parent
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base")
    return project


def test_diff_against_git_ref_needs_no_aws(offline, repo):
    edit(repo, "Threshold: {type: Float, default: 0.8}", "Threshold: {type: Float, default: 0.9}")
    (repo.parent / "scripts" / "prep.py").write_text("print('prep v2')\n")
    before = repo.read_text()

    result = cli("diff", repo, "--against", "git:HEAD")
    assert result.exit_code == 2, result.output
    out = result.stdout
    assert "~ Threshold: default 0.8 -> 0.9" in out
    assert "Prep: ProcessingInputs[code].S3Input.S3Uri s3://mlpc-test-bucket/mini/code/" in out  # code at HEAD vs now
    assert "Prep (cache key changed)" in out and "Train (downstream of Prep)" in out
    assert "cannot reach" not in result.stderr
    assert repo.read_text() == before  # the work tree is untouched
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo.parent, capture_output=True, text=True).stdout
    assert status.split() == ["M", "mini.yaml", "M", "scripts/prep.py"]


def test_diff_field_change_by_dotted_path(offline, repo):
    edit(repo, "max_depth: 4", "max_depth: 8")
    result = cli("diff", repo, "--against", "git:HEAD")
    assert result.exit_code == 2, result.output
    assert "  ~ Train (Training): cache key changed: runs again" in result.stdout
    assert "      Train: HyperParameters.max_depth 4 -> 8" in result.stdout
    assert "Prep" not in result.stdout


def test_diff_against_git_ref_unchanged_exits_0(offline, repo):
    result = cli("diff", repo, "--against", "git:HEAD")
    assert result.exit_code == 0, result.output
    assert "No changes." in result.stdout


def test_diff_markdown_is_a_pr_comment(offline, repo):
    edit(repo, "instance_type: ml.m5.large\n    code: scripts/eval.py", "instance_type: ml.m5.xlarge\n    code: scripts/eval.py")
    result = cli("diff", repo, "--against", "git:HEAD", "--format", "markdown")
    assert result.exit_code == 2, result.output
    md = result.stdout
    assert md.startswith("### mlpc diff: `mini`")
    assert "```diff" in md and "Eval: ProcessingResources.ClusterConfig.InstanceType ml.m5.large -> ml.m5.xlarge" in md
    assert "not cached: runs on every execution" in md


def test_diff_against_unknown_ref_is_clean(offline, repo):
    result = cli("diff", repo, "--against", "git:no-such-branch")
    assert result.exit_code == 1
    assert "error: unknown git revision 'no-such-branch' [git]" in result.stderr


def test_diff_file_new_at_ref_is_all_additions(offline, repo):
    new = repo.parent / "second.yaml"
    new.write_text(repo.read_text().replace("name: mini", "name: second"))
    result = cli("diff", new, "--against", "git:HEAD", "--format", "json")
    assert result.exit_code == 2, result.output
    data = json.loads(result.stdout)
    assert data["before"] == "HEAD (no such file)"
    assert [s["name"] for s in data["steps"]["added"]] == ["Prep", "Train", "Eval", "Check", "Register", "TooLow"]
    assert {p["name"] for p in data["parameters"]} == {"InstanceType", "Rounds", "Threshold", "Quick"}
    assert [s["name"] for s in data["schedules"]] == ["weekly"]


def test_diff_against_definition_json(offline, project, tmp_path):
    compiled = tmp_path / "deployed.json"
    assert cli("compile", project, "-o", compiled).exit_code == 0
    assert cli("diff", project, "--against", compiled).exit_code == 0
    edit(project, "then: [Register]\n    else: [TooLow]", "then: [Register]")
    result = cli("diff", project, "--against", compiled, "--format", "json")
    assert result.exit_code == 2, result.output
    data = json.loads(result.stdout)
    assert data["steps"]["removed"] == []  # TooLow stays, now a top-level step outside the branch
    assert data["edges"]["removed"] == [{"from": "Check", "to": "TooLow", "kind": "else"}]
    assert "schedules not compared" in data["notes"][0]


def test_diff_against_a_bad_path_is_clean(offline, project, tmp_path):
    (tmp_path / "x.json").write_text("{}")
    result = cli("diff", project, "--against", tmp_path / "x.json")
    assert result.exit_code == 1 and "is not a pipeline definition (no Steps)" in result.stderr
    result = cli("diff", project, "--against", tmp_path / "missing.json")
    assert result.exit_code == 1 and "cannot read definition" in result.stderr


def test_compile_error_in_file_exits_1(offline, project):
    edit(project, "max_depth: 4", "max_depth: ${params.Nope}")
    result = cli("diff", project, "--against", "git:HEAD")
    assert result.exit_code == 1
    assert "mini.yaml:" in result.stderr


def test_diff_against_git_exports_only_what_the_compile_reads(offline, project, monkeypatch):
    root = project.parent
    (root / "data").mkdir()
    (root / "data" / "big.csv").write_text("x\n" * 1000)  # committed, but the compile never reads it
    (root / "notes.md").write_text("unrelated\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base")

    from mlpc import api

    seen = []
    real = api.compile_file

    def spy(path, *args, **kwargs):
        base = path.parent if "mlpc-git-" in str(path) else None  # the export of the repository (proj/)
        if base is not None:
            seen.append(sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(api, "compile_file", spy)
    result = cli("diff", project, "--against", "git:HEAD")
    assert result.exit_code == 0, result.output
    assert seen == [["mini.yaml", "scripts/eval.py", "scripts/prep.py"]]

    # the revision's YAML uses a code file the current one does not: everything is exported then
    edit(project, "scripts/eval.py", "scripts/eval2.py")
    (root / "scripts" / "eval2.py").write_text("print('eval2')\n")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "eval2")
    edit(project, "scripts/eval2.py", "scripts/eval.py")
    seen.clear()
    result = cli("diff", project, "--against", "git:HEAD")
    assert result.exit_code == 2, result.output
    assert len(seen) == 2 and "data/big.csv" in seen[1] and "data/big.csv" not in seen[0]


TWIN_YAML = """\
pipeline: {name: twins, role: "arn:aws:iam::123456789012:role/R", bucket: b}
steps:
  A:
    type: processing
    framework: sklearn
    framework_version: "1.2-1"
    instance_type: ml.m5.large
    code: a/prep.py
  B:
    type: processing
    framework: sklearn
    framework_version: "1.2-1"
    instance_type: ml.m5.large
    code: b/prep.py
"""


def test_diff_against_git_exports_every_copy_of_identical_code(offline, tmp_path, monkeypatch):
    """Two identical scripts share one content-addressed upload; the revision needs both files (exported
    from the paths the renderers read, not the de-duplicated upload list)."""
    root = tmp_path / "twins"
    for folder in ("a", "b"):
        (root / folder).mkdir(parents=True)
        (root / folder / "prep.py").write_text("print('same')\n")
    (root / "p.yaml").write_text(TWIN_YAML)
    monkeypatch.chdir(root)
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".")
    git(root, "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "base")
    result = cli("diff", root / "p.yaml", "--against", "git:HEAD")
    assert result.exit_code == 0, result.output
