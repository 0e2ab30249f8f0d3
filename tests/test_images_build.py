"""Images in the build and `campaign images`: manifest, alt text, cache, filters, errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from campaign.build import Built, build
from campaign.images.jpeg import jpeg_of
from campaign.images.sizes import SIZES
from tests.conftest import run_cli
from tests.test_images_support import CAMPAIGN, make

REPO = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.UTC)
# national + län 03 + kommun 0180 for resursbrist, national for bemanning, one short message, one demand
CARDS = 6


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def run(*args: str, cwd: Path) -> Ran:
    """The real CLI entry point (in-process, for speed) on the campaign at ``cwd``; "." and --out are relative to it."""
    absolute, after_out = [], False
    for arg in args:
        absolute.append(str(cwd) if arg == "." else str(cwd / arg) if after_out else arg)
        after_out = arg == "--out"
    result = run_cli(*absolute)
    return Ran(result.code, result.out, result.err)


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    return make(tmp_path / "campaign")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Built, list[tuple[str, int, int]]]:
    """The test campaign built once (drawing is the slow part), with the progress reports."""
    root = make(tmp_path_factory.mktemp("built") / "campaign")
    progress: list[tuple[str, int, int]] = []
    kit = build(root, root / "build", now=NOW, progress=lambda *a: progress.append(a))
    return root, kit, progress


@pytest.fixture()
def warm(built: tuple[Path, Built, list[tuple[str, int, int]]], tmp_path: Path) -> Path:
    """A copy of the built campaign, its image cache included."""
    return Path(shutil.copytree(built[0], tmp_path / "campaign", symlinks=True))


def manifest(folder: Path) -> list[dict]:  # type: ignore[type-arg]
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["images"]


def test_build_writes_every_card_in_every_size_with_a_manifest(built: tuple[Path, Built, list[tuple[str, int, int]]]) -> None:
    root, kit, progress = built
    images = root / "build" / "images"
    rows = manifest(images)
    assert len(rows) == CARDS * len(SIZES)
    assert [i.row() for i in kit.images] == rows
    assert all(i.path == f"images/{i.file}" for i in kit.images)
    for row in rows:
        data = (images / row["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"]
        assert len(data) == row["bytes"] <= SIZES[row["size"]].max_bytes
        assert Image.open(images / row["file"]).size == (row["width"], row["height"])
        assert 0 < len(row["alt"]) <= 1000
    assert {(r["card"], r["id"], r["area_level"], r["area_code"]) for r in rows} == {
        ("figure", "resursbrist", "national", ""),
        ("figure", "resursbrist", "lan", "03"),
        ("figure", "resursbrist", "kommun", "0180"),
        ("figure", "bemanning", "national", ""),
        ("message", "kort-resurser", "national", ""),
        ("demand", "sakerhetskommission", "national", ""),
    }
    assert [p for p in progress if p[0] == "images"][-1] == ("images", len(rows), len(rows))
    assert f"images: {len(rows)} images of {CARDS} cards in 5 sizes ({len(rows)} drawn, 0 from the cache)" in kit.notes


def test_instagram_sized_cards_have_a_jpeg_beside_them(built: tuple[Path, Built, list[tuple[str, int, int]]]) -> None:
    """Instagram's publishing API takes JPEG only: each card made for it has a JPEG of the same picture."""
    images = built[0] / "build" / "images"
    rows = manifest(images)
    for row in rows:
        if "instagram" not in row["platforms"]:
            assert "jpeg" not in row
            continue
        assert row["jpeg"] == row["file"].removesuffix(".png") + ".jpg"
        with Image.open(images / row["jpeg"]) as jpeg, Image.open(images / row["file"]) as png:
            assert (jpeg.format, jpeg.size) == ("JPEG", png.size)
            corner = zip(jpeg.convert("RGB").getpixel((5, 5)), png.convert("RGB").getpixel((5, 5)), strict=True)
            worst = max(abs(a - b) for a, b in corner)
            assert worst <= 8
    assert sum(1 for r in rows if "jpeg" in r) == CARDS * 2  # square and portrait
    # Made from the drawing (the PNG's own palette image), byte for byte the JPEG of the PNG decoded again.
    for row in rows:
        if "jpeg" in row:
            assert (images / row["jpeg"]).read_bytes() == jpeg_of((images / row["file"]).read_bytes()), row["file"]


