"""The step-kind table: everything mlpc knows about a step type, in one place.

Every module that needs to know something about a step type reads it here instead of
deciding the type again: the renderer table (render.py), reference resolution (resolve.py:
Describe operation, the properties a step exposes), retry rules (steps/common.py), cache-key
fields (cachekey.py), graph shapes (graphviz.py), the local executors
(local/executors/__init__.py) and the JSON Schema (tools/gen_schema.py).

Adding a step kind means one `StepKind(...)` entry in KINDS plus its own new modules:
  - a renderer `render(step, ctx) -> steps.common.Rendered` (see steps/common.py for the contract;
    render.py applies the overlay hook, the botocore shape check, the envelope, retry and cache),
  - a local executor `run(ctx, args) -> StepOutcome` (or None: the step needs --stub locally),
  - a schema fragment (a JSON Schema dict for the step's YAML mapping), then regenerate
    schemas/pipeline.schema.json with `python tools/gen_schema.py`.
Renderer, executor and schema are lazy "module:attribute" paths, so importing this table costs
nothing and compiling never imports mlpc.local.

Example (a hypothetical `check` kind that renders a QualityCheck step):

    StepKind("check", "QualityCheck", renderer="mlpc.steps.check:render",
             executor="mlpc.local.executors.check:run", schema="mlpc.steps.check_schema:SCHEMA",
             describe=None, request=None, is_job=False, cache=True, retry=False)
"""

from __future__ import annotations

from importlib import import_module
from typing import NamedTuple


class Outputs(NamedTuple):
    """How `${steps.S.outputs.NAME}` reads from a step of this kind."""
    path: str  # Describe* property path; "{name}" is replaced by NAME
    declared: bool = True  # NAME must be declared under the step's `outputs:`
    typed: bool = False  # the declared `outputs:` value is the type (Lambda/Callback OutputParameters)


class StepKind(NamedTuple):
    yaml_type: str  # `type:` in the YAML
    definition_type: str  # "Type" in the definition JSON
    renderer: str  # "module:function" -> render(step, ctx) -> Rendered
    executor: str | None  # "module:function" -> run(ctx, args) -> StepOutcome; None: --stub only
    schema: str  # "module:attribute" -> the JSON Schema fragment of the step's YAML mapping
    describe: str | None = None  # Describe* operation whose response shape the step's properties follow
    request: str | None = None  # Create* operation the Arguments are checked against (botocore shape)
    skip_required: frozenset = frozenset()  # request members SageMaker Pipelines fills itself
    is_job: bool = False  # a SageMaker job: SageMaker.* retries, the security overlay hook applies
    retry: bool = False  # takes `retry:` (RetryPolicies)
    cache: bool = False  # takes `cache:` (CacheConfig)
    cache_key: tuple = ()  # Arguments members in SageMaker's cache key (empty: never cached)
    cache_key_nested: tuple = ()  # ((member, (children that count), is a list), ...) for nested members
    outputs: Outputs | None = None  # how steps.S.outputs.NAME resolves
    aliases: tuple = ()  # ((short property, Describe* path or "module:function"), ...)
    example: str = "outputs.NAME"  # an example property, for hints
    branches: tuple = ()  # ((yaml key, Arguments key), ...): the step holds other steps (Condition)
    interpolated: bool = True  # strings take ${...}; False: the kind parses its own fields (`if:`)
    raw_arguments: bool = False  # the local runner passes Arguments unresolved (the executor resolves)
    mermaid: tuple = ("[", "]")  # Mermaid node brackets
    dot: str = "box"  # Graphviz node shape
    definition_aliases: tuple = ()  # other "Type" values read as this kind (older SDK definitions)
    inline: bool = False  # the local executor starts no process: it runs on the runner's scheduling thread
    properties: str | None = None  # "module:function"(step, prop, resolver, path, offset) -> Expr | None:
    #                                 a kind whose properties are its own names, not a Describe* shape


_JOB_SKIP = frozenset({"ProcessingJobName", "TrainingJobName", "TransformJobName", "HyperParameterTuningJobName",
                       "ModelName"})
# A check's cache key (SageMaker: its check config, CheckJobConfig and check flags): the whole job.
_CHECK_CACHE_KEY = ("AppSpecification", "Environment", "ProcessingInputs", "ProcessingOutputConfig",
                    "ProcessingResources", "StoppingCondition")
_TUNING_DEFINITION = ("AlgorithmSpecification", "HyperParameterRanges", "InputDataConfig",
                      "StaticHyperParameters", "TuningObjective")


def _job(yaml_type, definition_type, module, **kw) -> StepKind:
    kw.setdefault("skip_required", _JOB_SKIP)
    return StepKind(yaml_type, definition_type, renderer=f"mlpc.steps.{module}:render",
                    executor=f"mlpc.local.executors.{kw.pop('executor_module', module)}:run",
                    schema=f"mlpc.steps.schemas:{yaml_type}", is_job=True, retry=True, cache=True, **kw)


