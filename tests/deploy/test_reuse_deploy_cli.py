"""upsert and diff on a pipeline built from fragments (mlpc.reuse): code named in a fragment is
uploaded from the fragment's folder; `diff --against git:REF` compiles the fragments as they were."""

from __future__ import annotations

import hashlib
import json
import subprocess
import textwrap

import pytest
from deploy_support import BUCKET, cli, edit

from mlpc.api import compile_file

ROLE = "arn:aws:iam::123456789012:role/SageMakerPipelineRole"


@pytest.fixture
def reusing(tmp_path, monkeypatch):
    """pipelines/p.yaml includes shared/team.yaml and extends shared/prep.yaml, whose
    `code: scripts/prep.py` is shared/scripts/prep.py; pipelines/scripts/prep.py is a decoy."""
    root = tmp_path / "proj"
    files = {
        "shared/scripts/prep.py": "print('prep from the fragment folder')\n",
        "pipelines/scripts/prep.py": "print('decoy next to the pipeline')\n",
        "shared/team.yaml": f"""\
            vars: {{bucket: {BUCKET}}}
            pipeline: {{role: "{ROLE}", bucket: "{{{{ bucket }}}}", region: us-east-1, tags: {{team: ml}}}}
            defaults:
              processing:
                framework: sklearn
                framework_version: "1.2-1"
                instance_type: ml.m5.large
            """,
        "shared/prep.yaml": """\
            type: processing
            code: scripts/prep.py
            outputs:
              train: {source: /opt/ml/processing/train}
            """,
        "pipelines/p.yaml": """\
            include: [../shared/team.yaml]
            pipeline: {name: reuse}
            steps:
              Prep: {extends: ../shared/prep.yaml}
            """,
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    git(root, "init", "-q", "-b", "main")  # the project: its git work tree
    monkeypatch.chdir(root)
    return root / "pipelines" / "p.yaml"


def git(root, *args):
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=root, check=True,
                   capture_output=True)


def test_upsert_uploads_code_named_in_a_fragment_from_the_fragments_folder(moto, reusing):
    moto.s3.create_bucket(Bucket=BUCKET)
    result = cli("upsert", reusing, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["uploaded"] == 1

    compiled = compile_file(reusing)
    [up] = compiled.uploads
    assert up.local == "../shared/scripts/prep.py"
    body = moto.s3.get_object(Bucket=BUCKET, Key=up.s3_uri.split("/", 3)[3])["Body"].read()
    assert body == b"print('prep from the fragment folder')\n"
    assert hashlib.sha256(body).hexdigest() == up.sha256
    deployed = json.loads(moto.sm.describe_pipeline(PipelineName="reuse")["PipelineDefinition"])
    assert deployed == compiled.definition
    diff = cli("diff", reusing)
    assert diff.exit_code == 0 and "No changes." in diff.stdout, diff.output


def test_diff_against_git_compiles_the_fragments_as_they_were(offline, reusing):
    root = reusing.parents[1]
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    same = cli("diff", reusing, "--against", "git:HEAD")
    assert same.exit_code == 0, same.output
    assert "No changes." in same.stdout

    edit(root / "shared" / "team.yaml", "instance_type: ml.m5.large", "instance_type: ml.m5.xlarge")
    changed = cli("diff", reusing, "--against", "git:HEAD")
    assert changed.exit_code == 2, changed.output
    assert "ml.m5.large -> ml.m5.xlarge" in changed.stdout
    assert (root / "shared" / "team.yaml").read_text().count("ml.m5.xlarge") == 1  # the work tree untouched


def test_diff_against_git_reads_paths_above_the_pipeline_folder_at_that_revision(offline, tmp_path, monkeypatch):
    """A revision is exported as the repository's work tree: `../` code and local data paths that
    stay inside the repository are inside the project there too (no F004/F007)."""
    root = tmp_path / "repo"
    (root / "pipelines").mkdir(parents=True)
    (root / "scripts").mkdir()
    (root / "data").mkdir()
    (root / "scripts" / "prep.py").write_text("print('prep')\n")
    (root / "data" / "raw.csv").write_text("1,2\n")
    (root / "pipelines" / "p.yaml").write_text(textwrap.dedent(f"""\
        pipeline:
          name: above
          role: "{ROLE}"
          bucket: {BUCKET}
          local:
            data: {{"s3://{BUCKET}/raw/raw.csv": ../data/raw.csv}}
        steps:
          Prep:
            type: processing
            framework: sklearn
            framework_version: "1.2-1"
            instance_type: ml.m5.large
            code: ../scripts/prep.py
        """))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    monkeypatch.chdir(root)
    result = cli("diff", root / "pipelines" / "p.yaml", "--against", "git:HEAD")
    assert result.exit_code == 0, result.output
    assert "No changes." in result.stdout
