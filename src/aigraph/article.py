"""An article's text, split into sentences, and verbatim quote lookup."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import AigraphError

# A sentence ends at . ! or ? followed by space and a capital or an opening quote.
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"‘'])")


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

    @classmethod
    def read(cls, path: str | Path) -> ArticleText:
        path = Path(path)
        try:
            raw = path.read_bytes()
            return cls(raw.decode("utf-8"), path)
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise AigraphError("article is not valid UTF-8", path=path, line=line) from None
        except FileNotFoundError:
            raise AigraphError("article not found", path=path) from None
        except IsADirectoryError:
            raise AigraphError("article is a directory", path=path) from None
        except OSError as exc:
            raise AigraphError(f"cannot read article: {exc.strerror}", path=path) from None

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
        joined = ""
        starts: list[int] = []
        for s in self.sentences:
            if joined:
                joined += " "
            starts.append(len(joined))
            joined += s.text
        runs: list[tuple[Sentence, ...]] = []
        at = joined.find(q)
        while at >= 0:
            end = at + len(q)
            run = tuple(
                s
                for s, start in zip(self.sentences, starts, strict=True)
                if start < end and start + len(s.text) > at
            )
            if run not in runs:
                runs.append(run)
            at = joined.find(q, at + 1)
        return runs
