"""The step DAG: edges from references, depends_on and condition branches.

Ordering uses graphlib; a cycle is a diagnostic that names every step in it.
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass, field

from .diagnostics import Diagnostic


@dataclass
class Graph:
    nodes: list  # step names, document order
    edges: dict = field(default_factory=dict)  # (upstream, downstream) -> label: "data" | "depends_on" | "then" | "else"
    types: dict = field(default_factory=dict)

    def upstream(self, step: str) -> list:
        return [u for (u, d) in self.edges if d == step]

    def downstream(self, step: str) -> list:
        return [d for (u, d) in self.edges if u == step]

    def predecessors(self) -> dict:
        out = {n: set() for n in self.nodes}
        for (u, d) in self.edges:
            out[d].add(u)
        return out

    def order(self) -> list:
        ts = graphlib.TopologicalSorter(self.predecessors())
        pos = {n: i for i, n in enumerate(self.nodes)}
        ts.prepare()
        out = []
        while ts.is_active():
            ready = sorted(ts.get_ready(), key=pos.get)
            out += ready
            ts.done(*ready)
        return out


def find_cycle(graph: Graph) -> list | None:
    try:
        graphlib.TopologicalSorter(graph.predecessors()).prepare()
    except graphlib.CycleError as exc:
        cycle = list(exc.args[1])
        return cycle
    return None


def cycle_diagnostic(graph: Graph, cycle: list, paths: dict) -> Diagnostic:
    # graphlib reports the cycle reversed (node, its predecessor, ...); print it in flow order
    flow = list(reversed(cycle))
    text = " -> ".join(flow)
    first = flow[0]
    return Diagnostic("G001", f"dependency cycle: {text}", path=paths.get(first, ("steps", first)),
                      hint="a step cannot depend, directly or through others, on itself; remove one of these references or depends_on")
