"""The printable kit: every message, the links, the hashtags and the tip on whom to tag.

The document comms teams used to mail out, as ``kit.html`` (rendered by the
page's templates) and ``kit.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from campaign import sv
from campaign.model import NATIONAL, Area, Campaign
from campaign.site.render import safe_url
from campaign.site.strings import Strings
from campaign.tagrule import parse_rule
from campaign.templating import context, render

# A line opening as a heading ("# "), quote, bullet or numbered item ("2026. "); "#socialtjänst" is no heading.
_BLOCK_START = re.compile(r"^(\s*\d*)([#>*+.)-])(?=\s|$)", re.MULTILINE)


def md_text(text: str) -> str:
    """Campaign text for Markdown: angle brackets as entities, so no text becomes HTML in a Markdown viewer,
    and a line that opens like a heading, quote or list ("#socialtjänst först", "- ") escaped, so it stays text."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def kit_messages(campaign: Campaign, area: Area = NATIONAL) -> list[dict[str, Any]]:
    """Every message as text for ``area`` (its own figures where it has them), with all its phrasings."""
    rows = []
    for message in campaign.messages:
        ctx = context(campaign, area, message.figures, message.link)
        rows.append(
            {
                "message": message,
                "variants": [render(v, ctx) for v in message.variants],
                "link": campaign.link(message.link) if message.link else None,
            }
        )
    return rows


def qr_svg(url: str) -> Markup:
    """The page's address as a QR code, an inline SVG a printed kit can carry (segno; nothing to load)."""
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=3, border=2, title=url)
    return Markup(svg)  # segno's own markup; the URL inside is escaped by segno


def kit_date(now: dt.datetime, language: str, zone: str) -> str:
    """The build's date where the campaign is ("1 december 2026"; "1 December 2026" in English)."""
    day = now.astimezone(ZoneInfo(zone)).date()
    if language == "sv":
        return sv.date(day)
    return f"{day.day} {_EN_MONTHS[day.month - 1]} {day.year}"


_EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def tag_tip(campaign: Campaign) -> str:
    """The kit's tip on whom to tag, from the campaign's tag rules ("socialnämnden ordförande")."""
    t = Strings(campaign.settings.language)
    rules = []
    for text in campaign.settings.tag:
        rule = parse_rule(text)  # validated when the campaign loaded
        titles = ", ".join(rule.titles[:-1]) + f" {t.and_} " + rule.titles[-1] if len(rule.titles) > 1 else rule.titles[0]
        rules.append(t("in_body", title=titles, body=rule.body))
    if not rules:
        return t.tip_kit_plain
    return t("tip_kit", rules=", ".join(rules))


def kit_markdown(campaign: Campaign, t: Strings, messages: list[dict[str, Any]], tip: str) -> str:
    """The printable kit as Markdown: the document comms teams used to mail out."""
    lines = [f"# {md_text(campaign.settings.name)}: {t.kit_title.lower()}", "", md_text(campaign.settings.organisation), ""]
    for kind, heading in (("long", t.long_messages), ("short", t.short_messages)):
        lines += [f"## {heading}", ""]
        rows = [row for row in messages if row["message"].kind == kind]
        for n, row in enumerate(rows, 1):
            lines.append(f"{n}. " + "\n\n   ".join(md_text(v) for v in row["variants"]))
            if row["link"]:
                lines += ["", f"   <{row['link'].url}>"]
            lines.append("")
    lines += [f"## {t.links}", ""] + [f"- {md_text(link.title)}: <{link.url}>" for link in campaign.links] + [""]
    lines += [f"## {t.hashtags}", "", " ".join(f"#{h.tag}" for h in campaign.hashtags), ""]
    lines += [f"## {t.tip_title}", "", tip, ""]
    if safe_url(campaign.settings.base_url):  # the printed kit must say where the page is
        lines += [f"{t.kit_page} <{campaign.settings.base_url}>", ""]
    if campaign.demands:
        lines += [f"## {t.demands}", ""] + [f"- **{md_text(d.title)}.** {md_text(d.text)}" for d in campaign.demands] + [""]
    return "\n".join(lines)
