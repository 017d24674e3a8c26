"""Generate compiler/xgboost_hyperparameters.py from the built-in XGBoost container's own source.

The table is read, not remembered: for each container version this extracts the version's branch
of aws/sagemaker-xgboost-container, imports its
    src/sagemaker_xgboost_container/algorithm_mode/hyperparameter_validation.py  (initialize())
    src/sagemaker_xgboost_container/algorithm_mode/metrics.py                    (initialize())
(the same objects the container's train.py validates a job's hyperparameters with, through
src/sagemaker_algorithm_toolkit/hyperparameter_validation.py) and writes each hyperparameter's
name, type, range, `required` and the aliases as plain data.

    git clone https://github.com/aws/sagemaker-xgboost-container /tmp/xgbc
    python3 tools/gen_xgboost_hyperparameters.py /tmp/xgbc      # a clone or a bare git dir

Only the standard library is needed: the toolkit modules these import are pure Python.
"""

from __future__ import annotations

import ast
import importlib
import io
import pprint
import subprocess
import sys
import tarfile
import tempfile
import textwrap
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "compiler" / "xgboost_hyperparameters.py"
# container version (the SDK's image tag) -> branch of aws/sagemaker-xgboost-container
BRANCHES = {"0.90-1": "0.90-1", "0.90-2": "0.90-2", "1.0-1": "1.0-1", "1.2-1": "1.2-1", "1.2-2": "1.2-2",
            "1.3-1": "1.3-1", "1.5-1": "1.5-1", "1.7-1": "1.7-1", "3.0-5": "release-3.0.5"}
PATHS = ("src/sagemaker_algorithm_toolkit", "src/sagemaker_xgboost_container/constants",
         "src/sagemaker_xgboost_container/algorithm_mode/hyperparameter_validation.py",
         "src/sagemaker_xgboost_container/algorithm_mode/metrics.py")


def extract(repo: str, branch: str, dest: Path) -> str:
    commit = subprocess.run(["git", "-C", repo, "rev-parse", branch], check=True, capture_output=True,
                            text=True).stdout.strip()
    data = subprocess.run(["git", "-C", repo, "archive", commit, *PATHS], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    for pkg in ("sagemaker_xgboost_container", "sagemaker_xgboost_container/algorithm_mode"):
        (dest / "src" / pkg / "__init__.py").touch()
    return commit


def load(src: Path):
    """The container's Hyperparameters object, imported from `src` (modules dropped afterwards)."""
    sys.path.insert(0, str(src))
    try:
        metrics = importlib.import_module("sagemaker_xgboost_container.algorithm_mode.metrics")
        hpv = importlib.import_module("sagemaker_xgboost_container.algorithm_mode.hyperparameter_validation")
        return hpv.initialize(metrics.initialize())
    finally:
        sys.path.remove(str(src))
        for name in [n for n in sys.modules if n.startswith(("sagemaker_xgboost_container", "sagemaker_algorithm"))]:
            del sys.modules[name]


VALIDATION = "src/sagemaker_xgboost_container/algorithm_mode/hyperparameter_validation.py"
# the lists updater_validator checks `updater` against (local names in the container's closure)
UPDATER_LISTS = {"valid_tree_plugins": "tree", "valid_tree_build_plugins": "build",
                 "valid_linear_plugins": "linear", "valid_process_update_plugins": "update"}


def updater_plugins(src_root: Path) -> dict:
    """{tree, build, linear, update} -> plugin names, read from the version's updater_validator."""
    tree = ast.parse((src_root / VALIDATION).read_text())
    fn = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "updater_validator")
    out = {}
    for node in fn.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.List) and node.targets[0].id in UPDATER_LISTS:
            out[UPDATER_LISTS[node.targets[0].id]] = tuple(dict.fromkeys(ast.literal_eval(node.value)))
    assert set(out) == set(UPDATER_LISTS.values()), f"updater_validator changed shape: {sorted(out)}"
    return out


def cross_check_updater(hps, version: str, plugins: dict) -> None:
    """The port (mlpc.steps.algorithm_hyperparameters.updater_problem) must accept and refuse exactly what the
    container's own validator does, for every booster / process_type and one or two plugins."""
    from mlpc.steps.algorithm_hyperparameters import updater_problem

    names = sorted(set(hps.hyperparameters["updater"].range))
    combos = [[a] for a in names] + [[a, b] for a in names for b in names if a < b]
    for booster in (None, "gbtree", "gblinear"):
        for process in (None, "default", "update"):
            for combo in combos:
                given = {"num_round": "5", "updater": ",".join(combo)}
                given.update({k: v for k, v in (("booster", booster), ("process_type", process)) if v})
                try:
                    hps.validate(dict(given))
                    theirs = None
                except Exception as exc:  # noqa: BLE001 - the toolkit's UserError
                    theirs = str(exc)
                ours = updater_problem(combo, booster, process, plugins)
                assert (ours is None) == (theirs is None), (version, given, ours, theirs)


