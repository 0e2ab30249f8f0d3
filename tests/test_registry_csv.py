"""Politicians as CSV: export, import with every row checked, lossless round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from campaign.errors import CampaignInvalid
from campaign.loader import load
from campaign.registry import kommuner, politicians
from campaign.registry.csvio import COLUMNS, ImportRefused, export_csv, import_csv, parse_csv
from campaign.registry.politicians import Handle, Politician, Role, to_politician

ROOT = Path(__file__).resolve().parents[1]

CAMPAIGN = """\
campaign:
  name: Test
  organisation: Org
  launch_date: 2026-02-04
messages:
  - id: m1
    kind: short
    text: Hej
"""


def people_of(data: bytes) -> list[Politician]:
    return [to_politician(e) for e in parse_csv(data, "p.csv").politicians]


def problems(data: str | bytes) -> list[str]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(CampaignInvalid) as info:
        parse_csv(raw, "p.csv")
    return [p.format() for p in info.value.problems]


def test_default_campaign_round_trips() -> None:
    people = list(politicians(load(ROOT).campaign))
    text = export_csv(people)
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert people_of(text.encode()) == people
    assert export_csv(people_of(text.encode())) == text


def test_semicolons_bom_and_a_sparse_sheet() -> None:
    sheet = (
        "\ufeffid;name;kommun;body;title;bluesky;X\r\n"
        "anna;Anna Andersson;Uppsala;socialnämnden;ordförande;anna.bsky.social;@anna_a\r\n"
        "anna;;0380;kommunstyrelsen;ordförande;;\r\n"
        ";;;;;;\r\n"
        "bo;Bo;;;;;\r\n"
    )
    anna, bo = people_of(sheet.encode("utf-8"))
    assert anna.roles == (Role("socialnämnden", "ordförande", "0380"), Role("kommunstyrelsen", "ordförande", "0380"))
    assert anna.handles == {"bluesky": Handle("bluesky", "anna.bsky.social"), "x": Handle("x", "anna_a")}
    assert bo == Politician("bo", "Bo")


def test_every_row_error_with_its_line() -> None:
    sheet = (
        "id,name,kommun,body,title,x,bluesky_id,example,verified\n"
        "anna,Anna,Upsala,socialnämnden,ordförande,anna s,,maybe,2026-13-01\n"
        "anna,Anna B,0380,socialnämnden,,,,,\n"
        ",Bo,,,,,,,\n"
        "bo,Bo,,,,,did:plc:xyz,ja,\n"
        '"cia","Cia\nEk",0399,socialnämnden,ordförande,,,,\n'
        "dan,,,,,,,,\n"
    )
    assert problems(sheet) == [
        "p.csv:2:3: error: kommun: unknown kommun 'Upsala'; did you mean Uppsala (0380), Sala (1981) or Pajala (2521)?",
        "p.csv:2:6: error: x: expected an X handle: 1-15 of A-Z a-z 0-9 _ (such as 'anna_s'), got 'anna s'",
        "p.csv:2:8: error: example: expected true or false (or ja/nej), got 'maybe'",
        "p.csv:2:9: error: verified: '2026-13-01' is not a day in the calendar; expected a date as YYYY-MM-DD",
        "p.csv:3:2: error: name: 'Anna B' differs from line 2 ('Anna') for the same id 'anna'; a politician's own columns must match on all their rows (or be left empty)",
        "p.csv:3:5: error: title: empty cell; column 'title' needs a value",
        "p.csv:4:1: error: id: empty cell; column 'id' needs a value",
        "p.csv:5:7: error: bluesky_id: bluesky_id is given without bluesky; give the handle too",
        "p.csv:6:2: error: name: expected one line of text, got a line break in 'Cia\\nEk'",
        "p.csv:6:3: error: kommun: unknown kommun code '0399'; see `campaign registry list` for every code",
        "p.csv:8:2: error: name: empty cell; column 'name' needs a value",
    ]


def test_header_problems() -> None:
    assert problems("id,namn,twitter,x,x\nanna,Anna,a,b,c\n") == [
        "p.csv:1:1: error: missing column 'name'; the header needs at least id, name",
        "p.csv:1:2: error: namn: unknown column 'namn' (did you mean 'name'?); known: " + ", ".join(COLUMNS),
        "p.csv:1:3: error: twitter: unknown column 'twitter' (did you mean 'x'?); known: " + ", ".join(COLUMNS),
        "p.csv:1:5: error: x: column 'x' appears twice",
    ]
    assert problems("") == [
        "p.csv:1:1: error: no header row; expected columns such as id, name, body, title, kommun, x, bluesky, …"
    ]


def test_later_rows_may_fill_in_what_the_first_left_empty() -> None:
    [anna] = people_of(
        "id,name,party,body,title,kommun\nanna,Anna,,kommunstyrelsen,ledamot,0380\nanna,,S,socialnämnden,ordförande,0380\n".encode()
    )
    assert anna.party == "S" and len(anna.roles) == 2
    assert problems("id,name,party\nanna,Anna,\nanna,,S\nanna,,M\n") == [
        "p.csv:4:3: error: party: 'M' differs from line 3 ('S') for the same id 'anna'; "
        "a politician's own columns must match on all their rows (or be left empty)"
    ]


def test_a_value_without_a_header_is_an_error() -> None:
    assert problems("id,name,\nanna,Anna,\nbo,Bo,oops\n") == ["p.csv:3:3: error: a value ('oops') in a column without a header"]


def test_not_utf8_and_ragged_rows() -> None:
    assert problems("id,name\nanna,Ann\xe4\n".encode("latin-1")) == [
        'p.csv:2:9: error: not UTF-8 (byte 0xe4); save the sheet as "CSV UTF-8"'
    ]
    assert problems("id,name\nanna,Anna,extra\n") == ["p.csv:2:3: error: row has 3 cells; the header has 2 columns"]


def test_duplicate_handles_across_people() -> None:
    assert problems("id,name,x\nanna,Anna,anna_a\nbo,Bo,ANNA_A\n") == [
        "p.csv:3:3: error: x: X handle 'ANNA_A' is also 'anna''s; one account is one person"
    ]


def test_formula_cells_are_marked_and_read_back() -> None:
    person = Politician("p", '=HYPERLINK("x")', party="+S", note="'=quoted")
    text = export_csv([person])
    assert "'=HYPERLINK" in text and "'+S" in text and "''=quoted" in text
    assert people_of(text.encode()) == [person]


def _campaign(tmp_path: Path, politicians_yaml: str | None = None) -> Path:
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "campaign.yaml").write_text(CAMPAIGN, encoding="utf-8")
    if politicians_yaml is not None:
        (tmp_path / "messages" / "politicians.yaml").write_text(politicians_yaml, encoding="utf-8")
    return tmp_path


def test_import_writes_yaml_that_loads(tmp_path: Path) -> None:
    root = _campaign(tmp_path)
    sheet = tmp_path / "in.csv"
    sheet.write_text("id;name;kommun;body;title\nanna;Anna;0114;socialnämnden;ordförande\n", encoding="utf-8-sig")
    imported = import_csv(root, sheet)
    assert imported.target == root / "messages" / "politicians.yaml"
    text = imported.target.read_text(encoding="utf-8")
    assert '{body: socialnämnden, title: ordförande, kommun: "0114"}' in text
    assert politicians(load(root).campaign) == (Politician("anna", "Anna", roles=(Role("socialnämnden", "ordförande", "0114"),)),)


def test_import_with_any_error_writes_nothing(tmp_path: Path) -> None:
    before = "politicians:\n  - {id: old, name: Old}\n"
    root = _campaign(tmp_path, before)
    sheet = tmp_path / "in.csv"
    sheet.write_text("id,name,x\nanna,Anna,ok_handle\nbo,Bo,bad handle\n", encoding="utf-8")
    with pytest.raises(CampaignInvalid):
        import_csv(root, sheet)
    assert (root / "messages" / "politicians.yaml").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in (root / "messages").iterdir()) == ["campaign.yaml", "politicians.yaml"]


def test_import_refuses_an_empty_sheet(tmp_path: Path) -> None:
    root = _campaign(tmp_path)
    sheet = tmp_path / "in.csv"
    sheet.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match=r"in.csv has no politicians \(only a header\); nothing imported"):
        import_csv(root, sheet)


def test_import_refuses_a_shared_file(tmp_path: Path) -> None:
    root = _campaign(tmp_path)
    (root / "messages" / "campaign.yaml").write_text(CAMPAIGN + "politicians: []\n", encoding="utf-8")
    sheet = tmp_path / "in.csv"
    sheet.write_text("id,name\nanna,Anna\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as info:
        import_csv(root, sheet)
    assert str(info.value) == (
        "messages/campaign.yaml holds campaign, messages besides politicians; move `politicians:` to its own file "
        "(messages/politicians.yaml) so that an import can replace it"
    )


# --- property: export then import gives back exactly what was exported ----------------------

TEXT = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"), include_characters="\t"),
        min_size=1,
        max_size=30,
    )
    .map(lambda s: __import__("unicodedata").normalize("NFC", s))
    .filter(lambda s: s.strip() != "" and "\ufeff" not in s)
)
NOTE = st.lists(TEXT, min_size=1, max_size=3).map("\n".join)
DATE = st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31))
CODES = [a.code for a in kommuner()]

HANDLES = {
    "x": (st.from_regex(r"[A-Za-z0-9_]{1,15}", fullmatch=True), st.from_regex(r"[0-9]{1,19}", fullmatch=True)),
    "bluesky": (
        st.from_regex(r"[a-z][a-z0-9]{0,9}\.[a-z]{2,6}", fullmatch=True),
        st.from_regex(r"did:plc:[a-z2-7]{24}", fullmatch=True),
    ),
    "mastodon": (
        st.from_regex(r"[A-Za-z0-9_]{1,10}@[a-z]{1,8}\.[a-z]{2,4}", fullmatch=True),
        st.from_regex(r"[0-9]{1,18}", fullmatch=True),
    ),
    "threads": (st.from_regex(r"[a-z0-9_]{1,20}", fullmatch=True), st.from_regex(r"[0-9]{1,18}", fullmatch=True)),
    "instagram": (st.from_regex(r"[a-z0-9_]{1,20}", fullmatch=True), st.from_regex(r"[0-9]{1,18}", fullmatch=True)),
    "facebook": (st.from_regex(r"[A-Za-z0-9.]{5,20}", fullmatch=True), st.from_regex(r"[0-9]{1,18}", fullmatch=True)),
    "linkedin": (
        st.from_regex(r"[A-Za-z0-9-]{3,20}", fullmatch=True),
        st.from_regex(r"urn:li:person:[A-Za-z0-9]{1,12}", fullmatch=True),
    ),
}


@st.composite
def roles(draw: st.DrawFn) -> Role:
    start = draw(st.none() | DATE)
    end = draw(st.none() | DATE)
    if start and end and end < start:
        start, end = end, start
    line = TEXT.map(lambda s: s.replace("\n", " "))
    return Role(draw(line), draw(line), draw(st.sampled_from(CODES)), start, end, draw(st.none() | line))


@st.composite
def person(draw: st.DrawFn, ident: str) -> Politician:
    handles = {}
    for platform in draw(st.sets(st.sampled_from(sorted(HANDLES)))):
        handle_st, id_st = HANDLES[platform]
        handles[platform] = Handle(platform, draw(handle_st), draw(st.none() | id_st))
    return Politician(
        id=ident,
        name=draw(TEXT),
        party=draw(st.none() | TEXT),
        roles=tuple(draw(st.lists(roles(), max_size=3))),
        handles=handles,
        source=draw(st.none() | st.from_regex(r"https://[a-z]{1,10}\.se/[a-z0-9]{0,8}", fullmatch=True)),
        verified=draw(st.none() | DATE),
        example=False,
        note=draw(st.none() | NOTE),
    )


@st.composite
def registries(draw: st.DrawFn) -> list[Politician]:
    ids = draw(st.lists(st.from_regex(r"[a-z0-9][a-z0-9_-]{0,15}", fullmatch=True), unique=True, max_size=5))
    people = [draw(person(i)) for i in ids]
    seen = [(p, h.handle.casefold()) for x in people for p, h in x.handles.items()]
    assume(len(seen) == len(set(seen)))
    return people


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registries(), st.sampled_from([(",", False), (";", True), (";", False), (",", True)]))
def test_export_import_round_trips(people: list[Politician], dialect: tuple[str, bool]) -> None:
    delimiter, bom = dialect
    text = export_csv(people, delimiter=delimiter, bom=bom)
    assert people_of(text.encode("utf-8")) == people


def test_what_a_spreadsheet_does_to_numbers() -> None:
    """Excel reads "0380" as 380 (put right) and shows a 19-digit X id as 1,23457E+18 (an error that says why)."""
    sheet = "\ufeffid;name;body;title;kommun;x;x_id\r\nanna;Anna;socialnämnden;ordförande;380;anna_a;1,23457E+18\r\n"
    assert problems(sheet.encode("utf-8")) == [
        "p.csv:2:7: error: x_id: '1,23457E+18' is a number the spreadsheet rounded; format the column as text and type the id again"
    ]
    [anna] = people_of(sheet.replace("1,23457E+18", "1234567890123456789").encode("utf-8"))
    assert anna.roles == (Role("socialnämnden", "ordförande", "0380"),)
    swedish = "id;name;example\r\nanna;Anna;SANT\r\nbo;Bo;FALSKT\r\n"
    assert [p.example for p in people_of(swedish.encode("utf-8"))] == [True, False]
