"""The audit record of a model version, and its renderings (markdown, html, json). Pure: no I/O.

Both registries feed it the same facts, so `mlpc models card` prints the same record on AWS and
with --local: compiler/deploy/registry.py (DescribeModelPackage + the reports in S3) and
compiler/local/registry.py (the workspace). Facts:

    {"group", "version", "arn", "status", "created", "approval_description",
     "history": [{"time", "status", "reason"}],        # approval changes, oldest first
     "model_card": {"ModelCardContent": str | dict, "ModelCardStatus": str} | None,
     "reports": {"ModelQuality.Statistics": <json>, "Bias.PreTrainingReport": <json>, ...},
     "model_metrics": {"ModelQuality.Statistics": uri, ...}, "drift_baselines": {"ModelDataQuality.Statistics": uri},
     "lineage": {"pipeline", "execution_arn", "git_commit", "definition_sha256", "input_data", "training_job"}}
"""

from __future__ import annotations

import html
import json

TOP_FEATURES = 10
SECTIONS = ("Model card", "Approval", "Quality metrics", "Bias metrics", "Explainability (top features)",
            "Data quality", "Lineage", "Drift baselines")


def flatten_uris(block: dict | None) -> dict:
    """{"ModelQuality": {"Statistics": {"S3Uri": u}}} -> {"ModelQuality.Statistics": u}."""
    out = {}
    for section, entries in sorted((block or {}).items()):
        for kind, source in sorted((entries or {}).items()):
            if isinstance(source, dict) and isinstance(source.get("S3Uri"), str):
                out[f"{section}.{kind}"] = source["S3Uri"]
    return out


def quality_metrics(report) -> dict:
    """A model quality statistics document -> {metric: value} (every *_metrics block, or "metrics")."""
    out = {}
    if not isinstance(report, dict):
        return out
    blocks = [v for k, v in sorted(report.items()) if k.endswith("_metrics") or k == "metrics"]
    for block in blocks:
        for name, entry in (block or {}).items() if isinstance(block, dict) else ():
            value = entry.get("value") if isinstance(entry, dict) else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out.setdefault(name, float(value))
    return out


def bias_rows(reports: dict) -> list:
    rows = []
    for stage, keys in (("pre-training", ("Bias.PreTrainingReport", "Bias.Report")),
                        ("post-training", ("Bias.PostTrainingReport", "Bias.Report"))):
        block_key = f"{stage.replace('-', '_')}_bias_metrics"
        doc = next((reports[k] for k in keys if isinstance(reports.get(k), dict) and block_key in reports[k]), None)
        for facet, entries in ((doc or {}).get(block_key) or {}).get("facets", {}).items():
            for entry in entries:
                for m in entry.get("metrics", []):
                    rows.append({"stage": stage, "facet": facet, "facet_value": entry.get("value_or_threshold"),
                                 "metric": m.get("name"), "value": m.get("value"), "note": m.get("error")})
    return rows


def top_features(report) -> list:
    shap = (((report or {}).get("explanations") or {}).get("kernel_shap") or {}) if isinstance(report, dict) else {}
    values = next(iter(shap.values()), {}).get("global_shap_values") or {} if shap else {}
    ranked = sorted(values.items(), key=lambda kv: -abs(kv[1]))
    return [{"feature": k, "mean_abs_shap": v} for k, v in ranked[:TOP_FEATURES]]


def data_quality(report) -> dict | None:
    if not isinstance(report, dict) or "features" not in report:
        return None
    features = []
    for f in report["features"]:
        block = f.get("numerical_statistics") or f.get("string_statistics") or {}
        common = block.get("common") or {}
        summary = (f"mean {block['mean']:.4g}, min {block['min']:.4g}, max {block['max']:.4g}" if "mean" in block
                   else f"{int(block.get('distinct_count', 0))} distinct")
        features.append({"name": f.get("name"), "type": f.get("inferred_type"),
                         "missing": common.get("num_missing"), "summary": summary})
    return {"item_count": (report.get("dataset") or {}).get("item_count"), "features": features}


def card_content(card) -> dict | None:
    if not isinstance(card, dict):
        return None
    content = card.get("ModelCardContent")
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except ValueError:
            content = {"unparsed": content}
    return {"status": card.get("ModelCardStatus"), "content": content or {}}


