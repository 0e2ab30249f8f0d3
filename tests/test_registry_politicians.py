"""The politicians section: schema, handle syntax per platform, example safety, dated checks."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
import yaml

from campaign.errors import CampaignInvalid
from campaign.loader import load
from campaign.model import PLATFORMS
from campaign.registry import PLATFORMS as REGISTRY_PLATFORMS
from campaign.registry import dated_problems, politicians
from campaign.registry.handles import handle_problem, id_problem, is_reserved_domain

ROOT = Path(__file__).resolve().parents[1]

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
"""


def make(tmp_path: Path, politicians_yaml: str, campaign_yaml: str = CAMPAIGN) -> Path:
    (tmp_path / "messages").mkdir(exist_ok=True)
    (tmp_path / "messages" / "campaign.yaml").write_text(campaign_yaml, encoding="utf-8")
    (tmp_path / "messages" / "politicians.yaml").write_text(textwrap.dedent(politicians_yaml), encoding="utf-8")
    return tmp_path


def errors(tmp_path: Path, politicians_yaml: str) -> list[str]:
    with pytest.raises(CampaignInvalid) as info:
        load(make(tmp_path, politicians_yaml))
    return [p.format() for p in info.value.problems]


GOOD = """\
politicians:
  - id: anna
    name: Anna Andersson
    party: S
    roles:
      - {body: socialnämnden, title: ordförande, kommun: "0380", start: 2023-01-01}
    handles:
      x: {handle: "@Anna_A", id: "12345"}
      bluesky: {handle: Anna.BSKY.social, id: "did:plc:abcdefghijklmnopqrstuvwx"}
      mastodon: anna@Mastodon.Social
      instagram: anna.andersson
      threads: anna.andersson
      facebook: anna.andersson.1
      linkedin: anna-andersson-123
    source: https://www.uppsala.se/socialnamnden
    verified: 2026-01-10
"""


def test_good_entry_loads_normalised(tmp_path: Path) -> None:
    [anna] = politicians(load(make(tmp_path, GOOD)).campaign)
    assert anna.handles["x"].handle == "Anna_A" and anna.handles["x"].id == "12345"
    assert anna.handles["bluesky"].handle == "anna.bsky.social"
    assert anna.handles["mastodon"].handle == "anna@mastodon.social"
    assert anna.roles[0].kommun == "0380" and anna.roles[0].label == "ordförande i socialnämnden"


def test_every_problem_with_its_place(tmp_path: Path) -> None:
    found = errors(
        tmp_path,
        """\
        politicians:
          - id: anna
            name: Anna
            roles:
              - {body: socialnämnden, title: ordförande, kommun: "0399"}
              - {body: socialnämnden, title: ordförande, kommun: Upsala}
              - {body: socialnämnden, title: ordförande, kommun: 0114}
              - {body: socialnämnden, kommun: "0380", start: 2024-01-01}
              - {body: socialnämnden, title: ledamot, kommun: "0380", start: 2024-01-01, end: 2023-01-01}
            handles:
              x: anna s
              bluesky: anna
              mastodon: anna
              instagram: .anna
              twitter: anna
            verified: yesterday
          - id: anna
            name: Anna Again
        """,
    )
    assert found == [
        "messages/politicians.yaml:5:58: error: politicians[0].roles[0].kommun: unknown kommun code '0399'; see `campaign registry list` for every code",
        "messages/politicians.yaml:6:58: error: politicians[0].roles[1].kommun: unknown kommun 'Upsala'; did you mean Uppsala (0380), Sala (1981) or Pajala (2521)?",
        'messages/politicians.yaml:7:58: error: politicians[0].roles[2].kommun: write the kommun code in quotes, such as "0114": YAML reads an unquoted code with a leading 0 as a number (76)',
        "messages/politicians.yaml:8:9: error: politicians[0].roles[3]: missing required key 'title' (text)",
        "messages/politicians.yaml:9:87: error: politicians[0].roles[4].end: the role ends (2023-01-01) before it starts (2024-01-01)",
        "messages/politicians.yaml:11:10: error: politicians[0].handles.x: expected an X handle: 1-15 of A-Z a-z 0-9 _ (such as 'anna_s'), got 'anna s'",
        "messages/politicians.yaml:12:16: error: politicians[0].handles.bluesky: expected a Bluesky handle: a domain name such as 'anna.bsky.social', got 'anna'",
        "messages/politicians.yaml:13:17: error: politicians[0].handles.mastodon: expected a Mastodon handle user@instance (such as 'anna@mastodon.social'), got 'anna'",
        "messages/politicians.yaml:14:18: error: politicians[0].handles.instagram: expected an Instagram username: 1-30 of a-z 0-9 . _, not starting or ending with '.', no '..', got '.anna'",
        "messages/politicians.yaml:15:7: error: politicians[0].handles.twitter: unknown platform 'twitter' (did you mean 'x'?); expected one of x, bluesky, mastodon, threads, linkedin, facebook, instagram",
        "messages/politicians.yaml:16:15: error: politicians[0].verified: expected a date as YYYY-MM-DD, got 'yesterday'",
    ]


