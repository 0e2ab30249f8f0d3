"""A small declarative schema: specs check plain YAML data and collect problems.

Each spec's ``check`` returns the value normalised (dates parsed, defaults
filled) or ``INVALID``, and records every problem in the report with the key
path and the position from the located document. Unknown keys are reported
with a "did you mean" suggestion.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from campaign.errors import Report
from campaign.yamlfile import Located, Path_

INVALID: Any = object()


def suggest(word: str, choices: Iterable[str], *, n: int = 1) -> str:
    """`` (did you mean 'x'?)`` for the nearest choice, or ""."""
    close = difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


def type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__


@dataclass
class Ctx:
    """Where checking happens: the document (for positions) and the report."""

    doc: Located
    report: Report

    def error(self, path: Path_, message: str, *, key: bool = False) -> Any:
        self.report.add(self.doc.at(path, message, key=key))
        return INVALID

    def warn(self, path: Path_, message: str) -> None:
        self.report.add(self.doc.at(path, message, severity="warning"))


class Spec:
    """Base of all specs; ``expected`` is the phrase used in messages."""

    expected = "a value"

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def wrong_type(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        return ctx.error(path, f"expected {self.expected}, got {type_name(value)}")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


@dataclass
class Str(Spec):
    max_len: int = 10_000
    pattern: str | None = None
    pattern_help: str = ""
    multiline: bool = True
    choices: tuple[str, ...] = ()

    @property
    def expected(self) -> str:  # type: ignore[override]
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        return self.pattern_help or "text"

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool) and not self.choices:
            value = value.isoformat() if isinstance(value, dt.date) else str(value)  # keep a bare number or date as text
        if not isinstance(value, str):
            return self.wrong_type(value, path, ctx)
        value = unicodedata.normalize("NFC", value)
        if not self.multiline:
            value = value.rstrip("\n")  # `title: >` ends its one line with a line break: not a second line
        if not self.multiline and "\n" in value:
            return ctx.error(path, f"expected one line of text, got a line break in {value!r}")
        bad = _CONTROL.search(value)
        if bad:
            return ctx.error(path, f"control character U+{ord(bad.group()):04X} is not allowed in text")
        if not value.strip():
            return ctx.error(path, "expected non-empty text")
        if len(value) > self.max_len:
            return ctx.error(path, f"text is {len(value)} characters; at most {self.max_len} allowed")
        if self.choices and value not in self.choices:
            return ctx.error(path, f"expected {self.expected}, got {value!r}{suggest(value, self.choices)}")
        if self.pattern and not re.fullmatch(self.pattern, value):
            return ctx.error(path, f"expected {self.expected}, got {value!r}")
        return value


@dataclass
class Num(Spec):
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False

    @property
    def expected(self) -> str:  # type: ignore[override]
        kind = "an integer" if self.integer else "a number"
        if self.minimum is not None and self.maximum is not None:
            return f"{kind} from {self.minimum:g} to {self.maximum:g}"
        if self.minimum is not None:
            return f"{kind} of at least {self.minimum:g}"
        return kind

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        ok = isinstance(value, int) if self.integer else isinstance(value, (int, float))
        if isinstance(value, str):
            return ctx.error(path, f"expected {self.expected}, got text {value!r}{_number_hint(value)}")
        if isinstance(value, bool) or not ok:
            return self.wrong_type(value, path, ctx)
        if not math.isfinite(value):
            return ctx.error(path, f"expected {self.expected}, got {value}")
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            return ctx.error(path, f"expected {self.expected}, got {value}")
        return value


def _number_hint(text: str) -> str:
    """Why text that looks like a number is not one: a '%' sign, a decimal comma, spaces between digits."""
    plain = text.strip().removesuffix("%").strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"\d+(?:[.,]\d+)?", plain):
        return f"; write the bare number, such as {plain.replace(',', '.')}"
    return ""


class Bool(Spec):
    expected = "true or false"

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        if not isinstance(value, bool):
            return self.wrong_type(value, path, ctx)
        return value


class Date(Spec):
    expected = "a date as YYYY-MM-DD"

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        if isinstance(value, dt.datetime):
            return self.wrong_type(value, path, ctx)
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                    return ctx.error(path, f"{value!r} is not a day in the calendar; expected {self.expected}")
        return ctx.error(path, f"expected {self.expected}, got {value!r}")


@dataclass
class Url(Spec):
    expected = "an https:// or http:// URL"

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        if not isinstance(value, str):
            return self.wrong_type(value, path, ctx)
        if not re.fullmatch(r"https?://[^\s<>\"'`{}|\\^]+\.[^\s<>\"'`{}|\\^]+", value):
            return ctx.error(path, f"expected {self.expected}, got {value!r}")
        return value


@dataclass
class ListOf(Spec):
    item: Spec
    min_items: int = 0
    max_items: int = 100_000

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a list"

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        if not isinstance(value, list):
            return self.wrong_type(value, path, ctx)
        problem = self.size_problem(len(value))
        if problem:
            return ctx.error(path, problem)
        out = [self.item.check(v, (*path, i), ctx) for i, v in enumerate(value)]
        return out if all(v is not INVALID for v in out) else INVALID

    def size_problem(self, size: int) -> str | None:
        """What is wrong with a list of ``size`` items, or None."""
        if size < self.min_items:
            return f"expected at least {self.min_items} item(s), got {size}"
        if size > self.max_items:
            return f"expected at most {self.max_items} items, got {size}"
        return None


@dataclass
class Field:
    spec: Spec
    required: bool = False
    default: Any = None
    help: str = ""


@dataclass
class Obj(Spec):
    """A mapping with known fields; unknown keys are errors with a suggestion."""

    fields: dict[str, Field]
    name: str = "a mapping"
    shorthand: Callable[[Any], dict[str, Any] | None] | None = None  # e.g. "tag" → {"tag": "tag"}

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.name

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        if self.shorthand is not None and not isinstance(value, dict):
            expanded = self.shorthand(value)
            if expanded is not None:
                value = expanded
        if not isinstance(value, dict):
            return self.wrong_type(value, path, ctx)
        out: dict[str, Any] = {}
        ok = True
        for key in value:
            if key not in self.fields:
                ctx.error((*path, key), f"unknown key {key!r}{suggest(key, self.fields)}", key=True)
                ok = False
        for name, fld in self.fields.items():
            if value.get(name) is None:
                if fld.required:
                    ctx.error(path, f"missing required key {name!r} ({fld.spec.expected})")
                    ok = False
                else:
                    out[name] = fld.default() if callable(fld.default) else fld.default
                continue
            checked = fld.spec.check(value[name], (*path, name), ctx)
            ok = ok and checked is not INVALID
            out[name] = checked
        return out if ok else INVALID


@dataclass
class MapOf(Spec):
    """A mapping with free keys (such as kommun codes) and values of one spec."""

    key: Str
    value: Spec

    expected = "a mapping"

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        if not isinstance(value, dict):
            return self.wrong_type(value, path, ctx)
        out: dict[str, Any] = {}
        ok = True
        for k, v in value.items():
            if self.key.check(k, (*path, k), ctx) is INVALID:
                ok = False
                continue
            checked = self.value.check(v, (*path, k), ctx)
            ok = ok and checked is not INVALID
            out[k] = checked
        return out if ok else INVALID


@dataclass
class Either(Spec):
    """The first spec whose shape fits the value (by a cheap test) checks it."""

    options: list[tuple[Callable[[Any], bool], Spec]]
    expected_text: str = "a value"

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.expected_text

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        for test, spec in self.options:
            if test(value):
                return spec.check(value, path, ctx)
        return self.wrong_type(value, path, ctx)


class AnyValue(Spec):
    """Accepts anything; a placeholder for a section whose owner checks it."""

    expected = "a value"

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        return value


def ids_unique(items: list[dict[str, Any]], section: str, ctx: Ctx, key: str = "id", what: str = "id") -> None:
    """Report every repeated id (or other ``key``, called ``what``) in a list of mappings."""
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get(key), str):
            continue
        ident = item[key]
        if ident in seen:
            ctx.error((section, i, key), f"duplicate {what} {ident!r}; first used at {section}[{seen[ident]}]")
        else:
            seen[ident] = i


ID = Str(max_len=64, pattern=r"[a-z0-9][a-z0-9_-]*", pattern_help="an id of lower-case letters a-z, digits, '-' and '_'")
HEX_COLOUR = Str(pattern=r"#[0-9a-fA-F]{6}", pattern_help="a colour as #RRGGBB")
LAN_CODE = Str(pattern=r"\d{2}", pattern_help="a two-digit län code such as '03'")
KOMMUN_CODE = Str(pattern=r"\d{4}", pattern_help="a four-digit kommun code such as '0380'")


def default_list() -> list[Any]:
    return []


def default_dict() -> dict[str, Any]:
    return {}


__all__ = [
    "HEX_COLOUR",
    "ID",
    "INVALID",
    "KOMMUN_CODE",
    "LAN_CODE",
    "AnyValue",
    "Bool",
    "Ctx",
    "Date",
    "Either",
    "Field",
    "ListOf",
    "MapOf",
    "Num",
    "Obj",
    "Spec",
    "Str",
    "Url",
    "default_dict",
    "default_list",
    "ids_unique",
    "suggest",
]
