"""Entry point: `.venv/bin/python bench/run.py [--quick]`; docs/PERFORMANCE.md says what it measures."""

import sys
from pathlib import Path


def _main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.suite import main

    return main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(_main())
