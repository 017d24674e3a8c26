"""The step DAG: edges from references, depends_on and condition branches.

Ordering uses graphlib; a cycle is a diagnostic that names every step in it.
"""

from __future__ import annotations

import graphlib

from .diagnostics import Diagnostic


class Graph:
    def __init__(self, nodes: list, edges: dict | None = None, types: dict | None = None,
                 origins: dict | None = None):
        self.nodes = nodes  # step names, document order
        self.edges = {} if edges is None else edges  # (upstream, downstream) -> "data" | "depends_on" | "then" | "else"
        self.types = {} if types is None else types
        self.origins = {} if origins is None else origins  # (upstream, downstream) -> YAML path that made the edge

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
    """Name the cycle in flow order, starting at its first step in the document, and point at
    the reference (or depends_on / branch entry) of that step which closes the cycle."""
    ring = list(cycle[:-1]) if len(cycle) > 1 and cycle[0] == cycle[-1] else list(cycle)
    if any((a, b) not in graph.edges for a, b in zip(ring, ring[1:])):
        ring.reverse()  # graphlib lists predecessors first; be robust to either order
    pos = {n: i for i, n in enumerate(graph.nodes)}
    k = min(range(len(ring)), key=lambda i: pos.get(ring[i], 0))
    ring = ring[k:] + ring[:k]
    first, closing = ring[0], ring[-1]
    text = " -> ".join(ring + [first])
    where = graph.origins.get((closing, first)) or paths.get(first, ("steps", first))
    label = graph.edges.get((closing, first))
    why = {"data": f"'{first}' uses a property of '{closing}'", "depends_on": f"'{first}' depends on '{closing}'"}.get(
        label, f"'{closing}' runs '{first}' in its {label} branch")
    return Diagnostic("G001", f"dependency cycle: {text}", path=where,
                      hint=f"each step runs after the one before it; here {why}. "
                           "Remove one of these references, depends_on entries or branch entries")
