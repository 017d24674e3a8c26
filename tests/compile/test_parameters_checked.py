"""Issue 10, item 3: parameters checked against the fields they feed, unused parameters, limits.

The bad fixtures (param_*.yaml) show each class through the CLI; these tests cover what a fixture
cannot: warnings on a file that compiles, the service limits at their edges, and the check itself
on definition documents (what `--param` is checked with)."""

from __future__ import annotations

import pytest

from mlpc.api import compile_text
from mlpc.definition import parse_param_pairs, parameters
from mlpc.paramcheck import MAX_DEFAULT_LENGTH, MAX_PARAMETERS, MAX_VALUE_LENGTH, check_values

HEAD = """\
pipeline:
  name: demo
  role: arn:aws:iam::123456789012:role/R
  bucket: b
"""
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


def pipeline(params: str, steps: str | None = None) -> str:
    steps = steps or f"""\
  Prep:
    type: processing
    image: {IMAGE}
    instance_type: "${{params.Type}}"
    instance_count: "${{params.Count}}"
"""
    return HEAD + "parameters:\n" + params + "steps:\n" + steps


def codes(result) -> list:
    return [d.code for d in result.diagnostics]


def test_values_that_fit_compile_cleanly():
    res = compile_text(pipeline("  Type: {type: String, default: ml.m5.large, enum: [ml.m5.large, ml.c5.xlarge]}\n"
                                "  Count: {type: Integer, default: 2}\n"))
    assert res.ok, [d.render() for d in res.diagnostics]
    assert res.warnings == []


@pytest.mark.parametrize("spec, field, fragment", [
    ("  Type: {type: String, default: ml.m5.larg}\n  Count: {type: Integer, default: 1}\n",
     ("parameters", "Type", "default"), "is not an allowed value of ProcessingInstanceType"),
    ("  Type: {type: String, default: ml.m5.large, enum: [ml.m5.large, ml.m5.huge]}\n  Count: {type: Integer, default: 1}\n",
     ("parameters", "Type", "enum", 1), "'ml.m5.huge' is not an allowed value"),
    ("  Type: {type: String, default: ml.m5.large}\n  Count: {type: Integer, default: 0}\n",
     ("parameters", "Count", "default"), "must be >= 1, got 0"),
    ("  Type: {type: String, default: ml.m5.large}\n  Count: {type: Integer, default: 101}\n",
     ("parameters", "Count", "default"), "must be <= 100, got 101"),
])
def test_a_default_or_enum_value_is_checked_in_the_field_it_feeds(spec, field, fragment):
    res = compile_text(pipeline(spec))
    found = [d for d in res.diagnostics if d.code == "M040"]
    assert len(found) == 1, [d.render() for d in res.diagnostics]
    assert found[0].path == field and fragment in found[0].message
    assert "steps.Prep." in found[0].message  # names the field it does not fit


def test_a_value_joined_into_a_string_is_checked_as_the_joined_string():
    steps = f"""\
  Prep:
    type: processing
    image: {IMAGE}
    instance_type: ml.m5.large
    inputs:
      raw: {{source: "${{params.Where}}/raw.csv", destination: /opt/ml/processing/input}}
"""
    bad = compile_text(pipeline("  Where: {type: String, default: my-bucket/data}\n", steps))
    assert codes(bad) == ["M040"] and "S3Uri" in bad.diagnostics[0].message
    good = compile_text(pipeline("  Where: {type: String, default: s3://my-bucket/data}\n", steps))
    assert good.ok, [d.render() for d in good.diagnostics]


def test_one_parameter_feeding_two_fields_is_checked_in_each():
    steps = f"""\
  A:
    type: processing
    image: {IMAGE}
    instance_type: ml.m5.large
    instance_count: "${{params.N}}"
  B:
    type: processing
    image: {IMAGE}
    instance_type: ml.m5.large
    volume_size_gb: "${{params.N}}"
"""
    res = compile_text(pipeline("  N: {type: Integer, default: 0}\n", steps))
    messages = sorted(d.message for d in res.diagnostics if d.code == "M040")
    assert len(messages) == 2
    assert "steps.A.instance_count" in messages[0] and "steps.B.volume_size_gb" in messages[1]


def test_an_unused_parameter_is_a_warning_and_allow_unused_silences_it():
    res = compile_text(pipeline("  Type: {type: String, default: ml.m5.large}\n  Count: {type: Integer, default: 1}\n"
                                "  Spare: {type: String, default: x}\n"))
    assert res.ok
    assert [(d.code, d.path) for d in res.warnings] == [("M041", ("parameters", "Spare"))]
    assert "allow_unused: true" in res.warnings[0].hint
    quiet = compile_text(pipeline("  Type: {type: String, default: ml.m5.large}\n  Count: {type: Integer, default: 1}\n"
                                  "  Spare: {type: String, default: x, allow_unused: true}\n"))
    assert quiet.ok and quiet.warnings == []


