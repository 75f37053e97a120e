"""Write a graph in the usual RDF formats, or as GraphML/GEXF through NetworkX."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .dataset import load, load_quads, unique
from .errors import AigraphError
from .namespaces import PREFIXES
from .rdfio import RDF_FORMATS, serialize, write_bytes

NETWORK_FORMATS = {"graphml": ".graphml", "gexf": ".gexf"}
EXPORT_FORMATS = [f for f in RDF_FORMATS if f != "n3"] + list(NETWORK_FORMATS)


def format_for_output(path: str | Path) -> str | None:
    """Guess an export format from an output file name."""
    from .rdfio import format_for_path

    suffix = Path(path).suffix.lower()
    for name, ext in NETWORK_FORMATS.items():
        if suffix == ext:
            return name
    return format_for_path(path, EXPORT_FORMATS)


def render(quads: Sequence[ox.Quad], fmt: str) -> bytes:
    """Serialize quads in an export format."""
    if fmt in NETWORK_FORMATS:
        return _network(quads, fmt)
    if fmt not in RDF_FORMATS:
        raise AigraphError(f"unknown format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    return serialize(unique(quads), fmt)


def _network(quads: Sequence[ox.Quad], fmt: str) -> bytes:
    import networkx as nx

    from .netx import stringify, to_networkx

    g = stringify(to_networkx(quads))
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(g, buf, named_key_ids=True)
    else:
        for i, (_, _, _, d) in enumerate(g.edges(keys=True, data=True)):
            d["id"] = f"e{i}"
        nx.write_gexf(g, buf)
    return buf.getvalue()


def export(
    fmt: str,
    output: str | Path | None = None,
    *,
    data: Sequence[str | Path] | None = None,
    with_ontology: bool = False,
) -> bytes | None:
    """Export the built graph (or ``data`` files) as ``fmt``; write to ``output`` if given.

    ``output`` is a path (written atomically) or ``-`` for stdout. Returns the
    bytes, or None once they are written to ``output``. With ``data``, Turtle,
    N-Triples, N-Quads and TriG stream from an Oxigraph store (duplicates
    merged, in the store's order), so a million triples need no Python list.
    """
    if data and fmt in _STREAMED:
        store = load(data, with_ontology=with_ontology)
        if output is None:
            buf = io.BytesIO()
            dump(store, fmt, buf)
            return buf.getvalue()
        write_bytes(output, lambda fh: dump(store, fmt, fh))
        return None
    quads = load_quads(data, with_ontology=with_ontology)
    payload = render(quads, fmt)
    if output is not None:
        write_bytes(output, payload)
        return None
    return payload


_STREAMED = {"turtle", "ntriples", "nquads", "trig"}


def dump(store: ox.Store, fmt: str, out: IO[bytes]) -> None:
    """Write a store as Turtle, N-Triples, N-Quads or TriG to ``out``, in Rust, with aigraph's prefixes."""
    if fmt not in _STREAMED:
        raise AigraphError(f"cannot stream {fmt!r} (streamed: {', '.join(sorted(_STREAMED))})")
    name = RDF_FORMATS[fmt][2]
    graph: ox.DefaultGraph | None = None
    if fmt in {"turtle", "ntriples"}:
        if next(iter(store.named_graphs()), None) is not None:
            raise AigraphError(
                f"the data has named graphs, which {name} cannot hold; use --format trig or nquads"
            )
        graph = ox.DefaultGraph()
    prefixes = PREFIXES if fmt in {"turtle", "trig"} else None
    try:
        store.dump(out, RDF_FORMATS[fmt][0], from_graph=graph, prefixes=prefixes)
    except ValueError as exc:
        raise AigraphError(f"cannot write {name}: {exc}") from None
