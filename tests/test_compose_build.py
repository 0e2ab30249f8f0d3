"""The posts stage of `campaign build`, and `campaign posts`, through their real entry points."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.build import build
from campaign.compose import output
from campaign.compose import stage as posts_stage
from tests.message_edit import set_message_text
from tests.tagged import areas, tag_politicians

NOW = dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.UTC)
PLATFORM_FILES = [f"{p}.md" for p in ("x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")]


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch, default_campaign: Path) -> None:
    """The politicians of tests/tagged.py, and posts for ten of the registry's areas (not all 312), to stay quick."""
    tag_politicians(default_campaign)
    monkeypatch.setattr(posts_stage, "all_areas", areas)


def test_build_writes_every_post_as_json_csv_and_markdown(default_campaign: Path, tmp_path: Path, registry: None) -> None:
    kit = build(default_campaign, tmp_path / "out", now=NOW)
    folder = tmp_path / "out" / "posts"
    assert sorted(p.name for p in folder.iterdir()) == sorted(["posts.csv", "posts.json", *PLATFORM_FILES])
    posts = kit.posts
    assert len(posts) == len(areas()) * 13 * 7
    data = output.expand_kit_json(json.loads((folder / "posts.json").read_text(encoding="utf-8")))
    assert data == [p.to_json() for p in posts]  # every post, whole, as `campaign posts --format json` writes it
    wider = [p for p in posts if p.area.level != "kommun"]  # the CSV and Markdown hold the national and län posts
    rows = list(csv.DictReader(io.StringIO((folder / "posts.csv").read_text(encoding="utf-8"))))
    assert len(rows) == sum(len(p.parts) for p in wider) and {r["area_level"] for r in rows} == {"national", "lan"}
    assert {r["platform"] for r in rows} == {"x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram"}
    x = (folder / "x.md").read_text(encoding="utf-8")
    assert x.startswith(
        "# Trygg socialtjänst: X\n\n39 posts. Limit: 280 weighted; source: twitter-text config v3 (npm twitter-text, "
        "conformance/validate.yml).\n\nThe national and län posts. A kommun's, exactly as this file would hold them: "
        "`campaign posts --kommun NAME --platform x --format markdown` (every area: `--all`).\n\n## Sverige\n"
    )
    assert "## Uppsala län (03)\n" in x and "## Uppsala (0380)\n" not in x
    summary = [n for n in kit.notes if n.startswith("posts:")]
    assert summary == [
        "posts: 910 posts for 10 areas, 8 threads; dropped to fit: X 22 of 130 posts (#TryggSocialtjänst ×22, #svpol ×6, Bo Berg ×1), "
        "Bluesky 15 of 130 posts (#TryggSocialtjänst ×15, #svpol ×5, Bo Berg ×1); "
        "hashtag cap: Threads keeps 1 hashtag a post (#TryggSocialtjänst, #svpol left out of 130 posts)"
    ]


def test_posts_json_writes_what_posts_share_once(default_campaign: Path, tmp_path: Path, registry: None) -> None:
    """Issue 16, point 4: no repeated objects. Each area and message once, and each of a message's texts (up
    to the area's name), link sets and facet features once in its own tables; a post is a line of indices."""
    kit = build(default_campaign, tmp_path / "out", now=NOW)
    text = (tmp_path / "out" / "posts" / "posts.json").read_text(encoding="utf-8")
    data = json.loads(text)
    tables = [data[t] for t in ("messages", "platforms", "areas")]
    tables += [m[t] for m in data["messages"] for t in ("texts", "details", "features")]
    for table in tables:
        dumped = [json.dumps(v, sort_keys=True) for v in table]
        assert len(dumped) == len(set(dumped)), table
    assert len(data["areas"]) == 10 and len(data["messages"]) == 13 and len(data["posts"]) == len(kit.posts)
    assert len(text.splitlines()) == len(data["posts"]) + 13 + 10 + 7 + 3 + 2 * 4  # a post, a message, an area a line
    # a text every kommun is handed, up to its name, is written once, not once per kommun
    texts = [t for m in data["messages"] for t in m["texts"]]
    bodies = [t for t in texts if "Hur ska {area} se till att socialtjänsten kan göra sitt jobb?" in t]
    assert bodies and text.count("se till att socialtjänsten kan göra sitt jobb") == len(bodies)
    assert all(isinstance(part[0], int) for post in data["posts"] for part in post[5])
    assert len(text.encode()) < 0.35 * len(output.to_json(kit.posts).encode())  # ten areas; about 5 % for all 312


