"""Politicians as a spreadsheet: CSV export, and import that checks every row.

One row per role (a politician without roles has one row with the role columns
empty); the politician's own columns repeat on each of their rows. On import a
later row of the same id may leave them empty; a different value is an error.
Import reads UTF-8 with or without a byte-order mark, separated by commas or
semicolons (Swedish Excel), validates every row with the same rules as the
YAML section, reports every problem as ``file:line:column`` (the column is the
spreadsheet column, 1 = A), and writes nothing if there is any error.

A spreadsheet that read a kommun code as a number ("0380" as 380) gets its
leading zero back; a long id it rounded into 1,23457E+18 is an error that says so.

Cells that a spreadsheet would run as a formula (starting with = + - @ or a
tab) are written with a leading apostrophe, the spreadsheets' own "this is
text" mark, and read back without it, so export → import is lossless.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from campaign.errors import CampaignError, CampaignInvalid, Problem, Report
from campaign.model import PLATFORMS
from campaign.registry.politicians import (
    PLATFORM_ALIASES,
    POLITICIAN,
    SECTION,
    Politician,
    list_problems,
    to_plain,
    to_politician,
)
from campaign.schema import INVALID, Ctx, suggest
from campaign.yamlfile import Located, Path_, YamlFileError, format_path, read_yaml

MAX_CSV_BYTES = 20 * 1024 * 1024  # tens of thousands of rows; refuse anything bigger before parsing

PERSON_COLUMNS = ("id", "name", "party", "example")
ROLE_COLUMNS = ("body", "counts_as", "title", "kommun", "start", "end")
HANDLE_COLUMNS = tuple(c for p in PLATFORMS for c in (p, f"{p}_id"))
TAIL_COLUMNS = ("source", "verified", "note")
COLUMNS = (*PERSON_COLUMNS, *ROLE_COLUMNS, *HANDLE_COLUMNS, *TAIL_COLUMNS)
REQUIRED_COLUMNS = ("id", "name")
_SHARED = tuple(c for c in COLUMNS if c not in ROLE_COLUMNS)  # the same on every row of one politician
_STRIPPED = {"id", "example", "kommun", "start", "end", "source", "verified", *HANDLE_COLUMNS}

_FORMULA_START = ("=", "+", "-", "@", "\t", "'")
_TRUE = {"true", "yes", "ja", "sant", "1", "x"}  # "sant"/"falskt": a Swedish Excel's own TRUE/FALSE
_FALSE = {"false", "no", "nej", "falskt", "0", ""}


class ImportRefused(CampaignError):
    """The politicians cannot be written where they would go."""


@dataclass
class Imported:
    """What an import read: the checked entries, the file they went to, and warnings."""

    politicians: list[dict[str, Any]]
    target: Path | None = None
    warnings: list[Problem] = field(default_factory=list)


# --- export ----------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "true"
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_rows(people: Sequence[Politician]) -> list[list[str]]:
    """The header and one row per role (or per politician without roles)."""
    rows = [list(COLUMNS)]
    for person in people:
        shared: dict[str, Any] = {
            "id": person.id,
            "name": person.name,
            "party": person.party,
            "example": person.example,
            "source": person.source,
            "verified": person.verified,
            "note": person.note,
        }
        for platform, handle in person.handles.items():
            shared[platform], shared[f"{platform}_id"] = handle.handle, handle.id
        roles = [
            {"body": r.body, "counts_as": r.counts_as, "title": r.title, "kommun": r.kommun, "start": r.start, "end": r.end}
            for r in person.roles
        ]
        for role in roles or [{}]:
            values = {**shared, **role}
            rows.append([_cell(values.get(c)) for c in COLUMNS])
    return rows


def export_csv(people: Sequence[Politician], *, delimiter: str = ",", bom: bool = False) -> str:
    """The politicians as CSV text (add a BOM and ';' for Swedish Excel)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(export_rows(people))
    return ("\ufeff" if bom else "") + buffer.getvalue()


# --- import: reading ----------------------------------------------------------------


@dataclass
class _Row:
    line: int
    cells: dict[str, str]  # column → raw cell (apostrophe mark removed)


