"""One contract, every publisher: X (fake X API), Mastodon (fake instance), Bluesky (the real PDS),
Threads, Facebook and Instagram (fake Graph APIs) and LinkedIn (fake REST API).

Each test runs once per platform against a real HTTP server on 127.0.0.1 and
checks what the server holds afterwards. Faults are injected on the endpoint
that creates posts; the worker's retry policy is exercised with a fake clock,
so nothing really waits.
"""

from __future__ import annotations

import datetime as dt
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign.compose import facets
from campaign.publish.model import Outgoing, Part, Planned, RemotePost
from campaign.publish.queue import Queue, owner_token
from campaign.publish.worker import Policy, run_once
from tests.fakes.clock import FakeClock
from tests.fakes.harness import BlueskyHarness, Harness, MastodonHarness, XHarness, pds_info
from tests.fakes.meta_harness import FacebookHarness, InstagramHarness, LinkedInHarness, ThreadsHarness

ROOT = Path(__file__).resolve().parents[1]
LOGO = ROOT / "assets" / "logo.png"
T0 = dt.datetime(2026, 2, 4, 8, 0, tzinfo=dt.UTC)


NEW = {"threads": ThreadsHarness, "facebook": FacebookHarness, "instagram": InstagramHarness, "linkedin": LinkedInHarness}


