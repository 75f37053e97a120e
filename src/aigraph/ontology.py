"""The aigraph OWL ontology: its terms, labels, domains and ranges."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .namespaces import AIG, OWL, RDF, RDFS
from .rdfio import parse_bytes, read_rdf


@dataclass
class Term:
    iri: str
    kind: str  # "class", "object", "datatype"
    label: str
    comment: str = ""
    domain: str | None = None
    range: str | None = None
    parents: list[str] = field(default_factory=list)  # superclasses / superproperties
    characteristics: list[str] = field(default_factory=list)  # e.g. "Symmetric"


@dataclass
class Ontology:
    quads: list[ox.Quad]
    terms: dict[str, Term]

    def local(self, name: str, kind: str | None = None) -> Term | None:
        """The aig: term with this local name (and kind), if the ontology has one."""
        term = self.terms.get(AIG + name)
        if term is None or (kind is not None and term.kind != kind):
            return None
        return term

    @property
    def iris(self) -> list[str]:
        """The ontology's own IRI(s): the subjects typed ``owl:Ontology``."""
        return sorted(
            q.subject.value
            for q in self.quads
            if q.predicate.value == RDF + "type"
            and q.object == ox.NamedNode(OWL + "Ontology")
            and isinstance(q.subject, ox.NamedNode)
        )

    @property
    def classes(self) -> list[Term]:
        return [t for t in self.terms.values() if t.kind == "class"]

    @property
    def properties(self) -> list[Term]:
        return [t for t in self.terms.values() if t.kind != "class"]

    def ancestors(self, iri: str) -> list[str]:
        """The class (or property) itself and all its superclasses, nearest first."""
        out, todo = [], [iri]
        while todo:
            cur = todo.pop(0)
            if cur in out:
                continue
            out.append(cur)
            term = self.terms.get(cur)
            if term:
                todo.extend(term.parents)
        return out


_KINDS = {
    OWL + "Class": "class",
    OWL + "ObjectProperty": "object",
    OWL + "DatatypeProperty": "datatype",
}


def from_quads(quads: list[ox.Quad]) -> Ontology:
    """Read the OWL terms declared in some quads."""
    terms: dict[str, Term] = {}
    by_subject: dict[str, list[ox.Quad]] = {}
    for q in quads:
        if isinstance(q.subject, ox.NamedNode):
            by_subject.setdefault(q.subject.value, []).append(q)
    for iri, qs in by_subject.items():
        kind = None
        chars = []
        for q in qs:
            if q.predicate.value == RDF + "type" and isinstance(q.object, ox.NamedNode):
                kind = kind or _KINDS.get(q.object.value)
                if q.object.value.endswith("Property") and q.object.value.startswith(OWL):
                    name = q.object.value[len(OWL) : -len("Property")]
                    if name not in ("Object", "Datatype", "Annotation"):
                        chars.append(name)
        if kind is None:
            continue
        term = Term(iri=iri, kind=kind, label=iri.rsplit("#", 1)[-1], characteristics=chars)
        for q in qs:
            p, o = q.predicate.value, q.object
            if p == RDFS + "label" and isinstance(o, ox.Literal):
                term.label = o.value
            elif p == RDFS + "comment" and isinstance(o, ox.Literal):
                term.comment = o.value
            elif p == RDFS + "domain" and isinstance(o, ox.NamedNode):
                term.domain = o.value
            elif p == RDFS + "range" and isinstance(o, ox.NamedNode):
                term.range = o.value
            elif p in (RDFS + "subClassOf", RDFS + "subPropertyOf") and isinstance(o, ox.NamedNode):
                term.parents.append(o.value)
        terms[iri] = term
    return Ontology(quads=quads, terms=terms)


@lru_cache(maxsize=1)
def _shipped() -> Ontology:
    ref = resources.ontology()
    return from_quads(parse_bytes(ref.read_bytes(), "turtle", path="aigraph.ttl"))


def load_ontology(path: str | Path | None = None) -> Ontology:
    """The shipped ontology, or the one in ``path``."""
    if path is None:
        return _shipped()
    return from_quads(read_rdf(path))
