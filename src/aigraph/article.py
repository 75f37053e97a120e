"""An article's text, split into sentences, and verbatim quote lookup."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import AigraphError
from .rdfio import check_input

# A sentence ends at . ! or ? followed by space and a capital or an opening quote.
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"‘'])")

MAX_BYTES = 10 * 1024 * 1024
"""The largest article aigraph reads: 10 MiB, some 1.5 million words, far beyond any news article."""

# Text has no control characters but tab, line breaks and form feed: a NUL or an
# escape says the file is binary (or /proc/self/environ), not an article.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def normalize(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Sentence:
    index: int  # 1-based position in the article
    text: str  # verbatim, whitespace normalized


class ArticleText:
    """The text of one article, read as UTF-8, with its sentences."""

    def __init__(self, text: str, path: str | Path | None = None) -> None:
        self.path = path
        self.text = text
        self.sentences = [
            Sentence(i, normalize(s))
            for i, s in enumerate(_BOUNDARY.split(text.strip()), 1)
            if s.strip()
        ]
        self._cache: tuple[str, list[int]] | None = None

    @classmethod
    def read(cls, path: str | Path) -> ArticleText:
        """Read a regular file of UTF-8 text of at most :data:`MAX_BYTES`."""
        path = check_input(path, "an article")
        try:
            with path.open("rb") as file:
                raw = file.read(MAX_BYTES + 1)  # never more: /proc files claim a size of 0
        except OSError as exc:
            raise AigraphError(f"cannot read: {exc.strerror or exc}", path=path) from None
        if len(raw) > MAX_BYTES:
            raise AigraphError(f"article is larger than {MAX_BYTES // 2**20} MiB, the most aigraph reads", path=path)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise AigraphError("article is not valid UTF-8", path=path, line=line) from None
        control = _CONTROL.search(text)
        if control:
            line = text.count("\n", 0, control.start()) + 1
            raise AigraphError(
                f"article is not plain text: it holds the control character U+{ord(control.group()):04X}",
                path=path,
                line=line,
            )
        return cls(text, path)

    def _joined(self) -> tuple[str, list[int]]:
        """The sentences joined by single spaces, and where each starts (computed once)."""
        if self._cache is None:
            starts, at = [], 0
            for s in self.sentences:
                starts.append(at)
                at += len(s.text) + 1
            self._cache = (" ".join(s.text for s in self.sentences), starts)
        return self._cache

    def find(self, quote: str) -> list[Sentence]:
        """Return the sentence(s) a quote comes from; empty if it is not verbatim.

        A quote may span sentences; whitespace differences are ignored. Where
        the quote occurs in several places, the first is returned (see
        :meth:`places`).

        >>> ArticleText("One two. Three four.").find("two. Three")
        [Sentence(index=1, text='One two.'), Sentence(index=2, text='Three four.')]
        """
        found = self.places(quote)
        return list(found[0]) if found else []

    def places(self, quote: str) -> list[tuple[Sentence, ...]]:
        """Every distinct run of sentences the quote occurs in, in article order.

        >>> [[s.index for s in run] for run in ArticleText("AI here. AI there.").places("AI")]
        [[1], [2]]
        """
        q = normalize(quote)
        if not q:
            return []
        joined, starts = self._joined()
        runs: list[tuple[Sentence, ...]] = []
        seen: set[tuple[int, int]] = set()
        at = joined.find(q)
        while at >= 0:
            # The sentences the occurrence overlaps, found by bisection (big articles have many).
            first = bisect.bisect_right(starts, at) - 1
            last = bisect.bisect_left(starts, at + len(q)) - 1
            if (first, last) not in seen:
                seen.add((first, last))
                runs.append(tuple(self.sentences[first : last + 1]))
            at = joined.find(q, at + 1)
        return runs
