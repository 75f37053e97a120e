"""What the page of a corpus adds: who states each relation, value and class."""

from __future__ import annotations

from collections import Counter, defaultdict
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
        self.mentions: dict[str, set[int]] = defaultdict(set)
        # Each subject's stated values (not its class, not a drawn relation), in sources order:
        # node_info looked through all of its triples for every node (100 s at a million triples).
        self.stated: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        mentions, stated = self.mentions, self.stated
        self.drawn = drawn = {(s, p, o) for s, o, p, _d in graph.edges}
        rdf_type = RDF + "type"
        for key, groups in graph.sources.items():
            s, o = key[0], key[2]
            if key[1] != rdf_type and key not in drawn:  # a value (a class comes from _by)
                stated[s].append(key)
            for i, _sents in groups:
                if i >= 0:
                    mentions[s].add(i)
                    mentions[o].add(i)

    def _by(self, key: tuple[str, str, str]) -> list[tuple[int, list[str]]]:
        """The articles stating ``key`` by number, each with its sentences (the fold's own list,
        shared: the page only writes it out)."""
        return self.graph.sources.get(key, _NONE)

    def edge(self, e: tuple[str, str, str, dict[str, Any]]) -> list[tuple[int, list[str]]]:
        return self._by((e[0], e[2], e[1]))

    def node_articles(self, n: str) -> list[int]:
        return sorted(self.mentions.get(n, ()))

    def node_info(self, n: str, d: dict[str, Any]) -> dict[str, Any]:
        """A node's class and values, each with the articles stating it (``tby``, ``vby``)."""
        info: dict[str, Any] = {}
        cls = d.get("class")
        if cls:
            tby = self._by((n, RDF + "type", cls))
            if tby:
                info["tby"] = tby  # (article, sentences) pairs: JSON arrays, as lists would be
        sources = self.graph.sources
        values = [[short_iri(key[1]), key[2], sources[key]] for key in self.stated.get(n, ())]
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
        counts = Counter(k for ids in stating for k in ids)
        return [{"iri": a, **meta, "count": counts[i]} for i, (a, meta) in enumerate(self.graph.articles.items())]
