"""Small campaigns written to a temporary folder for the publishing tests."""

from __future__ import annotations

from pathlib import Path

import yaml

CAMPAIGN = {
    "name": "Testkampanj",
    "organisation": "Testfacket",
    "language": "sv",
    "timezone": "Europe/Stockholm",
    "launch_date": "2026-02-04",
    "base_url": "https://kampanj.example.org/test/",
}


def write_campaign(
    root: Path,
    messages: list[dict],
    accounts: list[dict],
    plan: object,
    *,
    extra: dict | None = None,
    plan_text: str | None = None,
) -> Path:
    """A campaign with the given messages, accounts and plan (plain YAML data, or the plan file's text)."""
    folder = root / "messages"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump({"campaign": CAMPAIGN, **(extra or {})}, allow_unicode=True), encoding="utf-8"
    )
    (folder / "messages.yaml").write_text(
        yaml.safe_dump({"messages": messages}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    (folder / "links.yaml").write_text(
        yaml.safe_dump({"links": [{"id": "rapport", "url": "https://kampanj.example.org/rapport", "title": "Rapporten"}]}),
        encoding="utf-8",
    )
    text = (
        plan_text
        if plan_text is not None
        else yaml.safe_dump({"accounts": accounts, "plan": plan}, allow_unicode=True, sort_keys=False)
    )
    (folder / "plan.yaml").write_text(text, encoding="utf-8")
    return root


def numbered_messages(n: int) -> list[dict]:
    """``n`` short messages with distinct texts (X refuses repeated text)."""
    return [
        {"id": f"m{i:03d}", "kind": "short", "text": f"Inlägg nummer {i} av {n}: socialtjänsten behöver resurser."}
        for i in range(1, n + 1)
    ]
