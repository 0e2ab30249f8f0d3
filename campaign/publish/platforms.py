"""What each publishing platform is, to an account: its default endpoint, the credentials it needs, whom it
posts as. Apart from the queue's records (``campaign.publish.model``), so that checking a campaign's
accounts (``campaign.publish.spec``, which every build runs) does not make those classes."""

from __future__ import annotations

PUBLISHING_PLATFORMS: tuple[str, ...] = ("x", "bluesky", "mastodon", "threads", "linkedin", "facebook", "instagram")

# Each platform's default public endpoint (an account may name another one,
# such as its Mastodon instance, a Bluesky PDS or a test server on 127.0.0.1).
DEFAULT_ENDPOINTS: dict[str, str | None] = {
    "x": "https://api.twitter.com",  # the host tweepy's Client hard-codes
    "bluesky": "https://bsky.social",
    "mastodon": None,  # there is no default instance: the account must name one
    "threads": "https://graph.threads.net",  # Threads API (graph.threads.com answers too)
    "linkedin": "https://api.linkedin.com",  # the versioned REST API under /rest
    "facebook": "https://graph.facebook.com",  # Graph API, Pages
    "instagram": "https://graph.facebook.com",  # Instagram API with Facebook Login
}

# The credentials each platform needs; each is read from an environment variable.
CREDENTIALS: dict[str, tuple[str, ...]] = {
    "x": ("api_key", "api_secret", "access_token", "access_token_secret"),
    "bluesky": ("app_password",),
    "mastodon": ("access_token",),
    "threads": ("access_token",),  # a Threads user access token (threads_basic, threads_content_publish)
    "linkedin": ("access_token",),  # an OAuth 2.0 token with w_organization_social (or w_member_social)
    "facebook": ("page_access_token",),  # the Page's own access token (pages_manage_posts)
    "instagram": ("access_token",),  # a token with instagram_basic and instagram_content_publish
}

# Which platforms name the profile to post as with profile_id, and what it looks like.
PROFILE_IDS: dict[str, str] = {
    "threads": "a Threads user id, or 'me' (the default): the token's own profile",
    "linkedin": "the author URN: urn:li:organization:<number> for a page, urn:li:person:<id> for a member",
    "facebook": "the Facebook Page's numeric id",
    "instagram": "the Instagram professional account's numeric id (ig-user-id)",
}
