"""`distribution:` against the SageMaker Python SDK v2, beyond the equal definitions of
fixtures/distribution.yaml (test_sdk_parity, example "distribution"):

- every distribution the SDK's estimators refuse (they raise ValueError when built or when the
  step is rendered) is a located error in mlpc, with the code that names the reason;
- the version tables mlpc carries are the SDK's;
- the settings are really in the definition (guards the equality test against both sides dropping them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mlpc.api import compile_file, compile_text
from mlpc.steps import distribution_rules as rules

pytestmark = [
    pytest.mark.sdk,
    pytest.mark.filterwarnings("ignore::DeprecationWarning:sagemaker"),
    pytest.mark.filterwarnings("ignore:Running within a PipelineSession:UserWarning"),
]

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "distribution.yaml"

PT = ("pytorch", "2.0.1", "py310")
TF = ("tensorflow", "2.13", "py310")
MP = {"mpi": {"processes_per_host": 8}}


def _mp(parameters: dict, beside=MP) -> dict:
    return {**beside, "smdistributed": {"modelparallel": {"parameters": parameters}}}


# (id, (framework, version, py), instance type, mlpc's distribution, expected code)
REFUSED = [
    ("smddp-tf-2.13", TF, "ml.p4d.24xlarge", {"smdistributed": {"dataparallel": {}}}, "J009"),
    ("smddp-py-version", ("pytorch", "1.13.1", "py2"), "ml.p4d.24xlarge", {"smdistributed": {"dataparallel": {}}},
     "J009"),
    ("mwms-tf-2.8", ("tensorflow", "2.8", "py39"), "ml.p3.16xlarge", {"multi_worker_mirrored_strategy": {}}, "J009"),
    ("mwms-with-ps", TF, "ml.p3.16xlarge", {"multi_worker_mirrored_strategy": {}, "parameter_server": {}}, "J010"),
    ("torch-distributed-cpu", PT, "ml.c5.2xlarge", {"torch_distributed": {}}, "J006"),
    ("torch-distributed-1.12", ("pytorch", "1.12.0", "py38"), "ml.p3.16xlarge", {"torch_distributed": {}}, "J009"),
    ("trainium-mpi", PT, "ml.trn1.32xlarge", {"mpi": {"processes_per_host": 32}}, "J006"),
    ("smddp-p5", PT, "ml.p5.48xlarge", {"smdistributed": {"dataparallel": {}}}, "J006"),
    ("pytorchddp-and-smdistributed", PT, "ml.p4d.24xlarge",
     {"pytorchddp": {}, "smdistributed": {"dataparallel": {}}}, "J010"),
    ("mp-partitions-0", PT, "ml.p3.16xlarge", _mp({"partitions": 0}), "J011"),
    ("mp-pipeline", PT, "ml.p3.16xlarge", _mp({"partitions": 2, "pipeline": "fast"}), "J011"),
    ("mp-placement", TF, "ml.p3.16xlarge", _mp({"placement_strategy": "random"}), "J011"),
    ("mp-default-partition", PT, "ml.p3.16xlarge", _mp({"partitions": 2, "default_partition": 2}), "J011"),
    ("mp-auto-partition", PT, "ml.p3.16xlarge", _mp({"partitions": 2, "auto_partition": False}), "J011"),
    ("mp-ddp-port", PT, "ml.p3.16xlarge", _mp({"ddp_port": 2000}), "J011"),
    ("mp-horovod-ddp", PT, "ml.p3.16xlarge", _mp({"horovod": True, "ddp": True}), "J011"),
    ("mp-memory-weight", PT, "ml.p3.16xlarge", _mp({"memory_weight": 1.5}), "J011"),
    ("mp-bool", PT, "ml.p3.16xlarge", _mp({"contiguous": "yes"}), "J011"),
    ("two-smdistributed", PT, "ml.p4d.24xlarge", {"smdistributed": {"dataparallel": {}, "modelparallel": {}}}, "S"),
]


def _sdk_distribution(d: dict) -> dict:
    """mlpc's {strategy: options} -> the SDK's {strategy: {"enabled": True, ...}}."""
    out = {}
    for name, options in d.items():
        if name == "smdistributed":
            out[name] = {k: {"enabled": True, **(v or {})} for k, v in options.items()}
        else:
            out[name] = {"enabled": True, **(options or {})}
    return out


def _sdk_refuses(session, framework, version, py, instance_type, distribution) -> str | None:
    """-> the SDK's error message, or None when it builds the step."""
    from sagemaker.mxnet import MXNet
    from sagemaker.pytorch import PyTorch
    from sagemaker.tensorflow import TensorFlow
    from sagemaker.workflow.pipeline import Pipeline
    from sagemaker.workflow.steps import TrainingStep
    from sdk_pipelines import BUCKET, ROLE, SCRIPTS

    cls = {"pytorch": PyTorch, "tensorflow": TensorFlow, "mxnet": MXNet}[framework]
    try:
        est = cls(entry_point="train_sklearn.py", source_dir=str(SCRIPTS), framework_version=version, py_version=py,
                  role=ROLE, instance_type=instance_type, instance_count=2, output_path=f"s3://{BUCKET}/refused",
                  distribution=distribution, sagemaker_session=session)
        step = TrainingStep("T", step_args=est.fit({"train": f"s3://{BUCKET}/train"}))
        Pipeline("p", steps=[step], sagemaker_session=session).definition()
    except ValueError as exc:
        return str(exc)
    return None


