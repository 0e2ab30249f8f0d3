"""The page's image lookup: the index built once answers exactly what the rule says; og:image per page.

The rule (site/view.py): a message's images are its own cards and its figures'
cards; for an area, those drawn for the area itself, else for its län, else
the national ones; sorted by card, id and file. The reference here scans the
whole list as the rule is written, which is what the index replaced (it cost
messages × areas × images on a big campaign).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from campaign.build import build
from campaign.kit import ImageFile
from campaign.model import NATIONAL, Area, Message
from campaign.site.view import ImageIndex, images_for

REPO = Path(__file__).resolve().parents[1]

FIGURES = ("a", "b", "c")
PLACES = (("national", ""), ("lan", "03"), ("lan", "01"), ("kommun", "0380"), ("kommun", "0114"))
AREAS = (
    NATIONAL,
    Area("kommun", "0380", "Uppsala", "03", "Uppsala län", "uppsala"),
    Area("kommun", "0114", "Upplands Väsby", "01", "Stockholms län", "upplands-vasby"),
    Area("kommun", "2480", "Umeå", "24", "Västerbottens län", "umea"),
)


def reference(images: list[ImageFile], message: Message, area: Area) -> list[str]:
    mine = [i for i in images if (i.card == "message" and i.id == message.id) or (i.card == "figure" and i.id in message.figures)]
    for level, code in ((area.level, area.code), ("lan", area.lan_code), ("national", "")):
        local = [i for i in mine if i.area_level == level and i.area_code == code]
        if local:
            return [i.file for i in sorted(local, key=lambda i: (i.card, i.id, i.file))]
    return []


rows = st.lists(
    st.builds(
        lambda card, ident, place, n: ImageFile(
            file=f"{card}-{ident}-{place[0]}{place[1]}-{n}.png",
            card=card,
            id=ident,
            area_level=place[0],
            area_code=place[1],
            area_name="",
            size="og" if n % 2 else "x",
            platforms=(),
            width=1200,
            height=630 if n % 2 else 675,
            bytes=1,
            alt="",
            sha256="",
        ),
        st.sampled_from(("message", "figure")),
        st.sampled_from(("m1", "m2", *FIGURES)),
        st.sampled_from(PLACES),
        st.integers(0, 3),
    ),
    max_size=30,
    unique_by=lambda r: r.file,
)
messages = st.builds(
    lambda ident, figures: Message(
        id=ident, kind="long", variants=("x",), figures=tuple(figures), link=None, hashtags=(), tag=None
    ),
    st.sampled_from(("m1", "m2")),
    st.lists(st.sampled_from(FIGURES), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(rows, messages, st.sampled_from(AREAS))
def test_index_answers_as_the_rule(images: list[ImageFile], message: Message, area: Area) -> None:
    index = ImageIndex(images)
    assert [v.file for v in images_for(index, message, area)] == reference(images, message, area)
    assert [v.file for v in images_for(images, message, area)] == reference(images, message, area)  # a plain list too


# --- og:image on a built kit -------------------------------------------------------------------------------------

LOCAL = '    regions: {"03": 47}\n    municipalities: {"0380": 62}\n'


class _Metas(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.metas: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        key = named.get("property") or named.get("name")
        if tag == "meta" and key and named.get("content") is not None:
            self.metas[key] = named["content"] or ""


def metas(page: Path) -> dict[str, str]:
    parser = _Metas()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.metas


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default campaign built for real, with Uppsala's and Uppsala län's own value for its first figure."""
    root = tmp_path_factory.mktemp("og") / "kampanj"
    for name in ("messages", "assets"):
        shutil.copytree(REPO / name, root / name)
    figures = root / "messages" / "figures.yaml"
    text = figures.read_text(encoding="utf-8")
    first = "    population: socialsekreterare\n  - id: rattssakerhet"
    assert first in text
    figures.write_text(
        text.replace(first, "    population: socialsekreterare\n" + LOCAL + "  - id: rattssakerhet"), encoding="utf-8"
    )
    build(root, root / "build", now=dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.UTC))
    return root / "build"


def test_each_kommun_page_links_its_own_card(kit: Path) -> None:
    base = "https://kampanj.example.org/trygg-socialtjanst/images/"
    alts = {row["file"]: row["alt"] for row in json.loads((kit / "images" / "manifest.json").read_text())["images"]}
    pages = {slug: metas(kit / "kommun" / slug / "index.html") for slug in ("uppsala", "enkoping", "stockholm", "umea")}
    national = metas(kit / "index.html")
    expected = {
        "uppsala": "kommun-0380/figure-resursbrist-og.png",  # its own value: its comparison card
        "enkoping": "lan-03/figure-resursbrist-og.png",  # none of its own: its län's
        "umea": "sverige/figure-resursbrist-og.png",  # none at all: the national card
    }
    for slug, file in expected.items():
        assert pages[slug]["og:image"] == base + file, slug
    assert national["og:image"] == base + "sverige/figure-resursbrist-og.png"
    stockholm = pages["stockholm"]["og:image"].removeprefix(base)
    assert stockholm.startswith("kommun-0180/") and stockholm.endswith("-og.png")  # Stockholm city's own survey
    for slug, page in [*pages.items(), ("", national)]:
        file = page["og:image"].removeprefix(base)
        assert page["og:image:alt"] == alts[file] == page["twitter:image:alt"], slug
        assert page["twitter:image"] == page["og:image"]
        with Image.open(kit / "images" / file) as image:
            assert (int(page["og:image:width"]), int(page["og:image:height"])) == image.size, slug
    assert "I Uppsala 62\u00a0%, i hela landet 50\u00a0%." in pages["uppsala"]["og:image:alt"]
    assert "I Uppsala län 47\u00a0%, i hela landet 50\u00a0%." in pages["enkoping"]["og:image:alt"]
    assert "i hela landet" in pages["stockholm"]["og:image:alt"]
    assert "i hela landet" not in pages["umea"]["og:image:alt"]


def test_the_pickers_english_names_are_the_registrys(tmp_path: Path) -> None:
    from campaign.registry import english_names, find, kommuner
    from campaign.site.render import write_kommun_list

    write_kommun_list(tmp_path, kommuner())
    text = (tmp_path / "data" / "kommuner.js").read_text(encoding="utf-8")
    data = json.loads(text.removeprefix("window.campaignKommuner=").removesuffix(";\n"))
    others = {row[3]: row[4] for row in data["kommuner"] if len(row) > 4}
    assert others == {a.code: list(english_names(a.code)) for a in kommuner() if english_names(a.code)}
    assert others["1480"] == ["Gothenburg"] and find(others["1480"][0]).code == "1480"
    for code, names in others.items():  # each name the picker offers, `campaign registry find` finds
        assert all(find(name).code == code for name in names)
