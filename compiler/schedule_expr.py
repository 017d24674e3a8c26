"""EventBridge Scheduler's schedule expressions and time zones, checked at compile time.

So a bad `schedules:` entry is a FILE:LINE:COL error from `mlpc validate`, not a
ValidationException from CreateSchedule after `upsert` already changed the pipeline.
The grammar follows the EventBridge Scheduler user guide, "Schedule types"
(docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html):

- cron(minutes hours day-of-month month day-of-week year): six fields; one of
  day-of-month / day-of-week must be `?`; L, W and # where that page allows them.
- rate(value unit): a positive integer; minute(s), hour(s) or day(s).
- at(yyyy-mm-ddThh:mm:ss): a real date and time, in the schedule's time zone.
- ScheduleExpressionTimezone: an IANA time zone name (zoneinfo's database).

Each check returns an error message, or None.
"""

from __future__ import annotations

import re
from datetime import datetime

MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}
DAYS = {d: i for i, d in enumerate("SUN MON TUE WED THU FRI SAT".split(), 1)}

# name, low, high, names, extra forms allowed besides numbers/ranges/steps/'*'
CRON_FIELDS = (
    ("minutes", 0, 59, {}, ()),
    ("hours", 0, 23, {}, ()),
    ("day-of-month", 1, 31, {}, ("?", "L", "W")),
    ("month", 1, 12, MONTHS, ()),
    ("day-of-week", 1, 7, DAYS, ("?", "L", "#")),
    ("year", 1970, 2199, {}, ()),
)
RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
AT = re.compile(r"at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)")
TZ_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*")

CRON_HINT = ("six fields: cron(minutes hours day-of-month month day-of-week year), "
             "with '?' in day-of-month or day-of-week, e.g. cron(0 3 ? * MON *)")


def check_expression(text: str) -> tuple[str | None, str | None]:
    """(error, hint) for a schedule expression; (None, None) when EventBridge Scheduler accepts it."""
    if text.startswith("cron(") and text.endswith(")"):
        err = _check_cron(text[5:-1])
        return (err, CRON_HINT) if err else (None, None)
    if text.startswith("rate("):
        m = RATE.fullmatch(text)
        if not m:
            return (f"'{text}' is not a rate expression",
                    "rate(VALUE UNIT) with a whole number and minute(s), hour(s) or day(s), e.g. rate(12 hours)")
        if int(m.group(1)) < 1:
            return f"'{text}': the rate must be at least 1", "e.g. rate(1 day)"
        return None, None
    if text.startswith("at("):
        m = AT.fullmatch(text)
        if not m:
            return f"'{text}' is not a one-time expression", "at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-12-24T18:00:00)"
        try:
            datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
        except ValueError as exc:
            return f"'{text}' is not a real date and time ({exc})", "e.g. at(2026-12-24T18:00:00)"
        return None, None
    return f"'{text}' is not a schedule expression", "cron(...), rate(...) or at(...)"


def check_timezone(name: str) -> str | None:
    """An error message unless NAME is an IANA time zone (e.g. Europe/Berlin)."""
    if not TZ_NAME.fullmatch(name):
        return f"'{name}' is not an IANA time zone name"
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return f"'{name}' is not an IANA time zone"
    return None


def _check_cron(body: str) -> str | None:
    fields = body.split()
    if len(fields) != 6:
        return f"cron expressions have 6 fields, this one has {len(fields)} ('{body}')"
    for value, spec in zip(fields, CRON_FIELDS):
        err = _check_field(value, *spec)
        if err:
            return err
    dom, dow = fields[2], fields[4]
    if (dom == "?") == (dow == "?"):
        return (f"exactly one of day-of-month ('{dom}') and day-of-week ('{dow}') must be '?'"
                if dom == "?" else f"day-of-month ('{dom}') and day-of-week ('{dow}') are both set: one must be '?'")
    return None


def _check_field(value: str, name: str, low: int, high: int, names: dict, extra: tuple) -> str | None:
    if value == "?":
        return None if "?" in extra else f"'?' is not allowed in the {name} field"
    for item in value.split(","):
        if not _item_ok(item, low, high, names, extra):
            allowed = f"{low}-{high}" + (f" or {next(iter(names))}-{list(names)[-1]}" if names else "")
            return f"'{item}' is not a valid {name} value (allowed: {allowed}, *, ranges a-b, steps /n" + \
                   (", " + " ".join(x for x in extra if x != "?") if len(extra) > 1 else "") + ")"
    return None


def _number(text: str, low: int, high: int, names: dict) -> bool:
    if text.upper() in names:
        return True
    return text.isdigit() and low <= int(text) <= high


def _item_ok(item: str, low: int, high: int, names: dict, extra: tuple) -> bool:
    if "L" in extra and item == "L":
        return True
    if "W" in extra and (item == "LW" or (item.endswith("W") and _number(item[:-1], low, high, {}))):
        return True  # day-of-month: the weekday nearest to a day, e.g. 15W
    if "L" in extra and "#" in extra and item.endswith("L") and _number(item[:-1], low, high, names):
        return True  # day-of-week: the last such weekday of the month, e.g. 6L
    if "#" in extra and "#" in item:
        day, _, nth = item.partition("#")
        return _number(day, low, high, names) and nth.isdigit() and 1 <= int(nth) <= 5
    base, slash, step = item.partition("/")
    if slash and not (step.isdigit() and int(step) >= 1):
        return False
    if base == "*":
        return True
    start, dash, end = base.partition("-")
    if dash:
        return _number(start, low, high, names) and _number(end, low, high, names)
    return _number(base, low, high, names)
