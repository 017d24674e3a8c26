"""Each step type, on hand-written definitions with tiny scripts (pure Python where possible)."""

import io
import json
import tarfile

import pytest

from mlpc.local.registry import Registry
from mlpc.local.workspace import Workspace
from mlpc.manifest import sourcedir_bytes

from .conftest import (BUCKET, definition, exec_join, get_object, needs_sandbox, out_uri, processing_step, put, ref,
                       run, script, statuses)

pytestmark = needs_sandbox

PREP = script("""
    import json, os, sys
    rows = open('/opt/ml/processing/input/data/rows.csv').read().split()
    os.makedirs('/opt/ml/processing/out', exist_ok=True)
    # label first, no header: the label is the parity of the first feature
    with open('/opt/ml/processing/out/train.csv', 'w') as f:
        for r in rows:
            x = int(r.split(',')[0])
            f.write('%d,%s\\n' % (x % 2, r))
    with open('/opt/ml/processing/report/report.json', 'w') as f:
        json.dump({'rows': len(rows), 'args': sys.argv[1:], 'job': os.environ['PROCESSING_JOB_NAME'],
                   'greeting': os.environ.get('GREETING')}, f)
    print('prepared', len(rows))
""")

TRAIN = script("""
    import json, os, sys
    hps = json.load(open('/opt/ml/input/config/hyperparameters.json'))
    data = open(os.path.join(os.environ['SM_CHANNEL_TRAIN'], 'train.csv')).read().split()
    depth = int(json.loads(os.environ['SM_HPS'])['depth'])
    os.makedirs(os.environ['SM_MODEL_DIR'], exist_ok=True)
    json.dump({'depth': depth, 'argv': sys.argv[1:], 'rows': len(data), 'hps_file': hps,
               'hosts': json.loads(os.environ['SM_HOSTS']), 'channels': json.loads(os.environ['SM_CHANNELS'])},
              open(os.path.join(os.environ['SM_MODEL_DIR'], 'model.json'), 'w'))
    print('score=%.3f' % (1.0 / (1 + abs(depth - 4))))
""")

SERVE = script("""
    import json, os
    def model_fn(model_dir):
        return json.load(open(os.path.join(model_dir, 'model.json')))
    def input_fn(body, content_type):
        assert content_type == 'text/csv', content_type
        return [[float(v) for v in line.split(',')] for line in body.strip().splitlines()]
    def predict_fn(rows, model):
        return [int(r[0]) % 2 for r in rows]
    def output_fn(prediction, accept):
        return ''.join('%d\\n' % p for p in prediction), accept
""")


def sourcedir(tmp_path, **files):
    d = tmp_path / "src"
    d.mkdir(exist_ok=True)
    for name, text in files.items():
        (d / name).write_text(text)
    return sourcedir_bytes(d)


