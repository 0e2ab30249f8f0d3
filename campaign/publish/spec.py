"""The shape of the ``accounts`` and ``plan`` sections, and their cross-checks.

accounts:
  - id: x-riks                 # how the plan names the account
    platform: x                # x, bluesky, mastodon, threads, linkedin, facebook or instagram
    endpoint: https://api.twitter.com   # optional except for Mastodon (the instance)
    handle: kampanj.bsky.social         # Bluesky: the handle (or DID) to log in with
    profile_id: "1234567890"            # Facebook Page id, Instagram account id, LinkedIn URN, Threads user id
    env: {api_key: MY_X_KEY}   # optional; default names are CAMPAIGN_<ID>_<CREDENTIAL>

plan:
  spread: {start: day 1, days: 10, from: "08:00", until: "18:00", min_gap_minutes: 60,
           weekdays: [mon, tue, wed, thu, fri], daily_caps: {x: 17}, rest: [x-riks]}
  posts:
    - at: day 1 09:00          # or 2026-02-04 09:00; leave out to let spread place it
      message: resurser
      accounts: [x-riks, bluesky-riks]
      images: [{file: assets/kort.png, alt: "…"}]   # or {card: resursbrist}
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from campaign.compose.platforms import PLATFORMS
from campaign.errors import CampaignError
from campaign.model import Campaign
from campaign.publish.platforms import CREDENTIALS, DEFAULT_ENDPOINTS, PROFILE_IDS, PUBLISHING_PLATFORMS
from campaign.publish.when import FORMS, parse_day, parse_when
from campaign.registry import area
from campaign.schema import ID, Ctx, Either, Field, ListOf, MapOf, Num, Obj, Spec, Str, default_dict, suggest
from campaign.yamlfile import Path_, format_path

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ENDPOINT = Str(
    max_len=300,
    pattern=r"https?://[A-Za-z0-9.\-\[\]:]+(/[^\s]*)?",
    pattern_help="a base URL such as 'https://mastodon.social' or 'http://127.0.0.1:8080'",
)
ENV_NAME = Str(
    max_len=100, pattern=r"[A-Za-z_][A-Za-z0-9_]*", pattern_help="an environment variable name such as 'CAMPAIGN_X_API_KEY'"
)
CLOCK = Str(max_len=5, pattern=r"([01]\d|2[0-3]):[0-5]\d", pattern_help="a time of day as HH:MM")
CARD = Str(
    max_len=80,
    pattern=r"((figure|message|demand):)?[a-z0-9][a-z0-9_-]*",
    pattern_help="a card: a figure, message or demand id such as 'resursbrist', or 'message:resurser'",
)
ALL_CREDENTIALS = tuple(sorted({c for names in CREDENTIALS.values() for c in names}))

ACCOUNT = Obj(
    {
        "id": Field(ID, required=True),
        "platform": Field(Str(choices=PUBLISHING_PLATFORMS), required=True),
        "endpoint": Field(ENDPOINT, help="the API's base URL; defaults to the platform's public API"),
        "handle": Field(Str(max_len=253, multiline=False)),
        "env": Field(MapOf(Str(choices=ALL_CREDENTIALS), ENV_NAME), default=default_dict),
        "max_characters": Field(
            Num(minimum=100, maximum=100_000, integer=True), help="a Mastodon instance's own post limit (default 500)"
        ),
        "profile_id": Field(
            Str(max_len=100, multiline=False),
            help="whom the API posts as: a Facebook Page id, an Instagram account id, a LinkedIn URN, a Threads user id",
        ),
    },
    name="an account mapping (id, platform, endpoint, handle, env, max_characters, profile_id)",
)
ACCOUNTS = ListOf(ACCOUNT)


class When(Spec):
    """A plan time; its form is checked here, its value against the launch date later."""

    expected = f"a time as {FORMS}"

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                parse_when(value, dt.date(2000, 1, 3), "UTC")
                return value
            except ValueError as exc:
                return ctx.error(path, str(exc))
        return self.wrong_type(value, path, ctx)


IMAGE = Obj(
    {
        "file": Field(Str(max_len=300), help="a PNG or JPEG inside the campaign folder"),
        "card": Field(CARD, help="a share card from build/images/manifest.json: a figure, message or demand id, or kind:id"),
        "alt": Field(Str(max_len=1_000), help="alt text; required with file, taken from the manifest for a card"),
    },
    name="an image (a card id, or a mapping with file and alt)",
    shorthand=lambda v: {"card": v} if isinstance(v, str) else None,
)

ENTRY = Obj(
    {
        "id": Field(ID, help="stable id of the entry; defaults to the message id"),
        "at": Field(When(), help="local time; left out, the spread places the post"),
        "message": Field(ID, required=True),
        "area": Field(
            Str(max_len=4, pattern=r"\d{2}|\d{4}", pattern_help="a län code ('03') or kommun code ('0380')"),
            help="the area the post is for; the whole country when left out",
        ),
        "accounts": Field(ListOf(ID, min_items=1), required=True),
        "images": Field(ListOf(IMAGE, max_items=4), default=list),
    },
    name="a plan entry (id, at, message, area, accounts, images)",
)

SPREAD = Obj(
    {
        "start": Field(Str(max_len=40), default="day 1", help="first day: 'day N' or YYYY-MM-DD"),
        "days": Field(Num(minimum=1, maximum=366, integer=True), default=14),
        "weekdays": Field(ListOf(Str(choices=WEEKDAYS), min_items=1), default=lambda: list(WEEKDAYS[:5])),
        "from": Field(CLOCK, default="08:00"),
        "until": Field(CLOCK, default="18:00"),
        "min_gap_minutes": Field(Num(minimum=0, maximum=24 * 60, integer=True), default=60),
        "daily_caps": Field(MapOf(Str(choices=PUBLISHING_PLATFORMS), Num(minimum=1, integer=True)), default=lambda: {"x": 17}),
        "rest": Field(
            ListOf(ID), default=list, help="accounts that get every message not named under posts:, placed by the spread"
        ),
    },
    name="a spread mapping (start, days, weekdays, from, until, min_gap_minutes, daily_caps, rest)",
)

PLAN = Either(
    [
        (
            lambda v: isinstance(v, dict),
            Obj(
                {
                    "spread": Field(SPREAD),
                    "posts": Field(ListOf(ENTRY), default=list),
                    "late_after_minutes": Field(
                        Num(minimum=0, maximum=30 * 24 * 60, integer=True),
                        default=60,
                        help="a post more than this past its time is held as late, not sent (default 60)",
                    ),
                },
                name="a plan mapping (spread, posts, late_after_minutes)",
            ),
        ),
        (lambda v: isinstance(v, list), ListOf(ENTRY)),
    ],
    expected_text="a plan: a list of entries, or a mapping with posts and spread",
)

Report = Callable[..., None]


def plan_posts(data: Any) -> list[dict[str, Any]]:
    """The entries of a checked plan section, whichever form it took."""
    return data if isinstance(data, list) else data.get("posts") or []


def all_entries(campaign: Campaign, data: Any) -> list[dict[str, Any]]:
    """The plan's entries, then one per message not named in them for the spread's ``rest`` accounts."""
    entries = plan_posts(data)
    rest = (plan_spread(data) or {}).get("rest") or []
    if not rest:
        return entries
    named = {e["message"] for e in entries}
    extra = [
        {"id": None, "at": None, "message": m.id, "area": None, "accounts": list(rest), "images": []}
        for m in campaign.messages
        if m.id not in named
    ]
    return [*entries, *extra]


DEFAULT_GRACE = dt.timedelta(hours=1)


def plan_grace(data: Any) -> dt.timedelta:
    """How late a post may be and still be sent (``late_after_minutes``; one hour by default)."""
    minutes = data.get("late_after_minutes") if isinstance(data, dict) else None
    return dt.timedelta(minutes=minutes) if minutes is not None else DEFAULT_GRACE


def plan_spread(data: Any) -> dict[str, Any] | None:
    return data.get("spread") if isinstance(data, dict) else None


def entry_id(entry: dict[str, Any]) -> str:
    """The entry's id: given, or the message id (with the area code for a local post)."""
    if entry.get("id"):
        return entry["id"]
    return f"{entry['message']}-{entry['area']}" if entry.get("area") else entry["message"]


