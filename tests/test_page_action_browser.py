"""Issue 14 audited on the built page: what a phone (360 px) and a desk (1280 px) do with it.

Each point of the issue that the other browser modules prove at one width only, or not in every
state, is proven here at both: a page saved by the browser keeps every text it built and still works,
a folded message says where its texts are without script, the address and edits in folded messages,
downloads from file://, copying on plain http, axe in every state, touch targets on every page.
One kit per module, built from real parts (tests/page_kit.py); the session's one browser.
"""

from __future__ import annotations

import mimetypes
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from campaign.registry import kommun
from campaign.site.kit import kit_messages
from tests.browser import serve, settle, watch
from tests.npm import node_modules
from tests.page_kit import Page, build_page, sample_campaign

pytestmark = pytest.mark.browser

UPPSALA, STOCKHOLM = "0380", "0180"
WIDTHS = [360, 1280]
INSECURE = "http://kampanj.test/"  # a plain-http origin (not localhost): no secure context, no Clipboard API


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Page:
    tmp = tmp_path_factory.mktemp("action-site")
    return build_page(sample_campaign(tmp / "campaign"), tmp / "build")


@pytest.fixture(scope="module")
def url(sample: Page) -> Iterator[str]:
    server, address = serve(sample.out)
    yield address
    server.shutdown()


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def context_for(browser: Any, width: int, **options: Any) -> Any:
    """A phone (touch, 360 x 800) or a desk (1280 x 900)."""
    phone = width < 500
    context = browser.new_context(
        viewport={"width": width, "height": 800 if phone else 900}, has_touch=phone, is_mobile=phone, **options
    )
    context.set_default_timeout(5000)
    return context


def watched(context: Any) -> Any:
    """A new page of ``context`` that records its script errors in ``page.errors``."""
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def tap(page: Any, locator: Any) -> None:
    """A tap on a phone, a click on a desk."""
    if page.viewport_size["width"] < 500:
        locator.tap()
    else:
        locator.click()


def built(page: Any) -> None:
    """Wait until page.js has built the folded messages from the area's data file."""
    page.wait_for_selector("#msg-kort-lag button.fold")


def boxes(page: Any, message: str, platform: str) -> list[str]:
    areas = page.locator(f"#p-{message}-{platform} textarea")
    return [areas.nth(i).input_value() for i in range(areas.count())]


def texts(sample: Page, message: str, platform: str, code: str) -> list[str]:
    return [p.text for p in sample.post(message, platform, code).parts]


