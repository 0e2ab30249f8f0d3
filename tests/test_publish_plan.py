"""The plan: its checks (with file:line:column), local times, the automatic spread, images."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage

from campaign.errors import CampaignInvalid
from campaign.loader import load
from campaign.publish.plan import PlanError, resolve
from campaign.publish.spread import Spread, place
from campaign.publish.when import local_to_utc, parse_when
from tests.fakes.campaign_dir import numbered_messages, write_campaign

ROOT = Path(__file__).resolve().parents[1]
UTC = dt.UTC
LAUNCH = dt.date(2026, 2, 4)
X = [{"id": "x-riks", "platform": "x"}]


def problems(root: Path) -> list[str]:
    with pytest.raises(CampaignInvalid) as caught:
        load(root)
    return [p.format() for p in caught.value.problems]


def test_the_default_campaigns_plan_is_valid() -> None:
    campaign = load(ROOT).campaign
    assert [a["id"] for a in campaign.extra["accounts"]] == [
        "x-riks",
        "bluesky-riks",
        "mastodon-riks",
        "threads-riks",
        "facebook-riks",
        "instagram-riks",
        "linkedin-riks",
    ]


PLAN_ERRORS = """\
accounts:
  - {id: x-riks, platform: x}
plan:
  posts:
    - at: day 1 09:00
      message: m0001
      accounts: [x-rks]
    - at: %s
      message: m001
      accounts: [x-riks]
    - at: 2026-03-29 02:30
      message: m002
      accounts: [x-riks]
    - message: m002
      accounts: [x-riks]
"""


def test_unknown_messages_accounts_and_times_are_reported_where_they_are(tmp_path: Path) -> None:
    root = write_campaign(tmp_path, numbered_messages(2), [], None, plan_text=PLAN_ERRORS % "dag 2 09:00")
    assert problems(root) == [
        "messages/plan.yaml:8:11: error: plan.posts[1].at: expected a time as 'day N HH:MM' (day 1 is the launch date) or 'YYYY-MM-DD HH:MM', got 'dag 2 09:00'",
    ]
    write_campaign(tmp_path, numbered_messages(2), [], None, plan_text=PLAN_ERRORS % "day 2 09:00")
    assert problems(root) == [
        "messages/plan.yaml:6:16: error: plan.posts[0].message: unknown message id 'm0001' (did you mean 'm001'?)",
        "messages/plan.yaml:7:18: error: plan.posts[0].accounts[0]: unknown account 'x-rks' (did you mean 'x-riks'?)",
        "messages/plan.yaml:11:11: error: plan.posts[2].at: 2026-03-29 02:30 does not exist in Europe/Stockholm (the clocks skip that hour); pick another time",
        "messages/plan.yaml:14:7: error: plan.posts[3]: entry id 'm002' is used twice (first at plan.posts[2]); give one of them its own id: key",
        "messages/plan.yaml:14:7: error: plan.posts[3]: missing at: (a time such as 'day 1 09:00'); or add a spread: to the plan to place it automatically",
    ]


ACCOUNT_ERRORS = """\
accounts:
  - id: m
    platform: mastodon
  - id: b
    platform: bluesky
    env: {access_token: B_TOKEN}
%s"""


def test_accounts_are_checked(tmp_path: Path) -> None:
    root = write_campaign(tmp_path, numbered_messages(1), [], None, plan_text=ACCOUNT_ERRORS % "  - {id: t, platform: tiktok}\n")
    assert problems(root) == [
        "messages/plan.yaml:7:23: error: accounts[2].platform: expected one of 'x', 'bluesky', 'mastodon', 'threads', "
        "'linkedin', 'facebook', 'instagram', got 'tiktok'",
    ]
    write_campaign(tmp_path, numbered_messages(1), [], None, plan_text=ACCOUNT_ERRORS % "")
    assert problems(root) == [
        "messages/plan.yaml:2:5: error: accounts[0]: a Mastodon account needs endpoint: the instance's URL, such as 'https://mastodon.social'",
        "messages/plan.yaml:4:5: error: accounts[1]: a Bluesky account needs handle: the handle or DID to log in with, such as 'kampanj.bsky.social'",
        "messages/plan.yaml:6:25: error: accounts[1].env.access_token: bluesky has no credential 'access_token'; its credentials: app_password",
    ]


PROFILE_ERRORS = """\
accounts:
  - {id: fb, platform: facebook}
  - {id: ig, platform: instagram, profile_id: "kampanj"}
  - {id: li, platform: linkedin, profile_id: "urn:li:company:12"}
  - {id: th, platform: threads}
  - {id: x, platform: x, profile_id: "12"}
  - {id: li2, platform: linkedin, profile_id: "urn:li:organization:2414183"}