def check_accounts(campaign: Campaign, data: list[dict[str, Any]], report: Report) -> None:
    """Accounts: unique ids, an endpoint where the platform has no default, a Bluesky handle."""
    seen: dict[str, int] = {}
    for i, account in enumerate(data):
        if account["id"] in seen:
            report(
                ("accounts", i, "id"), f"duplicate account id {account['id']!r}; first used at accounts[{seen[account['id']]}]"
            )
        seen.setdefault(account["id"], i)
        if account["endpoint"] is None and DEFAULT_ENDPOINTS[account["platform"]] is None:
            report(("accounts", i), "a Mastodon account needs endpoint: the instance's URL, such as 'https://mastodon.social'")
        if account.get("max_characters") is not None and account["platform"] != "mastodon":
            report(
                ("accounts", i, "max_characters"),
                "max_characters is a Mastodon instance's limit; the other platforms' limits are fixed",
            )
        _check_profile(account, i, report)
        if account["platform"] == "bluesky" and not account["handle"]:
            report(
                ("accounts", i), "a Bluesky account needs handle: the handle or DID to log in with, such as 'kampanj.bsky.social'"
            )
        for credential in account["env"]:
            if credential not in CREDENTIALS[account["platform"]]:
                allowed = ", ".join(CREDENTIALS[account["platform"]])
                report(
                    ("accounts", i, "env", credential),
                    f"{account['platform']} has no credential {credential!r}; its credentials: {allowed}",
                )