FOLDED = ("kort-lag", "bemanning", "kort-lvu")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_saved_page_keeps_every_text_it_built_and_still_works(browser: Any, sample: Page, url: str, width: int) -> None:
    """Point 4: 'Save page as' writes the DOM, the textareas by their default value: the folded messages page.js
    built are in it (readable without script), and re-opened without the data files every card works, built once."""
    context = context_for(browser, width)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    page = watched(context)
    page.goto(url + "kommun/uppsala/")
    built(page)
    page.click("#msg-kort-lag button.fold")
    saved = sample.out / "kommun" / "uppsala" / f"saved-{width}.html"
    saved.write_text("<!doctype html>\n" + page.evaluate("document.documentElement.outerHTML"), encoding="utf-8")
    page.close()
    # Without script: every text is in the saved HTML itself.
    bare = context_for(browser, width, java_script_enabled=False)
    plain = bare.new_page()
    plain.goto(url + f"kommun/uppsala/{saved.name}")
    for message in ("resurser", *FOLDED):
        for platform in ("x", "mastodon", "instagram"):
            assert boxes(plain, message, platform) == texts(sample, message, platform, UPPSALA), (message, platform)
    bare.close()
    # With script, but no data file to read: the page is whole from its HTML, each part built once.
    context.route(re.compile(r".*/data/.*"), lambda route: route.abort())
    page = watched(context)
    page.goto(url + f"kommun/uppsala/{saved.name}")
    page.wait_for_selector("#msg-resurser .tabs")
    assert page.locator(".card").count() == page.locator(".card .tabs").count() == 13
    for message in ("resurser", *FOLDED):
        assert page.locator(f"#msg-{message} button.fold, #msg-{message} .eyebrow").count() == 1
        for platform in ("x", "bluesky"):
            panel = page.locator(f"#p-{message}-{platform}")
            assert panel.locator(".bar").count() == panel.locator("textarea").count() >= 1
            assert panel.locator(".share-row").count() == 1
        assert page.locator(f"#msg-{message} .images details").count() == 1
    assert boxes(page, "bemanning", "x") == texts(sample, "bemanning", "x", UPPSALA)
    assert page.locator(".shell-note").count() == 0
    # The folded ones still open (their buttons came with the saved HTML), the opened one closes.
    bemanning = page.locator("#msg-bemanning button.fold")
    assert bemanning.get_attribute("aria-expanded") == "false"
    tap(page, bemanning)
    expect(page.locator("#body-bemanning")).to_be_visible()
    tap(page, page.locator("#msg-kort-lag button.fold"))
    expect(page.locator("#body-kort-lag")).to_be_hidden()
    # The buttons the script made before the page was saved work again: copy the page's link.
    assert page.locator("#send .send-actions").count() == 1
    tap(page, page.locator("#send button.copy-link"))
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#direct-link").get_attribute("href")
    tap(page, page.locator("#p-bemanning-x button.copy").first)
    assert page.evaluate("navigator.clipboard.readText()") == texts(sample, "bemanning", "x", UPPSALA)[0]
    assert page.errors == []  # type: ignore[attr-defined]
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_folded_message_says_where_its_texts_are_without_script(browser: Any, sample: Page, url: str, width: int) -> None:
    """Point 4: a kommun page's HTML holds its recommended message's posts; each folded one leads to that message in
    the kommun's printable kit without script, and again when its data file cannot be read."""
    bare = context_for(browser, width, java_script_enabled=False)
    page = bare.new_page()
    page.goto(url + "kommun/uppsala/")
    notes = page.locator(".card.shell .shell-note a")
    assert notes.count() == 12 and page.locator(".card.shell").count() == 12
    assert all(box["height"] >= 44 for box in (notes.nth(i).bounding_box() for i in range(notes.count())))
    link = page.locator("#msg-kort-lag .shell-note a")
    assert link.get_attribute("href") == "kit.html#kit-kort-lag"
    assert link.is_visible()
    link.click()
    assert page.url == url + "kommun/uppsala/kit.html#kit-kort-lag"
    rows = {row["message"].id: row for row in kit_messages(sample.campaign, kommun(UPPSALA))}
    entry = page.locator("#kit-kort-lag")
    assert entry.locator("p").first.text_content() == rows["kort-lag"]["variants"][0]
    assert page.locator('li[id^="kit-"]').count() == len(rows) == 13
    bare.close()
    # With script the notes give way to the messages; when the data file fails they are back.
    context = context_for(browser, width)
    page = watched(context)
    page.goto(url + "kommun/uppsala/")
    built(page)
    assert page.locator(".shell-note").count() == 0
    context.route(re.compile(r".*/data/areas/.*"), lambda route: route.abort())
    page = watched(context)
    page.goto(url + "kommun/uppsala/")
    expect(page.locator("#picker-status")).to_have_text("Kunde inte hämta Uppsala.")
    expect(page.locator("#msg-kort-lag .shell-note a")).to_be_visible()
    assert page.locator(".shell-note:visible").count() == 12
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_address_is_followed_and_an_edit_in_a_folded_message_kept(browser: Any, sample: Page, url: str, width: int) -> None:
    """Point 4: '#kommun=' changed in an open tab redraws the folded messages too, keeps what was edited (and says
    so), never builds a card twice; an emptied address goes back to the page's own kommun."""
    context = context_for(browser, width)
    page = watched(context)
    page.goto(url + "kommun/uppsala/")
    built(page)
    tap(page, page.locator("#msg-kort-lag button.fold"))
    mine = "Min egen kortare text om lagen"
    page.locator("#p-kort-lag-x textarea").fill(mine)
    page.evaluate("location.hash = '#kommun=stockholm'")
    expect(page.locator("#area-name")).to_have_text("Stockholm")
    assert page.input_value("#kommun-input") == "Stockholm"
    assert boxes(page, "kort-lag", "x") == [mine]
    expect(page.locator("#p-kort-lag-x .kept")).to_contain_text("Du har ändrat texten, så den är kvar.")
    assert boxes(page, "kort-lag", "mastodon") == texts(sample, "kort-lag", "mastodon", STOCKHOLM)
    assert boxes(page, "resurser", "x") == texts(sample, "resurser", "x", STOCKHOLM)  # a thread of two
    assert boxes(page, "bemanning", "bluesky") == texts(sample, "bemanning", "bluesky", STOCKHOLM)
    assert page.locator(".card").count() == page.locator(".card .tabs").count() == 13
    assert page.locator("#p-resurser-x .bar").count() == 2 and page.locator("#p-resurser-x .share-row .share").count() == 1
    assert page.locator("#msg-kort-lag .images figure").count() == 1 and page.locator("#msg-kort-lag details").count() == 1
    page.evaluate("location.hash = ''")
    expect(page.locator("#area-name")).to_have_text("Uppsala")
    assert boxes(page, "bemanning", "bluesky") == texts(sample, "bemanning", "bluesky", UPPSALA)
    assert boxes(page, "kort-lag", "x") == [mine]  # still the edit; the button puts Uppsala's text back
    tap(page, page.locator("#p-kort-lag-x .kept button"))
    assert boxes(page, "kort-lag", "x") == texts(sample, "kort-lag", "x", UPPSALA)
    assert page.locator(".card .tabs").count() == 13 and page.errors == []  # type: ignore[attr-defined]
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_download_from_a_file_url_in_a_message_the_script_built(browser: Any, sample: Page, width: int) -> None:
    """Point 4: 'Ladda ner' on file:// (where the download attribute is ignored) opens the image to be saved,
    in a folded message built from the data file too, and says so."""
    context = context_for(browser, width)
    page = watched(context)
    page.goto((sample.out / "kommun" / "uppsala" / "index.html").as_uri())
    built(page)
    tap(page, page.locator("#msg-kort-lag button.fold"))
    link = page.locator("#msg-kort-lag .downloads a").first
    with page.expect_popup() as popup:
        tap(page, link)
    assert popup.value.url.startswith("file://") and popup.value.url.endswith(".png")
    assert Path(urllib.parse.unquote(urllib.parse.urlparse(popup.value.url).path)).is_file()
    expect(page.locator("#msg-kort-lag figcaption .copy-note")).to_contain_text("Bilden öppnas i en ny flik")
    assert page.errors == []  # type: ignore[attr-defined]
    context.close()


