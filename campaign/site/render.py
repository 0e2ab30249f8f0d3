"""Render the activist page: the Jinja2 environment, the data each page and area file carries.

Every page is rendered by Jinja2 with autoescape on, so campaign text is
always escaped; data for the browser goes into a JSON block or a .js data
file through ``json_for_script``, which escapes ``<``, ``>`` and ``&`` so no
campaign text can close a script element. The page's script reads that data;
there is no inline script, so the Content-Security-Policy can forbid it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket
from markupsafe import Markup

from campaign.compose.output import AREA, area_text
from campaign.compose.platforms import PLATFORMS
from campaign.kit import ImageFile
from campaign.model import NATIONAL, Area, Campaign
from campaign.registry import english_names
from campaign.site.kit import campaign_strings
from campaign.site.safe import json_for_script, safe_url
from campaign.site.view import SHARE_BY_LINK, AreaView, CardView, Column, ImageIndex, ImageView

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
)


@dataclass(frozen=True)
class SiteResult:
    """What the site stage wrote: its pages and the national page's weight (for the stage's note and warning)."""

    pages: tuple[str, ...]  # paths relative to build/
    national_bytes: int  # index.html + its CSS and JS, before images


class _CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's cache of compiled templates in a folder, keyed by each template's name and source (and Jinja's
    and Python's versions): a folder that cannot be read or written only means compiling again. What it
    holds is run: the folder must be the user's own (``campaign.site.stage`` keeps it beside the cache key)."""

    def load_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError, EOFError, ValueError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            Path(self.directory).mkdir(mode=0o700, parents=True, exist_ok=True)
            super().dump_bytecode(bucket)


