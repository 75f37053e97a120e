"""RDF -> networkx.MultiDiGraph: one node per resource, provenance folded into edges."""

from __future__ import annotations

import copy
import sys
import types
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aigraph.namespaces import AIG, KG, OWL, PROV, RDF, RDFS, SKOS
from aigraph.store.dataset import load_quads
from aigraph.view.fold import fold
from aigraph.view.netx import to_networkx

EX = "http://example.org/"
FOAF = "http://xmlns.com/foaf/0.1/"


def q(s: str, p: str, o: str | ox.Literal | ox.BlankNode) -> ox.Quad:
    subject = ox.BlankNode(s[2:]) if s.startswith("_:") else ox.NamedNode(s)
    obj = o if isinstance(o, ox.Literal | ox.BlankNode) else ox.NamedNode(o)
    return ox.Quad(subject, ox.NamedNode(p), obj)


def test_built_graph_nodes_and_edges() -> None:
    quads = load_quads()
    g = to_networkx(quads)
    # Every asserted relation between two resources is an edge, keyed by its predicate.
    store = ox.Store()
    store.extend(quads)
    rows = store.query(
        """SELECT DISTINCT ?s ?p ?o WHERE {
             ?f a aig:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
             FILTER(isIRI(?o) && ?p != rdf:type) }""",
        prefixes={"aig": AIG, "rdf": RDF},
    )
    expected = {(r["s"].value, r["p"].value, r["o"].value) for r in rows}
    assert {(s, k, o) for s, o, k in g.edges(keys=True)} == expected
    assert g.number_of_edges() == len(expected)
    # Provenance records and rdf:type never become nodes.
    for n, d in g.nodes(data=True):
        assert "-fact-" not in n and "-s0" not in n and not n.endswith("-article"), n
        assert d["label"] and d["class"]
    assert not any(k == RDF + "type" for _, _, k in g.edges(keys=True))


def test_attributes_are_folded_in() -> None:
    g = to_networkx(load_quads())
    alliance = g.nodes[KG + "AIAlliance"]
    assert alliance["label"] == "AI Alliance"
    assert alliance["class"] == AIG + "IndustryAlliance"
    assert alliance["class_label"] == "Industry alliance"
    assert alliance["aig:approximateMemberCount"] == ["45"]
    assert "45 organizations" in alliance["value_evidence"]["aig:approximateMemberCount"][0]
    assert alliance["evidence"]  # the sentence behind its class
    edge = g.edges[KG + "Google", KG + "Meta", AIG + "criticizes"]
    assert edge["label"] == "criticizes"
    assert edge["predicate"] == AIG + "criticizes"
    assert edge["evidence"] == [
        "Meta’s open source AI approach has faced criticism from companies like Google, OpenAI, and Microsoft, "
        "but it continues to take calculated risks, releasing models like Llama despite potential misuse."
    ]
    assert edge["quotes"] and edge["quotes"][0] in edge["evidence"][0]
    assert edge["article"].startswith("Meta and IBM team up")
    # Parallel relations between one pair both survive.
    assert set(g[KG + "IBM"][KG + "AIAlliance"]) == {AIG + "memberOf", AIG + "foundingMemberOf"}


class _StandInDataFrame:
    """What ``networkx.to_pandas_edgelist`` hands ``pandas.DataFrame``: its columns, as a dict."""

    def __init__(self, data: dict[str, list[Any]], dtype: Any = None) -> None:
        self.columns = list(data)
        self._data = data

    def __getitem__(self, name: str) -> list[Any]:
        return self._data[name]


def test_pandas_edgelist_takes_the_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """networkx refuses a graph with an edge attribute named ``source`` or ``target`` (its columns).

    pandas (about 70 MB installed) is not a test dependency for this one call: where it is
    missing, networkx's own ``to_pandas_edgelist`` still runs, every check included, and only
    its last step, ``pandas.DataFrame(columns)``, is a stand-in.
    """
    try:
        import pandas  # noqa: F401
    except ImportError:
        monkeypatch.setitem(sys.modules, "pandas", types.SimpleNamespace(DataFrame=_StandInDataFrame))
    g = to_networkx(load_quads())
    df = nx.to_pandas_edgelist(g)
    assert list(df.columns[:2]) == ["source", "target"]
    assert {"predicate", "label", "evidence", "quotes", "article"} <= set(df.columns)
    assert list(zip(df["source"], df["target"], strict=True)) == list(g.edges())
    criticism = list(df["source"]).index(KG + "Google")
    assert list(df["article"])[criticism].startswith("Meta and IBM team up")
    keyed = nx.to_pandas_edgelist(g, edge_key="key")
    assert list(keyed["key"]) == [k for _, _, k in g.edges(keys=True)]


