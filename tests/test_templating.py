"""The message templates' sandbox: its short way to the campaign's own records gives what Jinja's checks give."""

from __future__ import annotations

from typing import Any

import pytest
from jinja2 import StrictUndefined, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from campaign.loader import load
from campaign.registry import kommun
from campaign.templating import ENV, Record, context, render
from tests.conftest import REPO


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Undefined) or isinstance(b, Undefined):
        return type(a) is type(b) and a._undefined_hint == b._undefined_hint and a._undefined_exception is b._undefined_exception
    return a == b


@pytest.fixture(scope="module")
def ctx() -> dict[str, Any]:
    """What a template sees for Uppsala, its message citing the first figure and link."""
    campaign = load(REPO).campaign
    return context(campaign, kommun("0380"), (campaign.figures[0].id,), campaign.links[0].id)


def test_every_attribute_of_a_template_s_values_is_what_the_plain_sandbox_gives(ctx: dict[str, Any]) -> None:
    plain = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    values = [ctx["area"], *ctx["figures"].values(), *ctx["links"].values(), *ctx["demands"].values(), ctx["campaign"]]
    assert any(isinstance(v, Record) for v in values)
    checked = 0
    for value in values:
        names = {*dir(value), *(value.fields if isinstance(value, Record) else ()), "missing", "_private", "__class__"}
        for name in sorted(names):
            try:
                want: Any = plain.getattr(value, name)
            except Exception as exc:  # (a property that fails fails the same way)
                with pytest.raises(type(exc)):
                    ENV.getattr(value, name)
                continue
            assert _same(ENV.getattr(value, name), want), (value, name)
            checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    "template",
    ["{{ figure.__class__ }}", "{{ area.__class__.__mro__ }}", "{{ link.fields.clear() }}", "{{ figure.date.__class__ }}"],
)
def test_a_template_still_reaches_nothing_internal_when_it_renders(ctx: dict[str, Any], template: str) -> None:
    with pytest.raises(SecurityError):
        render(template, ctx)
