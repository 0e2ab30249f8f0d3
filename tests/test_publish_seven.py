"""One plan, an account on each of the seven platforms, published end to end through `campaign publish`.

X, Mastodon, Threads, Facebook, Instagram and LinkedIn are fakes of their
documented APIs on 127.0.0.1, Bluesky the reference PDS; the kit (with the
image Instagram and Threads fetch) is served from 127.0.0.1 as its base_url.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from campaign.publish.queue import Queue, queue_path
from tests.conftest import CliResult
from tests.fakes import linkedin_api, mastodon_api, meta_api
from tests.fakes.campaign_dir import CAMPAIGN, write_campaign
from tests.fakes.harness import BlueskyHarness, pds_info
from tests.fakes.kit_host import KitHost
from tests.fakes.x_api import FakeX, Keys

ROOT = Path(__file__).resolve().parents[1]
Cli = Callable[..., CliResult]
SEVEN = ("x", "bluesky", "mastodon", "threads", "facebook", "instagram", "linkedin")
MESSAGES = [
    {"id": "resurser", "kind": "short", "text": "Varannan socialsekreterare saknar resurser (50 %).", "link": "rapport"},
    {
        "id": "lang",
        "kind": "long",
        "link": "rapport",
        "text": "Socialsekreterare vittnar om hög arbetsbelastning och brist på resurser i hela landet. " * 4,
    },
]


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[dict[str, Any]]:
    info = pds_info()
    if info is None:
        pytest.skip("no local Bluesky PDS: start ../shared/tools/bsky-pds/start.sh and set CAMPAIGN_TEST_PDS to its info JSON")
    build = tmp_path / "kampanj" / "build" / "images"
    build.mkdir(parents=True)
    Image.open(ROOT / "assets" / "logo.png").convert("RGB").resize((1080, 1080)).save(build / "kort.jpg", "JPEG", quality=90)
    running: dict[str, Any] = {
        "x": FakeX().start(),
        "mastodon": mastodon_api.FakeMastodon().start(),
        "threads": meta_api.FakeThreads().start(),
        "facebook": meta_api.FakeFacebook().start(),
        "instagram": meta_api.FakeInstagram().start(),
        "linkedin": linkedin_api.FakeLinkedIn().start(),
        "kit": KitHost(tmp_path / "kampanj" / "build").start(),
    }
    running["pds"] = info
    yield running
    for name, server in running.items():
        if name != "pds":
            server.stop()


def accounts(s: dict[str, Any]) -> list[dict[str, Any]]:
    pds = s["pds"]
    return [
        {"id": "x-riks", "platform": "x", "endpoint": s["x"].url},
        {"id": "bluesky-riks", "platform": "bluesky", "endpoint": pds["service"], "handle": pds["handle"]},
        {"id": "mastodon-riks", "platform": "mastodon", "endpoint": s["mastodon"].url},
        {"id": "threads-riks", "platform": "threads", "endpoint": s["threads"].url},
        {"id": "facebook-riks", "platform": "facebook", "endpoint": s["facebook"].url, "profile_id": meta_api.PAGE_ID},
        {"id": "instagram-riks", "platform": "instagram", "endpoint": s["instagram"].url, "profile_id": meta_api.IG_USER},
        {"id": "linkedin-riks", "platform": "linkedin", "endpoint": s["linkedin"].url, "profile_id": linkedin_api.ORG},
    ]


def secrets(s: dict[str, Any]) -> dict[str, str]:
    return {
        **Keys().env("CAMPAIGN_X_RIKS"),
        "CAMPAIGN_BLUESKY_RIKS_APP_PASSWORD": s["pds"]["app_password"],
        "CAMPAIGN_MASTODON_RIKS_ACCESS_TOKEN": mastodon_api.TOKEN,
        "CAMPAIGN_THREADS_RIKS_ACCESS_TOKEN": meta_api.THREADS_TOKEN,
        "CAMPAIGN_FACEBOOK_RIKS_PAGE_ACCESS_TOKEN": meta_api.PAGE_TOKEN,
        "CAMPAIGN_INSTAGRAM_RIKS_ACCESS_TOKEN": meta_api.IG_TOKEN,
        "CAMPAIGN_LINKEDIN_RIKS_ACCESS_TOKEN": linkedin_api.TOKEN,
    }


def test_a_plan_with_an_account_on_each_of_the_seven_platforms_publishes_end_to_end(
    cli: Cli, servers: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = os.urandom(4).hex()  # the PDS is shared between runs: our own texts
    messages = [{**m, "text": f"({marker}) {m['text']}"} for m in MESSAGES]
    every = [a["id"] for a in accounts(servers)]
    plan = [
        {
            "at": "day 1 10:00",
            "message": "resurser",
            "accounts": every,
            "images": [{"file": "build/images/kort.jpg", "alt": "Delningsbild: varannan saknar resurser"}],
        },
        {"at": "day 1 10:15", "message": "lang", "accounts": [a for a in every if a != "instagram-riks"]},
    ]
    extra = {"campaign": {**CAMPAIGN, "base_url": servers["kit"].base_url}}
    root = write_campaign(tmp_path / "kampanj", messages, accounts(servers), plan)
    (root / "messages" / "campaign.yaml").write_text(yaml.safe_dump(extra, allow_unicode=True), encoding="utf-8")
    for name, value in secrets(servers).items():
        monkeypatch.setenv(name, value)

    planned = cli("schedule", "plan", str(root))
    assert planned.code == 0, planned.err
    assert planned.out.startswith("plan: 13 rows; 13 added")
    dry = cli("publish", str(root), "--dry-run", "--now", "day 1 10:30")
    assert dry.out.splitlines()[-1].startswith(
        "would send 13 rows (2 bluesky, 2 facebook, 1 instagram, 2 linkedin, 2 mastodon, 2 threads, 2 x): "
    )
    assert f"fetched from {servers['kit'].base_url}images/kort.jpg" in dry.out

    result = cli("publish", str(root), "--now", "day 1 10:30")
    assert result.code == 0, result.err
    assert result.out.endswith("13 published, 0 failed, 0 uncertain, 0 waiting for a rate limit\n")
    again = cli("publish", str(root), "--now", "day 1 10:30")
    assert again.out == "0 published, 0 failed, 0 uncertain, 0 waiting for a rate limit\n"

    queue = Queue.open(queue_path(root))
    rows = {r.key: r for r in queue.rows()}
    queue.close()
    assert {r.state for r in rows.values()} == {"published"}
    _check_each_platform(servers, rows, marker)


def _check_each_platform(s: dict[str, Any], rows: dict[str, Any], marker: str) -> None:
    short = rows["resurser@x-riks"].parts[0].text
    assert s["x"].tweets[0].text == short
    assert len(s["mastodon"].statuses) == len(rows["lang@mastodon-riks"].parts) + 1
    threads = s["threads"].media()
    assert len(threads) == 1 + len(rows["lang@threads-riks"].parts)
    assert threads[0].image is not None and threads[0].alt == "Delningsbild: varannan saknar resurser"
    assert [m.parent for m in threads[2:]] == [m.id for m in threads[1:-1]]  # the long message as a thread
    facebook = s["facebook"].posts()
    assert [p.image is not None for p in facebook] == [True, False] and facebook[0].alt.startswith("Delningsbild")
    [ig] = s["instagram"].media()
    assert ig.text == rows["resurser@instagram-riks"].parts[0].text and ig.image is not None
    assert s["instagram"].fetched == [s["kit"].base_url + "images/kort.jpg"]
    linkedin = s["linkedin"].posts
    assert [p.text for p in linkedin] == [rows["resurser@linkedin-riks"].parts[0].text, rows["lang@linkedin-riks"].parts[0].text]
    assert f"({marker})" in linkedin[0].text and linkedin[0].image  # escaped little text arrived whole, with its image
    reader = BlueskyHarness(s["pds"])
    try:
        seen = [reader.read(p.id) for p in rows["lang@bluesky-riks"].sent]
    finally:
        reader.stop()
    assert [x.text for x in seen] == [p.text for p in rows["lang@bluesky-riks"].parts]
    urls = collections.Counter(r.remote_url.split("/")[2] for r in rows.values())
    assert set(urls) == {
        "x.com",
        "bsky.app",
        "mastodon.test",
        "www.threads.net",
        "www.facebook.com",
        "www.instagram.com",
        "www.linkedin.com",
    }
