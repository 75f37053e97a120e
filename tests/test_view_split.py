"""The view's fold on two cores (aigraph.view.split): the same graph as one pass, errors as one pass."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from aigraph.errors import AigraphError
from aigraph.store.dataset import stream_quads
from aigraph.view import split
from aigraph.view.fold import Folded, fold
from aigraph.view.page import write_view

AIG = "https://w3id.org/aigraph/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
EX = "http://example.org/fictional/"

# A fictional corpus in N-Triples, written so that cutting it at any line splits something:
# a statement's parts, a sentence and its text, labels of different ranks (the best one
# must win whichever part it is in), a blank node, a class declared after its use.
LINES = [
    f"<{EX}zanthor> <{RDF}type> <{AIG}Company> .",
    f'<{EX}zanthor> <{SKOS}prefLabel> "Zanthor (pref)" .',
    f"<{EX}zanthor> <{AIG}collaboratesWith> <{EX}quillon> .",
    f'<{EX}quillon> <{RDFS}label> "Quillon Labs"@de .',
    f"<{EX}a1> <{RDF}type> <{AIG}Article> .",
    f'<{EX}a1> <http://purl.org/dc/terms/title> "Fictional report one" .',
    f'<{EX}a1> <https://schema.org/datePublished> "2031-01-02" .',
    f"<{EX}s1> <{RDF}type> <{AIG}Sentence> .",
    f'<{EX}s1> <{PROV}value> "Zanthor works with Quillon Labs." .',
    f"<{EX}s1> <{PROV}wasQuotedFrom> <{EX}a1> .",
    f"<{EX}f1> <{RDF}type> <{AIG}Fact> .",
    f"<{EX}f1> <{RDF}subject> <{EX}zanthor> .",
    f"<{EX}f1> <{RDF}predicate> <{AIG}collaboratesWith> .",
    f"<{EX}f1> <{RDF}object> <{EX}quillon> .",
    f'<{EX}f1> <{AIG}quote> "works with Quillon" .',
    f"<{EX}f1> <{AIG}evidence> <{EX}s1> .",
    f'<{EX}zanthor> <{RDFS}label> "Zanthor" .',
    f'<{EX}zanthor> <{RDFS}label> "Zanthor AG"@de .',
    f'<{EX}quillon> <{RDFS}label> "Quillon Labs" .',
    f"<{EX}quillon> <{AIG}focusArea> _:area .",
    f'_:area <{RDFS}label> "Fictional focus" .',
    f"_:area <{RDF}type> <{EX}Area> .",
    f"<{EX}Area> <{RDF}type> <http://www.w3.org/2002/07/owl#Class> .",
    f'<{EX}Area> <{RDFS}label> "Focus area (fictional)" .',
    f"<{EX}a2> <{RDF}type> <{AIG}Article> .",
    f'<{EX}a2> <http://purl.org/dc/terms/title> "Fictional report two" .',
    f"<{EX}s2> <{RDF}type> <{AIG}Sentence> .",
    f'<{EX}s2> <{PROV}value> "Quillon Labs focuses on fictional focus." .',
    f"<{EX}s2> <{PROV}wasQuotedFrom> <{EX}a2> .",
    f"<{EX}f2> <{RDF}subject> <{EX}zanthor> .",
    f"<{EX}f2> <{RDF}predicate> <{AIG}collaboratesWith> .",
    f"<{EX}f2> <{RDF}object> <{EX}quillon> .",
    f"<{EX}f2> <{AIG}evidence> <{EX}s2> .",
    f"<{EX}f2> <{RDF}type> <{AIG}Fact> .",
    f'<{EX}zanthor> <http://example.org/fictional/founded> "2029"^^<http://www.w3.org/2001/XMLSchema#gYear> .',
]


def _same(a: Folded, b: Folded) -> None:
    assert list(a.nodes.items()) == list(b.nodes.items())
    for n in a.nodes:
        assert list(a.nodes[n].items()) == list(b.nodes[n].items())
    assert a.edges == b.edges
    assert list(a.sources.items()) == list(b.sources.items())
    assert list(a.articles.items()) == list(b.articles.items())
    assert sorted(a.vocabulary.terms) == sorted(b.vocabulary.terms)


def _two_cores(paths: list[Path], share: float, monkeypatch: pytest.MonkeyPatch) -> tuple[Folded, list[Any]]:
    monkeypatch.setattr(split, "SPLIT_BYTES", 0)
    monkeypatch.setattr(split, "SHARE", share)
    found = split.scan_files(paths)
    assert found is not None  # a worker scanned its part
    described: list[Any] = []
    return fold(found, described=described), described


def test_every_cut_gives_the_one_pass_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "corpus.nt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    described: list[Any] = []
    whole = fold(stream_quads([path]), described=described)
    assert len(whole.articles) == 2 and whole.nodes[EX + "zanthor"]["label"] == "Zanthor"
    size = path.stat().st_size
    offsets = [0] + [i for i, byte in enumerate(path.read_bytes()) if byte == ord("\n")]
    for offset in offsets:  # the cut falls after each line in turn (and before the first)
        got, got_described = _two_cores([path], 1 - offset / size, monkeypatch)
        _same(got, whole)
        assert [str(t) for t in got_described] == [str(t) for t in described]


def test_several_files_and_n_quads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "one.nt", tmp_path / "two.nq"
    first.write_text("\n".join(LINES[:14]) + "\n", encoding="utf-8")
    # N-Quads: graph names are ignored by the fold; the last line has no line break.
    second.write_text("\n".join(line[:-1] + f"<{EX}graph> ." for line in LINES[14:]), encoding="utf-8")
    whole = fold(stream_quads([first, second]))
    for share in (0.2, 0.5, 0.8):
        got, _ = _two_cores([first, second], share, monkeypatch)
        _same(got, whole)


def test_a_bad_line_in_the_second_part_is_reported_at_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(split, "SPLIT_BYTES", 0)
    lines = LINES * 3
    lines[len(lines) - 4] = f'<{EX}x> <{EX}y> "no end quote .'
    path = tmp_path / "bad.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert split.scan_files([path]) is None  # the worker found the error: fold in one pass
    out = tmp_path / "bad.html"
    with pytest.raises(AigraphError) as err:
        write_view(out, data=[path])
    message = str(err.value)
    assert f"bad.nt:{len(lines) - 3}:" in message and "\n" not in message
    assert not out.exists()


def test_a_worker_that_cannot_send_its_part_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [*LINES, f'<{EX}zanthor> <{EX}motto> "nul\\u0000inside" .']
    path = tmp_path / "nul.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(split, "SPLIT_BYTES", 0)
    assert split.scan_files([path]) is not None  # a NUL character travels from the worker like any other
    whole = tmp_path / "whole.html"
    write_view(whole, data=[path])
    assert "nul\\u0000inside" in whole.read_text(encoding="utf-8")

    def cannot(found: Any) -> bytes:
        raise ValueError("cannot send")

    monkeypatch.setattr(split, "_encode", cannot)  # in the worker, forked after this
    assert split.scan_files([path]) is None
    page = write_view(tmp_path / "nul.html", data=[path])
    assert page.nodes == len(fold(stream_quads([path])).nodes)
    assert (tmp_path / "nul.html").read_bytes() == whole.read_bytes()


def test_small_files_turtle_and_no_fork_stay_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "small.nt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    assert split.scan_files([path]) is None  # under SPLIT_BYTES
    monkeypatch.setattr(split, "SPLIT_BYTES", 0)
    turtle = tmp_path / "small.ttl"
    turtle.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    assert split.scan_files([path, turtle]) is None
    monkeypatch.delattr(os, "fork")
    assert split.scan_files([path]) is None


def test_the_page_is_the_same_on_two_cores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "corpus.nt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    write_view(tmp_path / "one.html", data=[path])
    monkeypatch.setattr(split, "SPLIT_BYTES", 0)
    calls: list[int] = []
    real = split._scan_both

    def counted(*parts: Any) -> Any:
        calls.append(1)
        return real(*parts)

    monkeypatch.setattr(split, "_scan_both", counted)
    write_view(tmp_path / "two.html", data=[path])
    assert calls
    assert (tmp_path / "one.html").read_bytes() == (tmp_path / "two.html").read_bytes()


def test_labels_of_documents_and_terms_come_from_the_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fold keeps no label triple as it reads it (a label for each of 100,000 facts and
    # sentences at a million triples): those of documents (the title) and of declared terms
    # (the legend) are made again from the logged values, language and datatype included.
    xsd, schema, dcterms = "http://www.w3.org/2001/XMLSchema#", "https://schema.org/", "http://purl.org/dc/terms/"
    lines = [
        f"<{EX}doc> <{RDF}type> <{schema}NewsArticle> .",
        f'<{EX}doc> <{schema}name> "2031-05-06"^^<{xsd}date> .',
        f'<{EX}doc> <{dcterms}title> "Fiktiver Titel"@de-at .',
        f'<{EX}doc> <{RDFS}label> "Fictional label" .',
        f'<{EX}doc> <{SKOS}prefLabel> "not a title property" .',
        f"<{EX}Gizmo> <{RDF}type> <http://www.w3.org/2002/07/owl#Class> .",
        f'<{EX}Gizmo> <{RDFS}label> "Gizmo (fictional)"@en .',
        f'<{EX}Gizmo> <{RDFS}label> "Bidule (fictif)"@fr .',
        f'<{EX}thing> <{RDFS}label> "Thing (fictional)" .',
        f"<{EX}thing> <{RDF}type> <{EX}Gizmo> .",
    ]
    path = tmp_path / "labels.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    described: list[Any] = []
    whole = fold(stream_quads([path]), described=described)
    assert [str(t) for t in described] == [line[:-2] for line in lines[:4]]
    assert whole.vocabulary.terms[EX + "Gizmo"].label == "Bidule (fictif)"  # the last label, as from_quads reads
    assert whole.nodes[EX + "thing"]["class_label"] == "Bidule (fictif)"
    for share in (0.3, 0.6, 0.9):
        got, got_described = _two_cores([path], share, monkeypatch)
        _same(got, whole)
        assert [str(t) for t in got_described] == [str(t) for t in described]


def test_documents_triples_are_made_only_for_a_title(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A corpus's page is titled by its count of articles: the documents' types and titles are
    # not made triples for it (about 0.1 s at a million triples); one article's page takes its
    # title from them.
    from aigraph.view.page import build_page

    asked: list[int] = []
    real = Folded.described

    def counted(self: Folded) -> list[Any]:
        asked.append(1)
        return real(self)

    monkeypatch.setattr(Folded, "described", counted)
    path = tmp_path / "corpus.nt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    assert b"Knowledge graph of 2 articles" in build_page(stream_quads([path])).html
    assert asked == []
    one = [line for line in LINES if f"{EX}a2>" not in line and f"{EX}s2>" not in line and f"{EX}f2>" not in line]
    path.write_text("\n".join(one) + "\n", encoding="utf-8")
    assert b"<title>Fictional report one" in build_page(stream_quads([path])).html
    assert asked == [1]


# N-Triples parts are read by Oxigraph's lenient parser (about twice as fast), and the scan
# checks each term as the strict parser would (aigraph.view.checked.Unchecked): whatever the
# checked scan takes, the strict parser reads the same, quad for quad; what it refuses, the
# one-pass fold reads strictly (and reports, when it is an error).
_XSD = "http://www.w3.org/2001/XMLSchema#"
_SEEDS = [
    *LINES,
    f'<{EX}x> <{RDFS}label> "caf\\u00e9 \\t tab"@fr-CA .',
    f'<{EX}x> <{EX}size> "42"^^<{_XSD}integer> .',
    f"<{EX}x> <{RDFS}subClassOf> <{EX}Y> .",
    f'<{EX}x> <http://www.w3.org/2002/07/owl#cardinality> "1"^^<{_XSD}nonNegativeInteger> .',
    f'<{EX}f9> <{RDF}object> "9"^^<{_XSD}integer> .',
    f'<{EX}f9> <{AIG}quote> "a quote"@en .',
    f"_:b1 <{EX}rel> _:b2 .",
    f"<{EX}a%C3%A9?q=1#frag> <{EX}rel> <urn:fictional:thing> .",
    f'<{EX}x> <{RDFS}label> "emoji \\U0001F600 and \\\\ backslash" .',
    f'<{EX}x> <{EX}p> "x"@en .\n<{EX}x> <{EX}p> "y"^^<{EX}en> .',
    f"<{EX}f9> <{RDF}predicate> <<( <{EX}a> <{EX}p> <{EX}o> )>> .",
]
_BAD_FOR_STRICT = [  # each taken by the lenient parser alone
    f"<{EX}b c> <{EX}p> <{EX}o> .",
    f"<relative> <{EX}p> <{EX}o> .",
    f"<{EX}x> <{EX}p> <{EX}%zz> .",
    f"<{EX}x> <{EX}p> <http://a:b:c/> .",
    f"<{EX}x#y#z> <{EX}p> <{EX}o> .",
    f"<{EX}x> <{EX}p{{1}}> <{EX}o> .",
    f'<{EX}x> <{EX}p> "a"@toolonglangtag .',
    f'<{EX}x> <{EX}p> "a"^^<{RDF}langString> .',
    f'<{EX}x> <{EX}p> "\\uD83D\\uDE00" .',
    f'<{EX}x> <{EX}p> "x"^^<rel> .',
    f'<{EX}x> <{AIG}quote> "x"^^<{EX}a b> .',
    f'<{EX}x> <{RDF}object> "x"@1en .',
    f"<{EX}x> <{RDFS}subClassOf> <{EX}a b> .",
    f"<{EX}x> <{EX}p> <{EX}\\u0020> .",
    # Found by a review: a language tag checked once let a datatype spelled the same through,
    # and the triple term an rdf:predicate names was not looked into.
    f'<{EX}x> <{EX}p> "x"@en .\n<{EX}x> <{EX}p> "y"^^<en> .',
    f'<{EX}x> <{EX}p> "x"@EN .\n<{EX}x> <{AIG}quote> "y"^^<en> .',
    f"<{EX}x> <{RDF}predicate> <<( <rel> <{EX}p> <{EX}o> )>> .",
    f'<{EX}x> <{RDF}predicate> <<( <{EX}a> <{EX}p> "x"@toolonglangtag )>> .',
]
_NOISE = [" ", "<", ">", '"', "\\", "%", "#", ":", "@", "^", "-", ".", "\t", "\n", "\r", "é", "😀", "_", "0",
          "a", "Z", "{", "|", "/", "?", "[", "]", "'", "\\u0020", "\\uD800", "\\n", "%4", "%41", "^^", "@en",
          "_:", "<<(", ")>>", "^^<en>"]  # fmt: skip


def _lenient(path: Path) -> list[str] | None:
    from aigraph.view.scan import scan

    parts = [(path, 0, path.stat().st_size)]
    try:
        scan(split._quads(parts), checked=True)
        return [str(q) for q in split._quads(parts)]
    except (SyntaxError, ValueError):
        return None


def _strict(path: Path) -> list[str] | None:
    try:
        return [str(q) for q in stream_quads([path])]
    except (AigraphError, SyntaxError, ValueError):
        return None


def test_the_lenient_parse_reads_what_the_strict_one_reads_or_gives_way(tmp_path: Path) -> None:
    import random

    rng = random.Random(20261203)
    cases = list(_SEEDS) + list(_BAD_FOR_STRICT)

    def mutated() -> str:
        line = rng.choice(_SEEDS)
        for _edit in range(rng.randint(1, 3)):
            at = rng.randrange(len(line) + 1)
            cut = rng.choice((0, 0, 1, 2))
            line = line[:at] + rng.choice(_NOISE) + line[at + cut :]
        return line

    for _ in range(2500):
        # A third are two lines: what the checks remember of one line must not let the next through.
        cases.append(mutated() if rng.random() < 2 / 3 else rng.choice(_SEEDS) + "\n" + mutated())
    path = tmp_path / "case.nt"
    taken = refused = 0
    for line in cases:
        path.write_bytes(line.encode("utf-8", "surrogatepass") + b"\n")
        lenient, strict = _lenient(path), _strict(path)
        if lenient is not None:
            taken += 1
            assert strict == lenient, line
        else:
            refused += 1
    assert all(_strict(_write(path, line)) is None and _lenient(path) is None for line in _BAD_FOR_STRICT)
    # Every seed is taken, but a triple term, which the checked scan leaves to the strict parser.
    assert [line for line in _SEEDS if _lenient(_write(path, line)) is None] == [_SEEDS[-1]]
    assert taken > 300 and refused > 1000  # the mutations hit both sides


def _write(path: Path, line: str) -> Path:
    path.write_bytes(line.encode("utf-8") + b"\n")
    return path


@pytest.mark.parametrize("bad", _BAD_FOR_STRICT)
def test_what_only_the_lenient_parser_takes_is_reported_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    monkeypatch.setattr(split, "SPLIT_BYTES", 0)
    lines = LINES * 3
    lines[len(lines) - 5] = bad  # in the worker's part
    path = tmp_path / "bad.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert split.scan_files([path]) is None
    with pytest.raises(AigraphError) as err:
        write_view(tmp_path / "bad.html", data=[path])
    below = bad.count("\n")  # the error is on a case's last line
    assert f"bad.nt:{len(lines) - 4 + below}:" in str(err.value)
    lines[len(lines) - 5] = LINES[0]
    lines[3] = bad  # in this process's part
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert split.scan_files([path]) is None
    with pytest.raises(AigraphError) as err:
        write_view(tmp_path / "bad.html", data=[path])
    assert f"bad.nt:{4 + below}:" in str(err.value)


def test_n_triples_parts_are_read_leniently_and_n_quads_strictly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyoxigraph as ox

    seen: list[bool] = []
    real = ox.parse

    def parse(*args: Any, **kwargs: Any) -> Any:
        seen.append(bool(kwargs.get("lenient")))
        return real(*args, **kwargs)

    monkeypatch.setattr(split.ox, "parse", parse)
    first, second = tmp_path / "one.nt", tmp_path / "two.nq"
    first.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    second.write_text("\n".join(line[:-1] + f"<{EX}graph> ." for line in LINES) + "\n", encoding="utf-8")
    list(split._quads([(first, 0, first.stat().st_size)]))
    list(split._quads([(second, 0, second.stat().st_size)]))
    assert seen == [True, False]


@pytest.mark.parametrize(
    "statements",
    [
        {  # one quote and one sentence each (sent as they are)
            "f1": [EX + "zanthor", AIG + "collaboratesWith", EX + "quillon", ["works with"], [EX + "s1"]],
            "f2": [EX + "quillon", AIG + "focusArea", "_:area", ["focuses on"], [EX + "s2"]],
        },
        {  # parts not stated, a predicate that is no IRI, a literal object, none or two of each
            "f1": [EX + "zanthor", AIG + "collaboratesWith", EX + "quillon", ["works with"], [EX + "s1"]],
            "f2": [None, AIG + "founded", None, [], [EX + "s1", EX + "s2"]],
            "f3": [EX + "zanthor", "", "2029", ["founded in", "2029"], []],
        },
    ],
)
def test_a_workers_statements_arrive_whole(statements: dict[str, Any]) -> None:
    copies = {key: [*parts[:3], list(parts[3]), list(parts[4])] for key, parts in statements.items()}
    sent = split.Scan(statements=copies)
    got = split._decode(split._encode(sent)).statements
    assert list(got.items()) == list(statements.items())
