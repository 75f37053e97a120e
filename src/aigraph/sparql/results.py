"""Query results as text: an aligned table for people, the W3C formats for programs.

CSV, TSV, JSON and XML come from Oxigraph's writers, which follow "SPARQL 1.1
Query Results CSV and TSV Formats", "SPARQL 1.1 Query Results JSON Format" and
"SPARQL Query Results XML Format". CONSTRUCT and DESCRIBE results are RDF,
written by :func:`aigraph.rdfio.serialize`.
"""

from __future__ import annotations

import pyoxigraph as ox

from .. import lean
from ..errors import AigraphError
from ..namespaces import PREFIXES
from ..rdfio import RDF_FORMATS, _not_xml, serialize  # _not_xml: what XML 1.0 cannot hold

TYPE_CHECKING = False  # typing and pathlib cost milliseconds of a query's start-up (mypy reads the names)
if TYPE_CHECKING:
    import re  # imported where used: re and enum cost a query's start-up 3 ms
    from collections.abc import Iterable, Mapping, Sequence
    from pathlib import Path
    from typing import Any

    from .engine import Kind, Rendered

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")
"""Formats of SELECT and ASK results."""

GRAPH_FORMATS = tuple(RDF_FORMATS)
"""Formats of CONSTRUCT and DESCRIBE results (``json`` is taken as JSON-LD, ``xml`` as RDF/XML)."""

FORMATS = tuple(dict.fromkeys(RESULT_FORMATS + GRAPH_FORMATS))

_W3C = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}

_EXTENSIONS = {
    ".txt": "table",
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".srj": "json",
    ".xml": "xml",
    ".srx": "xml",
    ".rdf": "xml",
    ".owl": "xml",
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "ntriples",
    ".ntriples": "ntriples",
    ".nq": "nquads",
    ".nquads": "nquads",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".n3": "n3",
}


# Extensions that name one kind of result only (.json and .xml serve both kinds).
_RESULTS_ONLY = {".txt", ".csv", ".tsv", ".srj", ".srx"}


def format_for_path(path: str | Path, kind: Kind | None = None) -> str:
    """The output format a file name asks for (``.csv``, ``.srj``, ``.ttl``, ...).

    With the query's ``kind``, an extension meant for the other kind is refused:
    a CONSTRUCT written to ``.srj``, or SELECT results to ``.ttl``.
    """
    from pathlib import Path  # here: a query to stdout needs none (start-up)

    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        known = " ".join(_EXTENSIONS)
        raise AigraphError(
            f"cannot tell the output format from the extension {suffix or '(none)'!r};"
            f" give --format, or use one of: {known}",
            path=path,
        )
    shared = {".json", ".xml"}
    if kind == "graph" and suffix in _RESULTS_ONLY:
        graph_exts = " ".join(e for e, f in _EXTENSIONS.items() if e not in _RESULTS_ONLY and e not in shared)
        raise AigraphError(
            f"{suffix} is for SELECT and ASK results, but CONSTRUCT and DESCRIBE give RDF;"
            f" use one of: {graph_exts} (or give --format)",
            path=path,
        )
    if kind in ("select", "ask") and suffix not in _RESULTS_ONLY and suffix not in shared:
        raise AigraphError(
            f"{suffix} is for RDF, which CONSTRUCT and DESCRIBE give, not {kind.upper()} results;"
            f" use one of: {' '.join(sorted(_RESULTS_ONLY | shared))} (or give --format)",
            path=path,
        )
    return _EXTENSIONS[suffix]


def choose_format(kind: Kind, fmt: str | None, default_results_format: str = "tsv") -> str:
    """The concrete format for a result kind; ``None`` means the kind's default.

    ``transport`` is what :func:`aigraph.query` reads back: JSON results or N-Triples.
    """
    if kind == "graph":
        if fmt is None:
            return "turtle"
        if fmt == "transport":
            return "ntriples"
        if fmt == "json":
            return "jsonld"
        if fmt in RDF_FORMATS:
            return fmt
        raise AigraphError(
            f"CONSTRUCT and DESCRIBE give RDF, which cannot be written as {fmt};"
            f" choose one of: {', '.join(GRAPH_FORMATS)}"
        )
    if fmt is None:
        return default_results_format
    if fmt == "transport":
        return "json"
    if fmt in RESULT_FORMATS:
        return fmt
    what = "SELECT" if kind == "select" else "ASK"
    raise AigraphError(
        f"{what} results cannot be written as {fmt}; choose one of: {', '.join(RESULT_FORMATS)}"
        " (RDF formats are for CONSTRUCT and DESCRIBE)"
    )


def render(
    result: Any,
    fmt: str | None,
    *,
    default_results_format: str = "tsv",
    prefixes: Mapping[str, str] | None = None,
) -> Rendered:
    """Format what the engine returned: QuerySolutions, QueryBoolean, or triples."""
    from .engine import Rendered

    prefixes = PREFIXES if prefixes is None else prefixes
    if isinstance(result, ox.QueryBoolean):
        chosen = choose_format("ask", fmt, default_results_format)
        if chosen == "table":
            return Rendered(b"true\n" if result else b"false\n", "ask", chosen)
        return Rendered(_newline(result.serialize(format=_W3C[chosen])), "ask", chosen)
    if isinstance(result, ox.QuerySolutions):
        chosen = choose_format("select", fmt, default_results_format)
        if chosen == "table":
            variables = [v.value for v in result.variables]
            rows = [tuple(solution[v] for v in variables) for solution in result]
            return Rendered(table(variables, rows, prefixes).encode("utf-8"), "select", chosen, len(rows))
        data = result.serialize(format=_W3C[chosen]) or b""
        if chosen == "xml":
            data = _xml_results(data)
        elif chosen == "tsv":
            data = _tsv_controls(data)
        return Rendered(_newline(data), "select", chosen)
    chosen = choose_format("graph", fmt, default_results_format)
    triples = list(result)
    return Rendered(_newline(serialize(triples, chosen, prefixes)), "graph", chosen, len(triples))