def test_pyvis_from_nx_takes_the_graph() -> None:
    """pyvis passes each edge's attributes as keywords beside its ``source``: none may be named so."""
    from pyvis.network import Network

    g = to_networkx(load_quads())
    net = Network(directed=True)
    net.from_nx(g)
    assert sorted(n["id"] for n in net.nodes) == sorted(g)  # in the order edges reach them
    assert len(net.edges) == g.number_of_edges() == 49
    assert [(e["from"], e["to"]) for e in net.edges] == list(g.edges())
    edge = next(e for e in net.edges if (e["from"], e["to"]) == (KG + "Google", KG + "Meta"))
    assert edge["label"] == "criticizes" and edge["article"].startswith("Meta and IBM team up")
    assert "faced criticism from companies like Google" in net.generate_html()


def test_fold_is_what_to_networkx_builds() -> None:
    """The view draws :func:`fold`'s plain data; exports read the networkx graph: they agree."""
    quads = load_quads() + [
        q(EX + "x", FOAF + "knows", EX + "y"),
        q(EX + "y", FOAF + "knows", EX + "x"),
        q(EX + "x", FOAF + "knows", EX + "x"),
        q(EX + "x", RDFS + "label", ox.Literal("ex")),
    ]
    g, folded = to_networkx(quads), fold(quads)
    assert folded.nodes == dict(g.nodes(data=True))
    assert folded.edges_by_source() == list(g.edges(keys=True, data=True))
    assert sorted(folded.edges, key=str) == sorted(g.edges(keys=True, data=True), key=str)
    assert AIG + "criticizes" in folded.vocabulary.terms


def test_input_is_not_changed() -> None:
    quads = load_quads()
    before = copy.copy(quads)
    store = ox.Store()
    store.extend(quads)
    to_networkx(quads)
    to_networkx(store)  # any iterable of quads, a Store included
    assert quads == before
    assert len(store) == len(set(before))


def test_most_specific_class_wins() -> None:
    quads = [
        q(EX + "a", RDF + "type", AIG + "Organization"),
        q(EX + "a", RDF + "type", OWL + "NamedIndividual"),
        q(EX + "a", RDF + "type", AIG + "Company"),
        q(EX + "b", RDF + "type", AIG + "Topic"),
        q(EX + "b", RDF + "type", AIG + "Value"),
        q(EX + "c", RDF + "type", OWL + "NamedIndividual"),
    ]
    g = to_networkx(quads)
    assert g.nodes[EX + "a"]["class"] == AIG + "Company"
    assert g.nodes[EX + "b"]["class"] == AIG + "Value"
    assert g.nodes[EX + "c"]["class"] == OWL + "NamedIndividual"
    assert g.nodes[EX + "a"]["types"] == [AIG + "Organization", OWL + "NamedIndividual", AIG + "Company"]


