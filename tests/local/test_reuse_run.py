"""`mlpc run --local` on the reusing example (pipelines/sklearn-reuse.yaml): includes, step
defaults and a step fragment whose source_dir is relative to the fragment."""

from pathlib import Path

from typer.testing import CliRunner

from mlpc.cli import app

from .conftest import needs_sandbox

ROOT = Path(__file__).resolve().parents[2]
REUSING = ROOT / "pipelines" / "sklearn-reuse.yaml"
runner = CliRunner()


@needs_sandbox
def test_the_reusing_pipeline_runs_locally_and_its_defaults_cache_steps(tmp_path):
    ws = tmp_path / "ws"
    first = runner.invoke(app, ["run", str(REUSING), "--local", "--workspace", str(ws)])
    assert first.exit_code == 0, first.output
    for step in ("Preprocess", "Train", "Evaluate", "CheckF1"):
        assert f"{step}: Succeeded" in first.stdout
    assert "F1TooLow: Skipped" in first.stdout

    # cache: comes from the team's defaults; Evaluate opts out with `omit: [cache]`
    second = runner.invoke(app, ["run", str(REUSING), "--local", "--workspace", str(ws)])
    assert second.exit_code == 0, second.output
    rows = {line.split("│")[1].strip(): line for line in second.stdout.splitlines() if line.count("│") > 4}
    assert "yes" in rows["Preprocess"] and "yes" in rows["Train"], second.stdout
    assert "no" in rows["Evaluate"].split("│")[3], second.stdout
