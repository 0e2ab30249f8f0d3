"""Support for the image tests (no tests here): a small, fixed campaign with its own files, so
that edits to the default campaign never move the golden images."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

CAMPAIGN = """\
campaign:
  name: Trygg socialtjänst
  organisation: Socialtjänstfacket
  launch_date: 2026-02-04
  theme:
    background: "#1d2b53"
    foreground: "#ffffff"
    accent: "#ffcc4d"
    accent_text: "#1d2b53"
    logo: assets/logo.png
hashtags:
  - tag: socialtjänst
    required: true
"""

FIGURES = """\
figures:
  - id: resursbrist
    kind: share
    value: 50
    population: socialsekreterare
    statement: anger brist på resurser som skäl till att de är missnöjda med arbetet
    source: Novus för Akademikerförbundet SSR, socialsekreterarundersökningen 2019
    fieldwork: {start: 2019-09-09, end: 2019-09-29}
    sample_size: 2473
    regions:
      "03": 47
    municipalities:
      "0180":
        value: 62
        note: säger att de hotfulla situationerna har blivit fler – och att ingen tar ansvar
        source: Akademikerförbundet SSR:s enkät i Stockholms stad
        fieldwork: hösten 2008
        sample_size: 217
  - id: bemanning
    kind: share
    value: 60
    words: mer än sex av tio
    population: socialchefer
    statement: har svårt att bemanna socialtjänsten så mycket som behövs
    source: Vision, Socialchefsrapporten 2022
    fieldwork: 2022-09-26
    published: 2022-09-26
"""

MESSAGES = """\
messages:
  - id: kort-resurser
    kind: short
    figures: [resursbrist]
    text: "{{ figure.words | upper_first }} socialsekreterare saknar resurser för att göra ett bra jobb. Det är de mest utsatta som betalar priset."
  - id: lang
    kind: long
    text: "En lång text som inte blir något kort."
demands:
  - id: sakerhetskommission
    title: En säkerhetskommission för socialtjänsten
    text: Hot och våld mot socialsekreterare måste kartläggas och mötas med en nationell säkerhetskommission.
"""


def logo(path: Path) -> None:
    """A fixed logo: a navy rounded square with a yellow roof, drawn here so it never changes."""
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 255, 255), radius=56, fill=(255, 255, 255, 255))
    draw.rounded_rectangle((11, 11, 244, 244), radius=45, fill=(29, 43, 83, 255))
    draw.polygon([(128, 60), (200, 130), (56, 130)], fill=(255, 204, 77, 255))
    draw.rectangle((75, 125, 181, 200), fill=(255, 204, 77, 255))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)


def make(root: Path, *, campaign: str = CAMPAIGN, extra: str = "") -> Path:
    """Write the test campaign into ``root``; ``extra`` is one more YAML file (e.g. layouts:)."""
    (root / "messages").mkdir(parents=True, exist_ok=True)
    (root / "messages" / "campaign.yaml").write_text(campaign, encoding="utf-8")
    (root / "messages" / "figures.yaml").write_text(FIGURES, encoding="utf-8")
    (root / "messages" / "messages.yaml").write_text(MESSAGES, encoding="utf-8")
    if extra:
        (root / "messages" / "layouts.yaml").write_text(extra, encoding="utf-8")
    logo(root / "assets" / "logo.png")
    return root