def _compile_step(framework, version, py, instance_type, distribution):
    """One two-instance script-mode training step with this distribution, compiled."""
    doc = {"pipeline": {"name": "p", "role": "arn:aws:iam::123456789012:role/R", "bucket": "b"},
           "steps": {"T": {"type": "training", "framework": framework, "framework_version": version,
                           "py_version": py, "entry_point": "train_sklearn.py",
                           "source_dir": str(ROOT / "step_scripts"), "instance_type": instance_type,
                           "instance_count": 2, "distribution": distribution}}}
    return compile_text(yaml.safe_dump(doc, sort_keys=False), base_dir=ROOT)


def _mlpc_codes(framework, version, py, instance_type, distribution) -> list[str]:
    result = _compile_step(framework, version, py, instance_type, distribution)
    return [d.code for d in result.diagnostics if d.severity != "warning"]


@pytest.mark.parametrize("case", REFUSED, ids=[c[0] for c in REFUSED])
def test_what_the_sdk_refuses_mlpc_reports(sdk_session, case):
    _, (framework, version, py), instance_type, distribution, code = case
    refused = _sdk_refuses(sdk_session, framework, version, py, instance_type, _sdk_distribution(distribution))
    assert refused, "the SDK builds this step: the case does not test a refusal"
    codes = _mlpc_codes(framework, version, py, instance_type, distribution)
    # the reason, and at most the image the SDK would not get to look up (no py2 / Trainium build of it)
    assert any(c.startswith(code) for c in codes), (codes, refused)
    assert all(c.startswith(code) or c == "I002" for c in codes), (codes, refused)


def test_the_version_tables_are_the_sdks():
    from sagemaker import fw_utils
    from sagemaker.mxnet.estimator import MXNet

    assert {k: tuple(v) for k, v in fw_utils.SM_DATAPARALLEL_SUPPORTED_FRAMEWORK_VERSIONS.items()} == rules.SMDDP_VERSIONS
    assert tuple(fw_utils.TORCH_DISTRIBUTED_GPU_SUPPORTED_FRAMEWORK_VERSIONS) == rules.TORCH_DISTRIBUTED_GPU_VERSIONS
    assert tuple(fw_utils.TRAINIUM_SUPPORTED_TORCH_DISTRIBUTED_FRAMEWORK_VERSIONS) == \
        rules.TORCH_DISTRIBUTED_TRAINIUM_VERSIONS
    assert tuple(fw_utils.SINGLE_GPU_INSTANCE_TYPES) == rules.SINGLE_GPU_INSTANCE_TYPES
    assert tuple(fw_utils.SMDISTRIBUTED_SUPPORTED_STRATEGIES) == ("dataparallel", "modelparallel")
    assert tuple(int(p) for p in MXNet._LOWEST_SCRIPT_MODE_VERSION) == rules.MIN_VERSION["mxnet"]


