"""Every piece of the page's own text, in each language the kit supports.

One place: the templates read ``t.key`` and the script receives the same
table as JSON, so a new language is one more dictionary here. Campaign text
(messages, figures, links) comes from the campaign, never from here.
"""

from __future__ import annotations

from typing import Any

STRINGS: dict[str, dict[str, str]] = {
    "sv": {
        "lang_name": "svenska",
        "skip": "Hoppa till budskapen",
        "national": "Hela landet",
        "picker_label": "Välj din kommun",
        "picker_placeholder": "Skriv t.ex. Malung-Sälen",  # short: it must fit a phone's field
        "picker_none": "Ingen kommun heter så.",
        "picker_count": "{n} kommuner matchar",
        "all_kommuner": "Alla kommuner",
        "direct_link": "Direktlänk till sidan för {name}",
        "showing_for": "Visar budskapen för",
        "loading": "Hämtar {name} …",
        "load_failed": "Kunde inte hämta {name}.",
        "intro": "Välj ett budskap, kopiera det eller dela det direkt, och ladda ner bilden. Texterna är anpassade för varje plattform.",
        "figures": "Siffrorna",
        "source": "Källa",
        "tip_title": "Tagga de ansvariga",
        # The tip follows the campaign: {ask} is its own `page: tip:` or "tip_ask", {roles} its tag rules in words.
        "tip_ask": "Fråga dem vad de tänker göra.",
        "tip_national": "Välj din kommun ovan, så får du inläggen med din kommuns siffror och de lokala politikerna taggade. {ask}",
        "tip_kommun": "Tagga de ansvariga politikerna i {name}. {ask}",
        "tip_kit": "Tagga de ansvariga lokala politikerna ({rules}). {ask} På kampanjsidan väljer du kommun och får inläggen med politikerna redan taggade.",
        "tip_kit_plain": "Tagga de ansvariga lokala politikerna. {ask} På kampanjsidan väljer du kommun och får inläggen med politikerna redan taggade.",
        "in_body": "{title} i {body}",
        "and_": "och",
        "tip_none": "Vi har inga politiker registrerade för {name} ännu. Tagga gärna {roles} själv. {ask}",
        "tip_roles_plain": "de ansvariga politikerna",
        "long_messages": "Budskap",
        "short_messages": "Kortare budskap",
        "message": "Budskap {n}",
        "platform": "Plattform",
        "part": "del {n} av {total}",
        "post_text": "Text för {platform}",
        "thread_hint": "För långt för ett inlägg: en tråd i {total} delar. Publicera del 1 och svara på den med nästa del.",
        "copy": "Kopiera",
        "copied": "Kopierat!",
        "copy_selected": "Texten är markerad: tryck Ctrl+C (⌘C på Mac) för att kopiera.",
        "share_on": "Dela på {platform}",
        "counter": "{n} av {limit}",
        "counter_x": "{n} av {limit} (X räknar länkar som 23 tecken)",
        "counter_over": "{over} tecken för långt",
        "counter_bytes": "{bytes} av {max} byte",
        "reset": "Återställ texten",
        "images": "Bilder att dela",
        "download": "Ladda ner",
        "alt_text": "Bildtext (alt-text)",
        "copy_alt": "Kopiera bildtexten",
        "mastodon_title": "Vilken Mastodon-server använder du?",
        "mastodon_help": "Till exempel mastodon.nu. Vi kommer ihåg svaret i den här webbläsaren.",
        "mastodon_label": "Din server",
        "mastodon_ok": "Dela",
        "mastodon_cancel": "Avbryt",
        "mastodon_change": "Byt server ({instance})",
        "mastodon_invalid": "Skriv serverns namn, till exempel mastodon.nu.",
        "no_share": "{platform} har ingen delningslänk: kopiera texten och klistra in den i appen.",
        "links": "Länkar",
        "hashtags": "Hashtaggar",
        "demands": "Våra krav",
        "kit_link": "Utskriftsvänligt kit",
        "kit_title": "Budskap och länkar",
        "kit_intro": "Hela kitet att skriva ut eller skicka vidare.",
        "kit_markdown": "Samma kit som Markdown",
        "kit_page": "Kampanjsidan, där du väljer din kommun:",
        "back": "Till budskapen",
        "footer": "{organisation} · Sidan hämtar inget från andra webbplatser och sparar inga uppgifter om dig.",
        "kommun_list_title": "Alla kommuner",
        "local_figure": "siffra för {name}",
    },
    "en": {
        "lang_name": "English",
        "skip": "Skip to the messages",
        "national": "Whole country",
        "picker_label": "Choose your municipality",
        "picker_placeholder": "e.g. Malung-Sälen",
        "picker_none": "No municipality has that name.",
        "picker_count": "{n} municipalities match",
        "all_kommuner": "All municipalities",
        "direct_link": "Direct link to the page for {name}",
        "showing_for": "Showing the messages for",
        "loading": "Loading {name} …",
        "load_failed": "Could not load {name}.",
        "intro": "Pick a message, copy it or share it directly, and download the image. Each text is tailored to its platform.",
        "figures": "The figures",
        "source": "Source",
        "tip_title": "Tag the people in charge",
        "tip_ask": "Ask them what they will do.",
        "tip_national": "Choose your municipality above to get posts with its own figures and its local politicians tagged. {ask}",
        "tip_kommun": "Tag the politicians in charge in {name}. {ask}",
        "tip_kit": "Tag the local politicians in charge ({rules}). {ask} On the campaign page, pick a municipality to get posts with them already tagged.",
        "tip_kit_plain": "Tag the local politicians in charge. {ask} On the campaign page, pick a municipality to get posts with them already tagged.",
        "in_body": "{title} of {body}",
        "and_": "and",
        "tip_none": "We have no politicians on file for {name} yet. Tag {roles} yourself. {ask}",
        "tip_roles_plain": "the politicians in charge",
        "long_messages": "Messages",
        "short_messages": "Short messages",
        "message": "Message {n}",
        "platform": "Platform",
        "part": "part {n} of {total}",
        "post_text": "Text for {platform}",
        "thread_hint": "Too long for one post: a thread of {total} parts. Publish part 1, then reply to it with the next part.",
        "copy": "Copy",
        "copied": "Copied!",
        "copy_selected": "The text is selected: press Ctrl+C (⌘C on a Mac) to copy it.",
        "share_on": "Share on {platform}",
        "counter": "{n} of {limit}",
        "counter_x": "{n} of {limit} (X counts links as 23 characters)",
        "counter_over": "{over} characters too long",
        "counter_bytes": "{bytes} of {max} bytes",
        "reset": "Reset the text",
        "images": "Images to share",
        "download": "Download",
        "alt_text": "Image description (alt text)",
        "copy_alt": "Copy the description",
        "mastodon_title": "Which Mastodon server do you use?",
        "mastodon_help": "For example mastodon.social. This browser remembers the answer.",
        "mastodon_label": "Your server",
        "mastodon_ok": "Share",
        "mastodon_cancel": "Cancel",
        "mastodon_change": "Change server ({instance})",
        "mastodon_invalid": "Type the server's name, for example mastodon.social.",
        "no_share": "{platform} has no share link: copy the text and paste it in the app.",
        "links": "Links",
        "hashtags": "Hashtags",
        "demands": "Our demands",
        "kit_link": "Printable kit",
        "kit_title": "Messages and links",
        "kit_intro": "The whole kit, to print or pass on.",
        "kit_markdown": "The same kit as Markdown",
        "kit_page": "The campaign page, where you pick your municipality:",
        "back": "Back to the messages",
        "footer": "{organisation} · This page loads nothing from other sites and stores nothing about you.",
        "kommun_list_title": "All municipalities",
        "local_figure": "figure for {name}",
    },
}


class Strings:
    """The UI text of one language: ``t.copy``, ``t("message", n=3)``."""

    def __init__(self, language: str, overrides: dict[str, str] | None = None) -> None:
        self.language = language if language in STRINGS else "en"
        self.table = {**STRINGS[self.language], **(overrides or {})}

    def __getattr__(self, key: str) -> str:
        try:
            return self.table[key]
        except KeyError:
            raise AttributeError(key) from None

    def __call__(self, key: str, **values: Any) -> str:
        return self.table[key].format(**values)
