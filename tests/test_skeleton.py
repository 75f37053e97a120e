"""`aigraph init`: a facts-file skeleton for any article (the test articles are fictional)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from aigraph.cli import cli
from aigraph.facts.reader import read_facts
from aigraph.facts.skeleton import article_id, article_table, sentence_comments, toml_string
from aigraph.sources.article import ArticleText, split_sentences

from .conftest import ARTICLE, ROOT

ARTICLES = ROOT / "tests" / "articles"


def _init(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, ["init", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", ["abbreviations", "quotes", "one-sentence", "zanthor-deal"])
def test_init_writes_a_facts_file_that_reads_and_builds(runner: CliRunner, tmp_path: Path, name: str) -> None:
    article = tmp_path / f"{name}.txt"
    article.write_bytes((ARTICLES / f"{name}.txt").read_bytes())
    code, out, err = _init(runner, str(article))
    target = tmp_path / f"{name}.facts.toml"  # the default: <id>.facts.toml beside the article
    assert code == 0, err
    assert out == ""
    assert f"Wrote {target}" in err
    text = target.read_text(encoding="utf-8")
    facts = read_facts(target)
    assert facts.article.id == name
    assert facts.article.path == tmp_path / f"{name}.txt"
    assert (facts.entities, facts.facts) == ({}, [])
    # Every sentence, numbered as the builder numbers them.
    sentences = ArticleText.read(article).sentences
    numbered = re.findall(r"^# +(\d+)  (.*)$", text, re.M)
    assert numbered == [(str(s.index), s.text) for s in sentences]
    # Commented examples of an entity and a fact, which become real tables when uncommented.
    examples = "\n".join(line[2:] for line in text.splitlines() if line.startswith("# [[entity]]") or
                         re.match(r"# (id|label|class|aliases|evidence|subject|predicate|object) = ", line))
    assert "[[entity]]" in examples and 'predicate = "memberOf"' in examples
    # The untouched skeleton already builds: the article and its sentences.
    result = runner.invoke(cli, ["build", "--facts", str(target), "-o", str(tmp_path / "g.ttl")])
    assert result.exit_code == 0, result.output
    # 5 per sentence; the article's type, label and title; the graph's owl:Ontology header and import.
    assert f"{len(sentences) * 5 + 5} triples" in result.stderr


def test_splitting_abbreviations_quotes_and_one_sentence() -> None:
    text = (ARTICLES / "abbreviations.txt").read_text(encoding="utf-8")
    assert split_sentences(text) == [
        "Fictional article for aigraph's tests.",
        "Brightwing Corp. opened an office in the U.S.",
        "The office is led by Dr. Ada Finch and J. R. Osei, who joined from Kestrel Ltd. last year.",
        "Kestrel Ltd.",
        "The firm said nothing.",
        "See No. 5 on the list, e.g. Brightwing's plan.",
    ]
    assert split_sentences((ARTICLES / "quotes.txt").read_text(encoding="utf-8")) == [
        "Fictional article for aigraph's tests.",
        "“We will grow,” said the chief executive of Nimbus Works.",
        "She added: “Growth is hard.”",
        "Then she left.",
        '"Is it?" asked a reporter.',
        "'Yes!'",
        "The room laughed.",
    ]
    assert split_sentences((ARTICLES / "one-sentence.txt").read_text(encoding="utf-8")) == [
        "A single fictional sentence about Orrery Dynamics without a full stop"
    ]
    # A headline without a full stop is a sentence of its own; a soft line break is not an end.
    assert split_sentences("Acme buys Beta\n\nAcme Corp. said\nit bought Beta. It paid.") == [
        "Acme buys Beta",
        "Acme Corp. said it bought Beta.",
        "It paid.",
    ]
    assert split_sentences("He said no. Then he left. Mr. Roe stayed.") == [
        "He said no.",
        "Then he left.",
        "Mr. Roe stayed.",
    ]


def test_the_seed_article_splits_as_before() -> None:
    # The 12 sentences of the shipped article, which the golden graph cites by number.
    sentences = ArticleText.read(ARTICLE).sentences
    assert len(sentences) == 12
    assert sentences[0].text.startswith("Meta is collaborating with IBM")
    assert sentences[-1].text.startswith("Its success, however, remains uncertain")


@pytest.mark.parametrize("content", [b"", b"  \n\n \t\n"])
def test_init_refuses_an_empty_article(runner: CliRunner, tmp_path: Path, content: bytes) -> None:
    article = tmp_path / "empty.txt"
    article.write_bytes(content)
    code, out, err = _init(runner, str(article))
    assert code == 1 and out == ""
    assert err == f"aigraph: error: {article}: the article is empty: there is no sentence to draw facts from\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt"]


def test_init_never_overwrites(runner: CliRunner, tmp_path: Path) -> None:
    article = tmp_path / "deal.txt"
    article.write_text("Acme bought Beta. It paid cash.", encoding="utf-8")
    target = tmp_path / "deal.facts.toml"
    target.write_text("# mine\n", encoding="utf-8")
    code, _, err = _init(runner, str(article))
    assert code == 1 and "already exists; aigraph init never overwrites" in err and str(target) in err
    assert target.read_text(encoding="utf-8") == "# mine\n"


def test_init_options_output_and_relative_path(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    article = tmp_path / "texts" / "2024 Acme deal.txt"
    article.write_text("Acme buys Beta\n\nAcme bought Beta. It paid cash.\n", encoding="utf-8")
    target = tmp_path / "facts" / "deal.toml"
    code, _, err = _init(
        runner, str(article), "-o", str(target), "--url", "https://example.org/a",
        "--published", "2024-02-03", "--language", "en-GB",
    )  # fmt: skip
    assert code == 0, err
    doc = tomllib.loads(target.read_text(encoding="utf-8"))
    assert doc["article"] == {
        "id": "article-2024-Acme-deal",
        "path": "../texts/2024 Acme deal.txt",
        "title": "Acme buys Beta",  # the first line reads as a headline
        "url": "https://example.org/a",
        "published": __import__("datetime").date(2024, 2, 3),
        "language": "en-GB",
    }
    assert read_facts(target).article.path.resolve() == article.resolve()
    assert "the article is outside the facts file's folder" in err and "--allow-outside-article" in err
    # - writes to stdout; bad options are refused before anything is written.
    code, out, _ = _init(runner, str(article), "-o", "-", "--title", 'Say "hi"\\')
    assert code == 0 and 'title = "Say \\"hi\\"\\\\"' in out
    for bad in (["--url", "ftp://x"], ["--language", "english!"], ["--published", "2024-13-01"]):
        code, _, err = _init(runner, str(article), "-o", str(tmp_path / "x.toml"), *bad)
        assert code == 1 and err.startswith("aigraph: error: ") and not (tmp_path / "x.toml").exists()


def test_control_characters_stay_valid_toml(runner: CliRunner, tmp_path: Path) -> None:
    # The builder refuses such an article, and init says so; the comments stay valid TOML anyway.
    article = tmp_path / "odd.txt"
    article.write_text("Acme\x01 bought \x7fBeta. It\u2028paid.", encoding="utf-8")
    code, _, err = _init(runner, str(article))
    assert code == 1 and "control character U+0001" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.txt"]
    text = sentence_comments(["Acme\x01 bought \x7fBeta.", "It paid."])
    assert tomllib.loads(text) == {}
    assert text.splitlines()[0] == "#  1  Acme\\x01 bought \\x7fBeta."


def test_reusable_pieces() -> None:
    table = article_table("acme", "acme.txt", title="Acme", language="en", ontology=["deals.ttl"])
    assert tomllib.loads(table)["article"] == {
        "id": "acme", "path": "acme.txt", "title": "Acme", "language": "en", "ontology": ["deals.ttl"],
    }  # fmt: skip
    assert sentence_comments(["One.", "Two."]) == "#  1  One.\n#  2  Two.\n"
    assert sentence_comments(ArticleText("One. Two.").sentences) == sentence_comments("One. Two.")
    assert sentence_comments("") == ""
    assert article_id("x/My Deal.v2.txt") == "My-Deal"
    odd = 'a\tb\nc\x01\x7f"\\ é\u2028'
    assert tomllib.loads(f"x = {toml_string(odd)}")["x"] == odd
