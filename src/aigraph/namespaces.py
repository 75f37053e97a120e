"""IRIs and prefixes shared by every module (plain strings: no RDF library needed)."""

from __future__ import annotations

TYPE_CHECKING = False  # collections.abc, for one annotation, costs a query's start-up
if TYPE_CHECKING:
    from collections.abc import Mapping

AIG = "https://w3id.org/aigraph/ontology#"
"""The ontology namespace (classes and properties)."""

KG = "https://w3id.org/aigraph/id/"
"""The namespace of entities, facts and sentences built from articles."""

ONTOLOGY_IRI = "https://w3id.org/aigraph/ontology"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
DCTERMS = "http://purl.org/dc/terms/"

PREFIXES: dict[str, str] = {
    "aig": AIG,
    "kg": KG,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "org": ORG,
    "schema": SCHEMA,
    "dcterms": DCTERMS,
}
"""Prefixes written into every serialization and pre-declared in queries."""


def facts_name(iri: str, prefixes: Mapping[str, str]) -> str:
    """A term as a facts file writes it: bare for aig:, else prefixed (``ex:acquired``), else the full IRI.

    >>> facts_name(AIG + "memberOf", {}), facts_name("https://e.org/v#acquired", {"ex": "https://e.org/v#"})
    ('memberOf', 'ex:acquired')
    """
    import re

    if iri.startswith(AIG):
        return iri[len(AIG) :]
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z_][\w.-]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri
