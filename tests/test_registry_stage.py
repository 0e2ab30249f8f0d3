"""The build's registry stage: date-dependent warnings and a summary note, no files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from campaign.kit import Kit
from campaign.loader import load
from campaign.registry.stage import write

ROOT = Path(__file__).resolve().parents[1]

REAL = """\
politicians:
  - id: eva
    name: Eva Real
    roles:
      - {body: socialnämnden, title: ordförande, kommun: "0380"}
    handles:
      mastodon: eva@mastodon.social
    verified: 2026-01-01
"""


def test_stage_reports_on_the_default_campaign(tmp_path: Path) -> None:
    kit = Kit(load(ROOT).campaign, dt.datetime(2026, 2, 4, 9, 0, tzinfo=dt.UTC))
    write(kit, tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert kit.notes == [
        "registry: 4 politicians (4 examples); 'socialnämnden: ordförande, vice ordförande' registered in 3 of 290 kommuner; "
        "4 named instead of tagged on some platform"
    ]
    assert kit.warnings == []  # examples lack X handles by design; only real entries are warned about


def test_stage_warns_about_real_politicians_named_for_lack_of_a_handle(tmp_path: Path) -> None:
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "campaign.yaml").write_text(
        "campaign: {name: T, organisation: O, launch_date: 2026-02-04, tag: ['socialnämnden: ordförande']}\n"
        "messages:\n  - {id: m, kind: short, text: Hej}\n",
        encoding="utf-8",
    )
    (tmp_path / "messages" / "politicians.yaml").write_text(REAL, encoding="utf-8")
    # 23:30 UTC on 31 Dec 2026 is already 2027 in Stockholm: the role has no end, verified 2026-01-01 is within a year
    kit = Kit(load(tmp_path).campaign, dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC))
    write(kit, tmp_path / "staging")
    assert [w.format() for w in kit.warnings] == [
        "messages/politicians.yaml:7:7: warning: politicians[0].handles: eva: no handle on x, bluesky, threads, instagram; "
        "posts there name Eva Real instead of tagging"
    ]
    kit = Kit(load(tmp_path).campaign, dt.datetime(2027, 1, 2, 12, 0, tzinfo=dt.UTC))
    write(kit, tmp_path / "staging")
    assert [w.message for w in kit.warnings][1] == (
        "eva: last verified 2026-01-01, more than a year before 2027-01-02; check the roles and handles again"
    )
