"""Threads, Facebook, Instagram and LinkedIn beyond the shared contract: their own rules and exactly-once.

None of the four APIs takes an idempotency key, so these tests lose answers on
purpose (the fake makes the post, then answers 5xx) and check that the post is
found on the account instead of being sent twice; and they check each API's
own ways: Instagram's container that is published once and JPEG only,
LinkedIn's little text, duplicate refusal and daily limits, Meta's throttling.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from campaign.publish.model import Outgoing, Part, Planned
from campaign.publish.publishers.graph import reset_at
from campaign.publish.publishers.linkedin import _midnight, little
from campaign.publish.queue import Queue, owner_token
from campaign.publish.worker import Policy, run_once
from tests.fakes import linkedin_api, meta_api
from tests.fakes.base import Reply, Request
from tests.fakes.clock import FakeClock
from tests.fakes.meta_harness import FacebookHarness, InstagramHarness, LinkedInHarness, ThreadsHarness, _Hosted

T0 = dt.datetime(2026, 2, 4, 8, 0, tzinfo=dt.UTC)
HARNESSES: dict[str, Callable[[], _Hosted]] = {
    "threads": ThreadsHarness,
    "facebook": FacebookHarness,
    "instagram": InstagramHarness,
    "linkedin": LinkedInHarness,
}


@pytest.fixture(params=list(HARNESSES))
def h(request: pytest.FixtureRequest) -> Iterator[_Hosted]:
    harness = HARNESSES[request.param]()
    yield harness
    harness.stop()


def unique(text: str) -> str:
    return f"{text} ({uuid.uuid4().hex[:8]})"


def queue_with(h: _Hosted, tmp_path: Path, *texts: str) -> Queue:
    queue = Queue.open(tmp_path / "queue.sqlite3", "test")
    rows = [
        Planned(f"e{i}@{h.account_id}", f"e{i}", "m", h.account_id, h.platform, T0, (h.part(t),)) for i, t in enumerate(texts)
    ]
    queue.sync(rows, T0)
    return queue


def run(h: _Hosted, queue: Queue, clock: FakeClock, env: dict[str, str] | None = None, policy: Policy = Policy()):
    account = h.account()
    publisher = h.publisher(env)
    return run_once(queue, T0, {account.id: account}, lambda a: publisher, owner=owner_token(), clock=clock, policy=policy)


def lose_answers(h: _Hosted, times: int = 1, status: int = 502) -> list[Reply]:
    """The fake makes the post, then answers ``status`` instead of the post's id (``times`` times)."""
    original, lost = h.server.route, []

    def route(request: Request) -> Reply:
        reply = original(request)
        if request.method == "POST" and request.path == h.create_path and reply.status in (200, 201) and len(lost) < times:
            lost.append(reply)
            return Reply(status, {"error": {"message": "Service temporarily unavailable", "code": 2, "is_transient": True}})
        return reply

    h.server.route = route  # type: ignore[method-assign]
    return lost


def stored(h: _Hosted) -> list[str]:
    """The text of every post the account holds."""
    if isinstance(h, LinkedInHarness):
        return [p.text for p in h.li.posts]
    if isinstance(h, FacebookHarness):
        return [p.text for p in h.fb.posts()]
    return [m.text for m in (h.ig if isinstance(h, InstagramHarness) else h.th).media()]


def test_a_post_whose_answer_was_lost_is_found_on_the_account_not_sent_twice(h: _Hosted, tmp_path: Path) -> None:
    text = unique("Svaret försvann")
    queue = queue_with(h, tmp_path, text)
    lost = lose_answers(h)
    clock = FakeClock()
    report = run(h, queue, clock)
    assert [o.state for o in report.outcomes] == ["published"]
    assert len(lost) == 1 and h.creates() == 1 and clock.slept == []
    assert stored(h) == [h.read(queue.rows()[0].remote_id or "").text] and stored(h)[0] == text


def test_a_5xx_that_posted_nothing_is_sent_again_after_looking(h: _Hosted, tmp_path: Path) -> None:
    text = unique("Ingen post, ett nytt försök")
    queue = queue_with(h, tmp_path, text)
    h.fail_next(h.server_error(), times=2)
    clock = FakeClock()
    report = run(h, queue, clock)
    assert [o.state for o in report.outcomes] == ["published"] and clock.slept == [2.0, 4.0]
    assert stored(h) == [text] and h.creates() == 3


def test_an_expired_token_fails_the_account_naming_the_variable(h: _Hosted, tmp_path: Path) -> None:
    queue = queue_with(h, tmp_path, unique("Utgången token"), unique("Också utgången"))
    report = run(h, queue, FakeClock(), env=h.bad_env())
    [outcome] = report.outcomes
    variable = next(iter(h.bad_env()))
    assert outcome.state == "stopped"  # the account as a whole, until its token changes
    assert variable in outcome.detail and h.bad_env()[variable] not in outcome.detail and h.server.url in outcome.detail
    assert [r.state for r in queue.rows()] == ["scheduled", "scheduled"]  # its rows wait for the new token


