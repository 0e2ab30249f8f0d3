"""Load a campaign folder: read every YAML file, check it, resolve it.

``load`` is the one entry point: it returns a validated ``Campaign`` or raises
``CampaignInvalid`` listing every problem found, in every file, in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign.errors import CampaignInvalid, Problem, Report
from campaign.extensions import extensions
from campaign.figures import sense_problems
from campaign.files import MESSAGES_DIR, campaign_files
from campaign.images.theme import check_theme
from campaign.model import CORE_SECTIONS, NATIONAL, REQUIRED_SECTIONS, Area, Campaign, Figure, Message
from campaign.registry import all_lan, kommuner
from campaign.schema import INVALID, Ctx, ListOf, ids_unique, suggest, type_name
from campaign.templating import context, render, template_problems
from campaign.yamlfile import Located, YamlFileError, read_yaml


@dataclass
class Loaded:
    campaign: Campaign
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class _Section:
    name: str
    doc: Located
    data: Any


def load(root: Path | str) -> Loaded:
    """Read, check and resolve the campaign in ``root``; raise CampaignInvalid."""
    root = Path(root).resolve()
    report = Report()
    sections, unreadable = _read_sections(root, report)
    checked: dict[str, Any] = {}
    broken: dict[str, set[str]] = {}  # ids of items that failed their schema: known, so not "unknown"
    known = {**CORE_SECTIONS, **{k: e.spec for k, e in extensions().items()}}
    for name, section in sections.items():
        ctx = Ctx(section.doc, report, root)
        spec = known[name]
        if isinstance(spec, ListOf) and isinstance(section.data, list):
            checked[name], broken[name] = _check_items(spec, section.data, (name,), ctx)
        else:
            checked[name] = spec.check(section.data, (name,), ctx)
    if unreadable:
        # A file that could not be read may hold the missing sections and the ids others refer to:
        # what follows would only repeat its problem as "missing section" and "unknown id" errors.
        raise CampaignInvalid(report.problems)
    missing = [name for name in REQUIRED_SECTIONS if name not in sections]
    for name in missing:
        report.add(
            Problem(
                f"{MESSAGES_DIR}/", 0, 0, name, f"missing required section {name!r}; add `{name}:` to a file in {MESSAGES_DIR}/"
            )
        )
    if missing or any(v is INVALID for v in checked.values()):
        raise CampaignInvalid(report.problems)  # the cross-checks below need every section's shape right
    campaign = _build(root, checked, sections, broken, report)
    if report.errors:
        raise CampaignInvalid(report.problems)
    return Loaded(campaign, report.warnings)


def _check_items(spec: ListOf, data: list[Any], path: tuple[str, ...], ctx: Ctx) -> tuple[list[Any], set[str]]:
    """Check a list section item by item, keeping the valid ones so that later checks still run."""
    good: list[Any] = []
    bad: set[str] = set()
    problem = spec.size_problem(len(data))
    if problem:
        ctx.error(path, problem)
    for i, item in enumerate(data):
        value = spec.item.check(item, (*path, i), ctx)
        if value is INVALID:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                bad.add(item["id"])
        else:
            good.append(value)
    return good, bad


def _read_sections(root: Path, report: Report) -> tuple[dict[str, _Section], bool]:
    """Every file's sections by name, and whether some file could not be parsed (and may hide sections)."""
    known = {*CORE_SECTIONS, *extensions()}
    sections: dict[str, _Section] = {}
    unreadable = False
    for path in campaign_files(root):
        display = f"{MESSAGES_DIR}/{path.name}"
        if not _resolves_inside(path, root):
            report.add(Problem(display, 0, 0, "", "is a link to a file outside the campaign folder; copy the file in instead"))
            unreadable = True
            continue
        try:
            doc = read_yaml(path, display)
        except YamlFileError as exc:
            report.add(exc.problem)
            unreadable = unreadable or not exc.empty
            continue
        if not isinstance(doc.data, dict):
            got = type_name(doc.data)
            report.add(
                doc.at(
                    (), f"expected a mapping of sections (campaign:, figures:, messages:, …) at the top of the file, got {got}"
                )
            )
            continue
        for name, data in doc.data.items():
            if name not in known:
                report.add(
                    doc.at(
                        (name,), f"unknown section {name!r}{suggest(name, known)}; known: {', '.join(sorted(known))}", key=True
                    )
                )
            elif name in sections:
                report.add(doc.at((name,), f"section {name!r} is already defined in {sections[name].doc.file}", key=True))
            else:
                sections[name] = _Section(name, doc, data)
    return sections, unreadable


