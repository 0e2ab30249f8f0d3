"""The content key (``campaign.kit.digest``) every reused output is looked up by: equal content, equal key;
any difference that could change an output, another key."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from campaign.kit import digest


@dataclasses.dataclass(frozen=True)
class Box:
    value: object


@dataclasses.dataclass(frozen=True)
class Other:
    value: object


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
        | st.builds(Box, inner)
    ),
    max_leaves=20,
)


@given(values)
def test_one_object_met_twice_keys_as_two_equal_objects(value: object) -> None:
    """Within a value an object is hashed once and then fed by its hash: sharing it must not change the key."""
    shared = Box(value)
    assert digest((shared, shared)) == digest((Box(value), Box(value)))


@given(values, values)
def test_different_content_different_key(a: object, b: object) -> None:
    if (type(a), repr(a)) != (type(b), repr(b)):
        assert digest(Box(a)) != digest(Box(b))


def test_what_a_template_tells_apart_the_key_tells_apart() -> None:
    assert digest("<b>") != digest(Markup("<b>")), "Markup is written unescaped, text escaped"
    assert digest((1,)) != digest([1])
    assert digest(1) != digest(1.0) != digest(True)
    assert digest(Box(1)) != digest(Other(1)), "the class is part of the key"
    assert digest({"a": 1, "b": 2}) != digest({"b": 2, "a": 1}), "a template loops in a mapping's order"
    assert digest(dt.date(2026, 12, 2)) != digest("2026-12-02")
    assert digest(Path("a")) != digest("a")
    assert digest(("ab", "c")) != digest(("a", "bc"))


def test_what_it_cannot_key_it_refuses() -> None:
    with pytest.raises(TypeError, match="no content key"):
        digest([object()])


@given(st.lists(values, min_size=1, max_size=5))
def test_a_memo_shared_by_many_keys_changes_none_of_them(parts: list[object]) -> None:
    """The keys of one stage share a memo (campaign.site.stage): each is the key it has alone, whatever the
    memo met before, and a memo keeps what it met alive, so no later object can take its id."""
    shared = Box(tuple(parts))
    memo: dict[int, tuple[object, bytes]] = {}
    values_ = [(shared, i, part) for i, part in enumerate(parts)] + [Box(part) for part in parts]
    assert [digest(v, memo) for v in values_] == [digest(v) for v in values_]
    for i in range(50):  # each made after the last one is dropped (its id free again): keyed by its own content
        fresh = Box(i)
        assert digest(fresh, memo) == digest(fresh)