def test_a_kommuns_posts_are_one_command_away_exactly_as_the_kit_held_them(
    cli, default_campaign: Path, tmp_path: Path, registry: None
) -> None:
    """The kit's CSV and Markdown hold the national and län posts; `campaign posts --kommun K` gives a kommun's
    rows and sections byte for byte as the whole files (the kit before issue 16, `--all` now) hold them."""
    kit = build(default_campaign, tmp_path / "out", now=NOW)
    day = ["--on", "2026-02-04"]  # the kit's date: its launch, before which the build's NOW lies
    at = [i for i, p in enumerate(kit.posts) if p.area.code == "0380"]
    uppsala = kit.posts[at[0] : at[-1] + 1]
    whole_csv = output.to_csv(kit.posts)  # the rows are the posts' in order: Uppsala's are one stretch of it
    start, end = (len(output.to_csv(kit.posts[:i])) for i in (at[0], at[-1] + 1))
    header = whole_csv[: whole_csv.index("\n") + 1]
    result = cli("posts", str(default_campaign), "--kommun", "Uppsala", "--format", "csv", *day)
    assert result.code == 0, result.err
    assert result.out == header + whole_csv[start:end] and len(uppsala) == 13 * 7
    for platform in ("x", "bluesky"):
        whole = output.to_markdown(platform, kit.posts, "Trygg socialtjänst")
        section = whole[whole.index("## Uppsala (0380)\n") :]
        section = section[: section.index("\n## ", 1)]  # up to the blank line before the next area
        result = cli("posts", str(default_campaign), "-k", "Uppsala", "-p", platform, "-f", "markdown", *day)
        assert result.code == 0, result.err
        assert result.out.endswith(section) and result.out.startswith(
            f"# Trygg socialtjänst: {output.PLATFORMS[platform].name}\n"
        )
    result = cli("posts", str(default_campaign), "-k", "Uppsala", "-f", "json", *day)
    assert json.loads(result.out) == [p.to_json() for p in uppsala]


def test_the_summary_says_nothing_of_drops_when_nothing_was_dropped(default_campaign: Path, registry: None) -> None:
    from campaign.compose.core import compose_all
    from campaign.compose.output import summary
    from campaign.loader import load
    from campaign.model import NATIONAL

    posts = compose_all(load(default_campaign).campaign, [NATIONAL], ["mastodon", "facebook"], ["kort-lag"])
    assert summary(posts) == "posts: 2 posts for 1 area, no threads"


def test_the_build_is_deterministic(default_campaign: Path, tmp_path: Path, registry: None) -> None:
    build(default_campaign, tmp_path / "a", now=NOW)
    build(default_campaign, tmp_path / "b", now=NOW)
    for name in ["posts.json", "posts.csv", *PLATFORM_FILES]:
        assert (tmp_path / "a" / "posts" / name).read_bytes() == (tmp_path / "b" / "posts" / name).read_bytes(), name


def test_posts_prints_a_kommuns_posts(cli, default_campaign: Path, registry: None) -> None:
    result = cli("posts", str(default_campaign), "--kommun", "Uppsala", "--platform", "x", "--message", "kort-hot")
    assert result.code == 0, result.err
    assert result.out == (
        "== X · Uppsala · kort-hot (206/280 weighted) ==\n"
        "Drygt var tredje socialsekreterare har hotats eller utsatts för våld (riksgenomsnitt). Polisanmäler Uppsala varje hot?\n\n"
        "@anna_uppsala, Bo Berg\n"
        "https://kampanj.example.org/rapport/socialsekreterarna-2019?utm_source=x&utm_medium=social&utm_campaign=trygg-socialtjanst-2026\n"
        "#socialtjänst #svpol #TryggSocialtjänst\n"
    )


