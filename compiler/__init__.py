"""mlpc: a declarative YAML to SageMaker Pipelines compiler."""

__version__ = "0.1.0"
