"""Automatic spread: put entries without a time into good slots.

Good slots are on the allowed weekdays, between ``from`` and ``until`` local
time, at least ``min_gap_minutes`` from any other post on the same account, and
never more posts a day on a platform than its cap (X's free tier allows about
17). Placement is deterministic and spreads: the entries, in plan order, are
given days evenly across the allowed days (the k-th of n entries aims at day
k·d/n of d), and each takes the earliest slot that fits on or after its day
(wrapping round to earlier days when the later ones are full).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from campaign.publish.when import local_to_utc, parse_day

STEP = dt.timedelta(minutes=15)  # candidate slots every quarter hour
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Taken = tuple[dt.datetime, tuple[str, ...], tuple[str, ...]]  # (UTC time, accounts, platforms)


@dataclass(frozen=True)
class Spread:
    start: dt.date
    days: int
    weekdays: frozenset[int]
    start_time: dt.time
    end_time: dt.time
    gap: dt.timedelta
    caps: dict[str, int]
    zone: str

    @staticmethod
    def zone_of(name: str) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(name)

    @classmethod
    def from_section(cls, data: dict[str, Any], launch: dt.date, zone: str) -> Spread:
        return cls(
            start=parse_day(data["start"], launch),
            days=data["days"],
            weekdays=frozenset(WEEKDAYS.index(d) for d in data["weekdays"]),
            start_time=dt.time.fromisoformat(data["from"]),
            end_time=dt.time.fromisoformat(data["until"]),
            gap=dt.timedelta(minutes=data["min_gap_minutes"]),
            caps=dict(data["daily_caps"]),
            zone=zone,
        )

    def slots(self) -> list[dt.datetime]:
        """Every candidate time (UTC), in order."""
        out: list[dt.datetime] = []
        for n in range(self.days):
            day = self.start + dt.timedelta(days=n)
            if day.weekday() not in self.weekdays:
                continue
            moment = dt.datetime.combine(day, self.start_time)
            while moment.time() <= self.end_time and moment.date() == day:
                with contextlib.suppress(ValueError):  # a skipped or repeated hour is never a good slot
                    out.append(local_to_utc(moment, self.zone))
                moment += STEP
        return out


def place(
    rule: Spread, taken: Sequence[Taken], wanted: Sequence[tuple[tuple[str, ...], tuple[str, ...]]]
) -> list[dt.datetime | None]:
    """A time for each wanted (accounts, platforms), or None where nothing fits."""
    zone = zoneinfo.ZoneInfo(rule.zone)
    booked = list(taken)
    result: list[dt.datetime | None] = []
    slots = rule.slots()
    days = sorted({s.astimezone(zone).date() for s in slots})
    for k, (accounts, platforms) in enumerate(wanted):
        aim = days[k * len(days) // len(wanted)] if days else None
        ordered = (
            [s for s in slots if s.astimezone(zone).date() >= aim] + [s for s in slots if s.astimezone(zone).date() < aim]
            if aim
            else slots
        )
        choice = next((s for s in ordered if _fits(rule, zone, booked, s, accounts, platforms)), None)
        result.append(choice)
        if choice is not None:
            booked.append((choice, accounts, platforms))
    return result


def _fits(
    rule: Spread,
    zone: zoneinfo.ZoneInfo,
    booked: list[Taken],
    slot: dt.datetime,
    accounts: tuple[str, ...],
    platforms: tuple[str, ...],
) -> bool:
    """Whether ``slot`` keeps the gap to every post on the same accounts and every account under its platform's daily cap."""
    gap = max(rule.gap, dt.timedelta(minutes=1))
    if any(set(accounts) & set(theirs) and abs(when - slot) < gap for when, theirs, _ in booked):
        return False
    day = slot.astimezone(zone).date()
    for account, platform in zip(accounts, platforms, strict=False):
        cap = rule.caps.get(platform)  # the cap is per account on the platform (X counts per user)
        if cap is not None and _posts_on(booked, account, day, zone) >= cap:
            return False
    return True


def _posts_on(booked: list[Taken], account: str, day: dt.date, zone: zoneinfo.ZoneInfo) -> int:
    """How many booked posts ``account`` has on the local ``day``."""
    return sum(accounts.count(account) for when, accounts, _ in booked if when.astimezone(zone).date() == day)