def _serve_insecure(context: Any, out: Path) -> None:
    """The kit at INSECURE, answered from its folder (a plain-http origin that is not localhost)."""

    def answer(route: Any) -> None:
        path = urllib.parse.urlparse(route.request.url).path.lstrip("/")
        file = out / path
        if not path or path.endswith("/"):
            file = file / "index.html"
        if not file.is_file():
            route.fulfill(status=404, body="")
            return
        route.fulfill(path=str(file), content_type=mimetypes.guess_type(file.name)[0] or "application/octet-stream")

    context.route(INSECURE + "**", answer)


COPIES = """window.copies = [];
document.addEventListener('copy', () => { const a = document.activeElement;
  copies.push({tag: a.tagName, readOnly: !!a.readOnly, text: a.value === undefined ? '' : a.value.slice(a.selectionStart, a.selectionEnd)}); });"""


@pytest.mark.parametrize("width", WIDTHS)
def test_copy_on_plain_http_leaves_the_keyboard_down(browser: Any, sample: Page, width: int) -> None:
    """Point 4: on plain http there is no Clipboard API: the text is copied from a read-only box, so no phone
    raises its keyboard, and the box someone types in never gets the focus."""
    context = context_for(browser, width)
    _serve_insecure(context, sample.out)
    context.add_init_script(COPIES)
    page = watched(context)
    page.goto(INSECURE + "kommun/uppsala/")
    built(page)
    assert page.evaluate("[window.isSecureContext, typeof navigator.clipboard]") == [False, "undefined"]
    tap(page, page.locator("#p-resurser-x button.copy"))
    expect(page.locator("#p-resurser-x button.copy")).to_have_text("Kopierat!")
    tap(page, page.locator("#msg-kort-lag button.fold"))
    tap(page, page.locator("#p-kort-lag-x button.copy"))
    expect(page.locator("#p-kort-lag-x button.copy")).to_have_text("Kopierat!")
    want = [texts(sample, m, "x", UPPSALA)[0] for m in ("resurser", "kort-lag")]
    assert page.evaluate("copies") == [{"tag": "TEXTAREA", "readOnly": True, "text": t} for t in want]
    focused = page.evaluate("[document.activeElement.tagName, !!document.activeElement.readOnly]")
    assert focused != ["TEXTAREA", False] and page.locator("textarea.scratch").count() == 0
    assert page.errors == []  # type: ignore[attr-defined]
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_threads_share_part_one_and_link_platforms_copy_the_text(browser: Any, sample: Page, url: str, width: int) -> None:
    """Point 1 at both widths: an X thread opens X with part 1 and then offers part 2; LinkedIn copies the text and
    opens its share window in one tap, and says the text is on the clipboard."""
    context = context_for(browser, width)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    context.route(lambda u: not u.startswith(url), lambda route: route.abort())
    page = watched(context)
    page.goto(url + "kommun/stockholm/")
    built(page)
    parts = texts(sample, "resurser", "x", STOCKHOLM)
    share = page.locator("#p-resurser-x .share-row .share")
    assert len(parts) == 2 and share.text_content() == "Dela del 1 av 2"
    assert urllib.parse.unquote(share.get_attribute("href")) == "https://x.com/intent/tweet?text=" + parts[0]
    with page.expect_popup() as popup:
        tap(page, share)
    popup.value.close()
    expect(page.locator("#p-resurser-x .share-row .share.next")).to_have_text("Dela del 2 av 2")
    tap(page, page.locator("#tab-p-resurser-linkedin"))
    linkedin = page.locator("#p-resurser-linkedin .share-row a.share")
    assert linkedin.text_content() == "Kopiera och dela på LinkedIn"
    with page.expect_popup() as popup:
        tap(page, linkedin)
    popup.value.close()
    assert page.evaluate("navigator.clipboard.readText()") == texts(sample, "resurser", "linkedin", STOCKHOLM)[0]
    expect(page.locator("#p-resurser-linkedin .copy-note")).to_have_text(
        "Texten är kopierad: klistra in den i rutan som öppnas på LinkedIn."
    )
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_first_screen_holds_the_recommended_post_and_the_page_is_short(browser: Any, url: str, width: int) -> None:
    """Point 5: the recommended post starts in the upper half of the first screen (it started 760 px down on a phone),
    its one big button on that screen, and the page with its messages folded is under 10 screens (it was 21)."""
    context = context_for(browser, width)
    page = context.new_page()
    page.goto(url + "kommun/uppsala/")
    built(page)
    height = page.viewport_size["height"]
    post = page.locator("#p-resurser-x textarea").bounding_box()
    big = page.locator(".share.big:visible")
    assert big.count() == 1
    assert post["y"] < height / 2 and big.bounding_box()["y"] + big.bounding_box()["height"] <= height
    assert page.evaluate("document.documentElement.scrollHeight") < 10 * height
    context.close()


