"""The composer counts a post from its pieces' cached counts (body, mentions, link and hashtags; a thread
part's number; a long piece's sentences): that must be exactly the whole text's count, on every
platform, and the Bluesky facets exactly the whole text's facets.

Run over the differential tests' generated texts (the classes the reference libraries were checked
on), cut and joined the way the composer joins them; the whole-text counters are the ones
tests/test_counters_node.py and tests/test_counters_mastodon.py hold to the references.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign import templating
from campaign.compose import length
from campaign.compose.facets import facets, pieces_facets, short_text
from campaign.compose.length import composed_length, fits, lines_length, measure, pieces_length, sentence_pieces
from campaign.compose.platforms import PLATFORMS
from campaign.model import Mention
from tests.test_counters_mastodon import generate as mastodon_texts
from tests.test_counters_node import generate as node_texts

BIG = 10**9
TAILS = [
    "@anna@social.example @bo.bsky.social",
    "https://kampanj.example.org/rapport?utm_source=x&utm_medium=social\n#socialtjänst #välfärd",
    "Anna Andersson (ordförande i socialnämnden), Bo Berg",
    "Länk i bio: https://a.se/x\n#a",
]
MENTIONS = (Mention("p1", "Bo", "", "bo.bsky.social", "did:plc:bo"), Mention("p2", "Anna", "", "anna_s", "did:plc:anna"))


def texts() -> list[str]:
    return node_texts(11, 2_500) + mastodon_texts(12, 2_500)


def cuts(text: str, rng: random.Random) -> tuple[str, ...]:
    """The text as the composer joins one: a body (perhaps a numbered part), then "\\n\\n" and tail lines."""
    head = rng.choice(["", "1/2 ", "12/25 "]) + text
    tail = rng.choice(TAILS).split("\n")
    return (head, "\n\n" + tail[0], *("\n" + line for line in tail[1:]))


@pytest.mark.parametrize("platform_id", list(PLATFORMS))
def test_a_text_counted_from_its_pieces_counts_as_the_whole(platform_id: str) -> None:
    p = PLATFORMS[platform_id]
    rng = random.Random(platform_id)
    wrong = []
    for text in texts():
        pieces = cuts(text, rng)
        whole = "".join(pieces)
        for limit in (BIG, measure(p, whole), max(0, measure(p, whole) - 1)):
            want = measure(p, whole) if fits(p, whole, limit) else None
            length._WHOLE.clear()  # (not the memos' answers: the pieces')
            length._TRIED.clear()
            got = (
                pieces_length(p, pieces, limit),
                composed_length(p, whole, limit),
                pieces_length(p, (text,), limit),
                lines_length(p, pieces, limit),  # (each piece after the first starts a line)
            )
            alone = measure(p, text) if fits(p, text, limit) else None
            if got != (want, want, alone, want):
                wrong.append((whole, limit, got, (want, want, alone, want)))
    assert not wrong, f"{len(wrong)} wrong, the shortest: {min(wrong, key=lambda w: len(w[0]))}"


def test_bluesky_facets_and_text_from_pieces_are_the_whole_texts() -> None:
    rng = random.Random(5)
    for text in texts():
        pieces = cuts(text, rng)
        whole = "".join(pieces)
        assert pieces_facets(pieces, MENTIONS) == facets(whole, MENTIONS), whole
        assert "".join(short_text(piece) for piece in pieces) == short_text(whole), whole
        assert "".join(sentence_pieces(text)) == text


PLAIN = [chr(c) for c in range(0x10000) if re.fullmatch(f"[{length.PLAIN_CHARS}]", chr(c))]
COUNTERS = sorted({p.counter for p in PLATFORMS.values()})


def _whole_count(counter: str, text: str) -> tuple[int, int, bool] | None:
    # The counters themselves (held to the reference libraries), not the plain shortcut.
    return length._counted(counter, text)


def test_each_plain_character_counts_as_one_everywhere_beside_any_other() -> None:
    """Every character of the plain class, alone and beside letters, spaces, dots and the others of the
    class, is counted by every counter as the plain count says (X: PLAIN_HEAVY weigh 2)."""
    wrong = []
    for c in PLAIN:
        for text in (f"a{c}b", f"{c}{c}", f"{c}a", f" {c}", f"{c}.", f"e{c}\u00e9", f"{c}\n{c}"):
            if length._NOT_PLAIN.search(text) or not text.strip():
                continue
            for counter in COUNTERS:
                if length.plain_count(counter, text) != _whole_count(counter, text):
                    wrong.append((counter, text))
    assert not wrong, wrong[:10]
    assert len(PLAIN) > 600


def test_plain_texts_count_as_their_counters_say() -> None:
    """Generated texts of plain characters, dots, colons, slashes and at signs: where ``_NOT_PLAIN`` finds
    nothing, the plain count is every counter's; where it finds something, the piece is counted the
    usual way (and agrees too)."""
    rng = random.Random(16)
    alphabet = PLAIN + list(".:/@ \n#$") * 40 + list("abcåäö ") * 60
    wrong, plain = [], 0
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 120)))
        if "\r" in text or length._NOT_PLAIN.search(text) or not text.strip():
            found = [length._piece(counter, text) for counter in COUNTERS]
            assert length.plain(text) is None
        else:
            plain += 1
            found = [length.plain_count(counter, text) for counter in COUNTERS]
            counted = length.plain(text)
            assert counted is not None and [counted.count(counter) for counter in COUNTERS] == found
            if not counted.facets:  # (the composer then makes no Bluesky facets and shortens no link)
                assert facets(text) == () and short_text(text) == text, text
        want = [_whole_count(counter, text) for counter in COUNTERS]
        if found != want and None not in found:
            wrong.append((text, found, want))
    assert not wrong, min(wrong, key=lambda w: len(w[0]))
    assert plain > 500  # (the class is exercised, not only the usual way)


def test_a_blank_plain_text_is_blank_as_mastodon_says() -> None:
    # (Mastodon counts a blank text 0, so the plain count is only for a text that is not blank)
    for c in PLAIN:
        assert (c.strip() == "") == bool(length._BLANK.fullmatch(c)), hex(ord(c))


# Texts of the characters the quick tests below tell apart: plain and not, the dots, colons, slashes, at
# signs and white space they look for, and letters (of any script) a dot may stand before.
_TRICKY = st.text(
    alphabet=st.sampled_from(
        [*"abå1_ .:/@#\t\n\r\v\f\x1c\x1d\x1e\x7f\x85\u2028\u2029\u00a0\u00a9\u00ad\u00ae\u00ff\u0301é😷Ωж\u2026"]
    ),
    max_size=40,
)


@given(_TRICKY)
@settings(max_examples=3000, deadline=None)
def test_the_quick_plain_test_is_the_expression(text: str) -> None:
    assert length.not_plain(text) == bool(length._NOT_PLAIN.search(text))


@given(_TRICKY)
@settings(max_examples=3000, deadline=None)
def test_the_quick_tidy_test_is_the_expression(text: str) -> None:
    assert templating.untidy(text) == bool(templating._UNTIDY.search(text))


@pytest.mark.parametrize(
    "source",
    [
        "{{ figure.words | upper_first }} i {{ area.name }}",
        "{% if kommun %}{{ kommun }}{% else %}{{ lan }}{% endif %} {{ links.rapport.url }}",
        "{% set x = figure %}{{ x.percent }} {% for d in demands.values() %}{{ d.title }}{% endfor %}",
        "{% for k, v in figures.items() %}{{ k }}{{ loop.index }}{% endfor %}{{ campaign.name }}",
        "{% macro m(a) %}{{ a }}{{ link.url }}{% endmacro %}{{ m(1) }}",
        "text only",
        "{{ 1 + 2 }}{% if false %}{{ area }}{% endif %}",
    ],
)
def test_a_template_reads_the_variables_jinja_finds_undeclared(source: str) -> None:
    """The variables noted while compiling a template are what jinja2.meta finds (its own pass of the code
    generator), and the template renders as Jinja's own compiling of it."""
    from jinja2 import meta

    templating._template.cache_clear()
    reads = templating._template(source)[1]
    assert reads == meta.find_undeclared_variables(templating.ENV.parse(source))
    variables = {
        "figure": {"words": "tre av tio", "percent": "30 %"},
        "figures": {"a": 1, "b": 2},
        "area": {"name": "Uppsala"},
        "kommun": "Uppsala",
        "lan": "Uppsala län",
        "links": {"rapport": {"url": "https://a.se/r"}},
        "link": {"url": "https://a.se/l"},
        "demands": {"d": {"title": "Krav"}},
        "campaign": {"name": "Kampanjen"},
    }
    assert templating.render(source, variables) == templating.ENV.from_string(source).render(variables).strip()
