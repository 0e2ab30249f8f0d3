"""Regular expressions compiled once per user and Python, not once per run.

twitter-text's two URL expressions hold every TLD (80 kB of pattern each): ``re`` takes about 0.13 s to
parse them and generate their engine code, in every build that counts an X post, an edit's build
included, while handing that code to the engine takes a tenth of a millisecond. So the code is kept: the
steps are ``re.compile``'s own (``re._compiler.compile``: parse, generate, then ``_sre.compile`` with the
pattern's flags and groups), and what they hand the engine is pickled, signed with this user's key
(``campaign.signed``), in the user's own cache folder, keyed by the pattern and by the Python build
(``sys.version`` and the engine's ``MAGIC``, whose code changes between versions). The engine checks
the code it is handed; a file that is not this user's, or that the engine refuses, or a Python whose
``re`` has other internals, only means compiling as ``re.compile`` does.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import re
import sys
from pathlib import Path
from typing import Any

from campaign import signed

try:  # the steps re.compile takes; another Python may have other internals: then re.compile itself
    import _sre

    _compiler: Any = importlib.import_module("re._compiler")
    _parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - CPython has them
    _sre = None


def folder() -> Path:
    """The user's own folder for compiled expressions, beside the key that signs them."""
    return signed.key_path().parent / "expressions"


def _engine_args(pattern: str) -> tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]:
    """What ``re._compiler.compile`` hands ``_sre.compile`` for ``pattern`` (no flags): the pattern's
    flags, the engine's code, the number of groups, and their names both ways."""
    parsed = _parser.parse(pattern, 0)
    code = [int(op) for op in _compiler._code(parsed, 0)]  # plain ints: the named opcodes do not pickle
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def _path(pattern: str) -> Path:
    key = f"{sys.version}\0{getattr(_sre, 'MAGIC', '')}\0{getattr(_sre, 'CODESIZE', '')}\0{pattern}"
    return folder() / f"{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}.pickle"


def compile_kept(pattern: str) -> re.Pattern[str]:
    """``re.compile(pattern)``, its engine code kept from the last run of this user and Python."""
    if _sre is None:  # pragma: no cover
        return re.compile(pattern)
    path = _path(pattern)
    kept: Any = signed.read(path)
    if isinstance(kept, tuple) and len(kept) == 5:
        with contextlib.suppress(TypeError, ValueError, RuntimeError, OverflowError):
            compiled: re.Pattern[str] = _sre.compile(pattern, *kept)
            return compiled
    try:
        args = _engine_args(pattern)
        made: re.Pattern[str] = _sre.compile(pattern, *args)
    except (AttributeError, TypeError):  # pragma: no cover - a Python whose re has other internals
        return re.compile(pattern)
    with contextlib.suppress(OSError):  # no cache can be written: compiled again next time
        folder().mkdir(mode=0o700, parents=True, exist_ok=True)
        signed.save(path, args)
    return made
