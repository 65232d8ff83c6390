"""`.venv/bin/python bench/run.py [--urlwatch] [--rounds N] [--profile]`: HRC Watch beside urlwatch.

Builds the bench kit's 50 pages (bench/kit/), starts the kit's server, runs both tools on every case
and prints one table (docs/PERFORMANCE.md says what it measures). `--urlwatch` installs urlwatch into a
throwaway venv under var/bench first; `--profile` then profiles one HRC Watch poll per case and writes
the top functions to var/bench/profiles/.
"""

import sys
from pathlib import Path


def _main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.suite import main

    return main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(_main())
