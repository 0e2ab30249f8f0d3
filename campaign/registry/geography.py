"""Sweden's 290 kommuner and 21 län, and lookup by code or name.

The data ships with the toolkit (``data/kommuner.csv``, ``data/lan.csv``): the
official SCB codes, names as SCB writes them, and a URL-safe slug;
``data/english.csv`` holds the names people use in English ("Gothenburg",
"Skåne County", "Scania"), which lookup and the page's picker both accept. Two names
fold to the same ASCII slug (Håbo 0305 and Habo 0643); both then carry their
code (``habo-0305``, ``habo-0643``) so that neither gets the other's links.

Lookup is forgiving the way people type: case, spaces, hyphens and, when no
name matches exactly, diacritics are ignored; "kommun"/"stad" after a name
and "Region" before it are dropped; a län can be named without "län"
("Skåne", "Stockholm" with level="lan"). The tiers, first hit wins:

1. the code (leading zeros may be dropped: "180" is 0180);
2. the name with its diacritics ("Habo" is Habo, "Håbo" is Håbo);
3. a län's short name ("Västra Götaland");
4. the same two without diacritics ("Malung salen", "Vasteras"), and the English
   names ("Gothenburg" is Göteborg);
5. a unique beginning of a name ("Malung") or word of one ("Ed" is Dals-Ed,
   "Sälen" Malung-Sälen).

More than one hit in a tier is an ``AmbiguousArea`` listing the candidates;
none is an ``AreaNotFound`` with the nearest names.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from campaign.errors import CampaignError, ExitCode, NotFound
from campaign.model import NATIONAL, Area

Level = Literal["kommun", "lan", "any"]
LEVELS: tuple[str, ...] = ("kommun", "lan", "any")
_LEVEL_WORDS = {"kommun": "kommun", "lan": "län", "any": "kommun or län"}
_MIN_PREFIX = 3  # shorter beginnings match too much to mean anything


class AreaNotFound(NotFound):
    """No kommun or län matches; ``suggestions`` holds the nearest ones."""

    def __init__(self, message: str, suggestions: tuple[Area, ...] = ()) -> None:
        super().__init__(message)
        self.suggestions = suggestions


class AmbiguousArea(CampaignError):
    """A name matches more than one area; ``candidates`` lists them."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, message: str, candidates: tuple[Area, ...]) -> None:
        super().__init__(message)
        self.candidates = candidates


@dataclass(frozen=True)
class _Data:
    lan: tuple[Area, ...]
    kommuner: tuple[Area, ...]
    by_code: dict[str, Area]
    english: dict[str, tuple[str, ...]]  # code → the area's names in English


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("campaign.registry").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@functools.cache
def _data() -> _Data:
    lan = tuple(Area("lan", r["lanskod"], r["lan"], r["lanskod"], r["lan"], r["slug"]) for r in _rows("lan.csv"))
    kommuner = tuple(
        Area("kommun", r["kommunkod"], r["kommun"], r["lanskod"], r["lan"], r["slug"]) for r in _rows("kommuner.csv")
    )
    by_code = {a.code: a for a in (*lan, *kommuner)}
    english: dict[str, tuple[str, ...]] = {}
    for row in _rows("english.csv"):
        english[row["code"]] = (*english.get(row["code"], ()), row["name"])
    lan_sorted, kommuner_sorted = tuple(sorted(lan, key=lambda a: a.code)), tuple(sorted(kommuner, key=lambda a: a.code))
    return _Data(lan_sorted, kommuner_sorted, by_code, english)


def english_names(code: str) -> tuple[str, ...]:
    """The names people use for an area in English ("Gothenburg" for 1480 Göteborg), if it has any of its own."""
    return _data().english.get(code, ())


def areas() -> list[Area]:
    """Every area: the nation first, then the 21 län, then the 290 kommuner, each by code."""
    data = _data()
    return [NATIONAL, *data.lan, *data.kommuner]


def kommuner(lan_code: str | None = None) -> list[Area]:
    """The kommuner by code, optionally only those in one län."""
    return [a for a in _data().kommuner if lan_code is None or a.lan_code == lan_code]


