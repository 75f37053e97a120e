"""Sentence splitting stays linear on hostile articles: seconds at n and 2n, and their ratio.

    python benchmarks/bench_sentences.py

A ratio near 2 is linear; near 4, quadratic. Before the fix (issue 16, D4), an
article of 'Mr. ' * 20,000 took about 14 s to split: each rejected candidate end
re-split the growing sentence, and each start of the candidate pattern in a run
of full stops rescanned the run.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from aigraph.sources.article import split_sentences  # noqa: E402

INPUTS = {
    "'Mr. ' * n": ("Mr. ", 20_000),
    "'.' * n": (".", 200_000),
    "'a. ' * n": ("a. ", 100_000),
    "'A. ' * n": ("A. ", 100_000),
    "'The U.S. ' * n": ("The U.S. ", 50_000),
    "'word ' * n (one sentence)": ("word ", 200_000),
    "'A.\\n\\n' * n (paragraphs)": ("A.\n\n", 100_000),
}


def seconds(text: str) -> float:
    start = time.perf_counter()
    split_sentences(text)
    return time.perf_counter() - start


def main() -> None:
    print(f"{'input':30} {'n':>8} {'MB':>6} {'s at n':>8} {'s at 2n':>8} {'ratio':>6}")
    for name, (unit, n) in INPUTS.items():
        one, two = seconds(unit * n), seconds(unit * 2 * n)
        mb = len((unit * n).encode("utf-8")) / 1e6
        print(f"{name:30} {n:8,} {mb:6.2f} {one:8.3f} {two:8.3f} {two / one:6.2f}")


if __name__ == "__main__":
    main()
