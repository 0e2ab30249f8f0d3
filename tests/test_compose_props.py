"""Properties that must always hold, over generated messages, tags and politicians.

- no composed part exceeds its platform's limit as the platform's own rules
  count it (X: the twitter-text package itself; Bluesky: graphemes and bytes;
  Mastodon: Mastodon.py's own counter when its grapheme module is installed);
- the link is always kept, and required hashtags too;
- a thread never cuts inside a word or URL, and loses nothing of the body;
- output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from unittest.mock import patch

import pytest
import regex
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from campaign.compose import PLATFORMS, Platform, Post, compose, core
from campaign.compose import fit as fitting
from campaign.compose.core import PostTooLong, forget_counts, written_mention
from campaign.compose.facets import facets
from campaign.compose.length import fits, measure, normalise_x
from campaign.model import NATIONAL, Area, Campaign, Hashtag, Link, Mention, Message, Settings, Theme, Utm

UPPSALA = Area("kommun", "0380", "Uppsala", "03", "Uppsala län", "uppsala")
WORDS = [
    "socialtjänst",
    "är",
    "för",
    "barn",
    "unga",
    "välfärd",
    "kommunen",
    "😷",
    "👨‍👩‍👧",
    "🇸🇪",
    "日本語",
    "45\u00a0%",
    "–",
    "e\u0301n",
    "Åsa",
    "över",
    "example.com",
    "https://a.se/ö?x=1",
    "…",
    "€",
    "LVU-ärende",
    "@nobody",
    "#extra",
]
END = [".", "!", "?", ",", ";", ":", ""]


@st.composite
def sentences(draw: st.DrawFn) -> str:
    n = draw(st.integers(1, 12))
    words = [draw(st.sampled_from(WORDS) | st.text("abcdefghijklmnopqrstuvwxyzåäö", min_size=1, max_size=18)) for _ in range(n)]
    return " ".join(words).capitalize() + draw(st.sampled_from(END))


bodies = st.lists(sentences(), min_size=1, max_size=40).map(" ".join)
tags = st.lists(st.from_regex(r"[a-zåäöÅÄÖ][a-zåäöÅÄÖ0-9_]{0,24}", fullmatch=True), max_size=8, unique_by=str.casefold)
mentions = st.lists(
    st.builds(
        Mention,
        st.uuids().map(str),
        st.sampled_from(["Anna Andersson", "Bo Berg", "Åsa Öberg", "Li Wei 李伟"]),
        st.sampled_from(["ordförande i socialnämnden", "KSO"]),
        st.sampled_from([None, "anna_s", "bo.bsky.social", "asa@mastodon.example"]),
        st.sampled_from([None, "did:plc:x"]),
    ),
    max_size=4,
)


def make_campaign(body: str, hashtags: list[str], required: int, url: str) -> Campaign:
    theme = Theme("#000", "#fff", "#f00", "#000", None, None, None)
    s = Settings(
        name="Kampanj",
        organisation="Facket",
        language="sv",
        timezone="Europe/Stockholm",
        launch_date=dt.date(2026, 2, 4),
        base_url=None,
        handle=None,
        theme=theme,
        utm=Utm(True, "kampanj-2026", "social", {}),
        tag=(),
    )
    message = Message("m", "long", (body.replace("{", "(").replace("}", ")").replace("%}", "%"),), (), "l", (), None)
    return Campaign(
        root=Path(),
        settings=s,
        figures=(),
        messages=(message,),
        links=(Link("l", url, "Rapport"),),
        hashtags=tuple(Hashtag(t, i < required) for i, t in enumerate(hashtags)),
        demands=(),
    )


def platform_count(platform_id: str, text: str, limit: int) -> bool:
    """Whether ``text`` fits, counted by the platform's reference rules (not the composer's code)."""
    if platform_id == "x":
        from twitter_text import parse_tweet

        result = parse_tweet(normalise_x(text))
        return result.weightedLength <= limit and "\ufffe" not in text
    if platform_id == "bluesky":
        return len(regex.findall(r"\X", text)) <= limit and len(text.encode("utf-8")) <= 3000
    if platform_id == "mastodon":
        try:
            from mastodon import Mastodon

            return Mastodon.get_status_length(text) <= limit
        except NotImplementedError:  # Mastodon.py without its grapheme module
            from campaign.compose.length import mastodon_length

            return mastodon_length(text) <= limit
    return len(text.encode("utf-16-le")) // 2 <= limit


@given(
    body=bodies,
    hashtags=tags,
    required=st.integers(0, 2),
    people=mentions,
    platform_id=st.sampled_from(list(PLATFORMS)),
    instance_limit=st.sampled_from([None, 280, 1000]),
    query=st.sampled_from(["", "?lang=sv", "?utm_source=nyhetsbrev"]),
)
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_post_fits_keeps_its_link_and_is_deterministic(
    body: str,
    hashtags: list[str],
    required: int,
    people: list[Mention],
    platform_id: str,
    instance_limit: int | None,
    query: str,
) -> None:
    campaign = make_campaign(body, hashtags, required, "https://kampanj.example.org/rapport" + query)
    area = UPPSALA if people else NATIONAL
    try:
        post = compose(campaign, "m", area, platform_id, tags=people, instance_limit=instance_limit)
    except PostTooLong:
        event("too long (no threads)")
        assert not PLATFORMS[platform_id].threads, "a platform with threads must never refuse a long body"
        return
    event(f"{'thread' if post.is_thread else 'single'} post, {'something' if post.dropped else 'nothing'} dropped")
    limit = instance_limit if (instance_limit and platform_id == "mastodon") else PLATFORMS[platform_id].limit
    for part in post.parts:
        assert platform_count(platform_id, part.text, limit), part.text
        assert part.limit == limit
    assert post.link and post.link.startswith("https://kampanj.example.org/rapport" + query)
    if platform_id == "bluesky":  # the visible text is the app's short form; a link facet carries the URL
        assert any(f["features"][0].get("uri") == post.link for part in post.parts for f in part.facets)
    else:
        assert any(post.link in part.text for part in post.parts)
    kept = {t.casefold() for t in post.hashtags}
    over_cap = {d.value[1:].casefold() for d in post.dropped if d.reason == "cap"}
    for tag in hashtags[:required]:  # required tags stay, unless the platform's cap leaves no room
        assert tag.casefold() in kept or tag.casefold() in over_cap
    if post.is_thread:
        assert [re.match(r"(\d+)/(\d+) ", p.text).groups() for p in post.parts] == [
            (str(i), str(len(post.parts))) for i in range(1, len(post.parts) + 1)
        ]
        whole = unicodedata.normalize("NFC", campaign.messages[0].variants[0])
        written = {t for m in post.mentions for t in written_mention(m, PLATFORMS[platform_id]).split()}
        tokens = set(whole.split()) | set(post.parts[-1].text.split("\n\n", 1)[-1].split())
        tokens |= written | {t + "," for t in written}  # the mentions may close the body's last part
        if platform_id == "bluesky":  # links as the app shows them
            from campaign.compose.facets import short_text

            tokens |= {short_text(t) for t in tokens}
        for part in post.parts:
            assert set(part.text.split()[1:]) <= tokens  # no token cut in two
    again = compose(campaign, "m", area, platform_id, tags=people, instance_limit=instance_limit)
    assert again == post


def _counted_whole(p: Platform, text: str, limit: int) -> int | None:
    return measure(p, text) if fits(p, text, limit) else None


@given(
    body=bodies,
    hashtags=tags,
    required=st.integers(0, 2),
    people=mentions,
    platform_id=st.sampled_from(["x", "bluesky", "mastodon", "threads"]),
    instance_limit=st.sampled_from([None, 280]),
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_post_counted_from_pieces_is_the_post_counted_whole(
    body: str, hashtags: list[str], required: int, people: list[Mention], platform_id: str, instance_limit: int | None
) -> None:
    """The composer's shortcuts (a post counted from its pieces' memoised counts, a thread's tries as sums of its
    sentences' counts, the Bluesky facets joined from the pieces') give the post that counting and faceting each
    whole text gives."""
    campaign = make_campaign(body, hashtags, required, "https://kampanj.example.org/rapport")
    area = UPPSALA if people else NATIONAL

    def post() -> Post | str:
        try:
            return compose(campaign, "m", area, platform_id, tags=people, instance_limit=instance_limit)
        except PostTooLong as exc:
            return str(exc)

    forget_counts()
    shortcuts = post()
    with patch.multiple(
        core,
        _whole_post=lambda *args: None,  # (the post with everything, from its pieces' counts made once)
        lines_length=lambda p, pieces, limit: _counted_whole(p, "".join(pieces), limit),
        composed_length=_counted_whole,
        pieces_facets=lambda pieces, people: facets("".join(pieces), people),
        spaced_facets=lambda pieces, people: facets("".join(pieces), people),
        part_sizes=lambda p, limit: None,  # (a thread's tries as texts, not as sums)
    ):
        assert post() == shortcuts


def test_mastodon_counter_agrees_with_mastodon_py() -> None:
    from mastodon import Mastodon

    from campaign.compose.length import mastodon_length

    texts = ["hej @anna@social.example https://a.se/ö?x=1 👨‍👩‍👧 e\u0301", "åäö " * 40, "@a@b.se @c https://x.org"]
    try:
        expected = [Mastodon.get_status_length(t) for t in texts]
    except NotImplementedError:
        pytest.skip("Mastodon.py's grapheme module (graphemeu) is not installed")
    assert [mastodon_length(t) for t in texts] == expected


def _each_in_turn(
    tail: fitting.Tail, required: frozenset[str], threads: bool, fits_one: Callable[[fitting.Tail], bool]
) -> fitting.Tail | None:
    options = list(fitting.reductions(tail, required))
    keeps_one = [o for o in options if o.mentions or not tail.mentions]
    return next((option for option in (keeps_one if threads else options) if fits_one(option)), None)


@given(
    body=bodies,
    hashtags=tags,
    required=st.integers(0, 2),
    people=mentions,
    platform_id=st.sampled_from(["x", "bluesky", "mastodon", "threads", "linkedin"]),
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_least_of_a_posts_tails_tried_first_is_each_tried_in_turn(
    body: str, hashtags: list[str], required: int, people: list[Mention], platform_id: str
) -> None:
    """fit tries the tail with the least in it first, and none of the others when it does not fit: the same post
    as trying each tail in turn (a tail with more in it never fits where one with less does not)."""
    campaign = make_campaign(body[: len(body) // 3 + 60], hashtags, required, "https://kampanj.example.org/rapport")
    area = UPPSALA if people else NATIONAL

    def post() -> Post | str:
        try:
            return compose(campaign, "m", area, platform_id, tags=people)
        except PostTooLong as exc:
            return str(exc)

    forget_counts()
    least_first = post()
    with patch.object(fitting, "_first_fitting", _each_in_turn):
        forget_counts()
        assert post() == least_first


@given(
    mentioned=st.lists(st.sampled_from(["@a", "@b.se", "Bo Berg", "@c@d.se"]), max_size=4, unique=True),
    hashtags=tags,
    required=st.integers(0, 8),
    link=st.sampled_from([None, "https://a.se/r"]),
)
def test_the_least_tail_is_the_last_reduction(mentioned: list[str], hashtags: list[str], required: int, link: str | None) -> None:
    tail = fitting.Tail(tuple(mentioned), link, tuple(hashtags))
    needed = frozenset(hashtags[:required])
    options = list(fitting.reductions(tail, needed))
    assert fitting._least(tail, needed, False) == options[-1]
    if mentioned:
        assert fitting._least(tail, needed, True) == [o for o in options if o.mentions][-1]
