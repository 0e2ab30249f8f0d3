"""`campaign schedule`, `campaign publish` and `campaign export` through the real entry point.

Publishing goes to the fake X and fake Mastodon servers on 127.0.0.1, named as
the accounts' endpoints, so the commands run exactly as they would against
the platforms. Golden files: regenerate with
``CAMPAIGN_REGEN=1 python -m pytest tests/test_publish_cli.py``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from campaign.images.jpeg import jpeg_bytes
from campaign.publish.queue import queue_path
from tests.conftest import CliResult
from tests.fakes import mastodon_api
from tests.fakes.campaign_dir import numbered_messages, write_campaign
from tests.fakes.x_api import FakeX, Keys

GOLDEN = Path(__file__).resolve().parent / "golden" / "publish"
ROOT = Path(__file__).resolve().parents[1]
Cli = Callable[..., CliResult]
MESSAGES = [
    {
        "id": "resurser",
        "kind": "short",
        "text": "Varannan socialsekreterare saknar resurser.",
        "link": "rapport",
        "hashtags": ["socialtjänst"],
    },
    {"id": "hot", "kind": "short", "text": "Var tredje har hotats i arbetet."},
]


@pytest.fixture
def servers() -> Iterator[tuple[FakeX, mastodon_api.FakeMastodon]]:
    x, m = FakeX().start(), mastodon_api.FakeMastodon().start()
    yield x, m
    x.stop()
    m.stop()


@pytest.fixture
def kampanj(tmp_path: Path, servers: tuple[FakeX, mastodon_api.FakeMastodon]) -> Path:
    x, m = servers
    accounts = [{"id": "x-test", "platform": "x", "endpoint": x.url}, {"id": "masto", "platform": "mastodon", "endpoint": m.url}]
    posts = [
        {"at": "day 1 09:00", "message": "resurser", "accounts": ["x-test", "masto"]},
        {"at": "day 2 12:30", "message": "hot", "accounts": ["x-test"]},
    ]
    # late posts are held after ten days here, so that a run on day 9 sends the whole plan
    return write_campaign(tmp_path / "kampanj", MESSAGES, accounts, {"late_after_minutes": 10 * 24 * 60, "posts": posts})


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {**Keys().env("CAMPAIGN_X_TEST"), "CAMPAIGN_MASTO_ACCESS_TOKEN": mastodon_api.TOKEN}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def test_schedule_plan_loads_once_and_reports_edits(cli: Cli, kampanj: Path) -> None:
    first = cli("schedule", "plan", str(kampanj))
    assert (first.code, first.out) == (
        0,
        "plan: 3 rows; 3 added, 0 updated, 0 unchanged, 0 cancelled (left the plan), 0 back in the plan\n",
    )
    again = cli("schedule", "plan", str(kampanj))
    assert again.out == "plan: 3 rows; 0 added, 0 updated, 3 unchanged, 0 cancelled (left the plan), 0 back in the plan\n"
    plan_file = kampanj / "messages" / "plan.yaml"
    plan_file.write_text(plan_file.read_text().replace("day 2 12:30", "day 3 08:15"))
    edited = cli("schedule", "plan", str(kampanj))
    assert edited.out == "plan: 3 rows; 0 added, 1 updated, 2 unchanged, 0 cancelled (left the plan), 0 back in the plan\n"
    assert "2026-02-06 08:15           scheduled  x-test           hot" in cli("schedule", "list", str(kampanj)).out


def test_dry_run_prints_exactly_what_would_be_sent(cli: Cli, kampanj: Path) -> None:
    cli("schedule", "plan", str(kampanj))
    result = cli("publish", str(kampanj), "--dry-run", "--now", "day 1 10:00")
    assert result.code == 0
    assert result.out == (
        "dry run at 2026-02-04 10:00 (Europe/Stockholm): nothing is sent\n"
        "── 2 resurser@masto · mastodon · due 2026-02-04 09:00\n"
        "Varannan socialsekreterare saknar resurser.\n\n"
        "https://kampanj.example.org/rapport?utm_source=mastodon&utm_medium=social&utm_campaign=testkampanj\n#socialtjänst\n"
        "── 3 resurser@x-test · x · due 2026-02-04 09:00\n"
        "Varannan socialsekreterare saknar resurser.\n\n"
        "https://kampanj.example.org/rapport?utm_source=x&utm_medium=social&utm_campaign=testkampanj\n#socialtjänst\n"
        "would send 2 rows (1 mastodon, 1 x): 2 posts, 0 images\n"
    )


def test_publish_sends_what_is_due_once(
    cli: Cli, kampanj: Path, servers: tuple[FakeX, mastodon_api.FakeMastodon], secrets: dict[str, str]
) -> None:
    x, m = servers
    cli("schedule", "plan", str(kampanj))
    first = cli("publish", str(kampanj), "--once", "--now", "2026-02-04T08:30:00Z")
    assert first.code == 0, first.err
    status_id = m.statuses[0]["id"]
    assert first.out == (
        f"published: 2 resurser@masto: https://mastodon.test/@kampanj/{status_id}\n"
        f"published: 3 resurser@x-test: https://x.com/i/web/status/{x.tweets[0].id}\n"
        "2 published, 0 failed, 0 uncertain, 0 waiting for a rate limit\n"
    )
    again = cli("publish", str(kampanj), "--now", "2026-02-04T08:30:00Z")
    assert again.out == "0 published, 0 failed, 0 uncertain, 0 waiting for a rate limit\n"
    assert [t.text for t in x.tweets] == [
        "Varannan socialsekreterare saknar resurser.\n\nhttps://kampanj.example.org/rapport?utm_source=x&utm_medium=social&utm_campaign=testkampanj\n#socialtjänst"
    ]
    assert len(m.statuses) == 1
    listing = cli("schedule", "list", str(kampanj), "--now", "2026-02-04T08:30:00Z").out
    assert "published  x-test           resurser             https://x.com/i/web/status/" in listing
    assert listing.endswith("1 scheduled, 2 published\n")


def test_published_count_line_counts_every_row(cli: Cli, kampanj: Path, secrets: dict[str, str]) -> None:
    cli("schedule", "plan", str(kampanj))
    result = cli("publish", str(kampanj), "--now", "day 9 00:00")
    assert result.out.endswith("3 published, 0 failed, 0 uncertain, 0 waiting for a rate limit\n")


def test_missing_credentials_name_the_variables_and_send_nothing(
    cli: Cli, kampanj: Path, servers: tuple[FakeX, mastodon_api.FakeMastodon], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith("CAMPAIGN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CAMPAIGN_MASTO_ACCESS_TOKEN", mastodon_api.TOKEN)
    cli("schedule", "plan", str(kampanj))
    result = cli("publish", str(kampanj), "--now", "day 1 10:00")
    assert result.code == 1
    assert result.err == (
        "error: account 'x-test' (x): set the environment variables CAMPAIGN_X_TEST_API_KEY, CAMPAIGN_X_TEST_API_SECRET, "
        "CAMPAIGN_X_TEST_ACCESS_TOKEN, CAMPAIGN_X_TEST_ACCESS_TOKEN_SECRET (or put them in the campaign's .env)\n"
    )
    assert servers[0].requests == []
    assert "scheduled  x-test" in cli("schedule", "list", str(kampanj)).out


def test_secrets_from_dotenv_are_never_printed_logged_or_stored(
    cli: Cli, kampanj: Path, servers: tuple[FakeX, mastodon_api.FakeMastodon], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith("CAMPAIGN_"):
            monkeypatch.delenv(name)
    keys = Keys()
    dotenv = (
        "".join(f"{k}={v}\n" for k, v in keys.env("CAMPAIGN_X_TEST").items())
        + "CAMPAIGN_MASTO_ACCESS_TOKEN='wrong-token-value'\n"
    )
    (kampanj / ".env").write_text(dotenv)
    cli("schedule", "plan", str(kampanj))
    result = cli("publish", str(kampanj), "--now", "day 9 00:00")
    assert result.code == 1  # the Mastodon token is refused
    assert "refused the access token of account 'masto'" in result.err and "check CAMPAIGN_MASTO_ACCESS_TOKEN" in result.err
    stored = queue_path(kampanj).read_bytes() + b"".join(p.read_bytes() for p in queue_path(kampanj).parent.glob("*"))
    listing = cli("schedule", "list", str(kampanj), "--now", "day 9 00:00")
    assert "account masto is stopped since " in listing.out
    for value in [*keys.env("X").values(), "wrong-token-value"]:
        assert value not in result.out + result.err + listing.out
        assert value.encode() not in stored
    assert len(servers[0].tweets) == 2


def test_people_fix_failed_and_uncertain_rows(
    cli: Cli, kampanj: Path, servers: tuple[FakeX, mastodon_api.FakeMastodon], secrets: dict[str, str]
) -> None:
    from tests.fakes.x_api import _invalid

    x, _ = servers
    x.fail_next("POST", "/2/tweets", _invalid("Your media IDs are invalid.", "media.media_ids"))
    cli("schedule", "plan", str(kampanj))
    cli("publish", str(kampanj), "--now", "day 1 10:00")
    listing = cli("schedule", "list", str(kampanj), "--state", "failed", "--now", "day 1 10:00").out
    assert (
        "failed     x-test           resurser             rejected: X rejected the post (400 Your media IDs are invalid.; "
        in listing
    )
    assert listing.endswith(
        "1 failed\nfailed rows: fix what the detail names, then `campaign schedule retry ID`; "
        "`campaign schedule confirm ID` if the post is on the account after all (a duplicate), `cancel ID` to drop it.\n"
    )
    assert cli("schedule", "retry", "resurser@x-test", "--dir", str(kampanj)).out == "3 resurser@x-test: scheduled\n"
    assert cli("publish", str(kampanj), "--now", "day 1 10:00").out.startswith("published: 3 resurser@x-test")
    assert len(x.tweets) == 1
    wrong = cli("schedule", "confirm", "3", "--dir", str(kampanj))
    assert (wrong.code, wrong.err) == (
        1,
        "error: row 3 (resurser@x-test) is published; only uncertain or failed rows can be confirmed\n",
    )
    missing = cli("schedule", "cancel", "nope@x-test", "--dir", str(kampanj))
    assert (missing.code, missing.err) == (3, "error: no queue row 'nope@x-test'; `campaign schedule list` shows the rows\n")
    assert cli("schedule", "cancel", "hot@x-test", "--dir", str(kampanj)).out == "1 hot@x-test: cancelled\n"
    assert (
        cli("publish", str(kampanj), "--now", "day 9 00:00").out
        == "0 published, 0 failed, 0 uncertain, 0 waiting for a rate limit\n"
    )


def test_refused_credentials_stop_the_account_across_runs_until_they_change(
    cli: Cli,
    kampanj: Path,
    servers: tuple[FakeX, mastodon_api.FakeMastodon],
    secrets: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    x, _ = servers
    cli("schedule", "plan", str(kampanj))
    monkeypatch.setenv("CAMPAIGN_X_TEST_ACCESS_TOKEN_SECRET", "revoked-secret")
    first = cli("publish", str(kampanj), "--now", "day 2 13:00")
    assert first.code == 1
    assert first.err.count("error: ") == 1 and f"X ({x.url}) refused the credentials of account 'x-test' (401" in first.err
    posts = len(x.hits("POST", "/2/tweets"))
    assert posts == 1  # one request, not one per row
    for _ in range(2):  # cron runs on: said once, nothing sent, no error
        again = cli("publish", str(kampanj), "--now", "day 2 13:00")
        assert (again.code, again.err) == (0, "")
        assert again.out.endswith("; stopped account, not tried: x-test (auth)\n")
    assert len(x.hits("POST", "/2/tweets")) == posts
    listing = cli("schedule", "list", str(kampanj), "--now", "day 2 13:00").out
    assert "account x-test is stopped since " in listing and "its posts wait until its credentials change" in listing
    assert "revoked-secret" not in listing and b"revoked-secret" not in queue_path(kampanj).read_bytes()
    monkeypatch.setenv("CAMPAIGN_X_TEST_ACCESS_TOKEN_SECRET", secrets["CAMPAIGN_X_TEST_ACCESS_TOKEN_SECRET"])
    fixed = cli("publish", str(kampanj), "--now", "day 2 13:00")
    assert fixed.code == 0 and "note: account x-test was stopped; trying it again" in fixed.err
    assert len(x.tweets) == 2
    assert "stopped" not in cli("schedule", "list", str(kampanj), "--now", "day 2 13:00").out


def test_an_unreachable_endpoint_backs_the_account_off_naming_it(cli: Cli, tmp_path: Path, secrets: dict[str, str]) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    accounts = [{"id": "x-test", "platform": "x", "endpoint": dead}]
    posts = [{"at": f"day 1 09:{i:02d}", "message": f"m{i + 1:03d}", "accounts": ["x-test"]} for i in range(10)]
    root = write_campaign(tmp_path / "kampanj", numbered_messages(10), accounts, {"posts": posts})
    cli("schedule", "plan", str(root))
    first = cli("publish", str(root), "--now", "day 1 09:30")
    assert first.code == 1
    assert first.err.count("error: ") == 1 and f"{dead} could not be reached" in first.err and "waits until" in first.err
    listing = cli("schedule", "list", str(root), "--now", "day 1 09:30").out
    assert listing.count("scheduled") >= 10 and f"account x-test backs off: {dead} could not be reached (1 time since" in listing
    again = cli("publish", str(root), "--now", "day 1 09:30")
    assert again.code == 0 and again.out.endswith("; stopped account, not tried: x-test (unreachable)\n")


def x_api_unauthorized():
    from tests.fakes.base import Reply
    from tests.fakes.x_api import UNAUTHORIZED_BODY

    return Reply(401, UNAUTHORIZED_BODY)


def test_bad_now_is_a_clear_error(cli: Cli, kampanj: Path) -> None:
    result = cli("publish", str(kampanj), "--dry-run", "--now", "tomorrow")
    assert result.code == 2
    assert "expected a time as 'day N HH:MM' (day 1 is the launch date) or 'YYYY-MM-DD HH:MM', got 'tomorrow'" in result.err


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CAMPAIGN_REGEN"):
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs; regenerate with CAMPAIGN_REGEN=1"


@pytest.fixture
def default_with_cards(default_campaign: Path) -> Path:
    """The default campaign with a stand-in build of its share cards (the logo, named as cards)."""
    images = default_campaign / "build" / "images"
    (images / "sverige").mkdir(parents=True)
    manifest = []
    for card in ("resursbrist", "hot-och-vald", "rattssakerhet", "forebyggande"):
        sizes = (
            ("x", ["x", "mastodon", "threads"]),
            ("bluesky", ["bluesky"]),
            ("og", ["facebook", "linkedin", "opengraph"]),
            ("portrait", ["instagram"]),
        )
        for size, platforms in sizes:
            shutil.copy(ROOT / "assets" / "logo.png", images / "sverige" / f"figure-{card}-{size}.png")
            jpeg = {}
            if "instagram" in platforms:
                jpeg = {"jpeg": f"sverige/figure-{card}-{size}.jpg"}
                (images / jpeg["jpeg"]).write_bytes(jpeg_bytes(ROOT / "assets" / "logo.png"))
            manifest.append(
                {
                    **jpeg,
                    "file": f"sverige/figure-{card}-{size}.png",
                    "card": "figure",
                    "id": card,
                    "area_level": "national",
                    "area_code": "",
                    "area_name": "Sverige",
                    "size": size,
                    "platforms": platforms,
                    "width": 256,
                    "height": 256,
                    "alt": f"Delningsbild: {card}",
                }
            )
    (images / "manifest.json").write_text(json.dumps({"images": manifest}))
    return default_campaign


@pytest.mark.parametrize("fmt", ["sprout", "hootsuite", "generic", "ics"])
def test_exports_of_the_default_plan(cli: Cli, default_with_cards: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "export"
    result = cli("export", fmt, str(default_with_cards), "--out", str(out), "--now", "2026-01-20T12:00:00Z")
    assert result.code == 0, result.err
    names = sorted(p.name for p in out.iterdir())
    assert result.out == "".join(f"wrote {out / n}\n" for n in names)
    for name in names:
        _golden(name, (out / name).read_bytes().decode("utf-8"))
    seven = ["bluesky", "facebook", "instagram", "linkedin", "mastodon", "threads", "x"]
    if fmt in ("sprout", "generic"):  # every platform's rows, Instagram's with their JPEG at the kit's address
        assert names == [f"{fmt}-{p}-riks.csv" for p in seven] and result.err == ""
        assert "/images/sverige/figure-resursbrist-portrait.jpg" in (out / f"{fmt}-instagram-riks.csv").read_text()
    elif fmt == "hootsuite":  # its CSV has no image column, and Instagram takes no post without one
        assert names == [f"hootsuite-{p}-riks.csv" for p in seven if p != "instagram"]
        assert result.err.splitlines() == [
            f"note: left out {entry}@instagram-riks: Hootsuite's bulk CSV has no image column, and Instagram takes no post "
            "without an image: export it with sprout or generic, or add the image in Hootsuite's review step"
            for entry in ("resurser", "hot-och-vald", "rattssakerhet", "forebyggande")
        ]


def test_the_default_plan_loads_and_lists(cli: Cli, default_with_cards: Path) -> None:
    result = cli("schedule", "plan", str(default_with_cards), "--now", "2026-01-20T12:00:00Z")
    assert result.out == "plan: 49 rows; 49 added, 0 updated, 0 unchanged, 0 cancelled (left the plan), 0 back in the plan\n"
    listing = cli("schedule", "list", str(default_with_cards), "--now", "2026-01-20T12:00:00Z")
    assert listing.out.splitlines()[-1] == "49 scheduled"
    threads = [line for line in listing.out.splitlines() if " bluesky-riks " in line and " resurser " in line]
    assert threads and "parts" not in threads[0]  # with the link as Bluesky shows it, one post (was a 2-part thread)
    dry = cli("publish", str(default_with_cards), "--dry-run", "--now", "day 1 08:00", "--account", "x-riks")
    from PIL import Image

    width, height = Image.open(ROOT / "assets" / "logo.png").size  # the logo stands in for the card
    assert f"[image figure-resursbrist-x.png {width}×{height}, alt: Delningsbild: resursbrist]" in dry.out
    assert dry.out.splitlines()[-1] == "would send 1 row (1 x): 1 post, 1 image"
    every = cli("publish", str(default_with_cards), "--dry-run", "--now", "day 1 08:00")
    assert (
        every.out.splitlines()[-1]
        == (
            "would send 7 rows (1 bluesky, 1 facebook, 1 instagram, 1 linkedin, 1 mastodon, 1 threads, 1 x): 7 posts, 7 images"  # the Bluesky row is one post now
        )
    )
    assert (
        f"[image figure-resursbrist-portrait.jpg {width}×{height}, fetched from "
        "https://kampanj.example.org/trygg-socialtjanst/images/sverige/figure-resursbrist-portrait.jpg, alt: Delningsbild: resursbrist]"
    ) in every.out


def test_listing_only_reads_and_shows_a_post_cut_off_mid_send(cli: Cli, kampanj: Path) -> None:
    """`schedule list` never recovers rows (it could take them from a working publisher): it shows them."""
    import socket

    from campaign.publish.queue import Queue

    cli("schedule", "plan", str(kampanj))
    queue = Queue.open(queue_path(kampanj))
    dead = f"{socket.gethostname()}:4194303:0"  # above Linux's largest pid: no such process
    row = queue.claim(queue.rows()[-1].due, dead)
    assert row is not None
    queue.mark_in_flight(row.id, dead, row.due)
    queue.close()
    listing = cli("schedule", "list", str(kampanj), "--now", "day 1 10:00")
    assert f"   {row.id}  2026-02-04 09:00           sending    " in listing.out
    assert f"held by publisher {dead} until " in listing.out
    assert listing.out.endswith("2 scheduled, 1 sending\n")
    queue = Queue.open(queue_path(kampanj))
    assert queue.get(row.id).state == "sending" and queue.get(row.id).owner == dead  # untouched
    queue.close()


def test_csv_exports_leave_out_posts_already_due(cli: Cli, kampanj: Path, tmp_path: Path) -> None:
    result = cli("export", "generic", str(kampanj), "--out", str(tmp_path / "e"), "--now", "day 2 09:00")
    assert result.err == "note: left out 2 post(s) due before 2026-02-05 09:10\n"
    assert (tmp_path / "e" / "generic-x-test.csv").read_text().count("\n") == 2  # the header and the one post ahead
    assert not (tmp_path / "e" / "generic-masto.csv").exists()


@pytest.mark.slow
def test_the_build_copies_neither_the_env_file_nor_the_queue(cli: Cli, default_campaign: Path, tmp_path: Path) -> None:
    secret = "sekret-" + "7f3a9c"
    (default_campaign / ".env").write_text(f"CAMPAIGN_X_RIKS_API_KEY={secret}\n")
    (default_campaign / ".campaign").mkdir()
    (default_campaign / ".campaign" / "queue.sqlite3").write_bytes(b"queue " + secret.encode())
    result = cli("build", str(default_campaign), "--out", str(tmp_path / "kit"))
    assert result.code == 0, result.err
    files = [p for p in (tmp_path / "kit").rglob("*") if p.is_file()]
    assert files and not [p for p in files if p.name in (".env", "queue.sqlite3") or secret.encode() in p.read_bytes()]


def test_publish_to_the_real_bluesky_server(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same command against the reference PDS on 127.0.0.1: a thread with facets, read back from the server."""
    from tests.fakes.harness import BlueskyHarness, pds_info

    info = pds_info()
    if info is None:
        pytest.skip("no local Bluesky PDS: start ../shared/tools/bsky-pds/start.sh and set CAMPAIGN_TEST_PDS to its info JSON")
    import uuid

    marker = uuid.uuid4().hex[:8]
    long = {
        "id": "lang",
        "kind": "long",
        "link": "rapport",
        "hashtags": ["socialtjänst"],
        "text": f"({marker}) " + "Socialsekreterare vittnar om hög arbetsbelastning och brist på resurser i hela landet. " * 3,
    }
    accounts = [{"id": "bsky", "platform": "bluesky", "endpoint": info["service"], "handle": info["handle"]}]
    root = write_campaign(
        tmp_path / "kampanj", [long], accounts, [{"at": "day 1 09:00", "message": "lang", "accounts": ["bsky"]}]
    )
    monkeypatch.setenv("CAMPAIGN_BSKY_APP_PASSWORD", info["app_password"])
    cli("schedule", "plan", str(root))
    result = cli("publish", str(root), "--now", "day 1 09:00")
    assert result.code == 0, result.err
    from campaign.publish.queue import Queue

    queue = Queue.open(queue_path(root))
    [row] = queue.rows()
    queue.close()
    assert row.state == "published" and len(row.parts) == len(row.sent) >= 2
    assert row.remote_url == f"https://bsky.app/profile/{info['handle']}/post/{row.sent[0].id.rsplit('/', 1)[1]}"
    reader = BlueskyHarness(info)
    try:
        seen = [reader.read(s.id) for s in row.sent]
    finally:
        reader.stop()
    assert [s.text for s in seen] == [p.text for p in row.parts]
    assert [s.reply_to for s in seen] == [None, *(s.id for s in row.sent[:-1])]
    assert any(f["features"][0]["$type"] == "app.bsky.richtext.facet#tag" for s in seen for f in s.facets)
    assert (root / ".campaign" / "sessions" / "bsky.session").is_file()


def test_dry_run_refuses_watch(cli: Cli, kampanj: Path) -> None:
    result = cli("publish", str(kampanj), "--dry-run", "--watch")
    assert result.code == 2
    assert "a dry run shows one moment; use --dry-run without --watch" in result.err


def test_a_watching_publisher_survives_a_campaign_broken_mid_edit(kampanj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A service must not die because someone saved a half-edited YAML file: it says why and looks again."""
    from campaign.cli.schedule import _watch

    (kampanj / "messages" / "plan.yaml").write_text("plan: [\n", encoding="utf-8")
    looks = iter([False, False, True])
    assert _watch(kampanj, None, 0.0, lambda: next(looks)) == 0
    err = capsys.readouterr().err
    assert "error: the campaign is invalid; nothing sent; trying again in 0 s" in err
    assert err.endswith("stopped\n")
