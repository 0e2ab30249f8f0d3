"""`campaign build` when nothing changed: the kit is kept, untouched; any change builds it again.

Every check compares with a cold build of the same campaign into another folder
(byte for byte), so keeping a kit can never hand out a stale one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from campaign.build import Built, build, build_if_changed
from campaign.manifest import Kept, unchanged
from tests.message_edit import set_message_text
from tests.page_kit import edit

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()
    }


def stamps(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def cold(campaign: Path, out: Path, now: dt.datetime = NOW) -> dict[str, str]:
    build(campaign, out, now=now)
    return tree(out)


def test_nothing_changed_keeps_the_kit_and_any_change_builds_it_again(default_campaign: Path, tmp_path: Path) -> None:
    out = tmp_path / "kit"
    first = build_if_changed(default_campaign, out, now=NOW)
    assert isinstance(first, Built)
    before = stamps(out)
    again = build_if_changed(default_campaign, out, now=NOW + dt.timedelta(hours=2))  # the same day in Stockholm
    assert isinstance(again, Kept)
    assert (again.notes, again.warnings) == (first.notes, first.warnings), "a kept build says what its build said"
    assert stamps(out) == before, "a kept kit is not rewritten"
    assert tree(out) == cold(default_campaign, tmp_path / "cold")

    # What makes the kit: another day (the roles are as on the day), an asset's bytes, a kit file touched by hand.
    assert unchanged(default_campaign, out, NOW + dt.timedelta(days=1)) is None
    logo = default_campaign / "assets" / "logo.png"
    original = logo.read_bytes()
    logo.write_bytes(original + b"\0")
    assert unchanged(default_campaign, out, NOW) is None
    logo.write_bytes(original)
    os.utime(logo, ns=(0, 0))  # content counts, not times
    assert unchanged(default_campaign, out, NOW) is not None
    index = out / "index.html"
    kept_index = index.read_bytes()
    index.write_text("changed by hand", encoding="utf-8")
    assert unchanged(default_campaign, out, NOW) is None
    index.write_bytes(kept_index)

    # One message edited: built again, as a cold build of the edited campaign.
    set_message_text(default_campaign, "kort-lvu", "Ingen socialsekreterare i {{ area.name }} ska stå ensam i ett LVU-ärende.")
    assert unchanged(default_campaign, out, NOW) is None
    assert isinstance(build_if_changed(default_campaign, out, now=NOW), Built)
    assert tree(out) == cold(default_campaign, tmp_path / "cold-edited")
    assert isinstance(build_if_changed(default_campaign, out, now=NOW), Kept)


def test_the_command_says_the_kit_was_kept(cli, default_campaign: Path, tmp_path: Path) -> None:
    out = tmp_path / "kit"
    first = cli("build", str(default_campaign), "--out", str(out))
    assert first.code == 0, first.err
    assert "built" in first.out
    second = cli("build", str(default_campaign), "--out", str(out))
    assert second.code == 0, second.err
    assert "nothing changed since the last build" in second.out
    assert [line for line in second.out.splitlines() if line.startswith("posts:")] == [
        line for line in first.out.splitlines() if line.startswith("posts:")
    ]


def test_an_edit_takes_what_it_does_not_touch_from_the_last_build(default_campaign: Path, tmp_path: Path) -> None:
    """Per-output keys: outputs whose key is unchanged are hard-linked from the previous kit, and the kit is
    still byte for byte a cold build of the edited campaign; a kit file changed by hand is made again."""
    out = tmp_path / "kit"
    assert isinstance(build_if_changed(default_campaign, out, now=NOW), Built)
    inodes = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    posts_cache = default_campaign / ".cache" / "build" / "posts"
    cached = {p.name for p in posts_cache.iterdir()}
    assert len(cached) == 13, "one file of posts per message"
    rows_cache = default_campaign / ".cache" / "build" / "kit-rows"
    rows = {p.name for p in rows_cache.iterdir()}
    assert len(rows) == 13, "one file of kit rows per message"
    frames_cache = default_campaign / ".cache" / "build" / "kit-frames"
    frames = {p.name: p.read_bytes() for p in frames_cache.iterdir()}
    assert len(frames) == 30, "one file of kit frames per group of ten areas"

    set_message_text(default_campaign, "kort-lvu", "Ingen socialsekreterare i {{ area.name }} ska stå ensam i ett LVU-ärende.")
    page = out / "kommun" / "ale" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- by hand -->", encoding="utf-8")
    assert isinstance(build_if_changed(default_campaign, out, now=NOW), Built)
    assert tree(out) == cold(default_campaign, tmp_path / "cold-edited")
    assert "<!-- by hand -->" not in page.read_text(encoding="utf-8")
    now_cached = {p.name for p in posts_cache.iterdir()}
    assert len(now_cached) == 13 and len(cached - now_cached) == 1, "only the edited message's posts composed again"
    now_rows = {p.name for p in rows_cache.iterdir()}
    assert len(now_rows) == 13 and len(rows - now_rows) == 1, "only the edited message's kit rows rendered again"
    assert {p.name: p.read_bytes() for p in frames_cache.iterdir()} == frames, "no kit rendered again, only its rows"

    # A change that makes no output different (an asset nothing uses) takes every output from the last build.
    (default_campaign / "assets" / "notes.txt").write_text("not used by the kit\n", encoding="utf-8")
    before = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    assert isinstance(build_if_changed(default_campaign, out, now=NOW), Built)
    after = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    kept = [rel for rel in after if before.get(rel) == after[rel]]
    assert any(rel.startswith("kommun/") for rel in kept) and "posts/posts.json" in kept, "pages and posts linked, not made"
    data = [rel for rel in after if rel.startswith("data/")]
    assert len(data) == 293 and set(data) <= set(kept), "the data files linked, not made"
    assert tree(out) == cold(default_campaign, tmp_path / "cold-again")
    del inodes


def test_a_kept_kit_is_answered_before_the_library_loads_saying_what_the_full_command_says(
    cli, default_campaign: Path, tmp_path: Path, monkeypatch
) -> None:
    from campaign.cli import plain

    out = tmp_path / "kit"
    assert cli("build", str(default_campaign), "--out", str(out), "-q").code == 0
    fast = cli("build", str(default_campaign), "--out", str(out), "--quiet", "--jobs", "2")
    monkeypatch.setattr(plain, "plain_build", lambda argv: False)  # the full command: it keeps the kit too
    full = cli("build", str(default_campaign), "--out", str(out), "--quiet", "--jobs", "2")
    assert (fast.code, fast.out, fast.err) == (full.code, full.out, full.err)
    assert "nothing changed since the last build" in fast.out


def test_a_plain_build_line_is_run_without_the_app_saying_what_the_app_says(
    cli, default_campaign: Path, tmp_path: Path, monkeypatch
) -> None:
    from campaign.cli import plain

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    twin = tmp_path / "twin"  # a copy of its own: no cache of the other build's
    shutil.copytree(default_campaign, twin)

    def both(root: Path, *args: str) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
        fast = cli("build", str(root), "--out", str(tmp_path / "fast"), *args)
        with monkeypatch.context() as app:
            app.setattr(plain, "plain_build", lambda argv: False)  # the app's `build`
            full = cli("build", str(twin), "--out", str(tmp_path / "full"), *args)
        return (fast.code, fast.out.replace(str(tmp_path / "fast"), "KIT"), fast.err), (
            full.code,
            full.out.replace(str(tmp_path / "full"), "KIT"),
            full.err,
        )

    (twin / "messages" / "campaign.yaml").write_text("campaign: [", encoding="utf-8")
    fast, full = both(twin, "-q")
    assert fast == full and fast[0] == 2 and "YAML syntax error" in fast[2]
    shutil.copy2(default_campaign / "messages" / "campaign.yaml", twin / "messages" / "campaign.yaml")
    fast, full = both(default_campaign, "--fresh", "-q", "-j", "2")
    assert fast == full and fast[0] == 0 and "built KIT/" in fast[1]
    assert tree(tmp_path / "fast") == tree(tmp_path / "full")


def test_only_a_plain_build_line_is_read_without_the_app(monkeypatch) -> None:
    from campaign.cli.plain import Line, parse, plain_build

    assert parse(["build"]) == Line(Path(), Path("build"))
    assert parse(["build", "kampanj", "-o", "ut", "-q", "--jobs=3", "--fresh"]) == Line(
        Path("kampanj"), Path("ut"), fresh=True, quiet=True, jobs=3
    )
    assert parse(["build", "--out=ut", "-j", "2", "kampanj"]) == Line(Path("kampanj"), Path("ut"), jobs=2)
    for line in (
        ["build", "--on", "2026-03-01"],
        ["build", "--jobs", "0"],
        ["build", "--jobs", "\uff13"],
        ["build", "--out="],
        ["build", "-o", "a", "-o", "b"],
        ["build", "a", "b"],
        ["build", "--help"],
        ["build", "--"],
        ["build", "-o"],
        ["--debug", "build"],
        ["posts"],
        [],
    ):
        assert parse(line) is None, line
    monkeypatch.setenv("CAMPAIGN_DEBUG", "1")
    assert not plain_build(["build", "nowhere"]), "what typer reads from the environment: the app"
    monkeypatch.delenv("CAMPAIGN_DEBUG")
    monkeypatch.setenv("_CAMPAIGN_COMPLETE", "bash_complete")
    assert not plain_build(["build", "nowhere"])


class _Planted:
    """A pickle that, when loaded, makes a folder: what a hostile cache file would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def test_a_cache_file_from_someone_else_is_never_unpickled(default_campaign: Path, tmp_path: Path) -> None:
    """The caches (posts, the page's columns) sit in the campaign folder, which people share: a pickle there is
    loaded only when it carries this user's signature; a planted one is made again from the bank, and nothing
    of it runs."""
    import pickle  # only here: this test writes the hostile file

    out = tmp_path / "kit"
    assert isinstance(build_if_changed(default_campaign, out, now=NOW), Built)
    marker = tmp_path / "ran"
    planted = pickle.dumps(_Planted(marker))
    caches = [default_campaign / ".cache" / "build" / name for name in ("posts", "site", "kit-rows", "kit-frames")]
    for path in (p for cache in caches for p in cache.iterdir()):
        path.write_bytes(planted)
    set_message_text(default_campaign, "kort-lvu", "Ingen socialsekreterare i {{ area.name }} ska stå ensam i ett LVU-ärende.")
    assert isinstance(build_if_changed(default_campaign, out, now=NOW), Built)
    assert not marker.exists(), "the planted pickle ran"
    assert tree(out) == cold(default_campaign, tmp_path / "cold")
    assert all(p.read_bytes() != planted for cache in caches for p in cache.iterdir()), "made again, signed"


