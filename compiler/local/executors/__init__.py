"""One executor per step type: `run(ctx, args) -> StepOutcome`, chosen from EXECUTORS.

EXECUTORS is built from the step-kind table (mlpc.stepkinds: `executor`, `definition_type`,
`definition_aliases`, `raw_arguments`); a new kind's executor is registered there, not here.
"""

from __future__ import annotations

from ...stepkinds import KINDS, load
from . import stub  # --stub stands in for any step



class _Executors(dict):
    """definition Type -> run(ctx, args), each executor module imported when first asked for: a run
    whose steps are all cached, or all conditions, imports none of them."""

    def __missing__(self, step_type: str):
        path = _PATHS[step_type]  # KeyError: no executor for this type
        self[step_type] = fn = load(path)
        return fn

    def get(self, step_type, default=None):
        try:
            return self[step_type]
        except KeyError:
            return default

    def __contains__(self, step_type) -> bool:
        return step_type in _PATHS


_PATHS = {t: k.executor for k in KINDS if k.executor for t in (k.definition_type, *k.definition_aliases)}
EXECUTORS = _Executors()

# Steps whose Arguments are not resolved up front (Condition resolves its own, lazily).
RAW_ARGUMENTS = frozenset(t for k in KINDS if k.raw_arguments for t in (k.definition_type, *k.definition_aliases))

# Steps that start no process (only evaluate expressions): the runner runs them inline, since a
# hand-off to a worker thread costs more than the step.
INLINE = frozenset(t for k in KINDS if k.inline for t in (k.definition_type, *k.definition_aliases))

__all__ = ["EXECUTORS", "INLINE", "RAW_ARGUMENTS", "stub"]
