"""Compile-time check of the built-in XGBoost algorithm's hyperparameters, as its container checks them.

The container validates a job's hyperparameters before it trains (aws/sagemaker-xgboost-container,
src/sagemaker_algorithm_toolkit/hyperparameter_validation.py `Hyperparameters.validate`: aliases,
then required names, unknown names ("Extraneous hyperparameter found"), parsing by type, ranges,
dependencies). mlpc does the same at compile time, from the table generated out of the container's
source (compiler/xgboost_hyperparameters.py), so a misspelled `num_rounds` is an error at its line
instead of a failed job. Values are checked as the container receives them: the strings the
training step renders (a `${params.X}` value through the parameter's default). Of the container's
dependency rules are ported below: objective / num_class / eval_metric, the tree_method of monotone /
interaction constraints (1.0-1 on), and the updater plugin rules (the plugin lists are generated per
version; the generator checks this port against the container's own validator).
"""

from __future__ import annotations

import ast
import re

from ..diagnostics import Diagnostic, did_you_mean
from ..expressions import Expr, Param

_IMAGE_TAG = re.compile(r"/sagemaker-xgboost:(\d+\.\d+-\d+)")
_MULTI = ("multi:softmax", "multi:softprob")
_THRESHOLD_METRICS = ("error", "ndcg", "map")  # eval_metric "name@t" (eval_metric_range_validator)


def builtin_xgboost_version(step, image) -> str | None:
    """The container version of a built-in XGBoost training step, or None (script mode, other images)."""
    if step.get("entry_point") is not None:
        return None
    if step.get("algorithm") == "xgboost":
        version = step.get("algorithm_version")
        return version if isinstance(version, str) else None
    if step.get("algorithm") is None and isinstance(image, str):
        m = _IMAGE_TAG.search(image)
        return m.group(1) if m else None
    return None


def table(version: str):
    """-> (name -> (type, range, required), alias -> name) for one container version, or None."""
    from .. import xgboost_hyperparameters as data

    if version not in data.VERSIONS:
        return None
    specs = {name: (kind, rng, required) for name, rows in data.HYPERPARAMETERS.items()
             for versions, kind, rng, required in rows if version in versions}
    aliases = {alias: name for alias, (name, versions) in data.ALIASES.items() if version in versions}
    return specs, aliases


def check(step, ctx, hps: dict, version: str, *, ranges: dict | None = None) -> None:
    """Report X001-X005 for `hps` (rendered name -> string or Expr) and a tuning step's `ranges`
    (its parameter_ranges: name -> {type, min, max | values})."""
    found = table(version)
    if found is None:
        return
    specs, aliases = found
    known = list(specs) + list(aliases)
    present, misspelt, bad = {}, set(), set()  # misspelt: the names unknown ones were suggested as
    for name, value in hps.items():
        canonical = aliases.get(name, name)
        if canonical not in specs:
            misspelt.add(_unknown(step, ctx, ("hyperparameters", name), name, version, known))
            continue
        text, origin = _literal(value, ctx)
        problem = check_value(canonical, text, specs[canonical]) if text is not None else None
        if problem:
            code, message, hint = problem
            ctx.error(step, ("hyperparameters", name), code,
                      f"XGBoost {version} hyperparameter '{name}'{origin}: {message}", hint)
            bad.add(canonical)
        present[canonical] = None if problem else text  # a wrong value is reported once, not judged again
    for name, spec in (ranges or {}).items():
        canonical = aliases.get(name, name)
        if canonical not in specs:
            misspelt.add(_unknown(step, ctx, ("parameter_ranges", name), name, version, known))
            continue
        present.setdefault(canonical, None)
        for field, value in _range_values(spec):
            problem = check_value(canonical, str(value), specs[canonical])
            if problem and problem[0] == "X003":
                ctx.error(step, ("parameter_ranges", name) + field, "X003",
                          f"XGBoost {version} hyperparameter '{name}', tuned range: {problem[1]}", problem[2])
    for name, (_, _, required) in sorted(specs.items()):
        if required and name not in present and name not in {aliases.get(m, m) for m in misspelt}:  # X001 says it
            where = ("hyperparameters",) if step.get("hyperparameters") is not None else ()
            tune = " (or tune it under parameter_ranges)" if step.get("parameter_ranges") else ""
            ctx.error(step, where, "X004", f"XGBoost {version} needs the hyperparameter '{name}'",
                      f"add `{name}:` under hyperparameters{tune}")
    for key, message in dependency_problems(present, version):
        if key in bad:
            continue
        ctx.error(step, ("hyperparameters", _yaml_name(hps, aliases, key)), "X005", f"XGBoost {version}: {message}")