PROFILE_PATTERNS = {
    "threads": r"me|\d{1,30}",
    "linkedin": r"urn:li:(organization:\d{1,30}|person:[A-Za-z0-9_-]{1,64})",
    "facebook": r"\d{1,30}",
    "instagram": r"\d{1,30}",
}
NEEDS_IMAGE = ("instagram",)  # Instagram takes no post without an image
ONE_IMAGE = ("threads", "linkedin", "facebook", "instagram")  # their publishers send one image a post


def _check_profile(account: dict[str, Any], i: int, report: Report) -> None:
    """profile_id: required where the API needs to be told whom to post as, refused where it means nothing."""
    platform, value = account["platform"], account.get("profile_id")
    if platform not in PROFILE_IDS:
        if value is not None:
            report(("accounts", i, "profile_id"), f"profile_id is for Threads, LinkedIn, Facebook and Instagram, not {platform}")
        return
    if value is None:
        if platform != "threads":
            report(("accounts", i), f"a {PLATFORMS[platform].name} account needs profile_id: {PROFILE_IDS[platform]}")
        return
    if not re.fullmatch(PROFILE_PATTERNS[platform], str(value)):
        report(("accounts", i, "profile_id"), f"expected {PROFILE_IDS[platform]}, got {value!r}")


def check_plan(campaign: Campaign, data: Any, report: Report) -> None:
    """Plan entries against the campaign: messages, accounts, times, image files."""
    base: tuple[str | int, ...] = ("plan",) if isinstance(data, list) else ("plan", "posts")
    messages = [m.id for m in campaign.messages]
    accounts = [a["id"] for a in campaign.extra.get("accounts") or []]
    platforms = {a["id"]: a["platform"] for a in campaign.extra.get("accounts") or []}
    spread = plan_spread(data)
    seen: dict[str, int] = {}
    for i, entry in enumerate(plan_posts(data)):
        here = (*base, i)
        if entry["message"] not in messages:
            report((*here, "message"), f"unknown message id {entry['message']!r}{suggest(entry['message'], messages)}")
        if entry.get("area"):
            try:
                area(entry["area"])
            except CampaignError as exc:
                report((*here, "area"), str(exc))
        for j, account in enumerate(entry["accounts"]):
            if account not in accounts:
                hint = suggest(account, accounts) or (
                    "; add it under accounts:" if not accounts else f"; accounts: {', '.join(accounts)}"
                )
                report((*here, "accounts", j), f"unknown account {account!r}{hint}")
        ident = entry_id(entry)
        if ident in seen:
            report(
                here,
                f"entry id {ident!r} is used twice (first at {format_path((*base, seen[ident]))}); give one of them its own id: key",
            )
        seen.setdefault(ident, i)
        _check_time(campaign, entry, spread, here, report)
        _check_images(campaign, entry, here, report)
        _check_image_counts(entry, platforms, here, report)
    if spread is not None:
        try:
            parse_day(spread["start"], campaign.settings.launch_date)
        except ValueError as exc:
            report(("plan", "spread", "start"), str(exc))
        for j, account in enumerate(spread["rest"]):
            if account not in accounts:
                report(("plan", "spread", "rest", j), f"unknown account {account!r}{suggest(account, accounts)}")
            elif platforms[account] in NEEDS_IMAGE:
                report(
                    ("plan", "spread", "rest", j),
                    f"{account!r} is an Instagram account, and Instagram takes no post without an image; the entries rest: "
                    "makes carry none: name its messages under posts: with images:",
                )
        if spread["from"] >= spread["until"]:
            report(("plan", "spread", "until"), f"until ({spread['until']}) must be later than from ({spread['from']})")


