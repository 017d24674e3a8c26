"""EventBridge Scheduler's expression grammar (user guide, "Schedule types"), checked at compile time."""

import pytest

from mlpc.schedule_expr import check_expression, check_timezone

ACCEPTED = [
    "cron(0 3 ? * MON *)", "cron(0/15 8-18 ? JAN-MAR MON-FRI,SUN 2026)", "cron(0 9 15W * ? *)",
    "cron(0 9 L * ? *)", "cron(0 9 ? * 6L *)", "cron(0 9 ? * 3#2 *)", "cron(*/5 * * * ? *)",
    "cron(0 12 1,15 * ? 2026-2030)", "rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(30 days)",
    "at(2026-12-24T18:00:00)", "at(2028-02-29T00:00:00)",
]
REJECTED = [
    ("cron(0 3 * * MON)", "6 fields"), ("cron(0 3 ? * MON * *)", "6 fields"),
    ("cron(60 3 ? * MON *)", "minutes"), ("cron(0 24 ? * MON *)", "hours"), ("cron(0 3 32 * ? *)", "day-of-month"),
    ("cron(0 3 ? 13 MON *)", "month"), ("cron(0 3 ? * 8 *)", "day-of-week"), ("cron(0 3 ? * FUNDAY *)", "day-of-week"),
    ("cron(0 3 ? * MON 1969)", "year"), ("cron(0 3 ? * ? *)", "must be '?'"), ("cron(0 3 * * * *)", "one must be '?'"),
    ("cron(0 3 ? * 3#6 *)", "day-of-week"), ("cron(0/0 3 ? * MON *)", "minutes"), ("cron(? 3 1 * ? *)", "'?'"),
    ("rate(0 days)", "at least 1"), ("rate(2 weeks)", "not a rate"), ("rate(1.5 hours)", "not a rate"),
    ("rate(5)", "not a rate"), ("at(2026-02-30T10:00:00)", "real date"), ("at(2026-12-24 18:00)", "one-time"),
    ("at(2026-12-24T25:00:00)", "real date"), ("every(5 minutes)", "not a schedule expression"),
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_expressions_eventbridge_accepts_pass(text):
    assert check_expression(text) == (None, None)


@pytest.mark.parametrize("text, fragment", REJECTED)
def test_expressions_eventbridge_rejects_are_errors(text, fragment):
    err, hint = check_expression(text)
    assert err is not None and fragment in err and hint


@pytest.mark.parametrize("name, ok", [("UTC", True), ("Europe/Berlin", True), ("America/Argentina/Buenos_Aires", True),
                                      ("Etc/GMT+5", True), ("Europe/Berlinn", False), ("CEST+1", False),
                                      ("/etc/localtime", False), ("../UTC", False), ("", False)])
def test_timezones_are_iana_names(name, ok):
    assert (check_timezone(name) is None) is ok
