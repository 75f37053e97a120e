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
    assert (AIG.hasMember, RDFS.subPropertyOf, org.hasMember) in g


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


# str(): rdflib's URIRef.startswith takes no tuple.
BUILT_IN = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2001/XMLSchema#",
)
KINDS = {
    OWL.Class: "class",
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
    OWL.Ontology: "ontology",
}


def _declared(g: rdflib.Graph) -> dict[rdflib.URIRef, set[str]]:
    out: dict[rdflib.URIRef, set[str]] = {}
    for kind, name in KINDS.items():
        for s in g.subjects(RDF.type, kind):
            out.setdefault(s, set()).add(name)  # type: ignore[arg-type]
    return out


def test_every_iri_the_ontology_uses_is_declared() -> None:
    """OWL 2 DL (Protégé, the OWL API) wants a declaration for every entity, external ones included."""
    g = _onto()
    declared = _declared(g)
    annotations = {p for p, kinds in declared.items() if "annotation property" in kinds}
    annotations |= {RDFS.label, RDFS.comment, OWL.versionInfo, OWL.versionIRI}
    used = set()
    for s, p, o in g:
        used |= {s, p}
        if p not in annotations:  # an annotation's value is a literal or an IRI, not an entity
            used.add(o)
    undeclared = {
        str(x) for x in used if isinstance(x, rdflib.URIRef) and not str(x).startswith(BUILT_IN) and x not in declared
    }
    assert undeclared == set()
    # No punning between property kinds (OWL 2 DL forbids it).
    assert all(len(kinds) == 1 for kinds in declared.values()), {k: v for k, v in declared.items() if len(v) > 1}


def test_every_predicate_and_class_of_the_data_is_declared() -> None:
    from .conftest import GOLDEN_TTL

    declared = _declared(_onto())
    data = rdflib.Graph().parse(GOLDEN_TTL)
    properties = {p for p in data.predicates() if not str(p).startswith(BUILT_IN)}
    classes = {o for o in data.objects(None, RDF.type) if not str(o).startswith(BUILT_IN)}
    assert properties and classes
    assert {str(p) for p in properties if not declared.get(p, set()) & {"object property", "datatype property",
                                                                        "annotation property"}} == set()
    assert {str(c) for c in classes if "class" not in declared.get(c, set())} == set()
    # The kind matches the use: literal values only for datatype and annotation properties.
    for p in properties:
        if "object property" in declared[p]:
            assert not any(isinstance(o, rdflib.Literal) for o in data.objects(None, p)), p
        if "datatype property" in declared[p]:
            assert all(isinstance(o, rdflib.Literal) for o in data.objects(None, p)), p