def _check_time(campaign: Campaign, entry: dict[str, Any], spread: Any, here: Path_, report: Report) -> None:
    if entry["at"] is None:
        if spread is None:
            report(here, "missing at: (a time such as 'day 1 09:00'); or add a spread: to the plan to place it automatically")
        return
    try:
        parse_when(entry["at"], campaign.settings.launch_date, campaign.settings.timezone)
    except ValueError as exc:
        report((*here, "at"), str(exc))


def _check_image_counts(entry: dict[str, Any], platforms: dict[str, str], here: Path_, report: Report) -> None:
    """An Instagram post needs its image; Threads, LinkedIn, Facebook and Instagram posts carry one here."""
    for j, account in enumerate(entry["accounts"]):
        platform = platforms.get(account)
        if platform in NEEDS_IMAGE and not entry["images"]:
            report(
                (*here, "accounts", j),
                f"{account!r} is an Instagram account, and Instagram takes no post without an image: "
                "add images: (a share card such as [resursbrist]) to the entry, or post it on the other accounts only",
            )
        elif platform in ONE_IMAGE and len(entry["images"]) > 1:
            report(
                (*here, "images"),
                f"{len(entry['images'])} images, but posts to {account!r} ({platform}) carry one image here; "
                "give that account an entry of its own with one image",
            )


def _check_images(campaign: Campaign, entry: dict[str, Any], here: Path_, report: Report) -> None:
    for k, image in enumerate(entry["images"]):
        where = (*here, "images", k)
        if (image["file"] is None) == (image["card"] is None):
            report(where, "give either file: (with alt:) or card:, not both")
            continue
        if image["file"] is None:
            continue
        if not image["alt"]:
            report(where, "an image file needs alt: a description for people who cannot see it")
        target = (campaign.root / image["file"]).resolve()
        if not target.is_relative_to(campaign.root):
            report((*where, "file"), f"path {image['file']!r} points outside the campaign folder")
        elif not target.is_file():
            report((*where, "file"), f"file {image['file']!r} does not exist in the campaign folder")
        elif target.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            report((*where, "file"), f"expected a .png or .jpg image, got {target.name!r}")


__all__ = ["ACCOUNTS", "PLAN", "all_entries", "check_accounts", "check_plan", "entry_id", "plan_posts", "plan_spread"]
