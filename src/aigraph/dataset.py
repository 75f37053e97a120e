"""Which RDF a command works on: the built graph (default) or the user's files."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .progress import progress, size_text
from .rdfio import RDF_FORMATS, check_input, format_for_path, parse_bytes, read_rdf


def ontology_quads() -> list[ox.Quad]:
    return parse_bytes(resources.ontology().read_bytes(), "turtle", path="ontology/aigraph.ttl")


BUILT = Path("graphs", "ai-alliance.ttl")
"""Where ``aigraph build`` writes by default, relative to the current folder."""


def built_graph_path() -> Path | None:
    """``graphs/ai-alliance.ttl`` in the current folder when there is one (the user's
    own build), else None: commands then read the copy shipped with aigraph."""
    return BUILT if BUILT.is_file() else None


def built_quads() -> list[ox.Quad]:
    """The built graph: ``graphs/ai-alliance.ttl`` here if it exists, else the shipped copy.

    So ``aigraph build --facts mine.toml && aigraph view`` draws what was just built.
    """
    local = built_graph_path()
    if local is not None:
        return read_rdf(local)
    return parse_bytes(resources.built_graph().read_bytes(), "turtle", path="graphs/ai-alliance.ttl")


def load_quads(
    data: Sequence[str | Path] | None = None, *, with_ontology: bool = False
) -> list[ox.Quad]:
    """Quads of ``data`` files (default: the built graph), plus the ontology if asked.

    Every file is parsed strictly before anything is returned.
    """
    quads: list[ox.Quad] = []
    if data:
        for path in data:
            with progress(f"Reading {path}"):
                quads.extend(read_rdf(path))
    else:
        quads.extend(built_quads())
    if with_ontology:
        quads.extend(ontology_quads())
    return quads


def load(
    data: Sequence[str | Path] | None = None, *, with_ontology: bool = True, cache: bool = False
) -> ox.Store:
    """An in-memory pyoxigraph Store of ``data`` (default: built graph + ontology).

    Files are read as strictly as by :func:`load_quads`, but Turtle, N-Triples,
    N-Quads and TriG go straight from the file into the store, without a
    Python object per triple: a million triples load in about a third of the
    time and memory. Oxigraph gives each file's blank nodes fresh labels, so two
    files' ``_:b0`` stay two nodes. Like any Oxigraph store it keeps literal
    values, not their spelling: ``"01"^^xsd:integer`` reads back as ``"1"`` and
    ``xsd:int`` or ``xsd:positiveInteger`` as ``xsd:integer`` (export does not
    go through a store, so files keep every literal as written).

    With ``cache``, ``data`` files of 1 MiB or more are read from (or put in)
    the on-disk store cache (:mod:`aigraph.cache`) and the store is read-only.
    """
    if cache and data:
        from .cache import cached_store

        cached = cached_store(data, with_ontology=with_ontology)
        if cached is not None:
            return cached
    store = ox.Store()
    if data:
        for path in data:
            load_file(store, path)
    elif (local := built_graph_path()) is not None:
        load_file(store, local)  # the user's own build, straight from the file
    else:
        store.extend(built_quads())
    if with_ontology:
        store.extend(ontology_quads())
    return store


# Formats whose strict reading is Oxigraph's parser and nothing more (RDF/XML and
# JSON-LD get extra checks in rdfio, so they take the slow path).
_DIRECT = {"turtle", "ntriples", "nquads", "trig"}


def load_file(store: ox.Store, path: str | Path) -> None:
    """Add one RDF file to ``store``; bad input raises the same AigraphError as rdfio.read_rdf."""
    path = check_input(path)
    fmt = format_for_path(path)
    try:
        label = f"Loading {path} ({size_text(path.stat().st_size)})"
    except OSError:
        label = f"Loading {path}"
    with progress(label):
        if fmt not in _DIRECT:
            store.extend(read_rdf(path))
            return
        try:
            # Transactional: on error the store is left as it was.
            store.load(path=path, format=RDF_FORMATS[fmt][0], base_iri=path.resolve().as_uri())
        except (SyntaxError, ValueError, OSError, MemoryError, RuntimeError):  # RuntimeError: a symlink loop
            # Bad input is rare: let the strict reader find and word the error
            # (file, line, column, hints), as every other command reports it.
            store.extend(read_rdf(path))


def unique(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Quads without duplicates, in first-seen order."""
    return list(dict.fromkeys(quads))
