"""The diagnostic catalogue: every code mlpc reports, with its severity, meaning and doc anchor.

Every `Diagnostic(code, ...)` (and every MlpcError code that is not an AWS error code) made in
mlpc's code is listed here; tests/test_catalogue.py fails when a code is used and not catalogued,
or catalogued and never used. docs/diagnostics.md is generated from this table
(`python tools/gen_diagnostics_doc.py`; a test checks it is up to date).

ADDING A CODE is one line in CODES below: `_c("Q001", ERROR, "one-line meaning")`, with a
letter from AREAS (add the area if it is new; one letter means one area, never two).

The scheme: a code is an area letter (two for lint's own tables) and three digits. The letter
says which phase or table reported it; digits are never reused for another meaning.
"""

from __future__ import annotations

from typing import NamedTuple

from .diagnostics import Severity

ERROR, WARNING = Severity.ERROR, Severity.WARNING

# area letter(s) -> what reports it (the heading in docs/diagnostics.md)
AREAS = {
    "E": "The YAML file (loader)",
    "T": "Compile-time templates ({{ var }})",
    "V": "Compile-time variables (--var, --vars-file)",
    "D": "Reuse: include, extends, defaults, omit",
    "S": "The JSON Schema of the YAML format",
    "M": "The pipeline model: pipeline role/region/bucket, parameters, property files, schedules",
    "R": "Run-time references (${...})",
    "C": "Conditions (the `if:` language)",
    "F": "Files next to the pipeline (code, source_dir)",
    "I": "Container images",
    "K": "Step fields checked by their step kind",
    "P": "Retry policies",
    "X": "Built-in algorithm hyperparameters (checked as the XGBoost container checks them)",
    "U": "Tuning",
    "A": "botocore request shapes (Create* Arguments)",
    "G": "The step graph",
    "N": "Service limits (names, sizes)",
    "B": "Notifications",
    "H": "Security settings (pipeline.security, per-step security:)",
    "J": "Job settings (spot training, checkpoints, distribution, Debugger, Profiler, tags)",
    "LP": "mlpc lint: policy files",
    "W": "mlpc lint: waivers",
}


class Code(NamedTuple):
    code: str
    severity: Severity
    meaning: str  # one line

    @property
    def area(self) -> str:
        return self.code.rstrip("0123456789")

    @property
    def anchor(self) -> str:
        """The anchor of this code in docs/diagnostics.md."""
        return self.code.lower()

    @property
    def doc_url(self) -> str:
        return f"docs/diagnostics.md#{self.anchor}"


def _c(code: str, severity: Severity, meaning: str) -> Code:
    return Code(code, severity, meaning)


