"""What may go into a page as it is: JSON inside a <script>, and URLs that may become links.

Below ``render`` and ``kit`` (the pages and the printable kit both use it), so neither imports the other
for it.
"""

from __future__ import annotations

import json
from typing import Any

_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # one, not one per call


def json_for_script(data: Any) -> str:
    """JSON that is safe inside a <script> element and a .js file."""
    text = _ENCODER.encode(data)
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def safe_url(url: str | None) -> str:
    """Only http(s) URLs become links; validation already refuses others, this is the last guard."""
    if url and url.lower().startswith(("https://", "http://")):
        return url
    return ""
