"""Handles and stable ids per platform: what each platform accepts, and which
platforms mention people in text.

The syntax rules follow each platform's own definition: X's screen names
(1-15 of ``A-Z a-z 0-9 _``), atproto's handle syntax (a DNS name), Mastodon's
``user@instance`` account URI, Instagram's usernames (Threads uses the same
name). Facebook and LinkedIn have no text mentions (their APIs need
structured references), so a politician is named there, not tagged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

MENTION_PLATFORMS = ("x", "bluesky", "mastodon", "threads", "instagram")  # "@handle" in the text links the person
NAMED_PLATFORMS = ("linkedin", "facebook")  # plain "@Name" is not a mention there: write the name
PLATFORM_NAMES = {
    "x": "X",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "threads": "Threads",
    "linkedin": "LinkedIn",
    "facebook": "Facebook",
    "instagram": "Instagram",
}

# RFC 2606 / RFC 6761: names that can never reach a real account.
RESERVED_TLDS = ("example", "test", "invalid", "localhost")
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"(?:{_LABEL}\.)+[a-z](?:[a-z0-9-]{{0,61}}[a-z0-9])?")
_X = re.compile(r"[A-Za-z0-9_]{1,15}")
_INSTAGRAM = re.compile(r"(?!.*\.\.)(?!\.)[a-z0-9._]{1,30}(?<!\.)")
_MASTODON_USER = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")
_FACEBOOK = re.compile(r"[A-Za-z0-9.]{5,50}")
_LINKEDIN = re.compile(r"[A-Za-z0-9\u00c0-\u024f-]{3,100}")
_DID = re.compile(r"did:plc:[a-z2-7]{24}|did:web:[a-z0-9.-]+")
_DIGITS = re.compile(r"[0-9]{1,20}")
_GENERIC_ID = re.compile(r"[^\s]{1,200}")


def is_domain(text: str) -> bool:
    """A DNS name of at least two labels whose last label does not start with a digit (atproto's rule)."""
    return len(text) <= 253 and _DOMAIN.fullmatch(text) is not None


def is_reserved_domain(domain: str) -> bool:
    """True for names under a reserved example/test top-level domain or example.com/.net/.org."""
    domain = domain.lower()
    last = domain.rsplit(".", 1)[-1]
    return last in RESERVED_TLDS or any(domain == d or domain.endswith("." + d) for d in RESERVED_DOMAINS)


@dataclass(frozen=True)
class Rule:
    """How one platform writes a handle: normaliser, test, and what to say when it fails."""

    normalise: Callable[[str], str]
    valid: Callable[[str], bool]
    expected: str
    id_valid: Callable[[str], bool]
    id_expected: str


def _strip_at(text: str) -> str:
    return text.strip().removeprefix("@")


def _mastodon_ok(text: str) -> bool:
    user, at, instance = text.partition("@")
    return bool(at) and _MASTODON_USER.fullmatch(user) is not None and len(user) <= 30 and is_domain(instance)


def _mastodon_normalise(text: str) -> str:
    user, at, instance = _strip_at(text).partition("@")
    return f"{user}{at}{instance.lower()}"


RULES: dict[str, Rule] = {
    "x": Rule(
        _strip_at,
        lambda h: _X.fullmatch(h) is not None,
        "an X handle: 1-15 of A-Z a-z 0-9 _ (such as 'anna_s')",
        lambda i: _DIGITS.fullmatch(i) is not None,
        "an X user id: digits only (such as '783214')",
    ),
    "bluesky": Rule(
        lambda h: _strip_at(h).lower(),
        is_domain,
        "a Bluesky handle: a domain name such as 'anna.bsky.social'",
        lambda i: _DID.fullmatch(i) is not None,
        "a Bluesky DID: 'did:plc:' and 24 of a-z 2-7, or 'did:web:' and a domain",
    ),
    "mastodon": Rule(
        _mastodon_normalise,
        _mastodon_ok,
        "a Mastodon handle user@instance (such as 'anna@mastodon.social')",
        lambda i: _DIGITS.fullmatch(i) is not None,
        "a Mastodon account id: digits only",
    ),
    "threads": Rule(
        lambda h: _strip_at(h).lower(),
        lambda h: _INSTAGRAM.fullmatch(h) is not None,
        "a Threads username: 1-30 of a-z 0-9 . _, not starting or ending with '.', no '..'",
        lambda i: _DIGITS.fullmatch(i) is not None,
        "a Threads user id: digits only",
    ),
    "instagram": Rule(
        lambda h: _strip_at(h).lower(),
        lambda h: _INSTAGRAM.fullmatch(h) is not None,
        "an Instagram username: 1-30 of a-z 0-9 . _, not starting or ending with '.', no '..'",
        lambda i: _DIGITS.fullmatch(i) is not None,
        "an Instagram user id: digits only",
    ),
    "facebook": Rule(
        _strip_at,
        lambda h: _FACEBOOK.fullmatch(h) is not None,
        "a Facebook username: 5-50 of A-Z a-z 0-9 . (the part after facebook.com/)",
        lambda i: _DIGITS.fullmatch(i) is not None,
        "a Facebook profile or page id: digits only",
    ),
    "linkedin": Rule(
        _strip_at,
        lambda h: _LINKEDIN.fullmatch(h) is not None,
        "a LinkedIn profile name: 3-100 letters, digits or '-' (the part after linkedin.com/in/)",
        lambda i: _GENERIC_ID.fullmatch(i) is not None and i.startswith("urn:li:"),
        "a LinkedIn member URN such as 'urn:li:person:…'",
    ),
}


def handle_problem(platform: str, handle: str) -> tuple[str, str | None]:
    """(the handle normalised, None) or (the handle as given, what was expected)."""
    rule = RULES[platform]
    normal = rule.normalise(handle)
    if rule.valid(normal):
        return normal, None
    return handle, f"expected {rule.expected}, got {handle!r}"


def id_problem(platform: str, ident: str) -> str | None:
    """None when ``ident`` is a valid stable id on the platform, else what was expected."""
    rule = RULES[platform]
    return None if rule.id_valid(ident) else f"expected {rule.id_expected}, got {ident!r}"


def handle_domain(platform: str, handle: str) -> str | None:
    """The DNS name inside a handle (Bluesky: the handle; Mastodon: the instance)."""
    if platform == "bluesky":
        return handle
    if platform == "mastodon":
        return handle.partition("@")[2]
    return None


def example_problem(platform: str, handle: str, ident: str | None) -> str | None:
    """Why an example entry may not carry this handle (None when it may).

    Example entries only show the format, so their handles must not reach anyone:
    Bluesky and Mastodon handles on reserved example domains, and none on the
    platforms where any invented name may belong to a real account.
    """
    domain = handle_domain(platform, handle)
    name = PLATFORM_NAMES[platform]
    if domain is None:
        return (
            f"an example entry must not have a {name} handle: an invented {name} name may belong to a real "
            "account; use Bluesky or Mastodon handles on a reserved domain (anna.example.org, anna@mastodon.example)"
        )
    if not is_reserved_domain(domain):
        return (
            f"an example entry's {name} handle must use a reserved domain (.example, example.org, example.com, "
            f"example.net), got {handle!r}"
        )
    if ident is not None and not (ident.startswith("did:web:") and is_reserved_domain(ident.removeprefix("did:web:"))):
        return f"an example entry must not carry a {name} id that may belong to a real account: remove {ident!r}"
    return None
