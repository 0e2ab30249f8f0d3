"""Bluesky rich text: links as the Bluesky app writes them, and the facets that make them clickable.

A facet marks a byte range of the post's UTF-8 text (``byteStart`` inclusive,
``byteEnd`` exclusive) with one feature, in the shape of the
``app.bsky.richtext.facet`` lexicon, ready for JSON:

    {"index": {"byteStart": 0, "byteEnd": 23},
     "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://…"}]}

Links, hashtags and cashtags are found exactly as npm ``@atproto/api``
``RichText.detectFacetsWithoutResolution`` finds them (its ``URL_REGEX``,
``TAG_REGEX``, ``CASHTAG_REGEX`` and the ``tlds`` list from
counter_data.json); a mention only when its DID is known, since the facet
needs it. Then, as the Bluesky app does before posting (social-app
``shortenLinks`` and ``toShortUrl``), each http(s) link's visible text
becomes host + path, the path cut to 13 characters and "..." when longer
than 15, while its facet keeps the full URL (UTM parameters and all).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any
from urllib.parse import unquote_to_bytes

import idna
import regex

from campaign.compose import xtext
from campaign.compose.jsre import JS_SPACE
from campaign.model import Mention

LINK = "app.bsky.richtext.facet#link"
MENTION = "app.bsky.richtext.facet#mention"
TAG = "app.bsky.richtext.facet#tag"
MAX_TAG_LENGTH = 64  # RichText: tag.length (UTF-16) at most 64

_INVISIBLE = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
# @atproto/api richtext/util.ts, with JavaScript's \s, \S and \d spelled out and its flags applied:
# URL_REGEX /(^|\s|\()((https?:\/\/[\S]+)|((?<domain>[a-z][a-z0-9]*(\.[a-z0-9]+)+)[\S]*))/gim
_URL = regex.compile(
    rf"(?:(?<![^\n\r\u2028\u2029])|[{JS_SPACE}(])"
    rf"(?P<uri>[hH][tT][tT][pP][sS]?://[^{JS_SPACE}]+|(?P<domain>[a-zA-Z][a-zA-Z0-9]*(?:\.[a-zA-Z0-9]+)+)[^{JS_SPACE}]*)"
)
_TAG = regex.compile(
    rf"(^|[{JS_SPACE}])[#＃]((?!\ufe0f)[^{JS_SPACE}{_INVISIBLE}]*[^0-9{JS_SPACE}\p{{P}}{_INVISIBLE}]+[^{JS_SPACE}{_INVISIBLE}]*)?"
)
_CASHTAG = regex.compile(rf"(^|[{JS_SPACE}(])\$([A-Za-z][A-Za-z0-9]{{0,4}})(?=[{JS_SPACE}]|$|[.,;:!?)\"'\u2019])")
_TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")
_SPECIAL_PORT = {"http": "80", "https": "443"}
# What a link without a scheme holds (_URL's domain: a letter or digit, a dot, a letter or digit); a plain
# expression, so that a sentence is passed over without the whole expression tried at each of its spaces
_DOMAIN_DOT = re.compile(r"[a-zA-Z0-9]\.[a-zA-Z0-9]")
_MAYBE_FACET = re.compile(r"[#\uff03$@]|://|[a-zA-Z0-9]\.[a-zA-Z0-9]")  # what every facet holds one of


def byte_offset(text: str, index: int) -> int:
    """The UTF-8 byte offset of code point ``index`` in ``text``."""
    return len(text[:index].encode("utf-8"))


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@cache
def _tlds() -> frozenset[str]:
    return frozenset(xtext.data()["atproto"]["tlds"])


def _valid_domain(domain: str) -> bool:
    """detection.ts isValidDomain: the domain ends in "." and a TLD of the list (case-sensitive, as there)."""
    tlds = _tlds()
    return any(domain[i + 1 :] in tlds for i, c in enumerate(domain) if c == ".")


def _link_matches(text: str) -> list[tuple[int, int, str]]:
    """RichText's link facets as (start, end, uri) in code points. A link never spans a line break
    (no white space in it), so each line's are found once and cached (the same link line ends
    thousands of posts)."""
    if "\n" not in text:
        return list(_line_links(text))
    found, offset = [], 0
    for line in text.split("\n"):
        found += [(start + offset, end + offset, uri) for start, end, uri in _line_links(line)]
        offset += len(line) + 1
    return found


@lru_cache(maxsize=16384)
def _line_links(text: str) -> tuple[tuple[int, int, str], ...]:
    if "." not in text or ("://" not in text and not _DOMAIN_DOT.search(text)):
        return ()  # every link found here has a dot, and "://" or a dot between two letters or digits
    found: list[tuple[int, int, str]] = []
    pos = 0
    while True:
        m = _URL.search(text, pos)
        if m is None:
            return tuple(found)
        pos = m.end()
        uri = m.group("uri")
        if not uri.startswith("http"):
            domain = m.group("domain")
            if not domain or not _valid_domain(domain):
                continue
            uri = "https://" + uri
        start, end = m.start("uri"), m.end("uri")
        if uri[-1] in ".,;:!?":
            uri, end = uri[:-1], end - 1
        if uri.endswith(")") and "(" not in uri:
            uri, end = uri[:-1], end - 1
        found.append((start, end, uri))


def _facet(text: str, start: int, end: int, feature: dict[str, Any]) -> dict[str, Any]:
    return {"index": {"byteStart": byte_offset(text, start), "byteEnd": byte_offset(text, end)}, "features": [feature]}


def link_facets(text: str) -> list[dict[str, Any]]:
    return [_facet(text, start, end, {"$type": LINK, "uri": uri}) for start, end, uri in _link_matches(text)]


def tag_facets(text: str) -> list[dict[str, Any]]:
    if "#" not in text and "\uff03" not in text and "$" not in text:
        return []  # every tag starts with "#" or "＃", every cashtag with "$"
    facets = []
    for match in _TAG.finditer(text):
        tag = match.group(2)
        if not tag:
            continue
        tag = _TRAILING_PUNCTUATION.sub("", tag.strip(JS_STRIP))
        if not tag or _utf16_len(tag) > MAX_TAG_LENGTH:
            continue
        start = match.start() + len(match.group(1))
        facets.append(_facet(text, start, start + 1 + len(tag), {"$type": TAG, "tag": tag}))
    for match in _CASHTAG.finditer(text):
        start = match.start() + len(match.group(1))
        ticker = match.group(2).upper()
        facets.append(_facet(text, start, start + 1 + len(ticker), {"$type": TAG, "tag": "$" + ticker}))
    return facets


JS_STRIP = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def mention_facets(text: str, mentions: Iterable[Mention]) -> list[dict[str, Any]]:
    facets = []
    for mention in mentions:
        if not (mention.handle and mention.did):
            continue
        written = "@" + mention.handle
        at = text.find(written)
        while at != -1:
            end = at + len(written)
            # "@handle" standing alone: not inside an e-mail address, a URL or a longer handle
            if not (at and _BEFORE_MENTION.match(text, at - 1)) and not _LONGER_HANDLE.match(text, end):
                facets.append(_facet(text, at, end, {"$type": MENTION, "did": mention.did}))
                at = text.find(written, end)
            else:
                at = text.find(written, at + 1)
    return facets


_BEFORE_MENTION = regex.compile(r"[\w@./]")
_LONGER_HANDLE = regex.compile(r"[\w.-]*\w")


# ----------------------------------------------------------------------------- short links


@lru_cache(maxsize=4096)
def to_short_url(url: str) -> str:
    """social-app ``toShortUrl``: host + path (pathname unless "/", search, hash), a long path cut to 13 + "..."."""
    parsed = _parse_http(url)
    if parsed is None:
        return url
    host, pathname, search, fragment = parsed
    path = ("" if pathname == "/" else pathname) + search + fragment
    return host + path[:13] + "..." if len(path) > 15 else host + path


@lru_cache(maxsize=4096)
def short_text(text: str) -> str:
    """``text`` as the Bluesky app posts it: each link's visible text shortened."""
    return shorten(text)[0]


