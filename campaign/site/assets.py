"""The page's own CSS and JS, copied into build/static/ with the campaign's theme.

count.js gets the full list of top-level domains from twitter-text, the
library the composer counts with, so that the browser's X counter takes the
same bare domains ("example.se") for links.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import resources
from pathlib import Path

from campaign.model import Campaign

STATIC_FILES = ("page.css", "count.js", "page.js")
GENERATED = ("theme.css",)


def static_version(root: Path) -> str:
    """A short content hash of the static files, appended to their URLs to bust caches."""
    digest = hashlib.sha256()
    for name in (*STATIC_FILES, *GENERATED):
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:10]


def theme_css(campaign: Campaign) -> str:
    """The campaign's colours as CSS custom properties (validated #RRGGBB values)."""
    theme = campaign.settings.theme
    pairs = {"bg": theme.background, "fg": theme.foreground, "accent": theme.accent, "accent-text": theme.accent_text}
    return ":root { " + " ".join(f"--{k}: {v};" for k, v in pairs.items() if re.fullmatch(r"#[0-9a-fA-F]{6}", v)) + " }\n"


def twitter_tlds() -> list[str]:
    """The ASCII top-level domains twitter-text knows (a bare domain counts as a link only with one)."""
    try:
        from twitter_text.regexp.valid_cctld import valid_cctld
        from twitter_text.regexp.valid_gtld import valid_gtld
    except ImportError:
        return []
    names: set[str] = set()
    for pattern in (valid_gtld.pattern, valid_cctld.pattern):
        body = pattern.removeprefix("(?:(?:").split(")(?=")[0]
        names.update(n for n in body.split("|") if re.fullmatch(r"[a-z0-9-]+", n))
    return sorted(names, key=lambda n: (-len(n), n))


def with_tlds(script: str) -> str:
    """count.js with the full TLD list in place of its short default."""
    tlds = twitter_tlds()
    if not tlds:
        return script
    return re.sub(r"/\*tlds\*/.*?/\*end\*/", lambda _m: json.dumps("|".join(tlds)), script, count=1)


def minified(name: str, source: str) -> str:
    """The script or style sheet minified (rjsmin, rcssmin: comments and spacing go, the code stays)."""
    if name.endswith(".js"):
        import rjsmin

        return str(rjsmin.jsmin(source)) + "\n"
    import rcssmin

    return str(rcssmin.cssmin(source)) + "\n"


def copy_static(out: Path, campaign: Campaign) -> str:
    """Copy the page's CSS and JS into build/static/ with the theme; return their version hash."""
    target = out / "static"
    target.mkdir(parents=True, exist_ok=True)
    source = resources.files("campaign.site") / "static"
    for name in STATIC_FILES:
        text = (source / name).read_text(encoding="utf-8")
        (target / name).write_text(minified(name, with_tlds(text) if name == "count.js" else text), encoding="utf-8")
    (target / "theme.css").write_text(theme_css(campaign), encoding="utf-8")
    return static_version(target)
