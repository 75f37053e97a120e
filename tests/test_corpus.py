"""A corpus: several (fictional) articles that share entities and disagree on a value."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import aigraph
from aigraph.cli import cli
from aigraph.errors import AigraphError
from aigraph.graph.build import build_graph
from aigraph.namespaces import AIG, KG, PREFIXES, RDF
from aigraph.sparql.results import cell

from .conftest import ROOT

CORPUS = ROOT / "tests" / "articles" / "corpus"
LAUNCH = CORPUS / "rotor-launch.facts.toml"
MEMBERS = CORPUS / "rotor-members.facts.toml"
_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def _objects(store: ox.Store, s: str, p: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None)}


def test_articles_built_apart_load_together_without_mixing() -> None:
    # Both articles have a fact "count" (30 members in one, 35 in the other):
    # each keeps its own record, value and sentence.
    store = ox.Store()
    for facts in (LAUNCH, MEMBERS):
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in build_graph(facts))
    for article, value in (("rotor-launch", "30"), ("rotor-members", "35")):
        fact = KG + f"{article}-fact-count"
        assert _objects(store, fact, RDF + "object") == {value}
        evidence = _objects(store, fact, AIG + "evidence")
        assert evidence and all(e.startswith(KG + article + "-s") for e in evidence), evidence
    assert _objects(store, KG + "OpenRotor", AIG + "approximateMemberCount") == {"30", "35"}


def _dataset(tmp_path: Path, name: str = "corpus.trig") -> tuple[Path, ox.Store]:
    from aigraph.graph.corpus import build_corpus

    out = tmp_path / name
    build_corpus([LAUNCH, MEMBERS], out)
    store = ox.Store()
    store.load(path=out, format=ox.RdfFormat.TRIG if name.endswith(".trig") else ox.RdfFormat.N_QUADS)
    return out, store


def test_corpus_named_graph_per_article_evidence_from_its_own_article(tmp_path: Path) -> None:
    _, store = _dataset(tmp_path)
    rows = store.query(
        _PREFIXES + "SELECT ?g ?fact ?o ?sentence WHERE { GRAPH ?g {"
        " ?fact a aig:Fact ; rdf:object ?o ; aig:evidence ?sentence . ?sentence prov:wasQuotedFrom ?g } }"
    )
    per_graph: dict[str, set[str]] = {}
    for r in rows:  # type: ignore[union-attr]
        per_graph.setdefault(r["g"].value, set()).add(r["fact"].value)
    assert set(per_graph) == {KG + "rotor-launch", KG + "rotor-members"}
    facts_all = {
        q.subject.value
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(AIG + "Fact"), None)
    }
    # Every fact is in its article's graph and cites only sentences of that article.
    assert set().union(*per_graph.values()) == facts_all and len(facts_all) == 10
    # One asserted triple stated by both articles: once, with one record per article.
    founder = ox.Quad(
        ox.NamedNode(KG + "Pellwick"),
        ox.NamedNode(AIG + "foundingMemberOf"),
        ox.NamedNode(KG + "OpenRotor"),
        ox.DefaultGraph(),
    )
    assert founder in store
    records = {
        q.graph_name.value
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "subject"), founder.subject, None)
        if ox.Quad(q.subject, ox.NamedNode(RDF + "predicate"), founder.predicate, q.graph_name) in store
    }
    assert records == {KG + "rotor-launch", KG + "rotor-members"}
    # The conflicting values are both kept, each with its source.
    counts = store.query(
        _PREFIXES + "SELECT ?g ?o WHERE { GRAPH ?g { ?f rdf:subject kg:OpenRotor ;"
        " rdf:predicate aig:approximateMemberCount ; rdf:object ?o } }"
    )
    assert {(r["g"].value, r["o"].value) for r in counts} == {  # type: ignore[union-attr]
        (KG + "rotor-launch", "30"),
        (KG + "rotor-members", "35"),
    }


def test_corpus_rebuild_same_bytes_and_nquads(tmp_path: Path) -> None:
    out, _ = _dataset(tmp_path)
    first = out.read_bytes()
    (tmp_path / "again").mkdir()
    out2, store = _dataset(tmp_path / "again")
    assert out2.read_bytes() == first
    _, nq = _dataset(tmp_path, "corpus.nq")
    assert set(nq) == set(store)


def test_cli_builds_a_folder_and_validate_reads_the_dataset(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "news.trig"
    result = runner.invoke(cli, ["build", "--facts", str(CORPUS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 articles" in result.stderr
    twice = runner.invoke(
        cli, ["build", "--facts", str(LAUNCH), "--facts", str(MEMBERS), "-o", str(tmp_path / "b.trig")]
    )
    assert twice.exit_code == 0 and (tmp_path / "b.trig").read_bytes() == out.read_bytes()
    checked = runner.invoke(cli, ["validate", str(out)])
    assert checked.exit_code == 0 and checked.stdout.startswith("Conforms"), checked.output
    bad = runner.invoke(cli, ["build", "--facts", str(CORPUS), "-o", str(tmp_path / "x.ttl")])
    assert bad.exit_code != 0 and "TriG" in bad.stderr and not (tmp_path / "x.ttl").exists()


def test_shared_entity_must_agree(tmp_path: Path) -> None:
    from aigraph.graph.corpus import build_corpus

    for p in CORPUS.iterdir():
        shutil.copy(p, tmp_path / p.name)
    members = tmp_path / MEMBERS.name
    members.write_text(
        members.read_text(encoding="utf-8").replace('label = "Pellwick Systems"', 'label = "Pellwick Inc."'),
        encoding="utf-8",
    )
    with pytest.raises(AigraphError) as caught:
        build_corpus([tmp_path], tmp_path / "c.trig")
    msg = str(caught.value)
    assert "'Pellwick'" in msg and "rotor-launch.facts.toml (line" in msg and "rotor-members.facts.toml" in msg
    assert not (tmp_path / "c.trig").exists()


def test_commands_read_the_dataset_with_its_graphs(tmp_path: Path, runner: CliRunner) -> None:
    out, _ = _dataset(tmp_path)
    per_graph = runner.invoke(
        cli, ["query", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?f a aig:Fact } } GROUP BY ?g ORDER BY ?g",
              "--data", str(out), "--format", "csv"],
    )  # fmt: skip
    assert per_graph.exit_code == 0, per_graph.output
    assert per_graph.stdout.split() == ["g,n", f"{KG}rotor-launch,6", f"{KG}rotor-members,4"]
    # The default graph is the union: a plain pattern sees both articles' values.
    union = runner.invoke(
        cli, ["query", "SELECT ?o WHERE { kg:OpenRotor aig:approximateMemberCount ?o } ORDER BY ?o",
              "--data", str(out), "--format", "csv"],
    )  # fmt: skip
    assert union.stdout.split() == ["o", "30", "35"]
    view = runner.invoke(cli, ["view", "--data", str(out), "-o", str(tmp_path / "v.html")])
    assert view.exit_code == 0 and "3 nodes" in view.stderr, view.output


def test_query_named_loads_a_file_as_a_named_graph(tmp_path: Path, runner: CliRunner) -> None:
    one = tmp_path / "launch.ttl"
    assert runner.invoke(cli, ["build", "--facts", str(LAUNCH), "-o", str(one)]).exit_code == 0
    result = runner.invoke(
        cli, ["query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "--data", str(one),
              "--named", str(one), "--format", "csv"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["g", one.resolve().as_uri()]


def test_export_keeps_graphs_or_says_it_merges_them(tmp_path: Path, runner: CliRunner) -> None:
    out, store = _dataset(tmp_path)
    kept = (("e.trig", ox.RdfFormat.TRIG), ("e.nq", ox.RdfFormat.N_QUADS), ("e.jsonld", ox.RdfFormat.JSON_LD))
    for name, fmt in kept:
        result = runner.invoke(cli, ["export", "--data", str(out), "-o", str(tmp_path / name)])
        assert result.exit_code == 0 and "note" not in result.stderr, result.output
        assert set(ox.parse(path=tmp_path / name, format=fmt)) == set(store), name
    flat = runner.invoke(cli, ["export", "--data", str(out), "-o", str(tmp_path / "u.ttl")])
    assert flat.exit_code == 0 and "2 named graph(s)" in flat.stderr and "union" in flat.stderr
    triples = {q.triple for q in ox.parse(path=tmp_path / "u.ttl", format=ox.RdfFormat.TURTLE)}
    assert triples == {q.triple for q in store}


def _shown(rows: object) -> list[tuple[str, ...]]:
    return [tuple(cell(t) for t in row) for row in rows]  # type: ignore[attr-defined]


def test_corpus_saved_queries(tmp_path: Path) -> None:
    out, _ = _dataset(tmp_path)
    store = aigraph.load([out], with_ontology=True)
    launch, members = "kg:rotor-launch", "kg:rotor-members"
    s3 = "The Open Rotor Coalition, the drone makers' alliance, said on Friday that it has 35 members."
    assert _shown(aigraph.query("disagreements", store=store)) == [
        ("kg:OpenRotor", "aig:approximateMemberCount", "30", launch,
         "The coalition has 30 members at launch, the companies said."),
        ("kg:OpenRotor", "aig:approximateMemberCount", "35", members, s3),
    ]  # fmt: skip
    bind = {"s": "kg:Pellwick", "p": "aig:foundingMemberOf", "o": "kg:OpenRotor"}
    assert [(r[3], r[5]) for r in _shown(aigraph.query("sources", bind=bind, store=store))] == [
        (launch, "Pellwick Systems is a founding member of the coalition."),
        (members, "Pellwick Systems, a founding member of the coalition, will host its first meeting."),
    ]
    news = "https://example.org/news/"
    assert _shown(aigraph.query("articles", store=store)) == [
        (launch, "Open Rotor Coalition launches with 30 members", "2031-03-04", news + "rotor-launch", "6"),
        (members, "Drone coalition counts 35 members", "2031-03-07", news + "rotor-members", "4"),
    ]


@pytest.mark.parametrize("name", ["sources", "disagreements", "articles"])
def test_corpus_saved_queries_standalone_on_bare_pyoxigraph(tmp_path: Path, name: str) -> None:
    """`aigraph queries NAME` on a bare store of the TriG, its default graph the union (the documented policy)."""
    out, _ = _dataset(tmp_path)
    bare = ox.Store()
    bare.load(path=out, format=ox.RdfFormat.TRIG)
    text = CliRunner().invoke(cli, ["queries", name]).output
    theirs = bare.query(text, use_default_graph_as_union=True)
    ours = aigraph.query(name, store=aigraph.load([out], with_ontology=False))
    assert [v.value for v in theirs.variables] == list(ours.variables)  # type: ignore[union-attr]
    rows = [tuple(s[v] for v in theirs.variables) for s in theirs]  # type: ignore[union-attr]
    assert rows == list(ours.rows) and rows


def test_rebuild_reads_only_the_changed_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aigraph.graph import corpus

    for p in CORPUS.iterdir():
        shutil.copy(p, tmp_path / p.name)
    built: list[str] = []
    read: list[str] = []
    real_build, real_read = corpus._build, corpus.read_facts

    def building(facts, *args):  # type: ignore[no-untyped-def]
        built.append(facts.article.id)
        return real_build(facts, *args)

    def reading(path):  # type: ignore[no-untyped-def]
        read.append(Path(path).name)
        return real_read(path)

    monkeypatch.setattr(corpus, "_build", building)
    monkeypatch.setattr(corpus, "read_facts", reading)
    out = tmp_path / "out" / "c.trig"
    first = corpus.build_corpus([tmp_path], out)
    assert sorted(built) == ["rotor-launch", "rotor-members"] and len(read) == 2
    assert (first.articles, first.facts) == (2, 10)
    data = out.read_bytes()
    built.clear()
    read.clear()
    assert corpus.build_corpus([tmp_path], out) == first
    assert built == [] and read == [] and out.read_bytes() == data  # nothing read again
    article = tmp_path / "rotor-members.txt"
    os.utime(article, ns=(1, 1))  # touched, not changed: read again (its hash is known), not built
    corpus.build_corpus([tmp_path], out)
    assert built == [] and read == [MEMBERS.name] and out.read_bytes() == data
    read.clear()
    article.write_text(article.read_text(encoding="utf-8").replace("first meeting", "first summit"), encoding="utf-8")
    corpus.build_corpus([tmp_path], out)
    assert built == ["rotor-members"] and read == [MEMBERS.name]
    fresh = tmp_path / "fresh.trig"
    corpus.build_corpus([tmp_path], fresh, cache=False)
    assert out.read_bytes() == fresh.read_bytes() and b"first summit" in fresh.read_bytes()
    entries = [p for p in (tmp_path / "out" / ".c.trig.cache").glob("*.json") if p.name != "manifest.json"]
    assert len(entries) == 2  # the old entry is gone


def test_corpus_written_from_pieces_is_the_whole_serialised(tmp_path: Path) -> None:
    """A corpus is written graph by graph (each article's graph kept in the cache): the bytes
    are those of the whole dataset serialised at once, also with an extension's prefix and
    an IRI ending in a dot (its prefix is then not used), in TriG and N-Quads."""
    from aigraph.graph import corpus

    for p in CORPUS.iterdir():
        shutil.copy(p, tmp_path / p.name)
    # An extension with its own prefix, and a class whose IRI ends in a dot (the prefix
    # is then not used: rdflib cannot read such a local name).
    (tmp_path / "ext.ttl").write_text(
        "@prefix ex: <https://example.org/terms#> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "ex:Thing a owl:Class ; rdfs:label \"thing\" .\n<https://example.org/terms#Drone.> a owl:Class .\n",
        encoding="utf-8",
    )
    launch = tmp_path / LAUNCH.name
    dotted = launch.read_text(encoding="utf-8") + (
        '\n[[entity]]\nid = "Drones"\nlabel = "drones"\nclass = "<https://example.org/terms#Drone.>"\n'
        'evidence = "an alliance of drone makers"\n'
    )
    for text in (None, dotted):
        if text is not None:
            launch.write_text(text, encoding="utf-8")
        for extra in ([], [tmp_path / "ext.ttl"]):
            for name in ("c.trig", "c.nq"):
                out = tmp_path / name
                try:
                    corpus.build_corpus([tmp_path], out, ontology=extra)
                except AigraphError:
                    assert text is not None and not extra  # the dotted class needs the extension
                    continue
                quads, prefixes = corpus.build_corpus_quads([tmp_path], ontology=extra)
                whole = corpus.to_dataset(quads, corpus.corpus_format(out), prefixes)
                assert out.read_bytes() == whole
                if name == "c.trig":
                    assert (b"@prefix ex: <https://example.org/terms#>" in whole) == (bool(extra) and text is None)
    trig = (tmp_path / "c.trig").read_bytes()
    assert b"<https://example.org/terms#Drone.>" in trig and b"@prefix ex:" not in trig


def test_commands_read_the_corpus_built_last(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["build", "--facts", str(LAUNCH)]).exit_code == 0
    os.utime(tmp_path / "graphs" / "rotor-launch.ttl", (1, 1))  # built long before the corpus
    assert runner.invoke(cli, ["build", "--facts", str(CORPUS)]).exit_code == 0
    assert (tmp_path / "graphs" / "corpus.trig").is_file()
    result = runner.invoke(cli, ["query", "articles", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 3  # the header and both articles


def test_an_entity_named_like_another_articles_record_is_refused(tmp_path: Path) -> None:
    from aigraph.graph.corpus import build_corpus

    for p in CORPUS.iterdir():
        shutil.copy(p, tmp_path / p.name)
    members = tmp_path / MEMBERS.name
    text = members.read_text(encoding="utf-8").replace('"Pellwick"', '"rotor-launch-s02"')
    members.write_text(text, encoding="utf-8")
    with pytest.raises(AigraphError) as caught:
        build_corpus([tmp_path], tmp_path / "c.trig")
    assert "would be sentence 2's record of" in str(caught.value) and caught.value.line == 19


def test_a_damaged_corpus_cache_is_built_again(tmp_path: Path) -> None:
    from aigraph.graph.corpus import build_corpus

    for p in CORPUS.iterdir():
        shutil.copy(p, tmp_path / p.name)
    out = tmp_path / "c.trig"
    build_corpus([tmp_path], out)
    data = out.read_bytes()
    folder = tmp_path / ".c.trig.cache"
    for entry in folder.glob("*.json"):
        entry.write_text('{"v": 2, "records": 1' if entry.name != "manifest.json" else "[]", encoding="utf-8")
    build_corpus([tmp_path], out)
    assert out.read_bytes() == data
    build_corpus([tmp_path], out)  # and the cache written again is whole
    assert out.read_bytes() == data and len(list(folder.glob("*.json"))) == 3