def shorten(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """(posted text, its links as (start, end, full uri) in code points of the posted text)."""
    if "." not in text:
        return text, []  # every link RichText finds has a dot in its domain
    out, links, at, shift = [], [], 0, 0
    for start, end, uri in _link_matches(text):
        visible = text[start:end]
        short = to_short_url(visible)
        out += [text[at:start], short]
        links.append((start + shift, start + shift + len(short), uri))
        shift += len(short) - len(visible)
        at = end
    out.append(text[at:])
    return "".join(out), links


def facets(text: str, mentions: Iterable[Mention] = ()) -> tuple[dict[str, Any], ...]:
    """Every facet of the text as posted: ``text`` is the full form (links written out), and the facets
    index :func:`short_text` of it, which is what the post's text is. As in the app, hashtags are
    found in the full text and move (or stretch, around a link) with the shortening."""
    posted, links = shorten(text)
    found = mention_facets(posted, mentions)
    found += [_facet(posted, start, end, {"$type": LINK, "uri": uri}) for start, end, uri in links]
    if not links:
        found += tag_facets(text)
    else:
        spans = _link_matches(text)
        for tag in tag_facets(text):
            start, end = _cp_range(text, tag["index"]["byteStart"], tag["index"]["byteEnd"])
            new_start, new_end = start, end
            for (l_start, l_end, _), (s_start, s_end, _) in zip(spans, links, strict=True):
                delta = (s_end - s_start) - (l_end - l_start)
                if start >= l_end:
                    new_start, new_end = new_start + delta, new_end + delta
                elif end >= l_end:
                    new_end += delta
                elif end > l_start:
                    new_end = min(new_end, s_end)
            found.append(_facet(posted, new_start, new_end, tag["features"][0]))
    return tuple(sorted(found, key=lambda f: (f["index"]["byteStart"], f["index"]["byteEnd"])))


def pieces_facets(pieces: tuple[str, ...], mentions: Iterable[Mention] = ()) -> tuple[dict[str, Any], ...]:
    """``facets("".join(pieces), mentions)`` from each piece's cached facets, every piece after the first
    starting with "\n".

    Every facet lies within one line (links, tags and mentions hold no line break, and each
    expression sees a line break before a line as it sees the start of the text), so the facets
    of the whole are each piece's, moved by the posted bytes of the pieces before it.
    """
    if any(not piece.startswith("\n") for piece in pieces[1:]):
        return facets("".join(pieces), mentions)
    return _joined(pieces, known_mentions(mentions))


def _joined(pieces: tuple[str, ...], known: Known) -> tuple[dict[str, Any], ...]:
    """Each piece's cached facets, moved by the posted bytes of the pieces before it."""
    out: list[dict[str, Any]] = []
    shift = 0
    for piece in pieces:
        out += [_as_facet(row, shift) for row in _facet_rows(piece, _present(piece, known))]
        shift += _posted_bytes(piece)
    return tuple(out)


Known = tuple[tuple[str, str], ...]  # (handle, DID) of each mention a facet can be made for
FacetRow = tuple[int, int, str, str, str]  # byteStart, byteEnd, $type, the feature's key, its value


def known_mentions(mentions: Iterable[Mention]) -> Known:
    """(handle, DID) of the mentions with both, the ones a mention facet can be made for."""
    return tuple((m.handle, m.did) for m in mentions if m.handle and m.did)


def piece_rows(text: str, known: Known) -> tuple[str, tuple[FacetRow, ...], int]:
    """(posted text, facet rows, posted UTF-8 bytes) of one piece of a post (see :func:`pieces_facets`):
    what :func:`rows_facets` joins, each piece's rows moved by the posted bytes before it."""
    return short_text(text), _facet_rows(text, _present(text, known) if "@" in text else ()), _posted_bytes(text)


def rows_facets(pieces: Iterable[tuple[tuple[FacetRow, ...], int]]) -> tuple[dict[str, Any], ...]:
    """The facets of pieces given as (facet rows, posted bytes before the piece)."""
    return tuple(_as_facet(row, shift) for rows, shift in pieces for row in rows)


@lru_cache(maxsize=16384)
def _posted_bytes(text: str) -> int:
    return len(short_text(text).encode("utf-8"))


def _present(text: str, known: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    # Only the mentions the piece writes: a body is then cached once for every kommun's mentions.
    return tuple(k for k in known if "@" + k[0] in text)


@lru_cache(maxsize=16384)
def _facet_rows(text: str, known: Known) -> tuple[FacetRow, ...]:
    if not _MAYBE_FACET.search(text):
        return ()  # no "#", "＃" or "$" (tags), "@" (mentions), "://" or dot between letters or digits (links)
    mentions = [Mention("", "", "", handle, did) for handle, did in known]
    rows = []
    for f in facets(text, mentions):
        feature = f["features"][0]
        key = "uri" if "uri" in feature else "did" if "did" in feature else "tag"
        rows.append((f["index"]["byteStart"], f["index"]["byteEnd"], feature["$type"], key, feature[key]))
    return tuple(rows)


def _as_facet(row: FacetRow, shift: int) -> dict[str, Any]:
    start, end, kind, key, value = row
    return {"index": {"byteStart": start + shift, "byteEnd": end + shift}, "features": [{"$type": kind, key: value}]}


def spaced_facets(pieces: tuple[str, ...], mentions: Iterable[Mention] = ()) -> tuple[dict[str, Any], ...]:
    """``facets("".join(pieces), mentions)`` from each piece's cached facets, every piece after the first
    starting with "\n" or following a piece that ends with a space (a thread part: its number, its
    sentences, its tail's lines).

    As :func:`pieces_facets`, and no facet spans a space either (links, tags, cashtags and mentions
    hold no white space), and each expression sees a space before a piece as it sees the start of
    the text (RichText's link, tag and cashtag expressions begin at the start or after white space,
    a mention stands alone at the start or after a space, and a piece keeps the space it ends
    with, what any of them looks at after a link, tag or mention).
    """
    for before, piece in pairwise(pieces):
        if not (before.endswith(" ") or piece.startswith("\n")):
            return facets("".join(pieces), mentions)
    return _joined(pieces, known_mentions(mentions))


def _cp_range(text: str, byte_start: int, byte_end: int) -> tuple[int, int]:
    data = text.encode("utf-8")
    return len(data[:byte_start].decode("utf-8")), len(data[:byte_end].decode("utf-8"))


def _parse_http(url: str) -> tuple[str, str, str, str] | None:
    """(host, pathname, search, hash) as the WHATWG URL parser gives them for an http(s) URL, or None
    where ``new URL`` would throw or the scheme is another. Covers what links hold: credentials,
    ports, IDN hosts (UTS 46), IPv4 and IPv6, dot segments, percent-encoding."""
    url = url.strip("".join(map(chr, range(0x21)))).replace("\t", "").replace("\n", "").replace("\r", "")
    lower = url[:8].lower()
    scheme = "https" if lower.startswith("https:") else "http" if lower.startswith("http:") else None
    if scheme is None:
        return None
    rest = url[len(scheme) + 1 :].lstrip("/\\")
    end = len(rest)
    for c in "/\\?#":
        i = rest.find(c)
        if i != -1:
            end = min(end, i)
    authority, rest = rest[:end], rest[end:]
    if "@" in authority:
        authority = authority[authority.rfind("@") + 1 :]
    host, port = authority, ""
    close = authority.rfind("]")
    colon = authority.rfind(":")
    if colon > close:
        host, port = authority[:colon], authority[colon + 1 :]
    if port:
        if not port.isascii() or not port.isdigit() or int(port) > 65535:
            return None
        port = str(int(port))
        if port == _SPECIAL_PORT[scheme]:
            port = ""
    host_ascii = _host(host)
    if host_ascii is None:
        return None
    fragment = ""
    if "#" in rest:
        rest, fragment = rest.split("#", 1)
        fragment = "#" + _encode(fragment, _FRAGMENT_SET) if fragment else ""
    search = ""
    if "?" in rest:
        rest, query = rest.split("?", 1)
        search = "?" + _encode(query, _QUERY_SET) if query else ""
    return host_ascii + (":" + port if port else ""), _path(rest), search, fragment


_C0 = "".join(map(chr, range(0x20)))
_FRAGMENT_SET = frozenset(_C0 + ' "<>`')
_QUERY_SET = frozenset(_C0 + " \"#<>'")
_PATH_SET = frozenset(_C0 + ' "#<>?`{}')
_FORBIDDEN_HOST = frozenset("\x00\t\n\r #/:<>?@[\\]^|%" + _C0 + "\x7f")


def _encode(text: str, keep_out: frozenset[str]) -> str:
    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")  # a lone surrogate is U+FFFD
    out = []
    for c in text:
        if c in keep_out or ord(c) > 0x7E:
            out.append("".join(f"%{b:02X}" for b in c.encode("utf-8")))
        else:
            out.append(c)
    return "".join(out)


def _path(rest: str) -> str:
    segments: list[str] = []
    if not rest:
        return "/"
    parts = regex.split(r"[/\\]", rest[1:])
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        low = part.lower()
        if low in ("..", ".%2e", "%2e.", "%2e%2e"):
            if segments:
                segments.pop()
            if last:
                segments.append("")
        elif low in (".", "%2e"):
            if last:
                segments.append("")
        else:
            segments.append(_encode(part, _PATH_SET))
    return "/" + "/".join(segments)


def _host(host: str) -> str | None:
    if not host:
        return None
    if host.startswith("["):
        if not host.endswith("]"):
            return None
        try:
            return "[" + ipaddress.IPv6Address(host[1:-1]).compressed + "]"
        except ValueError:
            return None
    try:
        decoded = unquote_to_bytes(host).decode("utf-8")
    except UnicodeDecodeError:
        return None
    ascii_host = _domain_to_ascii(decoded)
    if ascii_host is None or any(c in _FORBIDDEN_HOST for c in ascii_host):
        return None
    return _ipv4(ascii_host)


def _domain_to_ascii(domain: str) -> str | None:
    """UTS 46 ToASCII as URL parsing does it (non-transitional, no STD3 or DNS length rules)."""
    try:
        mapped = idna.uts46_remap(domain, std3_rules=False, transitional=False)
    except (idna.IDNAError, ValueError):
        return None
    labels = []
    for label in mapped.split("."):
        if label.isascii():
            if label.startswith("xn--"):
                try:
                    label.encode("ascii").decode("punycode")
                except (UnicodeError, ValueError):
                    return None
            labels.append(label)
            continue
        try:
            if any(regex.match(r"[\p{Bidi_Class=R}\p{Bidi_Class=AL}\p{Bidi_Class=AN}]", c) for c in mapped):
                idna.check_bidi(label)
        except idna.IDNAError:
            return None
        labels.append("xn--" + label.encode("punycode").decode("ascii"))
    return ".".join(labels)


def _ipv4(host: str) -> str | None:
    """WHATWG: a host whose last label is a number is an IPv4 address (0x hex, leading-0 octal parts)."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts = parts[:-1]
    if not regex.fullmatch(r"[0-9]+|0[xX][0-9a-fA-F]*", parts[-1]):
        return host
    numbers = []
    for part in parts:
        try:
            if part[:2].lower() == "0x":
                numbers.append(int(part[2:] or "0", 16))
            elif len(part) > 1 and part.startswith("0"):
                numbers.append(int(part[1:], 8))
            else:
                numbers.append(int(part, 10))
        except ValueError:
            return None
    if len(numbers) > 4 or any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    address = numbers[-1] + sum(n * 256 ** (3 - i) for i, n in enumerate(numbers[:-1]))
    return str(ipaddress.IPv4Address(address))
