"""aigraph build: facts + article + ontology -> Turtle, with every failure caught."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from aigraph.cli import cli
from aigraph.errors import AigraphError
from aigraph.graph.build import build_graph, to_turtle
from aigraph.graph.validate import to_rdflib

from .conftest import GOLDEN_TTL


def test_build_matches_the_committed_graph(built_triples) -> None:
    golden = rdflib.Graph().parse(GOLDEN_TTL, format="turtle")
    assert isomorphic(to_rdflib(built_triples), golden)


def test_build_is_byte_stable(built_triples, facts_copy: Path) -> None:
    again = build_graph(facts_copy)
    assert to_turtle(again) == to_turtle(built_triples)


def test_turtle_is_readable_with_prefixes(built_triples) -> None:
    text = to_turtle(built_triples).decode()
    assert text.startswith("@prefix ")
    assert "@prefix aig: <https://w3id.org/aigraph/ontology#> ." in text
    assert re.search(r"\nkg:Google a aig:Company ;\n\trdfs:label \"Google\" ;\n\taig:criticizes kg:Meta \.\n", text)
    assert "\n\nkg:AIAlliance a aig:IndustryAlliance ;\n" in text


def test_cli_build_writes_the_graph(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "g" / "out.ttl"
    result = runner.invoke(cli, ["build", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.stderr
    assert out.read_bytes() == GOLDEN_TTL.read_bytes()
    assert [p.name for p in out.parent.iterdir()] == ["out.ttl"]  # no temp file left


def test_cli_build_to_stdout(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["build", "-o", "-"])
    assert result.exit_code == 0
    assert result.stdout.encode() == GOLDEN_TTL.read_bytes()


def _edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace text in the facts file; return the 1-based line of the first change."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def _table_line(path: Path, marker: str) -> int:
    """Line of the [[fact]]/[[entity]] header above the line containing ``marker``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if marker in line)
    while not lines[at].startswith("[["):
        at -= 1
    return at + 1


BAD_FACTS = {
    "quote not in the article": (
        'evidence = "Meta’s open source AI approach has faced criticism from companies like Google'
        ', OpenAI, and Microsoft"',
        'evidence = "Meta’s open source AI approach was praised by Google"',
        "quote is not in the article",
    ),
    "unknown predicate": ('predicate = "released"', 'predicate = "launched"', "'launched' is not a property"),
    "unknown class": ('class = "AIModel"', 'class = "LanguageModel"', "class 'LanguageModel' is not in the ontology"),
    "undeclared entity": ('object = "Llama"', 'object = "Llama2"', "entity 'Llama2' is not declared"),
    "entity without label": ('label = "Llama"\n', "", "entity is missing label"),
    "entity without class": ('class = "AIModel"\n', "", "entity is missing class"),
    "wrong domain (SHACL)": ('subject = "Meta"\npredicate = "released"', 'subject = "Llama"\npredicate = "released"',
                             "not in the domain aig:Organization"),
    "wrong range (SHACL)": ('predicate = "released"\nobject = "Llama"', 'predicate = "released"\nobject = "Google"',
                            "not in the range aig:AIModel"),
    "literal for an object property": ('predicate = "released"\nobject = "Llama"', 'predicate = "released"\nvalue = 1',
                                       "give 'object', not 'value'"),
    "fact without evidence": ('evidence = "releasing models like Llama"', 'evidence = []', "'evidence' must be"),
    "duplicate fact id": ('id = "meta-released-llama"', 'id = "meta-advocates-open-source-ai"', "duplicate fact id"),
    "bad TOML": ('subject = "Meta"\npredicate = "released"', 'subject = Meta\npredicate = "released"', "invalid TOML"),
    "ambiguous quote": ('evidence = "releasing models like Llama"', 'evidence = "the AI Alliance"',
                        "quote 'the AI Alliance' is in more than one place (sentences 1, 11)"),
    "provenance class": ('class = "AIModel"', 'class = "Sentence"', "class 'Sentence' is for the records aigraph"),
    "quote over three sentences": (
        'evidence = "releasing models like Llama"',
        'evidence = "despite potential misuse. The Alliance’s co-founder, IBM, likely seeks more exposure for its'
        ' generative AI platform amidst competition from Microsoft, OpenAI, and Google. The AI Alliance’s early"',
        "runs over sentences 7-9; split it into quotes of at most two sentences",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FACTS))
