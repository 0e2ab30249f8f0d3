"""Export rules that the schedulers' importers enforce, and iCalendar's line format."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.loader import load
from campaign.publish.export import MAX_ROWS, ExportError, _fold, export
from campaign.publish.model import Part, Planned

ROOT = Path(__file__).resolve().parents[1]
UTC = dt.UTC


def rows(*minutes: int, account: str = "x-riks") -> list[Planned]:
    base = dt.datetime(2026, 2, 4, 8, 0, tzinfo=UTC)
    return [
        Planned(
            f"e{i}@{account}",
            f"e{i}",
            "resurser",
            account,
            "x",
            base + dt.timedelta(minutes=m),
            (Part(f"Text {i}, med komma; och semikolon"),),
        )
        for i, m in enumerate(minutes)
    ]


@pytest.fixture(scope="module")
def campaign():
    return load(ROOT).campaign


def test_sprout_wants_ten_minutes_between_posts(campaign) -> None:
    assert export("sprout", campaign, rows(0, 10), dt.datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(
        ExportError, match=r"^Sprout Social needs posts at least 10 minutes apart; e1@x-riks is at 2026-02-04 09:09$"
    ):
        export("sprout", campaign, rows(0, 9), dt.datetime(2026, 1, 1, tzinfo=UTC))


def test_hootsuite_wants_minutes_ending_in_0_or_5_and_no_header(campaign) -> None:
    files = export("hootsuite", campaign, rows(0, 5), dt.datetime(2026, 1, 1, tzinfo=UTC))
    assert files == {
        "hootsuite-x-riks.csv": '02/04/2026 09:00,"Text 0, med komma; och semikolon",\r\n02/04/2026 09:05,"Text 1, med komma; och semikolon",\r\n'
    }
    with pytest.raises(ExportError, match="Hootsuite takes times ending in 0 or 5 minutes; e0@x-riks is at 09:03"):
        export("hootsuite", campaign, rows(3), dt.datetime(2026, 1, 1, tzinfo=UTC))


def test_at_most_350_posts_per_import(campaign) -> None:
    with pytest.raises(ExportError, match=f"^{MAX_ROWS + 1} posts for x-riks; generic imports at most 350 at a time"):
        export("generic", campaign, rows(*range(0, 10 * (MAX_ROWS + 1), 10)), dt.datetime(2026, 1, 1, tzinfo=UTC))


def test_ics_escapes_text_and_uses_utc(campaign) -> None:
    ics = export("ics", campaign, rows(0), dt.datetime(2026, 1, 1, tzinfo=UTC))["plan.ics"]
    assert "DTSTART:20260204T080000Z\r\n" in ics and "DTSTAMP:20260101T000000Z\r\n" in ics
    assert "DESCRIPTION:[x-riks]\\nText 0\\, med komma\\; och semikolon\r\n" in ics
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=400))
def test_folded_lines_are_short_and_unfold_to_the_original(text: str) -> None:
    line = "DESCRIPTION:" + text
    folded = _fold(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
