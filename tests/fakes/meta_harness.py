"""Contract-suite harnesses for Threads, Facebook, Instagram (fake Graph APIs) and LinkedIn (fake REST API).

Each starts its fake, a kit host for the images Threads and Instagram fetch,
and reads back what the fake holds, so ``tests/test_publish_contract.py``
runs the same contract against these publishers as against X, Mastodon and Bluesky.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from PIL import Image as PILImage

from campaign.publish.model import Account, Image, Part
from campaign.publish.plan import image_file
from tests.fakes import linkedin_api, meta_api
from tests.fakes.harness import Harness, Seen
from tests.fakes.kit_host import KitHost

ROOT = Path(__file__).resolve().parents[2]
LOGO = ROOT / "assets" / "logo.png"


class _Hosted(Harness):
    """A harness whose images are also on a kit host (with their public address)."""

    fetches_images = False
    needs_image = False
    has_threads = False
    names_reset = True

    def start_kit(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kit-"))
        square = PILImage.open(LOGO).convert("RGB").resize((1080, 1080))
        square.save(self.folder / "kort.jpg", "JPEG", quality=90)
        (self.folder / "logo.png").write_bytes(LOGO.read_bytes())
        self.kit = KitHost(self.folder).start()

    def image(self, alt: str) -> Image:
        """An image for this platform (a JPEG where only JPEG will do), with its public address."""
        name = "kort.jpg" if self.platform == "instagram" else "logo.png"
        found = image_file(self.folder / name, alt)
        return Image(**{**found.to_json(), "url": self.kit.base_url + name})

    def part(self, text: str, images: tuple[Image, ...] = ()) -> Part:
        if self.needs_image and not images:
            images = (self.image("Delningsbild"),)
        return Part(text, (), images)

    def stop(self) -> None:
        self.server.stop()
        self.kit.stop()


class FacebookHarness(_Hosted):
    platform = "facebook"

    def __init__(self) -> None:
        self.server = self.fb = meta_api.FakeFacebook().start()
        self.create_path = f"/v21.0/{meta_api.PAGE_ID}/feed"
        self.start_kit()

    def account(self) -> Account:
        return Account(self.account_id, "facebook", self.server.url, profile_id=meta_api.PAGE_ID)

    def env(self) -> dict[str, str]:
        return {"CAMPAIGN_KONTO_PAGE_ACCESS_TOKEN": meta_api.PAGE_TOKEN}

    def bad_env(self) -> dict[str, str]:
        return {"CAMPAIGN_KONTO_PAGE_ACCESS_TOKEN": "expired-page-token"}

    def rate_limited(self, reset: dt.datetime):
        return meta_api.buc_rate_limited(meta_api.PAGE_ID, "pages", reset, 80001)

    def server_error(self):
        return meta_api.server_error(500)

    def read(self, remote_id: str) -> Seen:
        post = self.fb.items[remote_id]
        return Seen(post.id, post.text, None, [post.alt] if post.image is not None else [], [], [])


class InstagramHarness(_Hosted):
    platform = "instagram"
    fetches_images = needs_image = True

    def __init__(self) -> None:
        self.server = self.ig = meta_api.FakeInstagram().start()
        self.create_path = f"/v21.0/{meta_api.IG_USER}/media_publish"
        self.start_kit()

    def account(self) -> Account:
        return Account(self.account_id, "instagram", self.server.url, profile_id=meta_api.IG_USER)

    def env(self) -> dict[str, str]:
        return {"CAMPAIGN_KONTO_ACCESS_TOKEN": meta_api.IG_TOKEN}

    def bad_env(self) -> dict[str, str]:
        return {"CAMPAIGN_KONTO_ACCESS_TOKEN": "expired-instagram-token"}

    def rate_limited(self, reset: dt.datetime):
        return meta_api.buc_rate_limited(meta_api.IG_USER, "instagram", reset, 80002)

    def server_error(self):
        return meta_api.server_error(500)

    def read(self, remote_id: str) -> Seen:
        media = self.ig.items[remote_id]
        return Seen(media.id, media.text, None, [media.alt or ""], [], [])


class ThreadsHarness(_Hosted):
    platform = "threads"
    fetches_images = has_threads = True
    names_reset = False  # Threads answers a throttle with X-App-Usage percentages, not a reset time

    def __init__(self) -> None:
        self.server = self.th = meta_api.FakeThreads().start()
        self.create_path = "/v1.0/me/threads_publish"
        self.start_kit()

    def account(self) -> Account:
        return Account(self.account_id, "threads", self.server.url, profile_id="me")

    def env(self) -> dict[str, str]:
        return {"CAMPAIGN_KONTO_ACCESS_TOKEN": meta_api.THREADS_TOKEN}

    def bad_env(self) -> dict[str, str]:
        return {"CAMPAIGN_KONTO_ACCESS_TOKEN": "expired-threads-token"}

    def rate_limited(self, reset: dt.datetime):
        return meta_api.app_rate_limited()

    def server_error(self):
        return meta_api.server_error(500)

    def read(self, remote_id: str) -> Seen:
        media = self.th.items[remote_id]
        return Seen(media.id, media.text, media.parent, [media.alt] if media.image is not None else [], [], [])


class LinkedInHarness(_Hosted):
    platform = "linkedin"
    create_path = "/rest/posts"
    has_duplicates = True
    names_reset = False  # LinkedIn's limits are daily: a 429 waits until midnight UTC

    def __init__(self) -> None:
        self.server = self.li = linkedin_api.FakeLinkedIn().start()
        self.start_kit()

    def account(self) -> Account:
        return Account(self.account_id, "linkedin", self.server.url, profile_id=linkedin_api.ORG)

    def env(self) -> dict[str, str]:
        return {"CAMPAIGN_KONTO_ACCESS_TOKEN": linkedin_api.TOKEN}

    def bad_env(self) -> dict[str, str]:
        return {"CAMPAIGN_KONTO_ACCESS_TOKEN": "expired-linkedin-token"}

    def rate_limited(self, reset: dt.datetime):
        return linkedin_api.rate_limited()

    def server_error(self):
        return linkedin_api.server_error(500)

    def read(self, remote_id: str) -> Seen:
        post = next(p for p in self.li.posts if p.id == remote_id)
        return Seen(post.id, post.text, None, [post.alt] if post.image else [], [], [])
