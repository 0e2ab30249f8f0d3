"""Fitting rules on their own: what drops first, what always stays, how a thread is cut."""

from __future__ import annotations

import re

import pytest

from campaign.compose.fit import DoesNotFit, Tail, fit, pieces, single, thread
from campaign.compose.length import x_length

LINK = "https://kampanj.example.org/r"
TAIL = Tail(("@anna", "@bo"), LINK, ("socialtjänst", "svpol", "TryggSocialtjänst"))
REQUIRED = frozenset({"socialtjänst"})


def under(n: int):
    return lambda text: len(text) <= n


def test_everything_fits_in_one_post() -> None:
    fitted = fit("Hej.", TAIL, REQUIRED, under(500), threads=False)
    assert fitted.parts == ("Hej.\n\n@anna @bo\nhttps://kampanj.example.org/r\n#socialtjänst #svpol #TryggSocialtjänst",)
    assert fitted.dropped_hashtags == () and fitted.dropped_mentions == ()


def test_optional_hashtags_drop_lowest_priority_first() -> None:
    full = len(single("Hej.", TAIL))
    fitted = fit("Hej.", TAIL, REQUIRED, under(full - 1), threads=False)
    assert fitted.tail.hashtags == ("socialtjänst", "svpol")
    assert fitted.dropped_hashtags == ("TryggSocialtjänst",)
    fitted = fit("Hej.", TAIL, REQUIRED, under(full - len(" #TryggSocialtjänst") - 1), threads=False)
    assert fitted.dropped_hashtags == ("TryggSocialtjänst", "svpol")


def test_then_surplus_mentions_drop_last_first_and_required_tags_stay() -> None:
    no_optional = Tail(TAIL.mentions, LINK, ("socialtjänst",))
    fitted = fit("Hej.", TAIL, REQUIRED, under(len(single("Hej.", no_optional)) - 1), threads=False)
    assert fitted.tail == Tail(("@anna",), LINK, ("socialtjänst",))
    assert fitted.dropped_mentions == ("@bo",)
    bare = Tail((), LINK, ("socialtjänst",))
    fitted = fit("Hej.", TAIL, REQUIRED, under(len(single("Hej.", bare))), threads=False)
    assert fitted.tail == bare and fitted.dropped_mentions == ("@bo", "@anna")


def test_without_threads_too_long_is_an_error_with_the_shortest_form() -> None:
    with pytest.raises(DoesNotFit) as caught:
        fit("Ett. " * 40, TAIL, REQUIRED, under(100), threads=False)
    assert caught.value.text.endswith(f"{LINK}\n#socialtjänst")
    assert "@anna" not in caught.value.text


BODY = (
    "Varannan socialsekreterare anger brist på resurser som skäl till missnöjet. Det är barn, unga och utsatta vuxna "
    "som får betala, och det märks i varje kommun. Vad gör politikerna? Vi kräver resurser som motsvarar uppdraget, "
    "en säkerhetskommission och minst två handläggare i varje LVU-ärende."
)


def test_a_long_body_becomes_a_numbered_thread_cut_at_sentences() -> None:
    fits = under(140)
    fitted = fit(BODY, TAIL, REQUIRED, fits, threads=True)
    parts = fitted.parts
    n = len(parts)
    assert n >= 3
    assert [re.match(r"(\d+)/(\d+) ", p).groups() for p in parts] == [(str(i), str(n)) for i in range(1, n + 1)]
    assert all(fits(p) for p in parts)
    body_parts = [re.sub(r"^\d+/\d+ ", "", p) for p in parts]
    assert " ".join(body_parts).split() == (BODY + "\n\n" + TAIL.text).split()  # nothing lost, no word cut
    texts = [p.removesuffix("\n\n@anna @bo") for p in body_parts[:-2]]
    assert all(p.endswith((".", "?", ",")) for p in texts if LINK not in p)  # cut at sentence or clause ends
    # ... but the tail takes the body's last words with it where its last clause does not fit beside it
    assert body_parts[-1].split("\n\n")[0] and body_parts[-1].endswith(TAIL.text)
    assert parts[-1].endswith("#socialtjänst #svpol #TryggSocialtjänst")  # the link and hashtags go last
    assert fitted.dropped_hashtags == ()