KINDS: tuple[StepKind, ...] = (
    _job("processing", "Processing", "processing", describe="DescribeProcessingJob", request="CreateProcessingJob",
         cache_key=("AppSpecification", "Environment", "ProcessingInputs"),
         outputs=Outputs("ProcessingOutputConfig.Outputs['{name}'].S3Output.S3Uri"), example="outputs.NAME"),
    _job("training", "Training", "training", describe="DescribeTrainingJob", request="CreateTrainingJob",
         cache_key=("AlgorithmSpecification", "CheckpointConfig", "DebugHookConfig", "DebugRuleConfigurations",
                    "Environment", "HyperParameters", "InputDataConfig"),
         aliases=(("model_data", "ModelArtifacts.S3ModelArtifacts"),),
         example="model_data or ModelArtifacts.S3ModelArtifacts"),
    _job("tuning", "Tuning", "tuning", describe="DescribeHyperParameterTuningJob",
         request="CreateHyperParameterTuningJob",
         cache_key=("HyperParameterTuningJobConfig", "TrainingJobDefinition", "TrainingJobDefinitions"),
         cache_key_nested=(("TrainingJobDefinition", _TUNING_DEFINITION, False),
                           ("TrainingJobDefinitions", _TUNING_DEFINITION, True)),
         aliases=(("model_data", "mlpc.steps.tuning:top_model_uri"),),
         example="model_data or BestTrainingJob.TrainingJobName"),
    _job("transform", "Transform", "transform", describe="DescribeTransformJob", request="CreateTransformJob",
         skip_required=frozenset({"TransformJobName"}),
         cache_key=("DataProcessing", "Environment", "ModelName", "TransformInput"),
         outputs=Outputs("TransformOutput.S3OutputPath", declared=False), example="outputs"),
    _job("model", "Model", "model", describe="DescribeModel", request="CreateModel", example="ModelName",
         definition_aliases=("CreateModel",)),
    _job("register_model", "RegisterModel", "register", executor_module="register", describe="DescribeModelPackage",
         request="CreateModelPackage", example="ModelPackageArn", mermaid=("[(", ")]"), dot="cylinder"),
    # Check steps: the baselining job is a CreateProcessingJob (shape-checked, security overlays apply);
    # CheckType, SkipCheck, ... are step members. The SDK's check steps take no retry policies.
    *(StepKind(t, d, renderer=f"mlpc.steps.{t}:render", executor="mlpc.local.executors.checks:run",
               schema=f"mlpc.steps.check_schemas:{t}",
               request="CreateProcessingJob", skip_required=frozenset({"ProcessingJobName"}), is_job=True, cache=True,
               cache_key=_CHECK_CACHE_KEY, properties="mlpc.steps.check_job:check_property",
               example="calculated_baseline_constraints", mermaid=("[/", "/]"), dot="parallelogram")
      for t, d in (("quality_check", "QualityCheck"), ("clarify_check", "ClarifyCheck"))),
    StepKind("condition", "Condition", renderer="mlpc.steps.condition:render",
             executor="mlpc.local.executors.condition:run", schema="mlpc.steps.schemas:condition",
             branches=(("then", "IfSteps"), ("else", "ElseSteps")), interpolated=False, raw_arguments=True,
             mermaid=("{", "}"), dot="diamond", inline=True),
    StepKind("fail", "Fail", renderer="mlpc.steps.fail:render", executor="mlpc.local.executors.fail:run",
             schema="mlpc.steps.schemas:fail", mermaid=("[[", "]]"), dot="octagon", inline=True),
    StepKind("lambda", "Lambda", renderer="mlpc.steps.lambda_:render", executor="mlpc.local.executors.stub:run",
             schema="mlpc.steps.schemas:lam", cache=True,
             outputs=Outputs("OutputParameters['{name}']", typed=True)),
    StepKind("callback", "Callback", renderer="mlpc.steps.callback:render",
             executor="mlpc.local.executors.stub:run", schema="mlpc.steps.schemas:cb", cache=True,
             outputs=Outputs("OutputParameters['{name}']", typed=True)),
)

BY_YAML: dict[str, StepKind] = {k.yaml_type: k for k in KINDS}
BY_DEFINITION: dict[str, StepKind] = {t: k for k in KINDS for t in (k.definition_type, *k.definition_aliases)}
YAML_TYPES: tuple[str, ...] = tuple(BY_YAML)
JOB_TYPES: frozenset = frozenset(k.yaml_type for k in KINDS if k.is_job)
BRANCH_TYPES: frozenset = frozenset(k.definition_type for k in KINDS if k.branches)


def kind(yaml_type: str) -> StepKind:
    """The kind of a YAML `type:` (schema-valid documents only have known types)."""
    return BY_YAML[yaml_type]


def definition_kind(definition_type: str) -> StepKind | None:
    """The kind of a definition's "Type" (None for a type mlpc does not know)."""
    return BY_DEFINITION.get(definition_type)


def load(path: str):
    """Import a lazy "module:attribute" path from the table."""
    module, _, attr = path.partition(":")
    return getattr(import_module(module), attr)