def test_duplicate_ids_and_shared_handles(tmp_path: Path) -> None:
    found = errors(
        tmp_path,
        """\
        politicians:
          - {id: anna, name: Anna, handles: {x: anna_a}}
          - {id: anna, name: Anna B}
          - {id: bo, name: Bo, handles: {x: ANNA_A}}
        """,
    )
    assert found == [
        "messages/politicians.yaml:2:3: warning: politicians: tag rule 'socialnämnden: ordförande, vice ordförande' (campaign.tag[0]): no politician has a role in 'socialnämnden'",
        "messages/politicians.yaml:3:10: error: politicians[1].id: duplicate id 'anna'; first used at politicians[0]",
        "messages/politicians.yaml:4:37: error: politicians[2].handles.x: X handle 'ANNA_A' is also 'anna''s; one account is one person",
    ]


@pytest.mark.parametrize(
    ("handles", "message"),
    [
        ("{x: anna_a}", "an example entry must not have a X handle: an invented X name may belong to a real account"),
        ("{instagram: anna}", "an example entry must not have a Instagram handle"),
        (
            "{bluesky: anna.bsky.social}",
            "an example entry's Bluesky handle must use a reserved domain (.example, example.org, example.com, example.net), got 'anna.bsky.social'",
        ),
        ("{mastodon: anna@mastodon.social}", "an example entry's Mastodon handle must use a reserved domain"),
        (
            "{bluesky: {handle: anna.example.org, id: 'did:plc:abcdefghijklmnopqrstuvwx'}}",
            "an example entry must not carry a Bluesky id that may belong to a real account",
        ),
    ],
)
def test_example_entries_cannot_reach_anyone(tmp_path: Path, handles: str, message: str) -> None:
    [problem] = errors(tmp_path, f"politicians:\n  - {{id: ex, name: Ex, example: true, handles: {handles}}}\n")
    assert message in problem


def test_reserved_domain_on_a_real_entry_warns(tmp_path: Path) -> None:
    loaded = load(make(tmp_path, "politicians:\n  - {id: bo, name: Bo, handles: {bluesky: bo.example.org}}\n"))
    assert [w.format() for w in sorted(loaded.warnings)] == [
        "messages/politicians.yaml:2:3: warning: politicians: tag rule 'socialnämnden: ordförande, vice ordförande' (campaign.tag[0]): no politician has a role in 'socialnämnden'",
        "messages/politicians.yaml:2:43: warning: politicians[0].handles.bluesky: 'bo.example.org' is on a reserved example domain; mark the entry `example: true` or give the real handle",
        "messages/politicians.yaml:2:43: warning: politicians[0].handles.bluesky: no Bluesky DID for 'bo.example.org': a Bluesky mention "
        "links by DID; add `id: did:…` (https://bsky.social/xrpc/com.atproto.identity.resolveHandle?handle=bo.example.org)",
    ]


