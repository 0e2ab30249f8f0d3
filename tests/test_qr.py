"""QR codes: campaign.site.qr picks the data mask segno picks, so every code and its SVG is segno's, byte for byte.

The reference is plain ``segno.make(text, error="m")``, which scores all eight masks itself.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import segno
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign import installed
from campaign.loader import load
from campaign.site import qr, stage
from campaign.site import render as r
from campaign.site.kit import qr_svg
from campaign.site.stage import registry_areas
from tests.page_kit import REPO

_URL_CHARS = string.ascii_letters + string.digits + "-._~/?=&%#"


def _svg(code: segno.QRCode, text: str) -> str:
    return code.svg_inline(scale=3, border=2, title=text)


def _same_as_segno(text: str) -> int:
    """Assert that ``text``'s code equals segno's own (mask, matrix, kit SVG); return the mask."""
    reference = segno.make(text, error="m")
    ours = qr.make(text, error="m")
    assert ours.mask == reference.mask, text
    assert ours.matrix == reference.matrix, text
    assert str(qr_svg(text)) == _svg(reference, text), text
    return ours.mask


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(min_size=1, max_size=300),  # any characters: byte mode, UTF-8, ECI-free as segno does it
        st.text(alphabet=string.digits, min_size=1, max_size=600),  # numeric mode
        st.text(alphabet=string.ascii_uppercase + string.digits + " $%*+-./:", min_size=1, max_size=400),
        st.builds(lambda path: "https://example.se/" + path, st.text(alphabet=_URL_CHARS, max_size=250)),
    )
)
def test_any_text_gets_segnos_mask_and_svg(text: str) -> None:
    _same_as_segno(text)


def test_versions_one_to_thirteen_every_mask() -> None:
    # Lengths that step through versions 1..13 (byte mode, level M), several texts each;
    # 14 bytes is the one length of version 1 (shorter ones fit a Micro QR code).
    versions, masks = set(), set()
    for length in sorted({14, *range(1, 330, 7)}):
        for seed in range(3):
            text = "".join(_URL_CHARS[(i * 7 + seed * 13 + length) % len(_URL_CHARS)] for i in range(length))
            masks.add(_same_as_segno(text))
            versions.add(segno.make(text, error="m").version)
    assert set(range(1, 14)) <= versions
    assert masks == set(range(8))  # a scorer that always said one mask would fail here


def test_default_campaigns_kommun_pages_as_segno_draws_them() -> None:
    # The addresses stage._kit_html gives the printed kits of the default campaign.
    campaign = load(REPO).campaign
    kommuner = [a for a in registry_areas() if a.level == "kommun"]
    urls = [r.page_url(campaign, f"kommun/{a.slug}/") for a in kommuner]
    assert len(urls) == 290 and all(urls)
    masks = {_same_as_segno(url) for url in urls}
    assert len(masks) > 1


def test_micro_codes_are_left_to_segno() -> None:
    code = qr.make("12345", error="m")
    assert code.is_micro and code.mask == segno.make("12345", error="m").mask


def _drawing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The addresses whose codes are drawn from here on (not taken from a cache)."""
    drawn: list[str] = []

    def draw(url: str) -> object:
        drawn.append(url)
        return qr_svg(url)

    monkeypatch.setattr(stage, "qr_svg", draw)
    return drawn


URLS = ["https://example.se/kommun/0114/", "https://example.se/kommun/0115/"]


def test_qr_codes_are_kept_in_one_file_a_task_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = _drawing(monkeypatch)
    codes = stage.QrCodes(tmp_path, "0114")
    first = [codes.svg(url) for url in URLS]
    assert [str(svg) for svg in first] == [_svg(segno.make(url, error="m"), url) for url in URLS]
    codes.keep()
    assert [p.name for p in tmp_path.iterdir()] == ["0114.pickle"]  # one file, not one a code
    again = stage.QrCodes(tmp_path, "0114")
    assert [again.svg(url) for url in URLS] == first
    assert drawn == URLS  # read back, not drawn again
    stamp = (tmp_path / "0114.pickle").stat().st_mtime_ns
    again.keep()
    assert (tmp_path / "0114.pickle").stat().st_mtime_ns == stamp  # nothing drawn: nothing written
    stage.QrCodes(tmp_path, "0114").keep()  # a task whose kits all came from their frames keeps what was there
    assert stage.QrCodes(tmp_path, "0114").svg(URLS[0]) == first[0] and drawn == URLS


def test_qr_cache_key_follows_segnos_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = _drawing(monkeypatch)
    codes = stage.QrCodes(tmp_path, "0114")
    codes.svg(URLS[0])
    codes.keep()
    assert installed.version("segno") == segno.__version__
    monkeypatch.setitem(installed._dist_infos(), "segno", segno.__version__ + ".next")  # another segno installed
    other = stage.QrCodes(tmp_path, "0114")
    other.svg(URLS[0])
    assert drawn == [URLS[0], URLS[0]]  # another segno, another key: drawn again
    other.keep()
    monkeypatch.setitem(installed._dist_infos(), "segno", segno.__version__)
    stage.QrCodes(tmp_path, "0114").svg(URLS[0])
    assert len(drawn) == 2  # the first segno's code is still kept


def test_markup_planted_in_the_qr_cache_never_reaches_a_kit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The QR cache sits in the campaign folder, which others may write to: its markup goes into the kit as it
    is, so only what this user's build kept (signed) is taken; a planted or changed file is drawn again."""
    codes = stage.QrCodes(tmp_path, "0114")
    first = codes.svg(URLS[0])
    codes.keep()
    kept = tmp_path / "0114.pickle"
    blob = kept.read_bytes()
    kept.write_bytes(b"<svg><script>alert(1)</script></svg>")
    drawn = _drawing(monkeypatch)
    again = stage.QrCodes(tmp_path, "0114").svg(URLS[0])
    assert again == first and "script" not in again and drawn == [URLS[0]]
    forged = blob.replace(b"<svg", b"<svg onload=alert(1) ", 1)  # the signed file, its markup changed
    assert forged != blob
    kept.write_bytes(forged)
    assert stage.QrCodes(tmp_path, "0114").svg(URLS[0]) == first and drawn == [URLS[0], URLS[0]]