def _resolves_inside(path: Path, root: Path) -> bool:
    """Whether a (linked) file stays in the campaign folder; a broken link is left for reading to report."""
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a link loop
        return True


def _build(
    root: Path, checked: dict[str, Any], sections: dict[str, _Section], broken: dict[str, set[str]], report: Report
) -> Campaign:
    def ctx(name: str) -> Ctx:
        return Ctx(sections[name].doc, report, root)

    settings = checked["campaign"]
    check_theme(settings.theme, lambda path, message: ctx("campaign").error(path, message))
    for name in ("figures", "messages", "links", "demands"):
        if name in sections and isinstance(sections[name].data, list):
            ids_unique(sections[name].data, name, ctx(name))
    if "hashtags" in sections and isinstance(sections["hashtags"].data, list):
        ids_unique(
            [{"tag": _hashtag_key(h)} for h in sections["hashtags"].data], "hashtags", ctx("hashtags"), key="tag", what="hashtag"
        )
    campaign = Campaign(
        root=root,
        settings=settings,
        figures=tuple(checked.get("figures", ())),
        messages=tuple(checked["messages"]),
        links=tuple(checked.get("links", ())),
        hashtags=tuple(checked.get("hashtags", ())),
        demands=tuple(checked.get("demands", ())),
        extra={k: v for k, v in checked.items() if k not in CORE_SECTIONS},
        sources={k: s.doc.file for k, s in sections.items()},
    )
    _check_references(campaign, sections, broken, report)
    _check_templates(campaign, sections["messages"].doc, report)
    for name, ext in extensions().items():
        if name in sections and ext.cross_check and not report.errors:
            doc = sections[name].doc
            ext.cross_check(
                campaign, checked[name], lambda path, msg, severity="error", d=doc: report.add(d.at(path, msg, severity=severity))
            )
    return campaign


def _hashtag_key(item: Any) -> str | None:
    """How hashtags compare: without "#", in any case ("#SvPol" is "svpol"); None when not text."""
    tag = item.get("tag") if isinstance(item, dict) else item
    return tag.lstrip("#").casefold() if isinstance(tag, str) else None


def _check_references(campaign: Campaign, sections: dict[str, _Section], broken: dict[str, set[str]], report: Report) -> None:
    figure_ids = [f.id for f in campaign.figures]
    link_ids = [link.id for link in campaign.links]
    known_figures = {*figure_ids, *broken.get("figures", ())}
    known_links = {*link_ids, *broken.get("links", ())}
    msg_doc = sections["messages"].doc
    for message in campaign.messages:
        i = _index_of(sections["messages"].data, message.id)
        raw = sections["messages"].data[i]
        if raw.get("text") is not None and raw.get("variants") is not None:
            report.add(msg_doc.at(("messages", i, "variants"), "give either text or variants, not both"))
        if not message.variants:
            report.add(msg_doc.at(("messages", i), "missing the message: add text (or variants)"))
        for j, fid in enumerate(message.figures):
            if fid not in known_figures:
                report.add(msg_doc.at(("messages", i, "figures", j), f"unknown figure id {fid!r}{suggest(fid, figure_ids)}"))
        if message.link and message.link not in known_links:
            report.add(msg_doc.at(("messages", i, "link"), f"unknown link id {message.link!r}{suggest(message.link, link_ids)}"))
    if "figures" in sections:
        fig_doc = sections["figures"].doc
        for figure in campaign.figures:
            i = _index_of(sections["figures"].data, figure.id)
            if figure.example:
                report.add(
                    fig_doc.at(
                        ("figures", i, "example"),
                        "example data: replace it with a real, sourced figure before publishing",
                        severity="warning",
                    )
                )
            if figure.link and figure.link not in known_links:
                report.add(fig_doc.at(("figures", i, "link"), f"unknown link id {figure.link!r}{suggest(figure.link, link_ids)}"))
            _check_area_codes(figure, i, fig_doc, report)
            _check_shares(figure, i, fig_doc, report)
            report.problems.extend(sense_problems(figure, i, fig_doc))  # value, words, dates and population agree