def test_a_meta_token_error_says_it_expired() -> None:
    h = FacebookHarness()
    try:
        with pytest.raises(
            Exception, match=r"\[code 190/463\]\): it has expired; put a new token in CAMPAIGN_KONTO_PAGE_ACCESS_TOKEN"
        ):
            h.publisher(h.bad_env()).publish(Outgoing(1, "k", h.account(), (Part("Hej"),)), _Quiet())
    finally:
        h.stop()


class _Quiet:
    def sending(self, index: int) -> None: ...

    def sent(self, index: int, remote: object) -> None: ...

    def answered(self, index: int) -> None: ...


def test_instagram_publishes_one_container_and_reuses_it_after_a_failed_publish(tmp_path: Path) -> None:
    h = InstagramHarness()
    try:
        queue = queue_with(h, tmp_path, unique("En behållare"))
        h.fail_next(h.server_error())
        assert [o.state for o in run(h, queue, FakeClock()).outcomes] == ["published"]
        containers = [i for i in h.ig.items.values() if i.kind == "container"]
        assert len(containers) == 1 and containers[0].status == "PUBLISHED" and h.creates() == 2
        assert h.ig.fetched == [h.kit.base_url + "kort.jpg"]  # Instagram fetched the image from the kit's address
        assert queue.rows()[0].remote_url == f"https://www.instagram.com/p/C{containers[0].published_as[-9:]}/"
    finally:
        h.stop()


def test_instagram_refuses_what_it_cannot_take_before_anything_is_sent(tmp_path: Path) -> None:
    h = InstagramHarness()
    try:
        queue = Queue.open(tmp_path / "q.sqlite3", "test")
        rows = [
            Planned("a@konto", "a", "m", "konto", "instagram", T0, (Part("Utan bild"),)),
            Planned("b@konto", "b", "m", "konto", "instagram", T0, (Part("Med PNG", (), (_png(h),)),)),
        ]
        queue.sync(rows, T0)
        report = run(h, queue, FakeClock())
        assert [o.detail for o in report.outcomes] == [
            "Instagram takes no post without an image; add images: to the plan entry",
            f"{h.folder / 'logo.png'} is not JPEG; Instagram takes only JPEG images",
        ]
        assert h.ig.requests == []
    finally:
        h.stop()


def _png(h: _Hosted):
    from campaign.publish.model import Image
    from campaign.publish.plan import image_file

    found = image_file(h.folder / "logo.png", "PNG")
    return Image(**{**found.to_json(), "url": h.kit.base_url + "logo.png"})


def test_the_fake_instagram_fetches_and_checks_the_image_like_instagram() -> None:
    """What the publisher's own checks keep from it: a PNG, a missing file and a wrong aspect ratio are refused."""
    h = InstagramHarness()
    try:
        from PIL import Image as PILImage

        PILImage.new("RGB", (1080, 400)).save(h.folder / "bred.jpg", "JPEG")
        publisher = h.publisher()
        answers = {}
        for name in ("logo.png", "saknas.jpg", "bred.jpg"):
            try:
                publisher.graph.call(
                    "POST", f"{meta_api.IG_USER}/media", data={"image_url": h.kit.base_url + name, "caption": "x"}
                )
            except Exception as exc:
                answers[name] = str(exc)
        assert answers["logo.png"].endswith("(Only photo or video can be accepted as media type. [code 9004/2207052])")
        assert answers["saknas.jpg"] == answers["logo.png"]
        assert "aspect ratio ('2.70:1') cannot be published" in answers["bred.jpg"]
    finally:
        h.stop()


def test_threads_sends_a_thread_as_replies_and_finds_a_lost_reply_under_its_parent(tmp_path: Path) -> None:
    h = ThreadsHarness()
    try:
        texts = [unique("Första delen"), unique("Andra delen")]
        queue = Queue.open(tmp_path / "q.sqlite3", "test")
        queue.sync([Planned("t@konto", "t", "m", "konto", "threads", T0, tuple(Part(t) for t in texts))], T0)
        original, lost = h.server.route, []

        def route(request: Request) -> Reply:
            reply = original(request)
            if request.path == h.create_path and reply.status == 200 and len(h.th.media()) == 2 and not lost:
                lost.append(reply)
                return meta_api.server_error(503)
            return reply

        h.server.route = route  # type: ignore[method-assign]
        assert [o.state for o in run(h, queue, FakeClock()).outcomes] == ["published"]
        first, second = h.th.media()
        assert [first.text, second.text] == texts and second.parent == first.id
        assert [s.id for s in queue.rows()[0].sent] == [first.id, second.id]
        assert any(r.path == f"/v1.0/{first.id}/replies" for r in h.th.requests)  # looked among the parent's replies
    finally:
        h.stop()


def test_threads_throttle_names_no_reset_so_the_worker_waits_its_default(tmp_path: Path) -> None:
    h = ThreadsHarness()
    try:
        queue = queue_with(h, tmp_path, unique("Efter en minut"))
        h.fail_next(meta_api.app_rate_limited())
        clock = FakeClock()
        assert [o.state for o in run(h, queue, clock).outcomes] == ["published"]
        assert clock.slept == [Policy().default_rate_wait]
    finally:
        h.stop()


