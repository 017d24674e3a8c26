"""The step graph of a definition: condition branches flattened, dependencies, order.

A step listed in a Condition step's IfSteps/ElseSteps runs only when that
branch is taken; it depends on the condition step. Other dependencies come
from data references ({"Get": "Steps.X..."}, property files) and DependsOn.
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass

from ..definition import BRANCHES, flatten, own_part, referenced_steps


@dataclass(frozen=True)
class StepNode:
    name: str
    type: str
    definition: dict
    deps: frozenset
    condition: str | None = None  # the Condition step whose branch holds this step
    branch: str | None = None  # "IfSteps" | "ElseSteps"


@dataclass(frozen=True)
class StepGraph:
    nodes: dict  # name -> StepNode, in topological order

    def order(self) -> list[str]:
        return list(self.nodes)

    def downstream(self, name: str) -> set[str]:
        out, frontier = set(), {name}
        while frontier:
            nxt = {n for n, node in self.nodes.items() if node.deps & frontier} - out
            out |= nxt
            frontier = nxt
        return out


__all__ = ["BRANCHES", "StepGraph", "StepNode", "build_graph"]


def build_graph(definition: dict) -> tuple[StepGraph | None, list[str]]:
    errors: list[str] = []
    by_name: dict = {}
    for step, cond, branch in flatten(definition):
        name = step.get("Name")
        if not isinstance(name, str) or not name:
            errors.append(f"a step has no Name: {str(step)[:80]}")
            continue
        if name in by_name:
            errors.append(f"step name '{name}' is used twice")
            continue
        by_name[name] = (step, cond, branch)
    nodes = {}
    for name, (step, cond, branch) in by_name.items():
        deps = referenced_steps(own_part(step)) | set(step.get("DependsOn") or []) | ({cond} if cond else set())
        deps.discard(name)
        for d in sorted(deps - set(by_name)):
            errors.append(f"step '{name}' refers to step '{d}', which the definition does not have")
        nodes[name] = StepNode(name, step.get("Type", ""), step, frozenset(deps & set(by_name)), cond, branch)
    if errors:
        return None, errors
    sorter = graphlib.TopologicalSorter({n: node.deps for n, node in nodes.items()})
    try:
        order = list(sorter.static_order())
    except graphlib.CycleError as exc:
        cycle = exc.args[1]
        return None, ["the steps depend on each other in a cycle: " + " -> ".join(cycle)]
    return StepGraph({n: nodes[n] for n in order}), []