def all_lan() -> list[Area]:
    """The 21 län by code."""
    return list(_data().lan)


def kommun(code: str) -> Area:
    """The kommun with this four-digit code; AreaNotFound otherwise."""
    found = _data().by_code.get(code)
    if found is None or found.level != "kommun":
        raise AreaNotFound(f"no kommun has the code {code!r}; a kommun code has four digits, e.g. '0380' (Uppsala)")
    return found


def lan(code: str) -> Area:
    """The län with this two-digit code; AreaNotFound otherwise."""
    found = _data().by_code.get(code)
    if found is None or found.level != "lan":
        raise AreaNotFound(f"no län has the code {code!r}; a län code has two digits, e.g. '03' (Uppsala län)")
    return found


def area(code: str) -> Area:
    """The area for a code: "" is the nation, two digits a län, four a kommun."""
    if code == "":
        return NATIONAL
    return lan(code) if len(code) == 2 else kommun(code)


# --- names as keys ---------------------------------------------------------

_FOLD_EXTRA = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l"})


def fold(text: str) -> str:
    """Case-, space-, hyphen- and punctuation-insensitive key that keeps diacritics."""
    text = unicodedata.normalize("NFC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def loose(text: str) -> str:
    """``fold`` without diacritics: "Malung-Sälen" → "malungsalen"."""
    decomposed = unicodedata.normalize("NFKD", fold(text).translate(_FOLD_EXTRA))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _short_lan(name: str) -> list[str]:
    """A län's names without "län": "Västra Götalands län" → "Västra Götalands", "Västra Götaland"."""
    base = name.removesuffix(" län")
    return [base, base[:-1]] if base.endswith("s") else [base]


def _area_keys(a: Area) -> tuple[list[str], list[str]]:
    """(full names, short names) of an area, as written; English names count as short ones."""
    english = list(english_names(a.code))
    if a.level == "lan":
        return [a.name], [*_short_lan(a.name), *english]
    return [a.name], english


_DROP_BEFORE = re.compile(r"^\s*region\s+", re.IGNORECASE)
_DROP_AFTER = re.compile(r"\s+(kommun|stad)\s*$", re.IGNORECASE)


def _query_forms(query: str) -> list[str]:
    """The query and its forms without "Region …", "… kommun", "… stad" (and then a genitive s)."""
    forms = [query]
    stripped = _DROP_AFTER.sub("", _DROP_BEFORE.sub("", query))
    if stripped != query and stripped.strip():
        forms.append(stripped)
        if _DROP_AFTER.search(query) and stripped.rstrip().endswith("s"):
            forms.append(stripped.rstrip()[:-1])  # "Stockholms stad" → "Stockholm"
    return forms


def _pool(level: str) -> tuple[Area, ...]:
    data = _data()
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    return {"kommun": data.kommuner, "lan": data.lan, "any": (*data.lan, *data.kommuner)}[level]


def _by_code(query: str, level: str) -> Area | None:
    """The area whose code the query is, if the query is all digits."""
    digits = query.strip()
    if not digits.isdigit():
        return None
    widths = {"kommun": (4,), "lan": (2,), "any": (2, 4) if len(digits) <= 2 else (4,)}[level]
    for width in widths:
        if len(digits) <= width:
            found = _data().by_code.get(digits.zfill(width))
            if found is not None:
                return found
    what = {"kommun": "kommun code (four digits, e.g. '0380')", "lan": "län code (two digits, e.g. '03')"}.get(
        level, "kommun or län code"
    )
    raise AreaNotFound(f"no {_LEVEL_WORDS[level]} has the code {query.strip()!r}; expected a {what}")


def find(query: str, level: Level = "kommun") -> Area:
    """The kommun (or län, or either with level="any") that ``query`` names or codes.

    Raises AreaNotFound (with the nearest names) or AmbiguousArea (listing them).
    """
    if not query.strip():
        raise AreaNotFound(f"no {_LEVEL_WORDS[level]} given; type a name or a code such as 'Uppsala' or '0380'")
    by_code = _by_code(query, level)
    if by_code is not None:
        return by_code
    pool = _pool(level)
    forms = _query_forms(query)
    for tier in _tiers(forms):
        hits = tuple(a for a in pool if tier(a))
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise AmbiguousArea(
                f"{query!r} matches {len(hits)} {_plural(level)}: {describe(hits)}; give the full name or the code", hits
            )
    other = _other_level(forms, level)
    if other is not None:
        what = "a län" if other.level == "lan" else "a kommun"
        raise AreaNotFound(f"no {_LEVEL_WORDS[level]} matches {query!r}: {other.name} ({other.code}) is {what}", (other,))
    raise _not_found(query, level, pool)


def _other_level(forms: list[str], level: str) -> Area | None:
    """The one area of the other level that the query names exactly ("Stockholms län" asked as a kommun)."""
    if level == "any":
        return None
    pool = _pool("lan" if level == "kommun" else "kommun")
    for tier in _tiers(forms)[:4]:  # names, not beginnings: "Skåne" names Skåne län, "Ma" names nothing
        hits = [a for a in pool if tier(a)]
        if hits:
            return hits[0] if len(hits) == 1 else None
    return None


@dataclass(frozen=True)
class _Keys:
    full: frozenset[str]  # the name, folded with diacritics
    short: frozenset[str]  # a län's names without "län"
    full_loose: frozenset[str]  # the name (and slug) without diacritics
    short_loose: frozenset[str]
    every_loose: tuple[str, ...]  # every name without diacritics, for prefixes and suggestions
    words: frozenset[str]  # the words of a compound name without diacritics: "dals", "ed" for Dals-Ed


@functools.cache
def _keys(a: Area) -> _Keys:
    """An area's lookup keys, computed once."""
    full, short = _area_keys(a)
    return _Keys(
        frozenset(fold(n) for n in full),
        frozenset(fold(n) for n in short),
        frozenset({*(loose(n) for n in full), loose(a.slug)}),
        frozenset(loose(n) for n in short),
        tuple(loose(n) for n in (*full, *short)),
        frozenset(loose(w) for n in full for w in re.split(r"[\s-]+", n) if w != n),
    )


def _tiers(forms: list[str]) -> list[Callable[[Area], bool]]:
    exact = {fold(f) for f in forms} - {""}
    looser = {loose(f) for f in forms} - {""}
    longest = max((loose(f) for f in forms), key=len)

    def prefix(a: Area) -> bool:
        return len(longest) >= _MIN_PREFIX and any(n.startswith(longest) for n in _keys(a).every_loose)

    return [
        lambda a: not exact.isdisjoint(_keys(a).full),
        lambda a: not exact.isdisjoint(_keys(a).short),
        lambda a: not looser.isdisjoint(_keys(a).full_loose),
        lambda a: not looser.isdisjoint(_keys(a).short_loose),
        lambda a: prefix(a) or not looser.isdisjoint(_keys(a).words),
    ]


def _not_found(query: str, level: str, pool: Iterable[Area]) -> AreaNotFound:
    names: dict[str, Area] = {}
    for a in pool:
        for n in _keys(a).every_loose:
            names.setdefault(n, a)
    close = difflib.get_close_matches(loose(query), list(names), n=6, cutoff=0.6)
    seen = tuple(dict.fromkeys(names[c] for c in close))[:3]
    if seen:
        hint = "did you mean " + describe(seen, last=" or ") + "?"
    else:
        hint = f"see `campaign registry list{' --lan' if level == 'lan' else ''}` for every name"
    return AreaNotFound(f"no {_LEVEL_WORDS[level]} matches {query!r}; {hint}", seen)


def _plural(level: str) -> str:
    return {"kommun": "kommuner", "lan": "län", "any": "areas"}[level]


def describe(found: Iterable[Area], last: str = ", ") -> str:
    """ "Uppsala (0380), Sala (1981) or Pajala (2521)" (with last=" or ")."""
    items = [f"{a.name} ({a.code})" for a in found]
    if len(items) <= 1 or last == ", ":
        return ", ".join(items)
    return ", ".join(items[:-1]) + last + items[-1]