def test_a_parameter_read_only_by_a_condition_is_used():
    steps = """\
  Check:
    type: condition
    if: params.Go == true
    then: [Stop]
  Stop: {type: fail}
"""
    res = compile_text(pipeline("  Go: {type: Boolean, default: false}\n", steps))
    assert res.ok and res.warnings == []


def test_parameter_count_limit():
    def declared(n):
        return "".join(f"  P{i}: {{type: String, default: x, allow_unused: true}}\n" for i in range(n))

    steps = "  Stop: {type: fail}\n"
    assert compile_text(pipeline(declared(MAX_PARAMETERS), steps)).ok
    over = compile_text(pipeline(declared(MAX_PARAMETERS + 1), steps))
    assert codes(over) == ["N016"]
    assert over.diagnostics[0].path == ("parameters", f"P{MAX_PARAMETERS}")


def test_default_and_enum_lengths():
    steps = "  Stop: {type: fail, message: '${params.Long} ${params.Pick}'}\n"
    ok = compile_text(pipeline(f"  Long: {{type: String, default: {'x' * MAX_DEFAULT_LENGTH}}}\n"
                               f"  Pick: {{type: String, default: a, enum: [a, {'y' * MAX_VALUE_LENGTH}]}}\n", steps))
    assert ok.ok, [d.render() for d in ok.diagnostics]
    bad = compile_text(pipeline(f"  Long: {{type: String, default: {'x' * (MAX_DEFAULT_LENGTH + 1)}}}\n"
                                f"  Pick: {{type: String, default: a, enum: [a, {'y' * (MAX_VALUE_LENGTH + 1)}]}}\n", steps))
    assert sorted(codes(bad)) == ["N017", "N018"]


# ---------------------------------------------------------------- the check on definitions (--param)
def _definition(yaml_text: str) -> dict:
    res = compile_text(yaml_text)
    assert res.ok, [d.render() for d in res.diagnostics]
    return res.definition


def test_check_values_on_a_definition_including_steps_nested_in_branches():
    steps = f"""\
  Check:
    type: condition
    if: params.Count >= 1
    then: [Prep]
  Prep:
    type: processing
    image: {IMAGE}
    instance_type: "${{params.Type}}"
    instance_count: "${{params.Count}}"
"""
    definition = _definition(pipeline("  Type: {type: String, default: ml.m5.large}\n"
                                      "  Count: {type: Integer, default: 1}\n", steps))
    from mlpc.definition import flatten_steps

    findings = check_values(flatten_steps(definition), {"Count": [0, 5], "Type": ["ml.m5.large", "ml.m5.larg"]})
    assert sorted((f.param, f.value) for f in findings) == [("Count", 0), ("Type", "ml.m5.larg")]
    assert all(f.step == "Prep" for f in findings)


def test_param_pairs_are_checked_against_fields_and_length():
    definition = _definition(pipeline("  Type: {type: String, default: ml.m5.large}\n"
                                      "  Count: {type: Integer, default: 1}\n"))
    declared = parameters(definition)
    values, _, problems = parse_param_pairs(["Count=0", "Type=ml.c5.xlarge"], declared, definition)
    assert values == {"Type": "ml.c5.xlarge"}
    assert len(problems) == 1 and problems[0].message.startswith("--param Count: 0 does not fit Prep.Arguments.")
    _, _, long = parse_param_pairs([f"Type={'x' * (MAX_VALUE_LENGTH + 1)}"], declared, None)
    assert len(long) == 1 and "at most 1024" in long[0].message


@pytest.mark.parametrize("text", ["nan", "inf", "1_000", "0x10", ""])
def test_numbers_sagemaker_would_not_parse_are_refused(text):
    definition = _definition(pipeline("  Type: {type: String, default: ml.m5.large}\n"
                                      "  Count: {type: Integer, default: 1}\n"
                                      "  Rate: {type: Float, default: 0.5, allow_unused: true}\n"))
    declared = parameters(definition)
    for name in ("Count", "Rate"):
        values, _, problems = parse_param_pairs([f"{name}={text}"], declared)
        assert values == {} and len(problems) == 1, (name, text)


def test_a_value_botocore_allows_but_sagemaker_rejects_is_reported_at_the_default():
    """A training job's InstanceCount is min 0 in botocore; SageMaker rejects 0 (service_rules)."""
    steps = f"""\
  Train:
    type: training
    image: {IMAGE}
    instance_type: ml.m5.large
    instance_count: "${{params.Count}}"
    hyperparameters: {{num_round: 10}}
    output_path: s3://b/models
"""
    res = compile_text(pipeline("  Count: {type: Integer, default: 0}\n", steps), "p.yaml")
    found = [(d.code, d.span.line) for d in res.diagnostics]
    assert found == [("M040", 6)], [d.render() for d in res.diagnostics]
    assert "instance_count: instance count 0 is less than 1" in res.diagnostics[0].message
    ok = compile_text(pipeline("  Count: {type: Integer, default: 2}\n", steps), "p.yaml")
    assert ok.diagnostics == [], [d.render() for d in ok.diagnostics]
