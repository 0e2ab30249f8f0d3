"""`campaign validate`: every bad input gets its exact message, place and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.errors import CampaignInvalid
from campaign.loader import load
from tests.conftest import REPO


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / "messages" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def errors_of(root: Path) -> list[str]:
    with pytest.raises(CampaignInvalid) as info:
        load(root)
    return [p.format() for p in info.value.problems]


def test_default_campaign_is_valid(cli) -> None:
    result = cli("validate", ".")
    assert result.code == 0, result.err
    assert result.out.startswith("ok: Trygg socialtjänst: 13 messages, 7 figures")


def test_wrong_type_names_place_and_expectation(default_campaign: Path) -> None:
    edit(default_campaign, "figures.yaml", "    value: 50\n    statement: anger", "    value: hälften\n    statement: anger")
    assert errors_of(default_campaign) == [
        "messages/figures.yaml:7:12: error: figures[0].value: expected a number of at least 0, got text 'hälften'"
    ]


def test_missing_required_field(default_campaign: Path) -> None:
    edit(default_campaign, "links.yaml", "    title: Pressmeddelande\n", "")
    assert errors_of(default_campaign) == ["messages/links.yaml:10:5: error: links[2]: missing required key 'title' (text)"]


def test_unknown_key_suggests_the_nearest(default_campaign: Path) -> None:
    edit(
        default_campaign,
        "figures.yaml",
        "    sample_size: 2473\n    link: rapport\n    population: socialsekreterare\n  - id: rattssakerhet",
        "    sample_sise: 2473\n    link: rapport\n    population: socialsekreterare\n  - id: rattssakerhet",
    )
    assert errors_of(default_campaign) == [
        "messages/figures.yaml:11:5: error: figures[0].sample_sise: unknown key 'sample_sise' (did you mean 'sample_size'?)"
    ]


def test_unknown_section_suggests(default_campaign: Path) -> None:
    (default_campaign / "messages" / "extra.yaml").write_text("hashtag:\n  - svpol\n", encoding="utf-8")
    [problem] = errors_of(default_campaign)
    assert problem.startswith("messages/extra.yaml:1:1: error: hashtag: unknown section 'hashtag' (did you mean 'hashtags'?)")


def test_unknown_references_suggest(default_campaign: Path) -> None:
    edit(default_campaign, "messages.yaml", "figures: [forebyggande]", "figures: [forebygande]")
    edit(default_campaign, "messages.yaml", "link: socialchefsrapporten", "link: socialchefsrapport")
    assert errors_of(default_campaign) == [
        "messages/messages.yaml:42:15: error: messages[3].figures[0]: unknown figure id 'forebygande' (did you mean 'forebyggande'?)",
        "messages/messages.yaml:62:11: error: messages[5].link: unknown link id 'socialchefsrapport' (did you mean 'socialchefsrapporten'?)",
    ]


def test_duplicate_id(default_campaign: Path) -> None:
    edit(default_campaign, "demands.yaml", "  - id: resurser", "  - id: sakerhetskommission")
    assert errors_of(default_campaign) == [
        "messages/demands.yaml:5:9: error: demands[1].id: duplicate id 'sakerhetskommission'; first used at demands[0]"
    ]


def test_undefined_template_variable(default_campaign: Path) -> None:
    edit(default_campaign, "messages.yaml", "Rättssäkerheten får aldrig", "{{ kommunen }} Rättssäkerheten får aldrig")
    assert errors_of(default_campaign) == [
        "messages/messages.yaml:24:11: error: messages[1].text: template uses unknown variable 'kommunen' (did you mean 'kommun'?);"
        " known: campaign, area, kommun, lan, figure, figures, link, links, demands (template line 1)"
    ]


def test_undefined_attribute_fails_at_validation(default_campaign: Path) -> None:
    edit(default_campaign, "messages.yaml", "Rättssäkerheten får aldrig", "{{ figure.valeu }} Rättssäkerheten får aldrig")
    [problem] = errors_of(default_campaign)
    assert problem.startswith(
        "messages/messages.yaml:24:11: error: messages[1].text: template fails for national posts: UndefinedError:"
    )
    assert "valeu" in problem


def test_template_syntax_error(default_campaign: Path) -> None:
    edit(default_campaign, "messages.yaml", "Då frigörs tid", "{% if %}Då frigörs tid")
    assert errors_of(default_campaign) == [
        "messages/messages.yaml:73:11: error: messages[6].text: template syntax error: Expected an expression, got 'end of statement block' (template line 1)"
    ]


@pytest.mark.parametrize(
    "payload",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ figure['__init__'] }}",
        "{{ cycler.__init__.__globals__ }}",
    ],
)
def test_template_cannot_reach_python_internals(default_campaign: Path, payload: str) -> None:
    edit(default_campaign, "messages.yaml", "Ingen socialsekreterare ska stå", payload + " Ingen socialsekreterare ska stå")
    problems = errors_of(default_campaign)
    assert problems and all(p.startswith("messages/messages.yaml:97:11: error: messages[9].text: ") for p in problems)
    assert any("internal attribute" in p or "unknown variable 'cycler'" in p for p in problems)


def test_yaml_syntax_error(default_campaign: Path) -> None:
    edit(default_campaign, "demands.yaml", "  - id: resurser\n", "  - id: resurser\n   title: [unclosed\n")
    [problem] = errors_of(default_campaign)
    assert problem.startswith("messages/demands.yaml:6:")
    assert "YAML syntax error" in problem


def test_not_utf8(default_campaign: Path) -> None:
    path = default_campaign / "messages" / "demands.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    [problem] = errors_of(default_campaign)
    assert problem == "messages/demands.yaml:3:16: error: file is not UTF-8 (byte 0xe4 at offset 52); save it as UTF-8"


def test_empty_file(default_campaign: Path) -> None:
    (default_campaign / "messages" / "demands.yaml").write_text("", encoding="utf-8")
    assert errors_of(default_campaign) == ["messages/demands.yaml: error: file is empty; expected a YAML mapping of sections"]


def test_huge_file_is_refused_before_parsing(default_campaign: Path) -> None:
    path = default_campaign / "messages" / "huge.yaml"
    with path.open("wb") as fh:
        fh.write(b"links:\n")
        chunk = b"  - {id: x, url: 'https://example.org/', title: padding padding padding}\n" * 10_000
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(chunk)
    size_mb = path.stat().st_size / 1e6
    assert errors_of(default_campaign) == [
        f"messages/huge.yaml: error: file is {size_mb:.1f} MB; a campaign file may be at most 5 MB"
    ]


def test_exponential_aliases_are_refused(default_campaign: Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 12)
    ]
    (default_campaign / "messages" / "bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = errors_of(default_campaign)
    assert problem.startswith("messages/bomb.yaml:1:5: error: YAML syntax error: YAML anchors (&name) are not allowed")


def test_path_outside_the_campaign_is_refused(default_campaign: Path) -> None:
    edit(default_campaign, "campaign.yaml", "logo: assets/logo.png", "logo: ../../../../etc/passwd")
    assert errors_of(default_campaign) == [
        "messages/campaign.yaml:16:11: error: campaign.theme.logo: path '../../../../etc/passwd' points outside the campaign folder;"
        " keep files inside kampanj/"
    ]


def test_symlink_out_of_the_campaign_is_refused(default_campaign: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"x")
    (default_campaign / "assets" / "link.png").symlink_to(secret)
    edit(default_campaign, "campaign.yaml", "logo: assets/logo.png", "logo: assets/link.png")
    [problem] = errors_of(default_campaign)
    assert "points outside the campaign folder" in problem


def test_control_characters_are_refused(default_campaign: Path) -> None:
    edit(
        default_campaign,
        "demands.yaml",
        "title: En säkerhetskommission för socialtjänsten",
        'title: "En säkerhets\\x1bkommission"',
    )
    assert errors_of(default_campaign) == [
        "messages/demands.yaml:3:12: error: demands[0].title: control character U+001B is not allowed in text"
    ]


def test_every_problem_is_reported_in_one_pass(default_campaign: Path) -> None:
    edit(default_campaign, "figures.yaml", "    value: 50\n    statement: anger", "    value: hälften\n    statement: anger")
    edit(default_campaign, "messages.yaml", "figures: [forebyggande]", "figures: [forebygande]")
    edit(default_campaign, "demands.yaml", "  - id: resurser", "  - id: sakerhetskommission")
    (default_campaign / "messages" / "extra.yaml").write_text("", encoding="utf-8")
    assert len(errors_of(default_campaign)) == 4


def test_cli_prints_problems_and_exits_2_without_traceback(cli, default_campaign: Path) -> None:
    edit(default_campaign, "figures.yaml", "    kind: share\n    value: 40", "    kind: shar\n    value: 40")
    result = cli("validate", str(default_campaign))
    assert result.code == 2
    assert result.err == (
        "messages/figures.yaml:15:11: error: figures[1].kind: expected one of 'share', 'count', got 'shar' (did you mean 'share'?)\n"
        "1 error\n"
    )
    assert "Traceback" not in result.err + result.out


def test_cli_on_a_folder_without_campaign(cli, tmp_path: Path) -> None:
    result = cli("validate", str(tmp_path))
    assert result.code == 1
    assert result.err.startswith(f"error: {tmp_path}: no messages/ folder here; is this a campaign?")


def test_local_values_need_real_area_codes(default_campaign: Path) -> None:
    edit(default_campaign, "figures.yaml", '      "0180":\n        value: 33', '      "0189":\n        value: 33')
    edit(
        default_campaign,
        "figures.yaml",
        "    municipalities:\n      # Stockholm city's own survey (SSR",
        '    regions: {"26": 40}\n    municipalities:\n      # Stockholm city\'s own survey (SSR',
    )
    assert errors_of(default_campaign) == [
        "messages/figures.yaml:22:15: error: figures[1].regions.26: unknown län code '26'; expected one of the 21 codes 01-25",
        "messages/figures.yaml:25:7: error: figures[1].municipalities.0189: unknown kommun code '0189'; `campaign registry list` shows every code",
    ]


def write(root: Path, name: str, text: str) -> None:
    (root / "messages" / name).write_text(text, encoding="utf-8")


def test_tab_indentation_says_to_use_spaces(default_campaign: Path) -> None:
    write(default_campaign, "extra.yaml", "page:\n\tintro: Hej\n")
    assert errors_of(default_campaign) == [
        "messages/extra.yaml:2:1: error: YAML syntax error: found character '\\t' that cannot start any token:"
        " a tab character; YAML indents with spaces only: replace the tab with spaces"
    ]


def test_a_second_document_is_refused(default_campaign: Path) -> None:
    write(default_campaign, "extra.yaml", "page:\n  intro: Hej\n---\nlayouts: {}\n")
    [problem] = errors_of(default_campaign)
    assert problem.startswith(
        "messages/extra.yaml:3:1: error: YAML syntax error: but found another document: a second YAML document"
    )


@pytest.mark.parametrize(("text", "got"), [("- page\n- layouts\n", "a list"), ("just words\n", "text")])
def test_top_level_must_be_a_mapping(default_campaign: Path, text: str, got: str) -> None:
    write(default_campaign, "extra.yaml", text)
    assert errors_of(default_campaign) == [
        "messages/extra.yaml:1:1: error: expected a mapping of sections (campaign:, figures:, messages:, …) at the top of the file,"
        f" got {got}"
    ]


def test_byte_order_mark_and_windows_line_endings_are_fine(default_campaign: Path) -> None:
    for path in (default_campaign / "messages").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    reference = load(REPO)
    loaded = load(default_campaign)
    assert loaded.campaign.messages == reference.campaign.messages
    assert loaded.campaign.figures == reference.campaign.figures


def test_a_day_not_in_the_calendar(default_campaign: Path) -> None:
    edit(default_campaign, "campaign.yaml", "launch_date: 2026-02-04", "launch_date: 2026-02-30")
    assert errors_of(default_campaign) == [
        "messages/campaign.yaml:7:16: error: campaign.launch_date: '2026-02-30' is not a day in the calendar; expected a date as YYYY-MM-DD"
    ]


@pytest.mark.parametrize(
    ("value", "col", "shown"),
    [
        ("!!int '5'", 12, "!!int"),
        ("!!timestamp 2026-13-01", 12, "!!timestamp"),
        ("!!python/object:os.system {}", 12, "!!python/object:os.system"),
        ("!mine 5", 12, "!mine"),
    ],
)
def test_yaml_tags_are_refused_before_they_are_built(default_campaign: Path, value: str, col: int, shown: str) -> None:
    edit(default_campaign, "figures.yaml", "    value: 50\n", f"    value: {value}\n")
    assert errors_of(default_campaign) == [
        f"messages/figures.yaml:7:{col}: error: YAML syntax error: YAML tag {shown} is not allowed in a campaign;"
        " write the value plainly (quote it to make it text)"
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (".nan", "expected a number of at least 0, got nan"),
        (".inf", "expected a number of at least 0, got inf"),
        ('"50"', "expected a number of at least 0, got text '50'; write the bare number, such as 50"),
        ("50 %", "expected a number of at least 0, got text '50 %'; write the bare number, such as 50"),
        ("49,5", "expected a number of at least 0, got text '49,5'; write the bare number, such as 49.5"),
        ("150", "a share is a percentage: expected a number from 0 to 100, got 150; a count needs `kind: count`"),
    ],
)
def test_figure_values(default_campaign: Path, value: str, message: str) -> None:
    edit(default_campaign, "figures.yaml", "    value: 50\n", f"    value: {value}\n")
    assert errors_of(default_campaign) == [f"messages/figures.yaml:7:12: error: figures[0].value: {message}"]


def test_local_shares_over_100_are_named_where_they_stand(default_campaign: Path) -> None:
    edit(default_campaign, "figures.yaml", "    value: 50\n", '    value: 50\n    regions: {"03": 140}\n')
    edit(default_campaign, "figures.yaml", "        value: 33\n", "        value: 133.5\n")
    assert errors_of(default_campaign) == [
        "messages/figures.yaml:8:21: error: figures[0].regions.03: a share is a percentage: expected a number from 0 to 100, got 140;"
        " a count needs `kind: count`",
        "messages/figures.yaml:26:16: error: figures[1].municipalities.0180.value: a share is a percentage: expected a number from 0"
        " to 100, got 133.5; a count needs `kind: count`",
    ]


def test_duplicate_hashtags_are_placed_after_an_invalid_one(default_campaign: Path) -> None:
    edit(default_campaign, "links.yaml", "hashtags:\n", 'hashtags:\n  - "#"\n  - "#SvPol"\n')
    assert errors_of(default_campaign) == [
        "messages/links.yaml:19:5: error: hashtags[0].tag: expected a hashtag of letters, digits and '_' (not only digits),"
        " such as 'socialtjänst', got '#'",
        "messages/links.yaml:23:10: error: hashtags[3].tag: duplicate hashtag 'svpol'; first used at hashtags[1]",
    ]


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("i {{ kommun }}", "'kommun' is empty in national and län posts; use it inside {% if kommun %}…{% endif %}"),
        ("i {{ lan }}", "'lan' is empty in national posts; use it inside {% if lan %}…{% endif %}"),
        ("{{ link }}", "a template prints a whole link; print one of its fields instead: .url or .title"),
        ("{{ figure.words }}", "'figure' is empty in a message without figures; give the message `figures: [id]`"),
        ("{{ demands.resurser }}", "a template prints a whole demand; print one of its fields instead: .title or .text"),
        ("{{ campaign }}", "a template prints a whole campaign; print one of its fields instead: .name or .organisation"),
    ],
)
def test_a_template_never_prints_none_or_a_whole_record(default_campaign: Path, template: str, message: str) -> None:
    edit(default_campaign, "messages.yaml", "Ingen socialsekreterare ska stå", template + " Ingen socialsekreterare ska stå")
    assert errors_of(default_campaign) == [
        f"messages/messages.yaml:97:11: error: messages[9].text: template fails for national posts: UndefinedError: {message}"
    ]


def test_guarded_and_field_access_still_render(default_campaign: Path) -> None:
    guarded = (
        "{% if kommun %}{{ kommun }}{% endif %}{% if lan %}{{ lan }}{% endif %}{% if kommun == 'x' %}x{% endif %}"
        "{{ link.url }} {{ link['title'] }} {{ campaign.name }} {{ demands.resurser.title }}"
    )
    edit(default_campaign, "messages.yaml", "Ingen socialsekreterare ska stå", guarded + " Ingen socialsekreterare ska stå")
    assert load(default_campaign).campaign.message("kort-lvu").variants[0].startswith(guarded)


def test_a_broken_file_does_not_make_its_ids_unknown(default_campaign: Path) -> None:
    """A figures file with a syntax error is one problem, not one per message that refers to a figure in it."""
    edit(default_campaign, "figures.yaml", "    value: 50\n", "    value: [50\n")
    edit(default_campaign, "demands.yaml", "  - id: resurser", "  - id: Resurser")
    assert [p.split(": error: ")[0] for p in errors_of(default_campaign)] == [
        "messages/demands.yaml:5:9",
        "messages/figures.yaml:8:14",
    ]


def test_a_message_file_linked_from_outside_is_refused(default_campaign: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("page:\n  intro: Hej\n", encoding="utf-8")
    (default_campaign / "messages" / "page.yaml").symlink_to(outside)
    assert errors_of(default_campaign) == [
        "messages/page.yaml: error: is a link to a file outside the campaign folder; copy the file in instead"
    ]


def test_hidden_files_are_not_part_of_the_campaign(default_campaign: Path) -> None:
    (default_campaign / "messages" / "._campaign.yaml").write_bytes(b"\x00\x05\x16\x07\xff binary AppleDouble")
    assert load(default_campaign).campaign.settings.name == "Trygg socialtjänst"


def test_deep_nesting_is_refused_without_a_crash(default_campaign: Path) -> None:
    write(default_campaign, "deep.yaml", "page: " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert errors_of(default_campaign) == [
        "messages/deep.yaml:1:56: error: YAML syntax error: values nested more than 50 levels deep; a campaign needs a handful"
    ]


def test_a_file_of_millions_of_values_stops_at_the_ceiling(default_campaign: Path) -> None:
    """Just under the size cap, 2.4 million values: refused once 200 000 are read, not after composing them all."""
    write(default_campaign, "wide.yaml", "page: [" + ",".join(["1"] * 2_400_000) + "]\n")
    assert errors_of(default_campaign) == [
        "messages/wide.yaml:1:400002: error: YAML syntax error: file has more than 200000 values; split or shrink it"
    ]


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "{{ 'ab' * 3000000000 }}",
            "template fails for national posts: SecurityError: a template may not repeat text to more than 20000 characters",
        ),
        (
            "{{ 3000000000 * [1] }}",
            "template fails for national posts: SecurityError: a template may not repeat text to more than 20000 characters",
        ),
        (
            "{{ 'x'.ljust(1000000000) }}",
            "template fails for national posts: SecurityError: a template may not call anything with a number as large as 1000000000",
        ),
        ("{{ 2 ** 100000 }}", "template fails for national posts: SecurityError: a template may not raise to the power 100000"),
        (
            "{{ '%s' % kommun }}",
            "template fails for national posts: SecurityError: a template may not use '%' formatting; write the text out",
        ),
        ("{{ 'x' | center(1000000000) }}", "template uses unknown filter 'center' (did you mean 'percent'?) (template line 1)"),
        ("{{ ['a', 'b'] | random }}", "template uses unknown filter 'random' (template line 1)"),
        (
            "{{ figure | uper_first }}",
            "template uses unknown filter 'uper_first' (did you mean 'upper_first'?) (template line 1)",
        ),
        ("{% if kommun is nonee %}x{% endif %}", "template uses unknown test 'nonee' (did you mean 'none'?) (template line 1)"),
    ],
)
def test_templates_cannot_exhaust_memory_or_vary(default_campaign: Path, template: str, message: str) -> None:
    """Output of any size from one number, or a different post on every build, is refused at validation."""
    edit(default_campaign, "messages.yaml", "Ingen socialsekreterare ska stå", template + " Ingen socialsekreterare ska stå")
    assert errors_of(default_campaign) == [f"messages/messages.yaml:97:11: error: messages[9].text: {message}"]


def test_small_arithmetic_still_works() -> None:
    from campaign.templating import render

    assert render("{{ 2 * 3 }} {{ 'ab' * 2 }} {{ 7 % 3 }} {{ 2 ** 10 }}", {}) == "6 abab 1 1024"


def test_settings_problems_come_together(default_campaign: Path) -> None:
    edit(default_campaign, "campaign.yaml", "language: sv", "language: de")
    edit(default_campaign, "campaign.yaml", "timezone: Europe/Stockholm", "timezone: Europe/Stokholm")
    assert errors_of(default_campaign) == [
        "messages/campaign.yaml:5:13: error: campaign.language: expected one of 'sv', 'en', got 'de'",
        "messages/campaign.yaml:6:13: error: campaign.timezone: unknown time zone 'Europe/Stokholm' (did you mean 'Europe/Stockholm'?);"
        " expected an IANA name such as 'Europe/Stockholm'",
    ]


def test_names_titles_and_statements_are_one_line(default_campaign: Path) -> None:
    edit(
        default_campaign,
        "demands.yaml",
        "title: En säkerhetskommission för socialtjänsten",
        "title: |\n      En säkerhetskommission\n      för socialtjänsten",
    )
    assert errors_of(default_campaign) == [
        "messages/demands.yaml:3:12: error: demands[0].title: expected one line of text, got a line break in"
        " 'En säkerhetskommission\\nför socialtjänsten'"
    ]
    edit(default_campaign, "demands.yaml", "title: |\n", "title: >\n")
    assert load(default_campaign).campaign.demands[0].title == "En säkerhetskommission för socialtjänsten"


def test_a_file_that_cannot_be_read(default_campaign: Path) -> None:
    (default_campaign / "messages" / "gone.yaml").symlink_to(default_campaign / "messages" / "nowhere")
    (default_campaign / "messages" / "loop.yaml").symlink_to(default_campaign / "messages" / "loop.yaml")
    assert errors_of(default_campaign) == [
        "messages/gone.yaml: error: cannot read the file: No such file or directory",
        "messages/loop.yaml: error: cannot read the file: Too many levels of symbolic links",
    ]


def test_load_takes_a_path_as_text_too() -> None:
    from tests.conftest import REPO

    assert load(str(REPO)).campaign.settings.name == "Trygg socialtjänst"
