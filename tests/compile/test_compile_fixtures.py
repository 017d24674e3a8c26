"""Data-driven compiler diagnostics, cfn-lint style.

Every `fixtures/bad/NAME.yaml` has a sidecar `NAME.expected` listing, in order, every
diagnostic the CLI must print for it, the way the CLI prints them (minus `FILE:`):

    12:21: type mismatch: parameter of type Float [A001]  <- LINE:COL: substring of the message [CODE]
        hint: InstanceCount expects an integer            <- optional: substring of that diagnostic's hint
    1: more than 100 alias expansions [E006]              <- LINE only, where a column means nothing

The code is required and must be the one printed (and so in the catalogue, mlpc.catalogue).

`# xfail: reason` marks a known bug owned by another module (strict: it must still fail).
Every `fixtures/good/*.yaml` must validate and compile cleanly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mlpc.catalogue import CATALOGUE


HERE = Path(__file__).parent
BAD = sorted((HERE / "fixtures" / "bad").glob("*.yaml"))
GOOD = sorted((HERE / "fixtures" / "good").glob("*.yaml"))

_EXPECT = re.compile(r"^(\d+)(?::(\d+))?: (.+) \[([A-Z]{1,2}\d{3})\]$")


@dataclass
class Expected:
    line: int
    col: int | None
    message: str
    code: str
    hint: str | None = None


@dataclass
class Printed:
    line: int
    col: int
    message: str
    code: str
    hints: list = field(default_factory=list)


def read_expected(path: Path) -> tuple[list[Expected], str | None]:
    out, xfail = [], None
    for raw in path.read_text("utf-8").splitlines():
        if raw.startswith("# xfail:"):
            xfail = raw.split(":", 1)[1].strip()
        if not raw.strip() or raw.startswith("#"):
            continue
        if raw.startswith("    hint: "):
            assert out and out[-1].hint is None, f"{path.name}: a hint line must follow a diagnostic line"
            out[-1].hint = raw[len("    hint: "):]
            continue
        m = _EXPECT.match(raw)
        assert m, f"{path.name}: cannot parse expectation {raw!r} (LINE[:COL]: message [CODE])"
        out.append(Expected(int(m.group(1)), int(m.group(2)) if m.group(2) else None, m.group(3), m.group(4)))
    assert out, f"{path.name}: no expectations"
    return out, xfail


def parse_stderr(text: str, file: str) -> list[Printed]:
    """Every line is `FILE:LINE:COL: message [CODE]`, an indented hint, or the final count."""
    lines = text.splitlines()
    assert lines, "no diagnostics printed"
    count = lines[-1]
    counted = re.fullmatch(r"(\d+) errors?(?:, (\d+) warnings?)?", count)
    assert counted, f"last line should count the errors (and warnings): {count!r}"
    head = re.compile(re.escape(file) + r":(\d+):(\d+): (.+) \[([A-Z]{1,2}\d{3})\]$")
    out: list[Printed] = []
    for line in lines[:-1]:
        if line.startswith("    hint: "):
            assert out, "a hint before any diagnostic"
            out[-1].hints.append(line[len("    hint: "):])
            continue
        m = head.match(line)
        assert m, f"not FILE:LINE:COL: message [CODE]: {line!r}"
        out.append(Printed(int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)))
    warnings = sum(1 for p in out if p.message.startswith("warning: "))
    assert (int(counted.group(1)), int(counted.group(2) or 0)) == (len(out) - warnings, warnings)
    return out


def assert_clean_exit(res) -> None:
    """Exit through typer.Exit, not a crash: CliRunner turns a crash into exit code 1 plus `exception`."""
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output


def _params():
    for path in BAD:
        exp = path.with_suffix(".expected")
        marks = []
        if exp.exists() and "# xfail:" in exp.read_text("utf-8"):
            reason = read_expected(exp)[1]
            marks.append(pytest.mark.xfail(reason=reason, strict=True))
        yield pytest.param(path, id=path.stem, marks=marks)


def test_enough_distinct_bad_inputs():
    assert len(BAD) >= 45
    assert all(p.with_suffix(".expected").exists() for p in BAD), "every bad fixture needs its .expected"
    texts = {p.read_bytes() for p in BAD}
    assert len(texts) == len(BAD), "bad fixtures must be distinct"


@pytest.mark.parametrize("path", list(_params()))
def test_bad_fixture(cli, path: Path, tmp_path: Path):
    expected, _ = read_expected(path.with_suffix(".expected"))
    file = str(path)

    res = cli("validate", file)
    assert res.exit_code == 1, res.output
    assert_clean_exit(res)
    printed = parse_stderr(res.stderr, file)
    got = [f"{p.line}:{p.col}: {p.message}" for p in printed]
    assert len(printed) == len(expected), "diagnostics differ:\n" + "\n".join(got)
    for exp, p in zip(expected, printed):
        where = f"{path.name}: expected {exp.line}:{exp.col}: {exp.message!r}; got {p.line}:{p.col}: {p.message!r}"
        assert exp.message in p.message, where
        assert p.code == exp.code, f"{where}; code {p.code}, expected {exp.code}"
        assert p.code in CATALOGUE, f"{p.code} is not in mlpc.catalogue"
        assert p.line == exp.line, where
        if exp.col is not None:
            assert p.col == exp.col, where
        if exp.hint is not None:
            assert any(exp.hint in h for h in p.hints), f"{where}; hints {p.hints}"
    assert [(p.line, p.col) for p in printed] == sorted((p.line, p.col) for p in printed), "ordered by position"

    out, manifest = tmp_path / "build" / "definition.json", tmp_path / "build" / "manifest.json"
    res2 = cli("compile", file, "-o", str(out), "--manifest", str(manifest))
    assert res2.exit_code == 1
    assert_clean_exit(res2)
    assert not out.parent.exists(), "nothing may be written when compile fails"
    assert res2.stdout == ""
    assert [f"{p.line}:{p.col}: {p.message}" for p in parse_stderr(res2.stderr, file)] == got


@pytest.mark.parametrize("path", GOOD, ids=[p.stem for p in GOOD])
def test_good_fixture(cli, path: Path, tmp_path: Path):
    res = cli("validate", str(path))
    assert res.exit_code == 0, res.output
    assert f"{path}: ok" in res.stdout and res.stderr == ""

    first = cli("compile", str(path))
    second = cli("compile", str(path))
    assert first.exit_code == 0 and second.exit_code == 0, first.output
    assert first.stdout == second.stdout, "compiling twice must give byte-identical output"
    definition = json.loads(first.stdout)
    assert definition["Version"] == "2020-12-01" and definition["Steps"]
