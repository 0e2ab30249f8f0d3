"""The `campaign` command's app: a thin layer that parses options, calls the
library and maps its errors to exit codes. Each area registers its commands
from its own module. (``campaign.cli`` is the entry point, which loads this
module only when a command needs it.)"""

from __future__ import annotations

import typer

from campaign.cli import common, core, images, posts, registry, schedule, serve

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
    common.reported(app)
