"""Threads through the Threads API: a media container per post, then publish; replies make threads.

``POST /{threads-user-id}/threads`` makes a container (``media_type`` TEXT or
IMAGE, ``text``, ``image_url`` from the kit's public address with
``alt_text``, ``reply_to_id`` for the next part of a thread), and ``POST
/{threads-user-id}/threads_publish`` with ``creation_id`` publishes it. The
user id defaults to ``me``, the token's own profile. Like Instagram: a
container is published at most once, a retry asks its status first, and a
publish whose answer was lost is looked for among the profile's recent posts
(or the parent's replies).
"""

from __future__ import annotations

from typing import Any

from campaign.publish.errors import Rejected
from campaign.publish.model import Account, Part, RemotePost
from campaign.publish.publishers.graph import THREADS_VERSION, Graph
from campaign.publish.publishers.instagram import ContainerPublisher


class ThreadsPublisher(ContainerPublisher):
    platform = "threads"
    media_edge = "threads"
    publish_edge = "threads_publish"
    status_field = "status"
    text_field = "text"

    def __init__(self, account: Account, secrets: dict[str, str]) -> None:
        graph = Graph(
            account.endpoint,
            THREADS_VERSION,
            secrets["access_token"],
            product="Threads",
            token_variable=account.env_names()["access_token"],
            scopes="the threads_basic, threads_content_publish and threads_read_replies permissions",
        )
        super().__init__(account, graph, account.profile_id or "me")

    def check(self, part: Part) -> None:
        super().check(part)
        if len(part.images) > 1:
            raise Rejected(f"{len(part.images)} images; Threads posts here carry one (carousels are not made)")

    def container_fields(self, part: Part, media: list[Any], parent: RemotePost | None) -> dict[str, str]:
        fields = {"media_type": "IMAGE" if media else "TEXT", "text": part.text}
        if media:
            fields.update(image_url=media[0].url or "", alt_text=media[0].alt)
        if parent is not None:
            fields["reply_to_id"] = parent.id
        return fields

    def recent_edge(self) -> str:
        return "threads"
