"""One executor per step type: `run(ctx, args) -> StepOutcome`, chosen from EXECUTORS."""

from __future__ import annotations

from . import condition, fail, model, processing, register, stub, training, transform, tuning

EXECUTORS = {
    "Processing": processing.run,
    "Training": training.run,
    "Tuning": tuning.run,
    "Transform": transform.run,
    "Model": model.run,
    "CreateModel": model.run,
    "RegisterModel": register.run,
    "Condition": condition.run,
    "Fail": fail.run,
    "Lambda": stub.run,
    "Callback": stub.run,
}

# Steps whose Arguments are not resolved up front (Condition resolves its own, lazily).
RAW_ARGUMENTS = frozenset({"Condition"})
