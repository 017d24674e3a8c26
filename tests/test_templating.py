"""Plain {{ name }} placeholders skip Jinja2; the result must be exactly Jinja2's."""

from __future__ import annotations

import pytest

from mlpc import templating

VARS = {"bucket": "my-bucket", "n": 3, "ratio": 0.25, "flag": True, "none": None, "account_id": "123456789012"}
CASES = [
    "s3://{{ bucket }}/raw/",
    "{{bucket}}",
    "arn:aws:iam::{{ account_id }}:role/{{ bucket }}\n",
    "{{ n }}-{{ ratio }}-{{ flag }}-{{ none }}",
    "no template here",
    "{{ bucket | upper }}",            # filter: goes to Jinja2
    "{% if flag %}yes{% endif %}",     # block: goes to Jinja2
    "{{ n + 1 }}",
]


@pytest.mark.parametrize("text", CASES)
def test_fast_path_equals_jinja(text):
    expected = templating._env().from_string(text).render(VARS)
    out, diags = templating.render_tree({"k": text}, VARS)
    assert diags == []
    assert out["k"] == expected


def test_fast_path_declines_what_it_cannot_do():
    assert templating._render_simple("{{ bucket | upper }}", VARS) is None
    assert templating._render_simple("{{ missing }}", VARS) is None
    assert templating._render_simple("{{ bucket }}", VARS) == "my-bucket"


def test_undefined_variable_is_reported_with_a_hint():
    _, diags = templating.render_tree({"k": "s3://{{ buckt }}/"}, VARS)
    assert [d.code for d in diags] == ["T001"]
    assert "buckt" in diags[0].message and "bucket" in diags[0].hint


def test_expressions_are_immutable_values():
    from mlpc.expressions import ExecutionVariable, Join, Param, StepProperty

    a, b = Param("X", "Integer"), Param("X", "Integer")
    assert a == b and hash(a) == hash(b) and a != Param("X", "Float")
    assert Param("X") != ExecutionVariable("X", None)  # same fields, different kinds
    assert ExecutionVariable("PipelineName").type == "String" and Join("", ()).type == "String"
    with pytest.raises(AttributeError):
        a.name = "Y"
    with pytest.raises(TypeError):
        str(StepProperty("S", "ModelArtifacts.S3ModelArtifacts"))
    with pytest.raises(TypeError):
        Param("X", "Integer", "extra")