def test_meta_business_use_case_throttle_names_the_minutes_until_access_returns() -> None:
    now = dt.datetime(2026, 2, 4, 8, 0, tzinfo=dt.UTC)
    header = '{"104000000000001": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 7}]}'
    assert reset_at({"X-Business-Use-Case-Usage": header}, now) == now + dt.timedelta(minutes=7)
    assert reset_at({"X-App-Usage": '{"call_count": 100}'}, now) is None
    assert reset_at({"X-Business-Use-Case-Usage": "not json"}, now) is None


def test_linkedin_commentary_is_little_text_so_nothing_is_cut_off() -> None:
    text = (
        "Fråga (och svar) @politiker: 50 % *nu* #socialtjänst #svpol https://kampanj.example.org/r?utm_source=linkedin a_b ~ \\ |"
    )
    escaped = little(text)
    assert escaped == (
        "Fråga \\(och svar\\) \\@politiker: 50 % \\*nu\\* #socialtjänst #svpol "
        "https://kampanj.example.org/r?utm_source=linkedin a\\_b \\~ \\\\ \\|"
    )
    assert linkedin_api.render(escaped) == text
    assert linkedin_api.render(text) == "Fråga "  # what LinkedIn shows of the raw text: cut at the first '('


def test_linkedin_posts_with_the_versioned_headers_and_uploads_the_image_first(tmp_path: Path) -> None:
    h = LinkedInHarness()
    try:
        image = h.image("Logotypen")
        h.publisher().publish(Outgoing(1, "k", h.account(), (Part(unique("Med bild"), (), (image,)),)), _Quiet())
        methods = [(r.method, r.path) for r in h.li.requests]
        assert methods[:3] == [("POST", "/rest/images"), ("PUT", methods[1][1]), ("POST", "/rest/posts")]
        post = h.li.requests[2]
        assert (post.header("Linkedin-Version"), post.header("X-Restli-Protocol-Version")) == ("202511", "2.0.0")
        assert post.json["author"] == linkedin_api.ORG and post.json["content"]["media"]["altText"] == "Logotypen"
        assert h.li.images[post.json["content"]["media"]["id"]] == image_bytes(image.path)
    finally:
        h.stop()


def image_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


def test_linkedin_duplicate_after_a_lost_answer_is_our_post(tmp_path: Path) -> None:
    """The answer is lost and the recent-posts lookup fails too: the resend meets DUPLICATE_POST naming our post."""
    h = LinkedInHarness()
    try:
        text = unique("Dubblett som är vår")
        queue = queue_with(h, tmp_path, text)
        lose_answers(h)
        h.server.fail_next("GET", "/rest/posts", linkedin_api.server_error(503), times=1)
        clock = FakeClock()
        report = run(h, queue, clock)
        assert [o.state for o in report.outcomes] == ["published"] and clock.slept == [2.0]
        assert [p.text for p in h.li.posts] == [text] and queue.rows()[0].remote_id == h.li.posts[0].id
    finally:
        h.stop()


def test_linkedin_daily_limit_gives_the_rows_back_until_midnight_utc(tmp_path: Path) -> None:
    h = LinkedInHarness()
    h.li.day_limit = 0
    try:
        queue = queue_with(h, tmp_path, unique("I morgon"), unique("Också i morgon"))
        clock = FakeClock(dt.datetime(2026, 2, 4, 9, 30, tzinfo=dt.UTC))
        report = run(h, queue, clock)
        assert [o.state for o in report.outcomes] == ["released"]
        assert [r.state for r in queue.rows()] == ["scheduled", "scheduled"]
        midnights = {_midnight() + dt.timedelta(seconds=1), _midnight() + dt.timedelta(days=-1, seconds=1)}
        assert queue.rows()[0].next_attempt_at in midnights  # the next midnight UTC, LinkedIn's daily reset
        assert "Resource level throttle APPLICATION DAY limit" in report.outcomes[0].detail
    finally:
        h.stop()


def test_look_finds_the_parts_already_on_the_account_in_order(tmp_path: Path) -> None:
    """What the worker asks before it sends a maybe-sent row again: the parts already there, stopping at the first missing."""
    h = ThreadsHarness()
    try:
        publisher = h.publisher()
        since = dt.datetime.now(dt.UTC)
        texts = [unique("Ett"), unique("Två"), unique("Tre")]
        made = publisher.publish(Outgoing(1, "k", h.account(), tuple(Part(t) for t in texts[:2])), _Quiet())
        post = Outgoing(1, "k", h.account(), tuple(Part(t) for t in texts))
        found = h.publisher().look(post, since)
        assert [f.id for f in found] == [m.id for m in h.th.media()] and found[0] == made
        assert h.publisher().look(post, since + dt.timedelta(hours=1)) == []  # made before: not this row's
    finally:
        h.stop()