TARGETS = "a[href], button, summary, input:not([type=hidden]), [role=tab], [role=option]"
SMALL = """(selector) => [...document.querySelectorAll(selector)].filter(e => {
    if (!e.getClientRects().length || getComputedStyle(e).visibility === 'hidden') { return false; }
    // a link inside running text is exempt (WCAG 2.5.8's inline exception): words around it in its block
    const block = e.parentElement.closest('p, li, dd, td, figcaption, div');
    const around = block ? block.textContent.replace(e.textContent, '') : '';
    const others = [...(block ? block.querySelectorAll('a') : [])].reduce((t, a) => t.replace(a.textContent, ''), around);
    return !(e.tagName === 'A' && getComputedStyle(e).display === 'inline' && /\\p{L}/u.test(others));
  }).map(e => [e.tagName, (e.textContent || e.placeholder || '').trim().slice(0, 40), Math.round(e.getBoundingClientRect().height)])
  .filter(([, , h]) => h < 44)"""


@pytest.mark.parametrize("width", WIDTHS)
def test_every_target_on_every_page_is_44_px(browser: Any, url: str, width: int) -> None:
    """Point 8: every link, button, tab, option and field one taps is 44 px high or more, on every page and in the
    states a visitor opens (every message, the picker's list, the next step; the skip link too); links in a sentence aside."""
    context = context_for(browser, width)
    context.route(lambda u: not u.startswith(url), lambda route: route.abort())
    page = watch(context.new_page())
    small: dict[str, list[Any]] = {}
    for path in ("", "kommun/uppsala/", "kit.html", "kommun/uppsala/kit.html", "kommun/"):
        page.goto(url + path)
        settle(page)
        if "kit" not in path and path != "kommun/":
            built(page)
            for button in page.locator("button.fold").all():
                button.click()
            for summary in page.locator("main summary").all():
                summary.click()
            page.locator("#p-resurser-x button.copy").click()  # the next step shows, with its buttons
            page.click("#kommun-input")
            expect(page.locator("#kommun-list li").first).to_be_visible()
        small[path] = page.evaluate(SMALL, TARGETS)
    context.close()
    assert small == {path: [] for path in small}


