"""Composed posts of the default campaign: text, levels, variants, tags, UTM, facets, errors."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest

from campaign.compose import Post, compose, compose_all, count
from campaign.compose.core import PostTooLong, render_body, variant_index
from campaign.compose.utm import with_utm
from campaign.errors import CampaignInvalid
from campaign.loader import load
from campaign.model import NATIONAL, Area, Campaign, Mention, Message, Utm
from campaign.registry import kommun
from tests.conftest import REPO
from tests.message_edit import set_message_text
from tests.tagged import KOMMUNER, tag_politicians, tagged_copy
from tests.tagged import areas as tagged_areas

UPPSALA = kommun("0380")
STOCKHOLM = kommun("0180")
RAPPORT = "https://kampanj.example.org/rapport/socialsekreterarna-2019"


def utm(source: str) -> str:
    return f"{RAPPORT}?utm_source={source}&utm_medium=social&utm_campaign=trygg-socialtjanst-2026"


@pytest.fixture(scope="module")
def default() -> Campaign:
    return load(REPO).campaign


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Campaign:
    """The default campaign with the politicians of tests/tagged.py, resolved by the real registry."""
    return load(tagged_copy(REPO, tmp_path_factory.mktemp("tagged") / "kampanj")).campaign


def edited(root: Path, file: str, old: str, new: str) -> Campaign:
    path = root / "messages" / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load(root).campaign


def test_a_kommun_post_on_x_with_its_politicians(tagged: Campaign) -> None:
    post = compose(tagged, "kort-hot", UPPSALA, "x")
    assert post.text == (
        "Drygt var tredje socialsekreterare har hotats eller utsatts för våld (riksgenomsnitt). "
        "Polisanmäler Uppsala varje hot?\n\n"  # a local post names its area
        "@anna_uppsala, Bo Berg\n"
        f"{utm('x')}\n"
        "#socialtjänst #svpol #TryggSocialtjänst"
    )
    assert post.parts[0].length == count("x", post.text).length <= 280
    assert [m.politician_id for m in post.mentions] == ["0380-chair", "0380-vice"]
    assert post.link == utm("x") and post.dropped == () and post.levels == ("national",)


def test_composing_works_with_no_politicians_at_all(default_campaign: Path) -> None:
    (default_campaign / "messages" / "politicians.yaml").unlink()
    post = compose(load(default_campaign).campaign, "kort-hot", UPPSALA, "x")  # the real registry, with nobody to tag
    assert post.mentions == () and "@" not in post.text


def test_the_text_says_which_level_the_figure_is(tagged: Campaign) -> None:
    own = compose(tagged, "rattssakerhet", STOCKHOLM, "mastodon")  # Stockholm has its own figure
    assert own.text.startswith(
        "Var tredje socialsekreterare i Stockholm anser att staden inte kan leva upp till socialtjänstlagens intentioner "
        "(Akademikerförbundet SSR:s enkät i Stockholms stad, hösten 2008)."
    )
    assert own.levels == ("kommun",)
    national = compose(tagged, "rattssakerhet", UPPSALA, "mastodon")
    assert national.text.startswith("Fyra av tio socialsekreterare i landet upplever")
    assert "riksgenomsnitt" not in national.text  # "i landet" already says it
    short = compose(tagged, "kort-resurser", UPPSALA, "mastodon")  # the template does not say where
    assert short.text.startswith("Varannan socialsekreterare saknar resurser för att göra ett bra jobb (riksgenomsnitt). ")
    assert "riksgenomsnitt" not in compose(tagged, "kort-resurser", NATIONAL, "mastodon").text


def test_the_level_note_ends_the_clause_with_the_figure(tagged: Campaign) -> None:
    # At the end of the sentence "(riksgenomsnitt)" would seem to qualify "i mindre kommuner".
    post = compose(tagged, "bemanning", UPPSALA, "mastodon")
    assert post.text.startswith(
        "Mer än sex av tio socialchefer har svårt att bemanna socialtjänsten så mycket som behövs (riksgenomsnitt), "
        "och värst är det i mindre kommuner. Utan personal ingen socialtjänst. Hur ser det ut i Uppsala?"
    )


def test_the_level_note_never_splits_a_number_or_lands_before_a_dash(default_campaign: Path) -> None:
    set_message_text(
        default_campaign,
        "kort-hot",
        "{{ figure.percent }} av socialsekreterarna har hotats – varje hot ska polisanmälas. Arbetsgivaren måste agera.",
    )
    campaign = load(default_campaign).campaign
    post = compose(campaign, "kort-hot", UPPSALA, "mastodon", tags=())
    assert post.text.startswith("35\u00a0% av socialsekreterarna har hotats (riksgenomsnitt) – varje hot ska polisanmälas. ")


def test_a_lan_figure_is_named_as_the_lans(tmp_path: Path, default_campaign: Path) -> None:
    campaign = edited(
        default_campaign,
        "figures.yaml",
        "    value: 50\n    statement: anger brist",
        '    value: 50\n    regions:\n      "03": {value: 25}\n    statement: anger brist',
    )
    post = compose(campaign, "kort-resurser", UPPSALA, "linkedin")
    assert post.text.startswith(
        "Var fjärde socialsekreterare saknar resurser för att göra ett bra jobb (siffra för Uppsala län). "
    )
    assert post.levels == ("lan",)


def test_variants_rotate_so_that_neighbours_differ(tagged: Campaign) -> None:
    message = tagged.message("resurser")
    uppsala_lan = [kommun(c) for c in ("0305", "0319", "0330", "0380", "0381")]  # in code order
    chosen = [variant_index(message, a) for a in uppsala_lan]
    assert all(a != b for a, b in itertools.pairwise(chosen))
    assert chosen == [variant_index(message, a) for a in uppsala_lan]  # deterministic
    texts = {compose(tagged, message, a, "x").text for a in uppsala_lan}
    assert len(texts) == len(uppsala_lan)


def test_posts_for_different_kommuner_differ_on_every_platform(tagged: Campaign) -> None:
    kommuner = [kommun(c) for c in KOMMUNER]
    posts = compose_all(tagged, kommuner)
    by_key: dict[tuple[str, str], set[str]] = {}
    for post in posts:
        by_key.setdefault((post.message_id, post.platform), set()).add(post.text)
    same = [key for key, texts in by_key.items() if len(texts) < len(kommuner)]
    # Every message of the default bank names the area in a local post, so no two kommuner read alike.
    assert same == []


def test_linkedin_and_facebook_name_politicians_with_their_role(tagged: Campaign) -> None:
    post = compose(tagged, "kort-lag", UPPSALA, "facebook")
    assert "\n\nAnna Andersson (ordförande i socialnämnden), Bo Berg (vice ordförande i socialnämnden)\n" in post.text


def test_instagram_writes_the_link_for_the_bio_and_caps_hashtags(tmp_path: Path, default_campaign: Path) -> None:
    extra = "".join(f"  - tag: extra{i}\n" for i in range(4))
    campaign = edited(default_campaign, "links.yaml", "  - tag: TryggSocialtjänst\n", "  - tag: TryggSocialtjänst\n" + extra)
    post = compose(campaign, "kort-lag", NATIONAL, "instagram")
    press = "https://kampanj.example.org/press/trygg-socialtjanst?utm_source=instagram&utm_medium=social&utm_campaign=trygg-socialtjanst-2026"
    assert f"\n\nLänk i bio: {press}\n#socialtjänst #svpol #TryggSocialtjänst #extra0 #extra1" in post.text
    assert [str(d) for d in post.dropped] == ["#extra2 (cap)", "#extra3 (cap)"]
    threads = compose(campaign, "kort-lag", NATIONAL, "threads")
    assert threads.hashtags == ("socialtjänst",)
    assert threads.text.endswith("\n#socialtjänst")


def test_a_required_hashtag_stays_when_optional_ones_drop(tagged: Campaign) -> None:
    full = compose(tagged, "kort-hot", UPPSALA, "mastodon").parts[0].length
    limit = full - len(" #TryggSocialtjänst #svpol")  # room only once both optional tags are gone
    post = compose(tagged, "kort-hot", UPPSALA, "mastodon", instance_limit=limit)
    assert post.text.endswith(f"\n{utm('mastodon')}\n#socialtjänst")
    assert [str(d) for d in post.dropped] == ["#TryggSocialtjänst (length)", "#svpol (length)"]
    assert post.parts[0].length == limit


def test_a_bluesky_post_shows_its_link_as_the_app_does_and_keeps_every_tag(tagged: Campaign) -> None:
    # Counted as the Bluesky app posts it, the short link leaves room for every hashtag.
    post = compose(tagged, "kort-hot", UPPSALA, "bluesky")
    assert post.text.endswith(
        "@anna.uppsala.example, Bo Berg\nkampanj.example.org/rapport/soci...\n#socialtjänst #svpol #TryggSocialtjänst"
    )
    assert post.dropped == () and not post.is_thread and post.link == utm("bluesky")


def test_a_hashtag_written_in_the_body_is_not_repeated(tmp_path: Path, default_campaign: Path) -> None:
    set_message_text(default_campaign, "kort-lag", "#svpol Socialtjänsten behöver en ny lag som kräver kunskap i varje beslut.")
    campaign = load(default_campaign).campaign
    post = compose(campaign, "kort-lag", NATIONAL, "x")
    assert post.text.count("#svpol") == 1 and post.hashtags == ("socialtjänst", "svpol", "TryggSocialtjänst")


def test_bluesky_facets_have_utf8_byte_offsets(tagged: Campaign) -> None:
    post = compose(tagged, "kort-hot", UPPSALA, "bluesky")
    data = post.parts[0].text.encode("utf-8")
    spans = [
        (data[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode("utf-8"), f["features"][0]) for f in post.parts[0].facets
    ]
    assert spans == [
        ("@anna.uppsala.example", {"$type": "app.bsky.richtext.facet#mention", "did": "did:web:anna.uppsala.example"}),
        ("kampanj.example.org/rapport/soci...", {"$type": "app.bsky.richtext.facet#link", "uri": utm("bluesky")}),
        ("#socialtjänst", {"$type": "app.bsky.richtext.facet#tag", "tag": "socialtjänst"}),
        ("#svpol", {"$type": "app.bsky.richtext.facet#tag", "tag": "svpol"}),
        ("#TryggSocialtjänst", {"$type": "app.bsky.richtext.facet#tag", "tag": "TryggSocialtjänst"}),
    ]


def test_facets_after_emoji_and_swedish_letters() -> None:
    from campaign.compose.facets import facets, short_text

    text = "Åäö 👨‍👩‍👧 läs https://a.se/ö #välfärd!"
    posted = short_text(text)  # the app's short form: the path percent-encoded, no scheme
    assert posted == "Åäö 👨‍👩‍👧 läs a.se/%C3%B6 #välfärd!"
    found = facets(text)
    assert [(f["index"]["byteStart"], f["index"]["byteEnd"]) for f in found] == [(31, 42), (43, 53)]
    assert posted.encode()[31:42].decode() == "a.se/%C3%B6" and found[0]["features"][0]["uri"] == "https://a.se/ö"
    assert found[1]["features"][0]["tag"] == "välfärd"


def test_a_mention_without_a_did_gets_no_facet(default: Campaign) -> None:
    mention = Mention("p", "Anna", "ordförande", "anna.example", None)
    post = compose(default, "kort-lag", UPPSALA, "bluesky", tags=[mention])
    assert "@anna.example" in post.text
    assert all(f["features"][0]["$type"] != "app.bsky.richtext.facet#mention" for f in post.parts[0].facets)


def test_utm_keeps_an_existing_query_and_fragment() -> None:
    settings = Utm(True, "kampanj", "social", {"x": "twitter"})
    assert with_utm("https://a.se/r?lang=sv#del-2", settings, "x") == (
        "https://a.se/r?lang=sv&utm_source=twitter&utm_medium=social&utm_campaign=kampanj#del-2"
    )
    assert with_utm("https://a.se/r?utm_source=nyhetsbrev", settings, "bluesky") == (
        "https://a.se/r?utm_source=nyhetsbrev&utm_medium=social&utm_campaign=kampanj"
    )
    assert (
        with_utm("https://a.se", settings, "mastodon")
        == "https://a.se/?utm_source=mastodon&utm_medium=social&utm_campaign=kampanj"
    )


def test_utm_can_be_turned_off_per_link(tmp_path: Path, default_campaign: Path) -> None:
    campaign = edited(
        default_campaign, "links.yaml", "    title: Pressmeddelande\n", "    title: Pressmeddelande\n    utm: false\n"
    )
    assert compose(campaign, "kort-lag", NATIONAL, "x").link == "https://kampanj.example.org/press/trygg-socialtjanst"
    assert compose(campaign, "kort-hot", NATIONAL, "x").link == utm("x")


def test_a_long_message_becomes_a_thread_on_x(default_campaign: Path) -> None:
    tag_politicians(default_campaign)
    long = (
        "Socialtjänsten behöver en ny lag som kräver förebyggande arbete och kunskap i varje beslut. "
        "Det är barn, unga och utsatta vuxna som får betala när lagen inte räcker till. "
        "Därför kräver vi en ny socialtjänstlag, en säkerhetskommission och minst två handläggare i varje LVU-ärende."
    )
    set_message_text(default_campaign, "kort-lag", long)
    campaign = load(default_campaign).campaign
    post = compose(campaign, "kort-lag", UPPSALA, "x")
    press = (
        "https://kampanj.example.org/press/trygg-socialtjanst?utm_source=x&utm_medium=social&utm_campaign=trygg-socialtjanst-2026"
    )
    assert [p.text for p in post.parts] == [  # the tail takes as many of the last sentences as fit beside it
        "1/2 Socialtjänsten behöver en ny lag som kräver förebyggande arbete och kunskap i varje beslut.",
        "2/2 Det är barn, unga och utsatta vuxna som får betala när lagen inte räcker till. "
        "Därför kräver vi en ny socialtjänstlag, en säkerhetskommission och minst två handläggare i varje LVU-ärende.\n\n"
        f"@anna_uppsala, Bo Berg\n{press}\n#socialtjänst #svpol #TryggSocialtjänst",
    ]
    assert all(p.length <= 280 and count("x", p.text).length == p.length for p in post.parts)


def test_too_long_for_linkedin_is_an_error_naming_message_platform_and_overflow(tmp_path: Path, default_campaign: Path) -> None:
    sentence = "Det här är en mening som upprepas för att göra budskapet alldeles för långt. "
    set_message_text(default_campaign, "kort-lag", sentence * 40)
    campaign = load(default_campaign).campaign
    with pytest.raises(PostTooLong) as caught:
        compose(campaign, "kort-lag", NATIONAL, "linkedin")
    assert str(caught.value) == (
        "message 'kort-lag' does not fit LinkedIn for Sverige: 3222 of 3000 characters, 222 over "
        "(too long, even without optional hashtags and mentions)"
    )
    with pytest.raises(CampaignInvalid) as invalid:
        compose_all(campaign, [NATIONAL, UPPSALA])
    messages = [p.format() for p in invalid.value.problems]
    assert messages == [  # CampaignInvalid sorts its problems
        "messages/messages.yaml: error: messages[12]: message 'kort-lag' does not fit Instagram for Sverige: 3235 of 2200 characters, "
        "1035 over (too long, even without optional hashtags and mentions) (and 1 more area)",
        "messages/messages.yaml: error: messages[12]: message 'kort-lag' does not fit LinkedIn for Sverige: 3222 of 3000 characters, "
        "222 over (too long, even without optional hashtags and mentions) (and 1 more area)",
    ]


def test_a_mastodon_instance_limit_is_honoured(default: Campaign) -> None:
    post = compose(default, "resurser", NATIONAL, "mastodon", instance_limit=200)
    assert post.is_thread and all(p.length <= 200 and p.limit == 200 for p in post.parts)


def test_compose_all_is_sorted_and_deterministic(tagged: Campaign) -> None:
    areas = tagged_areas()
    first = compose_all(tagged, list(reversed(areas)))
    again = compose_all(tagged, areas)
    assert [p.to_json() for p in first] == [p.to_json() for p in again]
    assert len(first) == len(areas) * len(tagged.messages) * 7
    keys = [(p.area.level, p.area.code, p.message_id, p.platform) for p in first[:8]]
    assert keys[0] == ("national", "", "resurser", "x") and keys[7] == ("national", "", "rattssakerhet", "x")


def _composed_counting_renders(campaign: Campaign, areas: list[Area]) -> tuple[list[Post], int]:
    from campaign.compose import core

    rendered = []

    def counting(campaign: Campaign, message: Message, area: Area, ctx: Any = None) -> Any:
        rendered.append((message.id, area.code))
        return render_body(campaign, message, area, ctx)

    with patch.object(core, "render_body", counting):
        return compose_all(campaign, areas), len(rendered)


def test_areas_a_template_cannot_tell_apart_share_one_render_and_get_each_their_own_post(
    tagged: Campaign, default_campaign: Path
) -> None:
    """compose_all renders a message once for the areas of a level whose figures are the same when its template
    reads nothing else of the area; every post is still what composing it alone gives."""
    edited(default_campaign, "messages.yaml", "socialsekreterare i {{ kommun }}", "socialsekreterare {{ figure.where }}")
    figure_only = edited(
        default_campaign, "messages.yaml", "{% if area.level != 'national' %}, inte heller i {{ area.name }}{% endif %}", ""
    )  # the message on threats reads only its figure now
    areas = tagged_areas()
    for campaign in (tagged, figure_only):
        posts, renders = _composed_counting_renders(campaign, areas)
        assert [p.to_json() for p in posts] == [compose(campaign, p.message_id, p.area, p.platform).to_json() for p in posts]
        assert renders <= len(areas) * len(campaign.messages)
    assert renders < len(areas) * len(campaign.messages)


def test_compose_all_leaves_the_collector_as_it_found_it(default: Campaign) -> None:
    """The collector, paused while composing, runs again after; what a parent froze for its workers stays frozen."""
    import gc

    assert gc.isenabled()
    compose_all(default, [NATIONAL, UPPSALA])
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.freeze()  # as the build does before it forks a worker
    try:
        frozen = gc.get_freeze_count()
        compose_all(default, [NATIONAL, UPPSALA])
        assert gc.get_freeze_count() == frozen and gc.isenabled()
    finally:
        gc.unfreeze()
    gc.disable()
    try:
        compose_all(default, [NATIONAL])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_utm_settings_come_from_the_campaign(default_campaign: Path) -> None:
    campaign = edited(
        default_campaign, "campaign.yaml", "    medium: social\n", "    medium: organic\n    source: {x: twitter}\n"
    )
    assert compose(campaign, "kort-lag", NATIONAL, "x").link == (
        "https://kampanj.example.org/press/trygg-socialtjanst?utm_source=twitter&utm_medium=organic&utm_campaign=trygg-socialtjanst-2026"
    )
    campaign = edited(default_campaign, "campaign.yaml", "    medium: organic\n", "    medium: organic\n    enabled: false\n")
    assert compose(campaign, "kort-lag", NATIONAL, "mastodon").link == "https://kampanj.example.org/press/trygg-socialtjanst"


def test_a_message_without_a_link_has_no_link_line(default: Campaign) -> None:
    from dataclasses import replace

    message = replace(default.message("kort-lag"), link=None)
    post = compose(default, message, NATIONAL, "instagram")
    assert post.link is None
    assert post.text == (
        "Socialtjänsten behöver en ny lag som kräver förebyggande arbete och kunskap i varje beslut.\n\n"
        "#socialtjänst #svpol #TryggSocialtjänst"
    )


def test_no_part_of_the_default_kit_is_only_a_link_and_hashtags() -> None:
    """Every thread part carries words of the message (was: 2 042 Bluesky and 18 X parts of link and tags alone)."""
    from campaign.registry import areas

    posts = compose_all(load(REPO).campaign, areas(), ["x", "bluesky", "mastodon"])
    assert sum(p.is_thread for p in posts if p.platform == "bluesky") < 10  # the short link fits one post
    for post in posts:
        for part in post.parts:
            body = re.sub(r"^\d+/\d+ ", "", part.text).split("\n\n")[0]
            assert not all(w.startswith(("#", "@")) or "://" in w or "..." in w for w in body.split()), part.text
