"""Swedish typography for figures, numbers and dates.

Rules (see DOMAIN.md): a no-break space between number and "%", decimal comma,
digit groups separated by a no-break space, lower-case month names, dates like
"4 februari 2026", en dash in ranges, and shares said in words in campaign
copy ("varannan", "var tredje", "fyra av tio", "drygt", "knappt").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from fractions import Fraction

NBSP = "\u00a0"
EN_DASH = "\u2013"

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)

# Fractions that campaign copy says in words, simplest first: on a tie the simpler wins.
_WORDS: tuple[tuple[Fraction, str], ...] = (
    (Fraction(1, 2), "varannan"),
    (Fraction(1, 3), "var tredje"),
    (Fraction(2, 3), "två av tre"),
    (Fraction(1, 4), "var fjärde"),
    (Fraction(3, 4), "tre av fyra"),
    (Fraction(1, 5), "var femte"),
    (Fraction(1, 10), "var tionde"),
    (Fraction(3, 10), "tre av tio"),
    (Fraction(4, 10), "fyra av tio"),
    (Fraction(6, 10), "sex av tio"),
    (Fraction(7, 10), "sju av tio"),
    (Fraction(8, 10), "åtta av tio"),
    (Fraction(9, 10), "nio av tio"),
)
EXACT_WITHIN = 0.6  # percentage points counted as "exactly" the fraction
NEAR_WITHIN = 3.5  # beyond this the share is given as a percentage instead


def number(value: float | int, decimals: int | None = None) -> str:
    """``2473`` → ``"2 473"``, ``3.5`` → ``"3,5"`` (no-break space groups, decimal comma)."""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    text = f"{abs(value):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    sign = "\u2212" if value < 0 else ""  # a true minus sign
    return sign + text


def percent(value: float | int, decimals: int | None = None) -> str:
    """``45`` → ``"45 %"`` with a no-break space."""
    return f"{number(value, decimals)}{NBSP}%"


@functools.lru_cache(maxsize=4096)  # a figure's words are asked for every area and message that cites it
def share_words(pct: float | int) -> str:
    """A share in words: 50 → "varannan", 35 → "drygt var tredje", 24 → "knappt var fjärde".

    Falls back to the percentage when no everyday fraction is near.
    """
    best: tuple[float, int, str, float] | None = None
    for rank, (frac, words) in enumerate(_WORDS):
        target = float(frac) * 100
        distance = abs(pct - target)
        if best is None or (distance, rank) < (best[0], best[1]):
            best = (distance, rank, words, target)
    assert best is not None
    distance, _, words, target = best
    if distance <= EXACT_WITHIN:
        return words
    if distance > NEAR_WITHIN:
        return percent(pct)
    return f"drygt {words}" if pct > target else f"knappt {words}"


def upper_first(text: str) -> str:
    """Capitalise the first letter only ("var tredje" → "Var tredje")."""
    return text[:1].upper() + text[1:] if text else text


def date(value: dt.date) -> str:
    """``2026-02-04`` → ``"4 februari 2026"``."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def date_range(start: dt.date, end: dt.date) -> str:
    """``9–29 september 2019``; months or years differ → both written out."""
    if start == end:
        return date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}{EN_DASH}{end.day} {MONTHS[end.month - 1]} {end.year}"
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]} {EN_DASH} {date(end)}"
    return f"{date(start)} {EN_DASH} {date(end)}"


# Letters NFKD does not take apart: folded by hand, as in the registry's name lookup.
_FOLD_EXTRA = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l", "þ": "th"})


def slug(text: str, fallback: str = "") -> str:
    """A URL-safe ASCII slug: "Trygg socialtjänst i Västerås" → "trygg-socialtjanst-i-vasteras".

    The one slug rule of the project: the registry's kommun and län slugs
    (``registry/data/*.csv``) are made by it, and so is the default
    ``utm.campaign``. Diacritics are dropped (å, ä → a; ö → o), every other run
    of non-alphanumerics becomes one hyphen; ``fallback`` when nothing is left.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD_EXTRA))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-") or fallback
