"""Which RDF a command works on: the built graph (default) or the user's files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .rdfio import parse_bytes, read_rdf


def ontology_quads() -> list[ox.Quad]:
    return parse_bytes(resources.ontology().read_bytes(), "turtle", path="ontology/aigraph.ttl")


def built_quads() -> list[ox.Quad]:
    """The graph built from the shipped article (``graphs/ai-alliance.ttl``)."""
    return parse_bytes(
        resources.built_graph().read_bytes(), "turtle", path="graphs/ai-alliance.ttl"
    )


def load_quads(
    data: Sequence[str | Path] | None = None, *, with_ontology: bool = False
) -> list[ox.Quad]:
    """Quads of ``data`` files (default: the built graph), plus the ontology if asked.

    Every file is parsed strictly before anything is returned.
    """
    quads: list[ox.Quad] = []
    if data:
        for path in data:
            quads.extend(read_rdf(path))
    else:
        quads.extend(built_quads())
    if with_ontology:
        quads.extend(ontology_quads())
    return quads


def load(data: Sequence[str | Path] | None = None, *, with_ontology: bool = True) -> ox.Store:
    """An in-memory pyoxigraph Store of ``data`` (default: built graph + ontology)."""
    store = ox.Store()
    store.extend(load_quads(data, with_ontology=with_ontology))
    return store


def unique(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Quads without duplicates, in first-seen order."""
    return list(dict.fromkeys(quads))
