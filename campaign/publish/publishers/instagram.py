"""Instagram professional accounts through the Graph API: a media container, then publish.

``POST /{ig-user-id}/media`` makes a container from the image's public address
(``image_url``: Instagram fetches it, so the kit must be online at
``base_url``; JPEG only), the caption and ``alt_text``; ``GET /{container-id}
?fields=status_code`` says when it is ``FINISHED``; ``POST /{ig-user-id}
/media_publish`` with ``creation_id`` makes the post. Nothing is visible until
the publish call, and a container is published at most once, so a retry
reuses the container and first asks its status; a publish whose answer was
lost is looked for in the account's recent media. Instagram takes no post
without an image, and has no threads.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from campaign.publish.errors import Rejected, Transient
from campaign.publish.model import Account, Image, Part, RemotePost
from campaign.publish.publishers.base import Publisher
from campaign.publish.publishers.graph import GRAPH_VERSION, Graph, graph_time
from campaign.publish.publishers.lookup import LookBeforeResend, Recent

POLLS = 10  # container status checks before giving up for now (the worker retries later)
POLL_SECONDS = 3.0


class AlreadyPublished(RuntimeError):
    """A part's container was published although no answer said so: a person checks (the row becomes uncertain)."""


class ContainerPublisher(LookBeforeResend, Publisher):
    """What Instagram and Threads share: a container per part, published once."""

    media_edge = "media"
    publish_edge = "media_publish"
    status_field = "status_code"
    text_field = "caption"

    def __init__(self, account: Account, graph: Graph, user: str) -> None:
        Publisher.__init__(self, account)
        LookBeforeResend.__init__(self)
        self.graph, self.user = graph, user
        self._containers: dict[str, str] = {}  # part key → its container, to publish that one and no other
        self.sleep: Callable[[float], None] = time.sleep

    def upload(self, images: tuple[Image, ...]) -> list[Any]:
        for image in images:
            if not image.url:
                raise Rejected(
                    f"{self.graph.product} fetches each image from its public address, and {image.path} has none: "
                    "set campaign.base_url and run `campaign schedule plan` again"
                )
        return list(images)

    def container_fields(self, part: Part, media: list[Any], parent: RemotePost | None) -> dict[str, str]:  # pragma: no cover
        raise NotImplementedError

    def create(self, part: Part, media: list[Any], *, root: RemotePost | None, parent: RemotePost | None, key: str) -> RemotePost:
        return self.send_once(key, part, parent, lambda: self._publish(part, media, parent, key))

    def _publish(self, part: Part, media: list[Any], parent: RemotePost | None, key: str) -> RemotePost:
        container = self._containers.get(key)
        status = self._status(container) if container is not None else ""
        if status == "PUBLISHED":  # published, but send_once did not find the post: never make a second one
            raise AlreadyPublished(
                f"{self.graph.product} says container {container} is published, but the post is not among the account's "
                "recent posts yet"
            )
        if container is not None and status not in ("FINISHED", "IN_PROGRESS"):
            container = None  # expired or failed: make a new one
        if container is None:
            answer = self.graph.call("POST", f"{self.user}/{self.media_edge}", data=self.container_fields(part, media, parent))
            container = self._containers[key] = str(answer["id"])
        self._wait(container)
        published = self.graph.call("POST", f"{self.user}/{self.publish_edge}", data={"creation_id": container})
        media_id = str(published["id"])
        return RemotePost(media_id, self._permalink(media_id))

    def _status(self, container: str) -> str:
        answer = self.graph.call("GET", container, params={"fields": f"{self.status_field},id"})
        return str(answer.get(self.status_field) or "")

    def _wait(self, container: str) -> None:
        for _ in range(POLLS):
            status = self._status(container)
            if status == "FINISHED":
                return
            if status in ("ERROR", "EXPIRED"):
                self._containers = {k: v for k, v in self._containers.items() if v != container}
                raise Rejected(f"{self.graph.product} could not prepare the post (container {container}: {status})")
            self.sleep(POLL_SECONDS)
        raise Transient(f"{self.graph.product} is still preparing container {container}; trying again later")

    def _permalink(self, media_id: str) -> str:
        try:
            return str(self.graph.call("GET", media_id, params={"fields": "permalink"}).get("permalink") or "")
        except Exception:
            return ""

    def recent(self, part: Part, parent: RemotePost | None) -> list[Recent]:
        path = f"{parent.id}/replies" if parent else f"{self.user}/{self.recent_edge()}"
        answer = self.graph.call("GET", path, params={"fields": f"id,{self.text_field},timestamp,permalink", "limit": "25"})
        return [
            Recent(str(m["id"]), str(m.get(self.text_field) or ""), graph_time(m.get("timestamp")), str(m.get("permalink") or ""))
            for m in answer.get("data") or []
        ]

    def recent_edge(self) -> str:
        return self.media_edge


class InstagramPublisher(ContainerPublisher):
    platform = "instagram"

    def __init__(self, account: Account, secrets: dict[str, str]) -> None:
        graph = Graph(
            account.endpoint,
            GRAPH_VERSION,
            secrets["access_token"],
            product="Instagram",
            token_variable=account.env_names()["access_token"],
            scopes="the instagram_basic and instagram_content_publish permissions",
        )
        super().__init__(account, graph, account.profile_id or "")

    def check(self, part: Part) -> None:
        super().check(part)
        if not part.images:
            raise Rejected("Instagram takes no post without an image; add images: to the plan entry")
        if len(part.images) > 1:
            raise Rejected(f"{len(part.images)} images; Instagram posts here carry one (carousels are not made)")
        if part.images[0].mime != "image/jpeg":
            raise Rejected(f"{part.images[0].path} is not JPEG; Instagram takes only JPEG images")

    def container_fields(self, part: Part, media: list[Any], parent: RemotePost | None) -> dict[str, str]:
        if parent is not None:
            raise Rejected("Instagram posts are not threads; the composer never splits one")
        image = media[0]
        return {"image_url": image.url or "", "caption": part.text, "alt_text": image.alt}


__all__ = ["AlreadyPublished", "ContainerPublisher", "InstagramPublisher"]
