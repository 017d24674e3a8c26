"""Each rule against compiled definitions: the bare example fails, the secured one passes,
and every finding is located in the YAML (FILE:LINE:COL)."""

from __future__ import annotations

import pytest
from lint_support import BASE, KEY, add_checks_upstream, secure

from mlpc.api import compile_file
from mlpc.lint.engine import lint
from mlpc.lint.policy import BUILTIN, build_policy
from mlpc.lint.registry import RULES

STRICT = BUILTIN["strict"]


def run(path, policy=STRICT, patch=None):
    res = compile_file(path)
    assert res.ok, [d.render() for d in res.diagnostics]
    if patch:
        patch(res)
    return lint(res, policy)


def secured(res):
    secure(res.definition)
    add_checks_upstream(res)


def ids(findings):
    return sorted({f.rule for f in findings if f.waived is None})


def line_of(path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_bare_pipeline_fails_every_control(project):
    findings, diags = run(project())
    assert diags == []
    assert ids(findings) == ["L101", "L102", "L103", "L202", "L203", "L204"]
    assert all(f.severity == "error" for f in findings)


def test_secured_pipeline_passes_strict(project):
    findings, diags = run(project(), patch=secured)
    assert findings == [] and diags == []


@pytest.mark.parametrize("rule,mutate", [
    ("L101", lambda d: d["Steps"][1]["Arguments"]["ResourceConfig"].pop("VolumeKmsKeyId")),
    ("L101", lambda d: d["Steps"][0]["Arguments"]["ProcessingOutputConfig"].pop("KmsKeyId")),
    ("L102", lambda d: d["Steps"][1]["Arguments"].pop("VpcConfig")),
    ("L103", lambda d: d["Steps"][1]["Arguments"].update(EnableNetworkIsolation=False)),
    ("L104", lambda d: d["Steps"][1]["Arguments"].update(EnableInterContainerTrafficEncryption=False)
     or d["Steps"][1]["Arguments"]["ResourceConfig"].update(InstanceCount=2)),
    ("L202", lambda d: d["Steps"][2]["Arguments"]["ModelCard"].update(
        ModelCardContent='{"intended_uses": {"intended_uses": "x", "risk_rating": "Unknown"}}')),
    ("L202", lambda d: d["Steps"][2]["Arguments"]["ModelCard"].update(ModelCardContent='{"intended_uses": {}}')),
    ("L203", lambda d: d["Steps"][3].update(SkipCheck=True)),
    ("L204", lambda d: d["Steps"][4].update(CheckType="MODEL_QUALITY")),
])
def test_one_gap_one_rule(project, rule, mutate):
    def patch(res):
        secured(res)
        mutate(res.definition)

    findings, _ = run(project(), patch=patch)
    assert ids(findings) == [rule]


def test_single_instance_needs_no_inter_container_encryption(project):
    def patch(res):
        secured(res)
        res.definition["Steps"][1]["Arguments"].pop("EnableInterContainerTrafficEncryption")

    findings, _ = run(project(), patch=patch)
    assert findings == []


def test_run_time_instance_count_needs_inter_container_encryption(project):
    path = project(BASE.replace("instance_type: ml.m5.xlarge", "instance_type: ml.m5.xlarge\n    instance_count: \"${params.Count}\""))

    def patch(res):
        secured(res)
        res.definition["Steps"][1]["Arguments"].pop("EnableInterContainerTrafficEncryption")

    findings, _ = run(path, patch=patch)
    assert [(f.rule, f.step) for f in findings] == [("L104", "Train")]
    assert "set at run time" in findings[0].message


def test_chainer_and_rl_images_and_clarify_model_bias_are_exempt_from_isolation(project):
    def patch(res):
        secured(res)
        train = res.definition["Steps"][1]["Arguments"]
        train["EnableNetworkIsolation"] = False
        train["AlgorithmSpecification"]["TrainingImage"] = "520713654638.dkr.ecr.us-east-1.amazonaws.com/sagemaker-chainer:5.0.0-cpu-py3"
        bias = res.definition["Steps"][3]
        bias["Arguments"]["NetworkConfig"]["EnableNetworkIsolation"] = False
        res.definition["Steps"].append({**bias, "Name": "ModelBias", "CheckType": "MODEL_BIAS"})

    findings, _ = run(project(), patch=patch)
    assert [(f.rule, f.step) for f in findings] == [("L103", "DataBias")]  # a DATA_BIAS job can be isolated


def test_policy_allowed_keys_and_subnets(project):
    policy, problems = build_policy({"extends": "strict", "kms_keys": ["arn:aws:kms:us-east-1:123456789012:key/other"],
                                     "subnets": ["subnet-0aaaaaaaaaaaaaaaa"]}, "org.yaml")
    assert problems == []
    findings, _ = run(project(), policy, patch=secured)
    msgs = [f.message for f in findings]
    assert any(KEY in m and "not one of the policy's allowed keys" in m for m in msgs)
    assert any("subnet 'subnet-0123456789abcdef0' is not one of" in m for m in msgs)


def test_auto_approval_is_found_at_the_parameter_default(project):
    path = project(BASE.replace("default: PendingManualApproval", "default: Approved"))
    findings, _ = run(path, patch=secured)
    line = line_of(path, "default: Approved")
    col = path.read_text().splitlines()[line - 1].index("Approved") + 1
    assert [(f.rule, f.span.line, f.span.col) for f in findings] == [("L201", line, col)]


def test_literal_auto_approval_is_found_at_its_yaml_value(project):
    """Located through the compile's origins: the Arguments member -> the YAML value it came from."""
    path = project(BASE.replace('approval_status: "${params.Approval}"', "approval_status: Approved"))
    findings, _ = run(path, patch=secured)
    assert [f.rule for f in findings] == ["L201"]
    line = line_of(path, "approval_status: Approved")
    assert (findings[0].span.line, findings[0].span.col) == (line, path.read_text().splitlines()[line - 1].index("Approved") + 1)


def test_missing_member_is_found_at_its_step(project):
    path = project()

    def patch(res):
        secured(res)
        res.definition["Steps"][1]["Arguments"].pop("VpcConfig")

    findings, _ = run(path, patch=patch)
    assert [(f.rule, f.span.line, f.span.col) for f in findings] == [("L102", line_of(path, "  Train:"), 3)]


def test_buckets_outside_the_declared_ones(project):
    text = BASE.replace("  Count: {type: Integer, default: 1}",
                        "  Count: {type: Integer, default: 1}\n  Raw: {type: String, default: \"s3://elsewhere/raw/\"}")
    text = text.replace("    outputs:\n      train: {source: /opt/ml/processing/train}",
                        "    outputs:\n      train: {source: /opt/ml/processing/train, destination: \"s3://leaky-bucket/out\"}")
    path = project(text)
    findings, _ = run(path, patch=secured)
    assert [(f.rule, f.step) for f in findings] == [("L301", None), ("L301", "Prep")]
    assert findings[0].span.line == line_of(path, "s3://elsewhere")
    assert "leaky-bucket" in findings[1].message and findings[1].span.line == line_of(path, "s3://leaky-bucket")
    allow, _ = build_policy({"extends": "strict", "buckets": ["elsewhere", "leaky-bucket"]}, "org.yaml")
    assert run(path, allow, patch=secured)[0] == []


SECRETS = [
    ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", "an AWS access key id"),
    ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "an AWS secret access key"),
    ("DB_PASSWORD", "hunter2hunter2", "a literal secret"),
    ("GH", "ghp_" + "a" * 36, "a GitHub token"),
    ("DSN", "postgres://app:s3cr3tpw@db.internal:5432/x", "a password in a URL"),
    ("API_TOKEN", "tok-9f8e7d6c5b4a", "a literal secret"),
]