def training_step(name, train_uri, hps, image="123.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
                  output=f"s3://{BUCKET}/models", metric_defs=(), channels=None):
    chans = channels or {"train": train_uri}
    return {"Name": name, "Type": "Training", "Arguments": {
        "AlgorithmSpecification": {"TrainingImage": image, "TrainingInputMode": "File",
                                   **({"MetricDefinitions": list(metric_defs)} if metric_defs else {})},
        "HyperParameters": hps,
        "InputDataConfig": [{"ChannelName": c, "ContentType": "text/csv", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": uri, "S3DataDistributionType": "FullyReplicated"}}}
            for c, uri in chans.items()],
        "OutputDataConfig": {"S3OutputPath": output},
        "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 600},
        "RoleArn": "arn:aws:iam::111122223333:role/R"}}


def tar_members(data: bytes) -> dict:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


# ------------------------------------------------------------------ script mode: processing -> training -> tuning
#                                                                    -> model -> transform -> register

@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("chain")
    ws = Workspace.at(tmp / "ws")
    ws.ensure()
    put(ws, f"s3://{BUCKET}/code/prep.py", PREP)
    put(ws, f"s3://{BUCKET}/data/rows.csv", "".join(f"{i},{i * 2}\n" for i in range(10)))
    put(ws, f"s3://{BUCKET}/code/src.tar.gz", sourcedir(tmp, **{"train.py": TRAIN, "serve.py": SERVE}))
    put(ws, f"s3://{BUCKET}/batch/in.csv", "".join(f"{i % 2},{i},{i * 2}\n" for i in range(5)))
    script_hps = {"sagemaker_program": '"train.py"', "sagemaker_submit_directory": f'"s3://{BUCKET}/code/src.tar.gz"',
                  "depth": {"Std:Join": {"On": "", "Values": [{"Get": "Parameters.Depth"}]}}}
    prep = processing_step(
        "Prep", f"s3://{BUCKET}/code/prep.py", args=["--mode", {"Get": "Parameters.Mode"}],
        inputs=[("data", f"s3://{BUCKET}/data/rows.csv", "/opt/ml/processing/input/data")],
        outputs=[("train", exec_join("Prep", "train"), "/opt/ml/processing/out"),
                 ("report", exec_join("Prep", "report"), "/opt/ml/processing/report")],
        PropertyFiles=[{"PropertyFileName": "Report", "OutputName": "report", "FilePath": "report.json"}])
    prep["Arguments"]["Environment"] = {"GREETING": "hello"}
    train = training_step("Train", out_uri("Prep", "train"), script_hps,
                          metric_defs=[{"Name": "score", "Regex": "score=([0-9.]+)"}])
    tune = {"Name": "Tune", "Type": "Tuning", "Arguments": {
        "HyperParameterTuningJobConfig": {
            "Strategy": "Random", "ResourceLimits": {"MaxNumberOfTrainingJobs": 3, "MaxParallelTrainingJobs": 2},
            "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "score"},
            "ParameterRanges": {"IntegerParameterRanges": [{"Name": "depth", "MinValue": "1", "MaxValue": "8",
                                                            "ScalingType": "Auto"}]}},
        "TrainingJobDefinition": {
            **{k: v for k, v in train["Arguments"].items() if k != "HyperParameters"},
            "StaticHyperParameters": {k: v for k, v in script_hps.items() if k != "depth"},
            "OutputDataConfig": {"S3OutputPath": f"s3://{BUCKET}/tuning"}}}}
    model = {"Name": "Model", "Type": "Model", "Arguments": {"ExecutionRoleArn": "arn:aws:iam::1:role/R", "PrimaryContainer": {
        "Image": "123.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
        "ModelDataUrl": {"Std:Join": {"On": "/", "Values": [
            "s3:/", BUCKET, "tuning", {"Get": "Steps.Tune.TrainingJobSummaries[0].TrainingJobName"}, "output/model.tar.gz"]}},
        "Environment": {"SAGEMAKER_PROGRAM": "serve.py", "SAGEMAKER_SUBMIT_DIRECTORY": f"s3://{BUCKET}/code/src.tar.gz"}}}}
    transform = {"Name": "Score", "Type": "Transform", "Arguments": {
        "ModelName": {"Get": "Steps.Model.ModelName"},
        "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{BUCKET}/batch"}},
                           "ContentType": "text/csv", "SplitType": "Line"},
        "TransformOutput": {"S3OutputPath": exec_join("scores"), "Accept": "text/csv", "AssembleWith": "Line"},
        "DataProcessing": {"InputFilter": "$[1:]", "JoinSource": "Input"},
        "TransformResources": {"InstanceCount": 1, "InstanceType": "ml.m5.large"}}}
    register = {"Name": "Register", "Type": "RegisterModel", "Arguments": {
        "ModelPackageGroupName": {"Get": "Parameters.Group"},
        "InferenceSpecification": {"Containers": [{"Image": "img", "ModelDataUrl": {
            "Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}}], "SupportedContentTypes": ["text/csv"]},
        "ModelMetrics": {"ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": {
            "Std:Join": {"On": "/", "Values": [out_uri("Prep", "report"), "report.json"]}}}}},
        "ModelApprovalStatus": "Approved"}, "DependsOn": ["Score"]}
    d = definition(prep, train, tune, model, transform, register, parameters=[
        {"Name": "Mode", "Type": "String", "DefaultValue": "fast"},
        {"Name": "Depth", "Type": "Integer", "DefaultValue": 3},
        {"Name": "Group", "Type": "String", "DefaultValue": "g1"}])
    result, events = run(ws, d, {"Depth": 5})
    return ws, result, events


def props(ws, result, step):
    return json.loads((ws.step_dir(result.record.id, step) / "properties.json").read_text())


def test_chain_succeeds_in_dependency_order(chain):
    ws, result, events = chain
    assert result.ok, (result.record.failure, result.log_tails)
    assert set(statuses(result).values()) == {"Succeeded"}
    started = [e.step.name for e in events if e.kind == "step_started"]
    assert started.index("Prep") < started.index("Train") and started.index("Tune") < started.index("Model")
    assert started.index("Score") < started.index("Register")
    assert [e.kind for e in events][0] == "execution_started" and events[-1].kind == "execution_finished"


def test_processing_inputs_outputs_arguments_environment(chain):
    ws, result, _ = chain
    eid = result.record.id
    report = json.loads(get_object(ws, f"s3://{BUCKET}/{eid}/Prep/report/report.json"))
    assert report == {"rows": 10, "args": ["--mode", "fast"], "job": f"pipelines-{eid}-Prep", "greeting": "hello"}
    assert get_object(ws, f"s3://{BUCKET}/{eid}/Prep/train/train.csv").decode().splitlines()[:2] == ["0,0,0", "1,1,2"]
    assert "prepared 10" in (ws.step_dir(eid, "Prep") / "stdout.log").read_text()
    assert not (ws.step_dir(eid, "Prep") / "opt_ml").exists()  # work dir removed after success
    assert props(ws, result, "Prep")["ProcessingJobStatus"] == "Completed"


def test_script_mode_training_contract(chain):
    ws, result, _ = chain
    eid = result.record.id
    p = props(ws, result, "Train")
    job = f"pipelines-{eid}-Train"
    assert p["ModelArtifacts"]["S3ModelArtifacts"] == f"s3://{BUCKET}/models/{job}/output/model.tar.gz"
    model = json.loads(tar_members(get_object(ws, p["ModelArtifacts"]["S3ModelArtifacts"]))["model.json"])
    assert model["depth"] == 5  # the typed --param override, through Std:Join
    assert model["argv"] == ["--depth", "5"]  # user hyperparameters only, as the training toolkit passes them
    assert model["rows"] == 10 and model["hosts"] == ["algo-1"] and model["channels"] == ["train"]
    assert model["hps_file"]["sagemaker_program"] == '"train.py"'
    assert [(m["MetricName"], m["Value"]) for m in p["FinalMetricDataList"]] == [("score", 0.5)]


def test_tuning_runs_trials_and_exposes_the_best(chain):
    ws, result, _ = chain
    p = props(ws, result, "Tune")
    summaries = p["TrainingJobSummaries"]
    assert len(summaries) == 3 and p["TrainingJobStatusCounters"] == {"Completed": 3, "Failed": 0}
    values = [s["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] for s in summaries]
    assert values == sorted(values, reverse=True)  # best first
    assert p["BestTrainingJob"]["TrainingJobName"] == summaries[0]["TrainingJobName"]
    for s in summaries:
        depth = int(s["TunedHyperParameters"]["depth"])
        assert 1 <= depth <= 8 and s["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] == round(1 / (1 + abs(depth - 4)), 3)
    assert result.record.steps["Tune"].detail["trials"] == 3


def test_model_and_transform_with_script_mode_inference(chain):
    ws, result, _ = chain
    model_name = props(ws, result, "Model")["ModelName"]
    local_model = Registry(ws.db_path).get_model(model_name)
    assert local_model.containers[0]["ModelDataUrl"].endswith("/output/model.tar.gz")
    out = get_object(ws, f"s3://{BUCKET}/{result.record.id}/scores/in.csv.out").decode()
    # InputFilter $[1:] dropped the label; JoinSource Input appended the prediction to each input record
    assert out.splitlines() == [f"{i % 2},{i},{i * 2},{i % 2}" for i in range(5)]


def test_register_model_records_version_metrics_and_lineage(chain):
    ws, result, _ = chain
    pkgs = Registry(ws.db_path).list("g1")
    assert len(pkgs) == 1
    pkg = pkgs[0]
    assert (pkg.version, pkg.status, pkg.execution_id, pkg.step) == (1, "Approved", result.record.id, "Register")
    assert pkg.metrics == {} and pkg.reports["ModelQuality.Statistics"]["rows"] == 10
    assert props(ws, result, "Register")["ModelPackageArn"].endswith("model-package/g1/1")


# ------------------------------------------------------------------ built-in XGBoost -> model -> transform

@pytest.fixture(scope="module")
def xgb_run(tmp_path_factory):
    pytest.importorskip("xgboost")
    ws = Workspace.at(tmp_path_factory.mktemp("xgb") / "ws")
    ws.ensure()
    rows = [(i % 2, (i % 2) * 2.0 + (i % 7) * 0.1, (i % 5) * 0.3) for i in range(60)]
    put(ws, f"s3://{BUCKET}/xgb/train/part.csv", "".join(f"{y},{a},{b}\n" for y, a, b in rows[:40]))
    put(ws, f"s3://{BUCKET}/xgb/validation/part.csv", "".join(f"{y},{a},{b}\n" for y, a, b in rows[40:]))
    put(ws, f"s3://{BUCKET}/xgb/batch/b.csv", "".join(f"{a},{b}\n" for _, a, b in rows[:6]))
    image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    train = training_step("Xgb", None, {"objective": "binary:logistic", "num_round": "4", "max_depth": "2",
                                        "eta": "0.5", "eval_metric": "auc,logloss"}, image=image,
                          channels={"train": f"s3://{BUCKET}/xgb/train", "validation": f"s3://{BUCKET}/xgb/validation"})
    model = {"Name": "XgbModel", "Type": "Model", "Arguments": {"PrimaryContainer": {
        "Image": image, "ModelDataUrl": ref("Steps.Xgb.ModelArtifacts.S3ModelArtifacts")}}}
    transform = {"Name": "XgbScore", "Type": "Transform", "Arguments": {
        "ModelName": ref("Steps.XgbModel.ModelName"),
        "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://{BUCKET}/xgb/batch"}},
                           "ContentType": "text/csv", "SplitType": "Line"},
        "TransformOutput": {"S3OutputPath": f"s3://{BUCKET}/xgb/out", "AssembleWith": "Line"},
        "BatchStrategy": "MultiRecord"}}
    result, _ = run(ws, definition(train, model, transform))
    return ws, result, rows


def test_builtin_xgboost_contract(xgb_run):
    import xgboost

    ws, result, _ = xgb_run
    assert result.ok, (result.record.failure, result.log_tails)
    p = props(ws, result, "Xgb")
    members = tar_members(get_object(ws, p["ModelArtifacts"]["S3ModelArtifacts"]))
    assert list(members) == ["xgboost-model"]
    booster = xgboost.Booster()
    booster.load_model(bytearray(members["xgboost-model"]))
    assert booster.num_boosted_rounds() == 4
    names = {m["MetricName"] for m in p["FinalMetricDataList"]}
    assert names == {"train:auc", "train:logloss", "validation:auc", "validation:logloss"}
    log = (ws.step_dir(result.record.id, "Xgb") / "stdout.log").read_text()
    assert "[3]\ttrain-auc:" in log  # the container's log format, which metric regexes read


def test_xgboost_batch_transform(xgb_run):
    ws, result, rows = xgb_run
    out = get_object(ws, f"s3://{BUCKET}/xgb/out/b.csv.out").decode().splitlines()
    assert len(out) == 6
    probs = [float(v) for v in out]
    assert all(0 <= p <= 1 for p in probs)
    labels = [y for y, _, _ in rows[:6]]
    assert [p >= 0.5 for p in probs] == [bool(y) for y in labels]


def test_builtin_xgboost_requires_num_round(ws):
    put(ws, f"s3://{BUCKET}/t/train.csv", "1,2\n0,1\n")
    step = training_step("X", f"s3://{BUCKET}/t", {"objective": "binary:logistic"},
                         image="683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1")
    result, _ = run(ws, definition(step))
    assert not result.ok
    assert "Missing required hyperparameter: num_round" in result.record.failure["reason"]


def test_builtin_xgboost_refuses_what_the_container_refuses(ws):
    """A definition mlpc did not compile (e.g. the SDK's) gets the container's own validation locally."""
    put(ws, f"s3://{BUCKET}/t2/train.csv", "1,2\n0,1\n")
    step = training_step("X", f"s3://{BUCKET}/t2", {"num_round": "5", "num_rounds": "5"},
                         image="683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3")
    result, _ = run(ws, definition(step))
    assert not result.ok
    assert "Extraneous hyperparameter found: num_rounds" in result.record.failure["reason"]
