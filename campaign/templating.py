"""Message templates: a sandboxed Jinja2 environment, Swedish filters, contexts.

Templates are campaign text, written by people outside the code, so they run
in Jinja2's immutable sandbox with strict undefined: an unknown variable is an
error, and nothing reaches Python internals. Output is plain text (posts),
never HTML; the page escapes it when it renders.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, meta, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from campaign import sv
from campaign.model import Area, Campaign, Figure, LocalValue
from campaign.schema import suggest

VARIABLES = ("campaign", "area", "kommun", "lan", "figure", "figures", "link", "links", "demands")
MAX_OUTPUT = 20_000  # characters a rendered message may have


@dataclass(frozen=True)
class FigureView:
    """A figure as a template sees it, resolved for one area."""

    id: str
    kind: str
    value: float
    statement: str
    source: str
    date: dt.date | None  # publication date, or the end of fieldwork (None: fieldwork in words, no publication date)
    sample_size: int | None
    level: str  # the level the value comes from: "kommun", "lan" or "national"
    where: str  # "i Uppsala", "i Uppsala län", "i landet"
    note: str  # "" when the value is the area's own; otherwise which level it is
    source_words: str | None = None  # the source's own wording of the share, used when given
    population: str = ""  # who answered ("socialchefer"), or "" when the figure does not say

    @property
    def stated(self) -> str:
        """The statement with its subject: "socialchefer har svårt att bemanna …"."""
        return f"{self.population} {self.statement}" if self.population else self.statement

    @property
    def sentence(self) -> str:
        """The figure said whole, as a card says it: "mer än sex av tio socialchefer har svårt att bemanna …"."""
        return f"{self.words} {self.stated}"

    def __str__(self) -> str:
        return self.percent if self.kind == "share" else self.number

    @cached_property  # (read for every post's text, and where the level is stated)
    def percent(self) -> str:
        return sv.percent(self.value)

    @cached_property
    def words(self) -> str:
        if self.source_words:
            return self.source_words
        return sv.share_words(self.value) if self.kind == "share" else sv.number(self.value)

    @cached_property
    def number(self) -> str:
        return sv.number(self.value)


class Absent(Undefined):
    """A variable with no value in this post (``kommun`` in a national post): false in
    ``{% if kommun %}`` and comparable like any undefined, but an error when printed,
    iterated or measured (as StrictUndefined is), so that no post says "None"."""

    __slots__ = ()
    __iter__ = __str__ = __len__ = __contains__ = Undefined._fail_with_undefined_error


def absent(name: str, when: str, remedy: str = "") -> Absent:
    """The value of ``name`` where a post has none, with a hint on what to do."""
    remedy = remedy or f"use it inside {{% if {name} %}}…{{% endif %}}"
    return Absent(hint=f"{name!r} is empty in {when}; {remedy}", name=name)


@dataclass(frozen=True)
class Record:
    """Named fields a template reads (``link.url``); printing the whole record is a mistake."""

    what: str  # "link", "demand", "campaign": for the error message
    fields: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.fields[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]

    def __str__(self) -> str:
        names = " or ".join(f".{f}" for f in self.fields)
        raise UndefinedError(f"a template prints a whole {self.what}; print one of its fields instead: {names}")


def local_value(figure: Figure, area: Area) -> tuple[LocalValue | None, str]:
    """The most local value the report has for ``area`` and its level."""
    if area.level == "kommun" and area.code in figure.municipalities:
        return figure.municipalities[area.code], "kommun"
    if area.level in ("kommun", "lan") and area.lan_code in figure.regions:
        return figure.regions[area.lan_code], "lan"
    return None, "national"


Views = dict[tuple[str, str, str, str, int], FigureView]


def figure_view(figure: Figure, area: Area, views: Views | None = None) -> FigureView:
    """``figure`` as ``area``'s templates see it. With ``views`` (a memo for one campaign's figures, which
    it must outlive), the same view for every area that gets one alike: the kommuner of a län that use
    its value, those that use the national value (their views' formatted numbers then made once)."""
    local, level = local_value(figure, area)
    where = {"kommun": f"i {area.name}", "lan": f"i {area.lan_name}", "national": "i landet"}[level]
    note = ""
    if level != area.level:
        note = "(riksgenomsnitt)" if level == "national" else f"(siffra för {area.lan_name})"
    if views is None:
        return _view(figure, local, level, where, note)
    key = (figure.id, level, where, note, id(local))  # (what the view is made of)
    found = views.get(key)
    if found is None:
        found = views[key] = _view(figure, local, level, where, note)
    return found


def _view(figure: Figure, local: LocalValue | None, level: str, where: str, note: str) -> FigureView:
    return FigureView(
        id=figure.id,
        kind=figure.kind,
        value=local.value if local else figure.value,
        statement=(local.note if local and local.note else figure.statement),
        source=(local.source if local and local.source else figure.source),
        date=figure.published or figure.fieldwork_end,
        sample_size=(local.sample_size if local and local.sample_size else figure.sample_size),
        level=level,
        where=where,
        note=note,
        source_words=None if local else figure.words,
        population=figure.population or "",
    )


def _filter_percent(value: Any, decimals: int | None = None) -> str:
    return sv.percent(value.value if isinstance(value, FigureView) else value, decimals)


def _filter_date(value: Any) -> str:
    if value is None:  # a figure whose fieldwork is in words ("hösten 2008") and that has no published: date
        raise ValueError("the figure has no date: its fieldwork is written in words; add `published:` to give it one")
    return sv.date(value)


def _filter_words(value: Any) -> str:
    return value.words if isinstance(value, FigureView) else sv.share_words(value)


def _filter_number(value: Any, decimals: int | None = None) -> str:
    return sv.number(value.value if isinstance(value, FigureView) else value, decimals)


# Built-in filters a post has no use for that either make output of any size from a
# number (centre, indent, wrap, format, batch, slice) or differ from build to build (random).
_UNSAFE_FILTERS = ("center", "indent", "wordwrap", "format", "batch", "slice", "random")


_RECORDS = frozenset({FigureView, Record, Area})  # exactly these types: a subclass could add anything
_PLAIN = frozenset({str, int, float, bool, dt.date})  # values, not callables (a date's methods are reached through it)


class _Sandbox(ImmutableSandboxedEnvironment):
    """The sandbox, also refusing arithmetic and calls that would build an enormous value.

    Jinja's sandbox keeps templates away from Python's internals but not from
    ``{{ "ab" * 3000000000 }}`` or ``"x".ljust(10**9)``, which exhaust memory.
    """

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise SecurityError(f"a template may not raise to the power {right}")
        if operator == "*" and any(isinstance(v, (str, list, tuple)) for v in (left, right)):
            times = right if isinstance(left, (str, list, tuple)) else left
            if isinstance(times, int) and times * len(left if times is right else right) > MAX_OUTPUT:
                raise SecurityError(f"a template may not repeat text to more than {MAX_OUTPUT} characters")
        if operator == "%" and isinstance(left, str):
            raise SecurityError("a template may not use '%' formatting; write the text out")
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        # A public field of the campaign's own records (figure, area, link...) holding plain data is what the
        # sandbox's checks let through anyway (no method, nothing internal): returned without them, since
        # every message renders for 300+ areas. Anything else, and any other object, goes through them.
        if type(obj) in _RECORDS and not attribute.startswith("_"):
            value = getattr(obj, attribute, None)
            if type(value) in _PLAIN:
                return value
        return super().getattr(obj, attribute)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_OUTPUT:
                raise SecurityError(f"a template may not call anything with a number as large as {value}")
        return super().call(__context, __obj, *args, **kwargs)


def make_environment() -> ImmutableSandboxedEnvironment:
    env = _Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    for name in _UNSAFE_FILTERS:
        del env.filters[name]
    env.filters.update(
        percent=_filter_percent,
        words=_filter_words,
        number=_filter_number,
        date=_filter_date,
        upper_first=sv.upper_first,
    )
    env.globals.clear()  # no range(), dict(), lipsum(), cycler(): templates only format text
    return env


ENV = make_environment()


def template_problems(source: str, variables: tuple[str, ...] = VARIABLES) -> list[tuple[int, str]]:
    """Static problems of a template over ``variables``: (line within the template, message)."""
    try:
        ast = ENV.parse(source)
    except TemplateSyntaxError as exc:
        return [(exc.lineno or 1, f"template syntax error: {exc.message}")]
    problems = _unknown_names(ast)
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        attr = node.attr if isinstance(node, nodes.Getattr) else getattr(getattr(node, "arg", None), "value", None)
        if isinstance(attr, str) and attr.startswith("_"):
            problems.append((node.lineno, f"template may not reach internal attribute {attr!r}"))
    if problems:
        return problems  # finding the variables compiles the template, which an unknown filter breaks
    try:
        undeclared = meta.find_undeclared_variables(ast)
    except TemplateSyntaxError as exc:
        return [(exc.lineno or 1, f"template error: {exc.message}")]
    for name in sorted(undeclared - set(variables)):
        problems.append((1, f"template uses unknown variable {name!r}{suggest(name, variables)}; known: {', '.join(variables)}"))
    return problems


def _unknown_names(ast: nodes.Template) -> list[tuple[int, str]]:
    """Filters (``| name``) and tests (``is name``) the environment does not have."""
    problems: list[tuple[int, str]] = []
    for node in ast.find_all(nodes.Filter):
        if node.name not in ENV.filters:
            problems.append((node.lineno, f"template uses unknown filter {node.name!r}{suggest(node.name, ENV.filters)}"))
    for test in ast.find_all(nodes.Test):
        if test.name not in ENV.tests:
            problems.append((test.lineno, f"template uses unknown test {test.name!r}{suggest(test.name, ENV.tests)}"))
    return problems


def context(
    campaign: Campaign, area: Area, figure_ids: tuple[str, ...], link_id: str | None, views: Views | None = None
) -> dict[str, Any]:
    """The variables a message template sees for ``area`` (``views``: see ``figure_view``)."""
    figures = {f.id: figure_view(f, area, views) for f in campaign.figures}
    links = {link.id: Record("link", {"url": link.url, "title": link.title}) for link in campaign.links}
    settings = campaign.settings
    return {
        "campaign": Record("campaign", {"name": settings.name, "organisation": settings.organisation}),
        "area": area,
        "kommun": area.name if area.level == "kommun" else absent("kommun", "national and län posts"),
        "lan": area.lan_name or absent("lan", "national posts"),
        "figure": figures[figure_ids[0]]
        if figure_ids
        else absent("figure", "a message without figures", "give the message `figures: [id]`"),
        "figures": figures,
        "link": links[link_id] if link_id else absent("link", "a message without a link", "give the message `link: id`"),
        "links": links,
        "demands": {d.id: Record("demand", {"title": d.title, "text": d.text}) for d in campaign.demands},
    }


# The variables whose values differ from area to area beside ``figure`` (which is one of ``figures``):
# a template that reads none of these renders the same text for every area where its figure is the same.
AREA_VARIABLES = frozenset({"area", "kommun", "lan", "figures"})


@lru_cache(maxsize=4096)
def reads(source: str) -> frozenset[str]:
    """The variables a template reads (all of them when it does not parse: it fails when rendered)."""
    try:
        return _template(source)[1]
    except TemplateSyntaxError:
        return frozenset(VARIABLES)


def _compiled(source: str) -> Any:
    return _template(source)[0]


@lru_cache(maxsize=4096)
def _template(source: str) -> tuple[Any, frozenset[str]]:
    """(the compiled template, the variables it reads), from one parse and one pass of the code generator
    (jinja2.meta.find_undeclared_variables would make a second). Compiling is ~100x the cost of
    rendering; a build renders each template for 300+ areas."""
    ast = ENV.parse(source)
    python = io.StringIO()
    generator = _Reading(ENV, None, None, python, False, ENV.optimized)
    generator.visit(ast)
    code = compile(python.getvalue(), "<template>", "exec")  # (what ENV.compile does with the source)
    return ENV.template_class.from_code(ENV, code, ENV.make_globals(None), None), frozenset(generator.reads)


class _Reading(CodeGenerator):
    """The environment's code generator, also noting the variables the template looks up in its context:
    those ``jinja2.meta.find_undeclared_variables`` gives (its generator notes them the same way)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.reads: set[str] = set()

    def enter_frame(self, frame: Frame) -> None:
        super().enter_frame(frame)
        for action, param in frame.symbols.loads.values():
            if action == "resolve" and param not in self.environment.globals:
                self.reads.add(param)


def render(source: str, variables: dict[str, Any]) -> str:
    """Render a message template to plain text with tidy whitespace."""
    template = _compiled(source)
    # Template.render(variables) without its two copies of the variables and its look through the template's
    # globals (the environment has none, and rendering never writes to the variables): the same text, or
    # the same error.
    try:
        context = ENV.context_class(ENV, variables, template.name, template.blocks)
        text = ENV.concat(template.root_render_func(context))
    except Exception:
        ENV.handle_exception()
    if len(text) > MAX_OUTPUT:
        raise ValueError(f"rendered text is {len(text)} characters; at most {MAX_OUTPUT}")
    text = text.strip()
    if not untidy(text):
        return text  # (what the lines below would give back unchanged: the common case)
    # Collapse runs of ordinary spaces only: no-break spaces are typography.
    lines = [_SPACES.sub(" ", line).strip(" \t") for line in text.splitlines()]
    return "\n".join(lines)


_SPACES = re.compile(r"[ \t]+")
# What the tidying changes: a tab, two spaces, a space at a line's end or start, a line break other than "\n"
_UNTIDY = re.compile(r"[\t\r\v\f\x1c-\x1e\x85\u2028\u2029]| [ \n]|\n ")
_UNTIDY_CHARS = "\t\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # (_UNTIDY's class)


def untidy(text: str) -> bool:
    """Whether ``_UNTIDY`` finds something in ``text``, as substring tests (each a quick scan of the text
    for one character or two), not the expression trying each of its cases at every character."""
    return "  " in text or " \n" in text or "\n " in text or any(char in text for char in _UNTIDY_CHARS)
