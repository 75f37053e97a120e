"""Write a graph in the usual RDF formats, or as GraphML/GEXF through NetworkX."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from .errors import AigraphError
from .files import check_input, guard_inputs, write_bytes
from .namespaces import PREFIXES
from .progress import progress, size_text
from .rdfio import RDF_FORMATS, check_xml_text, escape_cr, format_for_path, has_named_graphs, read_rdf, serialize
from .store.dataset import load_quads, unique

NETWORK_FORMATS = {"graphml": ".graphml", "gexf": ".gexf"}
EXPORT_FORMATS = [f for f in RDF_FORMATS if f != "n3"] + list(NETWORK_FORMATS)


def format_for_output(path: str | Path) -> str | None:
    """Guess an export format from an output file name."""
    suffix = Path(path).suffix.lower()
    for name, ext in NETWORK_FORMATS.items():
        if suffix == ext:
            return name
    return format_for_path(path, EXPORT_FORMATS)


def render(
    quads: Sequence[ox.Quad],
    fmt: str,
    ontology: Sequence[str | Path] = (),
    notice: Callable[[str], None] | None = None,
) -> bytes:
    """Serialize quads in an export format (GraphML and GEXF name extension terms by their labels).

    TriG, N-Quads and JSON-LD keep named graphs (a corpus: a graph per article);
    the other formats get the union of the graphs, and ``notice`` is told so.
    """
    if fmt in NETWORK_FORMATS:
        return _network(quads, fmt, ontology)
    if fmt not in RDF_FORMATS:
        raise AigraphError(f"unknown format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    if fmt not in _GRAPH_FORMATS and has_named_graphs(quads):
        graphs = len({q.graph_name for q in quads} - {ox.DefaultGraph()})
        if notice is not None:
            notice(
                f"the data has {graphs} named graph(s), which {RDF_FORMATS[fmt][2]} cannot hold: writing their"
                " union (which graph each triple came from is lost); use TriG, N-Quads or JSON-LD to keep them"
            )
        quads = [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
    return serialize(unique(quads), fmt)


# The formats that keep named graphs.
_GRAPH_FORMATS = {"trig", "nquads", "jsonld"}


def _network(quads: Sequence[ox.Quad], fmt: str, ontology: Sequence[str | Path] = ()) -> bytes:
    import networkx as nx

    from .view.netx import stringify, to_networkx

    vocab = None
    if ontology:
        from .facts.extensions import load_extensions

        vocab = load_extensions(ontology).ontology()
    g = _numbered_blank_nodes(stringify(to_networkx(quads, vocab)))
    _check_xml_safe(g, fmt)
    buf = io.BytesIO()
    if fmt == "graphml":
        # Key ids d0, d1, ...: a node key and an edge key may share a name, never an id.
        nx.write_graphml(_graphml_ready(g), buf, named_key_ids=False)
    else:
        from networkx.readwrite.gexf import GEXFWriter

        for i, (_, _, _, d) in enumerate(g.edges(keys=True, data=True)):
            d["id"] = f"e{i}"
        writer = GEXFWriter(encoding="utf-8", prettyprint=True)
        # NetworkX stamps today's date here (optional in GEXF): the same graph must give the same bytes.
        meta = writer.xml.find("meta")
        if meta is not None:
            meta.attrib.pop("lastmodifieddate", None)
        writer.add_graph(g)
        writer.write(buf)
    return escape_cr(buf.getvalue())


def _numbered_blank_nodes(g: Any) -> Any:
    """``g`` with its blank nodes renamed ``_:b1``, ``_:b2``, ... in order: a parser names an
    anonymous blank node afresh on every run, and the same data must give the same bytes."""
    import networkx as nx

    blanks = [n for n in g if n.startswith("_:")]
    if not blanks:
        return g
    return nx.relabel_nodes(g, {n: f"_:b{i}" for i, n in enumerate(blanks, 1)}, copy=True)


def _graphml_ready(g: Any) -> Any:
    """``g`` as the GraphML 1.0 schema takes it: node, edge and attribute names are XML name
    tokens there (``xs:NMTOKEN``), which IRIs are not. Nodes become ``n0``, ``n1``, ... with the
    IRI (or ``_:bN``) in their ``iri`` attribute; edges ``e0``, ``e1``, ... (the predicate stays
    in ``predicate``); an attribute name other than a name token is escaped (:func:`nmtoken`)."""
    import networkx as nx

    ids = {n: f"n{i}" for i, n in enumerate(g)}
    h = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        h.add_node(ids[n], iri=n, **{nmtoken(k): v for k, v in d.items()})
    for i, (s, o, d) in enumerate(g.edges(data=True)):
        h.add_edge(ids[s], ids[o], key=f"e{i}", **{nmtoken(k): v for k, v in d.items()})
    return h


_NAME_TOKEN = re.compile(r"[A-Za-z0-9._:-]")


def nmtoken(name: str) -> str:
    """``name`` as an XML name token, every other character written ``_xHHHH_`` (and ``_x``
    itself as ``_x005F_x``), the escape of .NET's ``XmlConvert.EncodeNmToken``, so the name can
    be read back. Only ASCII is kept as it is: schema validators differ on which other letters
    XML 1.0 allows in names.

    >>> nmtoken("http://example.org/p q")
    'http:_x002F__x002F_example.org_x002F_p_x0020_q'
    """
    out = []
    for i, ch in enumerate(name):
        if ch == "_" and name[i + 1 : i + 2] == "x":
            out.append("_x005F_")
        elif _NAME_TOKEN.fullmatch(ch) or ch == "_":
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"_x{code:04X}_" if code <= 0xFFFF else f"_x{code:08X}_")
    return "".join(out) or "_x_"  # an empty name still needs a token; no other name gives this one


def _check_xml_safe(g: Any, fmt: str) -> None:
    """GraphML and GEXF are XML 1.0: refuse text it cannot hold instead of writing a broken file."""
    name = {"graphml": "GraphML", "gexf": "GEXF"}[fmt]
    for node, data in g.nodes(data=True):
        check_xml_text(str(node), name, "the node")
        for key, value in data.items():
            check_xml_text(str(key), name, "the attribute name")
            check_xml_text(str(value), name, "the value")
    for _, _, key, data in g.edges(keys=True, data=True):
        check_xml_text(str(key), name, "the edge")
        for value in data.values():
            check_xml_text(str(value), name, "the value")


def export(
    fmt: str,
    output: str | Path | None = None,
    *,
    data: Sequence[str | Path] | None = None,
    with_ontology: bool = False,
    ontology: Sequence[str | Path] = (),
    notice: Callable[[str], None] | None = None,
) -> bytes | None:
    """Export the built graph (or ``data`` files) as ``fmt``; write to ``output`` if given.

    ``notice`` hears when named graphs are merged (Turtle, N-Triples, RDF/XML).

    ``ontology`` extension files join the output with ``with_ontology``, and name
    their classes and relations in GraphML and GEXF.

    ``output`` is a path (written atomically) or ``-`` for stdout. Returns the
    bytes, or None once they are written to ``output``. One Turtle or N-Triples
    file exported as Turtle, N-Triples, N-Quads or TriG streams from the parser
    to the writer (see :func:`stream`); anything else is read into a list,
    duplicates merged, and written. ``output`` may not be one of the ``data`` files.
    """
    with guard_inputs():
        return _export(fmt, output, data, with_ontology, ontology, notice)


def _export(
    fmt: str,
    output: str | Path | None,
    data: Sequence[str | Path] | None,
    with_ontology: bool,
    ontology: Sequence[str | Path],
    notice: Callable[[str], None] | None = None,
) -> bytes | None:
    if ontology:
        from .facts.extensions import load_extensions

        load_extensions(ontology)  # a bad extension is refused before anything is written
    source = _streamable(data, with_ontology, fmt)
    if source is not None:
        if output is not None and str(output) != "-" and Path(output).resolve().parent.is_dir():
            # Straight into the temporary file beside the output; bad input removes it.
            write_bytes(output, lambda fh: stream(source, fmt, fh))
            return None
        # stdout, or a folder still to be made: nothing is written until the input has parsed.
        buf = io.BytesIO()
        stream(source, fmt, buf)
        if output is None:
            return buf.getvalue()
        write_bytes(output, buf.getvalue())
        return None
    quads = load_quads(data, with_ontology=with_ontology, ontology=ontology)
    payload = render(quads, fmt, ontology, notice)
    if output is not None:
        write_bytes(output, payload)
        return None
    return payload


# The writer for each output format that takes default-graph quads straight from
# the parser: TriG without GRAPH blocks is Turtle, N-Quads without a graph term
# is N-Triples, so no Python code runs per triple.
_STREAM_WRITERS = {
    "turtle": ox.RdfFormat.TRIG,
    "ntriples": ox.RdfFormat.N_QUADS,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


def _streamable(data: Sequence[str | Path] | None, with_ontology: bool, fmt: str) -> Path | None:
    """The single Turtle / N-Triples file an export can stream, if that is the job."""
    if fmt not in _STREAM_WRITERS or with_ontology or not data or len(data) != 1:
        return None
    path = Path(data[0])
    if format_for_path(path) not in {"turtle", "ntriples"}:
        return None
    check_input(path)  # before opening it: a pipe would block the open
    try:
        with open(path, "rb") as fh:
            if fh.read(3) == b"\xef\xbb\xbf":
                return None  # rdfio reads past a UTF-8 byte order mark; the streaming parser cannot
    except OSError:
        pass  # not readable: the stream reports it like every command
    return path


def stream(path: str | Path, fmt: str, out: IO[bytes]) -> None:
    """Re-serialize one Turtle or N-Triples file as ``fmt`` while it is parsed.

    Oxigraph parses and writes in Rust, with aigraph's prefixes: a million
    triples take about a second and a few MB, every literal exactly as written
    (an Oxigraph Store would rewrite ``"01"^^xsd:integer`` and
    ``xsd:positiveInteger``). Triples keep the file's order; one the file
    repeats is written again (the graph is the same). Bad input raises the
    AigraphError that rdfio.read_rdf gives, naming the file and line.
    """
    path = check_input(path)
    in_fmt = format_for_path(path)
    if fmt not in _STREAM_WRITERS or in_fmt not in {"turtle", "ntriples"}:
        raise AigraphError(f"cannot stream {in_fmt} to {fmt}", path=path)
    try:
        label = f"Exporting {path} ({size_text(path.stat().st_size)})"
    except OSError:
        label = f"Exporting {path}"
    prefixes = PREFIXES if fmt in {"turtle", "trig"} else None
    with progress(label):
        try:
            quads = ox.parse(
                path=path,
                format=RDF_FORMATS[in_fmt][0],
                base_iri=path.resolve().as_uri(),
                without_named_graphs=True,
            )
            ox.serialize(quads, out, _STREAM_WRITERS[fmt], prefixes=prefixes)
        except (SyntaxError, ValueError, OSError, MemoryError, RuntimeError) as exc:  # RuntimeError: symlink loop
            read_rdf(path)  # words a problem with the input (file, line, hints) like every command
            raise AigraphError(f"cannot write {RDF_FORMATS[fmt][2]}: {exc}") from None
