"""mlpc ci github: the PR check (validate errors in the job summary, the diff as one sticky
comment updated in place) and deploy on merge (OIDC role-to-assume, dev then prod, each with its
own vars file). The workflows' shell steps are run here with bash, against the real mlpc and a
stand-in `gh` that records the GitHub API calls."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from deploy_support import cli, edit

PINNED = "mlpc-sagemaker @ git+https://github.com/acme/mlpc@0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def envs(project):
    env = project.parent / "env"
    env.mkdir()
    (env / "dev.yaml").write_text("bucket: mlpc-dev-bucket\n")
    (env / "prod.yaml").write_text("bucket: mlpc-prod-bucket\n")
    return env


def generate(project, *extra):
    result = cli("ci", "github", project.name, "-o", ".github/workflows", "--mlpc-source", PINNED, *extra)
    assert result.exit_code == 0, result.output
    wf = project.parent / ".github" / "workflows"
    return (yaml.safe_load((wf / "mlpc-pr-check.yml").read_text()),
            yaml.safe_load((wf / "mlpc-deploy.yml").read_text()))


def test_deploy_promotes_dev_then_prod_with_oidc_and_per_environment_vars(project, envs):
    _, deploy = generate(project)
    assert deploy["permissions"] == {"contents": "read", "id-token": "write"}
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert list(deploy["jobs"]) == ["dev", "prod"]
    dev, prod = deploy["jobs"]["dev"], deploy["jobs"]["prod"]
    assert (dev["environment"], prod["environment"], prod["needs"]) == ("dev", "prod", "dev") and "needs" not in dev
    for job, vars_file in ((dev, "env/dev.yaml"), (prod, "env/prod.yaml")):
        creds = next(s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials"))
        assert creds["with"]["role-to-assume"] == "${{ vars.AWS_ROLE_ARN }}" and creds["with"]["aws-region"] == "us-east-1"
        run = next(s for s in job["steps"] if "mlpc upsert" in s.get("run", ""))
        assert run["env"]["VARS_FILE"] == vars_file and "--start --wait --timeout" in run["run"]
        install = next(s for s in job["steps"] if "MLPC_SOURCE" in s.get("env", {}))
        assert install["env"]["MLPC_SOURCE"] == PINNED
    assert "aws-access-key-id" not in str(deploy)


def test_a_missing_environment_vars_file_is_an_error(project, envs):
    (envs / "prod.yaml").unlink()
    result = cli("ci", "github", project.name, "-o", "wf", "--mlpc-source", PINNED)
    assert result.exit_code == 1
    assert "no vars file for environment 'prod': env/prod.yaml" in result.stderr
    assert not (project.parent / "wf").exists()


def _gh_stub(tmp: Path) -> Path:
    """A `gh` that keeps PR comments in a JSON file and answers `gh api` like GitHub would."""
    script = tmp / "bin" / "gh"
    script.parent.mkdir()
    script.write_text(f"""#!{sys.executable}
import json, os, sys
state = os.environ["GH_STATE"]
comments = json.load(open(state)) if os.path.exists(state) else []
args = sys.argv[1:]
with open(state + ".log", "a") as log:
    log.write(" ".join(a for a in args if not a.startswith("body=")) + "\\n")
method = args[args.index("-X") + 1] if "-X" in args else "GET"
body = None
if "-F" in args:
    body = open(args[args.index("-F") + 1].split("=@", 1)[1]).read()
if method == "GET":
    marker = "<!-- mlpc-diff -->"
    for c in comments:
        if c["body"].startswith(marker):
            print(c["id"])
elif method == "POST":
    comments.append({{"id": 100 + len(comments), "body": body}})
elif method == "PATCH":
    cid = int(args[args.index("-X") + 2].rsplit("/", 1)[1])
    next(c for c in comments if c["id"] == cid)["body"] = body
json.dump(comments, open(state, "w"))
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script.parent


def _run(script: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    path = os.pathsep.join([env.pop("EXTRA_PATH", ""), str(Path(sys.executable).parent), os.environ["PATH"]])
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env={**os.environ, **env, "PATH": path},
                          capture_output=True, text=True)


def _step(workflow: dict, name_part: str) -> dict:
    return next(s for s in workflow["jobs"]["check"]["steps"] if name_part in s.get("name", ""))


def test_pr_check_validate_puts_compile_errors_in_the_job_summary(project, envs, tmp_path):
    pr, _ = generate(project)
    edit(project, "${params.Rounds}", "${params.Roundz}")
    summary = tmp_path / "summary.md"
    done = _run(_step(pr, "Validate")["run"], project.parent,
                {"PIPELINE_FILES": pr["env"]["PIPELINE_FILES"], "GITHUB_STEP_SUMMARY": str(summary)})
    assert done.returncode == 1, done.stdout + done.stderr
    text = summary.read_text()
    assert "mlpc validate failed" in text and "mini.yaml:" in text and "unknown parameter 'Roundz'" in text


