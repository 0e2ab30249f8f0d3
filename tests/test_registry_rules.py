"""Tag rules: their syntax, and resolution to mentions per kommun and platform."""

from __future__ import annotations

import dataclasses
import datetime as dt
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.errors import CampaignInvalid
from campaign.loader import load
from campaign.model import NATIONAL, Campaign, Mention
from campaign.registry import (
    CHAIR_RULE,
    MENTION_PLATFORMS,
    PLATFORMS,
    Politician,
    Role,
    TagRuleError,
    coverage,
    kommun,
    lan,
    parse_rule,
    resolve_tags,
    rules_for,
)
from campaign.registry.csvio import export_csv, parse_csv
from campaign.registry.politicians import Handle
from campaign.registry.rules import TagRule, key

ON = dt.date(2026, 3, 1)

CAMPAIGN = """\
campaign:
  name: Test
  organisation: Org
  launch_date: 2026-02-04
  tag:
    - "socialnämnden: ordförande, vice ordförande"
messages:
  - id: m1
    kind: short
    text: Hej
  - id: m2
    kind: short
    text: Hej
    tag: ["Kommunstyrelsen:  Ordförande"]
  - id: m3
    kind: short
    text: Hej
    tag: []
"""

POLITICIANS = """\
politicians:
  - id: anna
    name: Anna Andersson
    roles:
      - {body: socialnämnden, title: ordförande, kommun: "0380", start: 2023-01-01}
      - {body: kommunstyrelsen, title: ordförande, kommun: "0380"}
    handles:
      x: {handle: anna_a, id: "123"}
      bluesky: {handle: anna.bsky.social, id: "did:plc:abcdefghijklmnopqrstuvwx"}
      mastodon: anna@mastodon.social
      instagram: anna.a
      linkedin: anna-andersson
  - id: bo
    name: Bo Berg
    roles:
      - {body: socialnämnden, title: vice ordförande, kommun: "0380"}
    handles:
      mastodon: bo@mastodon.social
  - id: dan
    name: Dan Ek
    roles:
      - {body: Individ- och familjeomsorgsnämnden, counts_as: socialnämnden, title: ordförande, kommun: "0114"}
  - id: cia
    name: Cia Ek
    roles:
      - {body: socialnämnden, title: vice ordförande, kommun: "0380", end: 2025-12-31}
      - {body: socialnämnden, title: ordförande, kommun: "2023", start: 2026-06-01}
"""


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Campaign:
    root = tmp_path_factory.mktemp("rules")
    (root / "messages").mkdir()
    (root / "messages" / "campaign.yaml").write_text(CAMPAIGN, encoding="utf-8")
    (root / "messages" / "politicians.yaml").write_text(POLITICIANS, encoding="utf-8")
    return load(root).campaign


ANNA = ("anna", "Anna Andersson", "ordförande i socialnämnden")
BO = ("bo", "Bo Berg", "vice ordförande i socialnämnden")


@pytest.mark.parametrize(
    ("platform", "anna", "bo", "unreachable"),
    [
        ("x", "anna_a", None, ["bo"]),
        ("bluesky", "anna.bsky.social", None, ["bo"]),
        ("mastodon", "anna@mastodon.social", "bo@mastodon.social", []),
        ("threads", None, None, ["anna", "bo"]),
        ("instagram", "anna.a", None, ["bo"]),
        ("linkedin", None, None, []),
        ("facebook", None, None, []),
    ],
)
def test_resolution_per_platform(
    campaign: Campaign, platform: str, anna: str | None, bo: str | None, unreachable: list[str]
) -> None:
    tagging = resolve_tags(campaign, kommun("0380"), platform, on=ON)
    did = "did:plc:abcdefghijklmnopqrstuvwx" if platform == "bluesky" else None
    assert tagging.mentions == (Mention(*ANNA, anna, did), Mention(*BO, bo))
    assert [m.politician_id for m in tagging.unreachable] == unreachable
    assert tagging.unmatched == ()


def test_ended_and_future_roles_are_not_tagged(campaign: Campaign) -> None:
    assert [m.politician_id for m in resolve_tags(campaign, kommun("0380"), "x", on=dt.date(2025, 6, 1)).mentions] == [
        "anna",
        "bo",
        "cia",
    ]
    assert resolve_tags(campaign, kommun("2023"), "x", on=ON).mentions == ()
    later = resolve_tags(campaign, kommun("2023"), "x", on=dt.date(2026, 6, 1))
    assert later.mentions == (Mention("cia", "Cia Ek", "ordförande i socialnämnden", None),)
    assert later.unmatched == ("socialnämnden: vice ordförande",)


