"""Which files a campaign folder's messages are: a module of its own, so that the build record
(``campaign.manifest``) can list them without loading the library; ``campaign.loader`` reads them."""

from __future__ import annotations

from pathlib import Path

from campaign.errors import CampaignError

MESSAGES_DIR = "messages"
MAX_FILES = 200


class NoCampaign(CampaignError):
    """The folder holds no campaign."""


def campaign_files(root: Path) -> list[Path]:
    """The YAML files of a campaign, sorted so that loading is deterministic."""
    folder = root / MESSAGES_DIR
    if not folder.is_dir():
        raise NoCampaign(f"{root}: no {MESSAGES_DIR}/ folder here; is this a campaign? (`campaign init {root}` makes one)")
    # Hidden files are editors' and systems' own (macOS "._name.yaml", Emacs ".#name.yaml"), never the campaign's.
    files = sorted(
        p
        for p in folder.iterdir()
        if p.suffix in (".yaml", ".yml") and not p.name.startswith(".") and (p.is_file() or p.is_symlink())
    )
    if not files:
        raise NoCampaign(f"{folder}: no .yaml files; a campaign needs at least campaign: and messages: sections")
    if len(files) > MAX_FILES:
        raise NoCampaign(f"{folder}: {len(files)} YAML files; at most {MAX_FILES}")
    return files
