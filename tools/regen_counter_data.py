"""Regenerate campaign/compose/counter_data.json from the reference JavaScript libraries.

    python tools/regen_counter_data.py

Installs npm ``twitter-text@3.1.0`` and ``@atproto/api`` into the node cache the
tests use (``$CAMPAIGN_NODE_CACHE``, default ``~/.cache/campaign-node``), dumps
twitter-text's own regular expressions (URL extraction, ASCII domains, t.co,
invalid characters), twemoji-parser's emoji regex (the emoji data
``parseTweet`` uses), the weight config and the ``tlds`` list Bluesky's
``RichText`` checks bare domains against, and writes them twice:

- ``js``: the sources as they are, for the page's counter (count.js gets them
  inlined by campaign/site/assets.py);
- ``py``: the same expressions translated for Python's ``regex`` module,
  matching UTF-16 code units (the Python counter runs them on a string of
  code units) with JavaScript's semantics: ``.``, ``$``, ``\\s``, ``\\w``,
  ``\\b`` as JavaScript defines them and case-insensitive classes expanded by
  JavaScript's own Canonicalize (toUpperCase, never non-ASCII to ASCII).

The output is deterministic; review its diff like a golden file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from campaign.compose.alternation import factored  # noqa: E402 (the repository's own, from ROOT)

RE_ENGINE = ("extractUrl", "validAsciiDomain")  # run on ``re``, their TLD lists as tries (campaign/compose/xtext.py)
OUT = ROOT / "campaign" / "compose" / "counter_data.json"
PACKAGES = ("twitter-text@3.1.0", "@atproto/api@0.19.19", "tlds@1.261.0")

JS_SPACE = [(0x09, 0x0D), (0x20, 0x20), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029)]
JS_SPACE += [(0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000), (0xFEFF, 0xFEFF)]
JS_WORD = [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]
JS_DIGIT = [(0x30, 0x39)]
LINE_TERMINATORS = [(0x0A, 0x0A), (0x0D, 0x0D), (0x2028, 0x2029)]


def node_modules() -> Path:
    cache = Path(os.environ.get("CAMPAIGN_NODE_CACHE", Path.home() / ".cache" / "campaign-node"))
    cache.mkdir(parents=True, exist_ok=True)
    if not (cache / "package.json").exists():
        (cache / "package.json").write_text('{"name": "campaign-node-cache", "private": true}\n', encoding="utf-8")
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", *PACKAGES], cwd=cache, check=True, capture_output=True)
    return cache / "node_modules"


def invert(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, at = [], 0
    for lo, hi in merge(ranges):
        if lo > at:
            out.append((at, lo - 1))
        at = hi + 1
    if at <= 0xFFFF:
        out.append((at, 0xFFFF))
    return out


def merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def ranges_of(units: set[int]) -> list[tuple[int, int]]:
    return merge([(u, u) for u in units])


class CaseFold:
    """JavaScript's non-unicode case-insensitive equivalence: units with the same Canonicalize."""

    def __init__(self, canon: dict[str, int]) -> None:
        self.canon = {int(k): v for k, v in canon.items()}
        self.members: dict[int, set[int]] = {}
        for c in range(0x10000):
            self.members.setdefault(self.canon.get(c, c), set()).add(c)

    def close(self, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
        found: set[int] = set()
        for lo, hi in ranges:
            for c in range(lo, hi + 1):
                found |= self.members[self.canon.get(c, c)]
        return ranges_of(found)


def esc(c: int) -> str:
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def char_class(ranges: list[tuple[int, int]], negate: bool = False) -> str:
    ranges = merge(ranges)
    if not negate and len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return esc(ranges[0][0])
    body = "".join(esc(lo) if lo == hi else f"{esc(lo)}-{esc(hi)}" for lo, hi in ranges)
    return f"[{'^' if negate else ''}{body}]"


class Translator:
    """A JavaScript (non-unicode) regular expression, as the ``regex`` module spells it for UTF-16 code units."""

    def __init__(self, units: list[int], flags: str, fold: CaseFold) -> None:
        self.s = units
        self.i = 0
        self.ignore_case = "i" in flags
        self.multiline = "m" in flags
        self.fold = fold

    def peek(self, k: int = 0) -> int | None:
        return self.s[self.i + k] if self.i + k < len(self.s) else None

    def take(self) -> int:
        c = self.s[self.i]
        self.i += 1
        return c

    def ch(self, k: int = 0) -> str:
        c = self.peek(k)
        return "" if c is None else chr(c)

    def translate(self) -> str:
        out = []
        while self.i < len(self.s):
            out.append(self.atom())
        return "".join(out)

    def hexdigits(self, n: int) -> int:
        value = int("".join(chr(self.take()) for _ in range(n)), 16)
        return value

    def escape_unit(self) -> int | list[tuple[int, int]] | str:
        """After a backslash: a code unit, a class's ranges, or an assertion's Python text."""
        c = chr(self.take())
        simple = {"n": 0x0A, "r": 0x0D, "t": 0x09, "v": 0x0B, "f": 0x0C, "0": 0x00}
        if c in simple and not (c == "0" and self.ch().isdigit()):
            return simple[c]
        if c == "u":
            return self.hexdigits(4)
        if c == "x":
            return self.hexdigits(2)
        if c == "c":
            return self.take() % 32
        if c in "dDsSwW":
            base = {"d": JS_DIGIT, "s": JS_SPACE, "w": JS_WORD}[c.lower()]
            return invert(base) if c.isupper() else list(base)
        if c in "bB":
            return c
        if c.isdigit():
            raise ValueError("back references are not supported")
        return ord(c)  # an identity escape: \/ \. \- \$ ...

    def literal(self, unit: int) -> str:
        ranges = [(unit, unit)]
        if self.ignore_case:
            ranges = self.fold.close(ranges)
        return char_class(ranges)

    def klass(self) -> str:
        negate = False
        if self.ch() == "^":
            self.take()
            negate = True
        ranges: list[tuple[int, int]] = []
        first = True
        while first or self.ch() != "]":
            first = False
            item = self.class_item()
            if isinstance(item, list):
                ranges += item
                continue
            if self.ch() == "-" and self.ch(1) not in ("]", ""):
                self.take()
                hi = self.class_item()
                if isinstance(hi, list):
                    raise ValueError("a range ending in a class escape")
                ranges.append((item, hi))
            else:
                ranges.append((item, item))
        self.take()  # ]
        if self.ignore_case:
            ranges = self.fold.close(ranges)
        if not ranges:
            return "(?!)" if not negate else "[\\x00-\\uffff]"
        return char_class(ranges, negate)

    def class_item(self) -> int | list[tuple[int, int]]:
        c = self.take()
        if c != ord("\\"):
            return c
        if self.ch() == "b":
            self.take()
            return 0x08
        item = self.escape_unit()
        if isinstance(item, str):
            raise ValueError("an assertion inside a class")
        return item

    def atom(self) -> str:
        c = chr(self.take())
        if c == "\\":
            item = self.escape_unit()
            if item == "b":
                return WORD_BOUNDARY
            if item == "B":
                return NOT_WORD_BOUNDARY
            if isinstance(item, list):
                if self.ignore_case:
                    item = self.fold.close(item)
                return char_class(item)
            assert isinstance(item, int)
            return self.literal(item)
        if c == "[":
            return self.klass()
        if c == ".":
            return char_class(LINE_TERMINATORS, negate=True)
        if c == "^":
            return "(?<![^\\n\\r\\u2028\\u2029])" if self.multiline else "\\A"
        if c == "$":
            return "(?![^\\n\\r\\u2028\\u2029])" if self.multiline else "\\Z"
        if c == "(":
            if self.ch() == "?":
                self.take()
                kind = chr(self.take())
                if kind == "<" and self.ch() not in ("=", "!"):
                    name = ""
                    while self.ch() != ">":
                        name += chr(self.take())
                    self.take()
                    return f"(?P<{name}>"
                if kind == "<":
                    return "(?<" + chr(self.take())
                return "(?" + kind
            return "("
        if c in ")|*+?":
            return c
        if c == "{":
            text = "{"
            while self.ch() != "}":
                text += chr(self.take())
            self.take()
            return text + "}"
        return self.literal(ord(c))


WORD = "[0-9A-Z_a-z]"
WORD_BOUNDARY = f"(?:(?<={WORD})(?!{WORD})|(?<!{WORD})(?={WORD}))"
NOT_WORD_BOUNDARY = f"(?:(?<={WORD})(?={WORD})|(?<!{WORD})(?!{WORD}))"


def main() -> int:
    modules = node_modules()
    env = {**os.environ, "NODE_PATH": str(modules)}
    done = subprocess.run(
        ["node", str(ROOT / "tools" / "dump_reference.cjs")], capture_output=True, text=True, env=env, check=True
    )
    dump = json.loads(done.stdout)
    fold = CaseFold(dump["canon"])
    js: dict[str, list[str]] = {}
    py: dict[str, str] = {}
    for name, spec in dump["regex"].items():
        units = spec["units"]
        # One str character per code unit (lone surrogates too): written as \\uXXXX escapes, JSON.parse
        # gives back the source exactly as JavaScript held it.
        js[name] = ["".join(map(chr, units)), spec["flags"]]
        py[name] = Translator(units, spec["flags"], fold).translate()
    data = {
        "about": "Generated by tools/regen_counter_data.py from npm packages; do not edit.",
        "versions": dump["versions"],
        "config": dump["config"],
        "js": js,
        "py": py,
        "py_re": {name: factored(py[name]) for name in RE_ENGINE},
        "atproto": dump["atproto"],
    }
    OUT.write_text(json.dumps(data, ensure_ascii=True, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(
        f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes) from {', '.join(f'{k} {v}' for k, v in dump['versions'].items())}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
