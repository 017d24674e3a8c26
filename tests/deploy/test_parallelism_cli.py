"""pipeline.max_parallel_steps -> ParallelismConfiguration on CreatePipeline / UpdatePipeline, as the SDK's
Pipeline.create/update(parallelism_config=) send it, against moto's real HTTP server."""

from __future__ import annotations

from deploy_support import BUCKET, cli, edit


def _parallelism(moto):
    return moto.sm.describe_pipeline(PipelineName="mini").get("ParallelismConfiguration")


def test_upsert_sends_parallelism_and_a_change_is_an_update(moto, project):
    moto.s3.create_bucket(Bucket=BUCKET)
    edit(project, "  name: mini\n", "  name: mini\n  max_parallel_steps: 3\n")
    created = cli("upsert", project)
    assert created.exit_code == 0, created.output
    assert _parallelism(moto) == {"MaxParallelExecutionSteps": 3}

    again = cli("upsert", project)
    assert again.exit_code == 0 and "pipeline unchanged: mini" in again.stdout, again.output

    edit(project, "max_parallel_steps: 3", "max_parallel_steps: 5")
    plan = cli("upsert", project, "--dry-run")
    assert plan.exit_code == 0 and "update pipeline mini" in plan.stdout, plan.output
    updated = cli("upsert", project)
    assert updated.exit_code == 0, updated.output
    assert _parallelism(moto) == {"MaxParallelExecutionSteps": 5}


def test_zero_is_a_schema_error(project):
    edit(project, "  name: mini\n", "  name: mini\n  max_parallel_steps: 0\n")
    result = cli("validate", project)
    assert result.exit_code == 1 and "[S001]" in result.output, result.output