def test_pr_check_diff_is_one_sticky_comment_updated_in_place(project, envs, tmp_path):
    pr, _ = generate(project)
    root = project.parent
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run(git + ["init", "-q"], cwd=root, check=True)
    subprocess.run(git + ["add", "-A"], cwd=root, check=True)
    subprocess.run(git + ["commit", "-qm", "base"], cwd=root, check=True)
    subprocess.run(["git", "update-ref", "refs/remotes/origin/main", "HEAD"], cwd=root, check=True)
    bin_dir, state = _gh_stub(tmp_path), tmp_path / "comments.json"
    env = {"PIPELINE_FILES": pr["env"]["PIPELINE_FILES"], "BASE_REF": "main", "GITHUB_REPOSITORY": "acme/ml",
           "PR": "7", "GH_STATE": str(state), "EXTRA_PATH": str(bin_dir)}
    for depth in ("6", "8"):  # two pushes to the pull request
        edit(project, "max_depth: 4" if depth == "6" else "max_depth: 6", f"max_depth: {depth}")
        summary = tmp_path / f"summary-{depth}.md"
        outputs = tmp_path / f"out-{depth}"
        diff = _run(_step(pr, "Semantic diff")["run"], root,
                    {**env, "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs)})
        assert diff.returncode == 0, diff.stdout + diff.stderr
        assert "exit=2" in outputs.read_text()
        assert "max_depth" in summary.read_text() and depth in summary.read_text()
        sticky = _run(_step(pr, "Sticky diff comment")["run"], root, dict(env))
        assert sticky.returncode == 0, sticky.stdout + sticky.stderr
    import json

    comments = json.loads(state.read_text())
    assert len(comments) == 1  # one comment, edited in place by the second push
    assert comments[0]["body"].startswith("<!-- mlpc-diff -->") and "8" in comments[0]["body"]
    calls = (tmp_path / "comments.json.log").read_text().splitlines()
    assert [c.split()[2] for c in calls if c.startswith("api -X")] == ["POST", "PATCH"]


def _fragment_project(root: Path) -> None:
    """pipelines/mini.yaml reading a step fragment, a top-level include, code files and a
    training source_dir, all in folders outside pipelines/."""
    from deploy_support import MINI_YAML

    (root / ".git").mkdir()  # the project (where reads may go) is the git work tree
    (root / "pipelines").mkdir()
    (root / "fragments").mkdir()
    (root / "team").mkdir()
    (root / "src" / "train").mkdir(parents=True)
    (root / "src" / "train" / "train.py").write_text("print('train')\n")
    (root / "fragments" / "processing.yaml").write_text(
        'type: processing\nframework: sklearn\nframework_version: "1.2-1"\ninstance_type: ml.m5.large\n'
        "cache: {enabled: true, expire_after: P30D}\n")
    (root / "team" / "tags.yaml").write_text("pipeline:\n  tags:\n    cost-centre: ml-42\n")
    text = MINI_YAML.replace("vars:\n", "include: [../team/tags.yaml]\nvars:\n", 1)
    text = text.replace("code: scripts/", "code: ../scripts/")
    (root / "copies").mkdir()  # an identical copy (same bytes, same name: one upload) is still a file read
    (root / "copies" / "prep.py").write_text((root / "scripts" / "prep.py").read_text())
    text = text.replace("code: ../scripts/eval.py", "code: ../copies/prep.py")
    text = text.replace('    type: processing\n    framework: sklearn\n    framework_version: "1.2-1"\n'
                        "    instance_type: ml.m5.large\n",
                        "    extends: ../fragments/processing.yaml\n")
    text = text.replace("    algorithm: xgboost\n", "    framework: pytorch\n    framework_version: '2.0.1'\n"
                        "    py_version: py310\n    source_dir: ../src/train\n    entry_point: train.py\n", 1)
    text = text.replace('    algorithm_version: "1.7-1"\n', "", 1)
    text = text.replace('instance_type: "${params.InstanceType}"', "instance_type: ml.m5.xlarge", 1)
    (root / "pipelines" / "mini.yaml").write_text(text)


def test_triggers_cover_every_file_the_pipelines_read_wherever_it_lives(project, envs):
    root = project.parent
    _fragment_project(root)
    result = cli("ci", "github", "pipelines/mini.yaml", "-o", ".github/workflows", "--mlpc-source", PINNED)
    assert result.exit_code == 0, result.output
    wf = root / ".github" / "workflows"
    pr = yaml.safe_load((wf / "mlpc-pr-check.yml").read_text())
    deploy = yaml.safe_load((wf / "mlpc-deploy.yml").read_text())
    expected = ["copies/prep.py", "env/**", "fragments/processing.yaml", "pipelines/**", "scripts/prep.py",
                "src/train/**", "team/tags.yaml"]
    assert pr["on"]["pull_request"]["paths"] == expected
    assert deploy["on"]["push"]["paths"] == expected
    # a change to only the fragment would trigger both workflows
    assert "step_scripts/**" not in expected  # nothing hard-coded: this project has no such folder


def test_triggers_escape_glob_characters_and_skip_what_a_watched_folder_covers():
    from mlpc.ci.triggers import trigger_paths

    paths, outside = trigger_paths([("pipelines/mini.yaml", False), ("pipelines/frag.yaml", False),
                                    ("frags/a[1]*.yaml", False), ("src/x", True), ("src/x/y", True),
                                    ("../elsewhere.yaml", False)], ["pipelines", "env"])
    assert paths == ["env/**", "frags/a\\[1\\]\\*.yaml", "pipelines/**", "src/x/**"]
    assert outside == ["../elsewhere.yaml"]
    assert trigger_paths([("mini.yaml", False)], ["."])[0] == ["**"]  # a pipeline at the root: not "./**"


def test_a_pipeline_reading_outside_the_repository_root_is_refused(project, envs, monkeypatch):
    root = project.parent
    _fragment_project(root)
    monkeypatch.chdir(root / "pipelines")
    (root / "pipelines" / "env").mkdir()
    for env in ("dev", "prod"):
        (root / "pipelines" / "env" / f"{env}.yaml").write_text("bucket: b\n")
    result = cli("ci", "github", "mini.yaml", "-o", "wf", "--mlpc-source", PINNED)
    assert result.exit_code == 1
    assert "outside the repository root" in result.stderr and "../fragments/processing.yaml" in result.stderr
    assert not (root / "pipelines" / "wf").exists()