def _check_shares(figure: Figure, index: int, doc: Located, report: Report) -> None:
    """A share is a percentage: the national value and every local one must lie from 0 to 100."""
    if figure.kind != "share":
        return
    values: list[tuple[tuple[str | int, ...], float]] = [(("value",), figure.value)]
    for level, local in (("regions", figure.regions), ("municipalities", figure.municipalities)):
        values += [((level, code), v.value) for code, v in local.items()]
    for path, value in values:
        if value > 100:
            where = ("figures", index, *path)
            where += ("value",) if (*where, "value") in doc.values else ()  # a local value given as a mapping
            message = f"a share is a percentage: expected a number from 0 to 100, got {value:g}; a count needs `kind: count`"
            report.add(doc.at(where, message))


def _check_area_codes(figure: Figure, index: int, doc: Located, report: Report) -> None:
    """Local values must be keyed by real län and kommun codes."""
    lan_codes = {a.code for a in all_lan()}
    kommun_codes = {a.code for a in kommuner()}
    for code in figure.regions:
        if code not in lan_codes:
            report.add(
                doc.at(
                    ("figures", index, "regions", code),
                    f"unknown län code {code!r}; expected one of the 21 codes 01-25",
                    key=True,
                )
            )
    for code in figure.municipalities:
        if code not in kommun_codes:
            message = f"unknown kommun code {code!r}; `campaign registry list` shows every code"
            report.add(doc.at(("figures", index, "municipalities", code), message, key=True))


SAMPLE_AREAS = (
    NATIONAL,
    Area("lan", "99", "Exempellän", "99", "Exempellän", "exempellan"),
    Area("kommun", "9999", "Exempelby", "99", "Exempellän", "exempelby"),
)


def _index_of(items: list[Any], ident: str) -> int:
    """The position of the item with ``id`` in the raw list (valid items may have been skipped)."""
    return next(i for i, item in enumerate(items) if isinstance(item, dict) and item.get("id") == ident)


def _check_templates(campaign: Campaign, doc: Located, report: Report) -> None:
    """Parse every template, then render it for sample areas to catch runtime errors."""
    for message in campaign.messages:
        i = _index_of(doc.data["messages"], message.id)
        for j, source in enumerate(message.variants):
            path: tuple[str | int, ...] = ("messages", i, "variants", j) if _has_variants(doc, i) else ("messages", i, "text")
            problems = template_problems(source)
            for line, text in problems:
                report.add(doc.at(path, f"{text} (template line {line})"))
            if problems or not _references_resolve(campaign, message):
                continue  # reported already; a sample render would only repeat it
            for area in SAMPLE_AREAS:
                try:
                    render(source, context(campaign, area, message.figures, message.link))
                except Exception as exc:
                    report.add(doc.at(path, f"template fails for {area.level} posts: {type(exc).__name__}: {exc}"))
                    break


def _references_resolve(campaign: Campaign, message: Message) -> bool:
    figures = {f.id for f in campaign.figures}
    links = {link.id for link in campaign.links}
    return set(message.figures) <= figures and (message.link is None or message.link in links)


def _has_variants(doc: Located, index: int) -> bool:
    return ("messages", index, "variants") in doc.values
