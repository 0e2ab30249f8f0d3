"""Write the activist page: HTML per area, a data file per area, the printable kit.

Every page is rendered by Jinja2 with autoescape on, so campaign text is
always escaped; data for the browser goes into a JSON block or a .js data
file through ``json_for_script``, which escapes ``<``, ``>`` and ``&`` so no
campaign text can close a script element. The page's script reads that data;
there is no inline script, so the Content-Security-Policy can forbid it.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from markupsafe import Markup
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from campaign import sv
from campaign.model import NATIONAL, Area, Campaign
from campaign.compose.platforms import PLATFORMS
from campaign.site.strings import STRINGS, Strings
from campaign.site.view import SHARE_BY_LINK, AreaView, CardView, images_for
from campaign.templating import context, render

STATIC_FILES = ("page.css", "count.js", "page.js")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'none'; font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
)


@dataclass(frozen=True)
class SiteResult:
    """What the site stage wrote, for ``kit.results["site"]``."""

    pages: tuple[str, ...]  # paths relative to build/
    national_bytes: int  # index.html + its CSS and JS, before images


def json_for_script(data: Any) -> str:
    """JSON that is safe inside a <script> element and a .js file."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def safe_url(url: str | None) -> str:
    """Only http(s) URLs become links; validation already refuses others, this is the last guard."""
    if url and url.lower().startswith(("https://", "http://")):
        return url
    return ""


