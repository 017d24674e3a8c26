"""mlpc upsert uploads what compile generates (a Clarify analysis config) at its content-addressed key."""

from __future__ import annotations

import hashlib
import json

from deploy_support import BUCKET, cli, edit

from mlpc.api import compile_file

BIAS_CHECK = """
  Bias:
    type: clarify_check
    check: data_bias
    dataset: "${steps.Prep.outputs.train}"
    label: y
    headers: [y, a, b]
    bias: {label_values_or_threshold: [1], facet: a}
  Train:"""


def test_upsert_uploads_the_generated_analysis_config(moto, project):
    moto.s3.create_bucket(Bucket=BUCKET)
    edit(project, "\n  Train:", BIAS_CHECK)
    result = cli("upsert", project, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["uploaded"] == 3  # two scripts and the analysis config

    compiled = compile_file(project)
    generated = [u for u in compiled.uploads if u.kind == "generated"]
    assert len(generated) == 1
    key = generated[0].s3_uri.split("/", 3)[3]
    body = moto.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert body == generated[0].data and hashlib.sha256(body).hexdigest() == generated[0].sha256
    config = json.loads(body)
    assert config["facet"] == [{"name_or_index": "a"}] and config["headers"] == ["y", "a", "b"]
    steps = json.loads(moto.sm.describe_pipeline(PipelineName="mini")["PipelineDefinition"])["Steps"]
    bias = next(s for s in steps if s["Name"] == "Bias")
    assert bias["Arguments"]["ProcessingInputs"][0]["S3Input"]["S3Uri"] == generated[0].s3_uri

    again = cli("upsert", project)
    assert again.exit_code == 0 and "uploaded 0 file(s), 3 already in S3" in again.stdout, again.output
