"""Read one YAML file safely, keeping the line and column of every value.

Campaign files are written by people and may come from anywhere, so the reader
refuses what a campaign never needs: files over a size cap, bytes that are not
UTF-8, anchors and aliases (the "billion laughs" expansion), tags, and
non-string keys. Every value's position is kept so that a problem can name
``file:line:column`` and the key path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from campaign.errors import Problem

MAX_FILE_BYTES = 5 * 1024 * 1024  # a message bank is kilobytes; refuse before parsing
MAX_NODES = 200_000  # a ceiling on nodes per file, well above any real bank
MAX_DEPTH = 50  # nesting levels; the deepest section (a layout) needs about six

Path_ = tuple[str | int, ...]


def format_path(path: Path_) -> str:
    """Render ``("figures", 3, "value")`` as ``figures[3].value``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass
class Located:
    """A parsed document and where each value and key stands in the file."""

    file: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: Path_, message: str, *, key: bool = False, severity: str = "error") -> Problem:
        """A problem placed at the value (or the key) at ``path``, or its nearest parent."""
        table = self.keys if key else self.values
        probe = path
        while probe not in table and probe not in self.values and probe:
            probe = probe[:-1]
        line, col = table.get(probe) or self.values.get(probe, (1, 1))
        return Problem(self.file, line, col, format_path(path), message, severity)


class YamlFileError(Exception):
    """A file could not be read as YAML at all; carries one problem."""

    def __init__(self, problem: Problem, *, empty: bool = False) -> None:
        super().__init__(problem.format())
        self.problem = problem
        self.empty = empty  # the file holds nothing (so it hides no sections)


class _Checks(Composer):
    """What a composer refuses before anything is built: aliases, anchors, tags, deep nesting, too many values."""

    depth = 0
    nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:  # counted while composing, so that a huge flat file stops early
            raise yaml.MarkedYAMLError(
                None, None, f"file has more than {MAX_NODES} values; split or shrink it", self.peek_event().start_mark
            )
        if self.depth >= MAX_DEPTH:  # composing recurses: a deep file would overflow Python's stack
            raise yaml.MarkedYAMLError(
                None,
                None,
                f"values nested more than {MAX_DEPTH} levels deep; a campaign needs a handful",
                self.peek_event().start_mark,
            )
        self.depth += 1
        try:
            return self._checked_node(parent, index)
        finally:
            self.depth -= 1

    def _checked_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "YAML aliases (*name) are not allowed in a campaign; write the value out", event.start_mark
            )
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                None, None, "YAML anchors (&name) are not allowed in a campaign; write the value out", event.start_mark
            )
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):  # "!" alone only marks plain text; any real tag is refused before it is built
            shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
            raise yaml.MarkedYAMLError(
                None,
                None,
                f"YAML tag {shown} is not allowed in a campaign; write the value plainly (quote it to make it text)",
                event.start_mark,
            )
        return super().compose_node(parent, index)


class _Composer(_Checks, yaml.SafeLoader):
    """PyYAML's own reader (pure Python), with the checks: what it says of a broken file is what the author reads."""


class _Unsure(Exception):
    """libyaml's answer might not be PyYAML's, or the file is refused or broken: PyYAML reads it (``_compose``)."""


# Where libyaml and PyYAML are known to read a text differently, PyYAML alone reads it: tabs, Unicode line breaks
# and a byte order mark inside the text, and a block scalar's header running into a comment ("|#", which PyYAML
# refuses). tests/test_yamlfile.py compares the two readers.
_PYTHON_ONLY = re.compile("[\t\x85\u2028\u2029\ufeff]|[|>][-+0-9]*#")

_CParser: Any = getattr(getattr(yaml, "_yaml", None), "CParser", None) if yaml.__with_libyaml__ else None
_RESOLVER = Resolver()
_MERGE = "tag:yaml.org,2002:merge"


def _fast_read(text: str, display: str) -> Located | None:
    """The document as ``_compose`` and ``_convert`` give it, read by libyaml (about ten times faster), or None.

    None whenever PyYAML must read the text: libyaml is missing, the two readers may differ on it (see
    ``_PYTHON_ONLY``, ``_FastReader``), or the file is broken or holds anything the checks refuse, so
    that PyYAML says what is wrong in its own words and in its order.
    """
    if _CParser is None or _PYTHON_ONLY.search(text):
        return None
    doc = Located(display, None)
    parser = _CParser(text)
    try:
        doc.data = _FastReader(parser, doc).document()
    except Exception:  # _Unsure, or libyaml's own error: PyYAML reads it, and says what is wrong
        return None
    finally:
        parser.dispose()
    return doc


