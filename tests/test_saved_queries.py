"""Saved queries: each one's exact answer from the article, and the same answer from rdflib.

rdflib's SPARQL engine over the same Turtle (built graph + ontology) is an
independent check on Oxigraph, the engine aigraph uses.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

import aigraph
from aigraph.cli import cli
from aigraph.namespaces import PREFIXES
from aigraph.sparql.engine import prepare, saved_queries
from aigraph.sparql.results import cell

from .conftest import GOLDEN_TTL, ONTOLOGY

S = {  # the article's sentences, by index
    1: "Meta is collaborating with IBM to launch the AI Alliance, a new industry body focused on supporting"
    " “open innovation” and “open science” in AI.",
    7: "Meta’s open source AI approach has faced criticism from companies like Google, OpenAI, and Microsoft,"
    " but it continues to take calculated risks, releasing models like Llama despite potential misuse.",
    8: "The Alliance’s co-founder, IBM, likely seeks more exposure for its generative AI platform amidst"
    " competition from Microsoft, OpenAI, and Google.",
    12: "Its success, however, remains uncertain amidst competing interests and skepticism about the sincerity"
    " of its founding members, Meta and IBM.",
}

A = "kg:AIAlliance"
KG = PREFIXES["kg"]
ONTOLOGY_IRI = "https://w3id.org/aigraph/ontology"

# name -> (bindings, rows as shown in the table: IRIs shortened, literals plain), in the query's order
EXPECTED: dict[str, list[tuple[dict[str, str], list[tuple[str, ...]]]]] = {
    "members": [({}, [
        (A, "kg:IBM", "IBM", "true"),
        (A, "kg:Meta", "Meta", "true"),
        (A, "kg:PartnershipOnAI", "Partnership on AI", "false"),
    ])],
    "founders": [({}, [(A, "kg:IBM", "IBM"), (A, "kg:Meta", "Meta")])],
    "criticisms": [({}, [("kg:Google", "kg:Meta"), ("kg:Microsoft", "kg:Meta"), ("kg:OpenAI", "kg:Meta")])],
    "competitors": [
        ({}, [("kg:IBM", "kg:Google", "Google"), ("kg:IBM", "kg:Microsoft", "Microsoft"),
              ("kg:IBM", "kg:OpenAI", "OpenAI")]),
        ({"company": "kg:Google"}, [("kg:Google", "kg:IBM", "IBM")]),
        ({"company": "kg:Meta"}, []),
    ],
    "focus-areas": [({}, [
        (A, "kg:AITrainingInfrastructure", "AI training infrastructure"),
        (A, "kg:AITrustAndValidationMetrics", "AI trust and validation metrics"),
        (A, "kg:OpenInnovation", "open innovation"),
        (A, "kg:OpenScience", "open science"),
        (A, "kg:OpenSourceAIModelsAndFrameworks", "open source AI models and frameworks"),
    ])],
    "organizations-by-kind": [({}, [
        ("aig:Company", "kg:Google", "Google"),
        ("aig:Company", "kg:Microsoft", "Microsoft"),
        ("aig:Company", "kg:OpenAI", "OpenAI"),
        ("aig:IndustryAlliance", A, "AI Alliance"),
        ("aig:Organization", "kg:IBM", "IBM"),
        ("aig:Organization", "kg:Meta", "Meta"),
        ("aig:Organization", "kg:PartnershipOnAI", "Partnership on AI"),
    ])],
    "evidence": [
        ({"s": "kg:Google", "o": "kg:Meta"}, [("kg:Google", "aig:criticizes", "kg:Meta", S[7])]),
        ({"s": "kg:IBM", "o": A}, [
            ("kg:IBM", "aig:foundingMemberOf", A, S[1]),
            ("kg:IBM", "aig:foundingMemberOf", A, S[8]),
            ("kg:IBM", "aig:foundingMemberOf", A, S[12]),
            ("kg:IBM", "aig:memberOf", A, S[12]),
        ]),
        ({"s": "kg:Microsoft", "p": "aig:criticizes"}, [("kg:Microsoft", "aig:criticizes", "kg:Meta", S[7])]),
        # Symmetric relations read both ways: IBM's stored competition shows from its rivals' side.
        ({"o": "kg:IBM"}, [
            ("kg:Google", "aig:competesWith", "kg:IBM", S[8]),
            ("kg:Meta", "aig:collaboratesWith", "kg:IBM", S[1]),
            ("kg:Microsoft", "aig:competesWith", "kg:IBM", S[8]),
            ("kg:OpenAI", "aig:competesWith", "kg:IBM", S[8]),
        ]),
        ({"s": "kg:Microsoft", "o": "kg:IBM"}, [("kg:Microsoft", "aig:competesWith", "kg:IBM", S[8])]),
    ],
    "member-count": [({}, [(A, "45", "3")])],
    "articles": [({}, [(
        "kg:ai-alliance-article",
        "Meta and IBM team up to launch AI Alliance, championing open innovation in AI industry",
        "2023-12-05",
        "https://thenorth.ai/2023/12/05/meta-and-ibm-team-up-to-launch-ai-alliance-championing-open-innovation-in-ai-industry/",
        "94",
    )])],
    "sectors": [({}, [
        (A, "kg:Academia", "academia"),
        (A, "kg:Healthcare", "healthcare"),
        (A, "kg:Silicon", "silicon"),
        (A, "kg:SoftwareAsAService", "software-as-a-service"),
    ])],
    "governance": [({}, [
        (A, "kg:AIAllianceGoverningBoard", "aig:GoverningBoard", "AI Alliance governing board"),
        (A, "kg:AIAllianceTechnicalOversightCommittee", "aig:TechnicalOversightCommittee",
         "AI Alliance technical oversight committee"),
        (A, "kg:AIAllianceWorkingGroups", "aig:WorkingGroup", "AI Alliance working groups (collectively)"),
    ])],
    "values": [({}, [
        (A, "kg:Collaboration", "collaboration"),
        (A, "kg:Diversity", "diversity"),
        (A, "kg:EconomicCompetitiveness", "economic competitiveness"),
        (A, "kg:InformationSharing", "information sharing"),
        (A, "kg:Safety", "safety"),
        (A, "kg:Security", "security"),
    ])],
    "goals": [({}, [
        (A, "kg:ComplementMembersEfforts", "be complementary and additive to its members' efforts"),
        (A, "kg:DevelopOpenAIResources",
         "develop open AI resources that equally and responsibly meet the needs of business and society"),
        (A, "kg:EducatePublicAboutAI", "educate the public about AI issues"),
        (A, "kg:EnableResponsibleAIInnovation", "enable responsible AI innovation"),
        (A, "kg:FosterOpenCommunity", "foster an open community"),
        (A, "kg:InnovateInclusivelyAndRapidly", "innovate more inclusively and rapidly"),
        (A, "kg:MitigateSpecificRisks", "mitigate specific risks"),
    ])],
    "stances": [({}, [
        (A, "aig:advocates", "kg:OpenPlatformForAI", "open platform for AI innovation"),
        (A, "aig:opposes", "kg:ClosedProprietaryAI", "closed, proprietary vision for AI"),
        ("kg:Meta", "aig:advocates", "kg:OpenSourceAI", "open source AI"),
    ])],
    "challenges": [({}, [
        (A, "kg:AbsenceOfMajorAIPlayers", "absence of major AI industry players"),
        (A, "kg:CompetingInterests", "competing interests"),
        (A, "kg:NoClearPathToSuccess", "no clear path to success"),
        (A, "kg:SkepticismAboutFoundersSincerity",
         "skepticism about the sincerity of the founding members, Meta and IBM"),
        (A, "kg:UncertainSuccess", "uncertain success"),
        ("kg:Meta", "kg:PotentialMisuseOfReleasedModels", "potential misuse of released models"),
    ])],
    "products": [({}, [
        ("kg:IBM", "aig:offers", "kg:IBMGenerativeAIPlatform", "IBM generative AI platform"),
        ("kg:Meta", "aig:released", "kg:Llama", "Llama"),
    ])],
    "collaborations": [({}, [("kg:IBM", "kg:Meta"), ("kg:Meta", "kg:IBM")])],
}

# Facts each sentence supports: every sentence supports at least one.
FACTS_PER_SENTENCE = [8, 4, 14, 2, 8, 4, 12, 6, 1, 16, 14, 12]


def shown(result: aigraph.sparql.engine.QueryResult) -> list[tuple[str, ...]]:
    return [tuple(cell(t) for t in row) for row in result]


def test_every_saved_query_is_tested_and_described() -> None:
    saved = saved_queries()
    # The corpus queries are checked over the fictional corpus in test_corpus.py.
    assert set(saved) == set(EXPECTED) | {"evidence", "sentences", "sources", "disagreements"}
    for q in saved.values():
        assert q.description and not q.description.startswith("#"), q.name
        assert q.text.startswith(f"# {q.description}\n")
    assert saved["competitors"].defaults == {"company": "kg:IBM"}
    assert saved["competitors"].text.rstrip().endswith("VALUES ?company { kg:IBM }")


# ------------------------------------------------------------------ standalone SPARQL


@pytest.fixture(scope="module")
def exported_store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """What a user loads into a SPARQL server: `aigraph export --with-ontology`, in a bare store."""
    path = tmp_path_factory.mktemp("export") / "graph.ttl"
    result = CliRunner().invoke(cli, ["export", "--with-ontology", "-o", str(path)])
    assert result.exit_code == 0, result.output
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)  # no prefixes, no union graph: a plain endpoint
    return store


def _rows(result: Any) -> Counter[tuple[Any, ...]]:
    variables = [v.value for v in result.variables]
    return Counter(tuple(solution[v] for v in variables) for solution in result)


STANDALONE = [(name, {}) for name in sorted(saved_queries())] + [
    ("competitors", {"company": "kg:Google"}),
    ("competitors", {"company": "kg:Meta"}),
    ("evidence", {"s": "kg:Google", "o": "kg:Meta"}),
]


@pytest.mark.parametrize(("name", "bind"), STANDALONE, ids=[f"{n}-{'-'.join(b.values())}" for n, b in STANDALONE])
def test_saved_query_runs_unchanged_on_bare_pyoxigraph_over_the_export(
    exported_store: ox.Store, name: str, bind: dict[str, str]
) -> None:
    """`aigraph queries NAME | curl --data-urlencode query@- .../query` gives aigraph's rows."""
    printed = CliRunner().invoke(cli, ["queries", name])
    assert printed.exit_code == 0
    prepared = prepare(name, bind=bind)
    text = printed.output if not bind else prepared.text
    assert "# default:" not in text
    theirs = exported_store.query(text, substitutions=prepared.substitutions or None)
    ours = aigraph.query(name, bind=bind)
    assert [v.value for v in theirs.variables] == list(ours.variables)
    assert _rows(theirs) == Counter(ours.rows)
    # One article disagrees with no other.
    assert len(ours) > 0 or (name, bind) in (("competitors", {"company": "kg:Meta"}), ("disagreements", {}))


