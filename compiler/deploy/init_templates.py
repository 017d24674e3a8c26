"""The files `mlpc init` writes (relative path -> text). `{name}`-style fields are filled by init.py;
literal braces are doubled."""

PIPELINE_YAML = """\
# yaml-language-server: $schema=../schemas/pipeline.schema.json
#
#   mlpc validate pipelines/{name}.yaml
#   mlpc run pipelines/{name}.yaml --local
#   mlpc diff pipelines/{name}.yaml --against deployed
#   mlpc upsert pipelines/{name}.yaml --start --wait
vars:
  account_id: "123456789012"
  bucket: {name}-artifacts
  region: us-east-1

pipeline:
  name: {name}
  description: A scikit-learn classifier, scaffolded by mlpc init
  role: "arn:aws:iam::{{{{ account_id }}}}:role/SageMakerPipelineRole"
  bucket: "{{{{ bucket }}}}"
  region: "{{{{ region }}}}"
  local:
    data:                     # seeded into the local object store by `mlpc run --local`
      "s3://{{{{ bucket }}}}/{name}/raw/sample.csv": data/sample.csv

parameters:
  InputData: {{type: String, default: "s3://{{{{ bucket }}}}/{name}/raw/"}}
  TrainingInstanceType:
    type: String
    default: ml.m5.large
    enum: [ml.m5.large, ml.m5.xlarge]
  AccuracyThreshold: {{type: Float, default: 0.8}}

steps:
  Preprocess:
    type: processing
    framework: sklearn
    framework_version: "1.2-1"
    instance_type: ml.m5.large
    code: ../step_scripts/preprocess.py
    inputs:
      raw: {{source: "${{params.InputData}}", destination: /opt/ml/processing/input}}
    outputs:
      train: {{source: /opt/ml/processing/train}}
      test: {{source: /opt/ml/processing/test}}
    cache: {{enabled: true, expire_after: P30D}}

  Train:
    type: training
    framework: sklearn
    framework_version: "1.2-1"
    entry_point: ../step_scripts/train.py
    instance_type: "${{params.TrainingInstanceType}}"
    hyperparameters:
      n_estimators: 100
    channels:
      train: {{source: "${{steps.Preprocess.outputs.train}}", content_type: text/csv}}
    cache: {{enabled: true, expire_after: P30D}}

  Evaluate:
    type: processing
    framework: sklearn
    framework_version: "1.2-1"
    instance_type: ml.m5.large
    code: ../step_scripts/evaluate.py
    inputs:
      model: {{source: "${{steps.Train.model_data}}", destination: /opt/ml/processing/model}}
      test: {{source: "${{steps.Preprocess.outputs.test}}", destination: /opt/ml/processing/test}}
    outputs:
      evaluation: {{source: /opt/ml/processing/evaluation}}
    property_files:
      EvaluationReport: {{output: evaluation, path: evaluation.json}}

  CheckAccuracy:
    type: condition
    if: files.EvaluationReport.metrics.accuracy.value >= params.AccuracyThreshold
    then: [Register]
    else: [AccuracyTooLow]

  Register:
    type: register_model
    model_package_group: {name}-models
    framework: sklearn
    framework_version: "1.2-1"
    entry_point: ../step_scripts/train.py
    model_data: "${{steps.Train.model_data}}"
    content_types: [text/csv]
    response_types: [text/csv]
    model_metrics:
      model_statistics:
        s3_uri: "${{steps.Evaluate.outputs.evaluation}}/evaluation.json"

  AccuracyTooLow:
    type: fail
    message: "Accuracy is below ${{params.AccuracyThreshold}}"

# schedules:
#   weekly-retrain:
#     expression: cron(0 3 ? * MON *)
#     timezone: UTC
#     parameters: {{TrainingInstanceType: ml.m5.xlarge}}
"""

