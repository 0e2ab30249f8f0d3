"""The activist page as files: what `campaign build` writes, escaping, CSP, size, the kit.

Regenerate the golden kit.md with: CAMPAIGN_REGEN=1 python -m pytest tests/test_site.py -q
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from campaign.compose.core import compose_all
from campaign.compose.platforms import PLATFORMS
from campaign.errors import CampaignInvalid
from campaign.loader import load
from campaign.model import NATIONAL
from campaign.registry import kommun, kommuner
from campaign.site.kit import TIP_KEYS
from campaign.site.render import CSP, json_for_script, read_area_data, safe_url
from campaign.site.stage import build_site
from campaign.site.strings import STRINGS
from tests.page_kit import AREAS, HOSTILE, REPO, Page, build_page, edit, hostile_bank, sample_campaign

GOLDEN = Path(__file__).parent / "golden" / "site"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Page:
    """The default campaign with tagged politicians, composed, drawn and built once for the module."""
    tmp = tmp_path_factory.mktemp("site")
    return build_page(sample_campaign(tmp / "campaign"), tmp / "build")


@pytest.fixture(scope="module")
def site(sample: Page) -> Path:
    return sample.out


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of script elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(path: Path) -> Tags:
    tags = Tags()
    tags.feed(path.read_text(encoding="utf-8"))
    return tags


def page_strings(out: Path) -> dict:
    """static/strings.js: the UI text page.js uses, written once for every page."""
    text = (out / "static" / "strings.js").read_text(encoding="utf-8")
    assert text.startswith("window.campaignStrings=") and text.endswith(";\n")
    return json.loads(text.removeprefix("window.campaignStrings=")[:-2])


def kommun_list(out: Path) -> dict:
    text = (out / "data" / "kommuner.js").read_text(encoding="utf-8")
    assert text.startswith("window.campaignKommuner=") and text.endswith(";\n")
    return json.loads(text.removeprefix("window.campaignKommuner=")[:-2])


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_build_writes_every_page(site: Path) -> None:
    for path in (
        "index.html",
        "kit.html",
        "kit.md",
        "kommun/index.html",
        "data/kommuner.js",
        "static/page.js",
        "static/count.js",
        "static/page.css",
        "static/theme.css",
        "data/areas/national.js",
    ):
        assert (site / path).is_file(), path
    for area in AREAS[1:]:
        assert (site / "kommun" / area.slug / "index.html").is_file()
        assert (site / "data" / "areas" / f"{area.slug}.js").is_file()


def test_municipality_page_has_its_own_figures_and_politicians(site: Path) -> None:
    national = (site / "index.html").read_text(encoding="utf-8")
    uppsala = (site / "kommun" / "uppsala" / "index.html").read_text(encoding="utf-8")
    stockholm = (site / "kommun" / "stockholm" / "index.html").read_text(encoding="utf-8")
    # Uppsala's chair, as the registry finds her role, tagged by her handle; Stockholm gets its own chair.
    assert "Anna Andersson" in uppsala and "@anna_uppsala" in uppsala
    assert "Anna Andersson" not in national and "Anna Andersson" not in stockholm and "@karin_stockholm" in stockholm
    assert "Hur ska Uppsala se till att socialtjänsten" in uppsala
    # Stockholm has its own survey figure for rättssäkerhet (33 %), the country 40 %.
    assert re.search(r'data-figure="rattssakerhet"><span class="big">33\xa0%', stockholm)
    assert re.search(r'data-figure="rattssakerhet"><span class="big">40\xa0%', national)
    assert "<title>Trygg socialtjänst – Stockholm</title>" in stockholm


def test_picker_lists_every_municipality(site: Path) -> None:
    picker = kommun_list(site)
    assert [k[0] for k in picker["kommuner"]] == ["goteborg", "malung-salen", "stockholm", "uppsala", "are"]
    assert picker["lans"][picker["kommuner"][1][2]] == "Dalarnas län"
    config = json.loads(parse(site / "index.html").scripts[0])
    strings = page_strings(site)
    # The UI text, with the tip made the campaign's own (its rules named; {name} left for the script).
    own = {k: strings[k] for k in TIP_KEYS if k in strings}
    assert {k: v for k, v in strings.items() if k not in own}.items() <= STRINGS["sv"].items()
    assert {"copy", "picker_count", "over_live"} <= strings.keys()
    assert strings["tip_none"] == (
        "Vi har inga politiker registrerade för {name} ännu. "
        "Tagga gärna ordförande och vice ordförande i socialnämnden själv. Fråga dem vad de tänker göra."
    )
    assert "kit_intro" not in strings and "kommuner" not in config  # the list loads when the picker is used
    listing = (site / "kommun" / "index.html").read_text(encoding="utf-8")
    assert '<a href="malung-salen/index.html">Malung-Sälen</a>' in listing
    lans = re.findall(r"<h3>([^<]+)</h3>", listing)
    assert lans == ["Dalarnas län", "Jämtlands län", "Stockholms län", "Uppsala län", "Västra Götalands län"]


def test_area_data_files_are_script_safe_json(sample: Page) -> None:
    text = (sample.out / "data" / "areas" / "uppsala.js").read_text(encoding="utf-8")
    prefix = '(window.campaignAreas=window.campaignAreas||{})["uppsala"]='
    assert text.startswith(prefix) and text.endswith(";\n")
    assert (sample.out / "data" / "shared.js").read_text(encoding="utf-8").startswith("window.campaignShared={")
    data = read_area_data(sample.out, "uppsala")  # with what several areas share (data/shared.js) put back, as page.js does
    assert data["name"] == "Uppsala"
    # The politicians as the composer tagged them, with a profile address made from each handle.
    chair = data["mentions"][0]
    assert (chair["name"], chair["role"]) == ("Anna Andersson", "ordförande i socialnämnden")
    assert chair["profiles"]["x"] == "https://x.com/anna_uppsala"
    assert chair["profiles"]["mastodon"] == "https://social.uppsala.example/@anna"
    assert data["mentions"][1]["name"] == "Bo Berg" and data["mentions"][1]["profiles"] == {}  # no handle: named only
    # Every platform's post, exactly as the composer wrote it (UTM links, tags, the limit it was fitted to).
    posts = data["cards"]["resurser"]["posts"]
    assert set(posts) == {"x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram"}
    for platform, shown in posts.items():
        post = sample.post("resurser", platform, "0380")
        assert shown["parts"] == [p.text for p in post.parts] and shown["limit"] == PLATFORMS[platform].limit
    assert (
        posts["linkedin"]["link"] == sample.post("resurser", "linkedin", "0380").link
        and "utm_source=linkedin" in posts["linkedin"]["link"]
    )
    assert "link" not in posts["x"]  # only link-sharing platforms carry it
    images = data["cards"]["resurser"]["images"]
    assert images["files"][images["preview"]][0] == "sverige/figure-resursbrist-x.png"  # Uppsala has no figure of its own
    assert images["alt"] == {i.file: i.alt for i in sample.images}["sverige/figure-resursbrist-x.png"]


def test_only_own_scripts_and_a_csp_that_forbids_inline_script(site: Path) -> None:
    for page in html_pages(site):
        tags = parse(page)
        metas = [a for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert [m["content"] for m in metas] == [CSP], page
        for tag, attrs in tags.tags:
            if tag == "script":
                own = ("static/", "../../static/")
                assert attrs.get("type") == "application/json" or attrs.get("src", "").startswith(own), (
                    page,
                    attrs,
                )
            for name in ("src", "href"):
                value = attrs.get(name) or ""
                if tag in ("script", "link", "img") and name in attrs and not (tag == "link" and attrs.get("rel") == "canonical"):
                    assert not re.match(r"^[a-z]+:", value) or value == "data:,", (page, tag, value)
    assert (
        "script-src 'self';" in CSP and "unsafe-inline" not in CSP and "connect-src 'self';" in CSP
    )  # the share sheet fetches the card image (own origin only)


def test_open_graph_points_at_the_card_image(sample: Page) -> None:
    site = sample.out
    alts = {i.file: i.alt for i in sample.images}
    metas = {a.get("property") or a.get("name"): a.get("content") for t, a in parse(site / "index.html").tags if t == "meta"}
    base = sample.campaign.settings.base_url
    assert metas["og:image"] == f"{base}images/sverige/figure-resursbrist-og.png"  # the first message's figure
    assert (site / "images" / "sverige" / "figure-resursbrist-og.png").is_file()
    assert (metas["og:image:width"], metas["og:image:height"]) == ("1200", "630")
    assert metas["twitter:card"] == "summary_large_image" and metas["twitter:image"] == metas["og:image"]
    assert metas["og:url"] == base and metas["og:title"] == "Trygg socialtjänst"
    uppsala = {a.get("property"): a.get("content") for t, a in parse(site / "kommun/uppsala/index.html").tags if t == "meta"}
    assert uppsala["og:url"] == f"{base}kommun/uppsala/" and uppsala["og:image"] == metas["og:image"]
    stockholm = {a.get("property"): a.get("content") for t, a in parse(site / "kommun/stockholm/index.html").tags if t == "meta"}
    assert stockholm["og:image"] == f"{base}images/kommun-0180/figure-rattssakerhet-og.png"  # its own card where it has one
    # Each says what its card shows (og:image:alt, the card's own alt text): Stockholm's own figure, the country's elsewhere.
    assert stockholm["og:image:alt"] == alts["kommun-0180/figure-rattssakerhet-og.png"]
    assert stockholm["og:image:alt"].startswith("Stockholm: Var tredje (33\xa0%) socialsekreterare")
    assert (
        metas["og:image:alt"] == alts["sverige/figure-resursbrist-og.png"] and metas["twitter:image:alt"] == metas["og:image:alt"]
    )
    assert metas["og:image:alt"].startswith("Sverige: Varannan (50\xa0%) socialsekreterare anger brist på resurser")


def test_images_lazy_load_with_alt_text_and_downloads(site: Path) -> None:
    stockholm = parse(site / "kommun/stockholm/index.html")
    imgs = [a for t, a in stockholm.tags if t == "img"]
    assert imgs and all(a["loading"] == "lazy" and a["alt"] for a in imgs)
    # The page's first message's card in its HTML; the others' in its data file (page.js builds them alike).
    assert "../../images/sverige/figure-resursbrist-x.png" in [a["src"] for a in imgs]
    downloads = [a["href"] for t, a in stockholm.tags if t == "a" and "download" in a]
    page = site / "kommun" / "stockholm"
    assert all((page / src).resolve().is_file() for src in [a["src"] for a in imgs] + downloads)  # every one drawn
    # Stockholm's own cards where it has its own figures, the national ones elsewhere; each file drawn.
    cards = read_area_data(site, "stockholm")["cards"]
    files = [f[0] for f in cards["rattssakerhet"]["images"]["files"]]
    assert "kommun-0180/figure-rattssakerhet-og.png" in files and "kommun-0180/figure-rattssakerhet-x.png" in files
    assert all((site / "images" / f).is_file() for card in cards.values() for f, *_ in card["images"]["files"])
    assert cards["resurser"]["images"]["files"][cards["resurser"]["images"]["preview"]][0] == "sverige/figure-resursbrist-x.png"
    html = (page / "index.html").read_text(encoding="utf-8")
    assert "download>X, Mastodon, Threads (1200×675)</a>" in html and "download>Facebook, LinkedIn (1200×630)</a>" in html
    assert "download>Instagram (1080×1080)</a>" in html


def test_hostile_messages_show_as_text(tmp_path: Path) -> None:
    root = hostile_bank(sample_campaign(tmp_path / "campaign"))
    built = build_page(root, tmp_path / "build", (NATIONAL, kommun("0380")))
    out = built.out
    statement = "anger {{ 7*7 }} {% raw %}</textarea><script>alert(4)</script>"
    assert built.post("hostile", "x").text.startswith(f"{HOSTILE} {statement}")  # data in a template, never run
    for page in [*html_pages(out), *(out / "data").rglob("*.js")]:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text and "</textarea><script>" not in text, page
        assert "<b>Fet" not in text and "<i>Kort" not in text and "<i>Rapporten" not in text, page
        assert 'href="javascript:' not in text.lower()
    # In the page's HTML: the first message (the bank makes it the hostile one), titles, figures, the card's alt text.
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;&gt;&lt;img src=x onerror=alert(2)&gt; javascript:alert(3)" in index
    assert str(escape(statement)) in index and "{{ 7*7 }}" in index
    assert "&lt;b&gt;Fet&lt;/b&gt; rubrik" in index and "&lt;i&gt;Kort&lt;/i&gt; rubrik" in index
    alt = {i.file: i.alt for i in built.images}["sverige/figure-resursbrist-x.png"]
    assert "<script>alert(4)" in alt and str(escape(alt)) in index
    # In the data page.js builds the folded cards from: script-safe JSON that reads back as the composer's text.
    data_files = "".join(p.read_text(encoding="utf-8") for p in sorted((out / "data").rglob("*.js")))
    assert "\\u003cscript\\u003ealert(1)" in data_files
    folded = read_area_data(out, "uppsala")["cards"]["hostile-kort"]["posts"]["x"]["parts"]
    assert folded == [p.text for p in built.post("hostile-kort", "x", "0380").parts] and folded[0].startswith(HOSTILE)
    kit = (out / "kit.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)" in kit and "&lt;i&gt;Rapporten&lt;/i&gt; {{ campaign.name }}" in kit
    markdown = (out / "kit.md").read_text(encoding="utf-8")
    assert (
        '&lt;script&gt;alert(1)&lt;/script&gt; "&gt;&lt;img src=x onerror=alert(2)&gt;' in markdown and "<script>" not in markdown
    )


def test_control_characters_in_the_bank_are_refused_where_they_are(tmp_path: Path) -> None:
    """A line separator or a terminal escape never reaches a post or the page: validation names the file, line and key."""
    root = sample_campaign(tmp_path / "campaign")

    def messages(data: dict[str, Any]) -> None:
        data["messages"].append({"id": "styrtecken", "kind": "long", "link": "rapport", "text": "Rad ett\u2028rad två \x1b[2J"})

    edit(root, "messages.yaml", messages)
    line = next(
        n for n, text in enumerate((root / "messages" / "messages.yaml").read_text().splitlines(), 1) if "Rad ett" in text
    )
    with pytest.raises(CampaignInvalid) as caught:
        load(root)
    problems = [p.format() for p in caught.value.problems if p.severity == "error"]
    assert len(problems) == 1 and problems[0].startswith(f"messages/messages.yaml:{line}:"), problems
    assert "messages[13].text: control character U+2028 is not allowed in text" in problems[0]


def test_javascript_links_are_refused_at_validation(tmp_path: Path) -> None:
    root = sample_campaign(tmp_path / "campaign")
    path = root / "messages" / "links.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("https://kampanj.example.org/press/trygg-socialtjanst", "javascript:alert(1)"),
        encoding="utf-8",
    )
    with pytest.raises(CampaignInvalid) as caught:
        load(root)
    assert any(p.path == "links[2].url" and "javascript:alert(1)" in p.message for p in caught.value.problems)
    assert (
        safe_url("javascript:alert(1)") == "" and safe_url("JAVASCRIPT:x") == "" and safe_url("https://a.se/") == "https://a.se/"
    )


@given(st.text())
def test_json_for_script_cannot_close_a_script(text: str) -> None:
    encoded = json_for_script({"t": text})
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded and "\u2028" not in encoded
    assert json.loads(encoded) == {"t": text}


def test_printable_kit_has_every_part(sample: Page) -> None:
    campaign = sample.campaign
    kit = (sample.out / "kit.html").read_text(encoding="utf-8")
    for heading in ("Budskap", "Kortare budskap", "Länkar", "Hashtaggar", "Tagga de ansvariga", "Våra krav"):
        assert f"<h3>{heading}</h3>" in kit
    for link in campaign.links:
        assert link.url in kit
    assert "#socialtjänst #svpol #TryggSocialtjänst" in kit
    assert "Tagga de ansvariga lokala politikerna (ordförande och vice ordförande i socialnämnden)" in kit
    assert "Ingen socialsekreterare ska stå ensam i ett LVU-ärende." in kit


def test_printable_kit_says_where_the_page_is(site: Path, tmp_path: Path) -> None:
    # The printed kit's tip sends people to the page: paper must carry its address.
    kit = (site / "kit.html").read_text(encoding="utf-8")
    url = "https://kampanj.example.org/trygg-socialtjanst/"
    assert f'<p>Kampanjsidan, där du väljer din kommun: <a href="{url}">{url}</a></p>' in kit
    assert f"Kampanjsidan, där du väljer din kommun: <{url}>" in (site / "kit.md").read_text(encoding="utf-8")
    # A campaign without base_url has no address to print.
    root = sample_campaign(tmp_path / "campaign")
    edit(root, "campaign.yaml", lambda data: data["campaign"].pop("base_url"))
    out = build_page(root, tmp_path / "build", (NATIONAL,), images=False).out
    assert "Kampanjsidan" not in (out / "kit.html").read_text(encoding="utf-8")
    assert "Kampanjsidan" not in (out / "kit.md").read_text(encoding="utf-8")


def test_printable_kit_markdown_matches_golden(site: Path) -> None:
    actual = (site / "kit.md").read_text(encoding="utf-8")
    golden = GOLDEN / "kit.md"
    if os.environ.get("CAMPAIGN_REGEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8"), "kit.md changed: CAMPAIGN_REGEN=1 python -m pytest tests/test_site.py"


def test_national_page_is_light_with_all_290_municipalities(tmp_path: Path) -> None:
    """The national page carries no per-kommun weight: every message there, and all 290 kommuner in the picker."""
    campaign = load(REPO).campaign
    everywhere = kommuner()
    national = compose_all(campaign, [NATIONAL])
    local = compose_all(campaign, everywhere, platforms=["x"], messages=[campaign.messages[0]])  # a post each, cheaply
    result = build_site(campaign, national + local, [], tmp_path / "all", [NATIONAL, *everywhere])
    assert len(everywhere) == 290 and len(kommun_list(tmp_path / "all")["kommuner"]) == 290
    assert result.national_bytes < 150_000, result.national_bytes


def test_output_is_deterministic(tmp_path: Path, sample: Page) -> None:
    site = sample.out
    again = build_page(sample.campaign.root, tmp_path / "again").out
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        assert (again / path.relative_to(site)).read_bytes() == path.read_bytes(), path


def test_english_ui_strings(tmp_path: Path) -> None:
    root = sample_campaign(tmp_path / "campaign")
    edit(root, "campaign.yaml", lambda data: data["campaign"].update(language="en"))
    build_page(root, tmp_path / "build", (NATIONAL,), images=False)
    index = (tmp_path / "build" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in index and "Choose your municipality" in index
    assert page_strings(tmp_path / "build")["copy"] == "Copy"
    assert set(STRINGS["en"]) == set(STRINGS["sv"])


def test_a_thread_shows_each_part_with_a_hint(sample: Page) -> None:
    """Every thread the composer made (Stockholm's tagged posts run over X's and Bluesky's limits) reaches the page
    part by part: in the area's data, which page.js builds folded cards from, and the first message's in the HTML."""
    threads = [p for p in sample.posts if p.is_thread]
    assert threads, "the sample campaign should make at least one thread"
    for post in threads:
        shown = read_area_data(sample.out, post.area.slug or "national")["cards"][post.message_id]["posts"][post.platform]
        assert shown["parts"] == [p.text for p in post.parts]
    post = sample.post("resurser", "x", "0180")
    index = (sample.out / "kommun" / "stockholm" / "index.html").read_text(encoding="utf-8")
    panel = index.split('id="p-resurser-x"')[1].split("</section>")[0]
    assert post.is_thread and "en tråd i 2 delar" in panel
    for i, part in enumerate(post.parts, 1):
        assert f'aria-label="Texten om resurser för X, del {i} av 2">{escape(part.text)}</textarea>' in panel


def test_no_images_no_image_tags(tmp_path: Path) -> None:
    campaign = load(REPO).campaign
    build_site(campaign, compose_all(campaign, [NATIONAL]), [], tmp_path, (NATIONAL,))
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<img" not in index and "og:image" not in index and 'content="summary"' in index


def test_campaign_build_writes_the_page(tmp_path: Path) -> None:
    from campaign.build import build
    from campaign.scaffold import scaffold

    root = tmp_path / "kampanj"
    scaffold(root)  # a small campaign: a build covers all 290 kommuner
    kit = build(root, tmp_path / "build")
    assert len(list((tmp_path / "build" / "kommun").glob("*/index.html"))) == 290
    assert (tmp_path / "build" / "kommun" / "malung-salen" / "index.html").is_file()
    assert (tmp_path / "build" / "index.html").is_file() and (tmp_path / "build" / "kit.md").is_file()
    assert any(n.startswith("page: index.html (") for n in kit.notes)
    shutil.rmtree(tmp_path / "build")


def test_page_settings_choose_platforms_and_intro(tmp_path: Path) -> None:
    root = sample_campaign(tmp_path / "campaign")
    (root / "messages" / "page.yaml").write_text("page:\n  intro: Dela i dag!\n  platforms: [bluesky, x]\n", encoding="utf-8")
    build_page(root, tmp_path / "build", (NATIONAL,), images=False)
    index = (tmp_path / "build" / "index.html").read_text(encoding="utf-8")
    assert '<p class="lede">Dela i dag!</p>' in index and '<meta name="description" content="Dela i dag!">' in index
    panels = re.findall(r'id="p-resurser-([a-z]+)"', index)
    assert panels == ["bluesky", "x"]


def test_page_settings_are_validated(tmp_path: Path) -> None:
    root = sample_campaign(tmp_path / "campaign")
    (root / "messages" / "page.yaml").write_text(
        "page:\n  platforms: [x, blusky, x]\n  intro: Hej\n  title: Nej\n", encoding="utf-8"
    )
    with pytest.raises(CampaignInvalid) as caught:
        load(root)
    messages = [p.format() for p in caught.value.problems]
    assert any(
        "page.yaml:2:" in m and "page.platforms[1]" in m and "'blusky'" in m and "did you mean 'bluesky'" in m for m in messages
    ), messages
    assert any("page.title" in m and "unknown key 'title'" in m for m in messages), messages


def test_an_overweight_page_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from campaign.kit import Kit
    from campaign.site import stage

    campaign = load(REPO).campaign
    kit = Kit(campaign, dt.datetime(2026, 2, 4, tzinfo=dt.UTC))
    monkeypatch.setattr(stage, "registry_areas", lambda: (NATIONAL,))
    monkeypatch.setattr(stage, "BUDGET", 1000)
    stage.write(kit, tmp_path, compose_all(campaign, [NATIONAL]), [])
    [warning] = kit.warnings
    assert warning.severity == "warning" and warning.path == "page" and "over the 1 KB budget" in warning.message


def test_kit_markdown_keeps_campaign_text_as_text() -> None:
    from campaign.site.kit import md_text

    assert md_text("# Rubrik") == "\\# Rubrik"  # would be a heading
    assert md_text("- punkt\n2026. Året <b>") == "\\- punkt\n2026\\. Året &lt;b&gt;"  # a list, an ordered list, HTML
    assert md_text("#socialtjänst först, 45 % av oss.") == "#socialtjänst först, 45 % av oss."  # a hashtag is no heading


def test_compiled_templates_are_kept_and_a_broken_cache_only_compiles_again(tmp_path: Path) -> None:
    """The page templates compiled once are kept in the build's cache (Jinja's bytecode cache): the next build
    renders from them what compiling gives, and a cache file that is damaged or cannot be written is compiled again."""
    from campaign.site.kit import campaign_strings
    from campaign.site.render import environment

    folder = tmp_path / "templates"
    campaign = load(REPO).campaign
    lan = [("Uppsala län", [kommun("0380")])]

    def render(cache: Path | None) -> str:
        template = environment(cache).get_template("kommuner.html")
        return template.render(
            root="../", page_url="", kommuner_by_lan=lan, settings=campaign.settings, t=campaign_strings(campaign),
            version="v", intro="", csp=CSP, og_image="", og_image_alt="", question="", kit_date="", contact="",
        )  # fmt: skip

    fresh = render(None)
    assert render(folder) == fresh
    kept = sorted(folder.iterdir())
    assert kept, "the compiled templates are kept"
    assert render(folder) == fresh  # from the kept ones
    for path in kept:
        path.write_bytes(b"not a template")
    assert render(folder) == fresh
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder would go")
    assert render(blocked) == fresh
