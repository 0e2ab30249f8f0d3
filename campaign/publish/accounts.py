"""Accounts from the campaign, and their credentials from the environment.

Credentials are read only from environment variables, or from a ``.env`` file
in the campaign folder (gitignored, and never copied by the build). They live
in memory for the duration of a run: never printed, logged, or written to the
queue. An error names the missing variable, never a value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from campaign.model import Campaign
from campaign.publish.errors import MissingCredentials
from campaign.publish.model import Account
from campaign.publish.platforms import DEFAULT_ENDPOINTS

ENV_FILE = ".env"


def accounts(campaign: Campaign) -> dict[str, Account]:
    """The campaign's accounts by id, endpoints filled in."""
    out: dict[str, Account] = {}
    for data in campaign.extra.get("accounts") or []:
        endpoint = (data["endpoint"] or DEFAULT_ENDPOINTS[data["platform"]] or "").rstrip("/")
        out[data["id"]] = Account(
            data["id"],
            data["platform"],
            endpoint,
            data["handle"],
            dict(sorted(data["env"].items())),
            data.get("max_characters"),
            data.get("profile_id") or ("me" if data["platform"] == "threads" else None),
        )
    return out


def read_env_file(path: Path) -> dict[str, str]:
    """The variables of a .env file, read by python-dotenv itself (the format people write for it):
    ``# comments`` after an unquoted value, quotes, ``export`` and escapes as there; a name
    without a value is left out. Values are not interpolated (a secret may hold "$")."""
    if not path.is_file():
        return {}
    from dotenv import dotenv_values  # deferred: only a campaign with a .env file needs the parser

    values = dotenv_values(path, interpolate=False, encoding="utf-8")
    return {name: value for name, value in values.items() if value is not None}


def environment(root: Path, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables credentials come from: the process environment over the campaign's .env."""
    merged = read_env_file(root / ENV_FILE)
    merged.update(os.environ if env is None else env)
    return merged


def credentials(account: Account, env: Mapping[str, str]) -> dict[str, str]:
    """The account's credentials; MissingCredentials names every variable that is unset."""
    names = account.env_names()
    missing = [name for name in names.values() if not env.get(name)]
    if missing:
        raise MissingCredentials(
            f"account {account.id!r} ({account.platform}): set the environment variable"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} (or put {'them' if len(missing) > 1 else 'it'} in the campaign's {ENV_FILE})"
        )
    return {credential: env[name] for credential, name in names.items()}
