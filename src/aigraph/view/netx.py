"""RDF -> NetworkX: the fold (:mod:`aigraph.view.fold`) as a ``networkx.MultiDiGraph``, and
that graph with string attributes for GraphML and GEXF."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ..ontology import Ontology
from .fold import fold

if TYPE_CHECKING:
    import networkx as nx


def to_networkx(items: Iterable[ox.Quad | ox.Triple] | Any, ontology: Ontology | None = None) -> nx.MultiDiGraph:
    """Turn RDF triples (or quads, graph names ignored) into a ``networkx.MultiDiGraph``.

    ``items`` are pyoxigraph quads or triples (a ``Store`` too), or an rdflib ``Graph``.
    Nodes carry ``label`` (a blank node without one is "blank node N", numbered in order),
    ``class`` (most specific type IRI), ``class_label``, ``types`` and one attribute per
    literal property (prefixed name -> list of values); where values have a language or a
    datatype, ``datatypes`` maps the property to them, value by value ("@en",
    "xsd:integer", or "" for a plain string). Edges are keyed by predicate IRI and carry
    ``predicate``, ``label``, ``evidence`` (sentences), ``quotes`` and ``article`` (the
    title of the article they come from: not ``source``, which networkx and pyvis reserve
    for the edge's end).
    Classes, properties, ontologies and shapes the data declares are not nodes: their
    labels name the classes and relations. The input is not changed.
    """
    import networkx as nx

    folded = fold(items, ontology)
    g = nx.MultiDiGraph()
    g.add_nodes_from(folded.nodes.items())
    g.add_edges_from(folded.edges)
    return g


def stringify(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attribute values are all strings (lists joined by newlines), for GraphML/GEXF."""
    import networkx as nx

    def flat(d: dict[str, Any]) -> dict[str, str]:
        out = {}
        for k, v in d.items():
            if isinstance(v, dict):
                v = "\n".join(f"{kk}: {' | '.join(vv)}" for kk, vv in v.items())
            elif isinstance(v, list | tuple):
                v = "\n".join(str(x) for x in v)
            out[k] = str(v)
        return out

    h = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        h.add_node(n, **flat(d))
    for s, o, k, d in g.edges(keys=True, data=True):
        h.add_edge(s, o, key=k, **flat(d))
    return h
