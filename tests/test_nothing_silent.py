"""Nothing silent (issue 12): `validate` says what `build` will do; tags follow the post's date; tagging,
images and small things never fail without a word.

Each test drives a campaign made by `campaign init` (or the default one) through the real entry point
or the library, and asserts the exact message a user sees.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from importlib import resources
from pathlib import Path

import pytest

from campaign.errors import CampaignInvalid
from campaign.scaffold import scaffold
from tests.conftest import run_cli

DEC_2026 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def init(tmp_path: Path, name: str = "kampanj") -> Path:
    root = tmp_path / name
    scaffold(root)
    return root


def edit(root: Path, old: str, new: str, name: str = "campaign.yaml") -> None:
    path = root / "messages" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, needle: str, name: str = "campaign.yaml") -> int:
    lines = (root / "messages" / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


SHORT = 'text: "{{ figure.words | upper_first }} {{ figure.population }} har för hög arbetsbelastning.{% if kommun %} Hur är det i {{ kommun }}?{% endif %}"'
POLITICIANS = """
politicians:
  - id: anna-exempel
    name: Anna Exempel
    roles:
      - {{body: socialnämnden, title: ordförande, kommun: "0380", start: {start}}}
    handles:
      bluesky: anna.example.org
    verified: 2026-11-01
    example: true