@pytest.fixture(params=["x", "mastodon", "bluesky", "threads", "facebook", "instagram", "linkedin"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    if request.param == "x":
        h: Harness = XHarness()
    elif request.param == "mastodon":
        h = MastodonHarness()
    elif request.param in NEW:
        h = NEW[request.param]()
    else:
        info = pds_info()
        if info is None:
            pytest.skip(
                "no local Bluesky PDS: start ../shared/tools/bsky-pds/start.sh and set CAMPAIGN_TEST_PDS to its info JSON"
            )
        h = BlueskyHarness(info)
    yield h
    h.stop()


class Events:
    """A Recorder that remembers what the publisher told it."""

    def __init__(self) -> None:
        self.log: list[tuple[str, int]] = []
        self.remotes: list[RemotePost] = []

    def sending(self, index: int) -> None:
        self.log.append(("sending", index))

    def sent(self, index: int, remote: RemotePost) -> None:
        self.log.append(("sent", index))
        self.remotes.append(remote)

    def answered(self, index: int) -> None:
        self.log.append(("answered", index))


def no_threads(h: Harness) -> None:
    if not h.has_threads:
        pytest.skip(f"{h.platform} has no threads: the composer never splits a post for it")


def no_named_reset(h: Harness) -> None:
    if not h.names_reset:
        pytest.skip(f"{h.platform}'s throttled answer names no reset time (its own tests cover what it does instead)")


def unique(text: str) -> str:
    return f"{text} ({uuid.uuid4().hex[:8]})"


def outgoing(h: Harness, *parts: Part, sent: tuple[RemotePost, ...] = ()) -> Outgoing:
    return Outgoing(1, uuid.uuid4().hex, h.account(), parts, sent)


def test_a_post_arrives_with_its_text(harness: Harness) -> None:
    text = unique("Varannan socialsekreterare anger brist på resurser: 50 %")
    events = Events()
    remote = harness.publisher().publish(outgoing(harness, harness.part(text)), events)
    assert harness.read(remote.id).text == text
    assert remote.url.startswith("https://")
    assert events.log == [("sending", 0), ("sent", 0)]


def test_a_thread_arrives_as_replies_in_order(harness: Harness) -> None:
    no_threads(harness)
    texts = [unique(f"Del {n} av tråden") for n in (1, 2, 3)]
    events = Events()
    first = harness.publisher().publish(outgoing(harness, *(Part(t) for t in texts)), events)
    assert events.log == [("sending", 0), ("sent", 0), ("sending", 1), ("sent", 1), ("sending", 2), ("sent", 2)]
    assert first == events.remotes[0]
    seen = [harness.read(r.id) for r in events.remotes]
    assert [s.text for s in seen] == texts
    assert [s.reply_to for s in seen] == [None, events.remotes[0].id, events.remotes[1].id]
    assert harness.creates() == 3


def test_a_thread_cut_short_continues_after_the_parts_already_sent(harness: Harness) -> None:
    no_threads(harness)
    publisher = harness.publisher()
    texts = [unique("Första delen"), unique("Andra delen")]
    first = publisher.publish(outgoing(harness, Part(texts[0])), Events())
    before = harness.creates()
    events = Events()
    result = publisher.publish(outgoing(harness, Part(texts[0]), Part(texts[1]), sent=(first,)), events)
    assert result == first
    assert harness.creates() == before + 1
    assert events.log == [("sending", 1), ("sent", 1)]
    assert harness.read(events.remotes[0].id).reply_to == first.id


def test_an_image_arrives_with_its_alt_text(harness: Harness) -> None:
    alt = "Logotypen för Trygg socialtjänst: vit text på mörkblå botten"
    image = harness.image(alt)
    remote = harness.publisher().publish(outgoing(harness, harness.part(unique("Med bild"), (image,))), Events())
    seen = harness.read(remote.id)
    assert seen.alts == [alt]
    if harness.platform == "bluesky":
        assert seen.aspect == [(image.width, image.height)]


def test_links_and_tags_keep_their_facets(harness: Harness) -> None:
    if harness.platform != "bluesky":
        pytest.skip("facets are Bluesky's; X and Mastodon find links and tags in the text themselves")
    text = unique("Läs rapporten https://kampanj.example.org/rapport #socialtjänst")
    sent = list(facets(text))
    remote = harness.publisher().publish(outgoing(harness, Part(text, tuple(sent))), Events())
    stored = harness.read(remote.id).facets
    for facet in [*stored, *sent]:  # the SDK writes the optional $type names of the facet and its byteSlice
        facet.pop("$type", None)
        facet["index"].pop("$type", None)
    assert stored == sent


# -- the worker's policy, through each publisher ---------------------------------------------


def queue_with(h: Harness, tmp_path: Path, *texts: str) -> Queue:
    queue = Queue.open(tmp_path / "queue.sqlite3", "test")
    rows = [
        Planned(f"e{i}@{h.account_id}", f"e{i}", "m", h.account_id, h.platform, T0, (h.part(t),)) for i, t in enumerate(texts)
    ]
    queue.sync(rows, T0)
    return queue


def run(h: Harness, queue: Queue, clock: FakeClock, env: dict[str, str] | None = None, policy: Policy = Policy()):
    account = h.account()
    return run_once(queue, T0, {account.id: account}, lambda a: h.publisher(env), owner=owner_token(), clock=clock, policy=policy)


def test_rate_limit_waits_until_the_named_reset_then_publishes(harness: Harness, tmp_path: Path) -> None:
    no_named_reset(harness)
    clock = FakeClock()
    harness.fail_next(harness.rate_limited(clock.now().replace(microsecond=0) + dt.timedelta(seconds=120)))
    queue = queue_with(harness, tmp_path, unique("Efter väntan"))
    report = run(harness, queue, clock)
    assert [o.state for o in report.outcomes] == ["published"]
    assert len(clock.slept) == 1 and 115 <= clock.slept[0] <= 122
    assert queue.rows()[0].attempts == 2


def test_a_long_rate_limit_gives_the_row_back_for_later(harness: Harness, tmp_path: Path) -> None:
    no_named_reset(harness)
    clock = FakeClock()
    reset = clock.now().replace(microsecond=0) + dt.timedelta(hours=2)
    harness.fail_next(harness.rate_limited(reset))
    queue = queue_with(harness, tmp_path, unique("Mycket senare"), unique("Också senare"))
    report = run(harness, queue, clock)
    assert [o.state for o in report.outcomes] == ["released"]  # the second row of the account is not even tried
    assert clock.slept == []
    rows = queue.rows()
    assert [r.state for r in rows] == ["scheduled", "scheduled"]
    assert rows[0].next_attempt_at is not None and rows[0].next_attempt_at >= reset
    assert harness.creates() == 1


def test_server_errors_back_off_exponentially_then_publish(harness: Harness, tmp_path: Path) -> None:
    clock = FakeClock()
    harness.fail_next(harness.server_error(), times=3)
    queue = queue_with(harness, tmp_path, unique("Tredje gången gillt"))
    report = run(harness, queue, clock)
    assert [o.state for o in report.outcomes] == ["published"]
    assert clock.slept == [2.0, 4.0, 8.0]


def test_server_errors_give_up_after_the_cap(harness: Harness, tmp_path: Path) -> None:
    clock = FakeClock()
    harness.fail_next(harness.server_error(), times=10)
    queue = queue_with(harness, tmp_path, unique("Ger upp"))
    report = run(harness, queue, clock, policy=Policy(max_attempts=4, backoff=2.0, backoff_cap=5.0))
    assert clock.slept == [2.0, 4.0, 5.0]
    row = queue.rows()[0]
    assert row.reason is not None and row.reason.startswith("gave up after 4 attempts: ")
    assert harness.creates() == 4
    if harness.publisher().can_look:  # it looked on the account: the post is not there, so nothing is in doubt
        assert [o.state for o in report.outcomes] == ["failed"]
        assert (row.state, row.failure, row.attempts, row.in_flight) == ("failed", "transient", 4, False)
    else:  # the key makes a later resend safe: the row waits for a later run, still marked, not for a person
        assert [o.state for o in report.outcomes] == ["released"]
        assert (row.state, row.attempts, row.in_flight) == ("scheduled", 4, True)
        assert row.next_attempt_at == clock.now().replace(microsecond=0) + dt.timedelta(seconds=5)


def test_refused_credentials_fail_with_what_to_fix(harness: Harness, tmp_path: Path) -> None:
    queue = queue_with(harness, tmp_path, unique("Fel nyckel"), unique("Också fel nyckel"))
    bad = harness.bad_env()
    report = run(harness, queue, FakeClock(), env=bad)
    assert [o.state for o in report.outcomes] == ["stopped"]  # the whole account stops; its other row waits, untouched
    [why] = report.account_errors.values()
    assert "CAMPAIGN_KONTO_" in why and harness.server.url in why
    stop = queue.account_stops()[harness.account_id]
    assert stop.stopped == "auth" and stop.credentials_id
    for secret in bad.values():
        assert secret not in why and secret not in (queue.rows()[0].reason or "")
        assert secret not in queue.path.read_bytes().decode("utf-8", "replace")
    assert [r.state for r in queue.rows()] == ["scheduled", "scheduled"]


def test_a_duplicate_fails_and_is_never_retried(harness: Harness, tmp_path: Path) -> None:
    if not harness.has_duplicates:
        pytest.skip(f"{harness.platform} accepts the same text twice; nothing to refuse")
    text = unique("Samma text två gånger")
    harness.publisher().publish(outgoing(harness, harness.part(text)), Events())
    queue = queue_with(harness, tmp_path, text)
    clock = FakeClock()
    report = run(harness, queue, clock)
    assert [o.state for o in report.outcomes] == ["failed"]
    assert queue.rows()[0].failure == "duplicate"
    assert run(harness, queue, clock).outcomes == []
    assert harness.creates() == 2 and clock.slept == []


def test_mastodon_answers_a_repeated_idempotency_key_with_the_first_status(tmp_path: Path) -> None:
    """A post retried after its answer was lost comes back as the same status, not a second one."""
    h = MastodonHarness()
    try:
        post = outgoing(h, Part(unique("Skickas två gånger")))
        first = h.publisher().publish(post, Events())
        again = h.publisher().publish(post, Events())
        assert again == first
        assert len(h.m.statuses) == 1 and h.creates() == 2
        assert h.m.statuses[0]["language"] == "sv"
        assert {r.header("Idempotency-Key") for r in h.server.hits("POST", "/api/v1/statuses")} == {f"{post.key}-0"}
    finally:
        h.stop()


def test_mastodon_refuses_a_post_over_the_instance_limit_before_sending(tmp_path: Path) -> None:
    h = MastodonHarness()
    h.m.max_characters = 100
    try:
        queue = queue_with(h, tmp_path, "x" * 101)
        report = run(h, queue, FakeClock())
        assert [o.detail for o in report.outcomes] == [f"the post is 101 characters; {h.server.url} allows 100"]
        assert h.creates() == 0
    finally:
        h.stop()


def test_x_window_used_up_waits_a_few_times_then_gives_the_rows_back(tmp_path: Path) -> None:
    """The fake X counts its 15-minute window for real; the fake clock cannot move it, so X keeps refusing."""
    h = XHarness()
    h.x.window_limit = 2
    try:
        queue = queue_with(h, tmp_path, unique("Ett"), unique("Två"), unique("Tre"), unique("Fyra"))
        clock = FakeClock()
        report = run(h, queue, clock, policy=Policy(max_rate_waits=2))
        assert [o.state for o in report.outcomes] == ["published", "published", "released"]
        # until the named reset (about 15 minutes), then (the fake clock now past it) the minimum second
        assert len(clock.slept) == 2 and 850 < clock.slept[0] <= 15 * 60 + 2 and clock.slept[1] == 1.0
        assert [r.state for r in queue.rows()] == ["published", "published", "scheduled", "scheduled"]
        assert h.creates() == 5
    finally:
        h.stop()


def test_bluesky_keeps_its_session_between_runs(tmp_path: Path) -> None:
    """Logins are limited (30 per 5 minutes): a second run reuses the saved session instead of logging in."""
    info = pds_info()
    if info is None:
        pytest.skip("no local Bluesky PDS: start ../shared/tools/bsky-pds/start.sh and set CAMPAIGN_TEST_PDS to its info JSON")
    h = BlueskyHarness(info)
    try:
        first = h.publisher(work=tmp_path).publish(outgoing(h, Part(unique("Första körningen"))), Events())
        session = tmp_path / "sessions" / "konto.session"
        assert session.stat().st_mode & 0o777 == 0o600
        assert info["app_password"] not in session.read_text()
        second = h.publisher(env=h.bad_env(), work=tmp_path).publish(outgoing(h, Part(unique("Andra körningen"))), Events())
        assert h.read(second.id).text.startswith("Andra körningen") and first.id != second.id
        assert len(h.server.hits("POST", "/xrpc/com.atproto.server.createSession")) == 1
    finally:
        h.stop()


def test_x_looks_after_a_lost_answer_and_finds_the_post(tmp_path: Path) -> None:
    """X created the post but the answer was a 503: before resending, the publisher looks among the
    account's own posts (the user timeline), finds it and records it; no second create."""
    h = XHarness()
    try:
        text = unique("Svaret försvann")
        queue = queue_with(h, tmp_path, text)
        original = h.x.route

        def create_then_fail(request):
            reply = original(request)
            if request.path == "/2/tweets" and len(h.x.tweets) == 1 and reply.status == 201:
                from tests.fakes.x_api import server_error

                return server_error(503)
            return reply

        h.x.route = create_then_fail  # type: ignore[method-assign]
        report = run(h, queue, FakeClock())
        assert [o.state for o in report.outcomes] == ["published"]
        assert [t.text for t in h.x.tweets] == [text] and h.creates() == 1
        assert queue.rows()[0].remote_id == h.x.tweets[0].id
        assert len(h.x.hits("GET", "/2/users/me")) == 1
        assert report.outcomes[0].settled == [
            f"the post was already on the account (https://x.com/i/web/status/{h.x.tweets[0].id})"
        ]
    finally:
        h.stop()


def test_a_post_too_long_for_the_platform_is_refused_before_sending(harness: Harness, tmp_path: Path) -> None:
    limit = {"x": 280, "bluesky": 300, "mastodon": 500, "threads": 500, "linkedin": 3000, "facebook": 63206, "instagram": 2200}[
        harness.platform
    ]
    queue = queue_with(harness, tmp_path, "å" * (limit + 1))
    report = run(harness, queue, FakeClock())
    assert [o.state for o in report.outcomes] == ["failed"]
    assert queue.rows()[0].failure == "rejected"
    assert (
        f"; {harness.platform if harness.platform != 'mastodon' else harness.server.url} allows {limit}"
        in report.outcomes[0].detail
    )
    assert harness.creates() == 0


def test_the_fake_x_counts_like_x() -> None:
    """The fake refuses what X refuses: 281 weighted characters (each å weighs 1, each emoji 2)."""
    h = XHarness()
    try:
        publisher = h.publisher()
        publisher.check = lambda part: None  # type: ignore[method-assign] - let it through to the server
        with pytest.raises(Exception, match="Your Tweet text is too long"):
            publisher.publish(outgoing(h, Part("å" * 281)), Events())
        assert publisher.publish(outgoing(h, Part("å" * 278 + "👍")), Events()).id
    finally:
        h.stop()


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs in the publisher."""


class DyingClock(FakeClock):
    def sleep(self, seconds: float) -> None:
        raise Killed


def test_a_publisher_killed_while_backing_off_after_a_5xx_settles_before_sending_again(harness: Harness, tmp_path: Path) -> None:
    """A 5xx may come after the post was made: the row stays in flight while the worker waits, so a
    publisher that dies in the wait leaves it marked; the next run looks (X) or resends within the
    key's window (Mastodon, Bluesky), and the post is on the account once."""
    harness.fail_next(harness.server_error())
    queue = queue_with(harness, tmp_path, unique("Svar 5xx, sedan död"))
    account = harness.account()
    dead_owner = f"{socket.gethostname()}:{2**22 + 1}:gone"  # above Linux's pid_max: never a running process
    with pytest.raises(Killed):
        run_once(queue, T0, {account.id: account}, lambda a: harness.publisher(), owner=dead_owner, clock=DyingClock())
    [row] = queue.recover(T0)
    assert (row.state, row.attempts, row.in_flight) == ("scheduled", 1, True)
    assert harness.creates() == 1
    report = run(harness, queue, FakeClock())
    assert [o.state for o in report.outcomes] == ["published"]
    assert harness.creates() == 2
    assert harness.read(queue.rows()[0].remote_id or "").text.startswith("Svar 5xx, sedan död")


def test_bluesky_finds_a_post_whose_answer_was_lost_instead_of_posting_it_twice(tmp_path: Path) -> None:
    """The PDS made the record but the answer was a 5xx: the publisher reads the record back under the
    part's own record key and finds it: one create request, one post, published, no retry."""
    info = pds_info()
    if info is None:
        pytest.skip("no local Bluesky PDS: start ../shared/tools/bsky-pds/start.sh and set CAMPAIGN_TEST_PDS to its info JSON")
    from tests.fakes.proxy import CREATE_RECORD, server_error

    h = BlueskyHarness(info)
    try:
        text = unique("Svaret försvann på Bluesky")
        queue = queue_with(h, tmp_path, text)
        original, lost = h.server.route, []

        def create_then_fail(request):
            reply = original(request)
            if request.path == CREATE_RECORD and reply.status == 200 and not lost:
                lost.append(reply)
                return server_error(502)
            return reply

        h.server.route = create_then_fail  # type: ignore[method-assign]
        report = run(h, queue, FakeClock())
        assert [o.state for o in report.outcomes] == ["published"]
        assert h.creates() == 1
        assert h.read(queue.rows()[0].remote_id or "").text == text
    finally:
        h.stop()


def test_bluesky_a_second_create_of_the_same_part_is_refused_and_found(tmp_path: Path) -> None:
    """A person retries an uncertain row that did arrive: the same record key makes the PDS refuse it,
    and the publisher returns the post already there."""
    info = pds_info()
    if info is None:
        pytest.skip("no local Bluesky PDS: start ../shared/tools/bsky-pds/start.sh and set CAMPAIGN_TEST_PDS to its info JSON")
    h = BlueskyHarness(info)
    try:
        post = outgoing(h, Part(unique("Skickas igen av en människa")))
        first = h.publisher().publish(post, Events())
        again = h.publisher().publish(post, Events())
        assert again == first
        assert h.creates() == 2
    finally:
        h.stop()


def test_a_429_naming_no_reset_waits_the_default_then_publishes(harness: Harness, tmp_path: Path) -> None:
    """Not every 429 says when the limit resets (a proxy in front, an old instance): wait a minute, not 0 s, not forever."""
    from tests.fakes.base import Reply

    clock = FakeClock()
    harness.fail_next(Reply(429, {"error": "RateLimitExceeded", "title": "Too Many Requests", "detail": "Too Many Requests"}))
    queue = queue_with(harness, tmp_path, unique("Väntar en minut"))
    report = run(harness, queue, clock)
    assert [o.state for o in report.outcomes] == ["published"]
    assert clock.slept == [Policy().default_rate_wait]


def test_a_lost_answer_then_a_429_never_sends_the_post_blindly_again(harness: Harness, tmp_path: Path) -> None:
    """The post is made but its answer is lost; the next try meets a long 429. The row keeps its
    in-flight mark through the wait and the hand-back; X finds the post by looking, Mastodon resends
    within its idempotency key's hour, Bluesky finds it under its record key: one post, published."""
    clock = FakeClock(T0)
    text = unique("Svaret försvann, sedan 429")
    harness.server.lose_next("POST", harness.create_path)
    harness.fail_next(harness.rate_limited(T0 + dt.timedelta(minutes=20)))
    queue = queue_with(harness, tmp_path, text)
    report = run(harness, queue, clock)
    if [o.state for o in report.outcomes] == ["released"]:  # the 429 gave the row back: still marked
        row = queue.rows()[0]
        assert (row.state, row.in_flight, row.in_flight_at) == ("scheduled", True, T0)
        clock.current = T0 + dt.timedelta(minutes=21)  # within Mastodon's idempotency hour
        report = run(harness, queue, clock)
    assert [o.state for o in report.outcomes] == ["published"]
    if harness.platform == "mastodon":  # resent with the same key: the first status comes back
        assert [s["text"] for s in harness.m.statuses] == [text]  # type: ignore[attr-defined]
    else:  # X looked and found it; Bluesky read it back under its record key: no second create
        assert harness.creates() == 1
    row = queue.rows()[0]
    assert row.state == "published" and harness.read(row.remote_id or "").text == text
    if harness.platform == "x":
        assert [t.text for t in harness.x.tweets] == [text]  # type: ignore[attr-defined]


def test_an_x_thread_whose_first_part_is_live_goes_on_from_the_next(tmp_path: Path) -> None:
    """A person retries an uncertain thread whose first part did arrive: the publisher finds part 1
    on the account and sends part 2 as its reply (X would refuse part 1 again, leaving half a thread)."""
    h = XHarness()
    h.x.refuse_duplicates = False  # X's duplicate check must not be what saves us
    try:
        texts = (unique("Tråd del 1"), unique("Tråd del 2 https://kampanj.example.org/rapport & mer"))
        queue = Queue.open(tmp_path / "queue.sqlite3", "test")
        queue.sync([Planned("t@konto", "t", "m", "konto", "x", T0, tuple(Part(t) for t in texts))], T0)
        h.server.lose_next("POST", "/2/tweets")  # part 1 made, its answer lost, then the publisher dies
        owner = owner_token()
        row = queue.claim(T0, owner)
        assert row is not None
        with pytest.raises(Exception):
            h.publisher().publish(Outgoing(row.id, row.idempotency_key, h.account(), row.parts), Events())
        queue.mark_in_flight(row.id, owner, T0)
        queue.uncertain(row.id, owner, "stopped", T0)
        queue.retry(str(row.id), T0)
        report = run(h, queue, FakeClock(T0))
        assert [o.state for o in report.outcomes] == ["published"]
        first, second = h.x.tweets
        assert [first.text, second.text] == list(texts) and second.reply_to == first.id
        assert [s.id for s in queue.rows()[0].sent] == [first.id, second.id]
    finally:
        h.stop()
