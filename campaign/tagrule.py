"""The tag-rule syntax of the campaign format: 'body: title, title'.

Kept apart from ``campaign.registry.rules`` (which resolves rules against the
politicians) because the format in ``campaign.model`` checks rules where they
are written, and the model sits below the registry.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from campaign.schema import INVALID, Ctx, ListOf, Str
from campaign.yamlfile import Path_

EXAMPLE_RULE = "socialnämnden: ordförande, vice ordförande"
CHAIR_RULE = "socialnämnden: ordförande"  # what `registry check` measures coverage by


@dataclass(frozen=True)
class TagRule:
    body: str
    titles: tuple[str, ...]

    @property
    def text(self) -> str:
        return f"{self.body}: {', '.join(self.titles)}"


def key(text: str) -> str:
    """How bodies and titles compare: case-insensitive, spaces collapsed."""
    return " ".join(text.casefold().split())


@functools.cache
def parse_rule(text: str) -> TagRule:
    """'socialnämnden: ordförande, vice ordförande' → TagRule; ValueError says what is wrong."""
    body, colon, titles_text = text.partition(":")
    if not colon:
        return _no_colon(text)
    if ":" in titles_text:
        raise ValueError(f"a tag rule has one ':' between the body and the titles, got {text!r}")
    body = " ".join(body.split())
    if not body:
        raise ValueError(f"a tag rule needs a body before ':', such as 'socialnämnden', got {text!r}")
    titles = [" ".join(t.split()) for t in titles_text.split(",")]
    if not any(titles):
        raise ValueError(f"a tag rule needs at least one title after ':', such as 'ordförande', got {text!r}")
    if not all(titles):
        raise ValueError(f"a tag rule has an empty title between commas, got {text!r}")
    seen: set[str] = set()
    for title in titles:
        if key(title) in seen:
            raise ValueError(f"a tag rule names the title {title!r} twice, got {text!r}")
        seen.add(key(title))
    return TagRule(body, tuple(titles))


def _no_colon(text: str) -> TagRule:
    words = text.split()
    hint = f" (did you mean '{words[0]}: {' '.join(words[1:])}'?)" if len(words) > 1 else ""
    raise ValueError(f"expected a tag rule 'body: title, title' such as '{EXAMPLE_RULE}', got {text!r}{hint}")


class TagRuleSpec(Str):
    """A tag rule in a campaign file; checked where it is written."""

    def __init__(self) -> None:
        super().__init__(max_len=300, multiline=False)

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a tag rule 'body: title, title' such as '{EXAMPLE_RULE}'"

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        text = super().check(value, path, ctx)
        if text is INVALID:
            return INVALID
        try:
            parse_rule(text)
        except ValueError as exc:
            return ctx.error(path, str(exc))
        return text


TAG_RULES = ListOf(TagRuleSpec())
