"""A small declarative schema: specs check plain YAML data and collect problems.

Each spec's ``check`` returns the value normalised (dates parsed, defaults
filled) or ``INVALID``, and records every problem in the report with the key
path and the position from the located document. Unknown keys are reported
with a "did you mean" suggestion.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import re
import unicodedata
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
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
    root: Path | None = None  # the campaign folder, for specs that check file paths

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
    default: Any = None  # a value, or a function making it (a fresh list, dict or record)
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


# --- records: the format's dataclasses carry their own specs ------------------------------

FORMAT = "campaign.format"  # the dataclass field metadata key for a field's format description


@dataclass(frozen=True)
class FormatField:
    """How one attribute of a model dataclass is written in the campaign format."""

    field: Field | None  # the key's spec; None for an attribute computed from other keys
    key: str | None = None  # the key in the YAML, when it is not the attribute's name
    convert: Callable[[Any], Any] | None = None  # the checked value → the attribute's value
    derive: Callable[[dict[str, Any]], Any] | None = None  # all checked keys → the attribute's value


def spec(
    value_spec: Spec,
    *,
    required: bool = False,
    default: Any = None,
    help: str = "",
    key: str | None = None,
    convert: Callable[[Any], Any] | None = None,
    derive: Callable[[dict[str, Any]], Any] | None = None,
) -> Any:
    """A dataclass field written in the format as ``key`` (default: its name) and checked by ``value_spec``.

    ``default`` is both the format's default (a missing or null key) and the dataclass's, so it is
    written once; a callable default (``list``, ``dict``, a record class) makes a fresh value each time.
    """
    meta = {FORMAT: FormatField(Field(value_spec, required, default, help), key, convert, derive)}
    if required:
        return dataclasses.field(metadata=meta)
    if callable(default):
        return dataclasses.field(default_factory=lambda: freeze(default()), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def derived(derive: Callable[[dict[str, Any]], Any]) -> Any:
    """A dataclass field that no key holds: computed from the record's checked keys."""
    return dataclasses.field(metadata={FORMAT: FormatField(None, derive=derive)})


def freeze(value: Any) -> Any:
    """The model's shape of checked data: lists become tuples, mappings are sorted by key (deterministic)."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return dict(sorted(value.items()))
    return value


class Record(Obj):
    """The spec of a model dataclass, read from its fields' ``spec(...)`` metadata.

    Checks a mapping like ``Obj`` (same messages) and returns an instance of the class. Keys
    of the format that are no attribute (a message's ``text``) come from the class's
    ``FORMAT_ONLY`` mapping.
    """

    def __init__(self, cls: type, name: str, shorthand: Callable[[Any], dict[str, Any] | None] | None = None) -> None:
        self.cls = cls
        self.attributes: list[tuple[str, FormatField]] = []
        fields: dict[str, Field] = {}
        for attribute in dataclasses.fields(cls):
            fmt = attribute.metadata.get(FORMAT)
            if fmt is None:
                continue
            self.attributes.append((attribute.name, fmt))
            if fmt.field is not None:
                fields[fmt.key or attribute.name] = fmt.field
        fields.update(getattr(cls, "FORMAT_ONLY", {}))
        super().__init__(fields, name=name, shorthand=shorthand)

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        checked = super().check(value, path, ctx)
        if checked is INVALID:
            return INVALID
        return self.cls(**{name: self._value(name, fmt, checked) for name, fmt in self.attributes})

    @staticmethod
    def _value(name: str, fmt: FormatField, checked: dict[str, Any]) -> Any:
        if fmt.derive is not None:
            return fmt.derive(checked)
        value = freeze(checked[fmt.key or name])
        return fmt.convert(value) if fmt.convert is not None and value is not None else value


class TimeZone(Str):
    """An IANA time zone name that this Python knows, such as Europe/Stockholm."""

    def __init__(self) -> None:
        super().__init__(max_len=64, multiline=False, pattern_help="an IANA time zone such as 'Europe/Stockholm'")

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        text = super().check(value, path, ctx)
        if text is INVALID:
            return INVALID
        try:
            zoneinfo.ZoneInfo(text)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            hint = suggest(text, sorted(zoneinfo.available_timezones()))
            return ctx.error(path, f"unknown time zone {text!r}{hint}; expected an IANA name such as 'Europe/Stockholm'")
        return text


class CampaignFile(Str):
    """A file inside the campaign folder, given relative to it; checked value: its resolved Path.

    A path that leaves the folder or names no file is reported, and the value becomes None
    rather than INVALID: the rest of the campaign is still checked, so one run lists it all.
    """

    def __init__(self) -> None:
        super().__init__(max_len=300, pattern=r"[^\x00]+", pattern_help="a file path inside the campaign folder")

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        text = super().check(value, path, ctx)
        if text is INVALID or ctx.root is None:
            return text
        target = (ctx.root / text).resolve()
        if not target.is_relative_to(ctx.root):
            ctx.error(path, f"path {text!r} points outside the campaign folder; keep files inside {ctx.root.name}/")
            return None
        if not target.is_file():
            ctx.error(path, f"file {text!r} does not exist in the campaign folder")
            return None
        return target


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
    "CampaignFile",
    "Ctx",
    "Date",
    "Either",
    "Field",
    "ListOf",
    "MapOf",
    "Num",
    "Obj",
    "Record",
    "Spec",
    "Str",
    "TimeZone",
    "Url",
    "default_dict",
    "default_list",
    "derived",
    "freeze",
    "ids_unique",
    "spec",
    "suggest",
]
