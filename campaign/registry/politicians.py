"""The ``politicians:`` section: who holds which role in which kommun, and their handles.

Modelled on public registries of representatives (Popolo/EveryPolitician,
Wikidata): a stable id that never changes, the person's name and party, their
memberships (roles: body, title, kommun, start, end) apart from the person,
contact points per platform with the platform's own stable id where it has one
(X's numeric user id survives a renamed handle; a Bluesky mention needs the
DID), the source the entry was checked against and the date it was last
verified::

    politicians:
      - id: anna-exempel
        name: Anna Exempel
        party: S
        example: true                  # synthetic: shows the format, tags nobody
        roles:
          - {body: socialnämnden, title: ordförande, kommun: "0380", start: 2023-01-01}
        handles:
          bluesky: {handle: anna.example.org, id: "did:web:anna.example.org"}
          mastodon: anna@mastodon.example
        source: https://kommun.example.org/socialnamnden
        verified: 2026-01-15

Checks that need no clock run when the campaign loads (handle syntax, kommun
codes, role dates in order, example entries only on reserved domains, one
handle per person). Checks against a date (a role that has ended, an entry not
verified for a year) are ``dated_problems(campaign, on)``, run by
``campaign registry check`` and the build with the build's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign.errors import Problem
from campaign.model import PLATFORMS, Campaign
from campaign.registry.geography import AmbiguousArea, AreaNotFound, describe, find, kommun
from campaign.registry.handles import (
    PLATFORM_NAMES,
    example_problem,
    handle_domain,
    handle_problem,
    id_problem,
    is_reserved_domain,
)
from campaign.schema import (
    ID,
    INVALID,
    Bool,
    Ctx,
    Date,
    Field,
    ListOf,
    Obj,
    Spec,
    Str,
    Url,
    default_dict,
    default_list,
    suggest,
    type_name,
)
from campaign.yamlfile import Located, Path_, YamlFileError, read_yaml

SECTION = "politicians"


# --- specs -------------------------------------------------------------------


class KommunRef(Spec):
    """A kommun by its four-digit code (or its name, turned into the code)."""

    expected = 'a kommun code in quotes such as "0380", or a kommun name'

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            if value < 1000:  # YAML turned "0114" into a number: the leading zero (and maybe octal) is lost
                return ctx.error(
                    path,
                    f'write the kommun code in quotes, such as "0114": YAML reads an unquoted code with a leading 0 '
                    f"as a number ({value})",
                )
            value = str(value)
        if not isinstance(value, str):
            return self.wrong_type(value, path, ctx)
        if value.strip().isdigit() and len(value.strip()) != 4:
            return ctx.error(path, f'expected a four-digit kommun code such as "0380", got {value!r}')
        try:
            return kommun(value).code if len(value) == 4 and value.isdigit() else find(value, "kommun").code
        except AreaNotFound as exc:
            if value.strip().isdigit():
                return ctx.error(path, f"unknown kommun code {value!r}; see `campaign registry list` for every code")
            names = describe(exc.suggestions, last=" or ")
            hint = f"did you mean {names}?" if names else "see `campaign registry list` for every name"
            return ctx.error(path, f"unknown kommun {value!r}; {hint}")
        except AmbiguousArea as exc:
            return ctx.error(path, str(exc))


@dataclass
class HandleSpec(Spec):
    """One platform's handle: text, or a mapping with handle and the platform's stable id."""

    platform: str

    @property
    def expected(self) -> str:  # type: ignore[override]
        return f"a {PLATFORM_NAMES[self.platform]} handle, or a mapping with handle and id"

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        handle: str | None
        if isinstance(value, str):
            handle, ident, at = value, None, path
        elif isinstance(value, dict):
            unknown = [k for k in value if k not in ("handle", "id")]
            for key in unknown:
                ctx.error((*path, key), f"unknown key {key!r}; a handle mapping has handle and id", key=True)
            handle, ident, at = value.get("handle"), value.get("id"), (*path, "handle")
            if handle is None:
                return ctx.error(path, "missing required key 'handle'")
            if unknown:
                return INVALID
        else:
            return self.wrong_type(value, path, ctx)
        return self._checked(handle, ident, at, path, ctx)

    def _checked(self, handle: Any, ident: Any, at: Path_, path: Path_, ctx: Ctx) -> Any:
        if not isinstance(handle, str):
            return ctx.error(at, f"expected {self.expected}, got {type_name(handle)}")
        normal, problem = handle_problem(self.platform, handle)
        if problem:
            return ctx.error(at, problem)
        if ident is not None:
            ident = str(ident) if isinstance(ident, int) and not isinstance(ident, bool) else ident
            if not isinstance(ident, str):
                return ctx.error((*path, "id"), f"expected an id as text, got {type_name(ident)}")
            problem = id_problem(self.platform, ident)
            if problem:
                return ctx.error((*path, "id"), problem)
        return {"handle": normal, "id": ident}


@dataclass
class Then(Spec):
    """A spec followed by checks across its fields (run only when the fields are valid)."""

    inner: Spec
    after: Callable[[dict[str, Any], Path_, Ctx], bool]

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.inner.expected

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        checked = self.inner.check(value, path, ctx)
        if checked is INVALID:
            return INVALID
        return checked if self.after(checked, path, ctx) else INVALID


def _role_dates(role: dict[str, Any], path: Path_, ctx: Ctx) -> bool:
    if role["start"] and role["end"] and role["end"] < role["start"]:
        ctx.error((*path, "end"), f"the role ends ({role['end']}) before it starts ({role['start']})")
        return False
    return True


ROLE = Then(
    Obj(
        {
            "body": Field(Str(max_len=120, multiline=False), required=True, help="socialnämnden, kommunstyrelsen, …"),
            "counts_as": Field(
                Str(max_len=120, multiline=False), help="the usual name of a body named otherwise here, for tag rules"
            ),
            "title": Field(Str(max_len=120, multiline=False), required=True, help="ordförande, vice ordförande, …"),
            "kommun": Field(KommunRef(), required=True),
            "start": Field(Date()),
            "end": Field(Date()),
        },
        name="a role mapping (body, title, kommun, start, end, counts_as)",
    ),
    _role_dates,
)

PLATFORM_ALIASES = {
    "twitter": "x",
    "twitter_id": "x_id",
    "bsky": "bluesky",
    "fb": "facebook",
    "ig": "instagram",
    "li": "linkedin",
}


class HandlesSpec(Obj):
    """Platform → handle; an unknown platform is named with the known ones."""

    def check(self, value: Any, path: Path_, ctx: Ctx) -> Any:
        if isinstance(value, dict):
            unknown = [k for k in value if k not in self.fields]
            for key in unknown:
                alias = PLATFORM_ALIASES.get(str(key).lower())
                hint = f" (did you mean {alias!r}?)" if alias else suggest(str(key), self.fields)
                ctx.error((*path, key), f"unknown platform {key!r}{hint}; expected one of {', '.join(PLATFORMS)}", key=True)
            if unknown:
                known = {k: v for k, v in value.items() if k in self.fields}
                super().check(known, path, ctx)  # report the known platforms' problems too
                return INVALID
        return super().check(value, path, ctx)


HANDLES = HandlesSpec({p: Field(HandleSpec(p)) for p in PLATFORMS}, name="a mapping of platform → handle")


def _example_handles(entry: dict[str, Any], path: Path_, ctx: Ctx) -> bool:
    ok = True
    for platform, value in (entry["handles"] or {}).items():
        if value is None:
            continue
        where = (*path, "handles", platform)
        if entry["example"]:
            problem = example_problem(platform, value["handle"], value["id"])
            if problem:
                ctx.error(where, problem)
                ok = False
        else:
            domain = handle_domain(platform, value["handle"])
            if domain and is_reserved_domain(domain):
                reserved = f"{value['handle']!r} is on a reserved example domain"
                ctx.warn(where, f"{reserved}; mark the entry `example: true` or give the real handle")
    return ok


POLITICIAN = Then(
    Obj(
        {
            "id": Field(ID, required=True, help="stable id; never reuse or change it"),
            "name": Field(Str(max_len=200, multiline=False), required=True),
            "party": Field(Str(max_len=100, multiline=False)),
            "roles": Field(ListOf(ROLE), default=default_list),
            "handles": Field(HANDLES, default=default_dict),
            "source": Field(Url(), help="where the roles and handles were checked"),
            "verified": Field(Date(), help="when they were last checked"),
            "example": Field(Bool(), default=False, help="synthetic entry that only shows the format"),
            "note": Field(Str(max_len=1_000)),
        },
        name="a politician mapping (id, name, party, roles, handles, source, verified)",
    ),
    _example_handles,
)

POLITICIANS = ListOf(POLITICIAN)


# --- cross-checks on the whole list -------------------------------------------


def list_problems(items: Sequence[dict[str, Any]], add: Callable[..., None]) -> None:
    """Report ids and handles used by more than one politician (checked entries only)."""
    ids: dict[str, int] = {}
    handles: dict[tuple[str, str], int] = {}
    for i, item in enumerate(items):
        if item["id"] in ids:
            add((SECTION, i, "id"), f"duplicate id {item['id']!r}; first used at {SECTION}[{ids[item['id']]}]")
        ids.setdefault(item["id"], i)
        for platform, value in sorted((item["handles"] or {}).items()):
            if value is None:
                continue
            if platform == "bluesky" and value["id"] is None and not item["example"]:
                add(
                    (SECTION, i, "handles", platform),
                    f"no Bluesky DID for {value['handle']!r}: a Bluesky mention links by DID; add `id: did:…` "
                    f"(https://bsky.social/xrpc/com.atproto.identity.resolveHandle?handle={value['handle']})",
                    "warning",
                )
            key = (platform, value["handle"].casefold())
            if key in handles:
                other = items[handles[key]]["id"]
                shared = f"{PLATFORM_NAMES[platform]} handle {value['handle']!r} is also {other!r}'s; one account is one person"
                add((SECTION, i, "handles", platform), shared)
            handles.setdefault(key, i)


# --- the typed view ------------------------------------------------------------


@dataclass(frozen=True)
class Handle:
    platform: str
    handle: str  # without "@"; Mastodon as user@instance
    id: str | None = None  # X user id, Bluesky DID, …


@dataclass(frozen=True)
class Role:
    body: str
    title: str
    kommun: str  # four-digit code
    start: dt.date | None = None
    end: dt.date | None = None
    counts_as: str | None = None  # "socialnämnden" for an individ- och familjeomsorgsnämnd: what tag rules match

    @property
    def bodies(self) -> tuple[str, ...]:
        """The names a tag rule may use for this role's body."""
        return (self.body,) if self.counts_as is None else (self.body, self.counts_as)

    def active(self, on: dt.date) -> bool:
        """Held on this date (a role without dates is held until it gets an end)."""
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)

    @property
    def label(self) -> str:
        """How a post names the role: "ordförande i socialnämnden"."""
        return f"{self.title} i {self.body}"


