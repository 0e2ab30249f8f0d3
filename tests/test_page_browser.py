"""The activist page in a real browser: Debian's chromium driven by Playwright.

One browser for the whole session; the site is built once per module from real
parts (tests/page_kit.py: the default campaign with tagged politicians, the
composer's posts, the images stage's cards) and served by a real http.server on
127.0.0.1. Screenshots land in the test's temporary folder, or in
$CAMPAIGN_SCREENSHOTS when set.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.model import NATIONAL
from campaign.registry import kommun
from tests.browser import serve, settle, watch
from tests.npm import node_modules
from tests.page_kit import HOSTILE, Page, build_page, edit, hostile_bank, sample_campaign

pytestmark = pytest.mark.browser

IDLE = 30_000  # ms until the network is idle: the cards are real PNGs; a bound on a loaded machine, not a speed check


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Page:
    tmp = tmp_path_factory.mktemp("browser-site")
    built = build_page(sample_campaign(tmp / "campaign"), tmp / "build")
    assert built.post("resurser", "x", "0180").is_thread  # Stockholm's tagged chairs take it over 280: the X thread below
    return built


@pytest.fixture(scope="module")
def site(sample: Page) -> Iterator[tuple[Path, str]]:
    server, url = serve(sample.out)
    yield sample.out, url
    server.shutdown()


# Three sentences over Mastodon's 500 characters: the composer makes a thread of them on every platform with a limit.
LONG = (
    "Socialsekreterare i hela landet vittnar om samma sak: ärendena blir fler, tyngre och mer sammansatta, "
    "medan kollegorna slutar och tjänsterna står tomma i månader. Den som är kvar tar över fler barn och familjer "
    "än någon hinner med, och uppföljningen blir lidande när varje dag går åt till det mest akuta. Kommunerna måste "
    "satsa på introduktion, handledning och rimliga ärendemängder, så att erfarna socialsekreterare stannar, nya vill "
    "börja och de barn och vuxna som behöver stöd får det i tid av någon som känner deras situation."
)


@pytest.fixture(scope="module")
def long_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Page, str]]:
    """The sample campaign with one more message, too long for a Mastodon post, for the national page only."""
    tmp = tmp_path_factory.mktemp("browser-long")
    root = sample_campaign(tmp / "campaign")
    message = {"id": "lang", "title": "Bemanning i längden", "kind": "long", "link": "rapport", "text": LONG}
    edit(root, "messages.yaml", lambda data: data["messages"].append(message))
    built = build_page(root, tmp / "build", (NATIONAL,), images=False)
    assert len(built.post("lang", "mastodon").parts) == 2
    server, url = serve(built.out)
    yield built, url
    server.shutdown()


# Where each platform's share window opens with part 1 of a thread.
INTENT = {"x": "https://x.com/intent/tweet?text=", "mastodon": "https://mastodon.example/share?text="}


@pytest.fixture
def page(browser: Any, site: tuple[Path, str]) -> Iterator[Any]:
    """A fresh page that may use the clipboard and records every request it makes."""
    _, url = site
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    context.set_default_timeout(5000)
    page = watch(context.new_page())
    page.requests = []  # type: ignore[attr-defined]
    page.errors = []  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def open_page(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".tabs")  # page.js has enhanced the cards


def panel(page: Any, message: str, platform: str) -> Any:
    return page.locator(f"#p-{message}-{platform}")


def unfold(page: Any, message: str) -> None:
    """Open a folded message card by its topic heading."""
    page.click(f"#msg-{message} button.fold")
    expect(page.locator(f"#body-{message}")).to_be_visible()


def pick(page: Any, typed: str, name: str) -> None:
    page.fill("#kommun-input", typed)
    page.click(f'#kommun-list li:has-text("{name}")')
    expect(page.locator("#area-name")).to_have_text(name)


def test_page_loads_without_errors_or_outside_requests(page: Any, site: tuple[Path, str]) -> None:
    _, url = site
    page.add_init_script(
        "window.cspViolations = []; document.addEventListener('securitypolicyviolation', e => cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    open_page(page, url)
    pick(page, "uppsala", "Uppsala")
    assert page.evaluate("window.cspViolations") == []  # the page's own scripts, styles and data files all pass its CSP
    page.click("#tab-p-resurser-bluesky")
    pick(page, "stockholm", "Stockholm")
    page.mouse.wheel(0, 20000)
    settle(page, IDLE)
    for other in ("kommun/uppsala/", "kommun/", "kit.html"):
        page.goto(url + other)
        settle(page, IDLE)
    outside = [r for r in page.requests if not r.startswith(url) and not r.startswith("data:")]
    assert outside == []
    assert page.errors == []
    assert any(r.startswith(url + "data/areas/uppsala.js") for r in page.requests)
    assert any("/images/" in r for r in page.requests)


def test_copy_puts_the_post_on_the_clipboard(page: Any, site: tuple[Path, str]) -> None:
    _, url = site
    open_page(page, url)
    box = panel(page, "resurser", "x")
    box.locator("button.copy").first.click()
    expect = box.locator("textarea").first.input_value()
    assert page.evaluate("navigator.clipboard.readText()") == expect
    assert box.locator("button.copy").first.text_content() == "Kopierat!"
    # An edited text is what gets copied.
    box.locator("textarea").first.fill("Min egen text #socialtjänst")
    box.locator("button.copy").first.click()
    assert page.evaluate("navigator.clipboard.readText()") == "Min egen text #socialtjänst"


def test_copy_falls_back_to_selecting_the_text(page: Any, site: tuple[Path, str]) -> None:
    _, url = site
    open_page(page, url)
    page.evaluate("Object.defineProperty(navigator, 'clipboard', {value: undefined}); document.execCommand = () => false")
    box = panel(page, "resurser", "x")
    box.locator("button.copy").first.click()
    selected = page.evaluate(
        "(() => { const t = document.activeElement; return t.value.slice(t.selectionStart, t.selectionEnd); })()"
    )
    assert selected == box.locator("textarea").first.input_value()
    assert "tryck Ctrl+C" in box.locator(".copy-note").first.text_content()


def test_picking_a_municipality_changes_figures_and_mentions(page: Any, site: tuple[Path, str]) -> None:
    _, url = site
    open_page(page, url)
    x_text = panel(page, "resurser", "x").locator("textarea").first
    assert "@anna_uppsala" not in x_text.input_value()
    # Diacritic-, case- and hyphen-insensitive: "malung salen" finds Malung-Sälen.
    # (the list loads when the picker is first used: expect() waits for it)
    page.fill("#kommun-input", "malung salen")
    expect(page.locator("#kommun-list li")).to_have_text(["Malung-Sälen Dalarnas län"])
    page.fill("#kommun-input", "ARE")
    expect(page.locator("#kommun-list li").first).to_have_text("Åre Jämtlands län")
    page.fill("#kommun-input", "gö")  # exactly as typed first, then without accents
    expect(page.locator("#kommun-list li").first).to_have_text("Göteborg Västra Götalands län")
    page.fill("#kommun-input", "upps")
    page.keyboard.press("Enter")
    expect(page.locator("#area-name")).to_have_text("Uppsala")
    assert "@anna_uppsala" in x_text.input_value()
    assert "Hur ska Uppsala" in x_text.input_value()
    assert "Anna Andersson" in page.locator("#tip-body").text_content()
    assert "@anna@social.uppsala.example" in panel(page, "resurser", "mastodon").locator("textarea").first.input_value()
    assert page.evaluate("location.hash") == "#kommun=uppsala"
    assert page.locator("#direct-link").get_attribute("href") == "https://kampanj.example.org/trygg-socialtjanst/kommun/uppsala/"
    rattssakerhet = page.locator('#figures li[data-figure="rattssakerhet"] .big')
    assert rattssakerhet.text_content() == "40\xa0%"
    pick(page, "stock", "Stockholm")
    assert rattssakerhet.text_content() == "33\xa0%"
    assert "Anna Andersson" not in page.locator("#tip-body").text_content()
    assert "kommun-0180/figure-rattssakerhet-x.png" in page.locator("#msg-rattssakerhet img").get_attribute("src")
    assert page.evaluate("location.hash") == "#kommun=stockholm"


def test_the_choice_in_the_url_is_restored(page: Any, site: tuple[Path, str]) -> None:
    _, url = site
    open_page(page, url + "index.html#kommun=uppsala")
    expect(page.locator("#area-name")).to_have_text("Uppsala")
    assert "@anna_uppsala" in panel(page, "resurser", "x").locator("textarea").first.input_value()
    open_page(page, url + "index.html?kommun=stockholm")
    expect(page.locator("#area-name")).to_have_text("Stockholm")
    open_page(page, url + "kommun/uppsala/")
    assert page.locator("#area-name").text_content() == "Uppsala"
    assert "Anna Andersson" in page.locator("#tip-body").text_content()
    pick(page, "", "Hela landet")
    assert "@anna_uppsala" not in panel(page, "resurser", "x").locator("textarea").first.input_value()


def test_share_links(page: Any, site: tuple[Path, str], sample: Page) -> None:
    _, url = site
    open_page(page, url)
    texts = {p: panel(page, "resurser", p).locator("textarea").first.input_value() for p in ("x", "bluesky", "threads")}
    assert texts == {p: sample.post("resurser", p).text for p in texts}  # the composer's posts, as written
    hrefs = {
        p: panel(page, "resurser", p).locator("a.share").get_attribute("href")
        for p in ("x", "bluesky", "threads", "linkedin", "facebook")
    }
    assert hrefs["x"] == "https://x.com/intent/tweet?text=" + urllib.parse.quote(texts["x"], safe="-_.!~*'()")
    assert hrefs["bluesky"] == "https://bsky.app/intent/compose?text=" + urllib.parse.quote(texts["bluesky"], safe="-_.!~*'()")
    assert hrefs["threads"] == "https://www.threads.com/intent/post?text=" + urllib.parse.quote(
        texts["threads"], safe="-_.!~*'()"
    )
    # LinkedIn and Facebook share the post's link, with its own UTM source.
    link = {p: sample.post("resurser", p).link or "" for p in ("linkedin", "facebook")}
    assert "utm_source=linkedin" in link["linkedin"] and "utm_source=facebook" in link["facebook"]
    assert hrefs["linkedin"] == "https://www.linkedin.com/sharing/share-offsite/?url=" + urllib.parse.quote(
        link["linkedin"], safe="-_.!~*'()"
    )
    assert hrefs["facebook"] == "https://www.facebook.com/sharer/sharer.php?u=" + urllib.parse.quote(
        link["facebook"], safe="-_.!~*'()"
    )
    for p in ("x", "bluesky", "threads"):
        a = panel(page, "resurser", p).locator("a.share")
        assert a.get_attribute("target") == "_blank" and "noopener" in a.get_attribute("rel")
    # An edit changes what is shared.
    panel(page, "resurser", "x").locator("textarea").first.fill("Ny text")
    assert panel(page, "resurser", "x").locator("a.share").get_attribute("href") == "https://x.com/intent/tweet?text=Ny%20text"
    assert panel(page, "resurser", "instagram").locator(".share").text_content() == "Kopiera bildtexten och ladda ner bilden"


def test_alt_text_can_be_copied(page: Any, site: tuple[Path, str]) -> None:
    _, url = site
    open_page(page, url)
    figure = page.locator("#msg-resurser .images")
    figure.locator("summary").click()
    alt = figure.locator(".alt").text_content()
    assert alt and alt == figure.locator("img").get_attribute("alt")
    figure.locator("button.copy-alt").click()
    assert page.evaluate("navigator.clipboard.readText()") == alt


def test_a_thread_has_a_counter_and_copy_per_part_and_shares_part_one(page: Any, site: tuple[Path, str], sample: Page) -> None:
    from campaign.compose.length import x_length

    _, url = site
    post = sample.post("resurser", "x", "0180")
    open_page(page, url + "kommun/stockholm/")
    thread = panel(page, "resurser", "x")
    parts = thread.locator(".part")
    assert parts.count() == 2 and "en tråd i 2 delar" in thread.locator(".thread-hint").text_content()
    assert [parts.nth(i).locator("textarea").input_value() for i in (0, 1)] == [p.text for p in post.parts]
    assert thread.locator(".share-row .share").text_content() == "Dela del 1 av 2"  # one share row for the thread
    second = parts.nth(1).locator("textarea").input_value()
    parts.nth(1).locator("button.copy").click()
    assert page.evaluate("navigator.clipboard.readText()") == second
    assert parts.nth(1).locator(".counter").text_content() == f"{x_length(second)} av 280"  # the link counts 23
    # Part 1 goes out through X's share link; then the button offers part 2, to reply with.
    page.context.route(lambda u: not u.startswith(url), lambda route: route.abort())
    with page.expect_popup() as popup:
        thread.locator(".share-row .share").click()
    expected = INTENT["x"] + urllib.parse.quote(post.parts[0].text, safe="-_.!~*'()")
    assert popup.value.url == expected or popup.value.url.startswith("chrome-error://")
    popup.value.close()
    nxt = thread.locator(".share-row .share.next")
    expect(nxt).to_have_text("Dela del 2 av 2")
    assert nxt.get_attribute("aria-label") == "Dela del 2 av 2: tråden om resurser på X"


def test_mastodon_asks_for_the_instance_once(page: Any, site: tuple[Path, str]) -> None:
    _, url = site
    page.context.route(lambda u: not u.startswith(url), lambda route: route.abort())
    open_page(page, url)
    page.click("#tab-p-resurser-mastodon")
    text = panel(page, "resurser", "mastodon").locator("textarea").first.input_value()
    panel(page, "resurser", "mastodon").locator("button.share").click()
    assert page.locator("#mastodon-dialog").is_visible()
    page.fill("#mastodon-instance", "javascript:alert(1)")
    page.click("#mastodon-form button[type=submit]")
    assert "Skriv serverns namn" in page.locator("#mastodon-error").text_content()
    page.fill("#mastodon-instance", "https://Mastodon.Example/@anna")
    with page.expect_popup() as popup:
        page.click("#mastodon-form button[type=submit]")
    expected = "https://mastodon.example/share?text=" + urllib.parse.quote(text, safe="-_.!~*'()")
    assert popup.value.url == expected or popup.value.url.startswith("chrome-error://")
    assert page.evaluate("localStorage.getItem('campaign.mastodon')") == "mastodon.example"
    popup.value.close()
    # The second time it goes straight there.
    with page.expect_popup() as popup:
        panel(page, "resurser", "mastodon").locator("button.share").click()
    assert not page.locator("#mastodon-dialog").is_visible()
    assert "Byt server (mastodon.example)" in panel(page, "resurser", "mastodon").text_content()


def test_counters_count_as_the_platforms_do(page: Any, site: tuple[Path, str]) -> None:
    from campaign.compose.length import x_length

    _, url = site
    open_page(page, url)
    x = panel(page, "resurser", "x")
    text = x.locator("textarea").first.input_value()
    assert x.locator(".counter").first.text_content().startswith(f"{x_length(text)} av 280")
    x.locator("textarea").first.fill("Hej 😷 日本 https://kampanj.example.org/a?b=c")
    assert x.locator(".counter").first.text_content() == f"{x_length('Hej 😷 日本 https://kampanj.example.org/a?b=c')} av 280"
    x.locator("textarea").first.fill("å" * 281)
    counter = x.locator(".counter").first
    assert counter.text_content() == "281 av 280 – 1 tecken för långt" and "over" in counter.get_attribute("class")
    page.click("#tab-p-resurser-bluesky")
    bluesky = panel(page, "resurser", "bluesky").locator("textarea").first
    bluesky.fill("👨‍👩‍👧 åäö")
    assert panel(page, "resurser", "bluesky").locator(".counter").first.text_content() == "5 av 300"


def _corpus(n: int) -> list[str]:
    pieces = [
        "Varannan socialsekreterare",
        "åäö ÅÄÖ",
        "é",
        "45\u00a0%",
        "–",
        "…",
        "•",
        "€",
        "→",
        "日本語",
        "😷",
        "👨\u200d👩\u200d👧",
        "®",
        "©\ufe0f",
        "👍🏽",
        "🇸🇪",
        "©",
        "™",
        "❤️",
        "\n",
        "https://kampanj.example.org/rapport?utm_source=x&utm_medium=social",
        "example.com",
        "www.example.se/path.",
        "(https://example.org/a_(b))",
        "kampanj.example.org,",
        "#socialtjänst",
        "@anna_s",
        "@anna@mastodon.example",
        "t.co",
        "foo.bar",
        "x.com/intent",
        "Hej.Då",
        "http://a.b",
        "1.5",
        "e-post: a@b.se",
    ]
    rng = random.Random(20260204)
    return [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(n)]


def test_browser_counters_agree_with_the_composers_counters(page: Any, site: tuple[Path, str]) -> None:
    """Differential: the page's JS against the composer's own length functions, over texts people write."""
    from campaign.compose.facets import short_text  # Bluesky counts links as its app shows them
    from campaign.compose.length import graphemes, mastodon_length, utf8_bytes, utf16_units, x_length

    _, url = site
    open_page(page, url)
    texts = _corpus(2000)
    got = page.evaluate(
        "ts => ts.map(t => [campaignCount.x(t), campaignCount.mastodon(t), campaignCount.bluesky(t), campaignCount.bytes(t), campaignCount.utf16(t)])",
        texts,
    )
    want = [[x_length(t), mastodon_length(t), graphemes(short_text(t)), utf8_bytes(t), utf16_units(t)] for t in texts]
    wrong = [(t, g, w) for t, g, w in zip(texts, got, want, strict=False) if g != w]
    assert wrong == []


PIECES = st.sampled_from(
    [
        "socialsekreterare",
        "Åre",
        "Malung-Sälen",
        "45\u00a0%",
        "–",
        "…",
        "€",
        "日本",
        "😷",
        "👍🏽",
        "🇸🇪",
        "👨\u200d👩\u200d👧",
        "©",
        "®",
        "https://kampanj.example.org/r?utm_source=x&a=b",
        "http://a.b/c_(d)",
        "example.se",
        "kampanj.example.org/x.",
        "#socialtjänst",
        "@anna_s",
        "@anna@mastodon.example",
        "t.co",
        "1.5",
        "e-post: a@b.se",
        "(parentes)",
        "\n",
    ]
)
# Unassigned (Cn) and private-use (Co) code points are left out: their grapheme rules change with
# the Unicode version, which differs between Chromium's ICU and Python's regex, and no campaign uses them.
TEXTS = st.lists(
    st.lists(
        PIECES | st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Cn", "Co"]), max_size=6),
        min_size=1,
        max_size=12,
    ).map(" ".join),
    min_size=50,
    max_size=200,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=TEXTS)
def test_counters_agree_with_the_composer_on_generated_texts(page: Any, site: tuple[Path, str], texts: list[str]) -> None:
    """Property: for any text of words, links, mentions, emoji and arbitrary characters, the page counts as the composer."""
    from campaign.compose.facets import short_text  # Bluesky counts links as its app shows them
    from campaign.compose.length import graphemes, mastodon_length, utf8_bytes, utf16_units, x_length

    _, url = site
    if page.url == "about:blank":
        open_page(page, url)
    got = page.evaluate(
        "ts => ts.map(t => [campaignCount.x(t), campaignCount.mastodon(t), campaignCount.bluesky(t), campaignCount.bytes(t), campaignCount.utf16(t)])",
        texts,
    )
    want = [[x_length(t), mastodon_length(t), graphemes(short_text(t)), utf8_bytes(t), utf16_units(t)] for t in texts]
    assert [(t, g, w) for t, g, w in zip(texts, got, want, strict=False) if g != w] == []


def test_keyboard_tabs_and_visible_focus(page: Any, site: tuple[Path, str]) -> None:
    _, url = site
    open_page(page, url)
    page.focus("#tab-p-resurser-x")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "tab-p-resurser-bluesky"
    assert panel(page, "resurser", "bluesky").is_visible() and not panel(page, "resurser", "x").is_visible()
    # The platform choice applies to every card (folded ones too) and is remembered.
    assert page.evaluate("!document.getElementById('p-kort-lag-bluesky').hidden")
    assert page.evaluate("localStorage.getItem('campaign.platform')") == "bluesky"
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.textContent") == "Instagram"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    # The picker works from the keyboard.
    page.focus("#kommun-input")
    page.keyboard.type("göte")
    expect(page.locator("#kommun-list li").first).to_have_text("Göteborg Västra Götalands län")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#area-name")).to_have_text("Göteborg")


def test_the_csp_blocks_inline_script_and_outside_resources(page: Any, site: tuple[Path, str]) -> None:
    _, url = site
    page.add_init_script(
        "window.cspViolations = []; document.addEventListener('securitypolicyviolation', e => cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.context.route(lambda u: not u.startswith(url), lambda route: route.abort())
    open_page(page, url)
    page.evaluate(
        "document.body.appendChild(Object.assign(document.createElement('script'), {textContent: 'window.injected = 1'}))"
    )
    page.evaluate(
        "document.body.appendChild(Object.assign(document.createElement('img'), {src: 'https://example.org/pixel.png'}))"
    )
    page.evaluate("document.body.appendChild(Object.assign(document.createElement('script'), {src: 'https://example.org/x.js'}))")
    violations: list[str] = []
    for _ in range(100):  # the events arrive asynchronously; a bound, not a speed check
        violations = page.evaluate("window.cspViolations")
        if len(violations) >= 3:
            break
        page.wait_for_timeout(50)
    assert page.evaluate("window.injected") is None
    assert "script-src-elem inline" in violations and "img-src https://example.org/pixel.png" in violations
    assert "script-src-elem https://example.org/x.js" in violations
    page.errors.clear()  # the refusals above are logged as errors, on purpose


def test_works_from_a_file_url(browser: Any, site: tuple[Path, str]) -> None:
    out, _ = site
    context = browser.new_context()
    page = context.new_page()
    page.goto((out / "index.html").as_uri() + "#kommun=uppsala")
    expect(page.locator("#area-name")).to_have_text("Uppsala")
    assert "@anna_uppsala" in page.locator("#p-resurser-x textarea").first.input_value()
    context.close()


def test_hostile_messages_stay_text_in_the_browser(browser: Any, tmp_path: Path) -> None:
    """HTML and template syntax written into the campaign's YAML (page_kit.hostile_bank) stay text on the page."""
    root = hostile_bank(sample_campaign(tmp_path / "campaign"))
    built = build_page(root, tmp_path / "build", (NATIONAL, kommun("0380")), images=False)
    text = built.post("hostile", "x").parts[0].text
    assert text.startswith(HOSTILE) and "{{ 7*7 }}" in text
    server, url = serve(built.out)
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        open_page(page, url)  # the hostile message first, from the page's HTML
        assert page.locator("#p-hostile-x textarea").first.input_value() == text
        assert page.locator("#msg-hostile .card-title").text_content() == "<b>Fet</b> rubrik"
        unfold(page, "hostile-kort")  # a folded one, built by page.js from the area's data
        assert page.locator("#p-hostile-kort-x textarea").first.input_value() == built.post("hostile-kort", "x").parts[0].text
        assert page.locator("#msg-hostile-kort .card-title").text_content() == "<i>Kort</i> rubrik"
        pick(page, "upp", "Uppsala")  # redrawn by the script from Uppsala's data file
        assert page.locator("#p-hostile-x textarea").first.input_value() == built.post("hostile", "x", "0380").parts[0].text
        kort = built.post("hostile-kort", "x", "0380").parts[0].text
        assert page.locator("#p-hostile-kort-x textarea").first.input_value() == kort
        assert page.locator("img[src=x]").count() == 0 and page.locator("main b, main i").count() == 0
        assert dialogs == []  # no alert() ran
    finally:
        context.close()
        server.shutdown()