def test_alt_text_says_the_figure_statement_and_source_in_swedish(built: tuple[Path, Built, list[tuple[str, int, int]]]) -> None:
    kit = built[1]
    alts = {(r["id"], r["area_code"]): r["alt"] for r in [i.row() for i in kit.images] if r["size"] == "x"}
    assert alts[("resursbrist", "")] == (
        "Sverige: Varannan (50\u00a0%) socialsekreterare anger brist på resurser som skäl till att de är missnöjda med arbetet. "
        "Källa: Novus för Akademikerförbundet SSR, socialsekreterarundersökningen 2019, 9–29\u00a0september\u00a02019 "
        "(2\u00a0473 svarande). Socialtjänstfacket."
    )
    assert alts[("bemanning", "")].startswith("Sverige: Mer än sex av tio (60\u00a0%) socialchefer har svårt")
    assert alts[("sakerhetskommission", "")] == (
        "Krav: En säkerhetskommission för socialtjänsten. Hot och våld mot socialsekreterare måste kartläggas "
        "och mötas med en nationell säkerhetskommission. – Socialtjänstfacket"
    )


def test_a_rebuild_with_nothing_changed_draws_nothing_and_gives_identical_files(warm: Path) -> None:
    root = warm
    first = build(root, root / "build", now=NOW)
    before = {r["file"]: (root / "build" / "images" / r["file"]).read_bytes() for r in [i.row() for i in first.images]}
    second = build(root, root / "build", now=NOW)
    assert any(note.endswith(f" (0 drawn, {len(second.images)} from the cache)") for note in second.notes), second.notes
    after = {r["file"]: (root / "build" / "images" / r["file"]).read_bytes() for r in [i.row() for i in second.images]}
    assert before == after
    assert (root / ".cache" / "images" / "index.pickle").is_file()


def test_a_cached_image_that_is_not_this_users_is_drawn_again(warm: Path) -> None:
    """The cache's files go into the kit as they are: one put there or written over by someone else, or a cache
    whose index this user's build did not sign, is never taken; the kit gets the card as drawn."""
    cold = build(make(warm.parent / "cold"), warm.parent / "cold" / "build", now=NOW)
    wanted = {i.file: i.sha256 for i in cold.images}
    cache = warm / ".cache" / "images"
    first, second = sorted(cache.glob("*/*.png"))[:2]
    planted = Image.new("RGB", (10, 10), "red")
    for path in (first, second):
        path.chmod(0o644)
        planted.save(path)  # written over, in place
    jpeg = next(j for j in sorted(cache.glob("*/*.jpg")) if j.stem not in (first.stem, second.stem))  # its PNG kept
    jpeg.chmod(0o644)
    planted.save(jpeg, "JPEG")
    kit = build(warm, warm / "build", now=NOW)
    assert any("(2 drawn" in note for note in kit.notes)
    assert {i.file: i.sha256 for i in kit.images} == wanted
    for image in (i for i in cold.images if i.jpeg):
        made = (warm.parent / "cold" / "build" / "images" / image.jpeg).read_bytes()
        assert (warm / "build" / "images" / image.jpeg).read_bytes() == made, image.jpeg
    (cache / "index.pickle").write_bytes((cache / "index.pickle").read_bytes()[:-1] + b"x")  # not signed by this user
    again = build(warm, warm / "build", now=NOW)
    assert any(f"({CARDS * len(SIZES)} drawn" in note for note in again.notes)
    assert {i.file: i.sha256 for i in again.images} == wanted
    for image in again.images:
        assert hashlib.sha256((warm / "build" / "images" / image.file).read_bytes()).hexdigest() == wanted[image.file]


def test_cached_images_are_read_only_so_an_edit_in_the_build_cannot_spoil_the_cache(warm: Path) -> None:
    """The build's files are hard links to the cache: writing over one in place would change both."""
    import stat

    build(warm, warm / "build", now=NOW)
    cached = sorted((warm / ".cache" / "images").glob("*/*.png"))
    assert cached and all(f.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) == 0 for f in cached)


def test_a_fresh_cache_draws_byte_identical_files(built: tuple[Path, Built, list[tuple[str, int, int]]], tmp_path: Path) -> None:
    other = make(tmp_path / "other")
    second = build(other, other / "build", now=NOW)
    assert [r["sha256"] for r in [i.row() for i in built[1].images]] == [r["sha256"] for r in [i.row() for i in second.images]]


