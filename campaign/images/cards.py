"""Which cards a campaign has, and the words on each: figures, short messages, demands.

Every key figure gets a national card, plus one for each län and kommun the
report has its own value for. Short messages (with ``image: true``) and
demands get national cards. The words come from the composer's figure view
and Swedish typography, so a card says exactly what the posts say.

A share's card for a län or kommun with its own value is drawn with the
``comparison`` layout: the local value beside the national one, as two bars,
and its alt text says both ("I Uppsala 62 %, i hela landet 48 %").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from campaign import sv
from campaign.errors import NotFound
from campaign.model import NATIONAL, Area, Campaign, Figure, LocalValue
from campaign.registry import find
from campaign.registry.geography import AreaNotFound, Level, kommun, lan
from campaign.schema import suggest
from campaign.templating import context, figure_view, local_value, render

MAX_ALT = 1_000  # X's alt text limit, the tightest of the platforms (PLATFORMS.md)

LABELS = {
    "sv": {
        "source": "Källa",
        "sample": "{n} svarande",
        "kicker": "Vi kräver",
        "national": "Sverige",
        "demand": "Krav",
        "compare": "I {place} {value}, i hela landet {national}",
    },
    "en": {
        "source": "Source",
        "sample": "{n} respondents",
        "kicker": "We demand",
        "national": "Sweden",
        "demand": "Demand",
        "compare": "In {place} {value}, in the whole country {national}",
    },
}


@dataclass(frozen=True)
class Card:
    """One card to draw in every size: its layout kind, what it is about, its words."""

    kind: str  # layout: figure, message or demand
    ident: str  # figure, message or demand id
    area: Area
    values: dict[str, str] = field(hash=False)
    alt: str = ""
    layout: str = ""  # the layout it is drawn with, when not its kind's: "comparison" for a local share

    @property
    def layout_kind(self) -> str:
        """Which of the layouts (figure, comparison, message, demand) draws it."""
        return self.layout or self.kind

    @property
    def folder(self) -> str:
        """Where its files go inside images/: ``sverige``, ``lan-03``, ``kommun-0380``."""
        return "sverige" if self.area.level == "national" else f"{self.area.level}-{self.area.code}"

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.ident}"


def area_for(level: str, code: str) -> Area:
    """The registry's Area for a code; the bare code as its name for a code the registry does not know."""
    try:
        return kommun(code) if level == "kommun" else lan(code)
    except AreaNotFound:  # a report's own code (a merged kommun, say): the card still gets drawn, named by its code
        if level == "kommun":
            return Area("kommun", code, f"kommun {code}", code[:2], f"län {code[:2]}", f"kommun-{code}")
        return Area("lan", code, f"län {code}", code, f"län {code}", f"lan-{code}")


def plan(campaign: Campaign) -> list[Card]:
    """Every card of the campaign, in a stable order."""
    cards: list[Card] = []
    for figure in campaign.figures:
        cards += figure_cards(campaign, figure)
    cards += message_cards(campaign)
    cards += demand_cards(campaign)
    return cards


def figure_areas(figure: Figure) -> list[Area]:
    """National, then each län, then each kommun the figure has its own value for."""
    regions = [area_for("lan", c) for c in sorted(figure.regions)]
    return [NATIONAL, *regions, *(area_for("kommun", c) for c in sorted(figure.municipalities))]


def figure_cards(campaign: Campaign, figure: Figure, areas: list[Area] | None = None) -> list[Card]:
    """A card for each area (all with local values by default)."""
    return [figure_card(campaign, figure, area) for area in (areas if areas is not None else figure_areas(figure))]


def _common(campaign: Campaign) -> dict[str, str]:
    s = campaign.settings
    required = [h for h in campaign.hashtags if h.required] or list(campaign.hashtags)
    return {"organisation": s.organisation, "campaign": s.name, "hashtag": f"#{required[0].tag}" if required else ""}


def _labels(campaign: Campaign) -> dict[str, str]:
    return LABELS.get(campaign.settings.language, LABELS["sv"])


def place(campaign: Campaign, area: Area) -> str:
    """The place a card is about, as its label says it."""
    return _labels(campaign)["national"] if area.level == "national" else area.name


def figure_card(campaign: Campaign, figure: Figure, area: Area) -> Card:
    """The card of one figure for one area, with its words and alt text."""
    view = figure_view(figure, area)
    local = {"kommun": figure.municipalities.get(area.code), "lan": figure.regions.get(area.lan_code)}.get(view.level)
    value = view.percent if figure.kind == "share" else view.number
    words = value if campaign.settings.language == "en" else view.words  # the word forms are Swedish
    values = {
        **_common(campaign),
        "big": sv.upper_first(words),
        "value": value,
        "words": words,
        "statement": view.stated,  # with its population: a card never shows a statement without its subject
        "source": view.source,
        "place": place(campaign, area),
        "area_level": area.level,
        **_source_words(_labels(campaign), figure, local, view.source, view.sample_size),
    }
    if figure.kind == "share" and area.level != "national" and view.level == area.level:
        values |= _comparison(_labels(campaign), figure, view.value, view.source)
        return Card("figure", figure.id, area, values, comparison_alt(_labels(campaign), values), "comparison")
    return Card("figure", figure.id, area, values, figure_alt(values))