@dataclass(frozen=True)
class Politician:
    id: str
    name: str
    party: str | None = None
    roles: tuple[Role, ...] = ()
    handles: dict[str, Handle] = field(default_factory=dict)  # platform → handle
    source: str | None = None
    verified: dt.date | None = None
    example: bool = False
    note: str | None = None


def to_politician(data: dict[str, Any]) -> Politician:
    """A checked entry as a Politician."""
    handles = {p: Handle(p, v["handle"], v["id"]) for p, v in sorted((data["handles"] or {}).items()) if v is not None}
    roles = tuple(Role(r["body"], r["title"], r["kommun"], r["start"], r["end"], r["counts_as"]) for r in data["roles"])
    return Politician(
        data["id"], data["name"], data["party"], roles, handles, data["source"], data["verified"], data["example"], data["note"]
    )


def politicians(campaign: Campaign) -> tuple[Politician, ...]:
    """The campaign's politicians, in file order (none when it has no politicians: section)."""
    return tuple(to_politician(d) for d in campaign.extra.get(SECTION) or ())


# --- checks against a date ------------------------------------------------------


def year_before(on: dt.date) -> dt.date:
    """The same day a year earlier (28 February for a 29 February)."""
    try:
        return on.replace(year=on.year - 1)
    except ValueError:
        return on.replace(year=on.year - 1, day=28)