def check_value(name: str, text: str, spec: tuple):
    """-> (code, message, hint) when the container would reject `text` for this hyperparameter, else None."""
    kind, rng, _ = spec
    try:
        value = _PARSE[kind](text)
    except (ValueError, SyntaxError, TypeError):
        return "X002", f"{text!r} is not {_A[kind]}", None
    if name == "eval_metric":
        return _eval_metrics(value, rng)
    if rng is None:
        return None
    items = value if kind in ("CommaSeparatedList", "Tuple") else [e for outer in value for e in outer] \
        if kind == "NestedList" else [value]
    bad = [v for v in items if not _contains(rng, v)]
    if not bad:
        return None
    shown = text if len(items) == 1 else ", ".join(str(b) for b in bad)
    guess = did_you_mean(str(bad[0]), [str(r) for r in rng]) if isinstance(rng, tuple) else None
    return "X003", f"{shown!r} is not in {_describe(rng)}", guess if guess and guess.startswith("did") else None


# tree_method values each constraint works with (monotone_constraints_validator,
# interaction_constraints_validator); the 0.90 containers have neither rule
_CONSTRAINT_TREE_METHODS = {"monotone_constraints": ("exact", "hist"),
                            "interaction_constraints": ("exact", "hist", "approx")}
_NO_CONSTRAINT_RULES = ("0.90-1", "0.90-2")


def updater_problem(updater: list, booster, process_type, plugins: dict) -> str | None:
    """The container's updater_validator on `updater` (its comma-separated plugins), or None when it passes."""
    if booster == "gblinear":
        if not (len(updater) == 1 and updater[0] in plugins["linear"]):
            return "with booster 'gblinear', updater must be one of " + ", ".join(f"'{p}'" for p in plugins["linear"])
    elif process_type == "update":
        if not all(p in plugins["update"] for p in updater):
            return "process_type 'update' can only be used with updater 'refresh' and 'prune'"
    elif not all(p in plugins["tree"] for p in updater):
        wrong = next(p for p in updater if p not in plugins["tree"])
        return f"tree updater '{wrong}' is not one of " + ", ".join(f"'{p}'" for p in plugins["tree"])
    elif sum(p in plugins["build"] for p in updater) > 1:
        return "only one tree grow plugin can be selected: " + ", ".join(
            f"'{p}'" for p in dict.fromkeys(p for p in updater if p in plugins["build"]))
    return None


def dependency_problems(present: dict, version: str = "") -> list:
    """The container's dependency rules: objective / num_class / eval_metric
    (hyperparameter_validation.py objective_validator, eval_metric_dep_validator) and the tree_method
    a monotone or interaction constraint needs (the container requires it set explicitly). A value of
    None is one compile time cannot know (tuned, or a parameter without a default): not judged."""
    from ..xgboost_hyperparameters import UPDATER_PLUGINS  # the generated table, read when a job is checked

    out = []
    plugins = UPDATER_PLUGINS.get(version)
    updater = present.get("updater")
    if plugins and isinstance(updater, str) and not (
            ("booster" in present and present["booster"] is None)
            or ("process_type" in present and present["process_type"] is None)):
        problem = updater_problem(updater.split(","), present.get("booster"), present.get("process_type"), plugins)
        if problem:
            out.append(("updater", problem))
    if version not in _NO_CONSTRAINT_RULES:
        method = present.get("tree_method")
        for name, methods in _CONSTRAINT_TREE_METHODS.items():
            if name in present and method not in methods and not ("tree_method" in present and method is None):
                quoted = [f"'{m}'" for m in methods]
                allowed = ", ".join(quoted[:-1]) + " or " + quoted[-1]  # the container's wording
                now = f"it is '{method}'" if method is not None else "it is not set"
                out.append((name, f"{name} can be used only when the tree_method parameter is set to "
                                  f"either {allowed} ({now})"))
    objective = present.get("objective")
    if objective in _MULTI and "num_class" not in present:
        out.append(("objective", f"objective '{objective}' needs num_class (multi-class classification)"))
    metrics = (present.get("eval_metric") or "").split(",")
    if isinstance(objective, str):
        if "auc" in metrics and not objective.startswith(("binary:", "rank:")):
            out.append(("eval_metric", f"eval_metric 'auc' needs a binary: or rank: objective, not '{objective}'"))
        if "aft-nloglik" in metrics and objective != "survival:aft":
            out.append(("eval_metric", "eval_metric 'aft-nloglik' needs objective 'survival:aft'"))
    return out


def check_objective_metric(step, ctx, metric, version: str) -> None:
    """A tuning step's objective: the metric names the container emits (metrics.py)."""
    found = table(version)
    spec = found[0].get("_tuning_objective_metric") if found else None
    if spec is None or not isinstance(metric, str) or "${" in metric or metric in spec[1]:
        return
    ctx.error(step, ("objective", "metric"), "X003",
              f"XGBoost {version} does not report the objective metric '{metric}'",
              did_you_mean(metric, spec[1]) or "metrics are validation:<eval_metric>, e.g. validation:auc")


