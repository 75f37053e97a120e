"""IRIs and prefixes shared by every module (plain strings: no RDF library needed)."""

from __future__ import annotations

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