def environment() -> Environment:
    """Jinja2 for the pages: autoescape always on, unknown variables are errors."""
    env = Environment(
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
    return env


def text_rows(text: str, width: int = 60) -> int:
    """Rows a textarea needs for ``text`` at about ``width`` characters a line (page.js then fits it exactly)."""
    lines = sum(max(1, -(-len(line) // width)) for line in text.split("\n"))
    return max(2, min(lines, 14))


def platform_name(platform_id: str) -> str:
    return PLATFORMS[platform_id].name if platform_id in PLATFORMS else platform_id


def platform_data(platform_id: str) -> dict[str, Any]:
    """What page.js needs of a platform: its name, how it counts, its byte cap, how it shares."""
    p = PLATFORMS.get(platform_id)
    return {
        "name": platform_name(platform_id),
        "counter": p.counter if p else "utf16",
        "maxBytes": p.max_bytes if p else None,
        "byLink": platform_id in SHARE_BY_LINK,
    }


def static_version(root: Path) -> str:
    """A short content hash of the static files, appended to their URLs to bust caches."""
    digest = hashlib.sha256()
    for name in (*STATIC_FILES, "theme.css"):
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:10]


def theme_css(campaign: Campaign) -> str:
    """The campaign's colours as CSS custom properties (validated #RRGGBB values)."""
    theme = campaign.settings.theme
    pairs = {"bg": theme.background, "fg": theme.foreground, "accent": theme.accent, "accent-text": theme.accent_text}
    return ":root { " + " ".join(f"--{k}: {v};" for k, v in pairs.items() if re.fullmatch(r"#[0-9a-fA-F]{6}", v)) + " }\n"


def twitter_tlds() -> list[str]:
    """The ASCII top-level domains twitter-text knows (a bare domain counts as a link only with one)."""
    try:
        from twitter_text.regexp.valid_cctld import valid_cctld
        from twitter_text.regexp.valid_gtld import valid_gtld
    except ImportError:
        return []
    names = set()
    for pattern in (valid_gtld.pattern, valid_cctld.pattern):
        body = pattern.removeprefix("(?:(?:").split(")(?=")[0]
        names.update(n for n in body.split("|") if re.fullmatch(r"[a-z0-9-]+", n))
    return sorted(names, key=lambda n: (-len(n), n))


def with_tlds(script: str) -> str:
    """count.js with the full TLD list in place of its short default."""
    tlds = twitter_tlds()
    if not tlds:
        return script
    return re.sub(r"/\*tlds\*/.*?/\*end\*/", lambda _m: json.dumps("|".join(tlds)), script, count=1)


def copy_static(out: Path, campaign: Campaign) -> str:
    """Copy the page's CSS and JS into build/static/ with the theme; return their version hash."""
    target = out / "static"
    target.mkdir(parents=True, exist_ok=True)
    source = resources.files("campaign.site") / "static"
    for name in STATIC_FILES:
        with resources.as_file(source / name) as path:
            shutil.copyfile(path, target / name)
    count_js = target / "count.js"
    count_js.write_text(with_tlds(count_js.read_text(encoding="utf-8")), encoding="utf-8")
    (target / "theme.css").write_text(theme_css(campaign), encoding="utf-8")
    return static_version(target)


def area_data(view: AreaView) -> dict[str, Any]:
    """The data the browser needs to show one area without reloading."""
    area = view.area
    return {
        "key": view.key,
        "level": area.level,
        "code": area.code,
        "name": area.name,
        "lan": area.lan_name,
        "figures": [
            {"id": f.id, "value": str(f), "statement": f.statement, "where": f.where, "note": f.note, "source": f.source}
            for f in view.figures
        ],
        "mentions": [{"name": m.name, "role": m.role, "handles": m.handles} for m in view.mentions],
        "cards": {card.id: _card_data(card) for card in view.cards},
    }


def _card_data(card: CardView) -> dict[str, Any]:
    return {
        "posts": {p.platform: {"parts": list(p.parts), "limit": p.limit, "link": safe_url(p.link)} for p in card.posts},
        "images": [{"file": i.file, "size": i.size, "width": i.width, "height": i.height, "alt": i.alt} for i in card.images],
    }


def write_area_data(out: Path, view: AreaView) -> None:
    path = out / "data" / "areas" / f"{view.key}.js"
    path.parent.mkdir(parents=True, exist_ok=True)
    key = json.dumps(view.key)
    path.write_text(f"(window.campaignAreas=window.campaignAreas||{{}})[{key}]={json_for_script(area_data(view))};\n", encoding="utf-8")


def page_config(campaign: Campaign, view: AreaView, kommuner: Sequence[Area], root: str, version: str) -> dict[str, Any]:
    """The JSON block every page carries: where it is, the UI text, the platforms, the picker's list."""
    lang = Strings(campaign.settings.language).language
    platforms = {p: platform_data(p) for card in view.cards for p in (post.platform for post in card.posts)}
    lans = sorted({a.lan_name for a in kommuner})
    return {
        "root": root,
        "area": view.key,
        "lang": lang,
        "version": version,
        "strings": STRINGS[lang],
        "platforms": platforms,
        "pageUrl": campaign.settings.base_url or "",
        "lans": lans,
        "kommuner": [[a.slug, a.name, lans.index(a.lan_name)] for a in kommuner],
    }


def og_image(campaign: Campaign, images: Sequence[dict[str, Any]]) -> str:
    """Absolute URL of the campaign's link card: the first message's national 1200×630 image, or ""."""
    base = campaign.settings.base_url
    if not base:
        return ""
    candidates = [i for m in campaign.messages for i in images_for(images, m, NATIONAL)]
    best = [i for i in candidates if (i.width, i.height) == (1200, 630)] or candidates
    return urljoin(base if base.endswith("/") else base + "/", "images/" + best[0].file) if best else ""


def page_url(campaign: Campaign, path: str) -> str:
    base = campaign.settings.base_url
    if not base:
        return ""
    return urljoin(base if base.endswith("/") else base + "/", path)


def kit_messages(campaign: Campaign) -> list[dict[str, Any]]:
    """Every message as national text, with all its phrasings, for the printable kit."""
    rows = []
    for message in campaign.messages:
        ctx = context(campaign, NATIONAL, message.figures, message.link)
        rows.append({
            "message": message,
            "variants": [render(v, ctx) for v in message.variants],
            "link": campaign.link(message.link) if message.link else None,
        })
    return rows


def tag_tip(campaign: Campaign) -> str:
    """The kit's tip on whom to tag, from the campaign's tag rules ("socialnämnden ordförande")."""
    from campaign.registry import parse_rule

    t = Strings(campaign.settings.language)
    rules = []
    for text in campaign.settings.tag:
        rule = parse_rule(text)  # validated when the campaign loaded
        titles = ", ".join(rule.titles[:-1]) + f" {t.and_} " + rule.titles[-1] if len(rule.titles) > 1 else rule.titles[0]
        rules.append(t("in_body", title=titles, body=rule.body))
    if not rules:
        return t.tip_kit_plain
    return t("tip_kit", rules=", ".join(rules))


def date_text(campaign: Campaign) -> str:
    return sv.date(campaign.settings.launch_date)


def kit_markdown(campaign: Campaign, t: Strings, messages: list[dict[str, Any]], tip: str) -> str:
    """The printable kit as Markdown: the document comms teams used to mail out."""
    lines = [f"# {campaign.settings.name}: {t.kit_title.lower()}", "", campaign.settings.organisation, ""]
    for kind, heading in (("long", t.long_messages), ("short", t.short_messages)):
        lines += [f"## {heading}", ""]
        rows = [row for row in messages if row["message"].kind == kind]
        for n, row in enumerate(rows, 1):
            lines.append(f"{n}. " + "\n\n   ".join(row["variants"]))
            if row["link"]:
                lines += ["", f"   <{row['link'].url}>"]
            lines.append("")
    lines += [f"## {t.links}", ""] + [f"- {link.title}: <{link.url}>" for link in campaign.links] + [""]
    lines += [f"## {t.hashtags}", "", " ".join(f"#{h.tag}" for h in campaign.hashtags), ""]
    lines += [f"## {t.tip_title}", "", tip, ""]
    if campaign.demands:
        lines += [f"## {t.demands}", ""] + [f"- **{d.title}.** {d.text}" for d in campaign.demands] + [""]
    return "\n".join(lines)