def section_doc(campaign: Campaign) -> Located | None:
    """The file holding the politicians, read again for the positions of later warnings (None if it is gone)."""
    source = campaign.sources.get(SECTION)
    if source is None:
        return None
    try:
        return read_yaml(campaign.root / source, source)
    except (OSError, YamlFileError):  # the file changed since loading; positions are then a courtesy
        return None


def dated_problems(campaign: Campaign, on: dt.date) -> list[Problem]:
    """Warnings that depend on the date: ended roles, entries never or long ago verified."""
    source = campaign.sources.get(SECTION)
    if source is None:
        return []
    doc = section_doc(campaign)
    problems: list[Problem] = []

    def warn(path: Path_, message: str) -> None:
        if doc is not None:
            problems.append(doc.at(path, message, severity="warning"))
        else:
            problems.append(Problem(source, 0, 0, "", message, "warning"))

    for i, person in enumerate(politicians(campaign)):
        _dated_person(person, (SECTION, i), on, warn)
    return sorted(problems)


def _dated_person(person: Politician, path: Path_, on: dt.date, warn: Callable[[Path_, str], None]) -> None:
    if person.verified is None:
        warn(path, f"{person.id}: never verified; check the roles and handles and add `verified: {on.isoformat()}`")
    elif person.verified < year_before(on):
        stale = f"{person.id}: last verified {person.verified}, more than a year before {on}; check the roles and handles again"
        warn((*path, "verified"), stale)
    for j, role in enumerate(person.roles):
        if role.end is not None and role.end < on:
            warn((*path, "roles", j, "end"), f"{person.id}: the role {role.label} ended on {role.end}; it is no longer tagged")


