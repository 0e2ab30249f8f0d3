"""Publishers: one per platform, behind one interface (``base.Publisher``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from campaign.publish.accounts import credentials
from campaign.publish.model import Account
from campaign.publish.publishers.base import Publisher, Recorder, credentials_id


def make_publisher(account: Account, env: Mapping[str, str], work_dir: Path | None = None, language: str = "sv") -> Publisher:
    """The publisher for ``account``, its credentials read from ``env``; posts are marked as ``language``."""
    secrets = credentials(account, env)
    publisher = _make(account, secrets, work_dir, language)
    publisher.credentials_id = credentials_id(account, secrets)
    return publisher


def _make(account: Account, secrets: dict[str, str], work_dir: Path | None, language: str) -> Publisher:
    # Lazy: each publisher loads its platform's client library (tweepy, atproto, …) only when that platform posts.
    if account.platform == "x":
        from campaign.publish.publishers.x import XPublisher

        return XPublisher(account, secrets)
    if account.platform == "bluesky":
        from campaign.publish.publishers.bluesky import BlueskyPublisher

        return BlueskyPublisher(account, secrets, session_dir=work_dir, language=language)
    if account.platform == "mastodon":
        from campaign.publish.publishers.mastodon import MastodonPublisher

        return MastodonPublisher(account, secrets, language=language)
    if account.platform == "threads":
        from campaign.publish.publishers.threads import ThreadsPublisher

        return ThreadsPublisher(account, secrets)
    if account.platform == "facebook":
        from campaign.publish.publishers.facebook import FacebookPublisher

        return FacebookPublisher(account, secrets)
    if account.platform == "instagram":
        from campaign.publish.publishers.instagram import InstagramPublisher

        return InstagramPublisher(account, secrets)
    if account.platform == "linkedin":
        from campaign.publish.publishers.linkedin import LinkedInPublisher

        return LinkedInPublisher(account, secrets)
    raise ValueError(f"no publisher for platform {account.platform!r}")


__all__ = ["Publisher", "Recorder", "make_publisher"]