def test_a_body_named_otherwise_counts_as_socialnamnden(campaign: Campaign) -> None:
    tagging = resolve_tags(campaign, kommun("0114"), "x", on=ON)
    assert tagging.mentions == (Mention("dan", "Dan Ek", "ordförande i Individ- och familjeomsorgsnämnden", None),)
    local = resolve_tags(campaign, kommun("0114"), "x", ["individ- och familjeomsorgsnämnden: ordförande"], on=ON)
    assert local.mentions == tagging.mentions


def test_message_rules_and_defaults(campaign: Campaign) -> None:
    m1, m2, m3 = campaign.messages
    assert rules_for(campaign, m1) == ("socialnämnden: ordförande, vice ordförande",)
    ks = resolve_tags(campaign, kommun("0380"), "x", rules_for(campaign, m2), on=ON)
    assert ks.mentions == (Mention("anna", "Anna Andersson", "ordförande i kommunstyrelsen", "anna_a"),)
    assert resolve_tags(campaign, kommun("0380"), "x", rules_for(campaign, m3), on=ON).mentions == ()


def test_each_person_once_in_rule_order(campaign: Campaign) -> None:
    rules = ["kommunstyrelsen: ordförande", "socialnämnden: vice ordförande, ordförande"]
    tagging = resolve_tags(campaign, kommun("0380"), "linkedin", rules, on=ON)
    assert [(m.politician_id, m.role) for m in tagging.mentions] == [
        ("anna", "ordförande i kommunstyrelsen"),
        ("bo", "vice ordförande i socialnämnden"),
    ]


def test_national_and_lan_tag_nobody(campaign: Campaign) -> None:
    assert resolve_tags(campaign, NATIONAL, "x", on=ON).mentions == ()
    assert resolve_tags(campaign, lan("03"), "x", on=ON).mentions == ()


def test_unknown_platform_and_bad_rule(campaign: Campaign) -> None:
    with pytest.raises(ValueError, match="unknown platform 'twitter'"):
        resolve_tags(campaign, kommun("0380"), "twitter", on=ON)
    with pytest.raises(TagRuleError):
        resolve_tags(campaign, kommun("0380"), "x", ["socialnämnden ordförande"], on=ON)


def test_coverage(campaign: Campaign) -> None:
    cov = coverage(campaign, on=ON)
    assert (cov.rule, cov.kommuner, cov.registered) == (CHAIR_RULE, 290, 2)
    assert cov.tagged == {"x": 1, "bluesky": 1, "mastodon": 1, "threads": 0, "linkedin": 2, "facebook": 2, "instagram": 1}
    assert coverage(campaign, on=dt.date(2026, 6, 1)).registered == 3


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("socialnämnden: ordförande", TagRule("socialnämnden", ("ordförande",))),
        ("  socialnämnden :ordförande ,  vice   ordförande ", TagRule("socialnämnden", ("ordförande", "vice ordförande"))),
        ("individ- och familjeomsorgsnämnden: ordförande", TagRule("individ- och familjeomsorgsnämnden", ("ordförande",))),
    ],
)
def test_parse_rule(text: str, rule: TagRule) -> None:
    assert parse_rule(text) == rule


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "socialnämnden ordförande",
            "expected a tag rule 'body: title, title' such as 'socialnämnden: ordförande, vice ordförande', got 'socialnämnden ordförande' (did you mean 'socialnämnden: ordförande'?)",
        ),
        (
            "socialnämnden",
            "expected a tag rule 'body: title, title' such as 'socialnämnden: ordförande, vice ordförande', got 'socialnämnden'",
        ),
        (": ordförande", "a tag rule needs a body before ':', such as 'socialnämnden', got ': ordförande'"),
        ("socialnämnden:", "a tag rule needs at least one title after ':', such as 'ordförande', got 'socialnämnden:'"),
        (
            "socialnämnden: ordförande,,ledamot",
            "a tag rule has an empty title between commas, got 'socialnämnden: ordförande,,ledamot'",
        ),
        ("a: b: c", "a tag rule has one ':' between the body and the titles, got 'a: b: c'"),
        ("a: b, B", "a tag rule names the title 'B' twice, got 'a: b, B'"),
    ],
)
def test_rule_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_rule(text)
    assert str(info.value) == message


