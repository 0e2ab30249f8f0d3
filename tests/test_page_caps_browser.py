"""The page holds an edited post to every rule the composer does, in the CLI's words (issue 11, point 2).

A real kit: the default campaign's messages composed by the composer for the
whole country and rendered by the site stage (once in Swedish, once with
``language: en``), served by http.server on 127.0.0.1 and driven with
Playwright in Debian's chromium on a 360 px wide phone screen. An activist who
types six hashtags into an Instagram post, two into a Threads post or six
links into it sees the counter say so and hears it in the page's live region;
in English the words are exactly ``campaign count``'s.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from campaign.compose import compose_all
from campaign.compose.length import count
from campaign.compose.platforms import PLATFORM_IDS
from campaign.loader import load
from campaign.model import NATIONAL
from campaign.site.stage import build_site
from tests.browser import serve
from tests.conftest import CliResult

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
MESSAGE = "resurser"
TAGS6 = " ".join(f"#tagg{i}" for i in range(1, 7))
LINKS6 = " ".join(f"https://kampanj.example.org/{i}" for i in range(1, 7))


def build_kit(root: Path, out: Path) -> None:
    """The site stage's page for the whole country, from the composer's own posts."""
    campaign = load(root).campaign
    build_site(campaign, compose_all(campaign, [NATIONAL], PLATFORM_IDS), [], out, [NATIONAL])


@pytest.fixture(scope="module")
def kits(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """{"sv": url, "en": url}: the default campaign, and a copy of it with `language: en`."""
    tmp = tmp_path_factory.mktemp("caps")
    english = tmp / "english"
    for name in ("messages", "assets"):
        shutil.copytree(REPO / name, english / name)
    settings = english / "messages" / "campaign.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("language: sv", "language: en", 1), encoding="utf-8")
    assert "language: en" in settings.read_text(encoding="utf-8")
    urls, servers = {}, []
    for language, root in (("sv", REPO), ("en", english)):
        out = tmp / f"build-{language}"
        build_kit(root, out)
        server, urls[language] = serve(out)
        servers.append(server)
    yield urls
    for server in servers:
        server.shutdown()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 360, "height": 780}, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(5000)
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    assert page.errors == []
    context.close()


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def edit(page: Any, platform: str, text: str) -> tuple[Any, Any]:
    """Show the platform's tab of the message, replace its text; (its counter, the live region)."""
    page.click(f"#tab-p-{MESSAGE}-{platform}")
    panel = page.locator(f"#p-{MESSAGE}-{platform}")
    panel.locator("textarea").first.fill(text)
    return panel.locator(".counter").first, page.locator("#live")


def on_screen(page: Any, counter: Any) -> None:
    box = counter.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360  # wraps inside the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_hashtag_and_link_caps_are_said_on_a_phone(browser: Any, kits: dict[str, str], phone: Any) -> None:
    phone.goto(kits["sv"])
    phone.wait_for_selector(".tabs")
    live = phone.locator("#live")
    assert live.get_attribute("aria-live") == "polite"

    text = f"Hej {TAGS6}"
    counter, _ = edit(phone, "instagram", text)
    n = count("instagram", text).length
    expect(counter).to_have_text(f"{n} av 2200 – 1 hashtagg för mycket (högst 5)")
    assert "over" in (counter.get_attribute("class") or "")
    expect(live).to_have_text("Texten för Instagram går inte att lägga upp: 1 hashtagg för mycket (högst 5).")
    on_screen(phone, counter)

    counter, _ = edit(phone, "instagram", text.rsplit(" ", 1)[0])  # five: fits again
    expect(counter).to_have_text(f"{n - len(' #tagg6')} av 2200")
    assert "over" not in (counter.get_attribute("class") or "")
    expect(live).to_have_text("Texten för Instagram ryms igen.")

    counter, _ = edit(phone, "threads", "Hej #socialtjänst #välfärd")
    expect(counter).to_have_text("26 av 500 – 1 hashtagg för mycket (högst 1)")
    expect(live).to_have_text("Texten för Threads går inte att lägga upp: 1 hashtagg för mycket (högst 1).")

    links = f"Läs {LINKS6} #socialtjänst #välfärd #svpol"
    counter, _ = edit(phone, "threads", links)
    n = count("threads", links).length
    expect(counter).to_have_text(f"{n} av 500 – 2 hashtaggar för mycket (högst 1) – 1 länk för mycket (högst 5)")
    expect(live).to_have_text(
        "Texten för Threads går inte att lägga upp: 2 hashtaggar för mycket (högst 1), 1 länk för mycket (högst 5)."
    )
    on_screen(phone, counter)

    counter, _ = edit(phone, "threads", links + " #en")  # the same problems, one more tag: not said again
    phone.wait_for_timeout(200)
    assert live.text_content() == (
        "Texten för Threads går inte att lägga upp: 2 hashtaggar för mycket (högst 1), 1 länk för mycket (högst 5)."
    )
    expect(counter).to_contain_text("3 hashtaggar för mycket (högst 1)")


@pytest.mark.parametrize(
    ("platform", "text"),
    [
        ("instagram", f"Hej {TAGS6}"),
        ("instagram", f"Hej {TAGS6} #sju #åtta"),
        ("threads", "Hej #a #b"),
        ("threads", f"{LINKS6} https://a.se/7"),
        ("threads", f"{LINKS6} #a #b " + "å" * 500),
        ("bluesky", "å" * 301),
        ("x", "å" * 282),
    ],
)
def test_the_english_page_says_what_campaign_count_says(
    browser: Any, kits: dict[str, str], phone: Any, cli: Callable[..., CliResult], platform: str, text: str
) -> None:
    result = cli("count", "--platform", platform, text)
    assert result.code == 1
    problems = result.out.rstrip("\n").split(": does not fit (", 1)[1][:-1]  # the CLI's own words
    assert problems == ", ".join(count(platform, text).problems())
    phone.goto(kits["en"])
    phone.wait_for_selector(".tabs")
    counter, live = edit(phone, platform, text)
    c = count(platform, text)
    expect(counter).to_have_text(f"{c.length} of {c.limit} – " + " – ".join(c.problems()))
    name = {"x": "X", "bluesky": "Bluesky", "threads": "Threads", "instagram": "Instagram"}[platform]
    if c.overflow and len(c.problems()) == 1:
        expect(live).to_have_text(f"The text for {name} is {problems}.")
    else:
        expect(live).to_have_text(f"The text for {name} cannot be posted: {problems}.")
