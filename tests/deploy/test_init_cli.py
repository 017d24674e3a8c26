"""mlpc init: scaffold a project that compiles; never overwrite."""

from __future__ import annotations

import yaml
from deploy_support import cli

EXPECTED = ["pipelines/churn.yaml", "step_scripts/preprocess.py", "step_scripts/train.py", "step_scripts/evaluate.py",
            "buildspec.yml", ".github/workflows/mlpc-pr-check.yml", "pipelines/data/sample.csv",
            "schemas/pipeline.schema.json"]


def test_init_scaffolds_a_project_that_validates(tmp_path):
    target = tmp_path / "churn-project"
    result = cli("init", target, "--name", "churn")
    assert result.exit_code == 0, result.output
    for rel in EXPECTED:
        assert (target / rel).is_file(), rel
        assert f"created {target / rel}" in result.stdout
    validated = cli("validate", target / "pipelines" / "churn.yaml")
    assert validated.exit_code == 0, validated.output
    compiled = cli("compile", target / "pipelines" / "churn.yaml")
    assert compiled.exit_code == 0 and '"Name":"Register"' in compiled.stdout.replace(" ", "")

    buildspec = yaml.safe_load((target / "buildspec.yml").read_text())
    commands = "\n".join(c for phase in buildspec["phases"].values() for c in phase.get("commands", []))
    assert "mlpc validate $PIPELINE_FILES" in commands and "mlpc lint $PIPELINE_FILES" in commands
    assert "--against deployed --format markdown" in commands and "--start --wait --timeout" in commands
    assert buildspec["env"]["variables"]["PIPELINE_FILES"] == "pipelines/churn.yaml"
    workflow = yaml.safe_load((target / ".github/workflows/mlpc-pr-check.yml").read_text())
    steps = workflow["jobs"]["check"]["steps"]
    assert any('--against "git:origin/$BASE_REF" --format markdown' in s.get("run", "") for s in steps)
    for script in EXPECTED[1:4]:
        compile((target / script).read_text(), script, "exec")


def test_init_refuses_to_overwrite(tmp_path):
    target = tmp_path / "p"
    (target / "step_scripts").mkdir(parents=True)
    (target / "step_scripts" / "train.py").write_text("mine\n")
    result = cli("init", target, "--name", "p")
    assert result.exit_code == 1
    assert "error: refusing to overwrite step_scripts/train.py [FileExists]" in result.stderr
    assert (target / "step_scripts" / "train.py").read_text() == "mine\n"
    assert not (target / "pipelines").exists()  # all or nothing


def test_init_default_name_and_bad_name(tmp_path):
    result = cli("init", tmp_path / "My_Model")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "My_Model" / "pipelines" / "my-model.yaml").is_file()
    bad = cli("init", tmp_path / "x", "--name", "no spaces")
    assert bad.exit_code == 1 and "'no spaces' is not a valid pipeline name" in bad.stderr


def test_the_scaffolds_suggested_local_run_works(tmp_path):
    """`mlpc init` ends with "next: mlpc validate ... && mlpc run ... --local": that must succeed as is."""
    target = tmp_path / "churn-project"
    assert cli("init", target, "--name", "churn").exit_code == 0
    run = cli("run", target / "pipelines" / "churn.yaml", "--local", "--workspace", tmp_path / "ws")
    assert run.exit_code == 0, run.output
    assert "registered churn-models version 1" in run.stdout


def test_no_template_or_doc_installs_the_bare_name_mlpc():
    """`mlpc` on the public package index is an unrelated project: installing it is a
    dependency-confusion hole and has no `mlpc` command."""
    import re
    from pathlib import Path

    from mlpc.deploy import init_templates

    root = Path(__file__).resolve().parents[2]
    bare = re.compile(r"pip3? install\s+(?:-\S+\s+)*['\"]?mlpc(?:\[[^\]]*\])?(?:['\"\s]|$)", re.M)
    texts = {f"init_templates.{k}": v for k, v in vars(init_templates).items() if isinstance(v, str)}
    for path in [root / "README.md", root / "buildspec.yml", *sorted((root / "docs").glob("*.md"))]:
        texts[str(path.relative_to(root))] = path.read_text()
    offenders = sorted(name for name, text in texts.items() if bare.search(text))
    assert offenders == []
    assert bare.search("- pip install --quiet mlpc\n") and bare.search('pip install "mlpc[local]"')  # the check can fail


