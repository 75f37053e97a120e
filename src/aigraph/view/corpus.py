"""What the page of a corpus adds: who states each relation, value and class."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..namespaces import RDF
from .scan import short_iri
from .styles import tip

if TYPE_CHECKING:
    from .fold import Folded


def count_articles(by: list[tuple[int, list[str]]]) -> int:
    """How many articles state a triple (a source that names no article is not counted)."""
    return sum(1 for k, _sents in by if k >= 0)


def stated_width(width: float, count: int) -> float:
    """A relation more articles state is drawn thicker, up to 6 px more."""
    return round(width + min(6.0, 1.5 * (count - 1)), 1)


_NONE: list[tuple[int, list[str]]] = []
"""What states a triple no article states (shared: never changed)."""


class Corpus:
    """What the page of a corpus adds: who states each relation, value and class.

    Articles are numbered in :attr:`Folded.articles` order (by date); each relation
    gets the articles stating it, each with its sentences (``-1``: a source that
    names no article).
    """

    def __init__(self, graph: Folded) -> None:
        self.graph = graph

    def _by(self, key: tuple[str, str, str]) -> list[tuple[int, list[str]]]:
        """The articles stating ``key`` by number, each with its sentences (the fold's own list,
        shared: the page only writes it out)."""
        return self.graph.sources.get(key, _NONE)

    def node_articles(self, index: dict[str, int]) -> list[list[int]]:
        """For each node (``index``: its number), the articles that state a triple it is the
        subject or object of, by number. From the fold's pairs (see :attr:`Folded.mentions`),
        with numpy: sets per node cost 0.1 s at a million triples."""
        import numpy as np

        ends, numbers = self.graph.mentions
        count = len(self.graph.articles)
        at = np.fromiter(map(index.get, ends, itertools.repeat(-1)), dtype=np.int64, count=len(ends))
        codes = at * count + np.repeat(np.asarray(numbers, dtype=np.int64), 2)
        codes = np.unique(codes[at >= 0])
        articles: list[int] = (codes % count).tolist() if count else []
        bounds: list[int] = np.searchsorted(codes // max(count, 1), np.arange(len(index) + 1)).tolist()
        return [articles[bounds[i] : bounds[i + 1]] for i in range(len(index))]

    def node_info(self, n: str, d: dict[str, Any]) -> dict[str, Any]:
        """A node's class and values, each with the articles stating it (``tby``, ``vby``)."""
        info: dict[str, Any] = {}
        cls = d.get("class")
        if cls:
            tby = self._by((n, RDF + "type", cls))
            if tby:
                info["tby"] = tby  # (article, sentences) pairs: JSON arrays, as lists would be
        sources = self.graph.sources
        values = [[short_iri(key[1]), key[2], sources[key]] for key in self.graph.values_stated.get(n, ())]
        if values:
            info["vby"] = sorted(values, key=lambda v: (v[0], v[1]))
        return info

    def tooltip(self, by: list[tuple[int, list[str]]]) -> str:
        """The tooltip: "stated by N articles", then each article's title and sentences."""
        count = count_articles(by)
        lines = [f"stated by {count} article{'' if count == 1 else 's'}" if count else "(no article recorded)"]
        titles = list(self.graph.articles.values())
        for k, sents in by:
            lines.append("")
            if k < 0:
                lines.append("(source not recorded)")
            else:
                lines.append(tip(titles[k]["title"]) + (f" ({titles[k]['date']})" if titles[k]["date"] else ""))
            lines.extend(f"\u201c{tip(t)}\u201d" for t in sents)
        return "\n".join(lines)

    def articles(self, stating: list[list[int]]) -> list[dict[str, Any]]:
        """The page's list of articles, each with how many of the drawn relations it states."""
        counts = Counter(itertools.chain.from_iterable(stating))
        return [{"iri": a, **meta, "count": counts[i]} for i, (a, meta) in enumerate(self.graph.articles.items())]
