"""The page's own CSS and JS, copied into build/static/ with the campaign's theme.

count.js gets twitter-text's own expressions and weights from
campaign/compose/counter_data.json (the data the composer counts with) and
the platform table's rules, so that the browser counts exactly as the
composer and X's library do.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from importlib import resources
from pathlib import Path

from campaign.model import Campaign

STATIC_FILES = ("page.css", "count.js", "page.js")
GENERATED = ("theme.css", "strings.js")  # the campaign's colours; page.js's UI text in the campaign's language


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


def count_script(script: str) -> str:
    """count.js with the counter data and the platform rules in place of its placeholders."""
    from campaign.compose.length import platform_rules
    from campaign.compose.xtext import data

    js = dict(data()["js"])
    # Sent once each, put back by count.js: the TLD lists that end both URL expressions, and the
    # character classes the URL expression repeats (some 15 KB less for the page).
    domain = js["validAsciiDomain"][0]
    shared = [domain[domain.index("\\.)+") + 4 :]]
    js = {name: source.replace(shared[0], "\u0001") for name, (source, _) in js.items()}
    classes = Counter(c for source in js.values() for c in re.findall(r"\[(?:\\.|[^\]\\])*\]", source))
    for cls, n in sorted(classes.items(), key=lambda kv: (-len(kv[0]) * kv[1], kv[0]))[:6]:
        if n >= 3 and len(cls) >= 100:
            shared.append(cls)
            js = {name: source.replace(cls, chr(len(shared))) for name, source in js.items()}
    flags = {name: f for name, (_, f) in data()["js"].items()}
    payload = {"config": data()["config"], "js": {name: [source, flags[name]] for name, source in js.items()}, "shared": shared}
    script = _fill(script, "counter-data", json.dumps(payload, ensure_ascii=True, sort_keys=True, separators=(",", ":")))
    return _fill(script, "platform-rules", json.dumps(platform_rules(), ensure_ascii=True, sort_keys=True, separators=(",", ":")))


def _fill(script: str, marker: str, value: str) -> str:
    start, end = f"/*{marker}*/", "/*end*/"
    at = script.index(start)
    stop = script.index(end, at)
    return script[:at] + value + script[stop + len(end) :]


def minified(name: str, source: str) -> str:
    """The script or style sheet minified (rjsmin, rcssmin: comments and spacing go, the code stays)."""
    if name.endswith(".js"):
        import rjsmin

        return str(rjsmin.jsmin(source)) + "\n"
    import rcssmin

    return str(rcssmin.cssmin(source)) + "\n"


def copy_static(out: Path, campaign: Campaign) -> str:
    """Copy the page's CSS and JS into build/static/ with the theme and the UI text; return their version hash."""
    target = out / "static"
    target.mkdir(parents=True, exist_ok=True)
    source = resources.files("campaign.site") / "static"
    for name in STATIC_FILES:
        text = (source / name).read_text(encoding="utf-8")
        # (count.js is filled first: its placeholders are comments, which minifying removes)
        (target / name).write_text(minified(name, count_script(text) if name == "count.js" else text), encoding="utf-8")
    (target / "theme.css").write_text(theme_css(campaign), encoding="utf-8")
    from campaign.site.render import strings_script  # (render's page.js scan, not needed to import this module)

    (target / "strings.js").write_text(strings_script(campaign), encoding="utf-8")
    return static_version(target)
