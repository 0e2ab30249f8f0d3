"""On LinkedIn and Facebook politicians are named, not tagged, as the composer writes them, and arrive whole.

The default campaign's Stockholm post names the social committee's chair as
"David Exempel (ordförande i socialnämnden)": on LinkedIn a bare "(" is
markup that cuts the post short, so this is where the escaping must hold.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from campaign.publish.queue import Queue, queue_path
from tests.conftest import CliResult
from tests.fakes import linkedin_api, meta_api

Cli = Callable[..., CliResult]


def test_a_local_post_names_the_politician_on_linkedin_and_facebook_and_arrives_whole(
    cli: Cli, default_campaign: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    li, fb = linkedin_api.FakeLinkedIn().start(), meta_api.FakeFacebook().start()
    try:
        plan = {
            "accounts": [
                {"id": "linkedin-sthlm", "platform": "linkedin", "endpoint": li.url, "profile_id": linkedin_api.ORG},
                {"id": "facebook-sthlm", "platform": "facebook", "endpoint": fb.url, "profile_id": meta_api.PAGE_ID},
            ],
            "plan": [
                {"at": "day 1 10:00", "message": "resurser", "area": "0180", "accounts": ["linkedin-sthlm", "facebook-sthlm"]}
            ],
        }
        (default_campaign / "messages" / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
        monkeypatch.setenv("CAMPAIGN_LINKEDIN_STHLM_ACCESS_TOKEN", linkedin_api.TOKEN)
        monkeypatch.setenv("CAMPAIGN_FACEBOOK_STHLM_PAGE_ACCESS_TOKEN", meta_api.PAGE_TOKEN)
        assert cli("schedule", "plan", str(default_campaign)).code == 0
        result = cli("publish", str(default_campaign), "--now", "day 1 10:10")
        assert result.code == 0, result.err + result.out
        queue = Queue.open(queue_path(default_campaign))
        rows = {r.account: r for r in queue.rows()}
        queue.close()
        for account in ("linkedin-sthlm", "facebook-sthlm"):
            text = rows[account].parts[0].text
            assert "David Exempel (ordförande i socialnämnden)" in text and "@" not in text
        [post] = li.posts
        assert post.text == rows["linkedin-sthlm"].parts[0].text  # nothing cut off at the "("
        assert "David Exempel \\(ordförande i socialnämnden\\)" in post.commentary
        assert [p.text for p in fb.posts()] == [rows["facebook-sthlm"].parts[0].text]
    finally:
        li.stop()
        fb.stop()
