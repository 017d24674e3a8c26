"""tests/parity/fixtures/distribution.yaml, written by hand with the SageMaker Python SDK v2.

The oracle for `distribution:` and the TensorFlow estimator's `model_dir`: PyTorch, TensorFlow and
MXNet estimators with each strategy their `distribution=` takes (parameter_server, mpi,
multi_worker_mirrored_strategy, torch_distributed, pytorchddp, smdistributed dataparallel and
modelparallel, modelparallel beside mpi and beside torch_distributed), TensorFlow with its default
model_dir, model_dir=False and a given model_dir, and tuners over a TensorFlow estimator (one with Horovod).
The SDK's model_dir default holds a job name made up at build time; the parity test maps it to
mlpc's (difference "tensorflow-model-dir").
"""

from __future__ import annotations

NAME = "distribution"
TRAIN = "s3://mlpc-example-artifacts/distribution/train/"


def distribution(session):
    from sagemaker.mxnet import MXNet
    from sagemaker.pytorch import PyTorch
    from sagemaker.tensorflow import TensorFlow
    from sagemaker.tuner import HyperparameterTuner, IntegerParameter
    from sagemaker.workflow.parameters import ParameterString
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.steps import TrainingStep, TuningStep
    from sdk_pipelines import BUCKET, ROLE, SCRIPTS, mlpc_output_path

    gpu_type = ParameterString("GpuType", default_value="ml.p4d.24xlarge")
    classes = {"tensorflow": TensorFlow, "mxnet": MXNet, "pytorch": PyTorch}

    def estimator(step, framework, version, py, instance_type, count=2, **kw):
        return classes[framework](
            entry_point="train_sklearn.py", source_dir=str(SCRIPTS), framework_version=version, py_version=py,
            role=ROLE, instance_type=instance_type, instance_count=count, output_path=mlpc_output_path(NAME, step),
            sagemaker_session=session, **kw)

    def train(step, *args, **kw):
        return TrainingStep(step, step_args=estimator(step, *args, **kw).fit({"train": TRAIN}))

    steps = [
        train("TfPlain", "tensorflow", "2.13", "py310", "ml.m5.xlarge", 1),
        train("TfNoModelDir", "tensorflow", "2.13", "py310", "ml.m5.xlarge", 1, model_dir=False),
        train("TfModelDirGiven", "tensorflow", "2.13", "py310", "ml.m5.xlarge", 1,
              model_dir=f"s3://{BUCKET}/distribution/tf-checkpoints"),
        train("TfParameterServer", "tensorflow", "2.13", "py310", "ml.c5.2xlarge",
              distribution={"parameter_server": {"enabled": True}}),
        train("TfHorovod", "tensorflow", "2.13", "py310", "ml.p3.16xlarge",
              distribution={"mpi": {"enabled": True, "processes_per_host": 8}}),
        train("TfMirrored", "tensorflow", "2.13", "py310", "ml.p3.16xlarge",
              distribution={"multi_worker_mirrored_strategy": {"enabled": True}}),
        train("TfDataParallel", "tensorflow", "2.11.0", "py39", "ml.p4d.24xlarge",
              distribution={"smdistributed": {"dataparallel": {"enabled": True}}}),
        train("TfModelParallel", "tensorflow", "2.13", "py310", "ml.p3.16xlarge",
              distribution={"mpi": {"enabled": True, "processes_per_host": 8},
                            "smdistributed": {"modelparallel": {"enabled": True, "parameters": {
                                "partitions": 2, "microbatches": 4, "pipeline": "interleaved"}}}}),
        train("MxParameterServer", "mxnet", "1.9.0", "py38", "ml.c5.2xlarge",
              distribution={"parameter_server": {"enabled": True}}),
        train("MxHorovod", "mxnet", "1.9.0", "py38", "ml.p3.8xlarge",
              distribution={"mpi": {"enabled": True, "processes_per_host": 4,
                                    "custom_mpi_options": "-x NCCL_DEBUG=INFO"}}),
        train("TorchDataParallel", "pytorch", "2.0.1", "py310", "ml.p4d.24xlarge",
              distribution={"smdistributed": {"dataparallel": {"enabled": True, "custom_mpi_options": "-verbose"}}}),
        train("TorchDdp", "pytorch", None, None, gpu_type,
              image_uri="763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.0.1-gpu-py310",
              distribution={"pytorchddp": {"enabled": True}}),
        train("TorchModelParallel", "pytorch", "2.0.1", "py310", "ml.p4d.24xlarge",
              distribution={"torch_distributed": {"enabled": True},
                            "smdistributed": {"modelparallel": {"enabled": True, "parameters": {
                                "hybrid_shard_degree": 8, "sm_activation_offloading": True}}}}),
    ]
    metrics = [{"Name": "validation:accuracy", "Regex": "validation:accuracy=([0-9\\.]+)"}]
    tuner = HyperparameterTuner(estimator("TuneTf", "tensorflow", "2.13", "py310", "ml.m5.xlarge", 1),
                                objective_metric_name="validation:accuracy", metric_definitions=metrics,
                                hyperparameter_ranges={"epochs": IntegerParameter(1, 3)}, max_jobs=2,
                                max_parallel_jobs=1)
    steps.append(TuningStep("TuneTf", step_args=tuner.fit({"train": TRAIN})))
    horovod = estimator("TuneHorovod", "tensorflow", "2.13", "py310", "ml.p3.16xlarge", 2,
                        distribution={"mpi": {"enabled": True, "processes_per_host": 8,
                                              "custom_mpi_options": "-x NCCL_DEBUG=INFO"}})
    tuner = HyperparameterTuner(horovod, objective_metric_name="validation:accuracy", metric_definitions=metrics,
                                hyperparameter_ranges={"epochs": IntegerParameter(1, 3)}, max_jobs=2,
                                max_parallel_jobs=1)
    steps.append(TuningStep("TuneHorovod", step_args=tuner.fit({"train": TRAIN})))
    return Pipeline(NAME, parameters=[gpu_type], steps=steps, sagemaker_session=session)