"""


# --- 1. validate composes every post and says what build would say ----------------------------


def test_validate_refuses_a_short_message_build_refuses_at_its_line(tmp_path: Path) -> None:
    root = init(tmp_path)
    edit(root, SHORT, 'text: "' + " ".join(["ord"] * 700) + '"')
    line = line_of(root, 'text: "ord ord')
    result = run_cli("validate", str(root))
    assert result.code == 2
    assert (
        f"messages/campaign.yaml:{line}:11: error: messages[1]: message 'kort-arbetsbelastning' does not fit Instagram for "
        "Sverige: 2913 of 2200 characters, 713 over (too long, even without optional hashtags and mentions) (and 311 more areas)"
    ) in result.err.splitlines()
    # The card it would draw cannot hold the text either: said at the same line, quoted short.
    cards = [e for e in result.err.splitlines() if "card message-kort-arbetsbelastning, size x (1200×675)" in e]
    assert len(cards) == 1 and cards[0].startswith(f"messages/campaign.yaml:{line}:11: error: messages[1]: ") and "…'" in cards[0]
    built = run_cli("build", str(root))
    assert built.code == 2
    assert f"messages/campaign.yaml:{line}:11: error: messages[1]: message 'kort-arbetsbelastning' does not fit" in built.err
    assert not (root / "build").exists()


def test_validate_gives_the_warnings_build_gives_for_a_long_short_message(tmp_path: Path) -> None:
    root = init(tmp_path)
    text = ("Arbetsbelastningen är för hög. " * 13)[:400]
    edit(root, SHORT, f'text: "{text}"')
    line = line_of(root, 'text: "Arbetsbelastningen')
    result = run_cli("validate", str(root))
    assert result.code == 0, result.err
    thread = (
        f"messages/campaign.yaml:{line}:11: warning: messages[1]: short message 'kort-arbetsbelastning' becomes a thread "
        "on X for 312 areas; shorten it to fit one post"
    )
    assert thread in result.err.splitlines()
    assert "; 4368 posts composed for " in result.out
    built = run_cli("build", str(root))
    assert built.code == 0, built.err
    build_warnings = [e for e in built.err.splitlines() if ": warning: " in e]
    validate_warnings = [e for e in result.err.splitlines() if ": warning: " in e]
    assert build_warnings == validate_warnings  # the same words, at the same places, in the same order


# --- 4. tags follow the date the post goes out ----------------------------------------------------


def _launch_2027(root: Path, start: str) -> None:
    edit(root, "launch_date: 2026-03-01", "launch_date: 2027-01-15")
    edit(root, "  tag: []", '  tag: ["socialnämnden: ordförande"]')
    edit(root, "# Politicians that posts", POLITICIANS.format(start=start) + "\n# Politicians that posts")


def test_a_kit_built_before_the_launch_tags_who_holds_the_role_at_the_launch(tmp_path: Path) -> None:
    from campaign.build import build

    root = init(tmp_path)
    _launch_2027(root, "2027-01-01")
    built = build(root, root / "build", now=DEC_2026)  # December 2026: the role has not started on the build's day
    assert built.kit.date == dt.date(2027, 1, 15)
    uppsala = [p for p in built.posts if p.area.code == "0380" and p.platform == "bluesky"]
    assert uppsala and all(p.mentions and p.mentions[0].handle == "anna.example.org" for p in uppsala)
    assert "@anna.example.org" in uppsala[0].text
    # --on chooses another day: before the role starts, nobody is tagged.
    posts = run_cli("posts", str(root), "--kommun", "Uppsala", "--platform", "bluesky", "--on", "2026-12-01", "--format", "json")
    assert posts.code == 0, posts.err
    assert all(not p["mentions"] for p in json.loads(posts.out))
    posts = run_cli("posts", str(root), "--kommun", "Uppsala", "--platform", "bluesky", "--format", "json")
    assert all(p["mentions"] for p in json.loads(posts.out))  # default: the launch date, not the clock


def test_a_role_starting_during_the_campaign_is_warned_about_at_its_line(tmp_path: Path) -> None:
    root = init(tmp_path)
    _launch_2027(root, "2027-01-20")
    line = line_of(root, "start: 2027-01-20")
    result = run_cli("validate", str(root))
    assert result.code == 0, result.err
    assert (
        f"messages/campaign.yaml:{line}:73: warning: politicians[0].roles[0].start: anna-exempel: the role ordförande i "
        "socialnämnden (0380) starts on 2027-01-20, during the campaign (2027-01-15 – 2027-02-11): "
        "posts for earlier dates do not tag Anna Exempel"
    ) in result.err.splitlines()


def test_a_role_ending_during_the_planned_campaign_is_warned_about(tmp_path: Path) -> None:
    from campaign.check import campaign_period, role_date_problems
    from campaign.loader import load

    root = init(tmp_path)
    _launch_2027(root, "2023-01-01")
    edit(root, "start: 2023-01-01}", "start: 2023-01-01, end: 2027-02-28}")
    (root / "messages" / "plan.yaml").write_text(
        "accounts:\n  - {id: masto, platform: mastodon, endpoint: https://mastodon.example}\n"
        "plan:\n  posts:\n    - {at: day 40 09:00, message: arbetsbelastning, accounts: [masto]}\n",
        encoding="utf-8",
    )
    campaign = load(root).campaign
    assert campaign_period(campaign) == (dt.date(2027, 1, 15), dt.date(2027, 2, 23))  # to the plan's last post
    assert role_date_problems(campaign) == []  # it ends after the last post
    edit(root, "end: 2027-02-28}", "end: 2027-02-01}")
    [problem] = role_date_problems(load(root).campaign)
    assert problem.format().endswith(
        "warning: politicians[0].roles[0].end: anna-exempel: the role ordförande i socialnämnden (0380) ends on 2027-02-01, "
        "during the campaign (2027-01-15 – 2027-02-23): posts for later dates do not tag Anna Exempel; add whoever holds it next"
    )


# --- 5. tagging never fails silently --------------------------------------------------------------


def test_politicians_with_an_empty_tag_rule_warn_that_nobody_is_tagged(tmp_path: Path) -> None:
    root = init(tmp_path)
    edit(root, "# Politicians that posts", POLITICIANS.format(start="2023-01-01") + "\n# Politicians that posts")
    result = run_cli("validate", str(root))
    assert result.code == 0, result.err
    line = line_of(root, "  tag: []")
    assert (
        f"messages/campaign.yaml:{line}:8: warning: campaign.tag: 1 politician is registered, but the tag rules are empty: "
        "nobody will be tagged; add a rule such as 'socialnämnden: ordförande, vice ordförande' to campaign.tag"
    ) in result.err.splitlines()
    built = run_cli("build", str(root))
    assert "registry: 1 politician (1 example); no tag rule (campaign.tag is empty): posts tag nobody" in built.out
    edit(root, "  tag: []", '  tag: ["socialnämnden: ordförande"]')
    assert "tag rules are empty" not in run_cli("validate", str(root)).err


def test_coverage_tip_and_kit_follow_the_campaigns_own_rule_and_tip(tmp_path: Path) -> None:
    root = init(tmp_path)
    edit(root, "  tag: []", '  tag: ["kommunstyrelsen: ordförande"]')
    edit(root, "# page:\n#   intro", "page:\n  tip: Fråga dem hur de tänker agera.\n# intro")
    edit(
        root,
        "# Politicians that posts",
        POLITICIANS.format(start="2023-01-01").replace("socialnämnden", "kommunstyrelsen") + "\n# Politicians that posts",
    )
    result = run_cli("build", str(root))
    assert result.code == 0, result.err
    assert "; 'kommunstyrelsen: ordförande' registered in 1 of 290 kommuner" in result.out
    build = root / "build"
    kit = (build / "kit.md").read_text(encoding="utf-8")
    assert (
        "Tagga de ansvariga lokala politikerna (ordförande i kommunstyrelsen). Fråga dem hur de tänker agera. "
        "På kampanjsidan väljer du kommun och får inläggen med politikerna redan taggade."
    ) in kit
    stockholm = (build / "kommun" / "stockholm" / "index.html").read_text(encoding="utf-8")
    assert (
        "<p>Vi har inga politiker registrerade för Stockholm ännu. Tagga gärna ordförande i kommunstyrelsen själv. "
        "Fråga dem hur de tänker agera.</p>"
    ) in stockholm
    assert "socialnämnden" not in stockholm
    uppsala = (build / "kommun" / "uppsala" / "index.html").read_text(encoding="utf-8")
    assert "<p>Tagga de ansvariga politikerna i Uppsala. Fråga dem hur de tänker agera.</p>" in uppsala
    strings = (build / "static" / "strings.js").read_text(encoding="utf-8")  # page.js's UI text, once for every page
    assert json.loads(strings.removeprefix("window.campaignStrings=").removesuffix(";\n"))["tip_none"] == (
        "Vi har inga politiker registrerade för {name} ännu. Tagga gärna ordförande i kommunstyrelsen själv. "
        "Fråga dem hur de tänker agera."
    )


def test_a_tip_with_braces_is_refused(tmp_path: Path) -> None:
    root = init(tmp_path)
    edit(root, "# page:\n#   intro", "page:\n  tip: Fråga {dem}.\n# intro")
    result = run_cli("validate", str(root))
    assert result.code == 2
    assert "page.tip: expected text without { or }" in result.err


# --- 6. no silent loss of images -----------------------------------------------------------------


def test_no_base_url_is_warned_about_naming_what_is_lost(tmp_path: Path) -> None:
    root = init(tmp_path)
    result = run_cli("validate", str(root))
    assert (
        "messages/campaign.yaml:6:3: warning: campaign: no base_url: the page gets no og:image (links to it are shared "
        "without the share card) and no og:url, the printed kit does not say where the page is, and `campaign export` "
        "leaves image_url empty; set campaign.base_url to the address the page will be published at"
    ) in result.err.splitlines()
    edit(root, "  # base_url: https://example.org/kampanj/", "  base_url: https://example.org/kampanj/")
    assert "no base_url" not in run_cli("validate", str(root)).err


# --- 7. small things --------------------------------------------------------------------------------


def test_the_default_utm_slug_folds_swedish_letters_as_the_registry_does(tmp_path: Path) -> None:
    from campaign.loader import load
    from campaign.sv import slug

    root = init(tmp_path)
    edit(root, "name: Min kampanj", "name: Trygg socialtjänst i Västerås")
    assert load(root).campaign.settings.utm.campaign == "trygg-socialtjanst-i-vasteras"
    assert slug("Ærø & Malmö – Øst!") == "aero-malmo-ost" and slug("!!!", "campaign") == "campaign"
    # One slug rule: the registry's own slugs are it (the two names that fold alike carry their code).
    for name, column in (("kommuner.csv", "kommun"), ("lan.csv", "lan")):
        with resources.files("campaign.registry").joinpath("data", name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                code = row.get("kommunkod") or row["lanskod"]
                assert row["slug"] in (slug(row[column]), f"{slug(row[column])}-{code}"), row


def test_the_env_file_reads_as_python_dotenv_does(tmp_path: Path) -> None:
    from campaign.publish.accounts import read_env_file

    env = tmp_path / ".env"
    env.write_text(
        "# credentials\n"
        "CAMPAIGN_MASTO_ACCESS_TOKEN=abc123   # the bot account's token\n"
        "export CAMPAIGN_X_API_KEY='quoted # not a comment'\n"
        'CAMPAIGN_X_API_SECRET="two\\nlines"\n'
        "CAMPAIGN_EMPTY=\n"
        "CAMPAIGN_DOLLAR=pa$$word\n",
        encoding="utf-8",
    )
    assert read_env_file(env) == {
        "CAMPAIGN_MASTO_ACCESS_TOKEN": "abc123",
        "CAMPAIGN_X_API_KEY": "quoted # not a comment",
        "CAMPAIGN_X_API_SECRET": "two\nlines",
        "CAMPAIGN_EMPTY": "",
        "CAMPAIGN_DOLLAR": "pa$$word",
    }


def test_a_credential_with_a_comment_after_it_publishes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fakes import mastodon_api
    from tests.fakes.campaign_dir import write_campaign

    for name in list(os.environ):
        if name.startswith("CAMPAIGN_"):
            monkeypatch.delenv(name)
    server = mastodon_api.FakeMastodon().start()
    try:
        root = write_campaign(
            tmp_path / "k",
            [{"id": "hot", "kind": "short", "text": "Var tredje har hotats i arbetet."}],
            [{"id": "masto", "platform": "mastodon", "endpoint": server.url}],
            [{"at": "day 1 09:00", "message": "hot", "accounts": ["masto"]}],
        )
        (root / ".env").write_text(f"CAMPAIGN_MASTO_ACCESS_TOKEN={mastodon_api.TOKEN}  # bot token, made 2026-01\n")
        assert run_cli("schedule", "plan", str(root)).code == 0
        result = run_cli("publish", str(root), "--now", "day 1 09:05")
        assert result.code == 0, result.out + result.err
        assert [s["text"] for s in server.statuses] == ["Var tredje har hotats i arbetet."]
    finally:
        server.stop()


def test_emoji_on_a_card_are_refused_at_their_line_and_build_refuses_them_too(tmp_path: Path) -> None:
    root = init(tmp_path)
    edit(root, "har för hög arbetsbelastning.{%", "har för hög arbetsbelastning 💪🏽.{%")
    edit(root, "title: Mer resurser", "title: Mer resurser ✅")
    short, demand = line_of(root, "💪🏽"), line_of(root, "✅")
    result = run_cli("validate", str(root))
    assert result.code == 2
    errors = [e for e in result.err.splitlines() if ": error: " in e]
    assert errors == [
        f"messages/campaign.yaml:{short}:11: error: messages[1].text: the message card message-kort-arbetsbelastning would "
        "show '💪🏽' (U+1F4AA FLEXED BICEPS) as an empty box: the card font (Inter-Bold.otf, Inter-Regular.otf) has no "
        "glyph for it; remove it from the text, or give the message `image: false` (its posts keep the character, it gets no card)",
        f"messages/campaign.yaml:{demand}:12: error: demands[0].title: the demand card demand-resurser would show '✅' "
        "(U+2705 WHITE HEAVY CHECK MARK) as an empty box: the card font (Inter-Bold.otf, Inter-Regular.otf) has no glyph "
        "for it; remove it from the text",
    ]
    assert run_cli("build", str(root)).code == 2 and not (root / "build").exists()
    # Without a card, posts keep their emoji.
    edit(root, "title: Mer resurser ✅", "title: Mer resurser")
    edit(root, "    # image: false ", "    image: false #")
    assert run_cli("validate", str(root)).code == 0
    posts = run_cli("posts", str(root), "--message", "kort-arbetsbelastning", "--platform", "x")
    assert "💪🏽" in posts.out


def test_glyph_check_knows_what_the_font_draws() -> None:
    from campaign.images.glyphs import undrawable
    from campaign.images.theme import DEFAULT_FONTS

    font = str(DEFAULT_FONTS["regular"])
    assert undrawable("Åtta av tio – 45 % “citat” № →", font) == []
    assert undrawable("Nu 🇸🇪 räcker 👩‍⚕️ det 🇸🇪", font) == ["🇸🇪", "👩‍⚕️"]


def test_an_ampersand_stays_an_ampersand_in_kit_md(tmp_path: Path) -> None:
    from campaign.site.kit import md_text

    assert md_text("Vård & omsorg") == "Vård & omsorg"
    assert md_text("skriv &amp; eller &#38;") == "skriv &amp;amp; eller &amp;#38;"  # shown as written, not as "&"
    root = init(tmp_path)
    edit(root, "title: Mer resurser", "title: Vård & omsorg")
    assert run_cli("build", str(root)).code == 0
    assert "- **Vård & omsorg.** Verksamheten behöver" in (root / "build" / "kit.md").read_text(encoding="utf-8")


def test_validate_does_not_write(tmp_path: Path) -> None:
    root = init(tmp_path)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    assert run_cli("validate", str(root)).code == 0
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_invalid_library_check_lists_every_error(tmp_path: Path) -> None:
    from campaign.check import validate

    root = init(tmp_path)
    edit(root, "title: Mer resurser", "title: Mer resurser ✅")
    edit(root, SHORT, 'text: "' + " ".join(["ord"] * 700) + '"')
    with pytest.raises(CampaignInvalid) as caught:
        validate(root, now=DEC_2026)
    messages = [p.message for p in caught.value.problems if p.severity == "error"]
    assert any("does not fit Instagram" in m for m in messages) and any("U+2705" in m for m in messages)
    assert all(p.line for p in caught.value.problems)


# --- 2. figures checked for sense -------------------------------------------------------------------


def _figure(root: Path, old: str, new: str) -> list[str]:
    from campaign.loader import load

    edit(root, old, new)
    try:
        return [p.format() for p in load(root).warnings]
    except CampaignInvalid as exc:
        return [p.format() for p in exc.problems]


def test_words_that_contradict_the_value_are_an_error(tmp_path: Path) -> None:
    root = init(tmp_path)
    found = _figure(root, "    value: 40\n", "    value: 1.7\n    words: över sex av tio\n")
    line = line_of(root, "words: över sex av tio")
    assert (
        f"messages/campaign.yaml:{line}:12: error: figures[0].words: words 'över sex av tio' mean 59.5–80 %, "
        "but the value is 1.7 (1,7 %); correct one of them"
    ) in found
    assert run_cli("validate", str(root)).code == 2


def test_a_share_under_one_is_reported_with_its_likely_meaning(tmp_path: Path) -> None:
    root = init(tmp_path)
    found = _figure(root, "    value: 40\n", "    value: 0.62\n")
    line = line_of(root, "value: 0.62")
    assert (
        f"messages/campaign.yaml:{line}:12: warning: figures[0].value: a share is a percentage (0-100): 0.62 reads as 0,6 %; "
        "did you mean 62?"
    ) in found
    # With words that fit 62 %, the contradiction says the same.
    found = _figure(root, "    value: 0.62\n", "    value: 0.62\n    words: mer än sex av tio\n")
    assert any("but the value is 0.62 (0,6 %); did you mean 62?" in p for p in found)


def test_words_are_read_as_swedish_shares() -> None:
    from campaign.figures import words_range

    assert words_range("mer än sex av tio") == (59.5, 80.0)
    assert words_range("varannan") == (45.0, 55.0)
    low, high = words_range("drygt var tredje") or (0, 0)
    assert 32 < low < 34 and 35 < high < 41
    assert words_range("knappt var fjärde") == (18.0, 25.5)
    assert words_range("tre av fyra") == (70.0, 80.0)
    assert words_range("två tredjedelar") is not None
    assert words_range("en majoritet") is None  # no share named: not checked


def test_fieldwork_may_be_a_month_or_words_and_may_not_end_after_publication(tmp_path: Path) -> None:
    from campaign.images.cards import figure_card
    from campaign.loader import load
    from campaign.model import NATIONAL

    root = init(tmp_path)
    edit(root, "fieldwork: {start: 2026-01-10, end: 2026-01-31}", "fieldwork: 2022-09")
    figure = load(root).campaign.figures[0]
    assert (figure.fieldwork_start, figure.fieldwork_end, figure.fieldwork_text) == (
        dt.date(2022, 9, 1),
        dt.date(2022, 9, 30),
        "september 2022",
    )
    card = figure_card(load(root).campaign, figure, NATIONAL)
    assert card.values["source_line"] == "Källa: Exempelundersökningen 2026 (exempeldata), september\xa02022 (1\xa0000 svarande)"
    edit(root, "fieldwork: 2022-09", "fieldwork: hösten 2022\n    published: 2022-12-01")
    figure = load(root).campaign.figures[0]
    assert (figure.fieldwork_start, figure.fieldwork_text) == (None, "hösten 2022")
    assert "hösten\xa02022" not in figure_card(load(root).campaign, figure, NATIONAL).values["source_line"]  # published wins
    edit(
        root,
        "fieldwork: hösten 2022\n    published: 2022-12-01",
        "fieldwork: {start: 2022-09-01, end: 2022-10-15}\n    published: 2022-09-26",
    )
    with pytest.raises(CampaignInvalid) as caught:
        load(root)
    line = line_of(root, "fieldwork: {start: 2022-09-01")
    assert [p.format() for p in caught.value.problems if p.severity == "error"] == [
        f"messages/campaign.yaml:{line}:16: error: figures[0].fieldwork: the fieldwork ends on 2022-10-15, after the figure "
        "was published on 2022-09-26; one of the dates is wrong"
    ]
    # A month is not known to the day: published within it is fine (Socialchefsrapporten: September 2022, out the 26th).
    edit(root, "fieldwork: {start: 2022-09-01, end: 2022-10-15}", "fieldwork: 2022-09")
    assert load(root).campaign.figures[0].published == dt.date(2022, 9, 26)


def test_a_figure_may_carry_a_note_shown_with_its_source(tmp_path: Path) -> None:
    from campaign.images.cards import figure_card
    from campaign.loader import load
    from campaign.model import NATIONAL

    root = init(tmp_path)
    edit(root, "    # note: ökning från 2024 ", "    note: ökning från 2024 #")
    campaign = load(root).campaign
    assert campaign.figures[0].note == "ökning från 2024"
    card = figure_card(campaign, campaign.figures[0], NATIONAL)
    assert card.values["source_line"].endswith("(1\xa0000 svarande). ökning från 2024")
    assert card.alt.endswith(". ökning från 2024. Min organisation.")


# --- 3. who answered ----------------------------------------------------------------------------------


def test_cards_alt_text_and_sentence_say_who_answered(tmp_path: Path) -> None:
    from campaign.images.cards import figure_card
    from campaign.loader import load
    from campaign.model import NATIONAL
    from campaign.templating import figure_view

    root = init(tmp_path)
    campaign = load(root).campaign
    figure = campaign.figures[0]
    assert figure.population == "medlemmar"
    card = figure_card(campaign, figure, NATIONAL)
    assert (card.values["big"], card.values["statement"]) == (
        "Fyra av tio",
        "medlemmar säger att de har för hög arbetsbelastning",
    )
    assert card.alt.startswith("Sverige: Fyra av tio (40\xa0%) medlemmar säger att de har för hög arbetsbelastning. Källa:")
    assert figure_view(figure, NATIONAL).sentence == "fyra av tio medlemmar säger att de har för hög arbetsbelastning"
    posts = run_cli("posts", str(root), "--platform", "x", "--message", "arbetsbelastning")
    assert posts.out.splitlines()[1] == "Fyra av tio medlemmar säger att de har för hög arbetsbelastning."


def test_a_share_without_population_is_warned_about(tmp_path: Path) -> None:
    root = init(tmp_path)
    found = _figure(
        root, "    population: medlemmar              # who answered", "    # population: medlemmar            # who answered"
    )
    assert (
        "messages/campaign.yaml:26:5: warning: figures[0]: no population: cards and alt text read "
        "'Fyra av tio / säger att de har för hög arbetsbelastning' without saying who answered; add who it is, such as "
        "`population: socialchefer` (then the statement goes on without it)"
    ) in found


def test_a_character_the_font_lacks_is_found_in_every_text_after_texts_it_could_draw() -> None:
    """The glyph check remembers the characters a font has (most card texts hold nothing new), never one it lacks."""
    from campaign.images.glyphs import undrawable

    font = str(Path(__file__).resolve().parents[1] / "campaign" / "fonts" / "Inter-Regular.otf")
    assert undrawable("Socialtjänsten i Åre: 42 %", font) == []
    assert undrawable("Socialtjänsten i Åre 💪", font) == ["💪"]
    assert undrawable("Åre 💪 och 👍🏽", font) == ["💪", "👍🏽"]
    assert undrawable("Socialtjänsten i Åre: 42 %", font) == []