def test_build_refuses_bad_facts(case: str, runner: CliRunner, facts_copy: Path, tmp_path: Path) -> None:
    old, new, message = BAD_FACTS[case]
    changed = _edit(facts_copy, old, new)
    out = tmp_path / "out.ttl"
    out.write_bytes(b"previous")
    result = runner.invoke(cli, ["build", "--facts", str(facts_copy), "-o", str(out)])
    assert result.exit_code == 1, result.output
    err = result.stderr.strip()
    assert "\n" not in err and "Traceback" not in err
    assert message in err
    m = re.match(rf"aigraph: error: {re.escape(str(facts_copy))}:(\d+): ", err)
    assert m, err
    # The line named is the table (or key) that holds the mistake.
    assert int(m.group(1)) in {changed, _table_line(facts_copy, new.splitlines()[0] or old.splitlines()[0]) if new
                               else _table_line(facts_copy, "id = ")} or abs(int(m.group(1)) - changed) <= 6
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([facts_copy.name, "ai-alliance-article.txt", "out.ttl"])


def test_every_quote_and_sentence_is_verbatim(built_triples) -> None:
    from aigraph.sources.article import ArticleText, normalize

    from .conftest import ARTICLE

    article = normalize(ArticleText.read(ARTICLE).text)
    aig = "https://w3id.org/aigraph/ontology#"
    quotes = [t.object.value for t in built_triples if t.predicate.value == aig + "quote"]
    sentences = [t.object.value for t in built_triples if t.predicate.value == "http://www.w3.org/ns/prov#value"]
    assert len(sentences) == 12
    assert quotes and all(q in article for q in quotes + sentences)


def test_a_quote_may_run_into_the_next_sentence(facts_copy: Path) -> None:
    _edit(facts_copy, 'evidence = "releasing models like Llama"',
          'evidence = "despite potential misuse. The Alliance’s co-founder"')
    triples = build_graph(facts_copy)
    kg = "https://w3id.org/aigraph/id/"
    cited = {t.object.value for t in triples
             if t.subject.value == kg + "ai-alliance-article-fact-type-Llama"
             and t.predicate.value.endswith("#evidence")}
    assert cited == {kg + "ai-alliance-article-s07", kg + "ai-alliance-article-s08"}


def test_every_sentence_supports_a_fact(built_triples) -> None:
    cited = {t.object.value for t in built_triples if t.predicate.value.endswith("ontology#evidence")}
    assert len(cited) == 12


# Every line break str.splitlines() knows, and CR LF: names holding them build into
# Turtle that reads back (the Turtle writer once split at U+2028 and wrote a raw newline).
LINE_BREAKS = ["\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("brk", LINE_BREAKS, ids=["+".join(f"U+{ord(c):04X}" for c in b) for b in LINE_BREAKS])
def test_names_with_line_breaks_round_trip(brk: str, facts_copy: Path, tmp_path: Path) -> None:
    import json

    import pyoxigraph as ox

    from aigraph.graph.build import build

    esc = json.dumps(brk)[1:-1]  # a TOML basic string takes JSON's escapes
    _edit(facts_copy, 'label = "Llama"', f'label = "Lla{esc}ma"\naliases = ["Lla{esc}ma 2"]')
    _edit(facts_copy, 'title = "Meta and IBM', f'title = "Meta{esc}and IBM')
    out = tmp_path / "g" / "out.ttl"
    built = build(facts_copy, out)
    data = out.read_bytes()
    text = data.decode("utf-8")
    assert text.splitlines() == text.removesuffix("\n").split("\n")  # no line break but \n
    assert {q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE)} == set(built)
    g = rdflib.Graph().parse(data=data, format="turtle")
    assert isomorphic(g, to_rdflib(built))
    kg = rdflib.Namespace("https://w3id.org/aigraph/id/")
    assert str(g.value(kg.Llama, rdflib.RDFS.label)) == f"Lla{brk}ma"
    assert str(g.value(kg.Llama, rdflib.SKOS.altLabel)) == f"Lla{brk}ma 2"
    assert str(g.value(kg["ai-alliance-article"], rdflib.DCTERMS.title)).startswith(f"Meta{brk}and IBM")


