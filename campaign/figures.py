"""Figures checked for sense: what a share's value, its words and its dates must agree on.

A share is a percentage: ``value: 0.62`` is almost always a fraction meant as
62 %, and is said so. ``words:`` (the source's own wording, "över sex av tio")
must say what ``value`` says: the words are read as a range of percentages
and a value outside it is an error, so that no card reads "Över sex av tio
(1,7 %)". A fieldwork that ends after the figure was published is impossible,
and a share without its ``population`` gives cards and alt text a statement
without a subject ("Över sex av tio / upplever att …").
"""

from __future__ import annotations

import itertools
import re
from fractions import Fraction

from campaign import sv
from campaign.errors import Problem
from campaign.model import Figure
from campaign.yamlfile import Located, Path_

_NUMBERS = {"en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9, "tio": 10}
_ORDINALS = {"tredje": 3, "fjärde": 4, "femte": 5, "sjätte": 6, "sjunde": 7, "åttonde": 8, "nionde": 9, "tionde": 10}
_PARTS = {"halv": 2, "tredjedel": 3, "fjärdedel": 4, "femtedel": 5, "sjättedel": 6, "tiondel": 10}
_QUALIFIERS: tuple[tuple[str, tuple[float, float]], ...] = (  # words before the share → (below, above) it allows
    ("mer än", (0.5, 20)),
    ("fler än", (0.5, 20)),
    ("över", (0.5, 20)),
    ("drygt", (0.5, 7)),
    ("strax över", (0.5, 5)),
    ("knappt", (7, 0.5)),
    ("nästan", (7, 0.5)),
    ("strax under", (5, 0.5)),
    ("mindre än", (20, 0.5)),
    ("färre än", (20, 0.5)),
    ("under", (20, 0.5)),
    ("omkring", (5, 5)),
    ("cirka", (5, 5)),
    ("ungefär", (5, 5)),
    ("runt", (5, 5)),
    ("nära", (5, 5)),
)
EXACT = (5.0, 5.0)  # words without a qualifier: the source's rounding ("sex av tio" for 57-63 %)


def share_fraction(words: str) -> Fraction | None:
    """The share the words name ("sex av tio" 6/10, "var tredje" 1/3, "varannan" 1/2, "45 %"), or None."""
    text = " ".join(words.casefold().replace("\u00a0", " ").split())
    if m := re.search(r"(\d+(?:[.,]\d+)?)\s*(?:%|procent)", text):
        return Fraction(m.group(1).replace(",", ".")) / 100
    if "varannan" in text or "vartannat" in text or "hälften" in text:
        return Fraction(1, 2)
    if (m := re.search(r"\bvar(?:t)? (\w+)", text)) and m.group(1) in _ORDINALS:
        return Fraction(1, _ORDINALS[m.group(1)])
    if m := re.search(r"\b(\w+) av (\w+)\b", text):
        a, b = _NUMBERS.get(m.group(1)), _NUMBERS.get(m.group(2))
        if a and b and a <= b:
            return Fraction(a, b)
    words_in = text.split()
    for first, second in itertools.pairwise(words_in):  # "en tredjedel", "två tredjedelar"
        part = second.removesuffix("ar")
        if first in _NUMBERS and part in _PARTS:
            return Fraction(_NUMBERS[first], _PARTS[part])
    return None


def words_range(words: str) -> tuple[float, float] | None:
    """The percentages the words allow: "över sex av tio" → (59.5, 80); None when they name no share."""
    fraction = share_fraction(words)
    if fraction is None:
        return None
    centre = float(fraction) * 100
    text = " ".join(words.casefold().split())
    below, above = next((span for word, span in _QUALIFIERS if re.search(rf"\b{word}\b", text)), EXACT)
    return max(0.0, centre - below), min(100.0, centre + above)


def sense_problems(figure: Figure, index: int, doc: Located) -> list[Problem]:
    """Errors and warnings for a figure whose parts do not agree, each at the key it is about."""
    path: Path_ = ("figures", index)
    problems: list[Problem] = []
    if figure.kind == "share":
        problems += _share_problems(figure, path, doc)
    month = figure.fieldwork_text is not None and figure.fieldwork_start is not None  # "2022-09": may end after the 1st
    end = figure.fieldwork_start if month else figure.fieldwork_end
    if figure.published and end and end > figure.published:
        said = f"the fieldwork ({figure.fieldwork_text}) starts" if month else f"the fieldwork ends on {end},"
        problems.append(
            doc.at(
                (*path, "fieldwork"),
                f"{said} after the figure was published on {figure.published}; one of the dates is wrong",
            )
        )
    return problems


def _share_problems(figure: Figure, path: Path_, doc: Located) -> list[Problem]:
    problems: list[Problem] = []
    value = figure.value
    meant = f"did you mean {sv.number(value * 100).replace(sv.NBSP, '')}?" if 0 < value < 1 else ""
    span = words_range(figure.words) if figure.words else None
    if span is not None and not span[0] <= value <= span[1]:
        hint = f"; {meant}" if meant and span[0] <= value * 100 <= span[1] else "; correct one of them"
        problems.append(
            doc.at(
                (*path, "words"),
                f"words {figure.words!r} mean {round(span[0], 1):g}–{round(span[1], 1):g} %, but the value is {value:g} "
                f"({sv.percent(value).replace(sv.NBSP, ' ')}){hint}",
            )
        )
    elif meant:
        problems.append(
            doc.at(
                (*path, "value"),
                f"a share is a percentage (0-100): {value:g} reads as {sv.percent(value).replace(sv.NBSP, ' ')}; {meant}",
                severity="warning",
            )
        )
    for level, values in (("regions", figure.regions), ("municipalities", figure.municipalities)):
        for code, local in values.items():
            if 0 < local.value < 1:
                where = (*path, level, code)
                where += ("value",) if (*where, "value") in doc.values else ()
                problems.append(
                    doc.at(
                        where,
                        f"a share is a percentage (0-100): {local.value:g} reads as "
                        f"{sv.percent(local.value).replace(sv.NBSP, ' ')}; did you mean {sv.number(local.value * 100).replace(sv.NBSP, '')}?",
                        severity="warning",
                    )
                )
    if not figure.population:
        said = sv.upper_first(figure.words or sv.share_words(value))
        problems.append(
            doc.at(
                path,
                f"no population: cards and alt text read '{said} / {figure.statement}' without saying who answered; "
                "add who it is, such as `population: socialchefer` (then the statement goes on without it)",
                severity="warning",
            )
        )
    return problems
