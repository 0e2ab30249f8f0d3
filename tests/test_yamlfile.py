"""Reading one YAML file: libyaml's reader, where it answers, gives what PyYAML's gives (data, every value's and
key's place, every refusal); what it cannot read, or might read otherwise, PyYAML reads and words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign import yamlfile
from campaign.yamlfile import Located, YamlFileError, read_yaml
from tests.conftest import REPO

FILES = sorted([*(REPO / "messages").glob("*.yaml"), *(REPO / "campaign").rglob("*.yaml")])


def _read(node: Any) -> Any:
    doc = Located("f.yaml", None)
    try:
        doc.data = yamlfile._convert(node, (), doc)
    except YamlFileError as exc:
        return exc.problem.format()
    return _seen(doc)


def _seen(doc: Located) -> Any:
    return repr(doc.data), list(doc.values.items()), list(doc.keys.items())  # in file order: find_text relies on it


def assert_readers_agree(text: str) -> None:
    fast = yamlfile._fast_read(text, "f.yaml")
    if fast is None:
        return  # PyYAML reads it alone
    try:
        slow = yamlfile._compose(text, "f.yaml")
    except YamlFileError as exc:
        pytest.fail(f"libyaml read what PyYAML refuses: {text!r}: {exc.problem.format()}")
    assert _seen(fast) == _read(slow), text


@pytest.mark.skipif(yamlfile._CParser is None, reason="PyYAML without libyaml")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_the_shipped_files_are_read_by_libyaml_as_pyyaml_reads_them(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yamlfile._fast_read(text, "f.yaml") is not None, "the files every build reads take the fast reader"
    assert_readers_agree(text)


SCALAR_PARTS = [
    *"ab1 :?-#,'\"!&*%@`|>[]{}.\\/~=",
    *("ä", "😀", "\u00a0", ": ", " #", "- ", "? ", "\\n", "\\t", "\\x41", "\\u00e4", "\\/", "\\ ", "\\N", "\\e", "\\0"),
    *("2026-01-01", "2026-02-30", "1.5", "0o7", "+1", ".inf", "yes", "null", "~", "<<", "="),
]


@st.composite
def scalars(draw: Any) -> str:
    text = "".join(draw(st.lists(st.sampled_from(SCALAR_PARTS), max_size=6)))
    style = draw(st.sampled_from(["plain", "plain", "single", "double"]))
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return '"' + text.replace('"', '\\"') + '"'
    return text


@st.composite
def flows(draw: Any, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["scalar", "scalar", "list", "map"])) if depth < 3 else "scalar"
    if kind == "scalar":
        return draw(scalars())
    ending = draw(st.sampled_from(["", ",", " "]))
    if kind == "list":
        return "[" + ", ".join(draw(st.lists(flows(depth + 1), max_size=3))) + ending + "]"
    pairs = draw(st.lists(st.tuples(scalars(), st.sampled_from([": ", ":", " : "]), flows(depth + 1)), max_size=3))
    return "{" + ", ".join(k + sep + v for k, sep, v in pairs) + ending + "}"


@st.composite
def blocks(draw: Any, indent: int = 0, depth: int = 0) -> str:
    pad = " " * indent
    lines = []
    sequence = draw(st.booleans())
    for _ in range(draw(st.integers(1, 3))):
        comment = draw(st.sampled_from(["", " # c", "  #x"]))
        if sequence:
            if depth < 3 and draw(st.integers(0, 3)) == 0:
                lines.append(f"{pad}-\n" + draw(blocks(indent + 2, depth + 1)))
            else:
                lines.append(f"{pad}- {draw(st.one_of(flows(), scalars()))}{comment}\n")
            continue
        key = draw(scalars()) or "k"
        kind = draw(st.sampled_from(["value", "value", "nested", "block scalar"])) if depth < 3 else "value"
        if kind == "nested":
            lines.append(f"{pad}{key}:\n" + draw(blocks(indent + draw(st.sampled_from([2, 4])), depth + 1)))
        elif kind == "block scalar":
            header = draw(st.sampled_from(["|", ">", "|-", ">+", "|2", "| #c"]))
            body = "".join(f"{pad}  {draw(scalars())}\n" for _ in range(draw(st.integers(1, 3))))
            lines.append(f"{pad}{key}: {header}\n{body}")
        else:
            lines.append(f"{pad}{key}:{draw(st.sampled_from([' ', '  ']))}{draw(st.one_of(flows(), scalars()))}{comment}\n")
    return "".join(lines)


EDITS = [
    *SCALAR_PARTS,
    "\n",
    "\n  ",
    "\n- ",
    "\t",
    "\r",
    "\r\n",
    "\x85",
    "\u2028",
    "\ufeff",
    "\x7f",
    "---",
    "...",
    "|#",
    "&a ",
    "*a",
]


@st.composite
def edited_files(draw: Any) -> str:
    """A slice of a shipped file with a few characters inserted, deleted or a line doubled: the mistakes people make."""
    lines = draw(st.sampled_from(FILES)).read_text(encoding="utf-8").split("\n")
    start = draw(st.integers(0, len(lines) - 1))
    text = "\n".join(lines[start : start + draw(st.integers(1, 25))])
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "insert", "delete", "double"]))
        if edit == "insert":
            text = text[:at] + draw(st.sampled_from(EDITS)) + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 3)) :]
        else:
            here = text.count("\n", 0, at)
            rows = text.split("\n")
            text = "\n".join([*rows[: here + 1], rows[here], *rows[here + 1 :]])
    return text


@pytest.mark.skipif(yamlfile._CParser is None, reason="PyYAML without libyaml")
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(blocks(), edited_files(), st.lists(st.sampled_from([*SCALAR_PARTS, *EDITS]), max_size=30).map("".join)))
def test_libyaml_reads_as_pyyaml_reads_or_leaves_the_text_to_it(text: str) -> None:
    assert_readers_agree(text)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("a:\tb\n", "a tab"),
        ("a: x\x85y\n", "a Unicode line break"),
        ("a: |#\n  x\n", "a block scalar's header running into a comment"),
        ("a: [x ?]\n", "a '?' in plain text in a flow collection"),
        ("a: {b: }\n", "an empty value"),
        ("a: &x 1\n", "an anchor"),
        ("a: [\n", "a broken file"),
        ("a: 1\na: 2\n", "a key given twice"),
        ("<<: {a: 1}\n", "a merge key"),
        ("[a]: 1\n", "a key that is no text"),
        ("a: 1\n---\nb: 2\n", "a second document"),
        ("a: !!str 1\n", "a tag"),
        ("a: *x\n", "an alias"),
        ("a: " + "[" * 60 + "]" * 60 + "\n", "deep nesting"),
        ("# only a comment\n", "no document"),
    ],
)
def test_what_the_readers_may_differ_on_is_left_to_pyyaml(text: str, why: str) -> None:
    assert yamlfile._fast_read(text, "f.yaml") is None, why


def test_a_raw_control_character_is_a_problem_at_its_place(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("campaign:\n  name: Tryg\x7fg\n", encoding="utf-8")
    with pytest.raises(YamlFileError) as info:
        read_yaml(path, "messages/x.yaml")
    assert info.value.problem.format() == (
        "messages/x.yaml:2:13: error: YAML syntax error: control character U+007F is not allowed in a YAML file; delete it"
    )


def test_equals_and_merge_signs_alone_are_text(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: =\nb: [<<, '<<']\n", encoding="utf-8")
    assert read_yaml(path, "x.yaml").data == {"a": "=", "b": ["<<", "<<"]}