def test_a_theme_change_draws_again(warm: Path) -> None:
    root = warm
    (root / "messages" / "campaign.yaml").write_text(CAMPAIGN.replace('"#1d2b53"', '"#0b3d2e"'), encoding="utf-8")
    kit = build(root, root / "build", now=NOW)
    assert any(f"({CARDS * len(SIZES)} drawn" in note for note in kit.notes)


def test_a_layout_override_changes_only_its_shape(warm: Path) -> None:
    root = warm
    first = build(root, root / "build", now=NOW)
    assert any("(0 drawn" in note for note in first.notes)
    (root / "messages" / "layouts.yaml").write_text(
        "layouts:\n  demand:\n    square:\n      background: accent\n      elements:\n"
        '        - {type: text, box: [8, 8, 84, 84], text: "{{ title }}", font: bold, size: 9, min_size: 4, colour: accent_text}\n',
        encoding="utf-8",
    )
    second = build(root, root / "build", now=NOW)
    changed = {
        a["file"]
        for a, b in zip([i.row() for i in first.images], [i.row() for i in second.images], strict=False)
        if a["sha256"] != b["sha256"]
    }
    assert changed == {"sverige/demand-sakerhetskommission-square.png"}
    assert any("(1 drawn" in note for note in second.notes)
    cached = sorted(p.name for p in (root / ".cache" / "images").glob("*/*.png"))
    assert len(cached) == CARDS * len(SIZES)  # the replaced image left the cache with the build


def test_campaign_images_renders_only_the_chosen_cards(warm: Path) -> None:
    root = warm
    result = run("images", ".", "--kommun", "Stockholm", "--size", "x", "--out", "imgs", cwd=root)
    assert result.returncode == 0, result.stderr
    rows = manifest(root / "imgs")
    # resursbrist has a value for kommun 0180; bemanning falls back to national; plus message and demand cards
    assert [(r["file"]) for r in rows] == [
        "kommun-0180/figure-resursbrist-x.png",
        "sverige/demand-sakerhetskommission-x.png",
        "sverige/figure-bemanning-x.png",
        "sverige/message-kort-resurser-x.png",
    ]
    assert result.stdout.startswith("4 images (0 drawn, 4 from the cache), ")  # the build's cache serves it
    again = run("images", ".", "--figure", "bemanning", "--out", "imgs", cwd=root)
    assert again.returncode == 0, again.stderr
    assert [r["file"] for r in manifest(root / "imgs")] == [f"sverige/figure-bemanning-{s}.png" for s in sorted(SIZES)]
    assert not (root / "imgs" / "kommun-0180").exists()


def test_a_filtered_run_never_replaces_the_built_kits_images(warm: Path) -> None:
    """The page and `campaign schedule plan` read build/images: a run for one kommun must not cut it down."""
    build(warm, warm / "build", now=NOW)
    before = manifest(warm / "build" / "images")
    refused = run("images", ".", "--kommun", "Stockholm", cwd=warm)  # the default --out is build/images
    assert refused.returncode == 1
    assert refused.stderr.endswith(
        "a filtered run would replace them with only the chosen cards: write them elsewhere, e.g. --out cards\n"
    )
    assert manifest(warm / "build" / "images") == before
    assert run("images", ".", cwd=warm).returncode == 0  # all of them may replace it