def _axe_source() -> str:
    return (node_modules("axe-core@4") / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def axe() -> str:
    return _axe_source()


AXE_STATES = [
    ("", ""),
    ("index.html#kommun=uppsala", ""),
    ("kommun/uppsala/", ""),
    ("kommun/uppsala/", "picker"),
    ("kommun/uppsala/", "unfolded"),
    ("", "shared"),
    ("kit.html", ""),
    ("kommun/", ""),
]


def _into_state(page: Any, state: str) -> None:
    """Put the page in a state axe should also see: the picker open, every card open, after a share."""
    if state == "picker":
        page.click("#kommun-input")
        page.keyboard.type("upsala")
        expect(page.locator("#kommun-list li").first).to_have_text("Uppsala Uppsala län")
        page.keyboard.press("ArrowDown")
    elif state == "unfolded":
        for button in page.locator("button.fold").all():
            button.click()
        page.locator("#msg-resurser summary").click()
    elif state == "shared":
        page.context.route(lambda u: not u.startswith(page.url.split("/index")[0][:30]), lambda route: route.abort())
        panel(page, "resurser", "x").locator("textarea").fill("å" * 300)  # over the limit, said in the live region
        page.locator("#p-resurser-x button.copy").click()


@pytest.mark.parametrize(("path", "state"), AXE_STATES)
def test_no_serious_accessibility_violations(browser: Any, site: tuple[Path, str], axe: str, path: str, state: str) -> None:
    _, url = site
    # axe is injected by the test, so this context alone lets it past the page's CSP.
    context = browser.new_context(bypass_csp=True)
    context.set_default_timeout(5000)
    page = watch(context.new_page())
    page.goto(url + path)
    settle(page, IDLE)
    if "#kommun=" in path:  # the page as page.js redraws it for a picked municipality
        expect(page.locator("#area-name")).to_have_text("Uppsala")
    _into_state(page, state)
    page.evaluate(axe)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    context.close()
    assert serious == []


@pytest.mark.parametrize("width", [360, 1280])
def test_screenshots(browser: Any, site: tuple[Path, str], tmp_path: Path, width: int) -> None:
    _, url = site
    shots = Path(os.environ.get("CAMPAIGN_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    open_page(page, url + "index.html#kommun=uppsala")
    expect(page.locator("#area-name")).to_have_text("Uppsala")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    page.screenshot(path=str(shots / f"page-{width}.png"))
    page.locator("#msg-resurser").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"page-{width}-card.png"))
    page.goto(url + "kit.html")
    page.screenshot(path=str(shots / f"kit-{width}.png"), full_page=True)
    context.close()
    assert (shots / f"page-{width}.png").stat().st_size > 5000


def test_the_kit_prints_as_a_plain_document(browser: Any, site: tuple[Path, str]) -> None:
    _, url = site
    context = browser.new_context(viewport={"width": 800, "height": 1100})
    page = context.new_page()
    page.emulate_media(media="print")
    page.goto(url + "kit.html")
    shown = page.evaluate("""() => Object.fromEntries(['.foot', '.noprint', '.masthead h1'].map(
        s => [s, getComputedStyle(document.querySelector(s)).display !== 'none']))""")
    assert shown == {".foot": False, ".noprint": False, ".masthead h1": True}
    assert page.evaluate("getComputedStyle(document.querySelector('.masthead')).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.querySelector('.masthead h1 a')).color") == "rgb(0, 0, 0)"
    assert "Kampanjsidan, där du väljer din kommun:" in page.inner_text("main")
    context.close()


def test_a_phone_shows_the_tabs_in_one_sideways_row(browser: Any, site: tuple[Path, str]) -> None:
    _, url = site
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    open_page(page, url)
    rows = page.evaluate(
        "new Set([...document.querySelectorAll('#msg-resurser .tabs button')].map(b => Math.round(b.getBoundingClientRect().top))).size"
    )
    assert rows == 1
    page.click("#tab-p-resurser-instagram")  # the last tab, scrolled into view when chosen
    box = page.evaluate(
        "(() => { const r = document.getElementById('tab-p-resurser-instagram').getBoundingClientRect(); return [r.left, r.right]; })()"
    )
    assert box[0] >= 0 and box[1] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    placeholder = page.evaluate("""() => {
        const input = document.getElementById('kommun-input'), style = getComputedStyle(input);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = style.font;
        return [ctx.measureText(input.placeholder).width, input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)];
    }""")
    assert placeholder[0] <= placeholder[1]  # the hint is not cut off
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_figure_sources_are_never_broken_inside_a_word(browser: Any, site: tuple[Path, str], width: int) -> None:
    _, url = site
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    open_page(page, url + "kommun/uppsala/")
    too_wide = page.evaluate("""() => {
        const ctx = document.createElement('canvas').getContext('2d');
        return [...document.querySelectorAll('.figures .where')].flatMap(el => {
            ctx.font = getComputedStyle(el).font;
            return el.textContent.split(/\\s+/).filter(w => ctx.measureText(w).width > el.clientWidth);
        });
    }""")
    assert page.locator(".figures .where").count() > 0 and too_wide == []
    assert "riksgenomsnitt" not in page.inner_text("#figures")  # "i landet" says it already
    context.close()


def phone_or_desk(browser: Any, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 800 if width < 500 else 900}, device_scale_factor=1)
    context.set_default_timeout(5000)
    return context