@pytest.mark.parametrize("name,value,kind", SECRETS, ids=[s[0] for s in SECRETS])
def test_credentials_in_environment_are_found_and_not_echoed(project, name, value, kind):
    path = project(BASE.replace("      MODE: full", f"      MODE: full\n      {name}: \"{value}\""))
    findings, _ = run(path, patch=secured)
    assert [(f.rule, f.step) for f in findings] == [("L302", "Prep")]
    assert kind in findings[0].message and value not in findings[0].message
    assert findings[0].span.line == line_of(path, f"{name}:")


def test_credential_in_parameter_default(project):
    path = project(BASE.replace("  Count: {type: Integer, default: 1}",
                                "  Count: {type: Integer, default: 1}\n  Key: {type: String, default: AKIAIOSFODNN7EXAMPLE}"))
    findings, _ = run(path, patch=secured)
    assert [(f.rule, f.span.line) for f in findings] == [("L302", line_of(path, "AKIAIOSFODNN7EXAMPLE"))]


@pytest.mark.parametrize("name,value", [("MAX_TOKENS", "512"), ("SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"),
                                        ("MODE", "password-reset-model"), ("TOKEN_TTL", "3600")])
def test_not_credentials(project, name, value):
    path = project(BASE.replace("      MODE: full", f"      MODE2: full\n      {name}: \"{value}\""))
    assert run(path, patch=secured)[0] == []


