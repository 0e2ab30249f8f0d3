"""Long lists of words in a regular expression, written so that ``re`` compiles them in less time, matching alike.

twitter-text's URL expressions hold every TLD as one alternation of about 1 300 words,
each letter a class of its two cases (``[\\x43\\x63][\\x4f\\x6f][\\x4d\\x6d]|...``):
parsing and compiling those classes is most of the 0.19 s the standard library takes
to compile such an expression, which every build pays on its first X post.
``factored`` writes each such list as a trie of the same words (``(?:ab|ac)`` as
``(?:a(?:b|c))``), its letters as lower-case letters in ``(?ai:...)`` (ASCII letters
of either case, nothing else: not the Kelvin sign for ``k``). A backtracking matcher
tries a trie's words in the order the list gives them: where the list does not
allow that (a word back under a prefix after other words, twitter-text's
``onion``), the words from there on make a trie of their own, tried after the
first. So every match, and every group's span, is the same.
"""

from __future__ import annotations

import functools
import re

MIN_WORDS = 8  # shorter lists are left as they are

_TOKEN = re.compile(
    r"(?P<esc>\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[^0-9A-Za-z]))"  # one character
    r"|(?P<cls>\[\^?\]?(?:\\.|[^\]\\])*\])"
    r"|(?P<open>\((?:\?(?:[:=!]|<[=!]|P<\w+>))?)"
    r"|(?P<close>\))"
    r"|(?P<bar>\|)"
    r"|(?P<other>\\.|[?*+{}^$.\]])"  # a repeat, an anchor, any other escape: the group is not a list of words
    r"|(?P<lit>.)",
    re.DOTALL,
)
_CASE_PAIR = re.compile(r"\[\\x([4-7][0-9a-fA-F])\\x([4-7][0-9a-fA-F])\]")
_CLASS_ESCAPE = re.compile(r"\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|-")
_UNUSUAL = re.compile(r"\(\?[#aiLmsux-]")  # comments, inline flags (verbose mode, cases): not read here
_END = ""  # a word ends here (no token is empty)

Trie = dict[str, "Trie"]


def factored(pattern: str) -> str:
    """``pattern`` (for ``re.compile`` without flags) with each non-capturing group of at least ``MIN_WORDS``
    alternatives that are each a run of single characters (escapes, classes, plain characters) written as a
    trie (see the module)."""
    if _UNUSUAL.search(pattern):
        return pattern
    out: list[str] = []
    done = 0  # how much of the pattern ``out`` holds
    groups: list[tuple[int, bool, list[list[str]]]] = []  # each open group: start, whether plain "(?:", words
    for m in _TOKEN.finditer(pattern):
        kind = m.lastgroup
        if kind == "open":
            _not_words(groups)
            groups.append((m.start(), m.group() == "(?:", [[]]))
        elif kind == "close":
            if not groups:
                return pattern
            start, words_only, words = groups.pop()
            if words_only and len(words) >= MIN_WORDS and start >= done:
                out += [pattern[done:start], _trie_group(words)]
                done = m.end()
        elif kind == "bar":
            if groups:
                groups[-1][2].append([])
        elif kind == "other":
            _not_words(groups)
        elif groups:
            groups[-1][2][-1].append(m.group())
    return pattern if groups else "".join(out) + pattern[done:]


def _not_words(groups: list[tuple[int, bool, list[list[str]]]]) -> None:
    if groups and groups[-1][1]:
        groups[-1] = (groups[-1][0], False, groups[-1][2])


def _trie_group(words: list[list[str]]) -> str:
    """The group of ``words`` (each a list of tokens) as tries tried in the words' order."""
    folded = _folded(words)
    tries: list[Trie] = [{}]
    for word in folded if folded is not None else words:
        if not _append(tries[-1], word):
            tries.append({})
            _append(tries[-1], word)
    body = "|".join(_written(t) for t in tries)
    return f"(?ai:{body})" if folded is not None else f"(?:{body})"


def _folded(words: list[list[str]]) -> list[list[str]] | None:
    """The words with each two-case class of an ASCII letter as the lower-case letter, when the words have
    such classes and no other way to say an ASCII letter (else ``(?ai:...)`` would change them)."""
    out = []
    pairs = False
    for word in words:
        tokens = []
        for token in word:
            folded = _fold(token)
            if folded is None:
                return None
            tokens.append(folded)
            pairs = pairs or folded != token
        out.append(tokens)
    return out if pairs else None


@functools.cache
def _fold(token: str) -> str | None:
    """A two-case class of an ASCII letter as the lower-case letter, any other token that says no ASCII
    letter as it is; None for one that does."""
    pair = _CASE_PAIR.fullmatch(token)
    if pair:
        low, high = sorted((int(pair[1], 16), int(pair[2], 16)))
        return f"\\x{high:02x}" if chr(low).isupper() and high == low + 32 else None
    return token if _uncased(token) else None


def _uncased(token: str) -> bool:
    """Whether the token is one character that is no ASCII letter (so ``(?ai:...)`` leaves it as it is)."""
    if token.startswith(("\\x", "\\u", "\\U")):
        char = chr(int(token[2:], 16))
    elif token.startswith("\\") or len(token) == 1:
        char = token[-1]
    else:  # a class: of characters (and ranges) beyond ASCII, written as escapes
        inside = _CLASS_ESCAPE.findall(token[1:-1])
        return "".join(inside) == token[1:-1] and all(e == "-" or int(e[2:], 16) >= 0x80 for e in inside)
    return not (char.isascii() and char.isalpha())


def _append(trie: Trie, word: list[str]) -> bool:
    """Add ``word`` as the trie's last word, when the trie then still tries its words in the order given:
    not when it goes back under a prefix that later words have left, nor when it is there already."""
    node = trie
    for token in word:
        child = node.get(token)
        if child is None:
            child = node[token] = {}
        elif next(reversed(node)) != token:
            return False
        node = child
    if _END in node:
        return False
    node[_END] = {}
    return True


def _written(node: Trie) -> str:
    items = [token + _written(child) if token != _END else "" for token, child in node.items()]
    return items[0] if len(items) == 1 else "(?:" + "|".join(items) + ")"