def environment(compiled: Path | None = None) -> Environment:
    """Jinja2 for the pages: autoescape always on, unknown variables are errors. ``compiled``: a folder that
    keeps the templates compiled from one build to the next (compiling them costs about a tenth of a second)."""
    env = Environment(
        bytecode_cache=_CompiledTemplates(str(compiled)) if compiled is not None else None,
        loader=PackageLoader("campaign.site", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["rows"] = text_rows
    env.filters["json_for_script"] = lambda data: Markup(json_for_script(data))  # escaped for a script element above
    env.globals["platform_name"] = platform_name
    env.globals["share_by_link"] = SHARE_BY_LINK
    env.globals["handle_text"] = handle_text
    env.globals["profile_url"] = profile_url
    return env


def text_rows(text: str, width: int = 60) -> int:
    """Rows a textarea needs for ``text`` at about ``width`` characters a line (page.js then fits it exactly)."""
    lines = sum(max(1, -(-len(line) // width)) for line in text.split("\n"))
    return max(2, min(lines, 14))


def platform_name(platform_id: str) -> str:
    """The platform's name as people write it ("LinkedIn")."""
    return PLATFORMS[platform_id].name if platform_id in PLATFORMS else platform_id


def platform_data(platform_id: str) -> dict[str, Any]:
    """What page.js needs of a platform: its name, how it counts, its byte cap, how it shares."""
    p = PLATFORMS.get(platform_id)
    return {
        "name": platform_name(platform_id),
        "counter": p.counter if p else "utf16",
        "maxBytes": p.max_bytes if p else None,
        "byLink": platform_id in SHARE_BY_LINK,
        "tags": bool(p and p.text_mentions),
    }


def handle_text(platform_id: str, handle: str) -> str:
    """A handle as people write it on the platform: "@anna.example.org" where "@" tags someone."""
    p = PLATFORMS.get(platform_id)
    return f"@{handle}" if p and p.text_mentions and not handle.startswith("@") else handle


_PROFILES = {
    "x": "https://x.com/{}",
    "bluesky": "https://bsky.app/profile/{}",
    "threads": "https://www.threads.com/@{}",
    "instagram": "https://www.instagram.com/{}/",
    "facebook": "https://www.facebook.com/{}",
    "linkedin": "https://www.linkedin.com/in/{}",
}


def profile_url(platform_id: str, handle: str) -> str:
    """The public profile page of a handle, where a politician can be asked in public ("" when unknown)."""
    handle = handle.lstrip("@")
    if platform_id == "mastodon":
        user, _, server = handle.partition("@")
        return f"https://{quote(server, safe='.-:')}/@{quote(user)}" if user and server else ""
    pattern = _PROFILES.get(platform_id)
    return pattern.format(quote(handle, safe="._-")) if pattern and handle else ""


def area_data(view: AreaView, cards: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The data the browser needs to show one area without reloading (``cards``: its cards' data, when
    ``column_data`` made them already)."""
    return {
        **_area_fields(view),
        "cards": {card.id: cards[card.id] if cards is not None else _card_data(card) for card in view.cards},
    }


def _area_fields(view: AreaView) -> dict[str, Any]:
    """``area_data`` but its cards."""
    area = view.area
    return {
        "key": view.key,
        "level": area.level,
        "code": area.code,
        "name": area.name,
        "lan": area.lan_name,
        "figures": [
            {"id": f.id, "value": str(f), "statement": f.stated, "where": f.where, "source": f.source} for f in view.figures
        ],
        "mentions": [
            {
                "name": m.name,
                "role": m.role,
                "handles": m.handles,
                "profiles": {p: profile_url(p, h) for p, h in m.handles.items()},
            }
            for m in view.mentions
        ],
    }


@dataclass(frozen=True)
class ColumnData:
    """What one message's column (``view.Column``) gives the areas' data files, worked out once per column:
    each area's card data (``_card_data``), and each text with the area's name written as ``{area}``
    (``area_text``, which ``SharedData`` would otherwise work out for every text of every area)."""

    cards: dict[tuple[str, str], dict[str, Any]]
    templates: dict[tuple[str, str], str | None]


def column_data(column: Column, names: dict[tuple[str, str], str]) -> ColumnData:
    """``column``'s cards' data, and their texts as templates; ``names``: each area key's name."""
    cards = {key: _card_data(card) for key, card in column.cards.items()}
    templates: dict[tuple[str, str], str | None] = {}
    for key, card in cards.items():
        name = names[key]
        for post in card["posts"].values():
            for text in [*post["parts"], *([post["link"]] if "link" in post else [])]:
                if (text, name) not in templates:
                    templates[(text, name)] = area_text(text, name)
    return ColumnData(cards, templates)


def _card_data(card: CardView) -> dict[str, Any]:
    """A card's posts and images, compactly: 290 of these files make up most of the site."""
    posts = {}
    for p in card.posts:
        posts[p.platform] = {"parts": list(p.parts), "limit": p.limit}
        if p.platform in SHARE_BY_LINK and safe_url(p.link):
            posts[p.platform]["link"] = safe_url(p.link)  # only these share the link; the others carry it in the text
    data: dict[str, Any] = {"posts": posts}
    preview = card.preview
    if preview is not None:
        data["images"] = {
            "alt": preview.alt,
            "preview": card.images.index(preview),
            "files": [[i.file, i.size, i.width, i.height] for i in card.images],
        }
    return data


AreaKey = tuple[str, str]  # an area's (level, code)


@dataclass(frozen=True)
class MessageShared:
    """One message's part of data/shared.js, and each area's reference into it, worked out from the message's
    ``ColumnData`` alone, so that it is kept while the message is unchanged (see ``SharedData``).

    ``table`` is its entry in ``messages`` as JSON: ``texts`` (post texts and links with the area's name
    written as ``{area}``), ``images`` and ``cards`` (its posts and images as they refer to those), each
    what at least two areas hold; ``refs`` is each area's card: an index into ``cards``, or the card itself.
    """

    table: str
    refs: dict[AreaKey, Any]


def message_shared(data: ColumnData, names: dict[AreaKey, str]) -> MessageShared:
    """``MessageShared`` of one message's column data; ``names``: each area key's name."""
    templates = data.templates

    def template(text: str, name: str) -> str | None:
        found = templates.get((text, name), "")
        return area_text(text, name) if found == "" else found

    texts: dict[str, int] = {}
    images: dict[str, int] = {}
    images_json: dict[AreaKey, str] = {}  # each card's images as JSON, written once
    for key, card in data.cards.items():
        name = names[key]
        for post in card["posts"].values():
            for text in [*post["parts"], *([post["link"]] if "link" in post else [])]:
                shared = template(text, name)
                if shared is not None:
                    texts[shared] = texts.get(shared, 0) + 1
        if "images" in card:
            found = images_json[key] = json_for_script(card["images"])
            images[found] = images.get(found, 0) + 1
    text_index = {t: i for i, t in enumerate(t for t, n in texts.items() if n > 1)}
    image_index = {k: i for i, k in enumerate(k for k, n in images.items() if n > 1)}

    def ref(text: str, name: str) -> int | str:
        shared = template(text, name)
        return text_index.get(shared, text) if shared is not None else text

    compact: dict[AreaKey, tuple[str, dict[str, Any]]] = {}
    cards: dict[str, int] = {}
    for key, card in data.cards.items():
        name = names[key]
        posts = {}
        for platform, post in card["posts"].items():
            posts[platform] = {**post, "parts": [ref(t, name) for t in post["parts"]]}
            if "link" in post:
                posts[platform]["link"] = ref(post["link"], name)
        entry: dict[str, Any] = {"posts": posts}
        if "images" in card:
            entry["images"] = image_index.get(images_json[key], card["images"])
        dumped = json_for_script(entry)
        cards[dumped] = cards.get(dumped, 0) + 1
        compact[key] = (dumped, entry)
    card_index = {k: i for i, k in enumerate(k for k, n in cards.items() if n > 1)}
    table = (
        '{"cards":[' + ",".join(card_index) + '],"images":[' + ",".join(image_index) + "],"
        f'"texts":{json_for_script(list(text_index))}' + "}"
    )
    return MessageShared(table, {key: card_index.get(dumped, entry) for key, (dumped, entry) in compact.items()})


class SharedData:
    """What several areas' data files would hold alike, written once to data/shared.js.

    ``messages`` holds each message's own tables (``MessageShared``: its
    texts with the area's name written as ``{area}``, images and cards, each
    what at least two areas hold), ``figures`` the figure entries at least two
    areas hold. An area's file then refers to an entry by its index, and holds
    only what is its own. Each message's tables are its own so that an edit to
    one message makes only its part again.
    """

    def __init__(self, areas: Sequence[AreaView], messages: dict[str, MessageShared]) -> None:
        fields = [_area_fields(view) for view in areas]
        dumped = [[json_for_script(f) for f in data["figures"]] for data in fields]
        counts: dict[str, int] = {}
        for figures in dumped:
            for found in figures:
                counts[found] = counts.get(found, 0) + 1
        self.figures = [k for k, n in counts.items() if n > 1]
        index = {k: i for i, k in enumerate(self.figures)}
        self.messages = messages
        self._areas: dict[str, dict[str, Any]] = {}
        for view, data, figures in zip(areas, fields, dumped, strict=True):
            key = (view.area.level, view.area.code)
            data["figures"] = [index.get(found, f) for found, f in zip(figures, data["figures"], strict=True)]
            data["cards"] = {card.id: messages[card.id].refs[key] for card in view.cards}
            self._areas[view.key] = data

    def area(self, key: str) -> dict[str, Any] | None:
        """The compact data of an area the table was made from, naming the table it refers into."""
        data = self._areas.get(key)
        return {**data, "shared": self.hash} if data is not None else None

    def script(self) -> str:
        """data/shared.js, with ``hash``: the content hash every area file names (``shared``), so that page.js can
        tell a shared table and an area file from different builds (one of them from a cache) apart."""
        return "window.campaignShared={" + f'"hash":{json.dumps(self.hash)},' + self._tables() + "};\n"

    def _tables(self) -> str:
        messages = ",".join(f"{json_for_script(mid)}:{m.table}" for mid, m in self.messages.items())
        return '"figures":[' + ",".join(self.figures) + '],"messages":{' + messages + "}"

    @functools.cached_property
    def hash(self) -> str:
        return hashlib.sha256(self._tables().encode("utf-8")).hexdigest()[:12]


def write_shared_data(out: Path, shared: SharedData) -> None:
    path = out / "data" / "shared.js"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(shared.script(), encoding="utf-8")


AREA_PREFIX = "(window.campaignAreas=window.campaignAreas||{{}})[{key}]="


def write_area_data(out: Path, view: AreaView, shared: SharedData) -> None:
    """data/areas/<key>.js: the area's data as a script (a script loads from file://, a fetch does not),
    referring to data/shared.js for what other areas hold too."""
    path = out / "data" / "areas" / f"{view.key}.js"
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = AREA_PREFIX.format(key=json.dumps(view.key))
    data = shared.area(view.key)
    if data is None:
        raise KeyError(f"{view.key}: not an area data/shared.js was made for")
    path.write_text(f"{prefix}{json_for_script(data)};\n", encoding="utf-8")


def read_area_data(out: Path, key: str) -> dict[str, Any]:
    """An area's data as the page reads it: data/areas/<key>.js with data/shared.js's entries put back
    (the shape ``area_data`` gives), as page.js's loadArea does."""

    def script(path: Path, prefix: str) -> Any:
        text = path.read_text(encoding="utf-8")
        if not (text.startswith(prefix) and text.endswith(";\n")):
            raise ValueError(f"{path}: not a data script starting {prefix!r}")
        return json.loads(text[len(prefix) : -2])

    shared = script(out / "data" / "shared.js", "window.campaignShared=")
    data = script(out / "data" / "areas" / f"{key}.js", AREA_PREFIX.format(key=json.dumps(key)))
    return resolve_area_data(data, shared)


def resolve_area_data(data: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    """An area file's data with its references into data/shared.js resolved (each card into its message's tables)."""
    name = data["name"]
    cards = {}
    for cid, entry in data["cards"].items():
        tables = shared["messages"].get(cid, {"cards": [], "images": [], "texts": []})

        def text(value: int | str, tables: dict[str, Any] = tables) -> str:
            return tables["texts"][value].replace(AREA, name) if isinstance(value, int) else value

        card = tables["cards"][entry] if isinstance(entry, int) else entry
        posts = {}
        for platform, post in card["posts"].items():
            posts[platform] = {**post, "parts": [text(t) for t in post["parts"]]}
            if "link" in post:
                posts[platform]["link"] = text(post["link"])
        cards[cid] = {"posts": posts}
        if "images" in card:
            images = card["images"]
            cards[cid]["images"] = tables["images"][images] if isinstance(images, int) else images
    figures = [shared["figures"][f] if isinstance(f, int) else f for f in data["figures"]]
    return {**data, "cards": cards, "figures": figures}


@functools.cache
def _script_source() -> str:
    return (resources.files("campaign.site") / "static" / "page.js").read_text(encoding="utf-8")


def script_strings(table: dict[str, str]) -> dict[str, str]:
    """The UI strings page.js uses (``S.key`` or ``"key"`` in its source): the rest only the templates need."""
    return dict(_script_strings(tuple(table.items())))


@functools.cache
def _script_strings(table: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Once per table, not per page: each key is looked for in all of page.js."""
    source = _script_source()
    return tuple((k, v) for k, v in table if f"S.{k}" in source or f'"{k}"' in source)


def strings_script(campaign: Campaign) -> str:
    """static/strings.js: the UI text page.js uses (``script_strings``), the same on every page, so written once."""
    return f"window.campaignStrings={json_for_script(script_strings(campaign_strings(campaign).table))};\n"


def page_config(language: str, base_url: str, view: AreaView, root: str, version: str, question: str = "") -> dict[str, Any]:
    """The JSON block every page carries: where it is, the platforms, the question to ask (the UI text,
    the tip the campaign's own, is static/strings.js)."""
    lang = language
    order = list(dict.fromkeys(post.platform for card in view.cards for post in card.posts))
    platforms = {p: platform_data(p) for p in order}
    return {
        "order": order,  # the platforms as the cards show them (a kommun page's folded cards are built in this order)
        "root": root,
        "area": view.key,
        "lang": lang,
        "version": version,
        "platforms": platforms,
        "pageUrl": base_url or "",
        "question": question,  # with {kommun} for the municipality's name
    }


def write_kommun_list(out: Path, kommuner: Sequence[Area]) -> None:
    """data/kommuner.js: the picker's list ([slug, name, län index, code, [English names]]), loaded when the picker is first used.

    The English names ("Gothenburg") are the registry's, which `campaign registry find` accepts too.
    """
    lans = sorted({a.lan_name for a in kommuner})
    data = {
        "lans": lans,
        "kommuner": [
            [a.slug, a.name, lans.index(a.lan_name), a.code, *([list(english)] if (english := english_names(a.code)) else [])]
            for a in kommuner
        ],
    }
    path = out / "data" / "kommuner.js"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"window.campaignKommuner={json_for_script(data)};\n", encoding="utf-8")


OG_SIZE = (1200, 630)  # the link card's size, which base.html states as og:image:width/height


def _og_card(campaign: Campaign, images: Sequence[ImageFile] | ImageIndex, area: Area) -> ImageView | None:
    """The link card for ``area``: its most local 1200×630 card (its own, else its län's, else the national one).

    At that level, the first message's card that has one: on a kommun's page
    that is its own comparison card where the report has a value for it.
    """
    index = images if isinstance(images, ImageIndex) else ImageIndex(images)
    levels = [(area.level, area.code), ("lan", area.lan_code), ("national", "")]
    for level, code in dict.fromkeys((lv, c) for lv, c in levels if lv == "national" or c):
        for message in campaign.messages:
            for image in index.at(message, level, code):
                if (image.width, image.height) == OG_SIZE:
                    return image
    return None


def og_image(campaign: Campaign, images: Sequence[ImageFile] | ImageIndex, area: Area = NATIONAL) -> str:
    """Absolute URL of the link card: the area's most local 1200×630 card (see ``_og_card``), or ""."""
    base = campaign.settings.base_url
    card = _og_card(campaign, images, area) if base else None
    return urljoin(base if base.endswith("/") else base + "/", "images/" + card.file) if base and card else ""


def og_image_alt(campaign: Campaign, images: Sequence[ImageFile] | ImageIndex, area: Area = NATIONAL) -> str:
    """The link card's alt text (og:image:alt), the same card ``og_image`` picks."""
    card = _og_card(campaign, images, area) if campaign.settings.base_url else None
    return card.alt if card else ""


def page_url(campaign: Campaign, path: str) -> str:
    """The absolute URL of a page of the site, or "" without a base_url."""
    return site_url(campaign.settings.base_url, path)


def site_url(base: str | None, path: str) -> str:
    """``path`` under the site's address ``base`` (the campaign's base_url), or "" without one."""
    if not base:
        return ""
    return urljoin(base if base.endswith("/") else base + "/", path)
