"""The `campaign` command's app: a thin layer that parses options, calls the
library and maps its errors to exit codes. Each area registers its commands
from its own module. (``campaign.cli`` is the entry point, which loads this
module only when a command needs it.)"""

from __future__ import annotations

import os
import sys

import typer

from campaign.cli import common, core, images, posts, registry, schedule, serve
from campaign.errors import CampaignError, CampaignInvalid, ExitCode

app = typer.Typer(
    name="campaign",
    help="Turn a campaign's message bank into posts, share images, a web page and a publishing schedule.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


@app.callback()
def _options(
    debug: bool = typer.Option(False, "--debug", help="Show the Python traceback when something fails.", envvar="CAMPAIGN_DEBUG"),
) -> None:
    common.STATE.debug = debug


for module in (core, registry, posts, images, schedule, serve):
    module.register(app)


def run() -> None:
    """Run the app; a failure becomes a message and an exit code."""
    try:
        app()
    except CampaignInvalid as exc:
        if common.STATE.debug:
            raise
        common.print_problems(exc.problems)
        sys.exit(int(exc.exit_code))
    except CampaignError as exc:
        if common.STATE.debug:
            raise
        common.err(f"error: {exc}")
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        common.err("interrupted")
        sys.exit(130)
    except Exception as exc:
        if common.STATE.debug or os.environ.get("CAMPAIGN_DEBUG"):
            raise
        common.err(f"internal error: {type(exc).__name__}: {exc}\n(run again with --debug to see the traceback, and report it)")
        sys.exit(int(ExitCode.ERROR))