def test_in_a_thread_the_link_stays_with_the_words_it_belongs_to() -> None:
    body = "Varannan socialsekreterare saknar resurser. Hur ska kommunen se till att socialtjänsten kan göra sitt jobb?"
    tail = Tail(("@anna", "@bo"), LINK, ("socialtjänst",))
    smallest = len(f"9/9 jobb?\n\n{LINK}\n#socialtjänst")  # the link and required tag beside one word
    for limit in range(len(f"1/2 Hur ska kommunen se till att socialtjänsten kan göra sitt jobb?\n\n{tail.text}"), smallest, -3):
        fitted = fit(body, tail, REQUIRED, under(limit), threads=True)
        kept = fitted.tail.text  # a tight limit drops the mentions (the link and required tag stay)
        assert fitted.parts[-1].endswith(f"\n\n{kept}") and kept.endswith(f"{LINK}\n#socialtjänst"), limit
        for part in fitted.parts:  # no part is only the mentions, the link and the hashtags
            assert re.sub(r"^\d+/\d+ ", "", part).split("\n\n")[0] not in ("", kept), (limit, part)
        assert " ".join(re.sub(r"^\d+/\d+ ", "", p) for p in fitted.parts).split() == f"{body} {kept}".split()


def test_a_thread_counts_its_numbering() -> None:
    sentence = "A" * 36 + "."
    body = " ".join([sentence] * 4)  # two sentences are 75 characters; with "1/2 " in front, 79
    assert thread(body, "", under(79)) == (f"1/2 {sentence} {sentence}", f"2/2 {sentence} {sentence}")
    assert thread(body, "", under(78)) == tuple(f"{i}/4 {sentence}" for i in range(1, 5))


def test_a_sentence_too_long_for_a_part_is_cut_at_clauses_then_spaces() -> None:
    body = "Först en lång bisats med många ord, sedan en till som också är lång, och till sist ett slut utan komma alls här."
    parts = thread(body, "", under(40))
    assert all(len(p) <= 40 for p in parts)
    assert " ".join(re.sub(r"^\d+/\d+ ", "", p) for p in parts).split() == body.split()


def test_a_url_is_never_cut() -> None:
    url = "https://kampanj.example.org/rapport/socialsekreterarna-2019/regioner"
    body = f"Läs mer. {url} Och sedan en mening till som är lång nog."
    parts = thread(body, "", lambda t: x_length(t) <= 40)
    assert any(url in p for p in parts)


def test_a_word_longer_than_a_post_is_an_error() -> None:
    with pytest.raises(DoesNotFit, match="a single word or link is longer than a whole post"):
        thread("kort " + "x" * 50, "", under(30))


def test_pieces_keep_every_character() -> None:
    text = "Ett. Två!  Tre?\nFyra"
    assert "".join(pieces(text, re.compile(r"(?<=[.!?])\s+|\n+"))) == text


def _fit_trying_each(body: str, tail: Tail, required: frozenset[str], fits, *, threads: bool):  # type: ignore[no-untyped-def]
    """fit as it was before the least tail was tried first: each reduction tried in turn."""
    from campaign.compose.fit import _fitted, reductions

    if fits(single(body, tail)):
        return _fitted((single(body, tail),), tail, tail)
    options = list(reductions(tail, required))
    keeps_one = [o for o in options if o.mentions or not tail.mentions]
    for option in keeps_one if threads else options:
        if fits(single(body, option)):
            return _fitted((single(body, option),), tail, option)
    if not threads:
        raise DoesNotFit(single(body, options[-1]), "")
    for option in options:
        try:
            return _fitted(thread(body, option.text, fits), tail, option)
        except DoesNotFit as exc:
            if type(exc) is DoesNotFit:
                raise
    raise DoesNotFit(options[-1].text, "")


def test_the_least_tail_tried_first_fits_as_each_tried_in_turn() -> None:
    """At every limit around the tails' lengths, with and without threads, mentions and required tags: the same
    post (or the same error text) as trying each of the tail's reductions in turn."""
    body = "Ett två tre. Fyra fem sex sju."
    tails = [
        TAIL,
        Tail(("@anna",), LINK, ("svpol",)),
        Tail((), LINK, ("socialtjänst", "svpol")),
        Tail(("Anna Andersson (ordförande)", "@bo"), None, ()),
        Tail((), None, ()),
    ]
    tried = 0
    for tail in tails:
        for required in (frozenset(), REQUIRED):
            longest = len(single(body, tail))
            for limit in range(20, longest + 2):
                for threads in (False, True):
                    outcomes = []
                    for fitting in (fit, _fit_trying_each):
                        try:
                            outcomes.append(fitting(body, tail, required, under(limit), threads=threads))
                        except DoesNotFit as exc:
                            outcomes.append(exc.text)
                    assert outcomes[0] == outcomes[1], (tail, required, limit, threads)
                    tried += 1
    assert tried > 500