def test_bind_rewrites_only_the_values_clause() -> None:
    """A bound default is a new VALUES clause, so the query stays standalone; other variables
    go to the engine as substitutions."""
    text = saved_queries()["competitors"].text
    prepared = prepare("competitors", bind={"company": "kg:Google"})
    assert prepared.text == text.replace("VALUES ?company { kg:IBM }", f"VALUES ?company {{ <{KG}Google> }}")
    assert prepared.substitutions == {}
    evidence = prepare("evidence", bind={"s": "kg:Google"})
    assert evidence.text == saved_queries()["evidence"].text
    assert evidence.substitutions == {ox.Variable("s"): ox.NamedNode(KG + "Google")}


def test_default_export_names_its_ontology() -> None:
    """The data says what it needs: an OWL import of the ontology, which OWL tools follow."""
    data = aigraph.export("turtle")
    assert data is not None
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.TURTLE)
    imports = aigraph.query("SELECT ?graph ?onto WHERE { ?graph a owl:Ontology ; owl:imports ?onto }", store=store)
    assert [(g.value, o.value) for g, o in imports] == [(KG + "ai-alliance-article-graph", ONTOLOGY_IRI)]
    onto = ox.Store()
    onto.load(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE)
    assert aigraph.query(f"ASK {{ <{ONTOLOGY_IRI}> a owl:Ontology }}", store=onto).boolean