def _xml_results(data: bytes) -> bytes:
    """SPARQL XML results that an XML reader accepts and reads back unchanged, or a refusal.

    Oxigraph writes literal text as it is: a NUL, most control characters and
    U+FFFE cannot be in an XML document at all, and a raw CR is read back as LF.
    """
    text = data.decode("utf-8")
    m = _not_xml().search(text)
    if m:
        start = text.rfind(">", 0, m.start()) + 1
        value = text[start : start + 60].split("<", 1)[0]
        raise AigraphError(
            f"cannot write SPARQL XML results faithfully: the value {value!r} holds U+{ord(m.group()):04X},"
            " which XML 1.0 cannot represent; choose json, tsv or csv"
        )
    data = data.replace(b"\r", b"&#13;")  # only in text; a reference keeps it a CR
    import xml.parsers.expat as expat

    try:  # a last guard: never hand out a document an XML reader rejects
        expat.ParserCreate(namespace_separator=" ").Parse(data, True)
    except expat.ExpatError as exc:
        raise AigraphError(
            f"cannot write SPARQL XML results faithfully ({expat.ErrorString(exc.code)});"
            " choose json, tsv or csv"
        ) from None
    return data


@lean.cache
def _raw_control() -> re.Pattern[bytes]:  # C0 less tab/LF/CR, DEL, C1
    # compiled on first use: most commands never need it (start-up)
    import re

    return re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")


def _tsv_controls(data: bytes) -> bytes:
    """Write control characters in TSV literals as ``\\uXXXX`` (Turtle's escapes), as Oxigraph
    already does for tab, LF and CR: a raw ESC or NUL in a pipe can drive a terminal."""

    def escape(m: re.Match[bytes]) -> bytes:
        return f"\\u{ord(m.group().decode('utf-8')):04X}".encode("ascii")

    if len(data.translate(None, _MAYBE_CONTROL)) == len(data):  # none of them: no re (a query's start-up)
        return data
    return _raw_control().sub(escape, data)


_MAYBE_CONTROL = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20)) + b"\x7f\xc2"
"""The bytes _raw_control's matches start with (\\xc2 also starts U+00A0-U+00BF, such as £ and °)."""


def _newline(data: bytes | None) -> bytes:
    # Oxigraph ends JSON, XML, Turtle and booleans without a newline; a terminal
    # wants one, and every one of these formats allows it.
    if not data:
        return b""
    return data if data.endswith(b"\n") else data + b"\n"


# ------------------------------------------------------------------ the table


@lean.cache
def _local() -> re.Pattern[str]:
    # compiled on first use: most commands never need it (start-up)
    import re

    return re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?|")

# Characters a terminal acts on rather than shows: C0 and C1 controls (U+009B is
# CSI, which starts an escape sequence), line and paragraph separators, and the
# bidirectional marks, embeddings, overrides and isolates (U+202E reverses the text).

@lean.cache
def _control() -> re.Pattern[str]:
    # compiled on first use: most commands never need it (start-up)
    import re

    return re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")

_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def visible(text: str) -> str:
    """``text`` with controls shown as escapes (``\\n``, ``\\u009B``), so one cell stays one
    line and the terminal shows, rather than obeys, what the data holds.

    >>> visible("a\\nb\\u202ec")
    'a\\\\nb\\\\u202Ec'
    """
    return _control().sub(lambda m: _NAMED.get(m.group()) or f"\\u{ord(m.group()):04X}", text)


def shorten(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """``prefix:local`` when a prefix covers the IRI and the rest is a plain name, else ``<iri>``."""
    best: str | None = None
    for prefix, ns in prefixes.items():
        if ns and iri.startswith(ns) and _local().fullmatch(iri[len(ns) :]):
            if best is None or len(ns) > len(prefixes[best]):
                best = prefix
    if best is None:
        return f"<{iri}>"
    return f"{best}:{iri[len(prefixes[best]) :]}"


def cell(term: Any, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """How a term shows in the table: IRIs shortened, literals as their plain text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return visible(shorten(term.value, prefixes))  # an IRI may hold U+202E
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return visible(term.value)
    if isinstance(term, ox.Triple):
        parts = (cell(term.subject, prefixes), cell(term.predicate, prefixes), cell(term.object, prefixes))
        return "<< " + " ".join(parts) + " >>"
    return str(term)


def _width(text: str) -> int:
    import unicodedata  # here: only the table needs it (start-up)

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(
    variables: Sequence[str], rows: Iterable[Sequence[Any]], prefixes: Mapping[str, str] = PREFIXES
) -> str:
    """Aligned columns under a header; empty text when there are no rows."""
    cells = [[cell(t, prefixes) for t in row] for row in rows]
    if not cells or not variables:
        return ""
    widths = [max([_width(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(variables)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(variables), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out) + "\n"