def audit_record(facts: dict) -> dict:
    reports = facts.get("reports") or {}
    return {
        "group": facts["group"], "version": facts["version"], "arn": facts.get("arn"),
        "status": facts.get("status"), "created": facts.get("created"),
        "approval_description": facts.get("approval_description"),
        "approval_history": facts.get("history") or [],
        "model_card": card_content(facts.get("model_card")),
        "quality_metrics": quality_metrics(reports.get("ModelQuality.Statistics")),
        "bias_metrics": bias_rows(reports),
        "top_features": top_features(reports.get("Explainability.Report")),
        "data_quality": data_quality(reports.get("ModelDataQuality.Statistics")),
        "lineage": facts.get("lineage") or {},
        "model_metrics": facts.get("model_metrics") or {},
        "drift_baselines": facts.get("drift_baselines") or {},
    }


# ------------------------------------------------------------------ renderings

def _num(v) -> str:
    return "-" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v)


def _card_lines(card: dict | None) -> list:
    if card is None:
        return ["This version has no model card."]
    lines = [f"Status: {card['status'] or '-'}"]

    def walk(value, path):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, path + [k])
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, path + [str(i + 1)])
        else:
            lines.append(f"{' / '.join(p.replace('_', ' ') for p in path)}: {value}")

    walk(card["content"], [])
    return lines


def sections(record: dict) -> list:
    """[(title, [(cells...)] or [lines], columns or None)]: the record as tables and lines."""
    lin = record["lineage"]
    dq = record["data_quality"]
    return [
        ("Model card", _card_lines(record["model_card"]), None),
        ("Approval", [(h.get("time") or "-", h.get("status") or "-", h.get("reason") or "") for h in
                      record["approval_history"]] or [(record["created"] or "-", record["status"] or "-",
                                                       record["approval_description"] or "")],
         ("time", "status", "reason")),
        ("Quality metrics", [(k, _num(v)) for k, v in record["quality_metrics"].items()] or
         ["No model quality statistics."], ("metric", "value")),
        ("Bias metrics", [(r["stage"], f"{r['facet']}={r['facet_value']}", r["metric"], _num(r["value"]),
                           r["note"] or "") for r in record["bias_metrics"]] or ["No bias reports."],
         ("stage", "facet", "metric", "value", "note")),
        ("Explainability (top features)", [(f["feature"], _num(f["mean_abs_shap"])) for f in record["top_features"]]
         or ["No explainability report."], ("feature", "mean abs SHAP")),
        ("Data quality", ([(f["name"], f["type"], _num(f["missing"]), f["summary"]) for f in dq["features"]]
                          if dq else ["No data quality statistics."]), ("feature", "type", "missing", "summary")),
        ("Lineage", [(k, ", ".join(v) if isinstance(v, list) else _num(v)) for k, v in (
            ("pipeline", lin.get("pipeline")), ("execution", lin.get("execution_arn")),
            ("git commit", lin.get("git_commit")), ("definition sha256", lin.get("definition_sha256")),
            ("input data", lin.get("input_data") or []), ("training job", lin.get("training_job")))],
         ("what", "value")),
        ("Drift baselines", [(k, v) for k, v in record["drift_baselines"].items()] or ["No drift baselines."],
         ("baseline", "S3 URI")),
    ]


def _title(record: dict) -> str:
    return f"{record['group']} version {record['version']}: {record['status']}"


def render_markdown(record: dict) -> str:
    out = [f"# {_title(record)}", "", f"ARN: `{record['arn']}`  ", f"Created: {record['created']}", ""]
    for title, rows, columns in sections(record):
        out += [f"## {title}", ""]
        if rows and isinstance(rows[0], tuple):
            out.append("| " + " | ".join(columns) + " |")
            out.append("|" + "---|" * len(columns))
            out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
        else:
            out += [f"- {line}" if title == "Model card" and i else line for i, line in enumerate(rows)]
        out.append("")
    return "\n".join(out)


