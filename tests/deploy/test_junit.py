"""mlpc validate --format junit: one test case per file, its errors as the failure (a CodeBuild report)."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from deploy_support import cli, edit


def test_validate_junit_reports_each_file_and_its_errors(project):
    good = cli("validate", project, "--format", "junit")
    assert good.exit_code == 0, good.output
    suite = ET.fromstring(good.stdout).find("testsuite")
    assert suite.get("tests") == "1" and suite.get("failures") == "0"
    edit(project, "${params.Rounds}", "${params.Roundz}")
    bad = cli("validate", project, "--format", "junit")
    assert bad.exit_code == 1
    case = ET.fromstring(bad.stdout).find("testsuite/testcase")
    assert case.get("name") == str(project)
    failure = case.find("failure")
    assert failure is not None and "unknown parameter 'Roundz'" in failure.text and f"{project}:" in failure.text
