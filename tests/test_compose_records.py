"""quick_init: the composer's frozen records built without object.__setattr__ behave as dataclass made them."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from campaign.compose.core import Dropped, Part, Post
from campaign.compose.fit import Tail
from campaign.compose.records import quick_init
from campaign.registry import areas


@dataclasses.dataclass(frozen=True)
class _Plain:
    a: int
    b: str = "b"
    c: tuple[int, ...] = dataclasses.field(default=())


_Quick = quick_init(dataclasses.make_dataclass("_Quick", [("a", int), ("b", str, "b"), ("c", tuple, ())], frozen=True))


def test_the_same_values_defaults_and_keywords_as_dataclass_gives() -> None:
    for args, kwargs in [((1,), {}), ((1, "x"), {}), ((1,), {"c": (2,)}), ((), {"a": 3, "b": "y", "c": (4,)})]:
        plain, quick = _Plain(*args, **kwargs), _Quick(*args, **kwargs)
        assert dataclasses.astuple(plain) == dataclasses.astuple(quick)
        assert repr(plain).replace("_Plain", "_Quick") == repr(quick)
    with pytest.raises(TypeError):
        _Quick()
    with pytest.raises(TypeError):
        _Quick(1, "b", (), 4)


def test_records_stay_frozen_equal_hashable_and_picklable() -> None:
    area = areas()[0]
    part = Part("text", 4, 280)
    post = Post("m", "long", "x", area, 0, (part,), None, dropped=(Dropped("hashtag", "#a", "cap"),))
    for record in (part, post, Tail(("@a",), None, ("t",))):
        copy = pickle.loads(pickle.dumps(record))
        assert copy == record and hash(copy) == hash(record)
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.text = "other"  # type: ignore[misc,union-attr]
    assert post.hashtags == () and post.levels == () and part.facets == ()


def test_refuses_what_it_cannot_do() -> None:
    with pytest.raises(TypeError):
        quick_init(dataclasses.make_dataclass("Open", [("a", int)]))
    with pytest.raises(TypeError):
        quick_init(dataclasses.make_dataclass("Made", [("a", list, dataclasses.field(default_factory=list))], frozen=True))
