"""`aigraph draft`: drafts build, traps are not asserted, quotes are verbatim, errors are clear.

The articles of tests/draft_eval/ are FICTIONAL (invented organisations);
their gold files list traps a careless extractor would assert.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from aigraph.cli import cli
from aigraph.errors import AigraphError
from aigraph.facts.draft import draft, draft_text
from aigraph.graph.build import build_graph
from aigraph.sources.article import ArticleText

from .conftest import ARTICLE, ROOT

EVAL = ROOT / "tests" / "draft_eval"
ARTICLES = sorted(EVAL.glob("*.txt"))


def _norm(name: str) -> str:
    n = " ".join(name.lower().replace("’", "'").split())
    n = re.sub(r"'s\b", "", n)
    return re.sub(r"^(the|a|an)\s+", "", n).strip(" .,")


def _draft(tmp_path: Path, article: Path) -> tuple[Path, str]:
    copy = tmp_path / article.name  # build reads an article only from the facts file's folder
    copy.write_bytes(article.read_bytes())
    out = tmp_path / f"{article.stem}.facts.toml"
    result = draft_text(article.read_text(encoding="utf-8"), copy, out)
    out.write_text(result.text, encoding="utf-8")
    return out, result.text


def _asserted(text: str) -> list[tuple[set[str], str, set[str] | object]]:
    """(subject names, predicate, object names or value) of every uncommented fact."""
    doc = tomllib.loads(text)
    names = {e["id"]: {_norm(e["label"]), *(_norm(a) for a in e.get("aliases", []))} for e in doc.get("entity", [])}
    return [
        (names[f["subject"]], f["predicate"], names[f["object"]] if "object" in f else f["value"])
        for f in doc.get("fact", [])
    ]


def test_eval_set_is_marked_fictional() -> None:
    assert len(ARTICLES) >= 5
    for article in ARTICLES:
        assert "This article is fictional" in article.read_text(encoding="utf-8")
        gold = article.with_name(article.stem + ".gold.toml").read_text(encoding="utf-8")
        assert "FICTIONAL" in gold


@pytest.mark.parametrize("article", [*ARTICLES, ARTICLE], ids=lambda p: p.stem)
def test_draft_builds_unchanged(article: Path, tmp_path: Path) -> None:
    out, text = _draft(tmp_path, article)
    triples = build_graph(out)
    assert any(str(t.predicate).endswith("#quote>") for t in triples)
    assert "[[fact]]" in text and "[[entity]]" in text


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.stem)
def test_traps_are_not_asserted(article: Path, tmp_path: Path) -> None:
    gold = tomllib.loads(article.with_name(article.stem + ".gold.toml").read_text(encoding="utf-8"))
    facts = _asserted(_draft(tmp_path, article)[1])
    sub = {"memberOf": {"memberOf", "foundingMemberOf"}}
    for s, p, o, why in gold["traps"]:
        for fs, fp, fo in facts:
            if fp not in sub.get(p, {p}) or not isinstance(fo, set):
                continue
            same = _norm(s) in fs and _norm(o) in fo
            either = fp in ("competesWith", "collaboratesWith") and _norm(o) in fs and _norm(s) in fo
            assert not (same or either), f"trap asserted ({why}): {s} {p} {o}"


@pytest.mark.parametrize("article", [*ARTICLES, ARTICLE], ids=lambda p: p.stem)
def test_every_quote_is_verbatim_and_in_one_place(article: Path, tmp_path: Path) -> None:
    _, text = _draft(tmp_path, article)
    art = ArticleText(article.read_text(encoding="utf-8"))
    quotes = []
    for line in text.splitlines():  # commented proposals too: a reviewer may uncomment them
        m = re.match(r"^(?:#\s*)?evidence = (.*)$", line)
        if m:
            value = tomllib.loads(f"v = {m.group(1)}")["v"]
            quotes.extend([value] if isinstance(value, str) else value)
    assert quotes
    for q in quotes:
        assert len(art.places(q)) == 1, q


def test_indexed_quote_lookup_answers_as_the_builder_does() -> None:
    # draft looks quotes up through a word index (QuotePlaces), and build too past _SCAN_LIMIT;
    # ArticleText.places scans.
    # They must agree on every quote: whole words, parts of words, across sentences, no words.
    from aigraph.sources.article import QuotePlaces

    texts = [p.read_text(encoding="utf-8") for p in ARTICLES[:3]]
    texts.append("Acme Labs met Acme. Labs of Acme Labsford said: acme! Acme Labs. Labs, Acme - “Labs” -- ok.")
    for text in texts:
        art = ArticleText(text)
        index = QuotePlaces(art)
        joined = " ".join(s.text for s in art.sentences)
        quotes = {joined[a:b] for a in range(0, len(joined), 7) for b in (a + 1, a + 3, a + 9, a + 25, a + 80)}
        quotes |= {"Labs", "Acme Labs", "abs", "Labs, Acme", "s. L", ". ", "--", "“", "Acme", "acme", "Labsford"}
        for q in sorted(quotes):
            assert index.places(q) == art.places(q), q
            assert index.places(q, most=2) == art.places(q)[:2] or len(art.places(q)) > 2, q


def test_every_template_that_matches_is_tried() -> None:
    # The matcher tries only the templates whose anchor words a sentence holds: never skip one that matches.
    from aigraph.facts.draft import _Drafter, _ontology
    from aigraph.facts.mentions import mask
    from aigraph.progress import progress

    onto, extensions, prefixes = _ontology([])
    tried = 0
    for path in ARTICLES:
        art = ArticleText(path.read_text(encoding="utf-8"))
        d = _Drafter(art, onto, extensions, prefixes, [], None)
        with progress("drafting") as shown:
            found, _ = d.run(shown)
        for sm in found:
            masked = mask(sm, d.codes, d.finder.entities).text
            lowered = masked.lower()
            candidates = set(d.matcher._candidates(lowered, set(re.findall(r"[a-z]+", lowered))))
            for i, (_, template) in enumerate(d.matcher._templates):
                if template.regex.search(masked):
                    assert i in candidates, (template.text, masked)
                    tried += 1
    assert tried > 50


def test_article_id_is_the_one_init_writes(tmp_path: Path) -> None:
    # Fact records are kg:<article id>-fact-<id>, so an article named "fact-..." needs no other id.
    article = tmp_path / "fact-check.txt"
    article.write_text("Acme Labs joined the Widget Alliance.", encoding="utf-8")
    target, _ = draft(article)
    assert target == tmp_path / "fact-check.facts.toml"
    assert 'id = "fact-check"' in target.read_text(encoding="utf-8")
    build_graph(target)


def test_header_is_what_init_writes(tmp_path: Path) -> None:
    from aigraph.facts.skeleton import article_table, sentence_comments

    _, text = _draft(tmp_path, ARTICLE)
    article = ArticleText(ARTICLE.read_text(encoding="utf-8"))
    assert article_table("ai-alliance-article", ARTICLE.name, hints=True) in text
    assert sentence_comments(article.sentences) in text


def _one(text: str, tmp_path: Path) -> str:
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    return draft_text(text, path, tmp_path / "a.facts.toml").text


def test_negation_blocks_and_hedging_demotes(tmp_path: Path) -> None:
    out = _one(
        "Acme Labs is not a member of the Widget Alliance. Analysts say Bolt Corp. may join the Widget Alliance.",
        tmp_path,
    )
    assert _asserted(out) == []
    assert re.search(r"^# sentence 1: Acme Labs memberOf Widget Alliance - negated by 'not'$", out, re.M)
    assert re.search(r"^# \[\[fact\]\]\n# id = \"boltcorp-memberof-widgetalliance\"", out, re.M)
    assert "hedged by 'may'" in out


def test_criticism_from_means_the_critic_is_the_subject(tmp_path: Path) -> None:
    out = _one("Acme Labs has faced criticism from companies such as Bolt Corp. and Cobalt Inc.", tmp_path)
    facts = {(min(s), p, min(o)) for s, p, o in _asserted(out)}  # type: ignore[type-var, arg-type]
    assert facts == {("bolt corp", "criticizes", "acme labs"), ("cobalt inc", "criticizes", "acme labs")}


def test_aliases_make_one_entity(tmp_path: Path) -> None:
    out = _one(
        "Acme Labs and Bolt Corp. launched the Widget Alliance, a new industry consortium. "
        "The consortium will set up a governing board. The Alliance has about 20 members.",
        tmp_path,
    )
    doc = tomllib.loads(out)
    alliance = [e for e in doc["entity"] if e["label"] == "Widget Alliance"]
    assert len(alliance) == 1 and alliance[0]["class"] == "IndustryAlliance"
    assert {"the consortium", "the Alliance"} <= set(alliance[0]["aliases"])
    facts = {(f["subject"], f["predicate"], f.get("object", f.get("value"))) for f in doc["fact"]}
    assert ("WidgetAlliance", "willEstablish", "WidgetAllianceGoverningBoard") in facts
    assert ("WidgetAlliance", "approximateMemberCount", 20) in facts
    assert ("AcmeLabs", "foundingMemberOf", "WidgetAlliance") in facts


def test_data_graph_is_a_gazetteer(tmp_path: Path) -> None:
    from .conftest import GOLDEN_TTL

    text = "Meta joined the Open Model Registry, a nonprofit."
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    out = draft_text(text, path, tmp_path / "a.facts.toml", data=[GOLDEN_TTL]).text
    meta = [e for e in tomllib.loads(out)["entity"] if e["label"] == "Meta"]
    assert meta and meta[0]["id"] == "Meta" and meta[0]["class"] == "Organization"
    assert 'subject = "Meta"' in out


def test_extension_brings_its_own_patterns(tmp_path: Path) -> None:
    ext = tmp_path / "deals.ttl"
    ext.write_text(
        "@prefix ex: <https://example.org/deals#> .\n"
        "@prefix aig: <https://w3id.org/aigraph/ontology#> .\n"
        "@prefix draft: <https://w3id.org/aigraph/draft#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "draft:pattern a owl:AnnotationProperty .\n"
        "ex:acquired a owl:ObjectProperty ; rdfs:label \"acquired\" ; rdfs:comment \"Bought.\" ;\n"
        "  rdfs:domain aig:Organization ; rdfs:range aig:Organization ;\n"
        "  draft:pattern \"{S} (acquired|bought|buys|acquires) {O}\", \"{O} was (acquired|bought) by {S}\" .\n",
        encoding="utf-8",
    )
    text = "Acme Labs acquired Bolt Corp. last week."
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    target, result = draft(path, ontologies=[ext])
    out = result.text
    assert 'predicate = "ex:acquired"' in out
    assert 'evidence = "Acme Labs acquired Bolt Corp."' in out
    assert 'ontology = ["deals.ttl"]' in out  # so that build finds the extension unchanged
    triples = build_graph(target)
    assert any(str(t.predicate) == "<https://example.org/deals#acquired>" for t in triples)


def test_long_input_drafts_and_builds(tmp_path: Path) -> None:
    # Correctness at size, not speed (benchmarks/bench_draft.py times it): long input drafts and builds.
    base = [p.read_text(encoding="utf-8") for p in ARTICLES[:3]]
    parts = []
    for k in range(8):
        suffix = "".join(chr(97 + int(d)) for d in str(k))
        parts.extend(re.sub(r"\b([A-Z][a-z]{3,})\b", r"\g<1>" + suffix, t) for t in base)
    path = tmp_path / "long.txt"
    path.write_text("\n\n".join(parts), encoding="utf-8")
    target, result = draft(path)
    assert target == tmp_path / "long.facts.toml"
    assert result.facts > 40
    build_graph(target)


# ---------------------------------------------------------------- the command


def test_cli_writes_beside_the_article_and_never_overwrites(tmp_path: Path) -> None:
    article = tmp_path / "story.txt"
    article.write_bytes(ARTICLE.read_bytes())
    runner = CliRunner()
    result = runner.invoke(cli, ["draft", str(article)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "story.facts.toml"
    assert out.is_file()
    assert f"Wrote {out} (" in result.output and f"aigraph build --facts {out}" in result.output
    before = out.read_bytes()
    again = runner.invoke(cli, ["draft", str(article)])
    assert again.exit_code == 1 and "already exists" in again.output
    assert out.read_bytes() == before
    forced = runner.invoke(cli, ["draft", str(article), "--force"])
    assert forced.exit_code == 0
    built = runner.invoke(cli, ["build", "--facts", str(out), "-o", str(tmp_path / "g.ttl")])
    assert built.exit_code == 0, built.output


def test_cli_stdout(tmp_path: Path) -> None:
    article = tmp_path / "story.txt"
    article.write_text("Acme Labs joined the Widget Alliance.", encoding="utf-8")
    result = CliRunner().invoke(cli, ["draft", str(article), "-o", "-"])
    assert result.exit_code == 0
    assert result.output.startswith("# Facts drafted by `aigraph draft`")
    assert 'predicate = "memberOf"' in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story.txt"]


def test_cli_progress_on_a_terminal_only(tmp_path: Path) -> None:
    # The progress delay at zero, so a short article shows the line too.
    code = "import aigraph.progress as p; p.DELAY = 0; from aigraph.cli import main; main()"
    article = tmp_path / "story.txt"
    article.write_bytes(ARTICLE.read_bytes())
    master, slave = pty.openpty()
    cmd = [sys.executable, "-c", code, "draft", "story.txt"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other side closed (EIO on Linux)
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert proc.wait() == 0
    assert "\rDrafting facts from story.txt: done in " in shown.decode()
    piped = subprocess.run([*cmd, "--force"], cwd=tmp_path, capture_output=True, text=True)
    assert piped.returncode == 0 and "\r" not in piped.stderr and "Drafting" not in piped.stderr


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "the article is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a binary file, not a text article"),
        (b"Acme Labs joined.\nCaf\xe9 au lait.\n", "story.txt:2: the article is not valid UTF-8"),
        (None, "is a directory, not an article"),
    ],
    ids=["empty", "binary", "latin1", "directory"],
)
def test_cli_bad_article(content: bytes | None, fragment: str, tmp_path: Path) -> None:
    article = tmp_path / "story.txt"
    if content is None:
        article.mkdir()
    else:
        article.write_bytes(content)
    result = CliRunner().invoke(cli, ["draft", str(article), "-o", str(tmp_path / "out.toml")])
    assert result.exit_code == 1
    assert fragment in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out.toml").exists()


def test_nlp_never_downloads(tmp_path: Path) -> None:
    # spaCy is optional: without it the option says so; with it, a missing pipeline is named.
    try:
        import spacy  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        article = tmp_path / "a.txt"
        article.write_text("Acme Labs joined the Widget Alliance.", encoding="utf-8")
        with pytest.raises(AigraphError, match="spaCy is not installed"):
            draft(article, nlp="en_core_web_sm")
    else:
        article = tmp_path / "a.txt"
        article.write_text("Acme Labs joined the Widget Alliance.", encoding="utf-8")
        with pytest.raises(AigraphError, match="no such spaCy pipeline is installed"):
            draft(article, nlp="aigraph_no_such_pipeline")


def test_cli_refuses_a_draft_that_build_would_refuse(tmp_path: Path) -> None:
    # build reads an article only from the facts file's folder or below it.
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    article = tmp_path / "a" / "story.txt"
    article.write_text("Acme Labs joined the Widget Alliance.", encoding="utf-8")
    out = tmp_path / "b" / "story.facts.toml"
    result = CliRunner().invoke(cli, ["draft", str(article), "-o", str(out)])
    assert result.exit_code == 1 and "outside the folder" in result.output
    assert not out.exists()
    ok = CliRunner().invoke(cli, ["draft", str(article), "-o", str(tmp_path / "story.facts.toml")])
    assert ok.exit_code == 0, ok.output
    assert 'path = "a/story.txt"' in (tmp_path / "story.facts.toml").read_text(encoding="utf-8")