def test_article_outside_the_facts_folder_needs_leave(runner: CliRunner, facts_copy: Path, tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    facts = inner / facts_copy.name
    facts.write_bytes(facts_copy.read_bytes())
    line = _edit(facts, 'path = "ai-alliance-article.txt"', 'path = "../ai-alliance-article.txt"')
    out = tmp_path / "out.ttl"
    refused = runner.invoke(cli, ["build", "--facts", str(facts), "-o", str(out)])
    assert refused.exit_code == 1 and not out.exists()
    assert refused.stderr.startswith(f"aigraph: error: {facts}:{line}: the article ")
    assert "is outside the facts file's folder" in refused.stderr
    with pytest.raises(AigraphError, match="outside the facts file's folder"):
        build_graph(facts)
    # Said explicitly, it is read: the same graph as with the article beside the facts.
    allowed = runner.invoke(cli, ["build", "--facts", str(facts), "-o", str(out), "--allow-outside-article"])
    assert allowed.exit_code == 0, allowed.stderr
    assert out.read_bytes() == GOLDEN_TTL.read_bytes()
    assert set(build_graph(facts, allow_outside_article=True)) == set(build_graph(facts_copy))


def test_article_below_the_facts_folder_or_through_a_linked_folder(facts_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "ai-alliance-article.txt").rename(tmp_path / "texts" / "article.txt")
    _edit(facts_copy, 'path = "ai-alliance-article.txt"', 'path = "texts/article.txt"')
    expected = set(build_graph(facts_copy))
    # The facts file reached through a linked folder (as the package data is in a
    # source checkout): the folder is resolved, so its article is still inside.
    (tmp_path.parent / f"{tmp_path.name}-link").symlink_to(tmp_path, target_is_directory=True)
    assert set(build_graph(tmp_path.parent / f"{tmp_path.name}-link" / facts_copy.name)) == expected
    # An absolute path into the folder is inside too.
    _edit(facts_copy, 'path = "texts/article.txt"', f'path = "{tmp_path / "texts" / "article.txt"}"')
    assert set(build_graph(facts_copy)) == expected


@pytest.mark.parametrize(
    ("content", "message", "line"),
    [
        (b"One sentence.\nA \x1b[31mred\x1b[0m one.", "control character U+001B", 2),
        (b"\xef\xbb\xbfOne.\n\xff", "not valid UTF-8", 2),
        (b"", None, None),  # empty: refused, naming the facts file's path line
    ],
    ids=["escape sequence", "bad UTF-8", "empty"],
)
def test_article_must_be_text(content: bytes, message: str | None, line: int | None, facts_copy: Path) -> None:
    article = facts_copy.parent / "ai-alliance-article.txt"
    article.write_bytes(content)
    with pytest.raises(AigraphError) as caught:
        build_graph(facts_copy)
    if message is None:
        assert caught.value.message == f"the article {article} is empty"
        lines = facts_copy.read_text(encoding="utf-8").splitlines()
        at = next(n for n, text in enumerate(lines, 1) if text.startswith("path = "))
        assert caught.value.path == str(facts_copy) and caught.value.line == at
        return
    assert message in caught.value.message
    assert caught.value.path == str(article) and caught.value.line == line


def test_article_size_limit(facts_copy: Path) -> None:
    from aigraph.sources.article import MAX_BYTES, ArticleText

    article = facts_copy.parent / "ai-alliance-article.txt"
    text = article.read_bytes()
    article.write_bytes(text + b" " * (MAX_BYTES - len(text)))  # exactly the limit: read
    assert len(ArticleText.read(article).sentences) == 12
    with article.open("ab") as f:
        f.write(b" ")
    with pytest.raises(AigraphError, match="larger than 10 MiB"):
        build_graph(facts_copy)


@pytest.mark.parametrize(
    ("where", "old", "new", "message"),
    [
        ("entity", 'id = "Llama"', 'id = "ai-alliance-article"', "would be the article's record"),
        ("entity", 'id = "Llama"', 'id = "ai-alliance-article-s07"', "would be sentence 7's record"),
        ("entity", 'id = "Llama"', 'id = "ai-alliance-article-fact-meta-released-llama"', "would be a fact's record"),
        ("entity", 'id = "Llama"', 'id = "ai-alliance-article-graph"', "would be the article's graph record"),
        ("fact", 'id = "meta-released-llama"', 'id = "type-Llama"', "ids starting with 'type-'"),
    ],
)
def test_ids_of_provenance_records_are_reserved(
    where: str, old: str, new: str, message: str, facts_copy: Path
) -> None:
    line = _edit(facts_copy, old, new)
    text = facts_copy.read_text(encoding="utf-8")
    old_id, new_id = old.split('"')[1], new.split('"')[1]
    if where == "entity":  # keep the facts about it pointing at it
        facts_copy.write_text(text.replace(f'"{old_id}"', f'"{new_id}"'), encoding="utf-8")
    with pytest.raises(AigraphError) as caught:
        build_graph(facts_copy)
    assert message in caught.value.message and caught.value.line == line