def describe(hp) -> tuple:
    """(type, range, required) as plain data. range: {"min_open"...} for an Interval, a sorted
    tuple of values for a list (or a range_validator's categories), None for free text."""
    kind = type(hp).__name__.replace("Hyperparameter", "") or "FreeText"
    rng = hp.range
    if rng is None:
        out = None
    elif hasattr(rng, "min_closed"):
        out = {k: getattr(rng, k) for k in ("min_open", "min_closed", "max_open", "max_closed")
               if getattr(rng, k) is not None}
    elif isinstance(rng, (list, tuple)):
        out = tuple(sorted(set(rng), key=str))
    elif hasattr(rng, "format"):  # range_validator: the categories it was built with
        out = tuple(sorted(set(rng.format()), key=str))
    else:
        out = tuple(sorted(set(rng.names)))  # metrics.Metrics (_tuning_objective_metric)
    return kind, out, bool(hp.required)


def main(repo: str) -> None:
    specs: dict = {}  # name -> {repr(row): (row, [versions])}
    aliases: dict = {}
    commits = {}
    updaters = {}
    with tempfile.TemporaryDirectory() as tmp:
        for version, branch in BRANCHES.items():
            dest = Path(tmp) / version
            commits[version] = (branch, extract(repo, branch, dest))
            hps = load(dest / "src")
            updaters[version] = updater_plugins(dest)
            cross_check_updater(hps, version, updaters[version])
            for name, hp in hps.hyperparameters.items():
                row = describe(hp)
                specs.setdefault(name, {}).setdefault(repr(row), (row, []))[1].append(version)
            for alias, name in getattr(hps, "aliases", {}).items():
                aliases.setdefault((alias, name), []).append(version)
    lines = [
        '"""GENERATED by tools/gen_xgboost_hyperparameters.py: do not edit; re-run the tool.',
        "",
        "The built-in XGBoost algorithm's hyperparameters, per container version, as the container",
        "validates them (aws/sagemaker-xgboost-container, src/sagemaker_xgboost_container/algorithm_mode/",
        "hyperparameter_validation.py with src/sagemaker_algorithm_toolkit/hyperparameter_validation.py).",
        "",
        "HYPERPARAMETERS: name -> ((versions, type, range, required), ...). type is the toolkit's class",
        "(Integer: int(value); Continuous: float(value); Categorical: value in range; CommaSeparatedList:",
        "each of value.split(',') in range; NestedList / Tuple: a Python literal whose elements are in range).",
        "range: an interval {min_open|min_closed, max_open|max_closed}, a tuple of allowed values, or None.",
        "ALIASES: alias -> (name, versions).",
        "UPDATER_PLUGINS: version -> the plugin lists updater_validator checks `updater` against",
        "(tree, build: the tree-growing ones, of which one at most; linear: gblinear's; update: process_type update's).",
        '"""',
        "",
        "# container version -> (branch, commit) the rows were read from",
        "SOURCE = {",
        *[f"    {v!r}: {c!r}," for v, c in commits.items()],
        "}",
        "",
        "VERSIONS = tuple(SOURCE)",
        "",
        "HYPERPARAMETERS = {",
    ]
    for name in sorted(specs):
        lines.append(f"    {name!r}: (")
        for (kind, rng, required), versions in specs[name].values():
            row = pprint.pformat((tuple(versions), kind, rng, required), width=108, compact=True)
            lines.append(textwrap.indent(row, " " * 8) + ",")
        lines.append("    ),")
    lines += ["}", "", "ALIASES = {"]
    lines += [f"    {a!r}: ({n!r}, {tuple(v)!r})," for (a, n), v in sorted(aliases.items())]
    lines += ["}", "", "UPDATER_PLUGINS = {"]
    for version, plugins in updaters.items():
        lines.append(f"    {version!r}: {{")
        for kind, names in plugins.items():
            row = pprint.pformat(names, width=96, compact=True)
            lines.append(f"        {kind!r}: " + textwrap.indent(row, " " * 10).lstrip() + ",")
        lines.append("    },")
    lines += ["}", ""]
    OUT.write_text("\n".join(lines))
    print(f"wrote {OUT} ({len(specs)} hyperparameters, {len(BRANCHES)} versions)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