def test_init_pins_the_mlpc_source(tmp_path):
    spec = "mlpc-sagemaker @ git+https://github.com/acme/mlpc@0123456789abcdef0123456789abcdef01234567"
    result = cli("init", tmp_path / "p", "--name", "p", "--mlpc-source", spec)
    assert result.exit_code == 0, result.output
    buildspec = yaml.safe_load((tmp_path / "p" / "buildspec.yml").read_text())
    assert buildspec["env"]["variables"]["MLPC_SOURCE"] == spec
    assert 'pip install --quiet "$MLPC_SOURCE"' in buildspec["phases"]["install"]["commands"]
    workflow = yaml.safe_load((tmp_path / "p" / ".github/workflows/mlpc-pr-check.yml").read_text())
    install = next(s for s in workflow["jobs"]["check"]["steps"] if s.get("env", {}).get("MLPC_SOURCE"))
    assert install["env"]["MLPC_SOURCE"] == spec and 'pip install "$MLPC_SOURCE"' in install["run"]


def test_init_refuses_a_bare_package_name_as_source(tmp_path):
    result = cli("init", tmp_path / "p", "--name", "p", "--mlpc-source", "mlpc")
    assert result.exit_code == 1
    assert "--mlpc-source 'mlpc' is a bare package name" in result.stderr
    assert not (tmp_path / "p").exists()


def test_init_ci_files_are_what_mlpc_ci_generates(tmp_path, monkeypatch):
    """init's buildspec and PR check come from the `mlpc ci` generators, so they cannot drift from
    them: the same build steps and the same complete IAM permission list for the scaffolded pipeline."""
    spec = "mlpc-sagemaker @ git+https://github.com/acme/mlpc@0123456789abcdef0123456789abcdef01234567"
    target = tmp_path / "churn-project"
    assert cli("init", target, "--name", "churn", "--mlpc-source", spec).exit_code == 0
    monkeypatch.chdir(target)
    (target / "env").mkdir()
    (target / "env" / "dev.yaml").write_text("region: us-east-1\n")
    made = cli("ci", "buildspec", "pipelines/churn.yaml", "--mlpc-source", spec, "--no-lint-gate", "-o", "ci/buildspec.yml")
    assert made.exit_code == 0, made.output
    assert (target / "buildspec.yml").read_text() == (target / "ci" / "buildspec.yml").read_text()
    text = (target / "buildspec.yml").read_text()
    for needed in ("sagemaker:CreatePipeline", "iam:PassRole on arn:aws:iam::123456789012:role/SageMakerPipelineRole",
                   "sagemaker:CreateModelPackageGroup, sagemaker:AddTags, sagemaker:ListTags on "
                   "arn:aws:sagemaker:us-east-1:ACCOUNT:model-package-group/churn-models",
                   "s3:GetObject, s3:PutObject on arn:aws:s3:::churn-artifacts/churn/*"):
        assert needed in text, needed
    made = cli("ci", "github", "pipelines/churn.yaml", "-o", "ci", "--environments", "dev", "--mlpc-source", spec,
               "--no-lint-gate")
    assert made.exit_code == 0, made.output
    ours = yaml.safe_load((target / ".github/workflows/mlpc-pr-check.yml").read_text())
    theirs = yaml.safe_load((target / "ci" / "mlpc-pr-check.yml").read_text())
    assert ours["jobs"] == theirs["jobs"] and ours["env"] == theirs["env"]
    # the same triggers, derived from what the compile read (init has no vars folder)
    watched = ours["on"]["pull_request"]["paths"]
    assert watched == [p for p in theirs["on"]["pull_request"]["paths"] if p != "env/**"]
    assert "pipelines/**" in watched and "step_scripts/train.py" in watched


def test_init_says_its_ci_reports_lint_without_gating_because_the_scaffold_fails_lint(tmp_path):
    target = tmp_path / "p"
    result = cli("init", target, "--name", "p", "--mlpc-source", ".")
    assert result.exit_code == 0, result.output
    assert "report `mlpc lint` findings without failing" in result.stderr
    lint = cli("lint", target / "pipelines" / "p.yaml")
    assert lint.exit_code == 1 and "[L101" in lint.stdout + lint.stderr  # why: no KMS key in the scaffold
    commands = yaml.safe_load((target / "buildspec.yml").read_text())["phases"]["build"]["commands"]
    assert any(c.startswith("mlpc lint $PIPELINE_FILES $MLPC_ARGS || echo") for c in commands)
