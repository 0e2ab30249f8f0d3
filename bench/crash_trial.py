"""The crash trial at full size: 100 posts per account (X that accepts repeated texts, Mastodon, Bluesky PDS).

The publisher (`python -m campaign publish --once`) is SIGKILLed at random
moments (12 times) while the servers answer at random with 503 before or
after making the post, a cut connection after making it (a lost answer) and
429s. Prints, per account: rows, published, rows left for a person,
duplicates on the server, lost posts, rows whose status does not match the
server, create requests, and the wall time.

    python bench/crash_trial.py [--posts 100] [--kills 12] [--seed 13] [--no-bluesky]

Bluesky needs the local PDS (CAMPAIGN_TEST_PDS or /tmp/pds.json).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_publish_trial import Trial, run_trial


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-bluesky", action="store_true")
    args = parser.parse_args()
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        figures = run_trial(Path(folder), Trial(args.posts, args.kills, args.seed, not args.no_bluesky))
    wall = time.monotonic() - start
    keys = list(next(iter(figures.values())))
    print(f"{'account':<8} " + " ".join(f"{k:>10.10}" for k in keys))
    for account, got in figures.items():
        print(f"{account:<8} " + " ".join(f"{got[k]:>10}" for k in keys))
    print(f"wall {wall:.0f} s (seed {args.seed})")


if __name__ == "__main__":
    main()
