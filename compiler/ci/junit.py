"""`mlpc validate --format junit`: one test case per file, its errors as the failure, so CodeBuild
(and any CI that reads JUnit XML) shows them as a report. Pure: data in, text out."""

from __future__ import annotations

from xml.etree import ElementTree as ET


def _line(d: dict) -> str:
    where = f"{d['file']}:{d['line']}:{d['column']}: " if "file" in d else ""
    return f"{where}{d['message']} [{d['code']}]" + (f"\n    hint: {d['hint']}" if d.get("hint") else "")


def validate_junit(results: list) -> str:
    """results: what `mlpc validate --format json` prints ({file, ok, diagnostics})."""
    failures = sum(1 for r in results if not r["ok"])
    root = ET.Element("testsuites", name="mlpc validate", tests=str(len(results)), failures=str(failures))
    suite = ET.SubElement(root, "testsuite", name="mlpc validate", tests=str(len(results)), failures=str(failures))
    for r in results:
        case = ET.SubElement(suite, "testcase", classname="mlpc.validate", name=r["file"])
        errors = [d for d in r["diagnostics"] if d.get("severity", "error") == "error"]
        warnings = [d for d in r["diagnostics"] if d.get("severity") == "warning"]
        if errors:
            failure = ET.SubElement(case, "failure", type="mlpc", message=f"{len(errors)} error(s): {errors[0]['message']}")
            failure.text = "\n".join(_line(d) for d in errors)
        if warnings:
            ET.SubElement(case, "system-out").text = "\n".join("warning: " + _line(d) for d in warnings)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
