"""`mlpc run FILE --local`: execute the compiled pipeline definition on this machine (no Docker, no AWS).

What runs is the definition JSON SageMaker would get, not the YAML: parameters (typed --param
overrides), execution variables, step properties, Std:Join, Std:JsonGet on property files,
conditions (Equals, GreaterThan[OrEqualTo], LessThan[OrEqualTo], In, Not, Or; the top-level
list is an AND) and their branches, DependsOn, Fail steps.

Modules (the edges of mlpc: files, processes, SQLite; nothing here prints):

  workspace   the workspace folder (default .mlpc/) and its layout
  store       the local object store standing in for S3 (s3://b/k <-> <workspace>/s3/b/k)
  evaluate    expressions and conditions of the definition, over an execution context
  graph       condition branches flattened, dependencies, topological order
  sandbox     how a step's process sees /opt/ml: a private Linux mount namespace
  cache       step caching with SageMaker's cache key fields and ExpireAfter
  records     execution records and step logs on disk
  registry    the local Model Registry and the models of Model steps (SQLite)
  executors/  one executor per step type, chosen from a table
  algorithms/ standalone scripts run inside the sandbox (built-in XGBoost, batch inference)
  runner      the orchestrator; reports progress through an event callback
  container_pins  the library versions each SageMaker container pins (from its published requirements)
  envs        a step's Python: the host's, or (--env container) a cached venv with its container's pins
  uvtool      the uv subprocesses that build those venvs
  session     from a CompileResult (+ --param / --stub) to a finished execution

Decisions and limits, as a user sees them:
  * Each step's process runs with `sys.executable` (the interpreter with the [local] extra),
    whatever the image; `python3` in a container command means that interpreter. With
    `--env container`, the scripts of steps on a pinned image run in a venv with the
    container's library versions instead (envs.py); either way the record notes each library
    whose version differs from the container's. Its own
    /opt/ml is a per-step folder bind-mounted in a private mount namespace (`unshare`), so
    scripts run unchanged, nothing is written to the real /opt/ml and runs don't collide.
  * Lambda and Callback steps call AWS: they fail with a message unless stubbed with
    `--stub STEP.OUTPUT=VALUE` (or `--stub STEP`); their OutputParameters then resolve.
    Step types without an executor (EMR, AutoML, ClarifyCheck, QualityCheck, ...) likewise.
  * Training runs script mode (sagemaker_program / sagemaker_submit_directory), the built-in
    XGBoost algorithm (emulated with the xgboost package) and the SDK's model repack job.
    One instance (SM_HOSTS = ["algo-1"]); File/FastFile input modes; a source dir's
    requirements.txt is not installed.
  * Retry policies are not applied: they retry SageMaker service faults, which do not
    happen locally (a failing script is an AlgorithmError, not retried on SageMaker either).
  * Caching follows SageMaker, including where it surprises: outputs are not in the key, and
    a Transform step fed by a Model step (a new model name every run) is never reused.
"""