def test_the_settings_are_really_there():
    result = compile_file(FIXTURE)
    assert result.ok, [d.render() for d in result.diagnostics]
    steps = {s["Name"]: s["Arguments"] for s in result.definition["Steps"]}

    def hps(name):
        args = steps[name]
        return args.get("HyperParameters") or args["TrainingJobDefinition"]["StaticHyperParameters"]

    assert "model_dir" not in hps("TfNoModelDir")
    assert json.loads(hps("TfHorovod")["model_dir"]) == "/opt/ml/model"
    assert hps("TfPlain")["model_dir"]["Std:Join"]["Values"][1] == {"Get": "Execution.PipelineExecutionId"}
    assert hps("TuneTf")["model_dir"]["Std:Join"]["Values"][1] == {"Get": "Execution.PipelineExecutionId"}
    assert hps("TuneHorovod")["sagemaker_mpi_num_of_processes_per_host"] == "8"
    assert json.loads(hps("TuneHorovod")["model_dir"]) == "/opt/ml/model"
    assert json.loads(hps("TfModelParallel")["mp_parameters"]) == {"partitions": 2, "microbatches": 4,
                                                                    "pipeline": "interleaved"}
    assert hps("TfMirrored")["sagemaker_multi_worker_mirrored_strategy_enabled"] == "true"
    assert hps("TorchDdp")["sagemaker_instance_type"] == {"Get": "Parameters.GpuType"}
    assert hps("MxHorovod")["sagemaker_mpi_custom_mpi_options"] == '"-x NCCL_DEBUG=INFO"'
    image = steps["TorchModelParallel"]["AlgorithmSpecification"]["TrainingImage"]
    assert image.endswith("/smdistributed-modelparallel:2.0.1-gpu-py310-cu118"), image


SMP_CASES = [(v, py, i) for v, py in (("2.0.1", "py310"), ("2.1.2", "py310"), ("2.2.0", "py310"), ("2.3.1", "py311"),
                                     ("2.4.1", "py311"), ("2.5.1", "py311"))
             for i in ("ml.p4d.24xlarge", "ml.p5.48xlarge")]
SUFFIX_CASES = [("tensorflow", "2.3.1", "py37", "ml.p3.16xlarge"), ("pytorch", "1.6.0", "py36", "ml.p3.16xlarge"),
                ("tensorflow", "2.11.0", "py39", "ml.p3.16xlarge"), ("pytorch", "2.0.1", "py310", "ml.g5.12xlarge")]


def _training_image(framework, version, py, instance_type, distribution):
    result = _compile_step(framework, version, py, instance_type, distribution)
    images = [d for d in result.diagnostics if d.code == "I002"]
    if images:
        return None
    assert result.ok, [d.render() for d in result.diagnostics]
    return result.definition["Steps"][0]["Arguments"]["AlgorithmSpecification"]["TrainingImage"]


def _sdk_training_image(framework, version, py, instance_type, distribution):
    from sagemaker import image_uris

    try:
        return image_uris.get_training_image_uri("us-east-1", framework, framework_version=version, py_version=py,
                                                 instance_type=instance_type, distribution=distribution)
    except ValueError:
        return None


@pytest.mark.parametrize("version,py,instance_type", SMP_CASES)
def test_smp_v2_takes_the_sdks_smdistributed_modelparallel_image(version, py, instance_type):
    ours = _training_image("pytorch", version, py, instance_type,
                           {"torch_distributed": {}, "smdistributed": {"modelparallel": {}}})
    theirs = _sdk_training_image("pytorch", version, py, instance_type,
                                 {"torch_distributed": {"enabled": True},
                                  "smdistributed": {"modelparallel": {"enabled": True}}})
    assert ours == theirs


@pytest.mark.parametrize("framework,version,py,instance_type", SUFFIX_CASES)
def test_smdistributed_picks_the_sdks_cuda_image(framework, version, py, instance_type):
    ours = _training_image(framework, version, py, instance_type, {"smdistributed": {"dataparallel": {}}})
    theirs = _sdk_training_image(framework, version, py, instance_type,
                                 {"smdistributed": {"dataparallel": {"enabled": True}}})
    assert ours == theirs and ours is not None