"""
IMAGE_ERRORS = """\
accounts:
  - {id: fb, platform: facebook, profile_id: "1234"}
  - {id: ig, platform: instagram, profile_id: "1784"}
  - {id: th, platform: threads}
plan:
  spread: {rest: [ig]}
  posts:
    - {at: day 1 09:00, message: m001, accounts: [th, ig]}
    - {at: day 1 10:00, message: m001, id: two, accounts: [fb], images: [{file: a.png, alt: A}, {file: a.png, alt: B}]}
"""


def test_accounts_on_the_meta_platforms_and_linkedin_name_whom_they_post_as(tmp_path: Path) -> None:
    root = write_campaign(tmp_path, numbered_messages(1), [], None, plan_text=PROFILE_ERRORS)
    assert problems(root) == [
        "messages/plan.yaml:2:5: error: accounts[0]: a Facebook account needs profile_id: the Facebook Page's numeric id",
        "messages/plan.yaml:3:47: error: accounts[1].profile_id: expected the Instagram professional account's numeric id "
        "(ig-user-id), got 'kampanj'",
        "messages/plan.yaml:4:46: error: accounts[2].profile_id: expected the author URN: urn:li:organization:<number> for a "
        "page, urn:li:person:<id> for a member, got 'urn:li:company:12'",
        "messages/plan.yaml:6:38: error: accounts[4].profile_id: profile_id is for Threads, LinkedIn, Facebook and Instagram, not x",
    ]


def test_instagram_posts_need_their_image_and_the_api_platforms_take_one(tmp_path: Path) -> None:
    root = write_campaign(tmp_path, numbered_messages(1), [], None, plan_text=IMAGE_ERRORS)
    (root / "a.png").write_bytes((ROOT / "assets" / "logo.png").read_bytes())
    assert problems(root) == [
        "messages/plan.yaml:6:19: error: plan.spread.rest[0]: 'ig' is an Instagram account, and Instagram takes no post without "
        "an image; the entries rest: makes carry none: name its messages under posts: with images:",
        "messages/plan.yaml:8:55: error: plan.posts[0].accounts[1]: 'ig' is an Instagram account, and Instagram takes no post "
        "without an image: add images: (a share card such as [resursbrist]) to the entry, or post it on the other accounts only",
        "messages/plan.yaml:9:73: error: plan.posts[1].images: 2 images, but posts to 'fb' (facebook) carry one image here; "
        "give that account an entry of its own with one image",
    ]


def test_relative_and_absolute_times_are_local_and_stored_in_utc() -> None:
    zone = "Europe/Stockholm"
    assert parse_when("day 1 09:00", LAUNCH, zone) == dt.datetime(2026, 2, 4, 8, 0, tzinfo=UTC)  # winter: UTC+1
    assert parse_when("day 0 09:00", LAUNCH, zone) == dt.datetime(2026, 2, 3, 8, 0, tzinfo=UTC)
    assert parse_when("2026-06-01 09:00", LAUNCH, zone) == dt.datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # summer: UTC+2
    assert parse_when(dt.datetime(2026, 2, 4, 9, 0), LAUNCH, zone) == dt.datetime(2026, 2, 4, 8, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="happens twice in Europe/Stockholm"):
        parse_when("2026-10-25 02:30", LAUNCH, zone)
    with pytest.raises(ValueError, match="is not a time of day"):
        parse_when("day 1 24:00", LAUNCH, zone)


@given(st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 31)))
@settings(max_examples=300, deadline=None)
def test_a_local_time_that_is_accepted_shows_as_itself(local: dt.datetime) -> None:
    local = local.replace(second=0, microsecond=0)
    try:
        moment = local_to_utc(local, "Europe/Stockholm")
    except ValueError:
        return  # a skipped or repeated hour: refused, never guessed
    import zoneinfo

    assert moment.astimezone(zoneinfo.ZoneInfo("Europe/Stockholm")).replace(tzinfo=None) == local


def rule(**kw: object) -> Spread:
    data = {
        "start": "day 1",
        "days": 5,
        "weekdays": ["mon", "tue", "wed", "thu", "fri"],
        "from": "09:00",
        "until": "11:00",
        "min_gap_minutes": 60,
        "daily_caps": {"x": 2},
        **kw,
    }
    return Spread.from_section(data, LAUNCH, "Europe/Stockholm")


def test_the_spread_keeps_gaps_caps_weekdays_and_daytime() -> None:
    fixed = [(dt.datetime(2026, 2, 4, 8, 30, tzinfo=UTC), ("x-riks",), ("x",))]  # 09:30 local on launch day (Wednesday)
    wanted = [(("x-riks",), ("x",))] * 4
    placed = place(rule(), fixed, wanted)
    local = [p.astimezone(dt.timezone(dt.timedelta(hours=1))).strftime("%a %H:%M") if p else None for p in placed]
    # Wed: 09:30 is taken, cap 2 → one more at 10:30; Thu: 09:00, 10:00; Fri: 09:00 (then Sat/Sun are skipped)
    assert local == ["Wed 10:30", "Thu 09:00", "Thu 10:00", "Fri 09:00"]


def test_the_spread_says_when_it_has_no_room(tmp_path: Path) -> None:
    plan = {
        "spread": {"days": 1, "from": "09:00", "until": "09:30", "min_gap_minutes": 60},
        "posts": [{"message": "m001", "accounts": ["x-riks"]}, {"message": "m002", "accounts": ["x-riks"]}],
    }
    root = write_campaign(tmp_path, numbered_messages(2), X, plan)
    with pytest.raises(PlanError, match=r"^the spread has no room for 1 entry \(m002\): add days or hours"):
        resolve(load(root).campaign)


@given(st.lists(st.sampled_from(["x-riks", "bluesky-riks"]), min_size=1, max_size=40), st.integers(0, 120), st.integers(1, 5))
@settings(max_examples=60, deadline=None)
def test_spread_never_breaks_its_rules(accounts: list[str], gap: int, cap: int) -> None:
    r = rule(days=14, min_gap_minutes=gap, daily_caps={"x": cap}, until="17:00")
    platforms = {"x-riks": "x", "bluesky-riks": "bluesky"}
    wanted = [((a,), (platforms[a],)) for a in accounts]
    placed = place(r, [], wanted)
    import zoneinfo

    zone = zoneinfo.ZoneInfo("Europe/Stockholm")
    got = [(p, a) for p, ((a,), _) in zip(placed, wanted, strict=False) if p is not None]
    for p, a in got:
        local = p.astimezone(zone)
        assert local.weekday() < 5 and dt.time(9) <= local.time() <= dt.time(17)
        same = [q for q, b in got if b == a and q != p]
        assert all(abs(q - p) >= dt.timedelta(minutes=max(gap, 1)) for q in same)
    per_day: dict[dt.date, int] = {}
    for p, a in got:
        if a == "x-riks":
            day = p.astimezone(zone).date()
            per_day[day] = per_day.get(day, 0) + 1
    assert all(n <= cap for n in per_day.values())


def test_images_come_from_files_or_the_built_cards(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "kort.png").write_bytes((ROOT / "assets" / "logo.png").read_bytes())
    build = tmp_path / "build" / "images"
    build.mkdir(parents=True)
    (build / "resurser-x.png").write_bytes((ROOT / "assets" / "logo.png").read_bytes())
    manifest = [
        {
            "file": "resurser-x.png",
            "card": "message",
            "id": "m001",
            "area_level": "national",
            "area_code": "",
            "size": "x",
            "platforms": ["x", "mastodon"],
            "width": 256,
            "height": 256,
            "alt": "Kort: varannan",
        }
    ]
    (build / "manifest.json").write_text(json.dumps({"images": manifest}))
    plan = [
        {
            "at": "day 1 09:00",
            "message": "m001",
            "accounts": ["x-riks"],
            "images": [{"file": "assets/kort.png", "alt": "Ett kort"}, "m001"],
        }
    ]
    root = write_campaign(tmp_path, numbered_messages(1), X, plan)
    [row] = resolve(load(root).campaign).rows
    size = PILImage.open(ROOT / "assets" / "logo.png").size
    assert [(Path(i.path).name, i.alt, (i.width, i.height), i.mime) for i in row.parts[0].images] == [
        ("kort.png", "Ett kort", size, "image/png"),
        ("resurser-x.png", "Kort: varannan", size, "image/png"),
    ]


def test_a_card_needs_a_build_and_a_file_needs_alt_text(tmp_path: Path) -> None:
    plan = [{"at": "day 1 09:00", "message": "m001", "accounts": ["x-riks"], "images": ["m001"]}]
    root = write_campaign(tmp_path, numbered_messages(1), X, plan)
    with pytest.raises(PlanError) as missing:
        resolve(load(root).campaign)
    assert str(missing.value) == (
        f"the plan names share cards but {root}/build/images/manifest.json is missing; "
        f"run `campaign build {root} --out {root}/build` first (or point --build at the kit you built)"
    )
    text = "accounts: [{id: x-riks, platform: x}]\nplan:\n  - at: day 1 09:00\n    message: m001\n    accounts: [x-riks]\n    images:\n      - file: nope.png\n"
    write_campaign(tmp_path, numbered_messages(1), [], None, plan_text=text)
    assert problems(root) == [
        "messages/plan.yaml:7:9: error: plan[0].images[0]: an image file needs alt: a description for people who cannot see it",
        "messages/plan.yaml:7:15: error: plan[0].images[0].file: file 'nope.png' does not exist in the campaign folder",
    ]


def test_entries_for_an_area_get_its_local_text_and_their_own_id(tmp_path: Path) -> None:
    messages = [
        {
            "id": "lokal",
            "kind": "short",
            "text": "{% if kommun %}Socialtjänsten i {{ kommun }} behöver resurser.{% else %}Socialtjänsten behöver resurser.{% endif %}",
        }
    ]
    plan = [
        {"at": "day 1 09:00", "message": "lokal", "accounts": ["x-riks"]},
        {"at": "day 1 10:00", "message": "lokal", "area": "0380", "accounts": ["x-riks"]},
    ]
    root = write_campaign(tmp_path, messages, X, plan)
    rows = resolve(load(root).campaign).rows
    assert [(r.key, r.parts[0].text.splitlines()[0]) for r in rows] == [
        ("lokal@x-riks", "Socialtjänsten behöver resurser."),
        ("lokal-0380@x-riks", "Socialtjänsten i Uppsala behöver resurser."),
    ]
    plan[1]["area"] = "0399"
    write_campaign(tmp_path, messages, X, plan)
    assert [p.split(": error: ")[1] for p in problems(root)] == [
        "plan[1].area: no kommun has the code '0399'; a kommun code has four digits, e.g. '0380' (Uppsala)"
    ]


def test_a_mastodon_instance_limit_shapes_the_post(tmp_path: Path) -> None:
    long_text = "Socialsekreterare vittnar om hög arbetsbelastning. " * 5
    messages = [{"id": "lang", "kind": "long", "text": long_text.strip()}]
    accounts = [{"id": "m", "platform": "mastodon", "endpoint": "https://social.example.org", "max_characters": 150}]
    root = write_campaign(tmp_path, messages, accounts, [{"at": "day 1 09:00", "message": "lang", "accounts": ["m"]}])
    [row] = resolve(load(root).campaign).rows
    from campaign.compose import count

    assert len(row.parts) > 1 and all(count("mastodon", p.text, instance_limit=150).length <= 150 for p in row.parts)


def test_a_local_entry_gets_its_areas_card_and_the_platforms_size(tmp_path: Path) -> None:
    build = tmp_path / "build" / "images"
    build.mkdir(parents=True)
    logo = (ROOT / "assets" / "logo.png").read_bytes()
    manifest = []
    for name, code, size in [("nat-x", "", "x"), ("nat-bsky", "", "bluesky"), ("upp-x", "0380", "x"), ("dem-x", "", "x")]:
        (build / f"{name}.png").write_bytes(logo)
        manifest.append(
            {
                "file": f"{name}.png",
                "card": "demand" if name.startswith("dem") else "message",
                "id": "m001",
                "area_level": "kommun" if code else "national",
                "area_code": code,
                "size": size,
                "platforms": ["bluesky"] if size == "bluesky" else ["x", "mastodon"],
                "width": 256,
                "height": 256,
                "alt": f"alt {name}",
            }
        )
    (build / "manifest.json").write_text(json.dumps({"images": manifest}))
    accounts = [*X, {"id": "b", "platform": "bluesky", "handle": "kampanj.test"}]
    plan = [
        {"at": "day 1 09:00", "message": "m001", "accounts": ["x-riks", "b"], "images": ["m001"]},
        {"at": "day 1 10:00", "message": "m001", "area": "0380", "accounts": ["x-riks", "b"], "images": ["m001"]},
        {"at": "day 1 11:00", "id": "krav", "message": "m001", "accounts": ["b"], "images": ["demand:m001"]},
    ]
    # the local post names its kommun: one X account never gets the same text twice (X would refuse it)
    messages = [{"id": "m001", "kind": "short", "text": "Resurser behövs{% if kommun %} i {{ kommun }}{% endif %}."}]
    root = write_campaign(tmp_path, messages, accounts, plan)
    rows = resolve(load(root).campaign).rows
    assert [(r.key, r.parts[0].images[0].alt) for r in rows] == [
        ("m001@b", "alt nat-bsky"),
        ("m001@x-riks", "alt nat-x"),
        ("m001-0380@b", "alt upp-x"),
        ("m001-0380@x-riks", "alt upp-x"),  # the local card beats the size
        ("krav@b", "alt dem-x"),
    ]


def test_alt_text_longer_than_a_platform_takes_is_refused_at_planning(tmp_path: Path) -> None:
    build = tmp_path / "build" / "images"
    build.mkdir(parents=True)
    (build / "k.png").write_bytes((ROOT / "assets" / "logo.png").read_bytes())
    (build / "manifest.json").write_text(
        json.dumps(
            {
                "images": [
                    {
                        "file": "k.png",
                        "card": "message",
                        "id": "m001",
                        "area_code": "",
                        "size": "x",
                        "platforms": ["x"],
                        "alt": "å" * 1001,
                    }
                ]
            }
        )
    )
    root = write_campaign(
        tmp_path, numbered_messages(1), X, [{"at": "day 1 09:00", "message": "m001", "accounts": ["x-riks"], "images": ["m001"]}]
    )
    with pytest.raises(PlanError, match=r"^alt text of k.png is 1001 characters; x takes at most 1000$"):
        resolve(load(root).campaign)


def test_fixed_times_beyond_a_daily_cap_are_warned_about(tmp_path: Path) -> None:
    plan = [
        {"at": f"day 1 {8 + i // 2:02d}:{(i % 2) * 30:02d}", "message": f"m{i + 1:03d}", "accounts": ["x-riks"]}
        for i in range(18)
    ]
    root = write_campaign(tmp_path, numbered_messages(18), X, plan)
    resolved = resolve(load(root).campaign)
    assert [w.format() for w in resolved.warnings] == [
        "messages/plan.yaml: warning: plan: 18 posts for account 'x-riks' on 2026-02-04; x allows about 17 a day"
    ]


def test_the_spread_can_place_every_message_the_plan_does_not_name(tmp_path: Path) -> None:
    plan = {
        "spread": {"start": "day 2", "days": 3, "from": "09:00", "until": "10:00", "min_gap_minutes": 30, "rest": ["x-riks"]},
        "posts": [{"at": "day 1 09:00", "message": "m002", "accounts": ["x-riks"]}],
    }
    root = write_campaign(tmp_path, numbered_messages(4), X, plan)
    rows = resolve(load(root).campaign).rows
    zone = dt.timezone(dt.timedelta(hours=1))
    assert [(r.key, r.due.astimezone(zone).strftime("%a %d %H:%M")) for r in rows] == [
        ("m002@x-riks", "Wed 04 09:00"),
        ("m001@x-riks", "Thu 05 09:00"),
        ("m003@x-riks", "Thu 05 09:30"),
        ("m004@x-riks", "Fri 06 09:00"),
    ]


def test_the_spread_spreads_untimed_entries_over_its_days(tmp_path: Path) -> None:
    """Six entries without a time and ``days: 5``: over the five days, not all on the first morning."""
    plan = {
        "spread": {"days": 5, "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "daily_caps": {"x": 17}},
        "posts": [{"message": f"m{i:03d}", "accounts": ["x-riks"]} for i in range(1, 7)],
    }
    root = write_campaign(tmp_path, numbered_messages(6), X, plan)
    rows = resolve(load(root).campaign).rows
    zone = dt.timezone(dt.timedelta(hours=1))
    assert [(r.key, r.due.astimezone(zone).strftime("%a %d %H:%M")) for r in rows] == [
        ("m001@x-riks", "Wed 04 08:00"),
        ("m002@x-riks", "Wed 04 09:00"),
        ("m003@x-riks", "Thu 05 08:00"),
        ("m004@x-riks", "Fri 06 08:00"),
        ("m005@x-riks", "Sat 07 08:00"),
        ("m006@x-riks", "Sun 08 08:00"),
    ]
    caps = {**plan["spread"], "daily_caps": {"x": 1}}  # with a cap of one a day, the sixth has no day of its own
    root = write_campaign(tmp_path / "cap", numbered_messages(6), X, {**plan, "spread": caps, "posts": plan["posts"][:5]})
    days = [r.due.astimezone(zone).strftime("%a") for r in resolve(load(root).campaign).rows]
    assert days == ["Wed", "Thu", "Fri", "Sat", "Sun"]