class _FastReader:
    """libyaml's events straight into data and positions, as ``_Checks`` composes and ``_convert`` converts them."""

    def __init__(self, parser: Any, doc: Located) -> None:
        self.next = parser.get_event
        self.doc = doc
        self.nodes = 0

    def document(self) -> Any:
        self.next()  # the stream's start
        event = self.next()
        if not isinstance(event, yaml.DocumentStartEvent):
            raise _Unsure  # no document: PyYAML says the file is empty
        data = self.value(self.next(), (), 0, 0)
        self.next()  # the document's end
        if not isinstance(self.next(), yaml.StreamEndEvent):
            raise _Unsure  # a second document
        return data

    def checked(self, event: Any, depth: int) -> None:
        self.nodes += 1
        if self.nodes >= MAX_NODES or depth >= MAX_DEPTH - 1 or isinstance(event, yaml.AliasEvent):
            raise _Unsure
        if event.anchor or event.tag not in (None, "!"):
            raise _Unsure

    def value(self, event: Any, path: Path_, depth: int, flow: int) -> Any:
        self.checked(event, depth)
        self.doc.values[path] = (event.start_mark.line + 1, event.start_mark.column + 1)
        if isinstance(event, yaml.ScalarEvent):
            return _scalar_value(self.scalar(event, flow))
        flow += bool(event.flow_style)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            while not isinstance(event := self.next(), yaml.SequenceEndEvent):
                items.append(self.value(event, (*path, len(items)), depth + 1, flow))
            return items
        out: dict[str, Any] = {}
        while not isinstance(event := self.next(), yaml.MappingEndEvent):
            if not isinstance(event, yaml.ScalarEvent):
                raise _Unsure  # a key that is no text, or an alias
            self.checked(event, depth + 1)
            key_node = self.scalar(event, flow)
            key = key_node.value
            if key_node.tag == _MERGE or key in out:
                raise _Unsure  # refused: PyYAML places the problem
            child = (*path, key)
            self.doc.keys[child] = (event.start_mark.line + 1, event.start_mark.column + 1)
            out[key] = self.value(self.next(), child, depth + 1, flow)
        return out

    @staticmethod
    def scalar(event: Any, flow: int) -> ScalarNode:
        if not event.style and (not event.value or (flow and "?" in event.value)):
            # An empty value (libyaml may place it elsewhere), or a "?" in plain text in [...] or {...}
            # (where PyYAML ends the text and reads a key).
            raise _Unsure
        tag = event.tag if event.tag not in (None, "!") else _RESOLVER.resolve(ScalarNode, event.value, event.implicit)
        return ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)


def read_yaml(path: Path, display: str) -> Located:
    """Parse ``path`` into plain Python data with positions; raise YamlFileError."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // (1024 * 1024)
            raise YamlFileError(
                Problem(display, 0, 0, "", f"file is {size / 1e6:.1f} MB; a campaign file may be at most {limit} MB")
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlFileError(Problem(display, 0, 0, "", f"cannot read the file: {exc.strerror or exc}")) from None
    text = _decode(raw, display)
    if not text.strip():
        raise YamlFileError(Problem(display, 0, 0, "", "file is empty; expected a YAML mapping of sections"), empty=True)
    fast = _fast_read(text, display)
    if fast is not None:
        return fast
    located = Located(display, None)
    located.data = _convert(_compose(text, display), (), located)
    return located


def _compose(text: str, display: str) -> Node:
    """The document's node as PyYAML reads it; raise YamlFileError."""
    try:
        loader = _Composer(text)  # its reader refuses control characters at once
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        message = f"YAML syntax error: control character U+{exc.character:04X} is not allowed in a YAML file; delete it"
        raise YamlFileError(Problem(display, line, col, "", message)) from None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = _explain(exc.problem or exc.context or "invalid YAML")
        raise YamlFileError(Problem(display, line, col, "", f"YAML syntax error: {what}")) from None
    except yaml.YAMLError as exc:
        raise YamlFileError(Problem(display, 0, 0, "", f"YAML error: {exc}")) from None
    finally:
        loader.dispose()
    if node is None:
        raise YamlFileError(Problem(display, 0, 0, "", "file is empty; expected a YAML mapping of sections"), empty=True)
    return node


# PyYAML's words for the mistakes people make most, and what to do about them.
_HINTS = (
    ("'\\t' that cannot start any token", "a tab character; YAML indents with spaces only: replace the tab with spaces"),
    (
        "found another document",
        "a second YAML document ('---'); a campaign file holds one: remove the '---' line or split the file",
    ),
    ("mapping values are not allowed here", "a ':' where a value was expected; put text that contains ': ' in quotes"),
    ("expected <block end>", "the indentation does not match the lines above; line items up with spaces"),
)


def _explain(problem: str) -> str:
    """PyYAML's problem text, with a plain hint for the common mistakes."""
    for words, hint in _HINTS:
        if words in problem:
            return f"{problem}: {hint}"
    return problem


def _decode(raw: bytes, display: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlFileError(
            Problem(
                display, line, col, "", f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
            )
        ) from None


_CONSTRUCTOR = yaml.constructor.SafeConstructor()  # builds scalars only, which keep no state in it
_CONSTRUCTORS = yaml.constructor.SafeConstructor.yaml_constructors


def _scalar_value(node: ScalarNode) -> Any:
    """The scalar's value, as SafeLoader builds it."""
    try:
        return _CONSTRUCTORS.get(node.tag, _CONSTRUCTORS[None])(_CONSTRUCTOR, node)
    except ValueError:  # looks like a date but is none, such as 2026-02-30: the specs say what was expected
        return node.value
    except yaml.constructor.ConstructorError:  # "=" and "<<" alone: YAML types no safe reader builds, so text
        return node.value


def _convert(node: Node, path: Path_, doc: Located) -> Any:
    doc.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, MappingNode):
        return _convert_mapping(node, path, doc)
    if isinstance(node, SequenceNode):
        return [_convert(child, (*path, i), doc) for i, child in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    return _scalar_value(node)


def _convert_mapping(node: MappingNode, path: Path_, doc: Located) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise YamlFileError(doc.at(path, "YAML merge keys (<<) are not allowed in a campaign"))
        if not isinstance(key_node, ScalarNode):
            raise YamlFileError(doc.at(path, "a key must be plain text"))
        key = key_node.value  # keys stay text: "0180" must not become 180
        child = (*path, key)
        doc.keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if key in out:
            line, col = doc.keys[child]
            raise YamlFileError(Problem(doc.file, line, col, format_path(child), f"key {key!r} appears twice in one mapping"))
        out[key] = _convert(value_node, child, doc)
    return out
