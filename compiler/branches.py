"""Which condition outcomes each step needs to run, and steps that can never run.

A step in a condition's `then` (`else`) branch runs only when that condition is true (false), and
only when the condition itself runs (branches nest). SageMaker starts a step only when every step
it depends on (a data reference, a property-file read, `depends_on`) has completed (see
aws/sagemaker-python-sdk#3565: depending on the last step of each branch does not "rejoin" the
flow; the step waits for both), so a step also needs everything its dependencies need. mlpc's
local runner does the same (a step whose dependency was skipped is skipped).

From that, over the whole graph (nested conditions included):
  - G010 (error): a step needs one condition to be both true and false (e.g. it is in the `then`
    branch and reads a step of the `else` branch, or it depends on a step of each branch): it can
    never run;
  - G011 (warning): a step outside a condition's branches reads a step inside one: it is skipped
    whenever that branch is not taken. Legal, but easy to miss; putting the step in the branch
    says so (and silences the warning).
"""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter

from .diagnostics import Diagnostic, Severity

BRANCH_KINDS = ("then", "else")
_VERB = {"data": "reads", "depends_on": "depends on"}


def _owners(graph) -> dict:
    """step -> (condition, branch) of the branch that lists it."""
    return {dst: (src, kind) for (src, dst), kind in graph.edges.items() if kind in BRANCH_KINDS}


def _own_guards(step: str, owners: dict) -> dict:
    """(condition, branch) -> None for every branch the step sits in, nested conditions included."""
    out: dict = {}
    seen = set()
    while step in owners and step not in seen:
        seen.add(step)
        cond, branch = owners[step]
        out[(cond, branch)] = None
        step = cond
    return out


def check_reachability(pipeline, graph) -> list[Diagnostic]:
    """G010 / G011 over an acyclic graph (graph.build_graph already reported cycles)."""
    owners = _owners(graph)
    deps: dict = {n: [] for n in graph.nodes}
    for (src, dst), kind in graph.edges.items():
        if kind in _VERB and src in deps and dst in deps:
            deps[dst].append((src, kind))
    order = TopologicalSorter({n: [s for s, _ in deps[n]] + ([owners[n][0]] if n in owners else [])
                               for n in graph.nodes})
    try:
        ordered = list(order.static_order())
    except CycleError:  # reported by the graph phase
        return []
    own = {n: _own_guards(n, owners) for n in graph.nodes}
    # step -> {(condition, branch): the dependency it comes through (None: the step's own branch)}
    needs: dict = {}
    never: set = set()
    out: list[Diagnostic] = []
    for name in ordered:
        acc = dict(own[name])
        if name in owners:  # a branch member also needs whatever its condition needs
            for guard in needs.get(owners[name][0], {}):
                acc.setdefault(guard, None)
        broken = False
        for dep, kind in deps[name]:
            if dep in never:
                broken = True  # reported at the root
                continue
            for guard in needs[dep]:
                cond, branch = guard
                other = (cond, "else" if branch == "then" else "then")
                if other in acc and not broken:
                    out.append(_never(pipeline, graph, name, dep, kind, guard, other, acc[other]))
                    broken = True
                acc.setdefault(guard, (dep, kind))
            if not broken:
                out += _outside(pipeline, graph, name, dep, kind, own, acc)
        if broken:
            never.add(name)
        needs[name] = acc
    return out


def _never(pipeline, graph, name, dep, kind, guard, other, other_via) -> Diagnostic:
    cond, branch = guard
    mine = (f"it is in the {other[1]} branch of '{cond}'" if other_via is None
            else f"it {_VERB[other_via[1]]} '{other_via[0]}', which runs only on the {other[1]} branch of '{cond}'")
    return Diagnostic("G010", f"step '{name}' can never run: {mine}, and it {_VERB[kind]} '{dep}', which runs only "
                              f"on the {branch} branch of '{cond}'",
                      path=graph.origins.get((dep, name), pipeline.steps[name].path),
                      hint=f"a step runs only after every step it needs has run, and '{cond}' takes one branch; "
                           "move the steps into the same branch, or give each branch its own copy")


def _outside(pipeline, graph, name, dep, kind, own, acc) -> list:
    """G011: `name` reads `dep`, which sits in a branch that `name` is not in."""
    out = []
    for cond, branch in own[dep]:
        if (cond, branch) in own[name] or cond == name:
            continue
        if acc.get((cond, branch)) != (dep, kind):
            continue  # came in through an earlier dependency (reported there) or the step's own branch
        out.append(Diagnostic("G011", f"step '{name}' {_VERB[kind]} '{dep}', which runs only on the {branch} branch of "
                                      f"'{cond}': '{name}' is skipped whenever '{cond}' takes the other branch",
                              path=graph.origins.get((dep, name), pipeline.steps[name].path), severity=Severity.WARNING,
                              hint=f"if that is meant, list '{name}' in the {branch} branch of '{cond}' too"))
    return out
