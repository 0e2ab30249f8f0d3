"""`campaign serve`: preview the built kit and rebuild it on every change."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from campaign.build import Built
from campaign.cli.common import err, out, print_problems
from campaign.errors import Problem
from campaign.site.serve import Preview


def serve(
    directory: Path = typer.Argument(Path(), help="The campaign folder (holding messages/ and assets/)."),
    port: int = typer.Option(8000, "--port", "-p", help="Port on 127.0.0.1 (0 picks a free one)."),
    out_dir: Path | None = typer.Option(
        None, "--out", "-o", help="Where to build the kit (replaced as a whole). Default: DIR/build."
    ),
) -> None:
    """Build the kit, serve it on http://127.0.0.1:PORT/ and rebuild when the campaign changes.

    Example: campaign serve . --port 8000   (then open http://127.0.0.1:8000/; Ctrl+C stops)
    """
    preview = Preview(directory, out_dir or directory / "build", port=port, on_event=_report).start()
    out(f"serving {preview.url} (rebuilds on change; Ctrl+C stops)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        err("stopped")
    finally:
        preview.close()


def _report(kind: str, detail: Built | list[Problem] | Exception) -> None:
    """Say what a rebuild gave; ``kind`` names it: "built" (the Built), "invalid" (its problems) or "failed" (the error)."""
    if isinstance(detail, Built):
        if detail.warnings:
            print_problems(detail.warnings)
        out(f"built {detail.kit.now:%H:%M:%S}: " + "; ".join(detail.notes))
    elif isinstance(detail, list):
        print_problems(detail)
        err("not rebuilt: still serving the last good build")
    else:
        err(f"error: {detail}; still serving the last good build")


def register(app: typer.Typer) -> None:
    """Add `campaign serve`."""
    app.command()(serve)