CASES = [(name, bind, rows) for name, cases in EXPECTED.items() for bind, rows in cases]


@pytest.mark.parametrize(("name", "bind", "rows"), CASES, ids=[f"{n}-{'-'.join(b.values())}" for n, b, _ in CASES])
def test_saved_query_answer(name: str, bind: dict[str, str], rows: list[tuple[str, ...]]) -> None:
    assert shown(aigraph.query(name, bind=bind)) == rows


def test_sentences_answer() -> None:
    rows = shown(aigraph.query("sentences"))
    assert [r[0] for r in rows] == [str(i) for i in range(1, 13)]
    assert [int(r[2]) for r in rows] == FACTS_PER_SENTENCE
    assert rows[0][1] == S[1] and rows[11][1] == S[12]


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_every_evidence_sentence_holds_its_fact_quote() -> None:
    rows = list(aigraph.query("evidence"))
    symmetric = aigraph.query(
        "SELECT ?f ?e WHERE { ?f rdf:predicate ?p ; aig:evidence ?e . ?p a owl:SymmetricProperty }"
    )
    assert len(symmetric) > 0
    assert len(rows) == sum(FACTS_PER_SENTENCE) + len(symmetric)  # symmetric facts once each way
    quotes = aigraph.query(
        "SELECT ?s ?p ?o ?q WHERE { ?f a aig:Fact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; aig:quote ?q }"
    )
    by_fact: dict[tuple[Any, ...], list[str]] = {}
    for s, p, o, q in quotes:
        by_fact.setdefault((s, p, o), []).append(_norm(q.value))
    for s, p, o, sentence in rows:
        quoted = by_fact.get((s, p, o)) or by_fact[(o, p, s)]
        assert any(q in _norm(sentence.value) for q in quoted), (s, p, o)