def test_compiled_templates_are_kept_in_the_users_own_folder_not_the_campaigns(
    default_campaign: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jinja's compiled templates are code that runs: they are kept beside the user's cache key, never in the
    campaign folder that others may write to."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "mine"))
    assert isinstance(build_if_changed(default_campaign, tmp_path / "kit", now=NOW), Built)
    kept = list((tmp_path / "mine" / "campaign" / "templates").iterdir())
    assert kept, "the compiled templates are kept"
    shared = default_campaign / ".cache"
    assert all(p.name.startswith("__jinja2_") for p in kept)
    assert not list(shared.rglob("__jinja2_*")), "no compiled template in the campaign folder"


class _Unreadable:
    """Pickles, and fails to unpickle (as a cache file from an older program would)."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (int, ("not a number",))


def test_a_signed_cache_file_that_cannot_be_read_is_made_again(default_campaign: Path, tmp_path: Path) -> None:
    """A posts file signed with this user's key that no longer unpickles (written by another version) is read
    only when its posts are needed, and then composed again: the kit is still a cold build's."""
    from campaign import signed

    out = tmp_path / "kit"
    assert isinstance(build_if_changed(default_campaign, out, now=NOW), Built)
    for path in (default_campaign / ".cache" / "build" / "posts").iterdir():
        signed.save(path, _Unreadable())
    for path in (default_campaign / ".cache" / "build" / "site").iterdir():
        path.unlink()  # the page needs the posts again
    set_message_text(default_campaign, "kort-lvu", "Ingen socialsekreterare i {{ area.name }} ska stå ensam i ett LVU-ärende.")
    built = build_if_changed(default_campaign, out, now=NOW)
    assert isinstance(built, Built)
    fresh = build(default_campaign, tmp_path / "cold", now=NOW)
    assert [p.to_json() for p in built.posts] == [p.to_json() for p in fresh.posts], "every post, as a cold build's"
    assert tree(out) == tree(tmp_path / "cold")


def test_an_edit_to_a_message_makes_again_only_the_files_that_hold_its_text(default_campaign: Path, tmp_path: Path) -> None:
    """A kommun's page holds the text of its recommended message only (the others are filled in from its data
    file): an edit to another message's text makes again every kit and data file, and no kommun page."""
    out = tmp_path / "kit"
    assert isinstance(build_if_changed(default_campaign, out, now=NOW), Built)
    before = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    columns = default_campaign / ".cache" / "build" / "site"
    cached = {p.name for p in columns.iterdir()}
    assert len(cached) == 26, "the views' column of each message, and its data files' part, kept"
    shares = default_campaign / ".cache" / "build" / "posts-files"
    kept_shares = {p.name: p.stat().st_ino for p in shares.iterdir()}
    assert len(kept_shares) == 13, "each message's share of the posts files, kept"
    set_message_text(default_campaign, "kort-lvu", "Ingen socialsekreterare i {{ area.name }} ska stå ensam i ett LVU-ärende.")
    assert isinstance(build_if_changed(default_campaign, out, now=NOW), Built)
    now_cached = {p.name for p in columns.iterdir()}
    assert len(now_cached) == 26 and len(cached - now_cached) == 2, "only the edited message's column made again"
    now_shares = {p.name: p.stat().st_ino for p in shares.iterdir()}
    assert len(now_shares) == 13 and len(set(kept_shares) - set(now_shares)) == 1, "only its share of the posts files"
    assert all(kept_shares[n] == i for n, i in now_shares.items() if n in kept_shares), "the others read, not rewritten"
    assert "Ingen socialsekreterare i {area} ska stå ensam" in (out / "posts" / "posts.json").read_text(encoding="utf-8")
    after = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    pages = [rel for rel in after if rel.startswith("kommun/") and rel.endswith("/index.html") and rel != "kommun/index.html"]
    kits = [rel for rel in after if rel.startswith("kommun/") and rel.endswith("/kit.html")]
    assert len(pages) == len(kits) == 290
    assert all(before[rel] == after[rel] for rel in pages), "no kommun page holds the edited text: all linked"
    assert not any(before[rel] == after[rel] for rel in kits), "every kit holds it: all made again"
    assert "Ingen socialsekreterare i Ale ska stå ensam" in (out / "kommun" / "ale" / "kit.html").read_text(encoding="utf-8")
    assert tree(out) == cold(default_campaign, tmp_path / "cold-edited")


def test_an_edit_to_a_kommuns_figure_makes_again_its_kit(default_campaign: Path, tmp_path: Path) -> None:
    """A kit's frame (what it shows besides the messages' rows: its area's figures, its politicians) is kept by
    all it is made from: one kommun's value of a figure changed, its kit shows the new value."""
    out = tmp_path / "kit"
    assert isinstance(build_if_changed(default_campaign, out, now=NOW), Built)

    def revalue(data: dict[str, Any]) -> None:
        assert data["figures"][1]["municipalities"]["0180"]["value"] == 33
        data["figures"][1]["municipalities"]["0180"]["value"] = 34

    edit(default_campaign, "figures.yaml", revalue)
    assert isinstance(build_if_changed(default_campaign, out, now=NOW), Built)
    assert "<strong>34\u00a0%</strong>" in (out / "kommun" / "stockholm" / "kit.html").read_text(encoding="utf-8")
    assert tree(out) == cold(default_campaign, tmp_path / "cold")