CODES: tuple[Code, ...] = (
    _c("E000", ERROR, "the file does not exist or cannot be read"),
    _c("E001", ERROR, "the file is larger than the loader's limit"),
    _c("E002", ERROR, "YAML syntax error"),
    _c("E003", ERROR, "the file is empty"),
    _c("E004", ERROR, "a mapping key is not a plain scalar"),
    _c("E005", ERROR, "duplicate mapping key"),
    _c("E006", ERROR, "too many YAML alias expansions (alias bomb)"),
    _c("E007", ERROR, "a number that is not finite (.nan, .inf)"),
    _c("E008", ERROR, "mappings and lists nested deeper than the loader's limit"),
    _c("D001", ERROR, "an include/extends file does not exist (or is a folder)"),
    _c("D002", ERROR, "an include/extends path leads outside the project"),
    _c("D003", ERROR, "include/extends files form a cycle"),
    _c("D004", ERROR, "include/extends files nest deeper than the limit"),
    _c("D005", ERROR, "an include/extends value that is not a path, a templated path, or a file that is not a mapping"),
    _c("D006", ERROR, "a defaults: entry names an unknown step type or a field that type does not take"),
    _c("D007", WARNING, "defaults for a step type no step uses"),
    _c("D008", ERROR, "omit: is not a list of the step type's field names"),
    _c("D009", WARNING, "omit: names a field that neither the step type's defaults nor its extends: fragments set"),
    _c("T001", ERROR, "undefined template variable"),
    _c("T002", ERROR, "template syntax or evaluation error"),
    _c("T003", ERROR, "a templated key renders to a key that already exists"),
    _c("V001", ERROR, "--var is not NAME=VALUE with a valid name"),
    _c("V002", ERROR, "a vars file is not a mapping"),
    _c("V003", ERROR, "a --var name that no template uses and vars: does not declare"),
    _c("S001", ERROR, "the document does not match the JSON Schema of the format"),
    _c("M001", ERROR, "a parameter's default does not have the parameter's type"),
    _c("M002", ERROR, "enum on a parameter that is not a String"),
    _c("M003", ERROR, "a parameter's default is not in its enum"),
    _c("M004", ERROR, "a property file name is declared twice"),
    _c("M005", ERROR, "a property file names an output its step does not declare"),
    _c("M010", ERROR, "invalid schedule name"),
    _c("M011", ERROR, "a schedule sets a parameter the pipeline does not declare"),
    _c("M012", ERROR, "a schedule's parameter value does not fit the parameter"),
    _c("M013", ERROR, "a schedule expression EventBridge Scheduler would reject (cron fields, rate units, at() dates)"),
    _c("M014", ERROR, "a schedule time zone that is not an IANA time zone"),
    _c("M020", ERROR, "invalid notification name"),
    _c("M030", ERROR, "pipeline.role is not an IAM role ARN (botocore's RoleArn)"),
    _c("M031", ERROR, "pipeline.region is not an AWS region"),
    _c("M032", ERROR, "pipeline.bucket is a URI or not a valid S3 bucket name"),
    _c("M040", ERROR, "a parameter's default, enum or schedule value does not fit a field the parameter feeds"),
    _c("M041", WARNING, "a parameter that no step uses (allow_unused: true says it is on purpose)"),
    _c("R001", ERROR, "unknown kind of reference (not params., execution., steps. or files.)"),
    _c("R002", ERROR, "unknown parameter"),
    _c("R003", ERROR, "unknown execution variable"),
    _c("R004", ERROR, "unknown property file"),
    _c("R005", ERROR, "a property file reference without a JSON path"),
    _c("R006", ERROR, "unknown step"),
    _c("R007", ERROR, "a step refers to its own properties"),
    _c("R008", ERROR, "a step reference without a property"),
    _c("R009", ERROR, "a step has no such output"),
    _c("R010", ERROR, "the step's kind has no such property to reference"),
    _c("R011", ERROR, "not a property of the step's Describe* response"),
    _c("R012", ERROR, "the property is a structure, list or map, not a value"),
    _c("R013", ERROR, "malformed ${...} reference"),
    _c("R014", ERROR, "a ${...} reference in a field that takes a literal value"),
    _c("R015", ERROR, "a check step property that this check type does not expose"),
    _c("R016", ERROR, "a property file read through its step (steps.X.files...; write files.NAME.PATH)"),
    _c("C010", ERROR, "condition syntax error"),
    _c("C011", ERROR, "a condition step with neither then nor else steps"),
    _c("C012", ERROR, "an ordering comparison on a value that is not a number"),
    _c("C013", ERROR, "a comparison between values of different types"),
    _c("C014", ERROR, "an 'in' list member of another type than the left side (or the other members)"),
    _c("F001", ERROR, "code file not found"),
    _c("F002", ERROR, "source directory not found"),
    _c("F003", ERROR, "entry point not found in source_dir"),
    _c("F004", ERROR, "a code, source_dir or local data path (or a symlink in it) leads outside the project"),
    _c("F005", ERROR, "a code/source_dir value that is not a path (empty, inline script, too long)"),
    _c("F006", ERROR, "a path that cannot be read or is the wrong kind (folder for file, device)"),
    _c("F007", ERROR, "local data not found"),
    _c("I001", ERROR, "a step needs an image (image:, or a framework and its version)"),
    _c("I002", ERROR, "the SDK's image registry has no such framework, version or region"),
    _c("I003", ERROR, "a framework training or tuning step without entry_point (the container runs a script)"),
    _c("I004", WARNING, "a Graviton instance type runs another version of the framework than the one declared"),
    _c("J001", ERROR, "managed spot training without max_wait_seconds"),
    _c("J002", ERROR, "max_wait_seconds without managed spot training"),
    _c("J003", ERROR, "max_wait_seconds is less than max_runtime_seconds"),
    _c("J004", ERROR, "a checkpoint local_path that is not an absolute container path"),
    _c("J005", ERROR, "distribution on a step that is not script-mode PyTorch, TensorFlow or MXNet training"),
    _c("J006", ERROR, "a distribution strategy on an instance type it does not run on (GPU-only, Trainium, p5)"),
    _c("J007", ERROR, "a distribution strategy on one instance that would run a single process"),
    _c("J008", ERROR, "a distribution strategy the step's framework estimator does not take"),
    _c("J009", ERROR, "a distribution strategy the framework or Python version does not support"),
    _c("J010", ERROR, "distribution strategies that cannot run together"),
    _c("J011", ERROR, "an invalid smdistributed modelparallel parameter"),
    _c("J012", ERROR, "Debugger on TensorFlow parameter server training"),
    _c("J013", WARNING, "parameter servers on a multi-GPU instance (one worker per host)"),
    _c("J014", ERROR, "model_dir on a step that is not script-mode TensorFlow training"),
    _c("K001", ERROR, "a Lambda step's function_arn is not a Lambda function ARN"),
    _c("K002", ERROR, "a Callback step's sqs_queue_url is not an SQS queue URL"),
    _c("K003", ERROR, "a processing input source is neither an s3:// URI nor a reference"),
    _c("K004", ERROR, "a property file path that is not relative to its output (absolute, or leaving it)"),
    _c("K010", ERROR, "a check-step field that does not apply to this check type"),
    _c("K011", ERROR, "a check step misses a field its check type needs"),
    _c("K012", ERROR, "a check flag that is not true, false or a Boolean parameter"),
    _c("K013", ERROR, "a model_quality attribute given a non-String parameter"),
    _c("K014", ERROR, "bias facet values that do not match the facets (one entry per facet), or no facets"),
    _c("K020", ERROR, "`model:` names an unknown step (or is a ${...} reference, not a step name)"),
    _c("K021", ERROR, "`model:` names a step that is not a model step"),
    _c("K022", ERROR, "`model:` names a model step in the other branch of a condition"),
    _c("K023", ERROR, "a step sets its own model fields and `model:` (a model step) as well"),
    _c("K024", ERROR, "a register step without model_data or `model:`, a transform step without model_name or `model:`"),
    _c("X001", ERROR, "a hyperparameter the built-in XGBoost algorithm does not have (misspelled?)"),
    _c("X002", ERROR, "a hyperparameter value that does not parse as its type (integer, number, list)"),
    _c("X003", ERROR, "a hyperparameter value outside the container's range or allowed values"),
    _c("X004", ERROR, "a required hyperparameter (num_round) is missing"),
    _c("X005", ERROR, "hyperparameters that contradict each other (objective, num_class, eval_metric)"),
    _c("P001", ERROR, "a retry policy needs exactly one of max_attempts or expire_after_minutes"),
    _c("P002", ERROR, "SageMaker.* job exceptions retried on a step that is not a job"),
    _c("U001", ERROR, "a categorical range without values"),
    _c("U002", ERROR, "a continuous or integer range without min and max"),
    _c("U003", ERROR, "a range's min is greater than its max"),
    _c("U004", ERROR, "a hyperparameter is both static and tuned"),
    _c("U005", ERROR, "the tuning objective metric is not in metric_definitions"),
    _c("A001", ERROR, "the step's Arguments do not match botocore's Create* request shape"),
    _c("A002", ERROR, "a value botocore's shape allows but SageMaker rejects (instance count 0, run time, paths, integer bounds)"),
    _c("G001", ERROR, "dependency cycle"),
    _c("G002", ERROR, "depends_on names an unknown step"),
    _c("G003", ERROR, "a step depends on itself"),
    _c("G004", ERROR, "a condition branch names an unknown step"),
    _c("G005", ERROR, "a condition lists itself in a branch"),
    _c("G006", ERROR, "a step is in more than one condition branch"),
    _c("G010", ERROR, "a step needs a condition to take both branches: it can never run"),
    _c("G011", WARNING, "a step outside a condition's branch reads a step inside it (skipped when the branch is not)"),
    _c("N010", ERROR, "invalid SageMaker pipeline name"),
    _c("N011", ERROR, "invalid step name"),
    _c("N012", ERROR, "invalid parameter name"),
    _c("N013", ERROR, "the pipeline description is too long"),
    _c("N014", ERROR, "the pipeline display_name is too long"),
    _c("N015", WARNING, "the definition is larger than CreatePipeline's inline limit (upsert goes through S3)"),
    _c("N016", ERROR, "more parameters than a pipeline execution can be given (200)"),
    _c("N017", ERROR, "a String parameter default longer than SageMaker takes (4096 characters)"),
    _c("N018", ERROR, "a parameter enum or schedule value longer than a value passed at start (1024 characters)"),
    _c("H001", ERROR, "a security setting that this step kind does not take"),
    _c("H002", ERROR, "a VPC list has more or fewer entries than SageMaker takes"),
    _c("H003", ERROR, "a security value from a parameter that is not a String"),
    _c("H004", ERROR, "a security value that does not match botocore's shape"),
    _c("H005", ERROR, "not a KMS key reference"),
    _c("H006", ERROR, "a subnet or security group ID with the wrong prefix"),
    _c("H007", ERROR, "network isolation on a script-mode model step (its code cannot be downloaded)"),
    _c("H008", ERROR, "channel 'code' is reserved under network isolation"),
    _c("H009", ERROR, "pipeline.security takes parameters and literals, not step properties"),
    _c("B001", ERROR, "a notification asks for model package events but names no group mlpc can find"),
    _c("B002", ERROR, "a notification names model package groups but asks for no model_* event"),
    _c("LP001", ERROR, "--policy is neither a built-in policy nor a file"),
    _c("LP002", ERROR, "a policy file is not a mapping"),
    _c("LP003", ERROR, "unknown policy setting"),
    _c("LP004", ERROR, "extends: names no built-in policy"),
    _c("LP005", ERROR, "rules: is not a mapping of rule id to level"),
    _c("LP006", ERROR, "a policy names an unknown rule"),
    _c("LP007", ERROR, "a policy sets a rule to something that is not a level"),
    _c("LP008", ERROR, "a policy list setting is not a list of non-empty strings"),
    _c("W001", ERROR, "a waiver names an unknown rule"),
    _c("W002", ERROR, "a waiver names an unknown step"),
    _c("W003", WARNING, "a waiver is unused"),
)

CATALOGUE: dict[str, Code] = {c.code: c for c in CODES}


def lookup(code: str) -> Code | None:
    return CATALOGUE.get(code)


def severity_of(code: str) -> Severity:
    entry = CATALOGUE.get(code)
    return entry.severity if entry else ERROR


def markdown() -> str:
    """docs/diagnostics.md: one section per area, one row (with its anchor) per code."""
    lines = ["# Diagnostics", "",
             "Every code mlpc reports, generated from `mlpc/catalogue.py` by `python tools/gen_diagnostics_doc.py`",
             "(do not edit by hand). Diagnostics print as `FILE:LINE:COL: message [CODE]` with a hint; an error",
             "exits 1, a warning is printed as `warning:` and the command goes on.", ""]
    for area, title in AREAS.items():
        codes = [c for c in CODES if c.area == area]
        if not codes:
            continue
        lines += [f"## {area}: {title}", "", "| code | severity | meaning |", "| --- | --- | --- |"]
        lines += [f'| <a id="{c.anchor}"></a>`{c.code}` | {c.severity.value} | {c.meaning} |' for c in codes]
        lines.append("")
    return "\n".join(lines)
