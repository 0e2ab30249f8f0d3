"""The page's image lookup: the index built once answers exactly what the rule says.

The rule (site/view.py): a message's images are its own cards and its figures'
cards; for an area, those drawn for the area itself, else for its län, else
the national ones; sorted by card, id and file. The reference here scans the
whole list as the rule is written, which is what the index replaced (it cost
messages × areas × images on a big campaign).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.kit import ImageFile
from campaign.model import NATIONAL, Area, Message
from campaign.site.view import ImageIndex, images_for

FIGURES = ("a", "b", "c")
PLACES = (("national", ""), ("lan", "03"), ("lan", "01"), ("kommun", "0380"), ("kommun", "0114"))
AREAS = (
    NATIONAL,
    Area("kommun", "0380", "Uppsala", "03", "Uppsala län", "uppsala"),
    Area("kommun", "0114", "Upplands Väsby", "01", "Stockholms län", "upplands-vasby"),
    Area("kommun", "2480", "Umeå", "24", "Västerbottens län", "umea"),
)


def reference(images: list[ImageFile], message: Message, area: Area) -> list[str]:
    mine = [i for i in images if (i.card == "message" and i.id == message.id) or (i.card == "figure" and i.id in message.figures)]
    for level, code in ((area.level, area.code), ("lan", area.lan_code), ("national", "")):
        local = [i for i in mine if i.area_level == level and i.area_code == code]
        if local:
            return [i.file for i in sorted(local, key=lambda i: (i.card, i.id, i.file))]
    return []


rows = st.lists(
    st.builds(
        lambda card, ident, place, n: ImageFile(
            file=f"{card}-{ident}-{place[0]}{place[1]}-{n}.png",
            card=card,
            id=ident,
            area_level=place[0],
            area_code=place[1],
            area_name="",
            size="og" if n % 2 else "x",
            platforms=(),
            width=1200,
            height=630 if n % 2 else 675,
            bytes=1,
            alt="",
            sha256="",
        ),
        st.sampled_from(("message", "figure")),
        st.sampled_from(("m1", "m2", *FIGURES)),
        st.sampled_from(PLACES),
        st.integers(0, 3),
    ),
    max_size=30,
    unique_by=lambda r: r.file,
)
messages = st.builds(
    lambda ident, figures: Message(
        id=ident, kind="long", variants=("x",), figures=tuple(figures), link=None, hashtags=(), tag=None
    ),
    st.sampled_from(("m1", "m2")),
    st.lists(st.sampled_from(FIGURES), max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(rows, messages, st.sampled_from(AREAS))
def test_index_answers_as_the_rule(images: list[ImageFile], message: Message, area: Area) -> None:
    index = ImageIndex(images)
    assert [v.file for v in images_for(index, message, area)] == reference(images, message, area)
    assert [v.file for v in images_for(images, message, area)] == reference(images, message, area)  # a plain list too
