"""Pickles the build keeps between runs, signed with a key only this user has.

A build caches its composed posts in the campaign's own ``.cache`` folder, and
``pickle.loads`` runs whatever a pickle names. A campaign folder is shared (a
zip, a repository, a network drive), so a pickle found there is trusted only
when it carries an HMAC made with this user's key: a file from anyone else, or
changed by hand, is a cache miss and is made again. The key lives in the
user's own cache folder (``$XDG_CACHE_HOME/campaign/cache.key``, else
``~/.cache/campaign/cache.key``), readable by the user alone, never in the
campaign or the kit.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import hmac
import os
import pickle
import secrets
from pathlib import Path
from typing import Any

SIGNATURE = hashlib.sha256().digest_size  # bytes of HMAC-SHA256 in front of each pickle


def key_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "campaign" / "cache.key"


@functools.cache
def _key(path: Path) -> bytes:
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key)
    try:
        os.link(tmp, path)  # the first writer's key wins; a second process reads it
    except FileExistsError:
        key = path.read_bytes()
    finally:
        tmp.unlink(missing_ok=True)
    return key


def _sign(data: bytes) -> bytes:
    return hmac.new(_key(key_path()), data, hashlib.sha256).digest()


def dumps(value: Any) -> bytes:
    """``value`` pickled, with this user's signature in front."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _sign(data) + data


def loads(blob: bytes) -> Any:
    """The value of a blob ``dumps`` made with this user's key; ``ValueError`` for any other, unread."""
    return unpickled(verified(blob))


def unpickled(data: bytes) -> Any:
    """``pickle.loads(data)`` (of a pickle ``verified`` has let through) with the garbage collector waiting:
    a cache file holds up to a million new objects, none of them garbage, and each few hundred would
    otherwise start a collection that looks at all of them (a third of the time of reading an edit's
    columns)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)
    finally:
        if enabled:
            gc.enable()


def verified(blob: bytes) -> bytes:
    """The pickle inside a blob ``dumps`` made with this user's key (to unpickle later, when it is needed);
    ``ValueError`` for any other."""
    signature, data = blob[:SIGNATURE], blob[SIGNATURE:]
    if len(signature) != SIGNATURE or not hmac.compare_digest(signature, _sign(data)):
        raise ValueError("not signed with this user's cache key")
    return data


def save(path: Path, value: Any) -> None:
    """``dumps(value)`` written to ``path`` whole or not at all (a temporary file beside it, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(dumps(value))
    os.replace(tmp, path)


_UNREADABLE = (OSError, ValueError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError)


def read(path: Path) -> Any | None:
    """The value ``save`` wrote to ``path``; None when there is none, or it is not this user's, or it no
    longer unpickles (made by another version of the program): the caller then makes it again."""
    try:
        return loads(path.read_bytes())
    except _UNREADABLE:
        return None
