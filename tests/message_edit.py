"""Tests write their own text into one message of a campaign copy.

So a test pins the behaviour it is about, not the default bank's wording: the bank
may be reworded (it was, to name the area in local posts) without breaking them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path


def set_message_text(root: Path, message_id: str, text: str, file: str = "messages.yaml") -> None:
    """Replace the one-line `text:` of message `message_id` in `root/messages/file` with `text`."""
    path = root / "messages" / file
    source = path.read_text(encoding="utf-8")
    start = source.index(f"  - id: {message_id}\n")  # ValueError names a missing message
    end = source.find("\n  - id: ", start + 1)
    end = len(source) if end == -1 else end
    block = source[start:end]
    # A JSON string is a valid YAML double-quoted scalar: quotes and backslashes are escaped.
    quoted = json.dumps(text, ensure_ascii=False)
    new_block, found = re.subn(r"(?m)^    text: .*$", lambda _: f"    text: {quoted}", block, count=1)
    assert found == 1, f"message {message_id!r} in {file} has no one-line text:"
    path.write_text(source[:start] + new_block + source[end:], encoding="utf-8")
