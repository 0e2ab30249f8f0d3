"""`campaign build` and `campaign init`: staged output, determinism, scaffolding."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from campaign import build as build_module
from campaign.kit import build_time
from campaign.loader import load


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_build_writes_the_kit_and_is_byte_identical_on_rebuild(cli, default_campaign: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = cli("build", str(default_campaign), "--out", str(out))
    assert first.code == 0, first.err
    assert (out / "campaign.json").is_file()
    digest = tree_digest(out)
    second = cli("build", str(default_campaign), "--out", str(out), "--fresh")  # built again, not kept
    assert second.code == 0, second.err
    assert tree_digest(out) == digest
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")], "staging folders were left behind"


def test_campaign_json_matches_golden(default_campaign: Path, tmp_path: Path) -> None:
    """The resolved campaign dump. Regenerate: CAMPAIGN_REGEN=1 python -m pytest tests/test_foundation_build.py"""
    out = tmp_path / "out"
    build_module.build(default_campaign, out)
    golden = Path(__file__).parent / "golden" / "campaign.json"
    actual = (out / "campaign.json").read_text(encoding="utf-8")
    if os.environ.get("CAMPAIGN_REGEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def test_invalid_campaign_leaves_previous_build_untouched(cli, default_campaign: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli("build", str(default_campaign), "--out", str(out)).code == 0
    before = tree_digest(out)
    figures = default_campaign / "messages" / "figures.yaml"
    figures.write_text(figures.read_text(encoding="utf-8").replace("kind: share", "kind: shar", 1), encoding="utf-8")
    result = cli("build", str(default_campaign), "--out", str(out))
    assert result.code == 2
    assert "figures[0].kind: expected one of 'share', 'count', got 'shar'" in result.err
    assert tree_digest(out) == before


def test_crash_mid_build_leaves_previous_build_untouched(cli, default_campaign: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    assert cli("build", str(default_campaign), "--out", str(out)).code == 0
    before = tree_digest(out)

    def exploding_stage(kit, staging: Path) -> None:
        (staging / "half-written.txt").write_text("partial", encoding="utf-8")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(build_module.registry_stage, "write", exploding_stage)  # after campaign.json is written
    result = cli("build", str(default_campaign), "--out", str(out), "--fresh")
    assert result.code == 1
    assert result.err.startswith("internal error: RuntimeError: disk on fire")
    assert "Traceback" not in result.err
    assert tree_digest(out) == before
    assert {p.name for p in tmp_path.iterdir()} == {"kampanj", "out"}, "no staging folder may be left behind"


def test_debug_flag_shows_the_traceback(default_campaign: Path, tmp_path: Path, monkeypatch) -> None:
    from tests.conftest import run_cli

    def exploding_stage(kit, staging: Path) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(build_module.registry_stage, "write", exploding_stage)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run_cli("--debug", "build", str(default_campaign), "--out", str(tmp_path / "out"))


def test_build_refuses_to_replace_a_folder_it_did_not_make(cli, default_campaign: Path, tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.docx").write_text("years of work", encoding="utf-8")
    result = cli("build", str(default_campaign), "--out", str(precious))
    assert result.code == 1
    assert result.err == f"error: --out {precious} exists and was not made by `campaign build`; refusing to replace it\n"
    assert (precious / "thesis.docx").read_text(encoding="utf-8") == "years of work"


def test_build_refuses_the_campaign_folder_as_output(cli, default_campaign: Path) -> None:
    result = cli("build", str(default_campaign), "--out", str(default_campaign))
    assert result.code == 1
    assert "would replace the campaign folder itself" in result.err
    assert (default_campaign / "messages" / "messages.yaml").is_file()


def test_init_scaffolds_a_valid_commented_campaign(cli, tmp_path: Path) -> None:
    target = tmp_path / "ny"
    result = cli("init", str(target))
    assert result.code == 0, result.err
    text = (target / "messages" / "campaign.yaml").read_text(encoding="utf-8")
    assert text.count("#") > 20, "the scaffold explains its fields in comments"
    loaded = load(target)
    assert loaded.campaign.settings.name == "Min kampanj"
    checked = cli("validate", str(target))
    assert checked.code == 0
    assert checked.out.startswith("ok: Min kampanj: 2 messages, 1 figure, 1 link, 2 hashtags, 1 demand; "), checked.out
    assert re.search(r" posts? composed for \d{4}-\d\d-\d\d$", checked.out.rstrip()), checked.out
    ignored = (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"build/", ".cache/", ".campaign/", ".env"} <= set(ignored), (
        "what the toolkit writes, and credentials, stay out of git"
    )


def test_build_writes_into_the_campaign_folder_by_default(cli, tmp_path: Path, monkeypatch) -> None:
    """`campaign build DIR` writes DIR/build, where `campaign schedule` looks for the images, wherever it runs from."""
    target = tmp_path / "ny"
    assert cli("init", str(target)).code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = cli("build", str(target))
    assert result.code == 0, result.err
    assert result.out.endswith(f"built {target / 'build'}/\n")
    assert (target / "build" / "campaign.json").is_file()
    assert list(elsewhere.iterdir()) == []


def test_init_shows_the_politicians_format_ready_to_uncomment(cli, tmp_path: Path) -> None:
    target = tmp_path / "ny"
    assert cli("init", str(target)).code == 0
    path = target / "messages" / "campaign.yaml"
    text = path.read_text(encoding="utf-8")
    block = text[text.index("# politicians:") :]
    path.write_text(text.replace(block, "\n".join(line[2:] for line in block.splitlines()) + "\n"), encoding="utf-8")
    [anna] = load(target).campaign.extra["politicians"]
    assert anna["roles"][0]["kommun"] == "0380" and anna["example"] is True


def test_init_optional_fields_are_valid_when_uncommented(cli, tmp_path: Path) -> None:
    import re

    target = tmp_path / "ny"
    assert cli("init", str(target)).code == 0
    path = target / "messages" / "campaign.yaml"
    optional = "published|words|note|utm|hashtags|tag|image|campaign|enabled|regions|municipalities|base_url"
    text, count = re.subn(rf"^(\s+)# ({optional}): ", r"\1\2: ", path.read_text(encoding="utf-8"), flags=re.M)
    assert count == 12
    path.write_text(text, encoding="utf-8")
    figure = load(target).campaign.figures[0]
    assert figure.words == "mer än fyra av tio" and set(figure.municipalities) == {"0380"}


def test_init_refuses_a_non_empty_folder(cli, default_campaign: Path) -> None:
    result = cli("init", str(default_campaign))
    assert result.code == 1
    assert result.err == f"error: {default_campaign} exists and is not empty; choose a new folder\n"


def test_source_date_epoch_sets_build_time(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1770192000")
    assert build_time().isoformat() == "2026-02-04T08:00:00+00:00"


def test_example_figures_warn_but_validate(cli, tmp_path: Path) -> None:
    target = tmp_path / "ny"
    assert cli("init", str(target)).code == 0
    result = cli("validate", str(target))
    assert result.code == 0
    assert (
        "campaign.yaml:35:14: warning: figures[0].example: example data: replace it with a real, sourced figure before publishing"
        in result.err
    )


def test_the_default_kit_is_under_30_mb_and_writes_each_kommun_text_once(cli, default_campaign: Path, tmp_path: Path) -> None:
    """Issue 16, point 4: the default kit under 30 MB, nothing written twice where once serves.

    A kommun's post, word for word, is only in its printable kit: its page, its data file,
    posts.json, the CSV and the Markdown hold it as the text every kommun shares, with
    ``{area}`` for the name (or not at all: a kommun's CSV rows are `campaign posts`).
    """
    out = tmp_path / "out"
    result = cli("build", str(default_campaign), "--out", str(out), "--quiet")
    assert result.code == 0, result.err
    files = [p for p in out.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    assert total < 30_000_000, f"the kit is {total / 1e6:.1f} MB"
    texts = {
        p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
        for p in files
        if p.suffix in {".html", ".js", ".json", ".csv", ".md"}
    }
    where = sorted(name for name, text in texts.items() if "Polisanmäler Ale varje hot?" in text)
    assert where == ["kommun/ale/kit.html"]
    for name in ("data/shared.js", "posts/posts.json"):  # the shared form, at most once per platform and hashtag choice
        assert 0 < texts[name].count("Polisanmäler {area} varje hot?") <= 7 * 4, name
    kommun_pages = [text for name, text in texts.items() if name.startswith("kommun/") and name.endswith("/index.html")]
    assert len(kommun_pages) == 291 and max(len(t.encode()) for t in kommun_pages) < 30_000  # 290 pages and the listing
    area_files = sorted(len(text.encode()) for name, text in texts.items() if name.startswith("data/areas/"))
    assert len(area_files) == 291 and area_files[len(area_files) // 2] < 1_000  # most kommuner: references only
