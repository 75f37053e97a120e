"""aigraph validate and the SHACL shapes: the built graph conforms; mistakes are caught."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from aigraph.cli import cli

from .conftest import GOLDEN_TTL, ROOT, SHAPES

KG = "https://w3id.org/aigraph/id/"
PREFIX_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PREFIX_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
AIG = "https://w3id.org/aigraph/ontology#"
PREFIXES = """@prefix aig: <https://w3id.org/aigraph/ontology#> .
@prefix kg: <https://w3id.org/aigraph/id/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def test_built_graph_conforms(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Conforms: 817 triples")


def test_validate_named_files(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", str(GOLDEN_TTL)])
    assert result.exit_code == 0
    assert "Conforms" in result.stdout


def _without_blocks(text: str, subject: str) -> str:
    """The Turtle text without the blocks of subjects starting with ``subject`` (one per paragraph)."""
    blocks = text.split("\n\n")
    kept = [b for b in blocks if not b.startswith(subject)]
    assert len(kept) < len(blocks), subject
    return "\n\n".join(kept)


def _with(tmp_path: Path, extra: str, drop: str | None = None, remove: str | None = None) -> Path:
    text = GOLDEN_TTL.read_text(encoding="utf-8")
    if drop:
        assert drop in text
        text = text.replace(drop, drop.split(" ;")[0] + " .")
    if remove:
        text = _without_blocks(text, remove)
    path = tmp_path / "bad.ttl"
    path.write_text(text + "\n" + extra, encoding="utf-8")
    return path


# A fact with evidence for a triple, in the built graph's shape.
def _fact(name: str, s: str, p: str, o: str, quote: str, sentence: int = 7) -> str:
    return (
        f"kg:ai-alliance-article-fact-{name} a aig:Fact ; rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ;"
        f' aig:quote "{quote}" ; aig:evidence kg:ai-alliance-article-s{sentence:02d} .\n'
    )


# name -> (Turtle to add, text to cut after its first " ;", subject whose block to remove, expected lines)
CASES: dict[str, tuple[str, str | None, str | None, list[str]]] = {
    "wrong domain": (
        "kg:Llama aig:memberOf kg:AIAlliance .",
        None,
        None,
        ["kg:Llama aig:memberOf kg:AIAlliance: the subject is not in the domain aig:Organization"],
    ),
    "wrong range": (
        "kg:Meta aig:focusArea kg:Google .",
        None,
        None,
        ["kg:Meta aig:focusArea kg:Google: the object is not in the range aig:FocusArea"],
    ),
    "fact without evidence": (
        "kg:Meta aig:competesWith kg:Google .",
        None,
        None,
        ["kg:Meta aig:competesWith kg:Google: no aig:Fact with evidence states this triple"],
    ),
    "class assertion without its fact": (
        "",
        None,
        "kg:ai-alliance-article-fact-type-Llama ",
        ["kg:Llama rdf:type aig:AIModel: no aig:Fact with evidence states this triple"],
    ),
    "a new class assertion without a fact": (
        'kg:Stranger a aig:Company ; rdfs:label "Stranger" .',
        None,
        None,
        ["kg:Stranger rdf:type aig:Company: no aig:Fact with evidence states this triple"],
    ),
    "a non-aig: relation without a fact": (
        "kg:Meta org:memberOf kg:AIAlliance .",
        None,
        None,
        ["kg:Meta org:memberOf kg:AIAlliance: no aig:Fact with evidence states this triple"],
    ),
    "a triple hidden in a fact record": (
        "kg:ai-alliance-article-fact-meta-released-llama org:memberOf kg:IBM .",
        None,
        None,
        ["kg:ai-alliance-article-"
            "fact-meta-released-llama org:memberOf = kg:IBM: A fact has only rdf:subject, rdf:predicate"],
    ),
    "a triple hidden in a sentence record": (
        "kg:ai-alliance-article-s01 org:memberOf kg:IBM .",
        None,
        None,
        ["kg:ai-alliance-article-s01 org:memberOf = kg:IBM: A sentence has only prov:value"],
    ),
    "entity without label": (
        "",
        'kg:Llama a aig:AIModel ;\n\trdfs:label "Llama" .',
        None,
        ["kg:Llama has no rdfs:label: every entity needs a label and a class"],
    ),
    "entity without class": (
        'kg:Mystery rdfs:label "Mystery" .\n'
        + _fact("x", "kg:Mystery", "aig:criticizes", "kg:Meta", "faced criticism from companies like Google"),
        None,
        None,
        ["kg:Mystery has no rdf:type: every entity needs a label and a class"],
    ),
    "an entity named only as an object, without label": (
        "kg:Meta aig:released kg:M . kg:M a aig:AIModel .\n"
        + _fact("m1", "kg:Meta", "aig:released", "kg:M", "releasing models like Llama")
        + _fact("m2", "kg:M", "rdf:type", "aig:AIModel", "releasing models like Llama"),
        None,
        None,
        ["kg:M has no rdfs:label: every entity needs a label and a class"],
    ),
    "a term the ontology lacks": (
        "kg:Meta aig:notATerm kg:IBM .\n" + _fact("n", "kg:Meta", "aig:notATerm", "kg:IBM", "Meta and IBM", 12),
        None,
        None,
        ["aig:notATerm is not a term of the aigraph ontology"],
    ),
    "a quote that is not in its sentence": (
        'kg:ai-alliance-article-fact-meta-released-llama aig:quote "Meta released Llama 2" .',
        None,
        None,
        ["kg:ai-alliance-article-"
            "fact-meta-released-llama: a quote is not in its evidence sentence(s): Meta released Llama 2"],
    ),
    "fact without sentence": (
        "kg:ai-alliance-article-"
            "fact-y a aig:Fact ; rdf:subject kg:Meta ; rdf:predicate aig:criticizes ; rdf:object kg:IBM ;"
        ' aig:quote "q" .',
        None,
        None,
        ["kg:ai-alliance-article-fact-y aig:evidence: A fact has no evidence sentence"],
    ),
    # An entity whose IRI is a record's merges into it (the builder refuses such ids;
    # hand-made data is caught here): the closed shapes ignore rdf:type and rdfs:label.
    "an entity merged into a sentence record": (
        'kg:ai-alliance-article-s01 a aig:Organization ; rdfs:label "Sentence One Inc." .\n'
        + _fact("type-ai-alliance-article-s01", "kg:ai-alliance-article-s01", "rdf:type", "aig:Organization",
                "Meta is collaborating", 1),
        None,
        None,
        [
            "kg:ai-alliance-article-s01 is a provenance record (aig:Sentence) and also of class aig:Organization",
            "kg:ai-alliance-article-s01 rdfs:label: A sentence has one label",
        ],
    ),
    "an entity merged into the article record": (
        'kg:ai-alliance-article a aig:Company ; rdfs:label "Article Corp" .',
        None,
        None,
        [
            "kg:ai-alliance-article is a provenance record (aig:Article) and also of class aig:Company",
            "kg:ai-alliance-article rdfs:label: An article has one label",
        ],
    ),
    "a fact record that is also a sentence": (
        "kg:ai-alliance-article-fact-meta-released-llama a aig:Sentence .",
        None,
        None,
        ["kg:ai-alliance-article-"
            "fact-meta-released-llama is a provenance record (aig:Fact) and also of class aig:Sentence"],
    ),
    "blank nodes": (
        "[] aig:memberOf kg:AIAlliance . kg:Meta aig:criticizes [ a aig:Company ] .",
        None,
        None,
        [
            "_:b1 aig:memberOf kg:AIAlliance: no aig:Fact with evidence states this triple",
            "kg:Meta aig:criticizes _:b2: no aig:Fact with evidence states this triple",
            "_:b2 has no rdfs:label",
        ],
    ),
}


@pytest.fixture(scope="module")
def report_of_all_cases(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str]:
    """One validation of the built graph with every case's mistake in it (each names its own nodes)."""
    text = GOLDEN_TTL.read_text(encoding="utf-8")
    for extra, drop, remove, _ in CASES.values():
        if drop:
            assert drop in text
            text = text.replace(drop, drop.split(" ;")[0] + " .")
        if remove:
            text = _without_blocks(text, remove)
        text += "\n" + extra
    path = tmp_path_factory.mktemp("validate") / "bad.ttl"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    return result.exit_code, result.stdout


@pytest.mark.parametrize("case", list(CASES))
def test_shapes_catch(case: str, report_of_all_cases: tuple[int, str]) -> None:
    code, report = report_of_all_cases
    assert code == 1 and report.startswith("Does not conform"), report
    for line in CASES[case][3]:
        assert f"  Violation: {line}" in report, report
    # Readable: prefixed names, no raw blank-node ids.
    assert not re.search(r"[0-9a-f]{16,}", report), report


def test_one_mistake_one_exit_code(runner: CliRunner, tmp_path: Path) -> None:
    extra, drop, remove, expected = CASES["class assertion without its fact"]
    result = runner.invoke(cli, ["validate", str(_with(tmp_path, extra, drop, remove))])
    assert result.exit_code == 1
    assert result.stdout == f"Does not conform: 1 result(s).\n  Violation: {expected[0]}.\n"


def test_every_class_assertion_needs_its_fact(runner: CliRunner, tmp_path: Path) -> None:
    text = _without_blocks(GOLDEN_TTL.read_text(encoding="utf-8"), "kg:ai-alliance-article-fact-type-")
    path = tmp_path / "no-type-facts.ttl"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    golden = GOLDEN_TTL.read_text(encoding="utf-8")
    entities = len(re.findall(r"^kg:ai-alliance-article-fact-type-", golden, re.MULTILINE))
    assert f"Does not conform: {entities} result(s)." in result.stdout
    assert "kg:Google rdf:type aig:Company: no aig:Fact with evidence states this triple." in result.stdout


def test_a_bare_class_assertion_fails(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bare.ttl"
    path.write_text(PREFIXES + 'kg:A a aig:Company ; rdfs:label "A" .\n', encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stdout == (
        "Does not conform: 1 result(s).\n"
        "  Violation: kg:A rdf:type aig:Company: no aig:Fact with evidence states this triple.\n"
    )


@pytest.mark.parametrize(
    "quote",
    [
        "releasing   models\\n like Llama ",  # whitespace differs
        "despite potential misuse. The Alliance’s co-founder",  # runs into the next evidence sentence
    ],
)
def test_quotes_compare_whitespace_aside_and_may_cross_one_boundary(
    quote: str, runner: CliRunner, tmp_path: Path
) -> None:
    extra = (
        f'kg:ai-alliance-article-fact-meta-released-llama aig:quote "{quote}" ;'
        " aig:evidence kg:ai-alliance-article-s08 ."
    )
    result = runner.invoke(cli, ["validate", str(_with(tmp_path, extra))])
    assert result.exit_code == 0, result.stdout


def test_a_quote_across_sentences_that_are_not_its_evidence_fails(runner: CliRunner, tmp_path: Path) -> None:
    extra = (
        "kg:ai-alliance-article-fact-meta-released-llama"
        ' aig:quote "despite potential misuse. The Alliance’s co-founder" .'
    )
    result = runner.invoke(cli, ["validate", str(_with(tmp_path, extra))])
    assert result.exit_code == 1
    expected = "kg:ai-alliance-article-fact-meta-released-llama: a quote is not in its evidence sentence(s)"
    assert expected in result.stdout


def test_validate_refuses_unparsable_file(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://e/> .\nex:a ex:b .\n")
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"aigraph: error: {bad}:2: not valid Turtle")


# ------------------------------------------------------------------ pyshacl alone vs pyshacl + Oxigraph


def _pyshacl_everything(data: list) -> list:  # type: ignore[type-arg]
    """The report pyshacl alone gives, every shape (SPARQL constraints too) on rdflib."""
    import rdflib

    from aigraph.graph import validate as v
    from aigraph.store.dataset import ontology_quads

    shapes = rdflib.Graph().parse(SHAPES, format="turtle")
    return v.finish(v.run_pyshacl(data, ontology_quads(), shapes), data)


def test_sparql_constraints_run_on_oxigraph_not_pyshacl() -> None:
    from aigraph.graph.validate import _shapes

    shapes = _shapes()
    assert len(shapes.constraints) == 7  # RecordShape's and AssertionShape's six
    sh = "http://www.w3.org/ns/shacl#"
    assert not list(shapes.core.triples((None, __import__("rdflib").URIRef(sh + "sparql"), None)))


XSD_INT = '\nkg:AIAlliance aig:approximateMemberCount "50"^^<http://www.w3.org/2001/XMLSchema#int> .'


@pytest.mark.parametrize("extra", ["", XSD_INT])
def test_same_violations_as_pyshacl_alone(extra: str, tmp_path: Path) -> None:
    """Every case's mistake at once (all seven SPARQL constraints and the Core shapes
    fire), and a literal Oxigraph would store as xsd:integer (the range rule must see xsd:int)."""
    from aigraph.graph.validate import validate_graph
    from aigraph.rdfio import read_rdf

    text = GOLDEN_TTL.read_text(encoding="utf-8")
    for add, drop, remove, _ in CASES.values():
        if drop:
            text = text.replace(drop, drop.split(" ;")[0] + " .")
        if remove:
            text = _without_blocks(text, remove)
        text += "\n" + add
    path = tmp_path / "bad.ttl"
    path.write_text(text + extra, encoding="utf-8")
    data = read_rdf(path)
    new = validate_graph(data).results
    assert new == _pyshacl_everything(data)
    assert len(new) >= 20
    if extra:
        assert any("the object is not in the range xsd:integer" in r.message for r in new)


def test_same_as_pyshacl_alone_on_the_built_graph(built_triples: list) -> None:  # type: ignore[type-arg]
    from aigraph.graph.validate import validate_graph

    assert validate_graph(built_triples).results == _pyshacl_everything(built_triples) == []


def test_the_ontology_is_an_input(built_triples: list) -> None:  # type: ignore[type-arg]
    """validate_graph checks against the ontology extension quads it is given, read with
    aigraph's own (their ranges are checked, on Oxigraph, like aigraph's)."""
    import pyoxigraph as ox

    from aigraph.graph.validate import validate_graph

    ex, rdf, rdfs, owl = "http://example.org/ext#", PREFIX_RDF, PREFIX_RDFS, "http://www.w3.org/2002/07/owl#"
    partner = ox.NamedNode(ex + "partnerOf")
    extension = [
        ox.Quad(partner, ox.NamedNode(rdf + "type"), ox.NamedNode(owl + "ObjectProperty")),
        ox.Quad(partner, ox.NamedNode(rdfs + "range"), ox.NamedNode(AIG + "Company")),
    ]
    data = [*built_triples, ox.Triple(ox.NamedNode(KG + "Meta"), partner, ox.NamedNode(KG + "AIAlliance"))]
    wrong_range = "kg:Meta http://example.org/ext#partnerOf kg:AIAlliance: the object is not in the range aig:Company"
    assert not any(wrong_range in r.message for r in validate_graph(data).results)
    assert any(wrong_range in r.message for r in validate_graph(data, ontology=extension).results)


def test_validate_graphs_gives_each_article_its_own_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """The corpus checks its articles together (one pyshacl run, one store): each report is
    the one validate_graph gives the article alone, and a clean batch checks none alone."""
    import pyoxigraph as ox

    from aigraph.facts.reader import read_facts
    from aigraph.graph import validate
    from aigraph.graph.build import _build

    corpus = ROOT / "tests" / "articles" / "corpus"
    pairs = [
        (triples, ext.quads)
        for triples, ext in (_build(read_facts(p), False, (), False) for p in sorted(corpus.glob("*.facts.toml")))
    ]
    alone: list[object] = []
    real = validate.validate_graph

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        alone.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(validate, "validate_graph", counting)
    reports = list(validate.validate_graphs(pairs))
    assert alone == [] and [r.conforms for r in reports] == [True, True]
    assert [r.triples for r in reports] == [len(t) for t, _ in pairs]
    # The second article loses a fact's quote, and its sentence gets a second label: that
    # article alone is checked again, and its report is validate_graph's.
    triples, ext = pairs[1]
    quote = next(t for t in triples if t.predicate.value == AIG + "quote")
    sentence = next(t.subject for t in triples if t.predicate.value == AIG + "sentenceIndex")
    label = ox.NamedNode(PREFIX_RDFS + "label")
    bad = [t for t in triples if t != quote] + [ox.Triple(sentence, label, ox.Literal("another"))]
    pairs = [pairs[0], (bad, ext), pairs[0]]
    alone.clear()
    reports = list(validate.validate_graphs(pairs))
    assert len(alone) == 1
    assert reports == [real(t, ontology=e) for t, e in pairs]
    assert [r.conforms for r in reports] == [True, False, True]
    assert {r.message for r in reports[1].results} >= {
        "A fact has no quote from the article.",
        "A sentence has one label; a second one is an entity's merged into it.",
    }
