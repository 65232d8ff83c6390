"""Text extraction and paragraph diff timings: `.venv/bin/python bench/texts.py`.

Prints, for the real A/81/6 (Sect. 24) PDF (47 pages) and Word file and the three real resolutions:
seconds to extract and parse each file, and to diff two texts (median of 5 runs each).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from watchers.texts.align import diff_texts  # noqa: E402
from watchers.texts.extract import extract  # noqa: E402
from watchers.texts.model import ParsedText  # noqa: E402
from watchers.texts.paragraphs import parse_layout  # noqa: E402

TEXTS = ROOT / "tests" / "fixtures" / "texts"
RUNS = 5


def timed(work: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def read(name: str) -> ParsedText:
    return parse_layout(extract((TEXTS / name).read_bytes(), plain_text=True))


def main() -> None:
    for name in ("A_81_6_Sect24.pdf", "A_81_6_Sect24.docx", "un-layout-L13.pdf", "A-C.3-78-L.41.txt"):
        text = read(name)
        seconds = timed(lambda name=name: read(name))
        print(f"parse {name:24} {text.pages:3} pages {len(text.paragraphs):4} paragraphs  {seconds:7.3f} s")
    pairs = [
        ("A-HRC-RES-37-23.txt", "A-HRC-RES-43-21.txt"),
        ("A-HRC-RES-43-21.txt", "A-HRC-RES-46-13.txt"),
        ("A-C.3-78-L.41.txt", "A-RES-78-220.txt"),
        ("A_81_6_Sect24.pdf", "A_81_6_Sect24.docx"),
    ]
    for old_name, new_name in pairs:
        old, new = read(old_name), read(new_name)
        seconds = timed(lambda old=old, new=new: diff_texts(old, new))
        sizes = f"{len(old.paragraphs)} x {len(new.paragraphs)}"
        print(f"diff  {old_name} -> {new_name}: {sizes} paragraphs  {seconds:7.3f} s")


if __name__ == "__main__":
    main()