@pytest.mark.parametrize("width", [360, 1280])
def test_the_first_screen_is_one_post_ready_to_share(browser: Any, site: tuple[Path, str], tmp_path: Path, width: int) -> None:
    """Issue 14, point 5: the kommun's recommended post with one big button above the fold; the rest folded by topic."""
    _, url = site
    context = phone_or_desk(browser, width)
    page = context.new_page()
    open_page(page, url + "kommun/uppsala/")
    first = page.locator("main > *").first
    assert first.get_attribute("id") == "msg-resurser" and "featured" in first.get_attribute("class")
    assert page.locator("#msg-resurser .eyebrow").inner_text() == "DELA I DAG · Uppsala"
    assert page.locator("#msg-resurser h2").text_content() == "Resurser"
    assert "Hur ska Uppsala" in panel(page, "resurser", "x").locator("textarea").input_value()
    big = page.locator(".share.big:visible")
    assert big.count() == 1 and big.text_content() == "Dela på X"
    height = page.viewport_size["height"]
    assert big.bounding_box()["y"] + big.bounding_box()["height"] <= height  # on the first screen, no scrolling
    # Every other message is folded under its topic, and the jump list names them all.
    titles = page.locator(".messages .card-title").all_text_contents()
    assert titles[:3] == ["Rättssäkerhet", "Hot och våld", "Förebyggande arbete"] and len(titles) == 12
    assert not any(t.startswith("Budskap") for t in titles)
    assert all(b == "false" for b in page.locator(".messages button.fold").evaluate_all("bs => bs.map(b => b.ariaExpanded)"))
    assert page.locator(".messages .card-body:visible").count() == 0
    jump = page.locator(".jump a")
    assert jump.count() == 13 and jump.nth(0).text_content() == "Resurser"
    page.click('.jump a[href="#msg-kort-lag"]')
    expect(page.locator("#body-kort-lag")).to_be_visible()
    assert page.locator("#msg-kort-lag button.fold").get_attribute("aria-expanded") == "true"
    assert page.evaluate("location.hash") == "#msg-kort-lag"
    # A link to a message opens it too.
    page.goto(url + "kommun/uppsala/#msg-bemanning")
    expect(page.locator("#body-bemanning")).to_be_visible()
    shots = Path(os.environ.get("CAMPAIGN_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.goto(url + "kommun/uppsala/")
    page.wait_for_selector(".tabs")
    page.screenshot(path=str(shots / f"first-screen-{width}.png"))
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_headings_never_break_inside_a_word(browser: Any, site: tuple[Path, str], width: int) -> None:
    """Issue 14, point 8: at 360 px every heading wraps between words only."""
    _, url = site
    context = phone_or_desk(browser, width)
    page = context.new_page()
    for path in ("", "kommun/uppsala/", "kit.html", "kommun/"):
        page.goto(url + path)
        for card in page.locator("button.fold").all():
            card.click()
        too_wide = page.evaluate("""() => {
            const ctx = document.createElement('canvas').getContext('2d');
            return [...document.querySelectorAll('h1, h2, h3, h4, .jump a')].filter(h => h.offsetParent).flatMap(h => {
                ctx.font = getComputedStyle(h).font;
                return h.textContent.split(/\\s+/).filter(w => ctx.measureText(w).width > h.clientWidth + 1).map(w => [h.tagName, w]);
            });
        }""")
        assert too_wide == [], path
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_touch_targets_are_at_least_44_px(browser: Any, site: tuple[Path, str], width: int) -> None:
    """Issue 14, point 8: every button, tab and page link one can tap is 44 px high or more (links inside text aside)."""
    _, url = site
    context = phone_or_desk(browser, width)
    page = context.new_page()
    open_page(page, url + "kommun/uppsala/")
    unfold(page, "kort-lag")
    page.locator("#msg-resurser summary").click()
    small = page.evaluate("""() => [...document.querySelectorAll(
        'main button, main [role=tab], main summary, .picker a, .jump a, .downloads a, .mentions a, #kommun-input')]
        .filter(e => e.offsetParent).map(e => [e.textContent.trim().slice(0, 30), e.getBoundingClientRect().height])
        .filter(([, h]) => h < 44)""")
    assert small == []
    context.close()


def every_kommun_list(tmp: Path) -> str:
    """data/kommuner.js for all 290 municipalities of the registry (the test site has five)."""
    from campaign.registry import kommuner
    from campaign.site.render import write_kommun_list
    from campaign.site.view import swedish_key

    write_kommun_list(tmp, sorted(kommuner(), key=lambda a: (swedish_key(a.name), a.code)))
    return (tmp / "data" / "kommuner.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_picker_forgives_like_registry_find(browser: Any, site: tuple[Path, str], tmp_path: Path, width: int) -> None:
    """Issue 14, point 3: misspellings, codes, English names, beginnings; every match listed; counts in good Swedish."""
    _, url = site
    context = phone_or_desk(browser, width)
    script = every_kommun_list(tmp_path)
    context.route("**/data/kommuner.js*", lambda route: route.fulfill(body=script, content_type="text/javascript"))
    page = context.new_page()
    open_page(page, url)
    options = page.locator("#kommun-list li")
    status = page.locator("#picker-status")
    page.click("#kommun-input")  # all of them, no cut at 60 that would hide Uppsala
    expect(options).to_have_count(291)
    expect(status).to_have_text("Hittade 290 kommuner")
    for typed, first in (
        ("upsala", "Uppsala Uppsala län"),
        ("Gothenburg", "Göteborg Västra Götalands län"),
        ("0180", "Stockholm Stockholms län"),
        ("180", "Stockholm Stockholms län"),
        ("Malung", "Malung-Sälen Dalarnas län"),
        ("Göteborgs stad", "Göteborg Västra Götalands län"),
        ("vasteras", "Västerås Västmanlands län"),
        ("ARE", "Åre Jämtlands län"),
    ):
        page.fill("#kommun-input", typed)
        expect(options.first).to_have_text(first)
    page.fill("#kommun-input", "Malung")
    expect(status).to_have_text("Hittade 1 kommun")
    page.fill("#kommun-input", "upsala")
    expect(status).to_have_text("Ingen kommun heter exakt så. Liknande namn: 1 kommun.")
    # The active option is announced and clearly visible: 3:1 against the list, 4.5:1 for its text.
    assert page.get_attribute("#kommun-input", "aria-activedescendant") == "opt-uppsala"
    colours = page.evaluate("""() => {
        const s = getComputedStyle(document.querySelector('#kommun-list li[aria-selected=true]'));
        const list = getComputedStyle(document.getElementById('kommun-list'));
        return [s.backgroundColor, s.color, list.backgroundColor];
    }""")
    background, text, list_background = (_rgb(c) for c in colours)
    assert _contrast(background, list_background) >= 3 and _contrast(background, text) >= 4.5
    # Nothing matches: no option, and no aria-activedescendant pointing at one that is gone.
    page.fill("#kommun-input", "qqqqqq")
    expect(status).to_have_text("Ingen kommun heter så.")
    assert options.count() == 0 and page.get_attribute("#kommun-input", "aria-activedescendant") is None
    page.fill("#kommun-input", "upp")
    page.keyboard.press("Escape")
    assert page.get_attribute("#kommun-input", "aria-activedescendant") is None
    context.close()


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(v) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])


def _contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""

    def luminance(c: tuple[float, ...]) -> float:
        lin = [(v / 255 / 12.92) if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("width", [360, 1280])
def test_a_thread_is_shared_part_by_part(page: Any, long_site: tuple[Page, str], width: int) -> None:
    """Issue 14, point 1: part 1 goes through the platform, then each next part is copied to reply with.

    The long message's Mastodon thread, to the instance remembered, each part counted as Mastodon counts it.
    """
    from campaign.compose.length import mastodon_length

    built, url = long_site
    page.set_viewport_size({"width": width, "height": 800})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    page.context.route(lambda u: not u.startswith(url), lambda route: route.abort())
    page.add_init_script("localStorage.setItem('campaign.mastodon', 'mastodon.example')")
    open_page(page, url)
    unfold(page, "lang")
    page.click("#tab-p-lang-mastodon")
    thread = panel(page, "lang", "mastodon")
    first, second = (thread.locator("textarea").nth(i).input_value() for i in (0, 1))
    assert [first, second] == [p.text for p in built.post("lang", "mastodon").parts]  # the composer's parts
    assert thread.locator(".part .counter").nth(1).text_content() == f"{mastodon_length(second)} av 500"  # a link counts 23
    with page.expect_popup() as popup:
        thread.locator(".share-row .share").click()
    expected = INTENT["mastodon"] + urllib.parse.quote(first, safe="-_.!~*'()")
    assert popup.value.url == expected or popup.value.url.startswith("chrome-error://")
    popup.value.close()
    nxt = thread.locator(".share-row .share.next")
    expect(nxt).to_have_text("Dela del 2 av 2")
    assert nxt.get_attribute("aria-label") == "Dela del 2 av 2: tråden om bemanning i längden på Mastodon"
    nxt.click()
    assert page.evaluate("navigator.clipboard.readText()") == second  # the whole second part, never cut
    expect(thread.locator(".copy-note")).to_contain_text("Del 2 av 2 är kopierad: svara på ditt förra inlägg")
    expect(thread.locator(".share-row .share").first).to_have_text("Dela på Mastodon")  # back to the start


@pytest.mark.parametrize("platform", ["facebook", "linkedin"])
def test_linkedin_and_facebook_copy_the_text_and_open_the_share_window(page: Any, site: tuple[Path, str], platform: str) -> None:
    """Issue 14, point 1: one tap copies the text and opens the share window, and says the text is on the clipboard."""
    _, url = site
    page.context.route(lambda u: not u.startswith(url), lambda route: route.abort())
    open_page(page, url + "kommun/uppsala/")
    page.click(f"#tab-p-resurser-{platform}")
    box = panel(page, "resurser", platform)
    text = box.locator("textarea").input_value()
    name = {"facebook": "Facebook", "linkedin": "LinkedIn"}[platform]
    share = box.locator(".share-row a.share")
    assert share.text_content() == f"Kopiera och dela på {name}"
    with page.expect_popup() as popup:
        share.click()
    assert popup.value.url.startswith(("https://www.facebook.com/", "https://www.linkedin.com/", "chrome-error://"))
    assert page.evaluate("navigator.clipboard.readText()") == text
    expect(box.locator(".copy-note")).to_have_text(f"Texten är kopierad: klistra in den i rutan som öppnas på {name}.")


def _wait_for_shares(page: Any, n: int) -> None:
    """Poll from here: wait_for_function would evaluate a string, which the page's CSP (no unsafe-eval) refuses."""
    for _ in range(100):  # a bound, not a speed check
        if page.evaluate("window.shared.length") >= n:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"the share sheet was not called {n} times")


SHARE_STUB = """
window.shared = [];
navigator.canShare = d => true;
navigator.share = async d => { shared.push({text: d.text, url: d.url || null,
  files: (d.files || []).map(f => [f.name, f.type, f.size])}); };
"""


@pytest.mark.parametrize("width", [360, 1280])
def test_the_phones_share_sheet_comes_first_with_the_image(
    browser: Any, site: tuple[Path, str], sample: Page, width: int
) -> None:
    """Issue 14, point 2: navigator.share first, the card image attached where canShare allows; Instagram gets image and caption."""
    _, url = site
    context = phone_or_desk(browser, width)
    context.add_init_script(SHARE_STUB)
    page = context.new_page()
    open_page(page, url)
    row = panel(page, "resurser", "x").locator(".share-row")
    assert row.locator(".share").first.text_content() == "Dela med en app"
    assert row.locator(".share").nth(1).text_content() == "Dela på X"
    assert "big" in row.locator(".share").first.get_attribute("class")  # the one big button is the share sheet
    text = panel(page, "resurser", "x").locator("textarea").input_value()
    row.locator(".share-sheet").click()
    _wait_for_shares(page, 1)
    shared = page.evaluate("window.shared[0]")
    assert shared["text"] == text and shared["files"][0][0].endswith("-x.png") and shared["files"][0][1] == "image/png"
    page.click("#tab-p-resurser-instagram")
    panel(page, "resurser", "instagram").locator(".share-sheet").click()
    _wait_for_shares(page, 2)
    shared = page.evaluate("window.shared[1]")
    caption = panel(page, "resurser", "instagram").locator("textarea").input_value()
    assert shared["text"] == caption and len(shared["files"]) == 1 and shared["files"][0][2] > 0
    page.click("#tab-p-resurser-facebook")
    panel(page, "resurser", "facebook").locator(".share-sheet").click()
    _wait_for_shares(page, 3)
    assert page.evaluate("window.shared[2].url") == sample.post("resurser", "facebook").link
    context.close()


def test_without_a_share_sheet_the_platform_button_is_the_big_one(page: Any, site: tuple[Path, str]) -> None:
    _, url = site
    open_page(page, url)
    assert page.locator(".share-sheet").count() == 0
    assert page.locator(".featured .share.big:visible").text_content() == "Dela på X"


@pytest.mark.parametrize("width", [360, 1280])
def test_a_saved_page_reopens_with_its_texts_and_cards_built_once(browser: Any, site: tuple[Path, str], width: int) -> None:
    """Issue 14, point 4: the HTML holds the area's texts; a page saved after a pick re-opens as it was, cards not doubled."""
    out, url = site
    uppsala = (out / "kommun" / "uppsala" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<textarea [^>]*aria-label="Texten om resurser för X">[^<]*Hur ska Uppsala', uppsala)
    context = phone_or_desk(browser, width)
    page = context.new_page()
    open_page(page, url)
    pick(page, "göte", "Göteborg")
    saved = out / f"saved-{width}.html"  # as "Save page as" writes it: the DOM, textareas by their default value
    saved.write_text("<!doctype html>\n" + page.evaluate("document.documentElement.outerHTML"), encoding="utf-8")
    page.goto(url + saved.name)
    page.wait_for_selector(".tabs")
    assert page.locator("#area-name").text_content() == "Göteborg"
    assert "Vad gör Göteborg" in panel(page, "resurser", "x").locator("textarea").input_value()
    assert page.locator("#msg-resurser .tabs").count() == 1 and page.locator("#msg-resurser .tabs button").count() == 7
    assert page.locator("#p-resurser-x .bar").count() == 1 and page.locator("#p-resurser-x .share-row .share").count() == 1
    assert page.locator("#msg-resurser .images details").count() == 1
    assert page.locator("#msg-bemanning button.fold").count() == 1
    context.close()


def test_the_address_is_followed_while_the_tab_is_open(page: Any, site: tuple[Path, str]) -> None:
    _, url = site
    open_page(page, url)
    page.evaluate("location.hash = '#kommun=uppsala'")
    expect(page.locator("#area-name")).to_have_text("Uppsala")
    page.evaluate("location.hash = '#kommun=stockholm'")
    expect(page.locator("#area-name")).to_have_text("Stockholm")
    assert page.input_value("#kommun-input") == "Stockholm"
    page.evaluate("location.hash = ''")
    expect(page.locator("#area-name")).to_have_text("Hela landet")


def test_an_edit_is_not_silently_thrown_away(page: Any, site: tuple[Path, str]) -> None:
    _, url = site
    open_page(page, url)
    box = panel(page, "resurser", "x").locator("textarea")
    box.fill("Min egen text om resurserna")
    pick(page, "upps", "Uppsala")
    assert box.input_value() == "Min egen text om resurserna"
    kept = panel(page, "resurser", "x").locator(".kept")
    expect(kept).to_contain_text("Du har ändrat texten, så den är kvar.")
    kept.locator("button").click()
    assert "Hur ska Uppsala" in box.input_value()
    assert panel(page, "resurser", "x").locator(".kept").count() == 0
    # An unedited box simply follows the pick.
    assert "Hur ska Uppsala" in panel(page, "resurser", "bluesky").locator("textarea").input_value()


def test_download_works_from_a_file_url(browser: Any, site: tuple[Path, str]) -> None:
    """On file:// the download attribute is ignored: the image opens in a tab to be saved, and the page says so."""
    out, _ = site
    context = browser.new_context()
    page = context.new_page()
    page.goto((out / "index.html").as_uri())
    page.wait_for_selector(".tabs")
    link = page.locator("#msg-resurser .downloads a").first
    with page.expect_popup() as popup:
        link.click()
    assert popup.value.url.startswith("file://") and popup.value.url.endswith(".png")
    expect(page.locator("#msg-resurser figcaption .copy-note")).to_contain_text("Bilden öppnas i en ny flik")
    context.close()


def test_copy_on_plain_http_does_not_raise_the_keyboard(page: Any, site: tuple[Path, str]) -> None:
    """Without the Clipboard API (plain http) the text is copied from a hidden read-only box: the post's box never gets focus."""
    _, url = site
    open_page(page, url)
    page.evaluate("""Object.defineProperty(navigator, 'clipboard', {value: undefined});
        window.copied = []; const exec = document.execCommand.bind(document);
        document.execCommand = (c, ...rest) => c === 'copy' ? (copied.push(document.activeElement.readOnly), true) : exec(c, ...rest);""")
    panel(page, "resurser", "x").locator("button.copy").click()
    assert page.evaluate("window.copied") == [True]  # copied from a read-only box: no keyboard
    assert page.evaluate("document.activeElement.tagName") != "TEXTAREA" or page.evaluate("document.activeElement.readOnly")
    assert page.locator("textarea.scratch").count() == 0
    expect(panel(page, "resurser", "x").locator("button.copy")).to_have_text("Kopierat!")


@pytest.mark.parametrize("width", [360, 1280])
def test_after_sharing_the_next_step_is_to_send_the_page_and_ask(browser: Any, site: tuple[Path, str], width: int) -> None:
    """Issue 14, point 6: send the kommun's page on, and ask the tagged politician the campaign's question."""
    _, url = site
    context = phone_or_desk(browser, width)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    page = context.new_page()
    open_page(page, url + "kommun/uppsala/")
    panel(page, "resurser", "x").locator("button.copy").click()
    expect(page.locator("#tip")).to_have_class(re.compile(r"\bshown\b"))
    assert page.locator("#tip h2").text_content() == "Nästa steg"
    assert page.locator("#direct-link").get_attribute("href") == "https://kampanj.example.org/trygg-socialtjanst/kommun/uppsala/"
    page.locator("#send button.copy-link").click()
    assert page.evaluate("navigator.clipboard.readText()") == "https://kampanj.example.org/trygg-socialtjanst/kommun/uppsala/"
    tip = page.locator("#tip-body")
    assert "Vad tänker du göra för att socialtjänsten i Uppsala ska klara sitt uppdrag?" in tip.text_content()
    profiles = tip.locator("a.handle").evaluate_all("as => as.map(a => a.href)")
    assert "https://bsky.app/profile/anna.uppsala.example" in profiles and "https://social.uppsala.example/@anna" in profiles
    # The same after a pick on the national page (drawn by the script).
    page.goto(url)
    pick(page, "upps", "Uppsala")
    assert "i Uppsala ska klara sitt uppdrag?" in page.locator("#tip-body").text_content()
    assert "https://x.com/anna_uppsala" in page.locator("#tip-body a.handle").evaluate_all("as => as.map(a => a.href)")
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_names_say_their_context_and_going_over_is_announced(browser: Any, site: tuple[Path, str], width: int) -> None:
    """Issue 14, point 8: buttons and boxes named with topic and platform; crossing a limit is said in a live region."""
    _, url = site
    context = phone_or_desk(browser, width)
    page = context.new_page()
    open_page(page, url + "kommun/uppsala/")
    x = panel(page, "resurser", "x")
    assert x.locator("button.copy").get_attribute("aria-label") == "Kopiera budskapet om resurser för X"
    assert x.locator("textarea").get_attribute("aria-label") == "Texten om resurser för X"
    assert page.locator("#tab-p-resurser-x").get_attribute("role") == "tab"
    assert page.locator("#msg-resurser [role=tablist]").get_attribute("aria-label") == "Plattformar för budskapet om resurser"
    unfold(page, "kort-lvu")
    assert (
        panel(page, "kort-lvu", "x").locator("button.copy").get_attribute("aria-label")
        == "Kopiera budskapet om LVU-ärenden för X"
    )
    live = page.locator("#live")
    assert live.get_attribute("aria-live") == "polite"
    x.locator("textarea").fill("å" * 281)
    expect(live).to_have_text("Texten för X är 1 tecken för lång.")
    x.locator("textarea").fill("å" * 282)  # still over: not said again on every key
    page.wait_for_timeout(200)
    assert live.text_content() == "Texten för X är 1 tecken för lång."
    x.locator("textarea").fill("å" * 200)
    expect(live).to_have_text("Texten för X ryms igen.")
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_a_printable_kit_per_kommun_on_a4_with_a_qr_code(
    browser: Any, site: tuple[Path, str], tmp_path: Path, width: int
) -> None:
    """Issue 14, point 9: A4 @page rules, date and contact, a QR code to the page; a kit per kommun with its figures and politicians."""
    _, url = site
    context = phone_or_desk(browser, width)
    page = context.new_page()
    page.goto(url + "kommun/uppsala/")
    page.wait_for_selector(".tabs")
    page.click('.foot a:has-text("Utskriftsvänligt kit")')
    assert page.url == url + "kommun/uppsala/kit.html"
    assert page.locator("main h2").first.text_content() == "Budskap och länkar för Uppsala"
    meta = page.locator(".kit-meta").first.text_content()
    assert re.fullmatch(
        r"Kitet är från \d{1,2} (januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december) \d{4} · Kontakt: Socialtjänstfacket",
        meta,
    )
    qr = page.locator("figure.qr")
    assert qr.get_attribute("aria-label") == "QR-kod till https://kampanj.example.org/trygg-socialtjanst/kommun/uppsala/"
    assert qr.locator("svg path").count() >= 1 and qr.locator("svg").bounding_box()["width"] >= 100
    assert "Anna Andersson" in page.inner_text("main") and "Hur ska Uppsala" in page.inner_text("main")
    assert page.evaluate("""[...document.styleSheets].flatMap(s => [...s.cssRules]).some(
        r => r instanceof CSSPageRule && r.style.getPropertyValue('size').toLowerCase() === 'a4')""")
    if width == 1280:
        pdf = page.pdf(prefer_css_page_size=True)
        sizes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
        assert sizes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in sizes), sizes  # A4 in points
    # Stockholm's kit carries Stockholm's own figure; the national kit its QR to the campaign page.
    page.goto(url + "kommun/stockholm/kit.html")
    assert "33\xa0%" in page.inner_text(".kit-figures") and "Anna Andersson" not in page.inner_text("main")
    page.goto(url + "kit.html")
    assert page.locator("figure.qr").get_attribute("aria-label") == "QR-kod till https://kampanj.example.org/trygg-socialtjanst/"
    context.close()


def test_folded_messages_are_built_from_the_areas_data_file_even_from_a_file_url(browser: Any, sample: Page) -> None:
    """Issue 16, point 4: a page's HTML holds its recommended message's posts; its folded messages come from
    its data file (and data/shared.js), from file:// too, word for word the composer's posts for that kommun.
    Without JavaScript the page says where every message is (the printable kit)."""
    html = (sample.out / "kommun" / "uppsala" / "index.html").read_text(encoding="utf-8")
    assert '<article class="card shell" id="msg-kort-lag"' in html and "<noscript>" in html
    context = browser.new_context()
    page = context.new_page()
    page.goto((sample.out / "kommun" / "uppsala" / "index.html").as_uri())
    page.wait_for_selector("#msg-kort-lag button.fold")
    page.click("#msg-kort-lag button.fold")
    for platform in ("x", "mastodon", "bluesky"):
        boxes = panel(page, "kort-lag", platform).locator("textarea")
        want = [p.text for p in sample.post("kort-lag", platform, "0380").parts]
        assert [boxes.nth(i).input_value() for i in range(boxes.count())] == want, platform
    assert page.locator("#msg-kort-lag .tabs button").count() == 7 and page.locator("#msg-kort-lag .images img").count() == 1
    context.close()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((sample.out / "kommun" / "uppsala" / "index.html").as_uri())
    assert "Alla budskap finns i det utskriftsvänliga kitet" in page.inner_text("main")
    assert sample.post("resurser", "x", "0380").parts[0].text == page.locator("#p-resurser-x textarea").first.input_value()
    context.close()


def test_an_area_file_from_another_build_is_never_read_against_the_shared_table(
    browser: Any, sample: Page, tmp_path: Path
) -> None:
    """data/areas/<key>.js refers into data/shared.js by index: a pair from different builds (a stale cache) is
    fetched again, and when it still does not match the page says so rather than show another text."""
    out = tmp_path / "build"
    shutil.copytree(sample.out, out)
    path = out / "data" / "areas" / "uppsala.js"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'"shared":"[0-9a-f]+"', '"shared":"0123456789ab"', text), encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((out / "index.html").as_uri())
    page.wait_for_selector(".tabs")
    national = page.locator("#p-resurser-x textarea").first.input_value()
    page.fill("#kommun-input", "upps")
    page.click('#kommun-list li:has-text("Uppsala")')
    # "Hämtar Uppsala …" first, while both tries load; then what became of them.
    expect(page.locator("#picker-status")).to_contain_text(re.compile("kunde inte", re.IGNORECASE))
    assert "Uppsala" in page.locator("#picker-status").text_content()
    assert page.locator("#p-resurser-x textarea").first.input_value() == national
    assert len([r for r in requests if "/data/areas/uppsala.js" in r]) == 2  # fetched again, past the cache
    context.close()
