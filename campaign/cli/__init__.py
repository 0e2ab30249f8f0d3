"""The `campaign` command's entry point.

The command modules (``campaign.cli.commands`` and the modules it registers) load
the whole library; ``main`` loads them only when the command needs them. A
plain `campaign build` line needs neither them nor the app (typer):
``campaign.cli.plain`` runs it, and a kit kept as it is (nothing changed since
the last build) needs only the build record (``campaign.cli.kept``). Any other
command line goes to the app.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any


def main() -> None:
    """Console entry point."""
    from campaign.cli.plain import plain_build  # why here: the whole package is loaded only when a command needs it

    if plain_build(sys.argv[1:]):
        return
    from campaign.cli.commands import run  # why here: the app imports every command module, and through them the library

    run()


def __getattr__(name: str) -> Any:
    """``campaign.cli.commands``'s names (``app``) and the command modules, loaded on first use."""
    if name.startswith("__"):
        raise AttributeError(name)
    try:
        return importlib.import_module(f"campaign.cli.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"campaign.cli.{name}":
            raise
    app = importlib.import_module("campaign.cli.commands")
    try:
        return getattr(app, name)
    except AttributeError:
        raise AttributeError(f"module 'campaign.cli' has no attribute {name!r}") from None