@pytest.mark.parametrize(
    ("platform", "handle", "ok"),
    [
        ("x", "a", True),
        ("x", "abcdefghijklmno", True),
        ("x", "abcdefghijklmnop", False),
        ("x", "anna-s", False),
        ("x", "@anna_s", True),
        ("x", "åsa", False),
        ("x", "", False),
        ("bluesky", "anna.bsky.social", True),
        ("bluesky", "anna", False),
        ("bluesky", "anna.123", False),
        ("bluesky", "-anna.bsky.social", False),
        ("bluesky", "xn--sa-0ia.se", True),
        ("mastodon", "anna@mastodon.social", True),
        ("mastodon", "@anna@mastodon.social", True),
        ("mastodon", "anna", False),
        ("mastodon", "anna@localhost", False),
        ("mastodon", "an na@x.se", False),
        ("instagram", "anna.b_1", True),
        ("instagram", "anna..b", False),
        ("instagram", "anna.", False),
        ("instagram", "a" * 31, False),
        ("threads", "anna.b", True),
        ("facebook", "anna.andersson", True),
        ("facebook", "anna", False),
        ("linkedin", "anna-andersson-1a2b", True),
        ("linkedin", "an", False),
        ("linkedin", "anna andersson", False),
    ],
)
def test_handle_syntax(platform: str, handle: str, ok: bool) -> None:
    assert (handle_problem(platform, handle)[1] is None) is ok


@pytest.mark.parametrize(
    ("platform", "ident", "ok"),
    [
        ("x", "783214", True),
        ("x", "abc", False),
        ("bluesky", "did:plc:abcdefghijklmnopqrstuvwx", True),
        ("bluesky", "did:plc:short", False),
        ("bluesky", "did:web:anna.example.org", True),
        ("bluesky", "anna.bsky.social", False),
        ("linkedin", "urn:li:person:abc123", True),
        ("linkedin", "abc", False),
    ],
)
def test_id_syntax(platform: str, ident: str, ok: bool) -> None:
    assert (id_problem(platform, ident) is None) is ok


def test_reserved_domains() -> None:
    assert is_reserved_domain("anna.example.org") and is_reserved_domain("mastodon.example") and is_reserved_domain("x.test")
    assert not is_reserved_domain("example.se") and not is_reserved_domain("notexample.org")


def test_platform_lists_agree() -> None:
    assert REGISTRY_PLATFORMS == PLATFORMS


def test_dated_problems(tmp_path: Path) -> None:
    campaign = load(
        make(
            tmp_path,
            """\
        politicians:
          - id: anna
            name: Anna
            roles:
              - {body: socialnämnden, title: ordförande, kommun: "0380", end: 2025-12-31}
            verified: 2025-02-28
          - id: bo
            name: Bo
        """,
        )
    ).campaign
    on = dt.date(2026, 3, 1)
    assert [p.format() for p in dated_problems(campaign, on)] == [
        "messages/politicians.yaml:5:71: warning: politicians[0].roles[0].end: anna: the role ordförande i socialnämnden ended on 2025-12-31; it is no longer tagged",
        "messages/politicians.yaml:6:15: warning: politicians[0].verified: anna: last verified 2025-02-28, more than a year before 2026-03-01; check the roles and handles again",
        "messages/politicians.yaml:7:5: warning: politicians[1]: bo: never verified; check the roles and handles and add `verified: 2026-03-01`",
    ]
    # exactly a year is not over a year
    assert len(dated_problems(campaign, dt.date(2026, 2, 28))) == 2


def test_default_campaign_has_only_safe_examples() -> None:
    """The shipped file shows the format and can never tag a stranger."""
    people = politicians(load(ROOT).campaign)
    assert people and all(p.example for p in people)
    for person in people:
        assert set(person.handles) <= {"bluesky", "mastodon"}
        for handle in person.handles.values():
            domain = handle.handle.partition("@")[2] if handle.platform == "mastodon" else handle.handle
            assert is_reserved_domain(domain)
    raw = yaml.safe_load((ROOT / "messages" / "politicians.yaml").read_text(encoding="utf-8"))
    assert all(entry.get("example") is True for entry in raw["politicians"])
