"""Synthetic pipelines of N steps, for the compile-scaling benchmark."""

from __future__ import annotations


def synthetic_yaml(n: int) -> str:
    """N steps: a chain of processing steps, every 10th a training step fed by the previous output."""
    lines = [
        "pipeline:",
        "  name: synthetic",
        "  role: arn:aws:iam::123456789012:role/SageMakerPipelineRole",
        "  bucket: bench-bucket",
        "parameters:",
        "  InstanceCount: {type: Integer, default: 1}",
        "  Threshold: {type: Float, default: 0.5}",
        "steps:",
    ]
    for i in range(n):
        name = f"Step{i:04d}"
        prev = f"Step{i - 1:04d}"
        if i % 10 == 9:
            lines += [
                f"  {name}:",
                "    type: training",
                "    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
                "    instance_type: ml.m5.xlarge",
                "    hyperparameters: {num_round: 10, max_depth: 3}",
                f"    channels: {{train: \"${{steps.{prev}.outputs.out}}\"}}",
            ]
        else:
            src = f"${{steps.{prev}.outputs.out}}" if i and (i - 1) % 10 != 9 else "s3://bench-bucket/raw/"
            if i and (i - 1) % 10 == 9:
                src = f"${{steps.{prev}.model_data}}"
            lines += [
                f"  {name}:",
                "    type: processing",
                "    image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
                "    instance_type: ml.m5.large",
                "    instance_count: \"${params.InstanceCount}\"",
                "    command: [python3, /opt/ml/code/run.py]",
                f"    inputs: {{data: {{source: \"{src}\", destination: /opt/ml/processing/input}}}}",
                "    outputs: {out: {source: /opt/ml/processing/output}}",
            ]
    return "\n".join(lines) + "\n"
