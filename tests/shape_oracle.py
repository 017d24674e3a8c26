"""Test oracle: botocore's own request validation for compiled step Arguments.

Independent of mlpc.shapes (it loads the full, unpruned model through botocore's
loader), so agreement between the two means something.
"""

from __future__ import annotations

import copy

from mlpc.shapes import is_expression

_ORACLE: dict = {}


def _copy(value):
    return copy.deepcopy(value)


def botocore_oracle_validate(operation: str, params: dict, fill_required: dict | None = None) -> list[str]:
    """botocore's own ParamValidator over params with expressions replaced by
    placeholders of the slot's type (strings/numbers padded up to the slot's min)."""
    if "model" not in _ORACLE:
        from botocore.loaders import Loader
        from botocore.model import ServiceModel

        _ORACLE["model"] = ServiceModel(Loader().load_service_model("sagemaker", "service-2"))
    from botocore.validate import ParamValidator

    shape = _ORACLE["model"].operation_model(operation).input_shape
    filled = _placeholders(params, shape)
    for k, v in (fill_required or {}).items():
        filled.setdefault(k, v)
    report = ParamValidator().validate(filled, shape)
    return report.generate_report().splitlines() if report.has_errors() else []


def _placeholders(value, shape):
    kind = shape.type_name
    if is_expression(value):
        low = shape.metadata.get("min", 1)
        return {"string": "x" * max(1, low), "blob": "x", "timestamp": "2020-01-01T00:00:00Z",
                "integer": max(1, low), "long": max(1, low), "float": float(max(1, low)),
                "double": float(max(1, low)), "boolean": True}.get(kind, _copy(value))
    if kind == "structure" and isinstance(value, dict):
        return {k: _placeholders(v, shape.members[k]) if k in shape.members else _copy(v) for k, v in value.items()}
    if kind == "list" and isinstance(value, (list, tuple)):
        return [_placeholders(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _placeholders(v, shape.value) for k, v in value.items()}
    return _copy(value)
