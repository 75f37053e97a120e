"""Which RDF a command works on: the built graph (default) or the user's files."""

from __future__ import annotations

import os
import stat

import pyoxigraph as ox

from .. import resources
from ..errors import AigraphError
from ..files import check_input, note_input
from ..rdfio import RDF_FORMATS, format_for_path, parse_bytes, read_rdf

# pathlib (with urllib.parse and ipaddress) costs a seed query's start-up 5 ms: the built
# graph is found and loaded by name, and Path objects are made where a caller wants them.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from pathlib import Path


def ontology_quads(extensions: Sequence[str | Path] = ()) -> list[ox.Quad]:
    """The aigraph ontology's quads, and those of the ontology extension files given."""
    quads = parse_bytes(resources.ontology().read_bytes(), "turtle", path="ontology/aigraph.ttl")
    if extensions:
        from ..facts.extensions import load_extensions

        quads += load_extensions(extensions).quads
    return quads


GRAPHS = "graphs"
"""Where ``aigraph build`` writes, relative to the current folder."""

BUILT = "graphs/ai-alliance.ttl"
"""Where ``aigraph build`` writes the shipped article's graph."""

SEED_ID = "ai-alliance-article"
"""The shipped article's id; its graph keeps the name ``ai-alliance``."""


def graph_file(article_id: str | None = None) -> Path:
    """``graphs/<article id>.ttl``, the file ``aigraph build`` writes for an article
    (None, or the shipped article: ``graphs/ai-alliance.ttl``)."""
    from pathlib import Path

    if article_id is None or article_id == SEED_ID:
        return Path(BUILT)
    return Path(GRAPHS) / f"{article_id}.ttl"


# What `aigraph build` writes: one article's Turtle, or a corpus's TriG / N-Quads.
_BUILT_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nq": "nquads"}


def built_files() -> list[str]:
    """The names of the ``graphs/*.ttl`` files (and ``*.trig`` / ``*.nq`` corpora) in the current
    folder, newest first (``graphs/NAME``: :func:`built_graphs` gives them as paths)."""
    found = []
    try:
        with os.scandir(GRAPHS) as entries:
            for entry in entries:
                if entry.name.endswith(tuple(_BUILT_FORMATS)) and entry.is_file():
                    found.append(entry.name)
    except OSError:
        return []

    def age(name: str) -> tuple[float, str]:
        try:
            return (-os.stat(f"{GRAPHS}/{name}").st_mtime, name)
        except OSError:
            return (0.0, name)

    return [f"{GRAPHS}/{name}" for name in sorted(found, key=age)]


def built_graphs() -> list[Path]:
    """The ``graphs/*.ttl`` files (and ``*.trig`` / ``*.nq`` corpora) in the current folder, newest first."""
    from pathlib import Path

    return [Path(name) for name in built_files()]


def built_graph_path() -> Path | None:
    """The graph ``aigraph build`` wrote last in this folder: the newest ``graphs/*.ttl`` (or corpus),
    or None when there is none (commands then read the copy shipped with aigraph)."""
    found = built_graphs()
    return found[0] if found else None


def view_output(data: Sequence[str | Path] | None = None) -> Path:
    """Where ``aigraph view`` writes without ``-o``: the first ``--data`` file with the
    extension ``.html`` (``graphs/deals.ttl`` -> ``graphs/deals.html``); for the built
    graph, the same beside it; with no graph here, ``graphs/ai-alliance.html``."""
    from pathlib import Path

    source = Path(data[0]) if data else built_graph_path()
    if source is None:
        return Path(BUILT).with_suffix(".html")
    return source.with_suffix(".html") if source.suffix.lower() != ".html" else source.with_name(source.name + ".html")


def built_quads() -> list[ox.Quad]:
    """The built graph: the newest ``graphs/*.ttl`` (``.trig``, ``.nq``) here if there is one, else the shipped copy.

    So ``aigraph build --facts mine.toml && aigraph view`` draws what was just built.
    """
    local = built_graph_path()
    if local is not None:
        return read_rdf(local)
    return parse_bytes(resources.built_graph().read_bytes(), "turtle", path="graphs/ai-alliance.ttl")


def load_quads(
    data: Sequence[str | Path] | None = None,
    *,
    with_ontology: bool = False,
    ontology: Sequence[str | Path] = (),
) -> list[ox.Quad]:
    """Quads of ``data`` files (default: the built graph), plus the ontology (and the
    ``ontology`` extension files) if asked.

    Every file is parsed strictly before anything is returned.
    """
    from ..progress import progress  # here: a query of the built graph shows none (start-up)
    quads: list[ox.Quad] = []
    if data:
        for path in data:
            with progress(f"Reading {path}"):
                quads.extend(read_rdf(path))
    else:
        quads.extend(built_quads())
    if with_ontology:
        quads.extend(ontology_quads(ontology))
    return quads