PREPROCESS_PY = '''\
"""Split /opt/ml/processing/input/*.csv (header row, label column "target") into train/test CSVs
with no header and the label first, as the training and evaluation scripts read them."""

import argparse
import glob
import os

import pandas as pd
from sklearn.model_selection import train_test_split


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-dir", default="/opt/ml/processing")
    parser.add_argument("--target-column", default="target")
    parser.add_argument("--test-ratio", type=float, default=0.2)
    args = parser.parse_args()
    files = sorted(glob.glob(os.path.join(args.base_dir, "input", "*.csv")))
    df = pd.concat(pd.read_csv(f) for f in files)
    df = df[[args.target_column] + [c for c in df.columns if c != args.target_column]]
    train, test = train_test_split(df, test_size=args.test_ratio, random_state=42, stratify=df[args.target_column])
    for name, part in (("train", train), ("test", test)):
        os.makedirs(os.path.join(args.base_dir, name), exist_ok=True)
        part.to_csv(os.path.join(args.base_dir, name, f"{name}.csv"), header=False, index=False)


if __name__ == "__main__":
    main()
'''

TRAIN_PY = '''\
"""Script-mode training for the SKLearn container: CSV (label first, no header) -> model.joblib."""

import argparse
import glob
import os

import joblib
import pandas as pd
from sklearn.ensemble import RandomForestClassifier


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n_estimators", "--n-estimators", type=int, default=100)
    args, _ = parser.parse_known_args()
    train_dir = os.environ.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train")
    df = pd.concat(pd.read_csv(f, header=None) for f in sorted(glob.glob(os.path.join(train_dir, "*.csv"))))
    model = RandomForestClassifier(n_estimators=args.n_estimators, random_state=42)
    model.fit(df.iloc[:, 1:], df.iloc[:, 0])
    joblib.dump(model, os.path.join(os.environ.get("SM_MODEL_DIR", "/opt/ml/model"), "model.joblib"))


def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))


if __name__ == "__main__":
    main()
'''

EVALUATE_PY = '''\
"""Evaluate model.tar.gz on the test CSV; write evaluation.json as {"metrics": {"accuracy": {"value": x}}."""

import argparse
import glob
import json
import os
import tarfile

import joblib
import pandas as pd
from sklearn.metrics import accuracy_score


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-dir", default="/opt/ml/processing")
    args = parser.parse_args()
    model_dir = os.path.join(args.base_dir, "model")
    with tarfile.open(os.path.join(model_dir, "model.tar.gz")) as tar:
        tar.extractall(model_dir, filter="data")
    model = joblib.load(os.path.join(model_dir, "model.joblib"))
    files = sorted(glob.glob(os.path.join(args.base_dir, "test", "*.csv")))
    df = pd.concat(pd.read_csv(f, header=None) for f in files)
    accuracy = float(accuracy_score(df.iloc[:, 0], model.predict(df.iloc[:, 1:])))
    out = os.path.join(args.base_dir, "evaluation")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "evaluation.json"), "w") as f:
        json.dump({"metrics": {"accuracy": {"value": accuracy}}}, f)
    print(f"accuracy={accuracy:.4f}")


if __name__ == "__main__":
    main()
'''

def sample_csv(rows: int = 400, seed: int = 7) -> str:
    """A small, deterministic classification dataset (header row, label column `target`) so the
    scaffold's `mlpc run --local` works at once; replace it with your data."""
    import random

    rng = random.Random(seed)
    lines = ["f1,f2,f3,f4,target"]
    for _ in range(rows):
        f = [round(rng.gauss(0, 1), 4) for _ in range(4)]
        score = 1.5 * f[0] - f[1] + 0.5 * f[2] + rng.gauss(0, 0.3)
        lines.append(",".join(map(str, f + [int(score > 0)])))
    return "\n".join(lines) + "\n"


FILES = {
    "pipelines/{name}.yaml": PIPELINE_YAML,
    "pipelines/data/sample.csv": sample_csv(),
    "step_scripts/preprocess.py": PREPROCESS_PY,
    "step_scripts/train.py": TRAIN_PY,
    "step_scripts/evaluate.py": EVALUATE_PY,
}
# buildspec.yml and .github/workflows/mlpc-pr-check.yml come from mlpc.ci (init.ci_files)

# files whose text is not a format template
VERBATIM = ("step_scripts/preprocess.py", "step_scripts/train.py", "step_scripts/evaluate.py",
            "pipelines/data/sample.csv")
