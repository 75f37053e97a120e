"""Ontology extensions: a user's own relation, checked like aigraph's (fictional test article)."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from aigraph.cli import cli
from aigraph.errors import AigraphError
from aigraph.graph.build import build_graph
from aigraph.namespaces import AIG, KG

from .conftest import ROOT

ARTICLES = ROOT / "tests" / "articles"
EX = "https://example.org/deals#"


@pytest.fixture
def deal(tmp_path: Path) -> Path:
    """The fictional Zanthor article, its facts and deals.ttl, copied to a folder of their own."""
    for name in ("zanthor-deal.txt", "zanthor-deal.facts.toml", "deals.ttl"):
        shutil.copy(ARTICLES / name, tmp_path / name)
    return tmp_path / "zanthor-deal.facts.toml"


def _edit(path: Path, old: str, new: str, name: str | None = None) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    target = path.with_name(name) if name else path
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def _line(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


def test_build_with_an_extension_named_in_the_facts_file(runner: CliRunner, deal: Path) -> None:
    out = deal.parent / "out.ttl"
    result = runner.invoke(cli, ["build", "--facts", str(deal), "-o", str(out)])
    assert result.exit_code == 0, result.output
    triples = set(ox.parse(path=out, format=ox.RdfFormat.TURTLE))
    acquired = ox.Triple(ox.NamedNode(KG + "Zanthor"), ox.NamedNode(EX + "acquired"), ox.NamedNode(KG + "Quillfeather"))
    assert ox.Quad(acquired.subject, acquired.predicate, acquired.object) in triples
    fact = ox.NamedNode(KG + "zanthor-deal-fact-zanthor-acquired-quillfeather")
    assert ox.Quad(fact, ox.NamedNode(AIG + "evidence"), ox.NamedNode(KG + "zanthor-deal-s03")) in triples
    assert "@prefix ex: <https://example.org/deals#> ." in out.read_text(encoding="utf-8")
    assert "ex:acquired kg:Quillfeather" in out.read_text(encoding="utf-8")


def test_ontology_option_and_full_iris(runner: CliRunner, deal: Path) -> None:
    # Not named in the facts file: --ontology brings it; the term may be a full IRI too.
    plain = _edit(deal, 'ontology = ["deals.ttl"]\n', "")
    _edit(plain, 'predicate = "ex:acquired"', f'predicate = "<{EX}acquired>"')
    refused = runner.invoke(cli, ["build", "--facts", str(plain), "-o", str(deal.parent / "x.ttl")])
    assert refused.exit_code == 1
    assert "unknown prefix" not in refused.stderr and "is not a property of the ontology" in refused.stderr
    assert "no ontology extension declares it" in refused.stderr
    triples = build_graph(plain, ontology=[deal.parent / "deals.ttl"])
    assert any(t.predicate.value == EX + "acquired" for t in triples)


def _error(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_undeclared_terms_name_the_line_and_the_closest(runner: CliRunner, deal: Path) -> None:
    out = str(deal.parent / "out.ttl")
    bad = _edit(deal, 'predicate = "ex:acquired"', 'predicate = "ex:aquired"', "a.facts.toml")
    err = _error(runner, "build", "--facts", str(bad), "-o", out)
    assert err.startswith(f"aigraph: error: {bad}:{_line(bad, 'ex:aquired')}: fact 'zanthor-acquired-quillfeather':")
    assert "predicate 'ex:aquired' is not a property of the ontology or its extensions" in err
    assert "did you mean 'ex:acquired'? (known: ex:acquired, " in err
    bad = _edit(deal, 'class = "IndustryAlliance"', 'class = "ex:Forum"', "b.facts.toml")
    err = _error(runner, "build", "--facts", str(bad), "-o", out)
    assert f"{bad}:{_line(bad, 'ex:Forum')}: entity 'OpenDroneForum': class 'ex:Forum' is not in the ontology" in err
    bad = _edit(deal, 'predicate = "memberOf"', 'predicate = "memberof"', "c.facts.toml")
    err = _error(runner, "build", "--facts", str(bad), "-o", out)
    assert "predicate 'memberof' is not a property of the ontology; did you mean 'memberOf'? (known: memberOf," in err
    bad = _edit(deal, 'predicate = "ex:acquired"', 'predicate = "deal:acquired"', "d.facts.toml")
    err = _error(runner, "build", "--facts", str(bad), "-o", out)
    assert f"{bad}:{_line(bad, 'deal:acquired')}:" in err and "unknown prefix deal:" in err
    assert not Path(out).exists()


def test_domain_and_range_of_an_extension_hold(runner: CliRunner, deal: Path) -> None:
    # The forum becomes a topic: ex:acquired's range (aig:Organization) no longer holds.
    bad = _edit(deal, 'object = "Quillfeather"', 'object = "Topic1"', "e.facts.toml")
    bad.write_text(
        bad.read_text(encoding="utf-8")
        + '\n[[entity]]\nid = "Topic1"\nlabel = "logistics"\nclass = "Topic"\nevidence = "in logistics"\n',
        encoding="utf-8",
    )
    err = _error(runner, "build", "--facts", str(bad), "-o", str(deal.parent / "out.ttl"))
    fact_line = _line(bad, '"zanthor-acquired-quillfeather"') - 1  # the [[fact]] line above its id
    assert f"{bad}:{fact_line}: SHACL validation failed" in err
    assert "kg:Zanthor ex:acquired kg:Topic1: the object is not in the range aig:Organization" in err


def _extension(folder: Path, text: str) -> Path:
    path = folder / "ext.ttl"
    prefixes = (
        "@prefix ex: <https://example.org/deals#> .\n@prefix aig: <https://w3id.org/aigraph/ontology#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    )
    path.write_text(prefixes + text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('aig:memberOf rdfs:label "is in" .\n', 5, "redefines aig:memberOf: the aig: namespace belongs to aigraph"),
        ("aig:acquired a owl:ObjectProperty .\n", 5, "declares aig:acquired: the aig: namespace belongs to aigraph"),
        (
            "ex:acquired a owl:ObjectProperty ;\n  rdfs:domain aig:Organisation .\n",
            6,
            "aig:Organisation is not a term of the aigraph ontology; did you mean 'Organization'?",
        ),
        (
            "ex:acquired a owl:ObjectProperty ;\n  rdfs:range ex:Compny .\nex:Company a owl:Class .\n",
            6,
            "ex:Compny is used but not declared (here or in another extension)",
        ),
        ('ex:acquired a owl:ObjectProperty ;\n  rdfs:label "acquired\n', 6, "not valid Turtle"),
        ("ex:acquired a owl:ObjectProperty ;\n  skos:prefLabel \"x\" .\n", 6, "The prefix skos: has not been declared"),
    ],
    ids=["redefines-aig", "declares-aig", "unknown-aig", "undeclared-own", "unclosed-string", "unknown-prefix"],
)
def test_bad_extensions_name_their_file_and_line(
    runner: CliRunner, deal: Path, text: str, line: int, fragment: str
) -> None:
    ext = _extension(deal.parent, text)
    out = deal.parent / "out.ttl"
    for args in (
        ["build", "--facts", str(deal), "--ontology", str(ext), "-o", str(out)],
        ["validate", str(ROOT / "graphs" / "ai-alliance.ttl"), "--ontology", str(ext)],
        ["query", "ASK {}", "--ontology", str(ext)],
        ["view", "--ontology", str(ext), "-o", str(deal.parent / "v.html")],
        ["export", "--ontology", str(ext), "-o", str(deal.parent / "x.graphml")],
    ):
        err = _error(runner, *args)
        assert err.startswith(f"aigraph: error: {ext}:{line}: "), (args[0], err)
        assert fragment in err, (args[0], err)
    assert sorted(p.name for p in deal.parent.iterdir()) == sorted(
        ["deals.ttl", "ext.ttl", "zanthor-deal.facts.toml", "zanthor-deal.txt"]
    )


def test_missing_extension_names_the_facts_line(runner: CliRunner, deal: Path) -> None:
    bad = _edit(deal, 'ontology = ["deals.ttl"]', 'ontology = ["deal.ttl"]', "f.facts.toml")
    err = _error(runner, "build", "--facts", str(bad), "-o", str(deal.parent / "out.ttl"))
    assert err == (
        f"aigraph: error: {bad}:{_line(bad, 'ontology =')}: the ontology extension {deal.parent / 'deal.ttl'}"
        " does not exist"
    )


def test_extension_prefixes_disagreeing(deal: Path) -> None:
    other = _extension(deal.parent, "ex:sold a owl:ObjectProperty .\n")
    other.write_text(other.read_text().replace("https://example.org/deals#", "https://example.org/other#"))
    with pytest.raises(AigraphError, match="prefix ex: is <https://example.org/other#> here but"):
        build_graph(deal, ontology=[other])


def test_query_validate_view_export_read_the_extension(runner: CliRunner, deal: Path) -> None:
    folder = deal.parent
    graph, ext = folder / "deal.ttl", folder / "deals.ttl"
    assert runner.invoke(cli, ["build", "--facts", str(deal), "-o", str(graph)]).exit_code == 0
    # query: the extension's prefix is declared, its terms are in the store.
    result = runner.invoke(
        cli,
        ["query", "SELECT ?b ?l WHERE { ?a ex:acquired ?b . ex:acquired rdfs:label ?l }", "--data", str(graph),
         "--ontology", str(ext), "--format", "csv"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["b,l", f"{KG}Quillfeather,acquired"]
    no_prefix = runner.invoke(cli, ["query", "ASK { ?a ex:acquired ?b }", "--data", str(graph)])
    assert no_prefix.exit_code == 1 and "unknown prefix ex:" in no_prefix.stderr
    # validate: the extension's range is checked when it is given.
    broken = folder / "broken.ttl"
    broken.write_text(
        graph.read_text(encoding="utf-8").replace("a aig:Company ;\n\trdfs:label \"Quillfeather Labs\"",
                                                  "a aig:Topic ;\n\trdfs:label \"Quillfeather Labs\""),
        encoding="utf-8",
    )  # fmt: skip
    checked = runner.invoke(cli, ["validate", str(broken), "--ontology", str(ext)])
    assert checked.exit_code == 1
    assert "kg:Zanthor ex:acquired" in checked.stdout or f"{EX}acquired" in checked.stdout
    assert "is not in the range aig:Organization" in checked.stdout
    assert runner.invoke(cli, ["validate", str(graph), "--ontology", str(ext)]).exit_code == 0
    # view: the legend names the relation by its label, with a style of its own.
    page = folder / "deal.html"
    result = runner.invoke(cli, ["view", "--data", str(graph), "--ontology", str(ext), "-o", str(page)])
    assert result.exit_code == 0, result.output
    data = json.loads(re.search(r'<script type="application/json" id="aigraph-data">(.*?)</script>',
                                page.read_text(encoding="utf-8"), re.S).group(1))  # type: ignore[union-attr]
    relations = {r["iri"]: r for r in data["relations"]}
    mine = relations[EX + "acquired"]
    assert mine["label"] == "acquired" and mine["comment"] == "The subject bought the object company."
    # A colour of its own, not a near twin of memberOf's blue (the palette's first colour is one).
    rgb = [int(mine["color"][k : k + 2], 16) for k in (1, 3, 5)]
    for iri, other in relations.items():
        if iri != EX + "acquired":
            assert math.dist(rgb, [int(other["color"][k : k + 2], 16) for k in (1, 3, 5)]) > 60, iri
    # export: GraphML edges carry the extension's label.
    gml = folder / "deal.graphml"
    result = runner.invoke(cli, ["export", "--data", str(graph), "--ontology", str(ext), "-o", str(gml)])
    assert result.exit_code == 0, result.output
    assert ">acquired<" in gml.read_text(encoding="utf-8")
    both = runner.invoke(cli, ["export", "--data", str(graph), "--ontology", str(ext), "--with-ontology",
                               "--format", "ntriples"])  # fmt: skip
    assert f"<{EX}acquired> <http://www.w3.org/2000/01/rdf-schema#label> \"acquired\" ." in both.stdout


def test_namespace_mints_the_articles_iris(deal: Path) -> None:
    ns = "https://example.org/kg/"
    mine = _edit(deal, 'language = "en"', f'language = "en"\nnamespace = "{ns}"', "m.facts.toml")
    triples = build_graph(mine)
    subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    minted = {"Zanthor", "zanthor-deal", "zanthor-deal-s01", "zanthor-deal-fact-zanthor-member-of-forum"}
    assert {ns + name for name in minted} <= subjects
    assert not any(s.startswith(KG) for s in subjects)
    bad = _edit(deal, 'language = "en"', 'language = "en"\nnamespace = "https://example.org/kg"', "n.facts.toml")
    with pytest.raises(AigraphError, match="'namespace' must be an absolute http"):
        build_graph(bad)