def render_html(record: dict) -> str:
    e = html.escape
    out = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\">", f"<title>{e(_title(record))}</title>",
           "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}"
           "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}</style></head><body>",
           f"<h1>{e(_title(record))}</h1>", f"<p>ARN: <code>{e(str(record['arn']))}</code><br>"
           f"Created: {e(str(record['created']))}</p>"]
    for title, rows, columns in sections(record):
        out.append(f"<h2>{e(title)}</h2>")
        if rows and isinstance(rows[0], tuple):
            out.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in columns) + "</tr>")
            out += ["<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in rows]
            out.append("</table>")
        else:
            out.append("<ul>" + "".join(f"<li>{e(str(line))}</li>" for line in rows) + "</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render_json(record: dict) -> str:
    return json.dumps(record, indent=2, sort_keys=True, default=str) + "\n"


RENDERERS = {"markdown": render_markdown, "html": render_html, "json": render_json}


# ------------------------------------------------------------------ history and the live version

def live_version(versions: list) -> int | None:
    """The live version: the latest Approved one (newest creation; the higher version on a tie)."""
    approved = [v for v in versions if v.get("status") == "Approved"]
    return max(approved, key=lambda v: (str(v.get("created") or ""), v["version"]))["version"] if approved else None


def history_rows(versions: list, metric: str | None = None) -> tuple[list, list, str | None]:
    """Versions oldest first as table rows: (columns, rows, error). `metric` picks one metric."""
    versions = sorted(versions, key=lambda v: v["version"])
    names = sorted({k for v in versions for k in v.get("metrics") or {}})
    if metric is not None and metric not in names:
        return [], [], f"no version has a metric '{metric}'" + (f" (metrics: {', '.join(names)})" if names else "")
    shown = [metric] if metric else names
    live = live_version(versions)
    rows = [[str(v["version"]), (v.get("created") or "")[:19].replace("T", " "),
             (v.get("status") or "") + (" (live)" if v["version"] == live else ""),
             *[_num((v.get("metrics") or {}).get(m)) for m in shown]] for v in versions]
    return ["version", "created", "status", *shown], rows, None


def plot_history(versions: list, metrics: list, path: str) -> str | None:
    """A line per metric over the versions, to PNG or SVG. Returns an error (matplotlib missing) or None."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return ("--plot needs matplotlib, which mlpc installs with its 'plot' extra: "
                "pip install 'mlpc-sagemaker[plot]'")
    versions = sorted(versions, key=lambda v: v["version"])
    fig, ax = plt.subplots(figsize=(7, 4))
    for m in metrics:
        points = [(v["version"], (v.get("metrics") or {}).get(m)) for v in versions]
        points = [(x, y) for x, y in points if isinstance(y, (int, float))]
        if points:
            ax.plot([x for x, _ in points], [y for _, y in points], marker="o", label=m)
    ax.set_xlabel("version")
    ax.set_ylabel("value")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format=path.rsplit(".", 1)[-1].lower())
    plt.close(fig)
    return None


def rollback_plan(versions: list, to: int | None = None, was_approved: set | None = None) -> tuple[dict | None, str | None]:
    """What `mlpc models rollback` changes: {"live", "target", "reject": [versions]} or an error.

    The target (default: the newest version approved before the live one, i.e. still Approved or
    approved at some time per `was_approved`) is re-approved; the live version and any other
    Approved version newer than the target are rejected, so the target becomes the live version.
    """
    by_version = {v["version"]: v for v in versions}
    live = live_version(versions)
    if live is None:
        return None, "no live version: no version in the group is Approved (nothing to roll back from)"
    key = lambda v: (str(v.get("created") or ""), v["version"])  # noqa: E731
    if to is None:
        older = [v for v in versions if key(v) < key(by_version[live])
                 and (v.get("status") == "Approved" or v["version"] in (was_approved or set()))]
        if not older:
            return None, f"no version was approved before the live version {live}: give one with --to"
        to = max(older, key=key)["version"]
    if to not in by_version:
        return None, f"no version {to} (versions: {', '.join(str(v) for v in sorted(by_version))})"
    if to == live:
        return None, f"version {to} is already the live version"
    reject = sorted(v["version"] for v in versions if v.get("status") == "Approved" and key(v) > key(by_version[to]))
    return {"live": live, "target": to, "reject": reject}, None
