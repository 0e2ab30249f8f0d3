"""Politicians for the composer's tests, written in the campaign format and
resolved by the real registry (``campaign.registry``): Uppsala's and
Stockholm's social-committee chairs have handles on every mention platform,
their vice chairs none (so posts name them). The areas are the registry's own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from campaign.model import NATIONAL, Area
from campaign.registry import kommun, lan

POLITICIANS = """\
politicians:
  - id: 0380-chair
    name: Anna Andersson
    roles: [{body: socialnämnden, title: ordförande, kommun: "0380"}]
    handles:
      x: anna_uppsala
      bluesky: {handle: anna.uppsala.example, id: "did:web:anna.uppsala.example"}
      mastodon: anna@social.uppsala.example
      threads: anna.uppsala
      instagram: anna.uppsala
    source: https://www.example.org/uppsala/socialnamnden
    verified: 2026-01-01
  - id: 0380-vice
    name: Bo Berg
    roles: [{body: socialnämnden, title: vice ordförande, kommun: "0380"}]
    source: https://www.example.org/uppsala/socialnamnden
    verified: 2026-01-01
  - id: 0180-chair
    name: Karin Ek
    roles: [{body: socialnämnden, title: ordförande, kommun: "0180"}]
    handles:
      x: karin_stockholm
      bluesky: {handle: karin.stockholm.example, id: "did:web:karin.stockholm.example"}
      mastodon: karin@social.stockholm.example
      threads: karin.stockholm
      instagram: karin.stockholm
    source: https://www.example.org/stockholm/socialnamnden
    verified: 2026-01-01
  - id: 0180-vice
    name: Bo Berg
    roles: [{body: socialnämnden, title: vice ordförande, kommun: "0180"}]
    source: https://www.example.org/stockholm/socialnamnden
    verified: 2026-01-01
"""

KOMMUNER = ("0114", "0180", "0305", "0319", "0330", "0380", "0381")  # in Stockholms and Uppsala län


def areas() -> list[Area]:
    """The country, Stockholms and Uppsala län and seven of their kommuner, as the registry has them."""
    return [NATIONAL, lan("01"), lan("03"), *(kommun(code) for code in KOMMUNER)]


def tag_politicians(root: Path) -> Path:
    """Give the campaign in ``root`` these politicians (replacing its own)."""
    (root / "messages" / "politicians.yaml").write_text(POLITICIANS, encoding="utf-8")
    return root


def tagged_copy(source: Path, target: Path) -> Path:
    """A copy of the campaign in ``source`` (messages/ and assets/) with these politicians."""
    for name in ("messages", "assets"):
        shutil.copytree(source / name, target / name)
    return tag_politicians(target)
