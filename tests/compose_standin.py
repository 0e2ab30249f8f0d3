"""A small stand-in for the registry's contract, used only by the composer's tests.

The real registry (``campaign.registry``: ``areas()``, ``resolve_tags()``,
``find()``) is built in parallel; these tests install this stand-in on the
module with ``monkeypatch`` so that they pin the composer's side of the
contract: ``resolve_tags(campaign, area, platform, rules) -> Tagging`` with
``.mentions: tuple[Mention, ...]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from campaign.errors import NotFound
from campaign.model import NATIONAL, Area, Mention

LANS = {"01": "Stockholms län", "03": "Uppsala län"}
KOMMUNER = {
    "0114": "Upplands Väsby",
    "0180": "Stockholm",
    "0305": "Håbo",
    "0319": "Älvkarleby",
    "0330": "Knivsta",
    "0380": "Uppsala",
    "0381": "Enköping",
}


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-").replace("ä", "a").replace("å", "a").replace("ö", "o")


def lan(code: str) -> Area:
    return Area("lan", code, LANS[code], code, LANS[code], _slug(LANS[code]))


def kommun(code: str) -> Area:
    return Area("kommun", code, KOMMUNER[code], code[:2], LANS[code[:2]], _slug(KOMMUNER[code]))


def areas() -> list[Area]:
    return [NATIONAL] + [lan(c) for c in sorted(LANS)] + [kommun(c) for c in sorted(KOMMUNER)]


def find(query: str, level: str = "kommun") -> Area:
    for area in areas():
        if query.casefold() in (area.code, area.name.casefold()) and level in (area.level, "any"):
            return area
    raise NotFound(f"no kommun or län {query!r}")


@dataclass(frozen=True)
class Tagging:
    mentions: tuple[Mention, ...]


HANDLES = {  # platform → (chair's handle, chair's DID)
    "x": ("anna_uppsala", None),
    "bluesky": ("anna.uppsala.example", "did:plc:anna0380uppsala"),
    "mastodon": ("anna@social.uppsala.example", None),
    "threads": ("anna.uppsala", None),
    "instagram": ("anna.uppsala", None),
}


def resolve_tags(campaign: object, area: Area, platform: str, rules: tuple[str, ...], *, on: object) -> Tagging:
    """Uppsala and Stockholm have a chair (with handles) and a vice chair (without); others nobody."""
    if area.level != "kommun" or area.code not in ("0380", "0180"):
        return Tagging(())
    handle, did = HANDLES.get(platform, (None, None))
    if area.code == "0180" and handle:
        handle = handle.replace("anna", "karin").replace("uppsala", "stockholm")
        did = did and did.replace("anna0380uppsala", "karin0180sthlm")
    chair_name = "Anna Andersson" if area.code == "0380" else "Karin Ek"
    chair = Mention(f"{area.code}-chair", chair_name, "ordförande i socialnämnden", handle, did)
    vice = Mention(f"{area.code}-vice", "Bo Berg", "vice ordförande i socialnämnden", None)
    return Tagging((chair, vice))


def install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the stand-in on ``campaign.registry`` for one test."""
    from campaign import registry
    from campaign.compose import core

    for name, value in (("areas", areas), ("find", find), ("resolve_tags", resolve_tags)):
        monkeypatch.setattr(registry, name, value, raising=False)
    # Ranks from the stand-in's areas, uncached, so nothing leaks into other tests.
    monkeypatch.setattr(core, "_sibling_ranks", core._sibling_ranks.__wrapped__)