# ------------------------------------------------------------------ rdflib agrees


@pytest.fixture(scope="module")
def rdflib_graph() -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(GOLDEN_TTL, format="turtle")
    g.parse(ONTOLOGY, format="turtle")
    return g


def _key_ox(term: Any) -> tuple[str, ...] | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.language or "", "" if term.language else term.datatype.value)
    raise AssertionError(f"unexpected term {term!r}")


def _key_rdflib(term: Any) -> tuple[str, ...] | None:
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ("iri", str(term))
    if isinstance(term, rdflib.Literal):
        datatype = str(term.datatype or PREFIXES["xsd"] + "string")
        return ("literal", str(term), term.language or "", "" if term.language else datatype)
    raise AssertionError(f"unexpected term {term!r}")


def _to_rdflib(term: Any) -> Any:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


EQUIVALENCE = [(name, {}) for name in sorted(saved_queries())] + [
    ("competitors", {"company": "kg:Google"}),
    ("evidence", {"s": "kg:Google", "o": "kg:Meta"}),
    ("evidence", {"o": "kg:AIAlliance"}),
]


@pytest.mark.parametrize(("name", "bind"), EQUIVALENCE, ids=[f"{n}-{'-'.join(b.values())}" for n, b in EQUIVALENCE])
def test_rdflib_gives_the_same_answer(rdflib_graph: rdflib.Graph, name: str, bind: dict[str, str]) -> None:
    ours = aigraph.query(name, bind=bind)
    prepared = prepare(name, bind=bind)  # the text with its VALUES, and the other bindings
    init = {var.value: _to_rdflib(term) for var, term in prepared.substitutions.items()}
    theirs = rdflib_graph.query(prepared.text, initBindings=init)  # no initNs: the query declares its prefixes
    assert [str(v) for v in theirs.vars or []] == list(ours.variables)
    ours_rows = Counter(tuple(_key_ox(t) for t in row) for row in ours)
    theirs_rows = Counter(tuple(_key_rdflib(t) for t in row) for row in theirs)
    assert ours_rows == theirs_rows
    assert len(ours) > 0 or name == "disagreements"  # one article disagrees with no other


