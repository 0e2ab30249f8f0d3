"""Facebook Pages through the Graph API: feed posts, and photo posts with alt text, as the Page.

A text post is ``POST /{page-id}/feed`` (``message``); a post with an image is
``POST /{page-id}/photos`` with the file (``source``), its caption
(``message``) and ``alt_text_custom``, which answers with the photo's id and
the feed post's ``post_id``. Both need the Page's own access token
(``pages_manage_posts``). The Graph API has no idempotency key, so a post whose
answer was lost is looked for in the Page's feed before it is sent again.
"""

from __future__ import annotations

from typing import Any

from campaign.publish.errors import Rejected
from campaign.publish.model import Account, Image, Part, RemotePost
from campaign.publish.publishers.base import Publisher, read_image
from campaign.publish.publishers.graph import GRAPH_VERSION, Graph, graph_time
from campaign.publish.publishers.lookup import LookBeforeResend, Recent

MAX_IMAGE_BYTES = 10_000_000  # Graph API Photo reference: photos under 10 MB


class FacebookPublisher(LookBeforeResend, Publisher):
    platform = "facebook"

    def __init__(self, account: Account, secrets: dict[str, str]) -> None:
        Publisher.__init__(self, account)
        LookBeforeResend.__init__(self)
        self.page = account.profile_id or ""
        self.graph = Graph(
            account.endpoint,
            GRAPH_VERSION,
            secrets["page_access_token"],
            product="Facebook",
            token_variable=account.env_names()["page_access_token"],
            scopes="the pages_manage_posts and pages_read_engagement permissions (a Page access token)",
        )

    def upload(self, images: tuple[Image, ...]) -> list[Any]:
        out = []
        for image in images:  # sent with the post itself: POST /photos makes both
            data = read_image(image)
            if len(data) > MAX_IMAGE_BYTES:
                raise Rejected(f"image {image.path} is {len(data)} bytes; Facebook takes photos under {MAX_IMAGE_BYTES}")
            out.append((image, data))
        return out

    def create(self, part: Part, media: list[Any], *, root: RemotePost | None, parent: RemotePost | None, key: str) -> RemotePost:
        if parent is not None:
            raise Rejected("Facebook posts are not threads; the composer never splits one")
        return self.send_once(key, part, None, lambda: self._post(part, media))

    def _post(self, part: Part, media: list[Any]) -> RemotePost:
        if not media:
            answer = self.graph.call("POST", f"{self.page}/feed", data={"message": part.text})
            post_id = str(answer["id"])
        else:
            image, data = media[0]
            answer = self.graph.call(
                "POST",
                f"{self.page}/photos",
                data={"message": part.text, "alt_text_custom": image.alt, "published": "true"},
                files={"source": ("image" + (".png" if image.mime == "image/png" else ".jpg"), data, image.mime)},
            )
            post_id = str(answer.get("post_id") or f"{self.page}_{answer['id']}")
        return RemotePost(post_id, post_url(post_id))

    def recent(self, part: Part, parent: RemotePost | None) -> list[Recent]:
        answer = self.graph.call("GET", f"{self.page}/feed", params={"fields": "id,message,created_time", "limit": "25"})
        return [
            Recent(str(p["id"]), str(p.get("message") or ""), graph_time(p.get("created_time")), post_url(str(p["id"])))
            for p in answer.get("data") or []
        ]


def post_url(post_id: str) -> str:
    """A Page post's address: facebook.com resolves '<page id>_<post id>'."""
    return f"https://www.facebook.com/{post_id}"
