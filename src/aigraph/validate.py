"""SHACL validation (pyshacl) of a graph against aigraph's shapes and ontology."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .errors import AigraphError
from .namespaces import PREFIXES


@dataclass(frozen=True)
class Result:
    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str

    def __str__(self) -> str:
        if self.focus == GRAPH_NODE:  # whole-graph rules name the triple in the message
            return f"{self.severity}: {self.message}"
        where = _short(self.focus) + (f" {_short(self.path)}" if self.path else "")
        value = f" = {_short(self.value)}" if self.value and self.value != self.focus else ""
        return f"{self.severity}: {where}{value}: {self.message}"

    @property
    def node(self) -> str:
        """The node the result is about (the offending subject for whole-graph rules)."""
        return (self.value or self.focus) if self.focus == GRAPH_NODE else self.focus


@dataclass
class Report:
    conforms: bool
    results: list[Result] = field(default_factory=list)
    triples: int = 0

    def text(self) -> str:
        if self.conforms:
            return f"Conforms: {self.triples} triples checked against the aigraph shapes."
        lines = [f"Does not conform: {len(self.results)} result(s)."]
        lines += [f"  {r}" for r in self.results]
        return "\n".join(lines)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
GRAPH_NODE = "https://w3id.org/aigraph/shapes#graph"


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_-]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _shorten_all(text: str) -> str:
    return re.sub(r"https?://[^\s<>\"]*[^\s<>\".,;:)]", lambda m: _short(m.group(0)), text)


def _blank_names(data: Iterable[ox.Triple | ox.Quad]) -> dict[str, str]:
    """``_:b1``, ``_:b2``, ... for blank nodes in the order they first appear.

    A parser gives blank nodes random 32-digit ids, so a report naming them by
    id would point nowhere; the order of appearance points into the file. Short
    ids (made by hand through the API) are left alone: they are readable, and
    renaming them inside messages could hit ordinary words.
    """
    names: dict[str, str] = {}
    for t in data:
        for term in (t.subject, t.object):
            if isinstance(term, ox.BlankNode) and len(term.value) >= 16 and term.value not in names:
                names[term.value] = f"_:b{len(names) + 1}"
    return names


def _name_blanks(text: str, names: dict[str, str]) -> str:
    if not names:
        return text
    return re.sub(r"[A-Za-z0-9_]{16,}", lambda m: names.get(m.group(0), m.group(0)), text)


def to_rdflib(items: Iterable[ox.Triple | ox.Quad]):  # type: ignore[no-untyped-def]
    """Copy pyoxigraph triples (or the default graph of quads) into an rdflib Graph."""
    import rdflib

    def term(t):  # type: ignore[no-untyped-def]
        if isinstance(t, ox.NamedNode):
            return rdflib.URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return rdflib.BNode(t.value)
        if isinstance(t, ox.Literal):
            if t.language:
                return rdflib.Literal(t.value, lang=t.language)
            if t.datatype.value == _XSD_STRING:  # rdflib spells xsd:string as no datatype
                return rdflib.Literal(t.value)
            return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))
        if isinstance(t, ox.Triple):
            raise AigraphError("RDF 1.2 triple terms (<<( ... )>>) cannot be copied to rdflib")
        raise TypeError(f"unsupported term {t!r}")

    g = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)
    with _quiet_rdflib():
        for item in items:
            g.add((term(item.subject), term(item.predicate), term(item.object)))
    return g


@contextlib.contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Silence rdflib's logged tracebacks for literals it cannot convert to Python values.

    An ill-typed or huge literal (``"x"^^xsd:integer``, 5,000 digits) keeps its lexical
    form and is judged by the shapes; rdflib must not print a traceback about it.
    """
    logger = logging.getLogger("rdflib.term")
    was = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was


def validate_graph(
    items: Iterable[ox.Triple] | Iterable[ox.Quad], *, ontology: Iterable[ox.Quad] = ()
) -> Report:
    """Check triples against shapes.ttl, reading the ontology's axioms alongside.

    ``ontology``: the quads of ontology extensions, read with aigraph's own
    (their domains and ranges are checked like aigraph's).
    """
    import warnings

    import pyshacl
    import rdflib

    data: list[ox.Triple | ox.Quad] = list(items)
    data_graph = to_rdflib(data)
    shapes = rdflib.Graph().parse(data=resources.shapes().read_bytes(), format="turtle")
    onto = rdflib.Graph().parse(data=resources.ontology().read_bytes(), format="turtle")
    onto += to_rdflib(ontology)
    with warnings.catch_warnings(), _quiet_rdflib():
        warnings.simplefilter("ignore")  # pyshacl warns about unrelated deprecations
        try:
            conforms, results_graph, _ = pyshacl.validate(
                data_graph, shacl_graph=shapes, ont_graph=onto, inference="none", allow_warnings=True
            )
        except RecursionError:
            raise AigraphError(
                "the data nests too deeply for the SHACL validator (pyshacl); nothing was checked"
            ) from None
    if not isinstance(results_graph, rdflib.Graph):  # pyshacl refused the shapes themselves
        raise AigraphError(f"the SHACL shapes cannot be used: {results_graph}")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    blank = _blank_names(data)
    results = []
    for node in results_graph.subjects(rdflib.RDF.type, sh.ValidationResult):

        def get(p, node=node):  # type: ignore[no-untyped-def]
            v = results_graph.value(node, p)
            if v is None:
                return None
            return blank.get(str(v), str(v)) if isinstance(v, rdflib.BNode) else str(v)

        results.append(
            Result(
                focus=get(sh.focusNode) or "",
                path=get(sh.resultPath),
                value=get(sh.value),
                message=_name_blanks(_shorten_all(get(sh.resultMessage) or "constraint violated"), blank),
                severity=(get(sh.resultSeverity) or "Violation").rsplit("#", 1)[-1],
            )
        )
    results.sort(key=lambda r: (r.focus, r.path or "", r.value or "", r.message))
    return Report(conforms=bool(conforms), results=results, triples=len(data))


def validate_files(paths: Iterable[str | Path], *, ontology: Sequence[str | Path] = ()) -> Report:
    """Parse RDF files strictly and validate their union (with ``ontology`` extension files)."""
    from .rdfio import read_rdf

    quads: list[ox.Quad] = []
    for p in paths:
        read = read_rdf(p)
        if any(isinstance(t, ox.Triple) for q in read for t in (q.subject, q.object)):
            raise AigraphError(
                "holds RDF 1.2 triple terms (<<( ... )>>), which the SHACL validator cannot read",
                path=p,
            )
        quads.extend(read)
    return validate_graph(quads, ontology=_extension_quads(ontology))


def _extension_quads(paths: Sequence[str | Path]) -> list[ox.Quad]:
    if not paths:
        return []
    from .extensions import load_extensions

    return load_extensions(paths).quads
