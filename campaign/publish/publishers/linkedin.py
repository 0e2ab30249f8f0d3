"""LinkedIn pages (and members) through the versioned REST Posts API.

``POST /rest/posts`` with the ``Linkedin-Version`` (YYYYMM) and
``X-Restli-Protocol-Version: 2.0.0`` headers; the new post's URN comes back in
the ``x-restli-id`` header. An image is uploaded first: ``POST
/rest/images?action=initializeUpload`` names an upload URL and the image URN,
the bytes go there with ``PUT``, and the post carries the URN and ``altText``.

The commentary is in LinkedIn's "little" text format, where ``\\ | { } @ [ ]
( ) < > # * _ ~`` are markup: unescaped, LinkedIn cuts the post at the first
one without an error. They are escaped, except inside links and the ``#`` of a
hashtag. Politicians are named in the text (the composer does not tag on
LinkedIn), so no mention markup is needed.

LinkedIn has no idempotency key, but refuses a repeated text with 422
``DUPLICATE_POST`` naming the earlier post's URN: after a lost answer that
URN is our post. Before a retry the author's recent posts are also read.
Rate limits are per day and reset at midnight UTC; a 429 saying so waits until then.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import requests

from campaign.publish.errors import AuthFailed, Duplicate, PublishError, RateLimited, Rejected, Transient, Unreachable
from campaign.publish.model import Account, Image, Part, RemotePost
from campaign.publish.publishers.base import Publisher, never_connected, read_image
from campaign.publish.publishers.lookup import LookBeforeResend, Recent

LINKEDIN_VERSION = "202511"  # the Marketing API version this speaks (YYYYMM); versions are kept about a year
TIMEOUT = 30
RESERVED = re.compile(r"(?P<tag>#(?=\w))|[\\|{}@\[\]()<>#*_~]")  # a hashtag's '#' stays markup
URL = re.compile(r"https?://\S+")
DUPLICATE_OF = re.compile(r"duplicate of (urn:li:(?:share|ugcPost):\d+)")


def little(text: str) -> str:
    """``text`` as little-format commentary: reserved characters escaped, links and hashtags left as they are."""
    out, at = [], 0
    for link in URL.finditer(text):
        out.append(_escape(text[at : link.start()]))
        out.append(link.group())
        at = link.end()
    out.append(_escape(text[at:]))
    return "".join(out)


def _escape(text: str) -> str:
    return RESERVED.sub(lambda m: m.group() if m.group("tag") else "\\" + m.group(), text)


def post_url(urn: str) -> str:
    return f"https://www.linkedin.com/feed/update/{urn}/"


class LinkedInPublisher(LookBeforeResend, Publisher):
    platform = "linkedin"

    def __init__(self, account: Account, secrets: dict[str, str]) -> None:
        Publisher.__init__(self, account)
        LookBeforeResend.__init__(self)
        self.author = account.profile_id or ""
        self.variable = account.env_names()["access_token"]
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {secrets['access_token']}",
                "Linkedin-Version": LINKEDIN_VERSION,
                "X-Restli-Protocol-Version": "2.0.0",
            }
        )

    def upload(self, images: tuple[Image, ...]) -> list[Any]:
        out = []
        for image in images:
            data = read_image(image)
            answer = self._call(
                "POST",
                "/rest/images",
                params={"action": "initializeUpload"},
                json={"initializeUploadRequest": {"owner": self.author}},
            ).json()["value"]
            self._call("PUT", answer["uploadUrl"], data=data, headers={"Content-Type": image.mime}, absolute=True)
            out.append((answer["image"], image.alt))
        return out

    def create(self, part: Part, media: list[Any], *, root: RemotePost | None, parent: RemotePost | None, key: str) -> RemotePost:
        if parent is not None:
            raise Rejected("LinkedIn posts are not threads; the composer never splits one")
        return self.send_once(key, part, None, lambda: self._post(part, media, key))

    def _post(self, part: Part, media: list[Any], key: str) -> RemotePost:
        body: dict[str, Any] = {
            "author": self.author,
            "commentary": little(part.text),
            "visibility": "PUBLIC",
            "distribution": {"feedDistribution": "MAIN_FEED", "targetEntities": [], "thirdPartyDistributionChannels": []},
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if media:
            urn, alt = media[0]
            body["content"] = {"media": {"id": urn, "altText": alt}}
        try:
            response = self._call("POST", "/rest/posts", json=body)
        except Duplicate as exc:
            earlier = DUPLICATE_OF.search(str(exc))
            if key in self._unanswered and earlier:  # our own earlier try, whose answer was lost
                return RemotePost(earlier.group(1), post_url(earlier.group(1)))
            raise
        urn = response.headers.get("x-restli-id") or response.headers.get("X-RestLi-Id") or ""
        return RemotePost(urn, post_url(urn))

    def recent(self, part: Part, parent: RemotePost | None) -> list[Recent]:
        answer = self._call(
            "GET", "/rest/posts", params={"author": self.author, "q": "author", "count": "20", "sortBy": "LAST_MODIFIED"}
        ).json()
        return [
            Recent(
                str(p["id"]),
                str(p.get("commentary") or ""),
                dt.datetime.fromtimestamp(p["createdAt"] / 1000, dt.UTC) if p.get("createdAt") else None,
                post_url(str(p["id"])),
            )
            for p in answer.get("elements") or []
        ]

    def same_text(self, part: Part, seen: str) -> bool:
        return seen.strip() == little(part.text).strip()  # LinkedIn lists the commentary as it was sent

    def _call(self, method: str, path: str, *, absolute: bool = False, **kwargs: Any) -> requests.Response:
        url = path if absolute else self.account.endpoint + path
        try:
            response = self.session.request(method, url, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as exc:
            if never_connected(exc):  # nothing was sent: the whole account waits
                raise Unreachable(
                    f"{self.account.endpoint} could not be reached ({type(exc).__name__})", self.account.endpoint
                ) from None
            raise Transient(f"LinkedIn did not answer ({type(exc).__name__}); the post may have arrived") from None
        if 200 <= response.status_code < 300:
            return response
        raise self._translate(response)

    def _translate(self, response: requests.Response) -> PublishError:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = {}
        message = str(body.get("message") or response.reason or status) if isinstance(body, dict) else str(status)
        code = body.get("code") or body.get("serviceErrorCode") if isinstance(body, dict) else None
        said = f"{status} {code + ': ' if isinstance(code, str) else ''}{message}"
        if status == 401:
            return AuthFailed(
                f"LinkedIn ({self.account.endpoint}) refused the access token ({said}): put a new token in {self.variable}"
            )
        if status == 403:
            return AuthFailed(
                f"LinkedIn ({self.account.endpoint}) refused the request ({said}): the token in {self.variable} needs "
                "w_organization_social (and r_organization_social, to find a post whose answer was lost), "
                "and its member the page's ADMINISTRATOR or CONTENT_ADMINISTRATOR role"
            )
        if status == 429:
            return RateLimited(f"LinkedIn rate limit reached ({said})", _midnight() if "DAY" in message.upper() else None)
        if status == 422 and "DUPLICATE_POST" in str(body):
            return Duplicate(f"LinkedIn refused the text as a duplicate ({message})")
        if status >= 500:
            return Transient(f"LinkedIn server error ({said})")
        return Rejected(f"LinkedIn rejected the post ({said})")


def _midnight(now: dt.datetime | None = None) -> dt.datetime:
    """LinkedIn's daily limits reset at midnight UTC (its rate-limit guide)."""
    today = (now or dt.datetime.now(dt.UTC)).date()
    return dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), dt.UTC)