def test_posts_as_json_and_csv(cli, default_campaign: Path, registry: None) -> None:
    result = cli(
        "posts",
        str(default_campaign),
        "-k",
        "0380",
        "-l",
        "Uppsala län",
        "-p",
        "bluesky",
        "-p",
        "x",
        "-m",
        "resurser",
        "--format",
        "json",
    )
    data = json.loads(result.out)
    assert [(d["area"]["name"], d["platform"]) for d in data] == [
        ("Uppsala län", "x"),
        ("Uppsala län", "bluesky"),
        ("Uppsala", "x"),
        ("Uppsala", "bluesky"),
    ]
    result = cli("posts", str(default_campaign), "-p", "threads", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert len(rows) == 13 and rows[0]["area_name"] == "Sverige" and rows[0]["hashtags"] == "#socialtjänst"


def test_posts_for_uppsala_on_x_with_the_real_registry(cli, default_campaign: Path) -> None:
    result = cli(
        "posts", str(default_campaign), "--kommun", "Uppsala", "--platform", "x", "--message", "kort-hot", "--on", "2026-02-04"
    )
    assert result.code == 0, result.err
    assert result.out == (  # the example politicians have no X handles, so they are named
        "== X · Uppsala · kort-hot (212/280 weighted) ==\n"
        "Drygt var tredje socialsekreterare har hotats eller utsatts för våld (riksgenomsnitt). Polisanmäler Uppsala varje hot?\n\n"
        "Anna Exempel, Bertil Exempel\n"
        "https://kampanj.example.org/rapport/socialsekreterarna-2019?utm_source=x&utm_medium=social&utm_campaign=trygg-socialtjanst-2026\n"
        "#socialtjänst #svpol #TryggSocialtjänst\n"
    )
    bluesky = cli(
        "posts", str(default_campaign), "-k", "0380", "-p", "bluesky", "-m", "kort-lag", "--on", "2026-02-04", "-f", "json"
    )
    [post] = json.loads(bluesky.out)
    assert [m["handle"] for m in post["mentions"]] == ["anna.example.org", None]
    assert {"$type": "app.bsky.richtext.facet#mention", "did": "did:web:anna.example.org"} in [
        f["features"][0] for f in post["parts"][0]["facets"]
    ]
    rows = list(
        csv.DictReader(
            io.StringIO(
                cli(
                    "posts",
                    str(default_campaign),
                    "-k",
                    "0380",
                    "-p",
                    "bluesky",
                    "-m",
                    "kort-lag",
                    "--on",
                    "2026-02-04",
                    "-f",
                    "csv",
                ).out
            )
        )
    )
    assert [r["mentions"] for r in rows] == ["@anna.example.org; Bertil Exempel"]  # as written in the post, one from the next


def test_posts_names_what_it_cannot_find(cli, default_campaign: Path) -> None:
    result = cli("posts", str(default_campaign), "--kommun", "Upsala")
    assert (result.code, result.err) == (
        3,
        "error: no kommun matches 'Upsala'; did you mean Uppsala (0380), Sala (1981) or Pajala (2521)?\n",
    )
    result = cli("posts", str(default_campaign), "--message", "kort-ht")
    assert result.code == 3 and result.err.startswith(
        "error: no message 'kort-ht' (did you mean 'kort-hot'?); messages: resurser,"
    )
    result = cli("posts", str(default_campaign), "--platform", "tiktok")
    assert result.code == 3 and result.err.startswith("error: unknown platform 'tiktok'; known: x, bluesky")
    result = cli("posts", str(default_campaign), "--on", "igår")
    assert result.code == 2 and "expected a date as YYYY-MM-DD, got 'igår'" in result.err


def test_a_short_message_that_needs_a_thread_is_warned_about(default_campaign: Path, tmp_path: Path, registry: None) -> None:
    # Its own text, too long for one post on X and Bluesky wherever it goes (the bank's short messages all fit).
    set_message_text(default_campaign, "kort-lag", "Socialtjänsten behöver en ny lag. " * 9)
    seen: list[tuple[str, int, int]] = []
    kit = build(default_campaign, tmp_path / "out", now=NOW, progress=lambda task, done, total: seen.append((task, done, total)))
    warnings = [p.format() for p in kit.warnings if "short message 'kort-lag'" in p.message]
    assert warnings == [
        "messages/messages.yaml:117:11: warning: messages[12]: short message 'kort-lag' becomes a thread on X for 10 areas; "
        "shorten it to fit one post",
        "messages/messages.yaml:117:11: warning: messages[12]: short message 'kort-lag' becomes a thread on Bluesky for 10 areas; "
        "shorten it to fit one post",
    ]
    posts_progress = [(done, total) for task, done, total in seen if task == "posts"]
    assert posts_progress == [(d, 10) for d in range(1, 11)]


def test_posts_honours_a_mastodon_instance_limit(cli, default_campaign: Path) -> None:
    result = cli("posts", str(default_campaign), "-p", "mastodon", "-m", "resurser", "--instance-limit", "150", "-f", "json")
    [post] = json.loads(result.out)
    assert len(post["parts"]) == 3 and all(p["length"] <= 150 and p["limit"] == 150 for p in post["parts"])


def test_the_benchmark_campaign_loads(tmp_path: Path) -> None:
    # bench/compose.py replaces the default messages: whatever else the default folder holds must still load.
    import random
    import runpy

    from campaign.loader import load

    bench = runpy.run_path(str(Path(__file__).resolve().parents[1] / "bench" / "compose.py"), run_name="bench")
    bench["generate"](tmp_path / "large", 4, random.Random(1))
    campaign = load(tmp_path / "large").campaign
    assert [m.id for m in campaign.messages] == ["m0", "m1", "m2", "m3"]


def test_messages_that_hand_kommuner_identical_text_are_named(default_campaign: Path) -> None:
    from campaign.compose.core import compose_all
    from campaign.compose.stage import identical_texts
    from campaign.loader import load
    from campaign.model import Area

    kommuner = [
        Area("kommun", "2584", "Kiruna", "25", "Norrbottens län", "kiruna"),
        Area("kommun", "2321", "Åre", "23", "Jämtlands län", "are"),
        Area("kommun", "1480", "Göteborg", "14", "Västra Götalands län", "goteborg"),
    ]
    messages = ["kort-lvu", "bemanning", "kort-lag"]
    default = load(default_campaign).campaign
    # The default bank names the area in every local post, so it hands no two kommuner the same text.
    assert identical_texts(default, compose_all(default, kommuner, ["x"], messages)) == []
    # Two messages that say nothing local (nobody to tag in these three kommuner) are named.
    set_message_text(
        default_campaign, "kort-lvu", "Ingen socialsekreterare ska stå ensam i ett LVU-ärende. Vi kräver minst två handläggare."
    )
    set_message_text(default_campaign, "kort-lag", "Socialtjänsten behöver en ny lag som kräver kunskap i varje beslut.")
    campaign = load(default_campaign).campaign
    posts = compose_all(campaign, kommuner, ["x"], messages)
    [warning] = identical_texts(campaign, posts)
    assert warning.format() == (
        "messages/messages.yaml: warning: messages: 2 messages hand several kommuner the same post word for word "
        "(kort-lvu: 3 kommuner, kort-lag: 3); add variants, or write {{ kommun }} or a local figure into them, "
        "so that no two accounts are handed identical text"
    )
    assert identical_texts(campaign, compose_all(campaign, kommuner, ["x"], ["bemanning"])) == []  # it names the kommun


def test_a_message_writing_more_hashtags_than_a_platform_takes_is_warned_about(default_campaign: Path) -> None:
    from campaign.compose.core import compose_all
    from campaign.compose.stage import over_hashtag_cap
    from campaign.loader import load
    from campaign.model import NATIONAL

    set_message_text(default_campaign, "kort-lag", "Ny lag nu! #a #b #c #d #e #f")
    campaign = load(default_campaign).campaign
    posts = compose_all(campaign, [NATIONAL], ["x", "threads", "instagram"], ["kort-lag", "kort-lvu"])
    assert [p.format() for p in over_hashtag_cap(campaign, posts)] == [
        "messages/messages.yaml: warning: messages[12]: message 'kort-lag' writes 6 hashtags in its text; Threads takes 1 a post: "
        "move them to the message's hashtags: list",
        "messages/messages.yaml: warning: messages[12]: message 'kort-lag' writes 6 hashtags in its text; Instagram takes 5 a post: "
        "move them to the message's hashtags: list",
    ]


def test_each_messages_tally_adds_up_to_what_all_the_posts_say(default_campaign: Path, registry: None) -> None:
    """The build says its summary and warnings from per-message tallies (kept while a message is unchanged):
    their sum says exactly what the posts counted all at once say, and a message's share of the posts files
    put together gives the files the posts make."""
    from campaign.compose.core import LEVEL_ORDER, compose_all
    from campaign.compose.tally import Tally, total
    from campaign.loader import load

    set_message_text(default_campaign, "kort-lag", "Kort: " + "#TryggSocialtjänst " * 3 + "och en lång text. " * 20)
    campaign = load(default_campaign).campaign
    posts = compose_all(campaign, areas(), on=campaign.settings.launch_date)
    pieces = posts_stage.message_files(campaign, posts)
    summed = total(p.tally for p in pieces)
    assert output.summary_of(summed) == output.summary(posts) == output.summary_of(Tally.of(posts))
    said = [w.format() for w in posts_stage.warnings_of(campaign, summed)]
    assert said == [w.format() for w in posts_stage.warnings(campaign, posts)]
    assert any("kort-lag" in w for w in said), "the edited short message is warned about"
    order = [(a.level, a.code) for a in sorted({p.area for p in posts}, key=lambda a: (LEVEL_ORDER[a.level], a.code))]
    wide = [p for p in posts if p.area.level != "kommun"]
    assert output.kit_json(pieces, order) == output.to_kit_json(posts)
    assert output.kit_csv(pieces, order) == output.to_csv(wide)
    assert output.kit_markdown("x", pieces, order, "T", "note") == output.to_markdown("x", wide, "T", "note")


def _tally_post_by_post(posts: list[Any]) -> Any:
    """What ``Tally.of`` counts, counted the plain way: each post on its own, every field looked at."""
    from collections import Counter

    from campaign.compose.length import HASHTAG
    from campaign.compose.platforms import PLATFORMS
    from campaign.compose.tally import PlatformTally, Tally

    tally = Tally()
    same: Counter[tuple[str, str, str]] = Counter()
    for post in posts:
        tally.posts += 1
        tally.threads += post.is_thread
        tally.areas.add((post.area.level, post.area.code))
        mine = tally.platforms.setdefault(post.platform, PlatformTally())
        mine.posts += 1
        lost = [d.value for d in post.dropped if d.reason != "cap"]
        left_out = [d.value for d in post.dropped if d.reason == "cap"]
        mine.shortened += bool(lost)
        mine.lost.update(lost)
        mine.capped += bool(left_out)
        mine.left_out.update(left_out)
        if post.kind == "short" and post.is_thread:
            key = (post.message_id, post.platform)
            tally.short_threads[key] = tally.short_threads.get(key, 0) + 1
        cap = PLATFORMS[post.platform].max_hashtags
        n = max(len(HASHTAG.findall(part.text)) for part in post.parts)
        if cap is not None and n > cap:
            tally.hashtags[(post.message_id, post.platform)] = n
        if post.area.level == "kommun":
            same[(post.message_id, post.platform, post.text)] += 1
    for (message_id, _, _), n in same.items():
        tally.identical[message_id] = max(tally.identical.get(message_id, 0), n)
    return tally


def test_the_tally_and_posts_files_do_not_need_the_posts_area_by_area(default_campaign: Path, registry: None) -> None:
    """``Tally.of`` and ``message_files`` look at a post's area only when it changes (posts come area by area):
    posts in any order, some with an equal copy of their area, give what they count and write post by post."""
    import dataclasses
    import random

    from campaign.compose.core import LEVEL_ORDER, compose_all
    from campaign.compose.tally import Tally
    from campaign.loader import load

    set_message_text(default_campaign, "kort-lag", "Kort: " + "#TryggSocialtjänst " * 3 + "och en lång text. " * 20)
    campaign = load(default_campaign).campaign
    posts = compose_all(campaign, areas(), on=campaign.settings.launch_date)
    rng = random.Random(16)
    for order in (posts, rng.sample(posts, len(posts))):
        mixed = [dataclasses.replace(p, area=dataclasses.replace(p.area)) if rng.random() < 0.3 else p for p in order]
        assert Tally.of(mixed) == _tally_post_by_post(mixed)
        for i, message in enumerate(campaign.messages):
            mine = [p for p in mixed if p.message_id == message.id]
            piece = output.message_files(message.id, message.kind, 0, mine)
            keys = sorted(piece.areas, key=lambda key: (LEVEL_ORDER[key[0]], key[1]))
            by_area = sorted(mine, key=lambda p: (LEVEL_ORDER[p.area.level], p.area.code))  # stable: each area's in order
            written = output.expand_kit_json(json.loads(output.kit_json([piece], keys)))
            assert written == [p.to_json() for p in by_area], (i, message.id)


@settings(max_examples=300, deadline=None)
@given(
    variant=st.integers(0, 40),
    detail=st.integers(0, 10_000),
    parts=st.lists(
        st.tuples(
            st.one_of(st.integers(0, 10_000), st.text()),  # a text's index, or the text itself (any characters)
            st.integers(0, 100_000),
            st.integers(0, 100_000),
            st.one_of(st.none(), st.lists(st.tuples(st.integers(0, 99), st.integers(0, 9999), st.integers(0, 9999)), max_size=4)),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_a_posts_row_is_written_as_json_dumps_writes_it(variant: int, detail: int, parts: list[Any]) -> None:
    rows = [[text, length, limit] + ([[list(f) for f in facets]] if facets else []) for text, length, limit, facets in parts]
    written = f",{variant},{detail},[" + ",".join(output._part_row(*part[:3], part[3] or ()) for part in parts) + "]]"
    assert written == "," + output._dump([variant, detail, rows])[1:]
    assert json.loads("[0" + written) == [0, variant, detail, rows]
