"""twitter-text's URL expressions run on ``re`` (compile time): they match as on ``regex``, the engine the
translation was written for, over the differential tests' texts and the bench's kind of link lines."""

from __future__ import annotations

import re
import unicodedata

import regex

from campaign.compose import xtext
from tests.test_counters_mastodon import generate as mastodon_texts
from tests.test_counters_node import generate as node_texts

LINKS = [
    "\nhttps://kampanj.example.org/rapport/socialsekreterarna-2019?utm_source=x&utm_medium=social&utm_campaign=a-2026",
    "Läs mer på www.vision.se/aktuellt. Eller https://t.co/abc?x=1, xn--4ca.se och foo.co.uk).",
    "HTTPS://EXAMPLE.COM/väg?a=1#b exempel.شبكة, 例え.テスト/パス och https://ελλάδα.ελ.",
]


def _all_matches(pattern: regex.Pattern[str] | re.Pattern[str], units: str) -> list[tuple[tuple[int, int], ...]]:
    """Every group's span of each match, found as extract_urls searches (from the end of the last match)."""
    out, pos = [], 0
    while (m := pattern.search(units, pos)) is not None:
        out.append(tuple(m.span(i) for i in range((pattern.groups or 0) + 1)))
        pos = m.end() if m.end() > pos else pos + 1
    return out


def test_the_url_expressions_match_alike_on_both_engines() -> None:
    py = xtext.data()["py"]
    rules = xtext.rules()
    engines = {
        "extractUrl": (regex.compile(py["extractUrl"]), rules.extract_url),
        "validAsciiDomain": (regex.compile(py["validAsciiDomain"]), rules.valid_ascii_domain),
    }
    texts = [*LINKS, *node_texts(16, 4000), *mastodon_texts(17, 2000)]
    domains = set()
    for text in texts:
        units = xtext.utf16(unicodedata.normalize("NFC", text))
        old, new = engines["extractUrl"]
        found = _all_matches(old, units)
        assert found == _all_matches(new, units), text
        domains.update(units[m[5][0] : m[5][1]] for m in found if m[5][0] >= 0)
        domains.add(units)
    old, new = engines["validAsciiDomain"]
    for domain in sorted(domains):
        assert _all_matches(old, domain) == _all_matches(new, domain), domain
    assert len(domains) > 1000  # (the texts hold domains to try)
