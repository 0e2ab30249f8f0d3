"""`campaign serve`: a real server on 127.0.0.1 that rebuilds when the campaign changes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from campaign.errors import CampaignInvalid
from campaign.scaffold import scaffold
from campaign.site.serve import Preview, snapshot
from tests.page_kit import REPO


def copy_campaign(tmp: Path) -> Path:
    """A small campaign (the one `campaign init` writes): every build covers all 290 kommuner, so keep it short."""
    root = tmp / "kampanj"
    scaffold(root)
    return root


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def touch_later(path: Path, text: str) -> None:
    """Write so that the change is visible even on a coarse file-time clock."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def test_preview_serves_and_rebuilds_on_change(tmp_path: Path) -> None:
    root = copy_campaign(tmp_path)
    events: list[tuple[str, Any]] = []
    preview = Preview(root, tmp_path / "build", port=0, interval=3600, on_event=lambda k, d: events.append((k, d))).start()
    try:
        assert preview.url.startswith("http://127.0.0.1:")
        assert preview.server.server_address[0] == "127.0.0.1"
        assert "<title>Min kampanj</title>" in fetch(preview.url)
        assert fetch(preview.url + "kit.md").startswith("# Min kampanj")
        assert not preview.rebuild_if_changed()  # nothing changed: no rebuild

        settings = root / "messages" / "campaign.yaml"
        touch_later(settings, settings.read_text(encoding="utf-8").replace("name: Min kampanj", "name: Min kampanj nu"))
        assert preview.rebuild_if_changed()
        assert "<title>Min kampanj nu</title>" in fetch(preview.url)

        # A broken campaign is reported, and the last good build stays served.
        good = settings.read_text(encoding="utf-8")
        touch_later(settings, good.replace("language: sv", "language: sv\n  langauge: en"))
        assert preview.rebuild_if_changed()
        kind, problems = events[-1]
        assert kind == "invalid" and any("langauge" in p.format() for p in problems)
        assert "<title>Min kampanj nu</title>" in fetch(preview.url)
    finally:
        preview.close()
    assert [k for k, _ in events] == ["built", "built", "invalid"]


def test_watcher_thread_rebuilds_by_itself(tmp_path: Path) -> None:
    root = copy_campaign(tmp_path)
    preview = Preview(root, tmp_path / "build", port=0, interval=0.05).start()
    try:
        settings = root / "messages" / "campaign.yaml"
        touch_later(settings, settings.read_text(encoding="utf-8").replace("name: Min kampanj", "name: Bevakad"))
        deadline = time.monotonic() + 60  # a generous bound, not a speed check
        while "<title>Bevakad</title>" not in fetch(preview.url) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "<title>Bevakad</title>" in fetch(preview.url)
    finally:
        preview.close()


def test_an_invalid_campaign_is_not_served(tmp_path: Path) -> None:
    root = copy_campaign(tmp_path)
    (root / "messages" / "campaign.yaml").write_text("campaign: [\n", encoding="utf-8")
    with pytest.raises(CampaignInvalid):
        Preview(root, tmp_path / "build", port=0)


def test_snapshot_sees_files_in_messages_and_assets(tmp_path: Path) -> None:
    root = copy_campaign(tmp_path)
    names = [name for name, _, _ in snapshot(root)]
    assert "messages/campaign.yaml" in names and names == sorted(names)
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets" / "logo.png").write_bytes(b"png")
    assert "assets/logo.png" in [name for name, _, _ in snapshot(root)]


def test_campaign_serve_command(tmp_path: Path) -> None:
    root = copy_campaign(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "campaign", "serve", str(root), "--port", "0", "--out", str(tmp_path / "build")],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        for line in process.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if line.startswith("serving "):
                break
        assert lines[0].startswith("built ") and "page: index.html" in lines[0]
        url = lines[-1].split()[1]
        assert url.startswith("http://127.0.0.1:") and "Min kampanj" in fetch(url)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_busy_port_is_a_clear_error(tmp_path: Path, cli: Any) -> None:
    import socket

    root = copy_campaign(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("serve", str(root), "--port", str(port), "--out", str(tmp_path / "build"))
    assert result.code == 1
    assert result.err.startswith(
        f"error: cannot listen on 127.0.0.1:{port} (Address already in use); choose another port with --port"
    )