def test_required_tags(project):
    path = project(BASE.replace("  tags: {owner: ml-team, data-classification: internal}", "  tags: {owner: ml-team}"))
    findings, _ = run(path, patch=secured)
    assert [(f.rule, f.span.line) for f in findings] == [("L303", line_of(path, "tags:"))]
    assert "data-classification" in findings[0].message
    assert run(path, BUILTIN["default"], patch=secured)[0] == []  # the default policy requires no tags


def test_default_policy_levels_come_from_the_table(project):
    findings, _ = run(project(), BUILTIN["default"])
    level = {r.id: r.severity for r in RULES}
    assert findings and all(f.severity == level[f.rule] for f in findings)


def test_policy_turns_rules_off_and_sets_levels(project):
    policy, problems = build_policy({"extends": "strict", "rules": {"L101": "off", "L102": "note", "L103": False}},
                                    "org.yaml")
    assert problems == []
    findings, _ = run(project(), policy)
    assert "L101" not in ids(findings) and "L103" not in ids(findings)
    assert {f.severity for f in findings if f.rule == "L102"} == {"note"}


def test_every_rule_has_id_controls_help_and_is_exercised():
    assert len({r.id for r in RULES}) == len(RULES) == 11
    for r in RULES:
        assert r.controls and r.help and r.title and r.severity in ("error", "warning", "note")


def test_a_check_skipped_by_a_parameter_still_counts_a_literal_skip_does_not(project):
    def patch(res):
        secured(res)
        res.definition["Steps"][3]["SkipCheck"] = {"Get": "Parameters.Count"}  # baseline lifecycle: run-time choice
        res.definition["Steps"][4]["SkipCheck"] = True

    findings, _ = run(project(), patch=patch)
    assert ids(findings) == ["L204"]


SECURITY = """  security:
    kms_key: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    vpc: {subnets: [subnet-0a1b2c3d], security_groups: [sg-0a1b2c3d]}
    network_isolation: true
    encrypt_inter_container_traffic: true
"""


def with_security(text: str = BASE) -> str:
    tags = "  tags: {owner: ml-team, data-classification: internal}\n"
    return text.replace(tags, tags + SECURITY)


def test_pipeline_security_settings_satisfy_the_security_rules(project):
    """No patching: the security: block compiles into the members the rules read."""
    path = project(with_security(BASE.replace("    instance_type: ml.m5.xlarge\n",
                                              "    instance_type: ml.m5.xlarge\n    instance_count: 2\n")))
    findings, _ = run(path)
    assert ids(findings) == ["L202", "L203", "L204"]  # governance evidence is not a security setting


def test_a_setting_switched_off_is_found_where_the_yaml_switches_it_off(project):
    path = project(with_security(BASE.replace("    instance_type: ml.m5.xlarge\n",
                                              "    instance_type: ml.m5.xlarge\n    security: {network_isolation: false, vpc: null}\n")))
    findings, _ = run(path)
    found = {(f.rule, f.step): f.span for f in findings if f.rule in ("L102", "L103")}
    line = line_of(path, "security: {network_isolation: false")
    text = path.read_text().splitlines()[line - 1]
    assert found[("L103", "Train")][1:] == (line, text.index("false") + 1)
    assert found[("L102", "Train")][1:] == (line, text.index("null") + 1)
    assert set(found) == {("L102", "Train"), ("L103", "Train")}