def _unknown(step, ctx, key: tuple, name: str, version: str, known: list) -> str | None:
    """Report X001; -> the known name suggested instead (None when nothing is close)."""
    import difflib

    close = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.6)
    hint = did_you_mean(name, known) or "see the algorithm's hyperparameters in the SageMaker XGBoost documentation"
    ctx.diagnostics.append(Diagnostic("X001", f"XGBoost {version} has no hyperparameter '{name}'",
                                      path=step.path + key, hint=hint, at_key=True))
    return close[0] if close else None


# ------------------------------------------------------------------ the toolkit's types and ranges

def _literal_list(text: str):
    value = ast.literal_eval(text)
    if not isinstance(value, (list, tuple)):
        raise ValueError(text)
    return list(value)


_PARSE = {"Integer": int, "Continuous": float, "Categorical": str, "FreeText": str,
          "CommaSeparatedList": lambda t: t.split(","), "NestedList": lambda t: [list(x) for x in _literal_list(t)],
          "Tuple": _literal_list}
_A = {"Integer": "an integer", "Continuous": "a number", "CommaSeparatedList": "a comma-separated list",
      "NestedList": "a list of lists, e.g. [[1, 2], [3, 4]]", "Tuple": "a tuple, e.g. (1,0,-1)",
      "Categorical": "a value", "FreeText": "text"}


def _contains(rng, value) -> bool:
    if isinstance(rng, dict):  # sagemaker_algorithm_toolkit Interval.__contains__
        return not (("min_open" in rng and value <= rng["min_open"]) or ("min_closed" in rng and value < rng["min_closed"])
                    or ("max_open" in rng and value >= rng["max_open"])
                    or ("max_closed" in rng and value > rng["max_closed"]))
    return value in rng


def _describe(rng) -> str:
    if isinstance(rng, dict):
        lo = f"({rng['min_open']}" if "min_open" in rng else f"[{rng['min_closed']}" if "min_closed" in rng else "(-inf"
        hi = f"{rng['max_open']})" if "max_open" in rng else f"{rng['max_closed']}]" if "max_closed" in rng else "+inf)"
        return f"{lo}, {hi}"
    if len(rng) > 12:
        return f"the {len(rng)} values the container accepts"
    return "{" + ", ".join(str(v) for v in rng) + "}"


def _eval_metrics(metrics: list, rng):
    """eval_metric_range_validator: each metric is known, or error/ndcg/map with a numeric @threshold."""
    for metric in metrics:
        if "@" in metric:
            name, _, threshold = metric.partition("@")
            if name.strip() not in _THRESHOLD_METRICS:
                return "X003", f"'{metric}': a threshold (@t) is only for error, ndcg and map", None
            try:
                float(threshold.strip().split("@")[0])
            except ValueError:
                return "X002", f"'{metric}': the threshold after @ is not a number", None
        elif metric not in rng:
            guess = did_you_mean(metric, rng)
            return "X003", f"'{metric}' is not a metric the container accepts", (
                guess if guess and guess.startswith("did") else "known: " + ", ".join(rng))
    return None


def _literal(value, ctx) -> tuple:
    """-> (the string the container would get, where it came from) or (None, "") when only known at run time."""
    if not isinstance(value, Expr):
        return str(value), ""
    if isinstance(value, Param):
        param = ctx.pipeline.parameters.get(value.name)
        if param is not None and param.default is not None:
            default = param.default
            if isinstance(default, bool):
                text = "true" if default else "false"
            else:
                text = str(float(default)) if param.type == "Float" else str(default)
            return text, f" (the default of parameter {value.name})"
    return None, ""


def _range_values(spec) -> list:
    """(field, value) pairs of a tuning range whose literal values the container would check."""
    if not isinstance(spec, dict):
        return []
    pairs = [((k,), spec.get(k)) for k in ("min", "max")]
    pairs += [(("values", i), v) for i, v in enumerate(spec.get("values") or [])]
    return [(f, v) for f, v in pairs if isinstance(v, (int, float, str)) and not isinstance(v, bool)
            and "${" not in str(v)]


def _yaml_name(hps: dict, aliases: dict, canonical: str) -> str:
    return next((n for n in hps if aliases.get(n, n) == canonical), canonical)


def validate_job(hps: dict, version: str) -> str | None:
    """The first problem the container reports for a job's (string) hyperparameters, in its words and
    order (Hyperparameters.validate: required, extraneous, parse, range, dependencies), or None.
    For definitions mlpc did not compile (e.g. the SDK's), run locally."""
    found = table(version)
    if found is None:
        return None
    specs, aliases = found
    given = {aliases.get(k, k): str(v) for k, v in hps.items() if not k.startswith("sagemaker_")}
    for name, (_, _, required) in specs.items():
        if required and name not in given:
            return f"Missing required hyperparameter: {name}"
    for name in given:
        if name not in specs:
            return f"Extraneous hyperparameter found: {name}"
    for name, text in given.items():
        problem = check_value(name, text, specs[name])
        if problem:
            what = "could not parse value" if problem[0] == "X002" else problem[1]
            return f"Hyperparameter {name}: {what}"
    problems = dependency_problems(given, version)
    return problems[0][1] if problems else None