def _axe() -> str:
    return (node_modules("axe-core@4") / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


def _violations(page: Any, axe: str) -> list[Any]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_in_any_state(browser: Any, url: str, width: int) -> None:
    """The issue's close: axe at 0 violations of any impact (minor too), in every state, the open picker included."""
    axe = _axe()
    found: dict[str, list[Any]] = {}
    # axe is injected by the test, so these contexts alone let it past the page's CSP.
    context = context_for(browser, width, bypass_csp=True)
    context.route(lambda u: not u.startswith(url), lambda route: route.abort())
    page = context.new_page()

    def check(state: str) -> None:
        found[state] = _violations(page, axe)

    page.goto(url + "kommun/uppsala/")
    built(page)
    check("kommun page")
    page.click("#kommun-input")
    page.keyboard.type("upsala")
    expect(page.locator("#kommun-list li").first).to_have_text("Uppsala Uppsala län")
    page.keyboard.press("ArrowDown")
    check("picker open, an option active")
    page.keyboard.press("Escape")
    for button in page.locator("button.fold").all():
        button.click()
    for summary in page.locator("main summary").all():
        summary.click()
    check("every message open, alt text shown")
    page.locator("#p-resurser-x textarea").fill("å" * 300)
    page.locator("#p-resurser-x button.copy").click()
    check("over the limit, copied, next step shown")
    page.goto(url + "index.html#kommun=uppsala")
    expect(page.locator("#area-name")).to_have_text("Uppsala")
    check("national page showing a kommun")
    page.locator("#p-resurser-x textarea").fill("Min egen text")
    page.evaluate("location.hash = '#kommun=stockholm'")
    expect(page.locator("#p-resurser-x .kept")).to_be_visible()
    check("an edit kept")
    page.click("#tab-p-resurser-mastodon")
    page.locator("#p-resurser-mastodon .share").click()
    expect(page.locator("#mastodon-dialog")).to_be_visible()
    check("Mastodon dialog open")
    page.goto(url + "kommun/stockholm/")
    built(page)
    page.click("#tab-p-resurser-x")  # Mastodon was chosen above, and is remembered
    with page.expect_popup() as popup:
        page.locator("#p-resurser-x .share-row .share").click()
    popup.value.close()
    expect(page.locator("#p-resurser-x .share.next")).to_be_visible()
    check("a thread's next part")
    for path in ("kit.html", "kommun/uppsala/kit.html", "kommun/"):
        page.goto(url + path)
        check(path)
    context.close()
    # The page as it is without its script (page.js blocked): the folded messages' notes to the kit.
    context = context_for(browser, width, bypass_csp=True)
    context.route("**/static/page.js*", lambda route: route.abort())
    page = context.new_page()
    page.goto(url + "kommun/uppsala/")
    expect(page.locator("#msg-kort-lag .shell-note")).to_be_visible()
    check("without page.js")
    context.close()
    assert found == {state: [] for state in found}
