"""The OWL ontology: required terms, labels, comments, domains, ranges, alignment."""

from __future__ import annotations

import rdflib
from rdflib import OWL, RDF, RDFS

from .conftest import ONTOLOGY, SHAPES

AIG = rdflib.Namespace("https://w3id.org/aigraph/ontology#")


def _onto() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY)


def test_header() -> None:
    g = _onto()
    onto = rdflib.URIRef("https://w3id.org/aigraph/ontology")
    assert (onto, RDF.type, OWL.Ontology) in g
    for p in (OWL.versionInfo, OWL.versionIRI, RDFS.label, RDFS.comment, rdflib.DCTERMS.license):
        assert g.value(onto, p) is not None, p


def test_required_terms() -> None:
    g = _onto()
    assert (AIG.Organization, RDF.type, OWL.Class) in g
    for p in ("memberOf", "criticizes", "competesWith", "focusArea"):
        assert (AIG[p], RDF.type, OWL.ObjectProperty) in g
    assert (AIG.competesWith, RDF.type, OWL.SymmetricProperty) in g


def test_every_term_is_documented() -> None:
    g = _onto()
    terms = {s for s in g.subjects() if isinstance(s, rdflib.URIRef) and s.startswith(str(AIG))}
    assert len(terms) >= 40
    for t in terms:
        assert g.value(t, RDFS.label) is not None, t
        assert g.value(t, RDFS.comment) is not None, t
    for p in set(g.subjects(RDF.type, OWL.ObjectProperty)) | set(g.subjects(RDF.type, OWL.DatatypeProperty)):
        if p.startswith(str(AIG)) and p not in {AIG.hasMember, AIG.hasFoundingMember}:
            assert g.value(p, RDFS.domain) is not None, p
            assert g.value(p, RDFS.range) is not None, p


def test_aligned_to_public_vocabularies() -> None:
    g = _onto()
    org = rdflib.Namespace("http://www.w3.org/ns/org#")
    assert (AIG.memberOf, RDFS.subPropertyOf, org.memberOf) in g
    assert (AIG.Organization, RDFS.subClassOf, org.Organization) in g
    assert (AIG.Organization, RDFS.subClassOf, rdflib.URIRef("https://schema.org/Organization")) in g
    assert (AIG.Topic, RDFS.subClassOf, rdflib.SKOS.Concept) in g
    assert (AIG.evidence, RDFS.subPropertyOf, rdflib.PROV.wasDerivedFrom) in g
    assert (AIG.memberOf, OWL.inverseOf, AIG.hasMember) in g


def test_every_ontology_term_used_by_the_data_is_declared() -> None:
    from .conftest import GOLDEN_TTL

    onto = _onto()
    data = rdflib.Graph().parse(GOLDEN_TTL)
    used = {p for p in data.predicates() if p.startswith(str(AIG))}
    used |= {o for o in data.objects(None, RDF.type) if o.startswith(str(AIG))}
    declared = {s for s in onto.subjects(RDF.type, None)}
    assert used and used <= declared


def test_shapes_parse_and_target_facts() -> None:
    g = rdflib.Graph().parse(SHAPES)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (None, sh.targetClass, AIG.Fact) in g
    assert len(list(g.subjects(RDF.type, sh.NodeShape))) >= 4