def test_campaign_images_refuses_unknown_filters_and_foreign_folders(root: Path) -> None:
    bad_figure = run("images", ".", "--figure", "bemaning", cwd=root)
    assert bad_figure.returncode == 3
    assert bad_figure.stderr == "error: unknown figure 'bemaning' (did you mean 'bemanning'?); known: resursbrist, bemanning\n"
    bad_size = run("images", ".", "--size", "instagram", cwd=root)
    assert bad_size.returncode == 3
    assert bad_size.stderr == "error: unknown size 'instagram'; known: x, og, square, portrait, bluesky\n"
    (root / "mine").mkdir()
    (root / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    refused = run("images", ".", "--out", "mine", cwd=root)
    assert refused.returncode == 1
    assert "exists and holds files not made by `campaign images`; refusing to replace it" in refused.stderr
    assert (root / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_low_contrast_theme_is_a_validation_error_naming_both_colours(root: Path) -> None:
    text = CAMPAIGN.replace('foreground: "#ffffff"', 'foreground: "#5a6b8c"').replace(
        'accent_text: "#1d2b53"', 'accent_text: "#ffffff"'
    )
    (root / "messages" / "campaign.yaml").write_text(text, encoding="utf-8")
    result = run("validate", ".", cwd=root)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "messages/campaign.yaml:7:17: error: campaign.theme.foreground: text colour foreground #5a6b8c on background #1d2b53 "
        "has contrast 2.57:1; WCAG AA needs at least 4.5:1: darken or lighten one of them",
        "messages/campaign.yaml:9:18: error: campaign.theme.accent_text: text colour accent_text #ffffff on accent #ffcc4d "
        "has contrast 1.50:1; WCAG AA needs at least 4.5:1: darken or lighten one of them",
        "2 errors",
    ]


def test_layout_mistakes_are_reported_with_file_line_and_path(root: Path) -> None:
    (root / "messages" / "layouts.yaml").write_text(
        "layouts:\n"
        "  figure:\n"
        "    landscape:\n"
        "      elements:\n"
        '        - {type: text, box: [50, 10, 60, 20], text: "{{ statment }}", colour: acent}\n'
        "  quote: {}\n",
        encoding="utf-8",
    )
    result = run("validate", ".", cwd=root)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "messages/layouts.yaml:5:79: error: layouts.figure.landscape.elements[0].colour: expected one of 'background', "
        "'foreground', 'accent', 'accent_text', got 'acent' (did you mean 'accent'?)",
        "messages/layouts.yaml:6:3: error: layouts.quote: unknown key 'quote'",
        "2 errors",
    ]
    (root / "messages" / "layouts.yaml").write_text(
        "layouts:\n  figure:\n    landscape:\n      elements:\n"
        '        - {type: text, box: [50, 10, 60, 20], text: "{{ statment }}", size: 4, min_size: 5}\n',
        encoding="utf-8",
    )
    result = run("validate", ".", cwd=root)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "messages/layouts.yaml:5:29: error: layouts.figure.landscape.elements[0].box: box [50, 10, 60, 20] reaches outside "
        "the image; x + width and y + height must be at most 100",
        "messages/layouts.yaml:5:53: error: layouts.figure.landscape.elements[0].text: layout template uses unknown variable "
        "'statment' (did you mean 'statement'?); known: big, value, words, statement, source, date, sample, source_line, "
        "place, area_level, text, title, kicker, organisation, campaign, hashtag",
        "messages/layouts.yaml:5:90: error: layouts.figure.landscape.elements[0].min_size: min_size 5 is larger than size 4",
        "3 errors",
    ]
    (root / "messages" / "layouts.yaml").write_text(
        "layouts:\n  figure:\n    landscape:\n      elements:\n"
        '        - {type: text, box: [5, 10, 60, 20], text: "{{ value | percnt }}", size: 6, min_size: 5}\n',
        encoding="utf-8",
    )
    result = run("validate", ".", cwd=root)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "messages/layouts.yaml:5:52: error: layouts.figure.landscape.elements[0].text: layout template uses unknown filter 'percnt' (did you mean 'percent'?)",
        "1 error",
    ]


def test_a_logo_or_font_that_cannot_be_drawn_is_a_validation_error(root: Path) -> None:
    (root / "assets" / "logo.png").write_text("not a picture", encoding="utf-8")
    (root / "assets" / "Brand.ttf").write_text("not a font", encoding="utf-8")
    text = CAMPAIGN.replace("    logo: assets/logo.png\n", "    logo: assets/logo.png\n    font_bold: assets/Brand.ttf\n")
    (root / "messages" / "campaign.yaml").write_text(text, encoding="utf-8")
    result = run("validate", ".", cwd=root)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        "messages/campaign.yaml:10:11: error: campaign.theme.logo: logo.png is not an image the renderer can read (use a PNG"
    )
    assert lines[1].startswith(
        "messages/campaign.yaml:11:16: error: campaign.theme.font_bold: Brand.ttf is not a TrueType or OpenType font file: "
    )
    assert lines[2] == "2 errors"


