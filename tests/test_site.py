"""The activist page as files: what `campaign build` writes, escaping, CSP, size, the kit.

Regenerate the golden kit.md with: CAMPAIGN_REGEN=1 python -m pytest tests/test_site.py -q
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from campaign.compose.core import compose_all
from campaign.errors import CampaignInvalid
from campaign.loader import load
from campaign.model import NATIONAL, Area
from campaign.site.kit import TIP_KEYS
from campaign.site.render import CSP, json_for_script, read_area_data, safe_url
from campaign.site.stage import build_site
from campaign.site.strings import STRINGS
from tests.site_support import AREAS, REPO, SourcePart, build_sample, composer_posts, copy_campaign, stand_in_posts

GOLDEN = Path(__file__).parent / "golden" / "site"
HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> javascript:alert(3)'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "build"
    build_sample(out)
    return out


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
    """data/strings.js: the UI text page.js uses, written once for every page."""
    text = (out / "data" / "strings.js").read_text(encoding="utf-8")
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
    assert "Anna Exempel" in uppsala and "@AnnaExempel" in uppsala
    assert "Anna Exempel" not in national and "Anna Exempel" not in stockholm
    assert "Vad gör Uppsala för att socialtjänsten" in uppsala
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


def test_area_data_files_are_script_safe_json(site: Path) -> None:
    text = (site / "data" / "areas" / "uppsala.js").read_text(encoding="utf-8")
    prefix = '(window.campaignAreas=window.campaignAreas||{})["uppsala"]='
    assert text.startswith(prefix) and text.endswith(";\n")
    assert (site / "data" / "shared.js").read_text(encoding="utf-8").startswith("window.campaignShared={")
    data = read_area_data(site, "uppsala")  # with what several areas share (data/shared.js) put back, as page.js does
    assert data["name"] == "Uppsala" and data["mentions"][0]["handles"]["x"] == "AnnaExempel"
    posts = data["cards"]["resurser"]["posts"]
    assert set(posts) == {"x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram"}
    assert posts["linkedin"]["link"].startswith("https://") and "link" not in posts["x"]  # only link-sharing platforms carry it
    images = data["cards"]["resurser"]["images"]
    assert images["files"][images["preview"]][0] == "resursbrist-sverige-x.png" and images["alt"]


def test_only_own_scripts_and_a_csp_that_forbids_inline_script(site: Path) -> None:
    for page in html_pages(site):
        tags = parse(page)
        metas = [a for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert [m["content"] for m in metas] == [CSP], page
        for tag, attrs in tags.tags:
            if tag == "script":
                own = ("static/", "../../static/", "data/strings.js", "../../data/strings.js")
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


def test_open_graph_points_at_the_card_image(site: Path) -> None:
    campaign = load(REPO).campaign
    metas = {a.get("property") or a.get("name"): a.get("content") for t, a in parse(site / "index.html").tags if t == "meta"}
    base = campaign.settings.base_url
    assert metas["og:image"] == f"{base}images/resursbrist-sverige-og.png"  # the first message's figure
    assert (site / "images" / "resursbrist-sverige-og.png").is_file()
    assert metas["twitter:card"] == "summary_large_image" and metas["twitter:image"] == metas["og:image"]
    assert metas["og:url"] == base and metas["og:title"] == "Trygg socialtjänst"
    uppsala = {a.get("property"): a.get("content") for t, a in parse(site / "kommun/uppsala/index.html").tags if t == "meta"}
    assert uppsala["og:url"] == f"{base}kommun/uppsala/" and uppsala["og:image"] == metas["og:image"]
    stockholm = {a.get("property"): a.get("content") for t, a in parse(site / "kommun/stockholm/index.html").tags if t == "meta"}
    assert stockholm["og:image"] == f"{base}images/rattssakerhet-0180-og.png"  # its own card where it has one
    # Each says what its card shows (og:image:alt): Stockholm's own figure, the country's elsewhere.
    assert (
        stockholm["og:image:alt"].startswith("upplever att de inte kan ge den kvalitet")
        and "kommun 0180" in stockholm["og:image:alt"]
    )
    assert metas["og:image:alt"].startswith("anger brist på resurser") and metas["twitter:image:alt"] == metas["og:image:alt"]


def test_images_lazy_load_with_alt_text_and_downloads(site: Path) -> None:
    stockholm = parse(site / "kommun/stockholm/index.html")
    imgs = [a for t, a in stockholm.tags if t == "img"]
    assert imgs and all(a["loading"] == "lazy" and a["alt"] for a in imgs)
    # The page's first message's card in its HTML; the others' in its data file (page.js builds them alike).
    assert "../../images/resursbrist-sverige-x.png" in [a["src"] for a in imgs]
    # Stockholm's own cards where it has its own figures, the national ones elsewhere.
    cards = read_area_data(site, "stockholm")["cards"]
    assert "rattssakerhet-0180-og.png" in [f[0] for f in cards["rattssakerhet"]["images"]["files"]]
    assert cards["resurser"]["images"]["files"][cards["resurser"]["images"]["preview"]][0] == "resursbrist-sverige-x.png"
    html = (site / "kommun/stockholm/index.html").read_text(encoding="utf-8")
    assert "download>X, Mastodon, Threads (1200×675)</a>" in html and "download>Facebook, LinkedIn (1200×630)</a>" in html


def test_hostile_messages_show_as_text(tmp_path: Path) -> None:
    root = copy_campaign(tmp_path)
    path = root / "messages" / "messages.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["messages"].append({"id": "hostile", "kind": "long", "link": "rapport", "text": HOSTILE})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    campaign = load(root).campaign
    out = tmp_path / "build"
    build_site(campaign, composer_posts(campaign), [], out, AREAS)
    for page in [*html_pages(out), out / "data" / "areas" / "uppsala.js"]:
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text, page
        assert 'href="javascript:' not in text.lower()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;&gt;&lt;img src=x onerror=alert(2)&gt; javascript:alert(3)" in index
    assert "\\u003cscript\\u003ealert(1)" in (out / "data" / "areas" / "uppsala.js").read_text(encoding="utf-8")
    kit = (out / "kit.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)" in kit
    markdown = (out / "kit.md").read_text(encoding="utf-8")
    assert (
        '&lt;script&gt;alert(1)&lt;/script&gt; "&gt;&lt;img src=x onerror=alert(2)&gt;' in markdown and "<script>" not in markdown
    )


def test_javascript_links_are_refused_at_validation(tmp_path: Path) -> None:
    root = copy_campaign(tmp_path)
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


def test_printable_kit_has_every_part(site: Path) -> None:
    campaign = load(REPO).campaign
    kit = (site / "kit.html").read_text(encoding="utf-8")
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
    import dataclasses

    campaign = load(REPO).campaign
    campaign = dataclasses.replace(campaign, settings=dataclasses.replace(campaign.settings, base_url=None))
    build_site(campaign, compose_all(campaign, [NATIONAL]), [], tmp_path, (NATIONAL,))
    assert "Kampanjsidan" not in (tmp_path / "kit.html").read_text(encoding="utf-8")
    assert "Kampanjsidan" not in (tmp_path / "kit.md").read_text(encoding="utf-8")


def test_printable_kit_markdown_matches_golden(site: Path) -> None:
    actual = (site / "kit.md").read_text(encoding="utf-8")
    golden = GOLDEN / "kit.md"
    if os.environ.get("CAMPAIGN_REGEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8"), "kit.md changed: CAMPAIGN_REGEN=1 python -m pytest tests/test_site.py"


def test_national_page_is_light_with_all_290_municipalities(tmp_path: Path) -> None:
    campaign = load(REPO).campaign
    kommuner = [
        Area("kommun", f"{i:04d}", f"Kommun nummer {i}", f"{i % 21:02d}", f"Län nummer {i % 21}", f"kommun-{i}")
        for i in range(290)
    ]
    national = compose_all(campaign, [NATIONAL])  # the composer's real posts: links with UTM, threads
    posts = national + [replace(p, area=k) for k in kommuner for p in national]  # same text: only the size matters here
    result = build_site(campaign, posts, [], tmp_path / "all", [NATIONAL, *kommuner])
    assert len(kommun_list(tmp_path / "all")["kommuner"]) == 290
    assert result.national_bytes < 150_000, result.national_bytes


def test_output_is_deterministic(tmp_path: Path, site: Path) -> None:
    again = tmp_path / "again"
    build_sample(again)
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        assert (again / path.relative_to(site)).read_bytes() == path.read_bytes(), path


def test_english_ui_strings(tmp_path: Path) -> None:
    root = copy_campaign(tmp_path)
    path = root / "messages" / "campaign.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("language: sv", "language: en"), encoding="utf-8")
    campaign = load(root).campaign
    build_site(campaign, compose_all(campaign, [NATIONAL]), [], tmp_path / "build", (NATIONAL,))
    index = (tmp_path / "build" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in index and "Choose your municipality" in index
    assert page_strings(tmp_path / "build")["copy"] == "Copy"
    assert set(STRINGS["en"]) == set(STRINGS["sv"])


def test_a_thread_shows_each_part_with_a_hint(tmp_path: Path) -> None:
    campaign = load(REPO).campaign
    posts = stand_in_posts(campaign, [NATIONAL])
    posts = [
        replace(p, parts=(SourcePart("1/2 Första delen.", 300), SourcePart("2/2 Andra delen.", 300)))
        if p.platform == "bluesky"
        else p
        for p in posts
    ]
    build_site(campaign, posts, [], tmp_path, (NATIONAL,))
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    panel = index.split('id="p-resurser-bluesky"')[1].split("</section>")[0]
    assert "en tråd i 2 delar" in panel
    assert 'aria-label="Texten om resurser för Bluesky, del 1 av 2">1/2 Första delen.</textarea>' in panel
    assert 'aria-label="Texten om resurser för Bluesky, del 2 av 2">2/2 Andra delen.</textarea>' in panel


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
    root = copy_campaign(tmp_path)
    (root / "messages" / "page.yaml").write_text("page:\n  intro: Dela i dag!\n  platforms: [bluesky, x]\n", encoding="utf-8")
    campaign = load(root).campaign
    build_site(campaign, compose_all(campaign, [NATIONAL]), [], tmp_path / "build", (NATIONAL,))
    index = (tmp_path / "build" / "index.html").read_text(encoding="utf-8")
    assert '<p class="lede">Dela i dag!</p>' in index and '<meta name="description" content="Dela i dag!">' in index
    panels = re.findall(r'id="p-resurser-([a-z]+)"', index)
    assert panels == ["bluesky", "x"]


def test_page_settings_are_validated(tmp_path: Path) -> None:
    root = copy_campaign(tmp_path)
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