def test_rules_are_checked_where_written(tmp_path: Path) -> None:
    (tmp_path / "messages").mkdir()
    text = CAMPAIGN.replace('"socialnämnden: ordförande, vice ordförande"', "socialnämnden ordförande")
    (tmp_path / "messages" / "campaign.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CampaignInvalid) as info:
        load(tmp_path)
    assert [p.format() for p in info.value.problems] == [
        "messages/campaign.yaml:6:7: error: campaign.tag[0]: expected a tag rule 'body: title, title' such as "
        "'socialnämnden: ordförande, vice ordförande', got 'socialnämnden ordförande' (did you mean 'socialnämnden: ordförande'?)"
    ]


def test_rules_that_match_no_role_warn(tmp_path: Path) -> None:
    (tmp_path / "messages").mkdir()
    text = CAMPAIGN.replace('"socialnämnden: ordförande, vice ordförande"', '"socialnämden: ordförande"')
    text = text.replace('"Kommunstyrelsen:  Ordförande"', '"kommunstyrelsen: ledamot"')
    (tmp_path / "messages" / "campaign.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "messages" / "politicians.yaml").write_text(textwrap.dedent(POLITICIANS), encoding="utf-8")
    warnings = sorted(p.message for p in load(tmp_path).warnings)
    assert warnings == [
        "tag rule 'kommunstyrelsen: ledamot' (messages[1].tag[0]): no politician is 'ledamot' in 'kommunstyrelsen'",
        "tag rule 'socialnämden: ordförande' (campaign.tag[0]): no politician has a role in 'socialnämden' (did you mean 'socialnämnden'?)",
    ]


def test_without_a_date_the_launch_date_counts(campaign: Campaign) -> None:
    # launch_date 2026-02-04: cia's vice chair role ended 2025-12-31, her chair role starts 2026-06-01
    assert [m.politician_id for m in resolve_tags(campaign, kommun("0380"), "x").mentions] == ["anna", "bo"]
    assert resolve_tags(campaign, kommun("2023"), "x").mentions == ()


# --- property: resolution is exactly the active holders, each once, tagged where possible -----

CODES = ("0380", "0114", "2023")
BODIES = ("socialnämnden", "Socialnämnden", "kommunstyrelsen")
TITLES = ("ordförande", "vice ordförande", "ledamot")
DATES = st.none() | st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31))


@st.composite
def registry_people(draw: st.DrawFn) -> list[Politician]:
    people = []
    for i in range(draw(st.integers(0, 6))):
        roles = tuple(
            Role(draw(st.sampled_from(BODIES)), draw(st.sampled_from(TITLES)), draw(st.sampled_from(CODES)), draw(DATES), None)
            for _ in range(draw(st.integers(0, 3)))
        )
        handles = {}
        if draw(st.booleans()):
            handles["x"] = Handle("x", f"p{i}")
        if draw(st.booleans()):
            handles["bluesky"] = Handle("bluesky", f"p{i}.bsky.social", draw(st.none() | st.just("did:plc:" + "a" * 24)))
        if draw(st.booleans()):
            handles["instagram"] = Handle("instagram", f"p{i}")
        people.append(Politician(f"p{i}", f"Person {i}", roles=roles, handles=handles))
    return people


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    registry_people(),
    st.lists(
        st.tuples(st.sampled_from(BODIES), st.lists(st.sampled_from(TITLES), min_size=1, max_size=3, unique=True)), max_size=3
    ),
    st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
)
def test_resolution_is_exactly_the_active_holders(
    campaign: Campaign, people: list[Politician], rule_parts: list[tuple[str, list[str]]], on: dt.date
) -> None:
    checked = parse_csv(export_csv(people).encode(), "p.csv").politicians
    c = dataclasses.replace(campaign, extra={"politicians": checked})
    rules = [f"{body}: {', '.join(titles)}" for body, titles in rule_parts]
    wanted = {(key(b), key(t)) for b, ts in rule_parts for t in ts}
    by_id = {p.id: p for p in people}
    for code in CODES:
        holders = {
            p.id for p in people for r in p.roles if r.kommun == code and r.active(on) and (key(r.body), key(r.title)) in wanted
        }
        for platform in PLATFORMS:
            tagging = resolve_tags(c, kommun(code), platform, rules, on=on)
            ids = [m.politician_id for m in tagging.mentions]
            assert len(ids) == len(set(ids)) and set(ids) == holders
            for m in tagging.mentions:
                handle = by_id[m.politician_id].handles.get(platform)
                expected = handle.handle if handle is not None and platform in MENTION_PLATFORMS else None
                assert m.handle == expected
                assert m.did == (handle.id if handle is not None and platform == "bluesky" else None)
            named = tuple(m for m in tagging.mentions if m.handle is None)
            assert tagging.unreachable == (named if platform in MENTION_PLATFORMS else ())