# ------------------------------------------------------------------ the CLI


def test_queries_lists_names_and_descriptions() -> None:
    result = CliRunner().invoke(cli, ["queries"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == sorted(saved_queries())
    members = next(line for line in lines if line.startswith("members "))
    assert re.fullmatch(r"members\s+Members of each alliance .*", members)


def test_queries_shows_one_query() -> None:
    result = CliRunner().invoke(cli, ["queries", "competitors"])
    assert result.exit_code == 0
    assert result.output == saved_queries()["competitors"].text
    result = CliRunner().invoke(cli, ["queries", "nope"])
    assert result.exit_code == 1 and "unknown saved query 'nope'" in result.stderr


def test_saved_query_from_the_cli_with_bind() -> None:
    result = CliRunner().invoke(cli, ["query", "evidence", "--bind", "s=kg:Google", "--bind", "o=kg:Meta",
                                      "--format", "table"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[2].startswith("kg:Google  aig:criticizes  kg:Meta  Meta’s open source AI")
    assert result.stderr == "1 row.\n"


# ------------------------------------------------------------------ lexed ahead of time


def test_prelexed_table_is_current() -> None:
    """src/aigraph/sparql/prelexed.py is what tools/regenerate.py writes from the .rq files now."""
    from pathlib import Path

    from aigraph.sparql import engine, prelexed

    assert engine.render_prelexed() == Path(prelexed.__file__).read_text(encoding="utf-8"), (
        "run: python tools/regenerate.py"
    )


def test_prelexed_queries_read_as_the_lexer_reads_them() -> None:
    from aigraph.sparql import engine
    from aigraph.sparql.guard import QueryInfo, inspect_query

    for name, query in saved_queries().items():
        known = engine._prelexed(query.text)
        assert known is not None, name
        assert QueryInfo.from_state(known[1]) == inspect_query(query.text), name
        assert dict(known[0]) == engine._defaults(query.text) == query.defaults, name
    assert engine._prelexed(saved_queries()["members"].text + " ") is None  # any other text is lexed


def test_a_saved_query_compiles_no_lexer_but_other_text_does() -> None:
    from aigraph.sparql import guard

    guard._tokens.cache_clear()
    guard._word_patterns.cache_clear()
    prepared = prepare("members")
    assert prepared.info.form == "select" and "member" in prepared.info.variables
    assert guard._tokens.cache_info().currsize == 0 and guard._word_patterns.cache_info().currsize == 0
    prepare("SELECT ?s WHERE { ?s ?p ?o }")
    assert guard._tokens.cache_info().currsize == 1
    # a binding rewrites the VALUES clause: the lexer reads the text then
    bound = prepare("competitors", bind={"company": "kg:Google"})
    # (the query's own comment names kg:Google: the VALUES clause is what shows the binding)
    assert bound.text.rstrip().endswith("VALUES ?company { <https://w3id.org/aigraph/id/Google> }")