def test_a_campaign_can_use_its_own_fonts(root: Path) -> None:
    shutil.copy(REPO / "campaign" / "fonts" / "Inter-Regular.otf", root / "assets" / "Own-Bold.otf")
    text = CAMPAIGN.replace("    logo: assets/logo.png\n", "    logo: assets/logo.png\n    font_bold: assets/Own-Bold.otf\n")
    (root / "messages" / "campaign.yaml").write_text(text, encoding="utf-8")
    result = run("images", ".", "--figure", "bemanning", "--size", "x", "--out", "imgs", cwd=root)
    assert result.returncode == 0, result.stderr
    default = make(root.parent / "default")
    assert run("images", ".", "--figure", "bemanning", "--size", "x", "--out", "imgs", cwd=default).returncode == 0
    # the big figure is set in the campaign's "bold" font (a regular cut here), so the pixels differ
    assert manifest(root / "imgs")[0]["sha256"] != manifest(default / "imgs")[0]["sha256"]


def test_an_image_over_its_platform_byte_limit_fails_the_build(
    built: tuple[Path, Built, list[tuple[str, int, int]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from campaign.images import pipeline
    from campaign.images.sizes import Size

    monkeypatch.setitem(pipeline.SIZES, "bluesky", Size("bluesky", 1600, 900, 1_000, ("bluesky",)))
    root = Path(shutil.copytree(built[0], tmp_path / "campaign"))
    with pytest.raises(
        pipeline.ImageTooLarge,
        match=r"^sverige/figure-resursbrist-bluesky.png is \d+ bytes, over the limit of 1000 bytes for bluesky; use a simpler logo$",
    ):
        build(root, root / "build", now=NOW)


def test_a_layout_override_with_low_contrast_text_is_a_validation_error(root: Path) -> None:
    (root / "messages" / "layouts.yaml").write_text(
        "layouts:\n  message:\n    square:\n      background: accent\n      elements:\n"
        '        - {type: text, box: [8, 8, 84, 84], text: "{{ text }}", colour: foreground}\n',
        encoding="utf-8",
    )
    result = run("validate", ".", cwd=root)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "messages/layouts.yaml:6:73: error: layouts.message.square.elements[0].colour: text colour foreground #ffffff on "
        "accent #ffcc4d has contrast 1.50:1; WCAG AA needs at least 4.5:1: choose another colour pair",
        "1 error",
    ]


def test_without_worker_processes_the_images_are_drawn_in_this_one(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from campaign.images import pipeline

    class NoPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise OSError("no semaphores here")

    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", NoPool)
    kit = build(root, root / "build", now=NOW)
    assert any(f"({CARDS * len(SIZES)} drawn" in note for note in kit.notes)
    assert all((root / "build" / i.path).is_file() for i in kit.images)


def test_render_images_returns_typed_images(warm: Path, tmp_path: Path) -> None:
    from campaign.images.pipeline import Rendered
    from campaign.images.stage import render_images
    from campaign.kit import ImageFile

    rendered = render_images(warm, tmp_path / "cards", kommun=("Stockholm",), sizes=("og", "square"))
    assert isinstance(rendered, Rendered) and all(isinstance(i, ImageFile) for i in rendered.images)
    assert rendered.drawn == 0  # the warm cache has them all
    assert [i.row() for i in rendered.images] == manifest(tmp_path / "cards")
    assert {i.file: i.jpeg for i in rendered.images if i.size == "square"} == {
        i.file: i.file.removesuffix(".png") + ".jpg" for i in rendered.images if i.size == "square"
    }
    assert rendered.bytes == sum((tmp_path / "cards" / i.file).stat().st_size for i in rendered.images)


def test_a_jpeg_is_encoded_once_and_then_taken_from_the_cache(
    warm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from campaign.images import pipeline
    from campaign.images.jpeg import jpeg_of
    from campaign.images.stage import render_images

    def refuse(_png: bytes) -> bytes:
        raise AssertionError("a cached card's JPEG was encoded again")

    monkeypatch.setattr(pipeline, "jpeg_of", refuse)
    rendered = render_images(warm, tmp_path / "cards", figures=("resursbrist",))
    jpegs = [i for i in rendered.images if i.jpeg]
    assert jpegs and rendered.drawn == 0
    for image in jpegs:  # the very bytes encoding the PNG gives
        assert (tmp_path / "cards" / image.jpeg).read_bytes() == jpeg_of((tmp_path / "cards" / image.file).read_bytes())
