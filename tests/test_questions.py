"""A reader's questions, answered by SPARQL over the exported Turtle with rdflib.

rdflib here is an independent engine: aigraph's own query path uses Oxigraph.
"""

from __future__ import annotations

import rdflib

from .conftest import GOLDEN_TTL

PREFIXES = """
PREFIX aig: <https://w3id.org/aigraph/ontology#>
PREFIX kg: <https://w3id.org/aigraph/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def ask(query: str) -> set[tuple[str, ...]]:
    g = rdflib.Graph().parse(GOLDEN_TTL, format="turtle")
    return {tuple(str(v) for v in row) for row in g.query(PREFIXES + query)}


def labels(query: str) -> set[str]:
    return {row[0] for row in ask(query)}


def test_who_founded_it() -> None:
    assert labels("SELECT ?n { ?o aig:foundingMemberOf kg:AIAlliance ; rdfs:label ?n }") == {"Meta", "IBM"}


def test_who_is_a_member() -> None:
    assert labels("SELECT ?n { ?o aig:memberOf kg:AIAlliance ; rdfs:label ?n }") == {"Meta", "IBM", "Partnership on AI"}


def test_who_criticized_whom() -> None:
    rows = ask("SELECT ?a ?b { ?x aig:criticizes ?y . ?x rdfs:label ?a . ?y rdfs:label ?b }")
    assert rows == {("Google", "Meta"), ("OpenAI", "Meta"), ("Microsoft", "Meta")}


def test_whom_ibm_competes_with() -> None:
    assert labels("SELECT ?n { kg:IBM aig:competesWith ?c . ?c rdfs:label ?n }") == {"Microsoft", "OpenAI", "Google"}


def test_what_it_focuses_on() -> None:
    assert labels("SELECT ?n { kg:AIAlliance aig:focusArea ?f . ?f rdfs:label ?n }") == {
        "open innovation",
        "open science",
        "AI trust and validation metrics",
        "AI training infrastructure",
        "open source AI models and frameworks",
    }


def test_how_big_it_is() -> None:
    assert ask("SELECT ?n { kg:AIAlliance aig:approximateMemberCount ?n }") == {("45",)}


def test_what_meta_released_and_governance() -> None:
    assert labels("SELECT ?n { kg:Meta aig:released ?m . ?m rdfs:label ?n }") == {"Llama"}
    assert len(ask("SELECT ?b { kg:AIAlliance aig:willEstablish ?b }")) == 3


def test_which_sentence_says_google_criticizes_meta() -> None:
    rows = ask(
        """SELECT ?text ?i { ?f rdf:subject kg:Google ; rdf:predicate aig:criticizes ; rdf:object kg:Meta ;
                                aig:evidence ?s . ?s prov:value ?text ; aig:sentenceIndex ?i }"""
    )
    assert rows == {
        (
            "Meta’s open source AI approach has faced criticism from companies like Google, OpenAI, and Microsoft,"
            " but it continues to take calculated risks, releasing models like Llama despite potential misuse.",
            "7",
        )
    }


def test_no_fact_without_its_sentence() -> None:
    # Every triple but names, the provenance records and the graph's header (an
    # owl:Ontology that imports the ontology) is reified with evidence, class
    # assertions and non-aig: predicates included (SHACL checks it too).
    missing = ask(
        """SELECT ?s ?p ?o {
             ?s ?p ?o .
             FILTER (?p NOT IN (rdfs:label, skos:prefLabel, skos:altLabel))
             FILTER NOT EXISTS { ?s a ?record FILTER (?record IN (aig:Fact, aig:Sentence, aig:Article, owl:Ontology)) }
             FILTER NOT EXISTS { ?f a aig:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; aig:evidence ?e }
           }"""
    )
    assert missing == set()
    assert len(ask("SELECT ?f { ?f a aig:Fact ; rdf:predicate rdf:type }")) == 44  # one per entity


def test_what_it_aims_at() -> None:
    assert labels("SELECT ?n { kg:AIAlliance aig:aimsTo ?g . ?g rdfs:label ?n }") >= {
        "be complementary and additive to its members' efforts",
        "mitigate specific risks",
        "innovate more inclusively and rapidly",
    }


def test_why_its_success_is_uncertain() -> None:
    # Sentence 12: the success is uncertain amid competing interests and the
    # skepticism about Meta's and IBM's sincerity, all of them the Alliance's to face.
    rows = ask(
        """SELECT ?n ?i { kg:AIAlliance aig:faces ?c . ?c rdfs:label ?n .
                          ?f rdf:subject kg:AIAlliance ; rdf:predicate aig:faces ; rdf:object ?c ;
                             aig:evidence ?s . ?s aig:sentenceIndex ?i FILTER (?i = 12) }"""
    )
    assert rows == {
        ("uncertain success", "12"),
        ("competing interests", "12"),
        ("skepticism about the sincerity of the founding members, Meta and IBM", "12"),
    }
    assert ask("SELECT ?o { ?o aig:faces kg:SkepticismAboutFoundersSincerity }") == {
        ("https://w3id.org/aigraph/id/AIAlliance",)
    }


def test_what_meta_risks() -> None:
    # "calculated risks ... despite potential misuse" describes what Meta does: a
    # challenge it faces, not a stance it advocates.
    rows = ask(
        """SELECT ?i { ?f rdf:subject kg:Meta ; rdf:predicate aig:faces ;
                          rdf:object kg:PotentialMisuseOfReleasedModels ; aig:evidence ?s . ?s aig:sentenceIndex ?i }"""
    )
    assert rows == {("7",)}
    assert labels("SELECT ?n { kg:Meta aig:advocates ?x . ?x rdfs:label ?n }") == {"open source AI"}


def test_every_relation_quote_is_more_than_a_name() -> None:
    # A quote that is only the object's own name supports the entity, not the relation.
    rows = ask(
        """SELECT ?q ?n { ?f rdf:predicate ?p ; rdf:object ?o ; aig:quote ?q . ?o rdfs:label ?n
                          FILTER (?p != rdf:type) }"""
    )
    assert rows and all(q.lower() != n.lower() for q, n in rows)


def test_the_working_groups_are_one_node() -> None:
    assert labels("SELECT ?n { kg:AIAlliance aig:willEstablish ?b . ?b a aig:WorkingGroup ; rdfs:label ?n }") == {
        "AI Alliance working groups (collectively)"
    }


def test_the_missing_members_rest_on_two_sentences() -> None:
    rows = ask(
        """SELECT ?i { ?f rdf:subject kg:AIAlliance ; rdf:predicate aig:faces ; rdf:object kg:AbsenceOfMajorAIPlayers ;
                          aig:evidence ?s . ?s aig:sentenceIndex ?i }"""
    )
    assert rows == {("9",), ("11",)}


def test_nothing_the_article_does_not_say() -> None:
    # The article does not name the organizations missing from the membership,
    # nor does it call Meta or IBM companies.
    assert ask("SELECT ?x { ?x aig:memberOf ?y FILTER (?y != kg:AIAlliance) }") == set()
    assert ask("SELECT ?x { VALUES ?x { kg:Meta kg:IBM } ?x a aig:Company }") == set()