def stream_quads(data: Sequence[str | Path] | None = None) -> Iterator[ox.Quad]:
    """The quads of ``data`` files (default: the built graph) one at a time, straight from
    Oxigraph's parser for Turtle, N-Triples, N-Quads and TriG: a million triples are never
    a list. Bad input raises the same AigraphError as :func:`load_quads`, possibly after
    some quads were given (read all of them before writing anything)."""
    from ..progress import progress
    paths = list(data) if data else ([local] if (local := built_graph_path()) is not None else [])
    if not paths:
        yield from built_quads()
        return
    for raw in paths:
        path = check_input(raw)
        fmt = format_for_path(path)
        if fmt not in _DIRECT:
            with progress(f"Reading {path}"):
                quads = read_rdf(path)
            yield from quads
            continue
        given = 0
        try:
            for quad in ox.parse(
                path=path,
                format=RDF_FORMATS[fmt][0],
                base_iri=path.resolve().as_uri(),
                without_named_graphs=fmt in ("turtle", "ntriples"),
            ):
                given += 1
                yield quad
        except (SyntaxError, ValueError, OSError, MemoryError, RuntimeError) as exc:
            # As load_file: the strict reader words the error (file, line, column, hints);
            # it also reads what Oxigraph's file reader alone refuses (a byte order mark).
            quads = read_rdf(path)
            if given:
                raise AigraphError(f"cannot parse: {' '.join(str(exc).split())}", path=path) from None
            yield from quads


def load(
    data: Sequence[str | Path] | None = None,
    *,
    with_ontology: bool = True,
    ontology: Sequence[str | Path] = (),
    cache: bool = False,
) -> ox.Store:
    """An in-memory pyoxigraph Store of ``data`` (default: built graph + ontology).

    ``ontology`` names extension files, added whenever they are given.

    Files are read as strictly as by :func:`load_quads`, but Turtle, N-Triples,
    N-Quads and TriG go straight from the file into the store, without a
    Python object per triple: a million triples load in about a third of the
    time and memory. Oxigraph gives each file's blank nodes fresh labels, so two
    files' ``_:b0`` stay two nodes. Like any Oxigraph store it keeps literal
    values, not their spelling: ``"01"^^xsd:integer`` reads back as ``"1"`` and
    ``xsd:int`` or ``xsd:positiveInteger`` as ``xsd:integer`` (export does not
    go through a store, so files keep every literal as written).

    With ``cache``, ``data`` files of 16 MiB or more are read from (or put in)
    the on-disk store cache (:mod:`aigraph.store.cache`) and the store is read-only.
    """
    if cache and data:
        from .cache import cached_store

        cached = cached_store(data, with_ontology=with_ontology, extensions=ontology)
        if cached is not None:
            for path in (*data, *ontology):  # read through the cache, still inputs: never the output
                note_input(path)
            return cached
    store = ox.Store()
    if data:
        for path in data:
            load_file(store, path)
    elif built := built_files():
        _load_built(store, built[0])  # the user's own build, straight from the file
    elif (shipped := resources.file_on_disk("graphs", "ai-alliance.ttl")) is not None:
        store.load(path=shipped, format=ox.RdfFormat.TURTLE)  # package data: checked when it was built
    else:
        store.extend(built_quads())
    if with_ontology:
        if (shipped := resources.file_on_disk("ontology", "aigraph.ttl")) is not None:
            store.load(path=shipped, format=ox.RdfFormat.TURTLE)
        else:
            store.extend(ontology_quads())
    if ontology:
        from ..facts.extensions import load_extensions

        store.extend(load_extensions(ontology).quads)
    return store


# Formats whose strict reading is Oxigraph's parser and nothing more (RDF/XML and
# JSON-LD get extra checks in rdfio, so they take the slow path).
_DIRECT = {"turtle", "ntriples", "nquads", "trig"}


def _load_built(store: ox.Store, name: str) -> None:
    """:func:`load_file` for a file :func:`built_files` found, without pathlib: loaded with no base IRI
    first, which every graph ``aigraph build`` writes can do (its IRIs are absolute); anything
    else (relative IRIs, bad input, a file gone) goes through :func:`load_file` as before."""
    from ..progress import progress, size_text
    fmt = _BUILT_FORMATS[name[name.rfind(".") :]]
    try:
        st = os.stat(name)
    except OSError:
        st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        load_file(store, name)
        return
    note_input(name)
    with progress(f"Loading {name} ({size_text(st.st_size)})"):
        try:
            # Transactional: on error (a relative IRI needs the base) the store is left as it was.
            store.load(path=name, format=RDF_FORMATS[fmt][0])
            return
        except (SyntaxError, ValueError, OSError, MemoryError, RuntimeError):
            pass
    load_file(store, name)


def load_file(store: ox.Store, path: str | Path) -> None:
    """Add one RDF file to ``store``; bad input raises the same AigraphError as rdfio.read_rdf."""
    from ..progress import progress, size_text
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


def named_graph_iri(path: str | Path) -> ox.NamedNode:
    """The name ``aigraph query --named`` gives a file's graph: the file's address (``file:///...``)."""
    from pathlib import Path

    return ox.NamedNode(Path(path).resolve().as_uri())


def named_quads(paths: Sequence[str | Path]) -> list[ox.Quad]:
    """Each file's triples in a named graph called by the file's address (as Jena's ``--namedGraph``).

    A file's own named graphs (TriG, N-Quads) keep their names.
    """
    from ..progress import progress
    quads: list[ox.Quad] = []
    for path in paths:
        graph = named_graph_iri(path)
        with progress(f"Reading {path}"):
            for q in read_rdf(path):
                where = graph if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name
                quads.append(ox.Quad(q.subject, q.predicate, q.object, where))
    return quads