def test_any_rdf_works() -> None:
    quads = [
        q(EX + "alice", RDF + "type", FOAF + "Person"),
        q(EX + "alice", FOAF + "name", ox.Literal("Alice")),
        q(EX + "alice", RDFS + "label", ox.Literal("Alicia", language="es")),
        q(EX + "alice", RDFS + "label", ox.Literal("Alice A.", language="en")),
        q(EX + "alice", FOAF + "knows", EX + "bob"),
        q(EX + "alice", FOAF + "knows", ox.BlankNode("x")),
        q("_:x", FOAF + "age", ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
        q(EX + "bob", SKOS + "prefLabel", ox.Literal("Bob")),
        # A reified statement in plain RDF keeps its evidence on the edge.
        q(EX + "st", RDF + "type", RDF + "Statement"),
        q(EX + "st", RDF + "subject", EX + "alice"),
        q(EX + "st", RDF + "predicate", FOAF + "knows"),
        q(EX + "st", RDF + "object", EX + "bob"),
        q(EX + "st", AIG + "evidence", EX + "sent"),
        q(EX + "sent", PROV + "value", ox.Literal("Alice knows Bob.")),
    ]
    g = to_networkx(quads)
    assert set(g) == {EX + "alice", EX + "bob", "_:x"}
    alice = g.nodes[EX + "alice"]
    assert alice["label"] == "Alice A."  # rdfs:label, English first
    assert alice["class"] == FOAF + "Person" and alice["class_label"] == "Person"
    assert sorted(alice["rdfs:label"] + alice[FOAF + "name"]) == ["Alice", "Alicia"]
    assert g.nodes[EX + "bob"]["label"] == "Bob" and g.nodes[EX + "bob"]["class"] == ""
    assert g.nodes["_:x"][f"{FOAF}age"] == ["42"]
    assert g.edges[EX + "alice", EX + "bob", FOAF + "knows"]["evidence"] == ["Alice knows Bob."]
    assert g.edges[EX + "alice", "_:x", FOAF + "knows"]["evidence"] == []
    assert g.edges[EX + "alice", EX + "bob", FOAF + "knows"]["label"] == "knows"


IRIS = st.sampled_from([EX + name for name in "abcdefgh"])
PREDS = st.sampled_from([EX + "p", EX + "q", FOAF + "knows", RDFS + "seeAlso"])
TRIPLES = st.lists(st.tuples(IRIS, PREDS, st.one_of(IRIS, st.text(max_size=5).map(ox.Literal))), max_size=40)


@settings(max_examples=60, deadline=None)
@given(TRIPLES)
def test_edges_are_the_distinct_resource_triples(triples: list[tuple[str, str, str | ox.Literal]]) -> None:
    quads = [q(s, p, o) for s, p, o in triples]
    g = to_networkx(quads)
    expected = {(s, p, o) for s, p, o in triples if isinstance(o, str)}
    assert {(s, k, o) for s, o, k in g.edges(keys=True)} == expected
    assert g.number_of_edges() == len(expected)
    assert set(g) == {s for s, _, _ in triples} | {o for _, _, o in triples if isinstance(o, str)}
    for s, p, o in triples:
        if isinstance(o, ox.Literal):
            assert o.value in g.nodes[s][p.replace(RDFS, "rdfs:")] or o.value == g.nodes[s]["label"]


def test_vocabulary_is_folded_out() -> None:
    """Classes, properties and ontologies the data declares name things: they are not nodes."""
    import aigraph

    alone, with_ontology = to_networkx(load_quads()), to_networkx(aigraph.load())
    assert set(with_ontology) == set(alone)
    assert with_ontology.number_of_edges() == alone.number_of_edges()
    text = b"""@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix ex: <http://example.org/> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        foaf:knows a rdf:Property ; rdfs:label "is acquainted with" ; rdfs:domain foaf:Person .
        foaf:Person a rdfs:Class ; rdfs:label "Human being" ; rdfs:subClassOf foaf:Agent .
        ex:C a owl:Class ; rdfs:label "Club" ; rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:has ;
            owl:someValuesFrom ex:D ] .
        ex:rel a owl:ObjectProperty, owl:SymmetricProperty ; rdfs:label "plays with" .
        ex:onto a owl:Ontology ; rdfs:label "An ontology" ; ex:license <http://example.org/licence> .
        ex:alice a foaf:Person ; foaf:knows ex:bob ; ex:rel ex:chess .
        ex:chess a ex:C .
        ex:bob a foaf:Person ; ex:likes ex:C .
    """
    g = to_networkx(ox.parse(text, format=ox.RdfFormat.TURTLE))
    # ex:C stays: data links to it (ex:bob likes it); the rest are vocabulary.
    assert set(g) == {EX + "alice", EX + "bob", EX + "chess", EX + "C"}
    assert g.nodes[EX + "alice"]["class_label"] == "Human being"
    assert g.nodes[EX + "chess"]["class_label"] == "Club"
    assert g.edges[EX + "alice", EX + "bob", FOAF + "knows"]["label"] == "is acquainted with"
    assert g.edges[EX + "alice", EX + "chess", EX + "rel"]["label"] == "plays with"
    assert fold(ox.parse(text, format=ox.RdfFormat.TURTLE)).vocabulary.terms[EX + "rel"].characteristics == [
        "Symmetric"
    ]


def test_blank_nodes_get_readable_stable_labels() -> None:
    text = (
        b"@prefix ex: <http://example.org/> . ex:a ex:p [ ex:q [ ex:r ex:b ] ] . [] ex:s ex:a ."
        b" [ ex:t 'x' ; ex:name 'Named' ] ex:u ex:a ."
    )
    first = to_networkx(ox.parse(text, format=ox.RdfFormat.TURTLE))
    second = to_networkx(ox.parse(text, format=ox.RdfFormat.TURTLE))
    labels = sorted(d["label"] for _, d in first.nodes(data=True))
    assert labels == sorted(d["label"] for _, d in second.nodes(data=True))
    assert labels == ["a", "b", "blank node 1", "blank node 2", "blank node 3", "blank node 4"]


def test_an_rdflib_graph_works_and_other_things_are_refused() -> None:
    import pytest
    import rdflib

    text = '@prefix ex: <http://example.org/> . ex:a ex:knows ex:b, [ ex:name "B"@en ] ; ex:age 3 .'
    ours = to_networkx(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    theirs = to_networkx(rdflib.Graph().parse(data=text, format="turtle"))
    assert sorted(d["label"] for _, d in theirs.nodes(data=True)) == sorted(
        d["label"] for _, d in ours.nodes(data=True)
    )
    assert theirs.nodes[EX + "a"][EX + "age"] == ["3"]
    assert theirs.number_of_edges() == ours.number_of_edges() == 2
    for bad in ([1, 2], "text", [("a", "b", "c")]):
        with pytest.raises(TypeError):
            to_networkx(bad)


def test_literal_languages_and_datatypes_are_kept() -> None:
    from aigraph.view.netx import stringify

    xsd = "http://www.w3.org/2001/XMLSchema#"
    quads = [
        q(EX + "a", EX + "name", ox.Literal("Ana", language="es")),
        q(EX + "a", EX + "name", ox.Literal("Anna")),
        q(EX + "a", EX + "age", ox.Literal("42", datatype=ox.NamedNode(xsd + "integer"))),
        q(EX + "a", EX + "note", ox.Literal("plain")),
        q(EX + "a", EX + "knows", EX + "b"),
    ]
    node = to_networkx(quads).nodes[EX + "a"]
    assert node[EX + "name"] == ["Ana", "Anna"] and node[EX + "age"] == ["42"]
    assert node["datatypes"] == {EX + "name": ["@es", ""], EX + "age": ["xsd:integer"]}
    assert "datatypes" not in to_networkx(quads).nodes[EX + "b"]
    flat = stringify(to_networkx(quads)).nodes[EX + "a"]
    assert all(isinstance(v, str) for v in flat.values())


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.sampled_from("pq")), max_size=30, unique=True))
@settings(max_examples=200, deadline=None)
def test_edges_by_source_is_the_networkx_order(links: list[tuple[int, int, str]]) -> None:
    # By source in node order, then by target in the order each was first linked from it
    # (a target may come back after others: parallel relations of a pair).
    from aigraph.ontology import Ontology
    from aigraph.view.fold import Folded

    nodes: dict[str, dict[str, Any]] = {f"n{i}": {} for i in (3, 1, 4, 0, 2)}
    edges = [(f"n{a}", f"n{b}", p, {}) for a, b, p in links]
    g = nx.MultiDiGraph()
    g.add_nodes_from(nodes)
    for s, o, p, _d in edges:
        g.add_edge(s, o, key=p)
    folded = Folded(nodes, edges, Ontology(quads=[], terms={}))
    assert [(s, o, p) for s, o, p, _d in folded.edges_by_source()] == list(g.edges(keys=True))