@dataclass
class _Sheet:
    display: str
    columns: list[str]
    rows: list[_Row]

    def col(self, name: str) -> int:
        return self.columns.index(name) + 1 if name in self.columns else 0


def _decode(data: bytes, display: str) -> str:
    if len(data) > MAX_CSV_BYTES:
        size = f"file is {len(data) / 1e6:.1f} MB; at most {MAX_CSV_BYTES // 1_000_000} MB"
        raise CampaignInvalid([Problem(display, 0, 0, "", size)])
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CampaignInvalid(
            [Problem(display, line, col, "", f'not UTF-8 (byte 0x{data[exc.start]:02x}); save the sheet as "CSV UTF-8"')]
        ) from None


def _delimiter(text: str) -> str:
    """';' when the header line has more semicolons than commas (Swedish Excel), else ','."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _unmark(cell: str) -> str:
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in _FORMULA_START else cell


def _read_sheet(text: str, display: str, report: Report) -> _Sheet:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise CampaignInvalid([Problem(display, 1, 1, "", f"CSV error: {exc}")]) from None
    if not header or not any(h.strip() for h in header):
        expected = "no header row; expected columns such as id, name, body, title, kommun, x, bluesky, …"
        raise CampaignInvalid([Problem(display, 1, 1, "", expected)])
    columns = [h.strip().lower() for h in header]
    _check_header(columns, display, report)
    rows: list[_Row] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            if any(c.strip() for c in record):
                if len(record) > len(columns):
                    ragged = f"row has {len(record)} cells; the header has {len(columns)} columns"
                    report.add(Problem(display, line, len(columns) + 1, "", ragged))
                for i, (column, cell) in enumerate(zip(columns, record, strict=False), 1):
                    if not column and cell.strip():
                        report.add(Problem(display, line, i, "", f"a value ({cell!r}) in a column without a header"))
                rows.append(_Row(line, {c: _unmark(v) for c, v in zip(columns, record, strict=False) if c in COLUMNS}))
            line = reader.line_num + 1
    except csv.Error as exc:
        report.add(Problem(display, line, 1, "", f"CSV error: {exc}"))
    return _Sheet(display, columns, rows)


def _check_header(columns: list[str], display: str, report: Report) -> None:
    seen: set[str] = set()
    for i, name in enumerate(columns, 1):
        if name in seen:
            report.add(Problem(display, 1, i, name, f"column {name!r} appears twice"))
        elif name not in COLUMNS and name:
            alias = PLATFORM_ALIASES.get(name)
            hint = f" (did you mean {alias!r}?)" if alias else suggest(name, COLUMNS)
            report.add(Problem(display, 1, i, name, f"unknown column {name!r}{hint}; known: {', '.join(COLUMNS)}"))
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            needed = ", ".join(REQUIRED_COLUMNS)
            report.add(Problem(display, 1, 1, "", f"missing column {name!r}; the header needs at least {needed}"))
    if report.errors:
        raise CampaignInvalid(report.problems)


# --- import: rows to entries ---------------------------------------------------------


class _CsvDoc(Located):
    """Places problems found by the YAML specs at the CSV cell they came from."""

    def __init__(self, sheet: _Sheet) -> None:
        super().__init__(sheet.display, None)
        self.sheet = sheet
        self.cells: dict[Path_, tuple[int, str]] = {}  # path → (line, column name)

    def at(self, path: Path_, message: str, *, key: bool = False, severity: str = "error") -> Problem:
        missing = re.match(r"missing required key '(\w+)'", message)
        if missing:
            path, message = (*path, missing.group(1)), f"empty cell; column {missing.group(1)!r} needs a value"
        probe = path
        while probe and probe not in self.cells:
            probe = probe[:-1]
        line, column = self.cells.get(probe, (0, ""))
        return Problem(self.file, line, self.sheet.col(column), column or format_path(path), message, severity)


def _value(column: str, cell: str) -> str | None:
    text = cell.strip() if column in _STRIPPED else cell
    if column == "kommun" and len(text) == 3 and text.isdigit():
        text = "0" + text  # a spreadsheet read "0380" as the number 380; every kommun code 01xx-09xx lost one zero
    return text if text.strip() else None


_ROUNDED = re.compile(r"\d(?:[.,]\d+)?[eE]\+?\d+")  # 1,23457E+18: how a spreadsheet shows a long number it rounded


def _group(sheet: _Sheet, report: Report) -> list[list[_Row]]:
    """Rows by politician id, in order of first appearance; conflicts reported."""
    groups: dict[str, list[_Row]] = {}
    given: dict[str, dict[str, tuple[str, int]]] = {}  # id → column → (first value given, its line)
    for row in sheet.rows:
        ident = _value("id", row.cells.get("id", ""))
        if ident is None:
            report.add(Problem(sheet.display, row.line, sheet.col("id"), "id", "empty cell; column 'id' needs a value"))
            continue
        groups.setdefault(ident, []).append(row)
        for column in _SHARED:
            mine = _value(column, row.cells.get(column, ""))
            if mine is None:
                continue
            theirs, line = given.setdefault(ident, {}).setdefault(column, (mine, row.line))
            if mine != theirs:
                report.add(
                    Problem(
                        sheet.display,
                        row.line,
                        sheet.col(column),
                        column,
                        f"{mine!r} differs from line {line} ({theirs!r}) for the same id {ident!r}; "
                        "a politician's own columns must match on all their rows (or be left empty)",
                    )
                )
    return list(groups.values())


def _entry(rows: list[_Row], index: int, doc: _CsvDoc, report: Report) -> dict[str, Any]:
    """One politician's raw entry from their rows, with each value's cell recorded."""
    base: Path_ = (index,)
    person: dict[str, Any] = {}

    def take(column: str, path: Path_) -> str | None:
        for row in rows:
            value = _value(column, row.cells.get(column, ""))
            if value is not None:
                doc.cells[base + path] = (row.line, column)
                return value
        doc.cells.setdefault(base + path, (rows[0].line, column))
        return None

    for column in ("id", "name", "party", "source", "verified", "note"):
        person[column] = take(column, (column,))
    person["example"] = _boolean(take("example", ("example",)), (*base, "example"), doc, report)
    person["handles"] = _handles(take, base, doc, report)
    person["roles"] = _roles(rows, base, doc)
    return {k: v for k, v in person.items() if v is not None}


def _boolean(text: str | None, path: Path_, doc: _CsvDoc, report: Report) -> bool | None:
    if text is None or text.lower() in _FALSE:
        return None
    if text.lower() in _TRUE:
        return True
    report.add(doc.at(path, f"expected true or false (or ja/nej), got {text!r}"))
    return None


def _handles(take: Any, base: Path_, doc: _CsvDoc, report: Report) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for platform in PLATFORMS:
        handle = take(platform, ("handles", platform, "handle"))
        doc.cells[(*base, "handles", platform)] = doc.cells[(*base, "handles", platform, "handle")]
        ident = take(f"{platform}_id", ("handles", platform, "id"))
        if ident is not None and _ROUNDED.fullmatch(ident):
            where = (*base, "handles", platform, "id")
            rounded = f"{ident!r} is a number the spreadsheet rounded; format the column as text and type the id again"
            report.add(doc.at(where, rounded))
            ident = None
        if ident is not None and handle is None:
            where = (*base, "handles", platform, "id")
            report.add(doc.at(where, f"{platform}_id is given without {platform}; give the handle too"))
        elif handle is not None:
            out[platform] = {"handle": handle, "id": ident} if ident is not None else handle
    return out


def _roles(rows: list[_Row], base: Path_, doc: _CsvDoc) -> list[dict[str, Any]]:
    roles: list[dict[str, Any]] = []
    for row in rows:
        values = {c: _value(c, row.cells.get(c, "")) for c in ROLE_COLUMNS}
        if all(v is None for v in values.values()):
            continue
        path = (*base, "roles", len(roles))
        doc.cells[path] = (row.line, "")
        for column in ROLE_COLUMNS:
            doc.cells[(*path, column)] = (row.line, column)
        roles.append({k: v for k, v in values.items() if v is not None})
    return roles


def parse_csv(data: bytes, display: str) -> Imported:
    """Check a politicians CSV and return the entries; CampaignInvalid lists every problem."""
    report = Report()
    sheet = _read_sheet(_decode(data, display), display, report)
    doc = _CsvDoc(sheet)
    ctx = Ctx(doc, report)
    checked: list[dict[str, Any]] = []
    for index, rows in enumerate(_group(sheet, report)):
        entry = POLITICIAN.check(_entry(rows, index, doc, report), (index,), ctx)
        if entry is not INVALID:
            checked.append(entry)
    if not report.errors:
        list_problems(checked, lambda path, message, severity="error": report.add(doc.at(path[1:], message, severity=severity)))
    if report.errors:
        raise CampaignInvalid(report.problems)
    return Imported(checked, warnings=sorted(report.warnings))


# --- import: writing ------------------------------------------------------------------


HEADER = """\
# Politicians to tag in posts for a municipality (see `campaign registry --help`).
# Written by `campaign registry import`; edit it here or export, edit and import again.
# Fields: id (stable), name, party, example, roles (body, counts_as, title, kommun, start, end),
# handles (x, bluesky, mastodon, threads, instagram, facebook, linkedin; handle or
# {handle, id}), source, verified.
"""


class _Quoted(str):
    """Text always written in double quotes (kommun codes: "0380" must never read as a number)."""


class _Dumper(yaml.SafeDumper):
    pass


class _Flow(dict[str, Any]):
    """A mapping written on one line: {body: …, title: …}."""


_Dumper.add_representer(_Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))
_Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True))


def dump_section(people: Sequence[Politician]) -> str:
    """The politicians section as YAML text (roles one per line, kommun codes quoted)."""
    plain = [to_plain(p) for p in people]
    for entry in plain:
        entry["roles"] = [_Flow(role, kommun=_Quoted(role["kommun"])) for role in entry.get("roles", [])] or None
        for platform, handle in (entry.get("handles") or {}).items():
            if isinstance(handle, dict):
                entry["handles"][platform] = _Flow(handle)
        if entry["roles"] is None:
            del entry["roles"]
    body = yaml.dump({SECTION: plain}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=200)
    return HEADER + body


def target_file(root: Path) -> Path:
    """The file to write: the one holding ``politicians:``, or messages/politicians.yaml.

    Refused when that file holds other sections too (they would be lost).
    """
    folder = root / "messages"
    if not folder.is_dir():
        raise ImportRefused(f"{root}: no messages/ folder here; is this a campaign?")
    for path in sorted(folder.glob("*.y*ml")):
        try:
            doc = read_yaml(path, f"messages/{path.name}")
        except YamlFileError:
            continue  # a broken file cannot hold a section we would overwrite; the loader will report it
        if isinstance(doc.data, dict) and SECTION in doc.data:
            others = sorted(k for k in doc.data if k != SECTION)
            if others:
                raise ImportRefused(
                    f"messages/{path.name} holds {', '.join(others)} besides politicians; move `politicians:` to its own "
                    "file (messages/politicians.yaml) so that an import can replace it"
                )
            return path
    target = folder / f"{SECTION}.yaml"
    if target.exists():
        raise ImportRefused(f"{target} exists but has no politicians: section; move it away first")
    return target


def import_csv(root: Path, csv_path: Path, display: str | None = None) -> Imported:
    """Check ``csv_path`` and, when it has no errors, replace the campaign's politicians with it."""
    try:
        data = csv_path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"cannot read {csv_path}: {exc.strerror}") from None
    imported = parse_csv(data, display or str(csv_path))
    if not imported.politicians:
        raise ImportRefused(f"{display or csv_path} has no politicians (only a header); nothing imported")
    target = target_file(root)
    _write_atomic(target, dump_section([to_politician(e) for e in imported.politicians]))
    imported.target = target
    return imported


def _write_atomic(path: Path, text: str) -> None:
    """Write a whole file or nothing: a temporary file beside it, then a rename."""
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
