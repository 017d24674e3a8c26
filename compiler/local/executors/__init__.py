"""One executor per step type: `run(ctx, args) -> StepOutcome`, chosen from EXECUTORS.

EXECUTORS is built from the step-kind table (mlpc.stepkinds: `executor`, `definition_type`,
`definition_aliases`, `raw_arguments`); a new kind's executor is registered there, not here.
"""

from __future__ import annotations

from ...stepkinds import KINDS, load
from . import stub

EXECUTORS = {t: load(k.executor) for k in KINDS if k.executor for t in (k.definition_type, *k.definition_aliases)}

# Steps whose Arguments are not resolved up front (Condition resolves its own, lazily).
RAW_ARGUMENTS = frozenset(t for k in KINDS if k.raw_arguments for t in (k.definition_type, *k.definition_aliases))

# Steps that start no process (only evaluate expressions): the runner runs them inline, since a
# hand-off to a worker thread costs more than the step.
INLINE = frozenset(t for k in KINDS if k.inline for t in (k.definition_type, *k.definition_aliases))

__all__ = ["EXECUTORS", "INLINE", "RAW_ARGUMENTS", "stub"]