def _comparison(labels: dict[str, str], figure: Figure, value: float, source: str) -> dict[str, str]:
    """The national value beside a local one: its label and words, both bars' shares, and its source if another."""
    national = ""
    if source != figure.source:  # the local value has its own source: the national one is cited too
        line = _source_words(labels, figure, None, figure.source, None, note=False)["source_line"]
        national = f"{labels['national']}: " + line.removeprefix(f"{labels['source']}: ")
    return {
        "national": labels["national"],
        "national_value": sv.percent(figure.value),
        "national_share": _share(figure.value),
        "share": _share(value),
        "comparison_source": national,
    }


def _share(value: float) -> str:
    """A bar's length as the renderer reads it ("62", "3.5"): never shown, so no decimal comma."""
    return f"{float(value):g}"


def _source_words(
    labels: dict[str, str], figure: Figure, local: LocalValue | None, source: str, sample_size: int | None, note: bool = True
) -> dict[str, str]:
    """``date``, ``sample`` and ``source_line`` ("Källa: …, 9–29 september 2019 (2 473 svarande)")."""
    if local is not None and local.fieldwork:
        date = local.fieldwork
    elif figure.published and local is None:
        date = sv.date(figure.published)
    elif figure.fieldwork_text or figure.fieldwork_start is None or figure.fieldwork_end is None:
        date = figure.fieldwork_text or ""  # "september 2022", "hösten 2008": as the source says it
    else:
        date = sv.date_range(figure.fieldwork_start, figure.fieldwork_end)
    # A local value without its own sample size is a breakdown: the national total would mislead.
    size = local.sample_size if local is not None else sample_size
    sample = labels["sample"].format(n=sv.number(size)) if size else ""
    when = "" if not date or date in source else ", " + date.replace(" ", sv.NBSP)  # "26 september 2022" on one line
    line = f"{labels['source']}: {source}{when}" + (f" ({sample})" if sample else "")
    if note and figure.note and local is None:
        line += f". {figure.note}"
    return {"date": date.replace(" ", sv.NBSP), "sample": sample, "source_line": line}


def figure_alt(values: dict[str, str]) -> str:
    """Alt text: the place, the figure in words and as a number, the statement, the source."""
    figure = values["big"] if values["words"] == values["value"] else f"{values['big']} ({values['value']})"
    text = f"{values['place']}: {figure} {values['statement']}. {values['source_line']}. {values['organisation']}."
    return clip(text)


def comparison_alt(labels: dict[str, str], values: dict[str, str]) -> str:
    """Alt text of a comparison card: as a figure's, with the comparison in words and both sources."""
    figure = values["big"] if values["words"] == values["value"] else f"{values['big']} ({values['value']})"
    compare = labels["compare"].format(place=values["place"], value=values["value"], national=values["national_value"])
    source = values["source_line"] + (f". {values['comparison_source']}" if values["comparison_source"] else "")
    return clip(f"{values['place']}: {figure} {values['statement']}. {compare}. {source}. {values['organisation']}.")


def clip(text: str, limit: int = MAX_ALT) -> str:
    """At most ``limit`` characters, cut at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def message_cards(campaign: Campaign) -> list[Card]:
    """A national quote card for each short message that wants an image."""
    cards = []
    for message in campaign.messages:
        if message.kind != "short" or not message.image:
            continue
        text = render(message.variants[0], context(campaign, NATIONAL, message.figures, message.link))
        values = {**_common(campaign), "text": text, "place": place(campaign, NATIONAL), "area_level": "national"}
        cards.append(Card("message", message.id, NATIONAL, values, clip(f"{text} – {values['organisation']}")))
    return cards


def demand_cards(campaign: Campaign) -> list[Card]:
    """A national card for each demand."""
    labels = _labels(campaign)
    cards = []
    for demand in campaign.demands:
        values = {
            **_common(campaign),
            "title": demand.title,
            "text": demand.text,
            "kicker": labels["kicker"],
            "place": place(campaign, NATIONAL),
            "area_level": "national",
        }
        alt = clip(f"{labels['demand']}: {demand.title}. {demand.text} – {values['organisation']}")
        cards.append(Card("demand", demand.id, NATIONAL, values, alt))
    return cards


def resolve_area(level: Level, query: str) -> Area:
    """A kommun or län from a code or a name, as the registry finds it (NotFound otherwise)."""
    return find(query, level)


def select(campaign: Campaign, *, figures: tuple[str, ...] = (), areas: tuple[Area, ...] = ()) -> list[Card]:
    """The cards for some figures and/or areas: per figure and area, its most local card.

    For an area, each figure's card is the area's own where the report has a
    value for it, else its län's, else the national one; with figure ids, only
    those figures' cards (no message or demand cards).
    """
    known = [f.id for f in campaign.figures]
    for fid in figures:
        if fid not in known:
            raise NotFound(f"unknown figure {fid!r}{suggest(fid, known)}; known: {', '.join(known)}")
    cards: list[Card] = []
    for figure in campaign.figures:
        if figures and figure.id not in figures:
            continue
        if not areas:
            cards += figure_cards(campaign, figure)
            continue
        targets: list[Area] = []
        for area in areas:
            _, level = local_value(figure, area)
            target = area if level == area.level else area_for("lan", area.lan_code) if level == "lan" else NATIONAL
            if target not in targets:
                targets.append(target)
        cards += [figure_card(campaign, figure, target) for target in targets]
    if not figures:
        cards += message_cards(campaign) + demand_cards(campaign)
    return cards
