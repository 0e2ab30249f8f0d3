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
from campaign.model import NATIONAL, Area, Campaign, Message
from campaign.site.safe import safe_url
from campaign.site.strings import Strings
from campaign.tagrule import parse_rule
from campaign.templating import context, render

# A line opening as a heading ("# "), quote, bullet or numbered item ("2026. "); "#socialtjänst" is no heading.
_BLOCK_START = re.compile(r"^(\s*\d*)([#>*+.)-])(?=\s|$)", re.MULTILINE)


# "&" that a Markdown viewer would read as a character reference ("&amp;", "&#38;"); a plain "&" is text there.
_REFERENCE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def md_text(text: str) -> str:
    """Campaign text for Markdown: angle brackets as entities, so no text becomes HTML in a Markdown viewer,
    and a line that opens like a heading, quote or list ("#socialtjänst först", "- ") escaped, so it stays text.
    "&" stays "&" ("Vård & omsorg"), unless it would open a character reference ("&amp;" is written "&amp;amp;")."""
    text = _REFERENCE.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def kit_messages(campaign: Campaign, area: Area = NATIONAL) -> list[dict[str, Any]]:
    """Every message as text for ``area`` (its own figures where it has them), with all its phrasings."""
    base = context(campaign, area, (), None)  # once per area: the figures' views and the links are every message's
    return [
        {"message": m, "variants": kit_variants(m, base), "link": campaign.link(m.link) if m.link else None}
        for m in campaign.messages
    ]


def kit_variants(message: Message, base: dict[str, Any]) -> tuple[str, ...]:
    """``message``'s phrasings rendered in an area's ``base`` context (``templating.context`` without a figure
    or link: the message's own are put in)."""
    ctx = dict(base)
    if message.figures:
        ctx["figure"] = base["figures"][message.figures[0]]
    if message.link:
        ctx["link"] = base["links"][message.link]
    return tuple(render(v, ctx) for v in message.variants)


def qr_svg(url: str) -> Markup:
    """The page's address as a QR code, an inline SVG a printed kit can carry (segno; nothing to load).
    The same code and markup as ``segno.make(url, error="m")`` gives, found and drawn faster (campaign.site.qr)."""
    from campaign.site import qr  # why here: only a printed kit draws a QR code, and segno loads with it

    svg = qr.svg_inline(qr.make(url, error="m"), scale=3, border=2, title=url)
    return Markup(svg)  # segno's own markup; the URL inside is escaped as segno escapes it


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


def _rules_in_words(campaign: Campaign, t: Strings) -> list[str]:
    """The campaign's tag rules as the tip says them: "ordförande och vice ordförande i socialnämnden"."""
    said = []
    for text in campaign.settings.tag:
        rule = parse_rule(text)  # validated when the campaign loaded
        titles = ", ".join(rule.titles[:-1]) + f" {t.and_} " + rule.titles[-1] if len(rule.titles) > 1 else rule.titles[0]
        said.append(t("in_body", title=titles, body=rule.body))
    return said


def campaign_strings(campaign: Campaign) -> Strings:
    """The UI text with the tip made the campaign's own: its tag rules named, its `page: tip:` as the request.

    The page's script gets the same table, so ``{name}`` is left for it to fill in.
    """
    from campaign.site.settings import page_settings

    t = Strings(campaign.settings.language)
    rules = _rules_in_words(campaign, t)
    ask = page_settings(campaign).tip or t.tip_ask
    roles = f" {t.and_} ".join(rules) if rules else t.tip_roles_plain
    own = {key: t.table[key].replace("{ask}", ask).replace("{roles}", roles) for key in TIP_KEYS}
    own["tip_kit"] = own["tip_kit"].replace("{rules}", ", ".join(rules)) if rules else own["tip_kit_plain"]
    return Strings(campaign.settings.language, own)


TIP_KEYS = ("tip_national", "tip_kommun", "tip_kit", "tip_kit_plain", "tip_none")


def tag_tip(campaign: Campaign) -> str:
    """The kit's tip on whom to tag, from the campaign's tag rules ("ordförande i socialnämnden") and its own tip."""
    return campaign_strings(campaign).tip_kit


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
