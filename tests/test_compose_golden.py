"""Golden files: the default campaign's posts for a few areas, as JSON (whole, and the kit's), CSV and readable Markdown.

The real registry and the default campaign's (example) politicians, roles as
on the launch date: national, Uppsala län, Uppsala (chair with a Bluesky DID,
vice chair on Mastodon), Stockholm (its own figures) and Malung-Sälen (a chair
without handles, so named).

Regenerate after an intended change, then review the diff:

    CAMPAIGN_REGEN=1 python -m pytest tests/test_compose_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from campaign.compose import compose_all, output
from campaign.loader import load
from campaign.model import NATIONAL
from campaign.registry import kommun, lan
from tests.conftest import REPO

GOLDEN = Path(__file__).parent / "golden" / "compose"
AREAS = [NATIONAL, lan("03"), kommun("0380"), kommun("0180"), kommun("2023")]
IN_JSON = ("x", "bluesky", "instagram")  # one of each kind of rule, to keep the file readable


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CAMPAIGN_REGEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"{path} is missing: run CAMPAIGN_REGEN=1 pytest {Path(__file__).name}"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file (CAMPAIGN_REGEN=1 to accept)"


@pytest.fixture(scope="module")
def posts():
    campaign = load(REPO).campaign
    return compose_all(campaign, AREAS, on=campaign.settings.launch_date)


def test_posts_json(posts) -> None:
    check("posts.json", output.to_json([p for p in posts if p.platform in IN_JSON]))


def test_posts_kit_json(posts) -> None:
    """The kit's posts.json (what posts share written once) for the same posts, and it reads back to them whole."""
    import json

    text = output.to_kit_json([p for p in posts if p.platform in IN_JSON])
    check("posts-kit.json", text)
    assert output.expand_kit_json(json.loads(text)) == json.loads(output.to_json([p for p in posts if p.platform in IN_JSON]))


def test_posts_csv(posts) -> None:
    check("posts.csv", output.to_csv([p for p in posts if p.platform in IN_JSON]))


@pytest.mark.parametrize("platform_id", ["x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram"])
def test_markdown(posts, platform_id: str) -> None:
    check(f"{platform_id}.md", output.to_markdown(platform_id, posts, "Trygg socialtjänst"))
