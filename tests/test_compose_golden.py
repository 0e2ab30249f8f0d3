"""Golden files: the default campaign's posts for a few areas, as JSON and as readable Markdown.

Regenerate after an intended change, then review the diff:

    CAMPAIGN_REGEN=1 /work/venv/bin/python -m pytest tests/test_compose_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from campaign.compose import compose_all, output
from campaign.loader import load
from campaign.model import NATIONAL
from tests import compose_standin as standin
from tests.conftest import REPO

GOLDEN = Path(__file__).parent / "golden" / "compose"
AREAS = [NATIONAL, standin.lan("03"), standin.kommun("0380"), standin.kommun("0180")]
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
    with pytest.MonkeyPatch.context() as monkeypatch:
        standin.install(monkeypatch)
        return compose_all(load(REPO).campaign, AREAS)


def test_posts_json(posts) -> None:
    check("posts.json", output.to_json([p for p in posts if p.platform in IN_JSON]))


def test_posts_csv(posts) -> None:
    check("posts.csv", output.to_csv([p for p in posts if p.platform in IN_JSON]))


@pytest.mark.parametrize("platform_id", ["x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram"])
def test_markdown(posts, platform_id: str) -> None:
    check(f"{platform_id}.md", output.to_markdown(platform_id, posts, "Trygg socialtjänst"))
