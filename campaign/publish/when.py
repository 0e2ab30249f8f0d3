"""Times in a plan: local wall-clock times in the campaign's zone, stored as UTC.

A plan says "day 1 09:00" (day 1 is the launch date, day 2 the day after, day 0
the day before) or "2026-02-04 09:00". Local times that do not exist (the hour
skipped when summer time starts) or happen twice (the hour repeated when it
ends) are refused rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

UTC = dt.UTC
_DAY = re.compile(r"day\s+(-?\d{1,3})\s+(\d{1,2}):(\d{2})")
_ABSOLUTE = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")
FORMS = "'day N HH:MM' (day 1 is the launch date) or 'YYYY-MM-DD HH:MM'"


def local_to_utc(local: dt.datetime, zone: str) -> dt.datetime:
    """A naive local time in ``zone`` as aware UTC; ValueError if it is skipped or ambiguous."""
    tz = zoneinfo.ZoneInfo(zone)
    first = local.replace(tzinfo=tz, fold=0)
    second = local.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if back != local:
            raise ValueError(f"{local:%Y-%m-%d %H:%M} does not exist in {zone} (the clocks skip that hour); pick another time")
        raise ValueError(f"{local:%Y-%m-%d %H:%M} happens twice in {zone} (the clocks go back); pick another time")
    return first.astimezone(UTC)


def parse_when(value: object, launch: dt.date, zone: str) -> dt.datetime:
    """A plan time (text, or a datetime YAML already parsed) as aware UTC."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC)
        return local_to_utc(value, zone)
    if not isinstance(value, str):
        raise ValueError(f"expected a time as {FORMS}, got {value!r}")
    text = value.strip()
    if m := _DAY.fullmatch(text):
        day = launch + dt.timedelta(days=int(m.group(1)) - 1)
        return local_to_utc(_at(day, int(m.group(2)), int(m.group(3)), 0, value), zone)
    if m := _ABSOLUTE.fullmatch(text):
        try:
            day = dt.date.fromisoformat(m.group(1))
        except ValueError:
            raise ValueError(f"{m.group(1)!r} is not a date") from None
        return local_to_utc(_at(day, int(m.group(2)), int(m.group(3)), int(m.group(4) or 0), value), zone)
    raise ValueError(f"expected a time as {FORMS}, got {value!r}")


def _at(day: dt.date, hour: int, minute: int, second: int, original: object) -> dt.datetime:
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"{original!r} is not a time of day (hours 00-23, minutes 00-59)")
    return dt.datetime(day.year, day.month, day.day, hour, minute, second)


def parse_now(value: str, launch: dt.date, zone: str) -> dt.datetime:
    """``--now``: an ISO time with an offset (or Z), or a plan time in the campaign's zone."""
    text = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return parse_when(text, launch, zone)
    return parsed.astimezone(UTC) if parsed.tzinfo else local_to_utc(parsed, zone)


def show(moment: dt.datetime, zone: str) -> str:
    """A UTC time as the campaign's local wall-clock time, e.g. '2026-02-04 09:00'."""
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def to_db(moment: dt.datetime) -> str:
    """UTC as sortable text for SQLite: '2026-02-04T08:00:00Z'."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_db(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def parse_day(value: str, launch: dt.date) -> dt.date:
    """'day N' (day 1 is the launch date) or 'YYYY-MM-DD' as a date."""
    text = value.strip()
    if m := re.fullmatch(r"day\s+(-?\d{1,3})", text):
        return launch + dt.timedelta(days=int(m.group(1)) - 1)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a day as 'day N' (day 1 is the launch date) or YYYY-MM-DD, got {value!r}") from None