def by_kommun(people: Iterable[Politician], code: str, on: dt.date | None = None) -> list[Politician]:
    """The politicians with a role in a kommun (active on a date, when one is given)."""
    return [p for p in people if any(r.kommun == code and (on is None or r.active(on)) for r in p.roles)]


def to_plain(person: Politician) -> dict[str, Any]:
    """A politician as the plain data of the YAML section (for writing files)."""
    out: dict[str, Any] = {"id": person.id, "name": person.name}
    if person.party:
        out["party"] = person.party
    if person.example:
        out["example"] = True
    roles = [{k: v for k, v in _role_items(r) if v is not None} for r in person.roles]
    handles: dict[str, Any] = {}
    for platform in PLATFORMS:
        h = person.handles.get(platform)
        if h is not None:
            handles[platform] = {"handle": h.handle, "id": h.id} if h.id else h.handle
    if roles:
        out["roles"] = roles
    if handles:
        out["handles"] = handles
    for key in ("source", "verified", "note"):
        value = getattr(person, key)
        if value is not None:
            out[key] = value
    return out


def _role_items(r: Role) -> tuple[tuple[str, Any], ...]:
    return (
        ("body", r.body),
        ("counts_as", r.counts_as),
        ("title", r.title),
        ("kommun", r.kommun),
        ("start", r.start),
        ("end", r.end),
    )


def section_path(campaign: Campaign) -> Path:
    """The file holding the politicians section (messages/politicians.yaml if there is none yet)."""
    return campaign.root / campaign.sources.get(SECTION, f"messages/{SECTION}.yaml")
