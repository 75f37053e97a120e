"""`aigraph query` and `aigraph.query`: formats, errors, inference, network refusal, time limits."""

from __future__ import annotations

import csv
import http.server
import io
import json
import os
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import aigraph
from aigraph.cli import cli
from aigraph.errors import AigraphError, NetworkRefused, QueryTimeout
from aigraph.sparql import engine as sparql
from aigraph.sparql import guard
from aigraph.sparql.results import cell, format_for_path, shorten

KG = "https://w3id.org/aigraph/id/"
AIG = "https://w3id.org/aigraph/ontology#"
RES = "{http://www.w3.org/2005/sparql-results#}"

LLAMA = ox.Triple(ox.NamedNode(KG + "Meta"), ox.NamedNode(AIG + "released"), ox.NamedNode(KG + "Llama"))
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
PATH_RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a (!rdf:nil)* ?b . ?c (!rdf:nil)* ?d }"
COMPETITORS = "SELECT ?c WHERE { kg:IBM aig:competesWith ?c } ORDER BY ?c"


def run(*args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["query", *args], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    # stdout_bytes: Result.stdout would turn CSV's CRLF into LF.
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


# ------------------------------------------------------------------ library


def test_library_select_rows_are_terms() -> None:
    result = aigraph.query(COMPETITORS)
    assert result.kind == "select" and result.variables == ("c",)
    assert [row[0] for row in result] == [ox.NamedNode(KG + n) for n in ("Google", "Microsoft", "OpenAI")]
    assert len(result) == 3 and bool(result)


def test_library_ask_construct_and_saved_names() -> None:
    assert aigraph.query("ASK { kg:Google aig:criticizes kg:Meta }").boolean is True
    assert not aigraph.query("ASK { kg:Meta aig:criticizes kg:Google }")
    graph = aigraph.query("CONSTRUCT WHERE { kg:Meta aig:released ?m }")
    assert graph.kind == "graph"
    assert graph.triples == [LLAMA]
    founders = aigraph.query("founders")
    assert [cell(r[2]) for r in founders] == ["IBM", "Meta"]


def test_library_bind_and_serialize() -> None:
    result = aigraph.query("SELECT ?o ?p ?s WHERE { ?s ?p ?o }", bind={"s": "kg:Llama"})
    assert {(cell(o), cell(p)) for o, p, _ in result} == {("aig:AIModel", "rdf:type"), ("Llama", "rdfs:label")}
    text = result.serialize("csv").decode()
    assert text.startswith("o,p,s\r\n") and f"Llama,http://www.w3.org/2000/01/rdf-schema#label,{KG}Llama\r\n" in text
    doc = json.loads(aigraph.query("ASK {}").serialize("json"))
    assert doc == {"head": {}, "boolean": True}


def test_library_query_over_given_data(tmp_path: Path) -> None:
    data = tmp_path / "d.ttl"
    data.write_text("<http://e/a> <http://e/p> 1 .\n", encoding="utf-8")
    rows = list(aigraph.query("SELECT ?o { ?s ?p ?o }", [data]))
    assert rows == [(ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),)]
    # The given data only: no ontology unless asked.
    assert not aigraph.query("ASK { aig:Company a owl:Class }", [data])
    assert aigraph.query("ASK { aig:Company a owl:Class }", [data], with_ontology=True)


# ------------------------------------------------------------------ formats


def test_table_is_aligned_with_short_iris_and_a_count_on_stderr() -> None:
    code, out, err = run(
        "SELECT ?c ?n WHERE { kg:IBM aig:competesWith ?c . ?c rdfs:label ?n } ORDER BY ?n", "--format", "table"
    )
    assert code == 0
    assert out == (
        "c             n\n"
        "------------  ---------\n"
        "kg:Google     Google\n"
        "kg:Microsoft  Microsoft\n"
        "kg:OpenAI     OpenAI\n"
    )
    assert err == "3 rows.\n"


def test_empty_table_says_so_on_stderr_and_other_formats_stay_valid() -> None:
    empty = "SELECT ?x WHERE { ?x aig:criticizes kg:IBM }"
    assert run(empty, "-f", "table") == (0, "", "No results.\n")
    assert run(empty, "-f", "csv")[1] == "x\r\n"
    assert run(empty, "-f", "tsv")[1] == "?x\n"
    assert json.loads(run(empty, "-f", "json")[1]) == {"head": {"vars": ["x"]}, "results": {"bindings": []}}
    root = ET.fromstring(run(empty, "-f", "xml")[1])
    assert root.find(f"{RES}results") is not None and not list(root.find(f"{RES}results"))


def test_pipe_default_is_tsv() -> None:
    code, out, err = run(COMPETITORS)
    assert code == 0 and err == ""
    assert out == f"?c\n<{KG}Google>\n<{KG}Microsoft>\n<{KG}OpenAI>\n"


TYPED = 'SELECT ?s ?n ?l ?u WHERE { BIND(kg:IBM AS ?s) BIND(45 AS ?n) BIND("IBM, \\"big\\" blue"@en AS ?l) }'


def test_csv_follows_w3c() -> None:
    code, out, _ = run(TYPED, "-f", "csv")
    assert code == 0
    assert out == f's,n,l,u\r\n{KG}IBM,45,"IBM, ""big"" blue",\r\n'
    assert list(csv.reader(io.StringIO(out))) == [["s", "n", "l", "u"], [f"{KG}IBM", "45", 'IBM, "big" blue', ""]]


def test_tsv_follows_w3c() -> None:
    code, out, _ = run(TYPED, "-f", "tsv")
    assert out == f'?s\t?n\t?l\t?u\n<{KG}IBM>\t45\t"IBM, \\"big\\" blue"@en\t\n'


def test_json_follows_w3c() -> None:
    doc = json.loads(run(TYPED, "-f", "json")[1])
    assert doc == {
        "head": {"vars": ["s", "n", "l", "u"]},
        "results": {
            "bindings": [
                {
                    "s": {"type": "uri", "value": f"{KG}IBM"},
                    "n": {"type": "literal", "value": "45", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
                    "l": {"type": "literal", "value": 'IBM, "big" blue', "xml:lang": "en"},
                }
            ]
        },
    }


def test_xml_follows_w3c() -> None:
    root = ET.fromstring(run(TYPED, "-f", "xml")[1])
    assert root.tag == f"{RES}sparql"
    assert [v.get("name") for v in root.iter(f"{RES}variable")] == ["s", "n", "l", "u"]
    bindings = {b.get("name"): b[0] for b in root.iter(f"{RES}binding")}
    assert bindings["s"].tag == f"{RES}uri" and bindings["s"].text == f"{KG}IBM"
    assert bindings["n"].get("datatype") == "http://www.w3.org/2001/XMLSchema#integer"
    assert bindings["l"].get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert "u" not in bindings


def test_ask_in_every_format() -> None:
    ask = "ASK { kg:IBM aig:competesWith kg:Google }"
    assert run(ask, "-f", "table") == (0, "true\n", "")
    assert json.loads(run(ask, "-f", "json")[1]) == {"head": {}, "boolean": True}
    assert ET.fromstring(run(ask, "-f", "xml")[1]).find(f"{RES}boolean").text == "true"  # type: ignore[union-attr]
    assert run("ASK { kg:IBM aig:criticizes kg:Meta }", "-f", "csv")[1] == "false\n"


def test_construct_prints_turtle_and_other_rdf() -> None:
    q = "CONSTRUCT WHERE { kg:Meta aig:released ?m }"
    code, out, _ = run(q)
    assert code == 0 and "kg:Meta aig:released kg:Llama" in out
    assert run(q, "-f", "ntriples")[1] == f"<{KG}Meta> <{AIG}released> <{KG}Llama> .\n"
    doc = json.loads(run(q, "-f", "json")[1])  # JSON-LD for RDF results
    assert doc["@context"]["kg"] == KG
    assert "rdf:RDF" in run(q, "-f", "xml")[1]
    code, _, err = run("DESCRIBE kg:Llama", "-f", "ntriples")
    assert code == 0


def test_mismatched_format_is_refused_before_evaluating() -> None:
    code, out, err = run(RUNAWAY, "-f", "turtle")
    assert code == 1 and out == ""
    assert "SELECT results cannot be written as turtle" in err
    code, _, err = run("CONSTRUCT WHERE { ?s ?p ?o }", "-f", "csv")
    assert code == 1 and "CONSTRUCT and DESCRIBE give RDF" in err


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("out.csv", lambda b: b.startswith(b"c\r\n")),
        ("out.tsv", lambda b: b.startswith(b"?c\n")),
        ("out.srj", lambda b: json.loads(b)["head"] == {"vars": ["c"]}),
        ("out.json", lambda b: json.loads(b)["head"] == {"vars": ["c"]}),
        ("out.srx", lambda b: ET.fromstring(b).tag == f"{RES}sparql"),
        ("out.xml", lambda b: ET.fromstring(b).tag == f"{RES}sparql"),
        ("out.txt", lambda b: b.startswith(b"c\n---")),
    ],
)
def test_output_file_format_from_extension(tmp_path: Path, name: str, check) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / name
    code, out, err = run(COMPETITORS, "-o", str(target))
    assert code == 0 and out == ""
    assert err.startswith(f"Wrote {target} (")
    assert check(target.read_bytes())


def test_construct_to_file_by_extension(tmp_path: Path) -> None:
    q = "CONSTRUCT WHERE { kg:Meta aig:released ?m }"
    run(q, "-o", str(tmp_path / "g.ttl"))
    run(q, "-o", str(tmp_path / "g.jsonld"))
    run(q, "-o", str(tmp_path / "g.nt"))
    formats = {"g.ttl": ox.RdfFormat.TURTLE, "g.jsonld": ox.RdfFormat.JSON_LD, "g.nt": ox.RdfFormat.N_TRIPLES}
    for name, fmt in formats.items():
        triples = [q.triple for q in ox.parse(path=str(tmp_path / name), format=fmt)]
        assert triples == [LLAMA], name


def test_unknown_output_extension(tmp_path: Path) -> None:
    code, _, err = run(COMPETITORS, "-o", str(tmp_path / "out.xyz"))
    assert code == 1 and "cannot tell the output format" in err
    assert list(tmp_path.iterdir()) == []
    assert format_for_path("a.SRJ") == "json"


def test_output_extension_must_fit_the_query_form(tmp_path: Path) -> None:
    code, _, err = run("CONSTRUCT WHERE { kg:Meta ?p ?o }", "-o", str(tmp_path / "g.srj"))
    assert code == 1 and ".srj is for SELECT and ASK results, but CONSTRUCT and DESCRIBE give RDF" in err
    code, _, err = run(COMPETITORS, "-o", str(tmp_path / "r.ttl"))
    assert code == 1 and ".ttl is for RDF, which CONSTRUCT and DESCRIBE give, not SELECT results" in err
    code, _, err = run("ASK {}", "-o", str(tmp_path / "r.rdf"))
    assert code == 1 and "not ASK results" in err
    assert list(tmp_path.iterdir()) == []
    # .json and .xml serve both: SPARQL results for SELECT, JSON-LD and RDF/XML for CONSTRUCT.
    assert run("CONSTRUCT WHERE { kg:Meta aig:released ?m }", "-o", str(tmp_path / "g.json"))[0] == 0
    assert [q.triple for q in ox.parse(path=str(tmp_path / "g.json"), format=ox.RdfFormat.JSON_LD)] == [LLAMA]


def test_format_aliases_as_extensions_spell_them() -> None:
    code, out, _ = run("CONSTRUCT WHERE { kg:Meta aig:released ?m }", "-f", "nt")
    assert code == 0 and out == f"{LLAMA} .\n"
    assert run("CONSTRUCT WHERE { kg:Meta aig:released ?m }", "-f", "ttl")[1].startswith("@prefix")


def test_shorten_and_cell() -> None:
    assert shorten(KG + "IBM") == "kg:IBM"
    assert shorten(KG + "a/b") == f"<{KG}a/b>"
    assert shorten("http://example.org/x") == "<http://example.org/x>"
    assert cell(ox.Literal("two\nlines")) == "two\\nlines"
    assert cell(ox.BlankNode("b1")) == "_:b1"
    assert cell(None) == ""


def test_query_prefixes_shorten_the_table_and_win_over_predeclared() -> None:
    code, out, _ = run(
        "PREFIX kg: <http://elsewhere/> PREFIX id: <https://w3id.org/aigraph/id/>"
        " SELECT ?x WHERE { BIND(id:IBM AS ?x) }",
        "-f",
        "table",
    )
    assert code == 0 and out.splitlines()[2] == "id:IBM"
    code, out, _ = run("PREFIX kg: <http://elsewhere/> SELECT ?c WHERE { kg:IBM aig:competesWith ?c }", "-f", "table")
    assert code == 0 and out == ""
    # A prefix the query declares for one of aigraph's namespaces names it in the table and in Turtle.
    code, out, _ = run("PREFIX e: <https://w3id.org/aigraph/id/> SELECT ?c WHERE { ?c a aig:Company } ORDER BY ?c",
                       "-f", "table")  # fmt: skip
    assert code == 0 and out.splitlines()[2:] == ["e:Google", "e:Microsoft", "e:OpenAI"]
    code, out, _ = run("PREFIX kg: <http://example.org/> CONSTRUCT { kg:a kg:b kg:c } WHERE {}")
    assert code == 0 and "@prefix kg: <http://example.org/> ." in out and "kg:a kg:b kg:c ." in out
    assert "w3id.org/aigraph/id/" not in out


# ------------------------------------------------------------------ the QUERY argument


def test_query_from_file_stdin_and_saved(tmp_path: Path) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text(COMPETITORS, encoding="utf-8")
    expected = run(COMPETITORS)[1]
    assert run(str(rq)) == (0, expected, "")
    assert run("-", input=COMPETITORS) == (0, expected, "")
    assert run("founders", "-f", "csv")[1].startswith("alliance,founder,name\r\n")


def test_stdin_is_read_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    """Bytes decoded as UTF-8 (a byte order mark dropped), in a real process that turns
    warnings into errors: click 8.5 deprecates the text stream aigraph once asked it for."""
    query = "\ufeffASK { kg:Meta ?p \"Méta ☃\" } # ünïcode\n"
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "latin-1", "PYTHONWARNINGS": "error"}
    proc = subprocess.run(
        [sys.executable, "-m", "aigraph", "query", "-", "--format", "json"],
        input=query.encode("utf-8"),
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
    assert json.loads(proc.stdout) == {"head": {}, "boolean": False}
    code, out, err = run("-", input=b"ASK { ?s ?p \"\xe9\" }")
    assert (code, out) == (1, "")
    assert err == "aigraph: error: <stdin>: not UTF-8 text (byte 13)\n"


def test_unknown_saved_query_lists_the_known_names() -> None:
    code, out, err = run("membres")
    assert code == 1 and out == ""
    assert err.startswith("aigraph: error: unknown saved query 'membres'")
    assert "members" in err and "evidence" in err and len(err.splitlines()) == 1


def test_missing_query_file() -> None:
    code, _, err = run("nothere.rq")
    assert code == 1 and err == "aigraph: error: nothere.rq: no such query file\n"


def test_syntax_error_is_one_line_with_line_column_and_text() -> None:
    code, out, err = run("SELECT ?x WHERE {\n  ?x a aig:Company\n  ?x rdfs:label ?n .\n}")
    assert code == 1 and out == ""
    assert err.startswith("aigraph: error: <query>:3: SPARQL syntax error at column 3: ")
    assert "is a '.' missing at the end of the line before?" in err
    assert err.endswith("; in: ?x a aig:Company ⏎ ?x rdfs:label ?n .\n")
    assert len(err.splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("query", "start", "words"),
    [
        # Oxigraph alone reports these at the end of the query, far from the mistake.
        (
            "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = )\n  ?s ?q ?r .\n}",
            "<query>:3: SPARQL syntax error at column 3",
            "cannot read the query from 'FILTER' on; in: ?s ?p ?o . ⏎ FILTER(?o = )",
        ),
        (
            'SELECT ?x WHERE {\n ?x rdfs:label "a" "b" .\n}',
            "<query>:2: SPARQL syntax error at column 20",
            'from \'"\' on; in: ?x rdfs:label "a" "b" .',
        ),
        (
            "SELECT ?x WHERE {\n ?x ?p ?o .\n OPTIONAL { ?x ?q ?r .\n",
            "<query>:3: SPARQL syntax error at column 11",
            "this '{' is never closed; in: OPTIONAL { ?x ?q ?r .",
        ),
        (
            "SELEKT ?s WHERE { ?s ?p ?o }",
            "<query>:1: SPARQL syntax error at column 1",
            "a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after any PREFIX and BASE lines), not 'SELEKT'",
        ),
        (
            'SELECT ?x WHERE {\n ?x rdfs:label "a\\q" }',
            "<query>:2: SPARQL syntax error at column 19",
            "a bad escape in a string",
        ),
        ('SELECT ?x WHERE {\n ?x rdfs:label "open }', "<query>:2: SPARQL syntax error", "a string is not closed"),
        # Errors beyond the grammar, which Oxigraph words as if they were tokens it expected.
        (
            "SELECT ?x WHERE { ?x ?p ?o } GROUP BY ?y",
            "<query>:1: SPARQL error",
            "a selected variable is neither grouped nor aggregated",
        ),
        ("SELECT (?x AS ?x) WHERE { ?x ?p ?o }", "<query>:1: SPARQL error", "reuses a variable already bound"),
        ("SELECT ?s WHERE { ?s <http://a b> ?o }", "<query>:1: SPARQL error", "not a valid IRI"),
        (
            "SELECT ?s WHERE {\n ?s ?p ?o .\n BIND(1 AS ?o)\n}",
            "<query>:4: SPARQL syntax error",
            "a variable bound twice, by BIND or AS",
        ),
        ("  \n", "<query>:1: the query is empty", ""),
    ],
)
def test_syntax_errors_point_at_the_mistake(query: str, start: str, words: str) -> None:
    code, out, err = run(query)
    assert code == 1 and out == ""
    assert err.startswith(f"aigraph: error: {start}"), err
    assert words in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_inline_sparql_without_spaces_is_not_a_path() -> None:
    code, out, err = run("DESCRIBE<https://w3id.org/aigraph/id/Llama>", "-f", "nt")
    assert code == 0 and err == ""
    assert "<https://w3id.org/aigraph/id/Llama>" in out and out.count("\n") >= 2


def test_syntax_error_in_a_file_names_the_file(tmp_path: Path) -> None:
    rq = tmp_path / "bad.rq"
    rq.write_text("SELECT * WHERE { ?s ?p ?o ", encoding="utf-8")
    code, _, err = run(str(rq))
    assert code == 1 and err.startswith(f"aigraph: error: {rq}:1: SPARQL syntax error")


def test_unknown_prefix_is_named() -> None:
    code, _, err = run("SELECT * WHERE {\n ?s ex:p ?o }")
    assert code == 1 and err.startswith("aigraph: error: <query>:2: unknown prefix ex: in the query")


def test_bind_errors() -> None:
    code, _, err = run(COMPETITORS, "--bind", "zzz=kg:IBM")
    assert code == 1 and "cannot bind ?zzz: the query has no such variable" in err
    code, _, err = run("evidence", "--bind", "s=Google")
    assert code == 1 and "cannot read 'Google' as an RDF term" in err
    code, _, err = run("SELECT ?c WHERE { ?x aig:competesWith ?c }", "--bind", "x=kg:IBM")
    assert code == 1 and "the query does not select it" in err
    assert run("evidence", "--bind", "nonsense")[0] == 2


def test_bind_literals() -> None:
    code, out, _ = run("SELECT ?o ?n WHERE { ?o rdfs:label ?n }", "--bind", 'n="Llama"', "-f", "table")
    assert code == 0 and out.splitlines()[2].split() == ["kg:Llama", "Llama"]
    code, out, _ = run("SELECT ?a ?n WHERE { ?a aig:approximateMemberCount ?n }", "--bind", "n=45", "-f", "csv")
    assert out == f"a,n\r\n{KG}AIAlliance,45\r\n"


def test_named_graphs_answer_plain_queries(tmp_path: Path) -> None:
    trig = tmp_path / "d.trig"
    trig.write_text("<http://e/g1> { <http://e/a> <http://e/p> 1 }\n<http://e/b> <http://e/p> 2 .\n", encoding="utf-8")
    code, out, _ = run("SELECT ?s WHERE { ?s <http://e/p> ?o } ORDER BY ?s", "--data", str(trig), "-f", "csv")
    assert out == "s\r\nhttp://e/a\r\nhttp://e/b\r\n"
    code, out, _ = run("SELECT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } }", "--data", str(trig), "-f", "csv")
    assert out == "g,s\r\nhttp://e/g1,http://e/a\r\n"


def test_bad_data_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://e/a> <http://e/p> .\n", encoding="utf-8")
    code, out, err = run(COMPETITORS, "--data", str(bad))
    assert code == 1 and out == "" and err.startswith(f"aigraph: error: {bad}:1: ")


# ------------------------------------------------------------------ inference


def test_infer_symmetry_inverse_subclass_and_subproperty() -> None:
    asks = {
        "ASK { kg:Microsoft aig:competesWith kg:IBM }": "symmetric competesWith",
        "ASK { kg:AIAlliance aig:hasMember kg:PartnershipOnAI }": "inverse of memberOf",
        "ASK { kg:AIAlliance aig:hasFoundingMember kg:Meta }": "inverse of foundingMemberOf",
        "ASK { kg:Google a aig:Organization }": "Company is a subclass of Organization",
        "ASK { kg:IBM org:memberOf kg:AIAlliance }": "memberOf is a subproperty of org:memberOf",
    }
    for q, why in asks.items():
        assert not aigraph.query(q), f"asserted already: {why}"
        assert aigraph.query(q, infer=True), why
    # foundingMemberOf -> memberOf, shown on data that states only foundingMemberOf.
    assert aigraph.query("ASK { kg:IBM aig:memberOf kg:AIAlliance }", infer=True)


def test_infer_subproperty_on_new_data(tmp_path: Path) -> None:
    data = tmp_path / "d.ttl"
    data.write_text(f"<{KG}X> <{AIG}foundingMemberOf> <{KG}Y> .\n", encoding="utf-8")
    q = "ASK { kg:X aig:memberOf kg:Y }"
    assert not aigraph.query(q, [data], with_ontology=True)
    assert aigraph.query(q, [data], with_ontology=True, infer=True)
    code, out, _ = run(q, "--data", str(data), "--with-ontology", "--infer", "-f", "table")
    assert (code, out) == (0, "true\n")


def test_infer_from_the_cli() -> None:
    code, out, _ = run("SELECT ?x WHERE { kg:Microsoft aig:competesWith ?x }", "--infer", "-f", "csv")
    assert (code, out) == (0, f"x\r\n{KG}IBM\r\n")


# ------------------------------------------------------------------ network safety


@pytest.mark.parametrize(
    ("query", "keyword"),
    [
        ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", "SERVICE"),
        ("select * where { service silent <http://x/> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <http://x/g> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
        ("SELECT * FROM kg:x WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * WHERE { ?s ?p ?o .SERVICE <http://x/> { } }", "SERVICE"),
        ("SELECT * WHERE {\n# comment\n ?s ?p ?o } FROM<http://x/>", "FROM"),
        ("LOAD <http://x/data.ttl>", "LOAD"),
        # An escaped '#' in a local name does not start a comment.
        ("PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:a\\#b ?o . SERVICE <http://x/> { } }", "SERVICE"),
        ("SELECT * WHERE { ?s ?p 'a' .SERVICE<http://x/>{} }", "SERVICE"),
        ("SELECT * WHERE { ?s ?p -1.SERVICE <http://x/> {} }", "SERVICE"),
        # Oxigraph matches keywords without a word boundary (issue 16 item 1).
        ("PREFIX : <http://x/> SELECT * WHERE { SERVICE:{ ?s ?p ?o } }", "SERVICE"),
        ("PREFIX e: <http://x/> SELECT * WHERE { SERVICEe:x { ?s ?p ?o } }", "SERVICE"),
        ("prefix : <http://x/> select * where { service:{ ?s ?p ?o } }", "SERVICE"),
        ("PREFIX : <http://x/> ASK { FILTER EXISTS { SERVICE:{} } }", "SERVICE"),
        ("PREFIX : <http://x/> ASK { FILTER NOT EXISTS { sErViCe SILENT:{} } }", "SERVICE"),
        ("PREFIX e: <http://e/> SELECT * WHERE { ?s ?p e:.SERVICE<http://x/>{} }", "SERVICE"),
        ("SELECT * WHERE { ?s ?p 1SERVICE<http://x/>{} }", "SERVICE"),
        ("SELECT * WHERE { ?s ?p true.SERVICE<http://x/>{} }", "SERVICE"),
        ("SELECT*FROM<http://x/g>{?s ?p ?o}", "FROM"),
        ("SELECT * FROMNAMED<http://x/g> {?s ?p ?o}", "FROM"),
        ("PREFIX e: <http://x/> SELECT * FROMe:g {?s ?p ?o}", "FROM"),
    ],
)
def test_network_keywords_are_found(query: str, keyword: str) -> None:
    with pytest.raises(NetworkRefused, match=keyword):
        sparql.prepare(query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service ?from ?load WHERE { ?service ?from ?load }",
        "SELECT * WHERE { ?s ex:from ex:service } ",
        'SELECT * WHERE { ?s ?p "SERVICE <http://x/> FROM" }',
        "SELECT * WHERE { ?s ?p '''FROM\n SERVICE''' }",
        'SELECT * WHERE { ?s ?p """a "" FROM "b" """ }',
        "SELECT * WHERE { ?s ?p 'it\\'s SERVICE' }",
        "SELECT * WHERE { ?s <http://x/SERVICE/FROM> ?o } # SERVICE FROM LOAD",
        'SELECT * WHERE { ?s ?p "x"@from }',
        "SELECT * WHERE { ?s ?p _:service }",
        "SELECT $from WHERE { ?s ?p $from }",
        # Local names are read whole, as Oxigraph's lexer reads them.
        "SELECT * WHERE { ?s schema:serviceType kg:CustomerService, schema:Service }",
        "PREFIX e: <http://e/> SELECT * WHERE { ?s e:a.SERVICE e:from.load }",
        "SELECT * WHERE { ?s ?p _:b.service }",
    ],
)
def test_network_words_in_names_strings_comments_and_iris_do_not_count(query: str) -> None:
    info = guard.inspect_query(query)
    assert info.keywords == []


UPDATES = [
    "INSERT DATA { kg:a kg:b kg:c }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP GRAPH <http://x/>",
    "WITH <http://x/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused(update: str) -> None:
    with pytest.raises(AigraphError, match="read-only SPARQL queries"):
        sparql.prepare(update, allow_network=True)


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def _reply(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.hits.append(self.path)
        if self.path.startswith("/data"):
            body, ctype = b'<http://e/s> <http://e/p> "fetched" .\n', "application/n-triples"
        else:
            body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"remote"}}]}}'
            ctype = "application/sparql-results+json"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _reply

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    handler = type("Handler", (_Counter,), {"hits": hits})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}", hits
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def test_loopback_server_gets_no_hit_without_allow_network(server: tuple[str, list[str]], tmp_path: Path) -> None:
    base, hits = server
    data = tmp_path / "x.ttl"
    data.write_text("<http://e/a> <http://e/p> 1 .\n", encoding="utf-8")
    queries = [
        f"SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{base}/data.nt> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{base}/data.nt> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{data.as_uri()}> WHERE {{ ?s ?p ?o }}",
        f"LOAD <{base}/data.nt>",
    ]
    for q in queries:
        code, out, err = run(q, "-f", "csv")
        assert code == 1 and out == "", q
        assert "unless --allow-network is given" in err, err
        with pytest.raises(NetworkRefused):
            aigraph.query(q)
    assert hits == []


def test_allow_network_runs_service_and_fetches_from(server: tuple[str, list[str]], tmp_path: Path) -> None:
    base, hits = server
    code, out, _ = run(f"SELECT ?x WHERE {{ SERVICE <{base}/sparql> {{ ?x ?p ?o }} }}", "--allow-network", "-f", "csv")
    assert (code, out) == (0, "x\r\nremote\r\n")
    assert hits == ["/sparql"]
    code, out, _ = run(f"SELECT ?o FROM <{base}/data.nt> WHERE {{ ?s ?p ?o }}", "--allow-network", "-f", "csv")
    assert (code, out) == (0, "o\r\nfetched\r\n")  # only the fetched document: FROM sets the default graph
    code, out, _ = run(
        f"SELECT ?g ?o FROM NAMED <{base}/data2.nt> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", "--allow-network", "-f", "csv"
    )
    assert (code, out) == (0, f"g,o\r\n{base}/data2.nt,fetched\r\n")
    assert hits == ["/sparql", "/data.nt", "/data2.nt"]
    local = tmp_path / "local.nt"
    local.write_text('<http://e/s> <http://e/p> "from a file" .\n', encoding="utf-8")
    result = aigraph.query(f"SELECT ?o FROM <{local.as_uri()}> WHERE {{ ?s ?p ?o }}", allow_network=True)
    assert [cell(r[0]) for r in result] == ["from a file"]
    code, _, err = run(f"LOAD <{base}/data.nt>", "--allow-network")
    assert code == 1 and "read-only" in err
    assert len(hits) == 3


# ------------------------------------------------------------------ time limit


@pytest.mark.parametrize("runaway", [RUNAWAY, PATH_RUNAWAY])
def test_timeout_stops_a_runaway_query(runaway: str, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    start = time.monotonic()
    code, out, err = run(runaway, "--timeout", "1", "-o", str(target))
    elapsed = time.monotonic() - start
    assert code == 3 and out == ""
    assert "stopped after 1 s (--timeout)" in err and len(err.splitlines()) == 1
    assert elapsed < 10
    assert list(tmp_path.iterdir()) == []  # no partial output


def test_library_timeout() -> None:
    start = time.monotonic()
    with pytest.raises(QueryTimeout, match="stopped after 0.5 s"):
        aigraph.query(RUNAWAY, timeout=0.5)
    assert time.monotonic() - start < 10
    # A query that finishes in time returns through the child process unchanged.
    assert [cell(r[0]) for r in aigraph.query(COMPETITORS, timeout=20)] == ["kg:Google", "kg:Microsoft", "kg:OpenAI"]


def test_errors_in_the_child_come_back_as_themselves() -> None:
    with pytest.raises(AigraphError, match="does not select it"):
        aigraph.query("SELECT ?c WHERE { ?x aig:competesWith ?c }", bind={"x": "kg:IBM"}, timeout=20)
    with pytest.raises(AigraphError, match="SPARQL syntax error"):
        aigraph.query("SELECT * WHERE {", timeout=20)


def test_help_explains_union_and_network() -> None:
    result = CliRunner().invoke(cli, ["query", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "union of all graphs" in text and "--allow-network" in text and "Examples:" in result.output


def test_oxigraph_keeps_typed_literals_canonical() -> None:
    # Documented in the README (oxigraph#526); if this fails, Oxigraph changed: update the README.
    rows = aigraph.query("SELECT ?i WHERE { kg:ai-alliance-article-s01 aig:sentenceIndex ?i }").rows
    assert rows == [(ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),)]


def test_plain_query_path_imports_no_rdflib() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['aigraph', 'query', 'members']\n"
        "from aigraph.cli import main\n"
        "try:\n    main(exit_fast=False)\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('rdflib', 'owlrl', 'networkx', 'pyvis', 'pyshacl') if m in sys.modules]\n"
        "print('heavy:', heavy, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("?alliance\t?member\t?name\t?founding\n")
    assert done.stderr.strip().endswith("heavy: []"), done.stderr


def test_the_built_graph_is_the_one_built_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `aigraph build` writes graphs/ai-alliance.ttl here; later commands read that one.
    monkeypatch.chdir(tmp_path)
    assert run("ASK { kg:Google aig:criticizes kg:Meta }")[1] == "true\n"  # none here: the shipped copy
    (tmp_path / "graphs").mkdir()
    (tmp_path / "graphs" / "ai-alliance.ttl").write_text(f"<{KG}X> <{AIG}memberOf> <{KG}Y> .\n", encoding="utf-8")
    code, out, _ = run("SELECT ?a ?b WHERE { ?a aig:memberOf ?b }", "-f", "csv")
    assert code == 0 and out == f"a,b\r\n{KG}X,{KG}Y\r\n"
    assert aigraph.query("ASK { kg:Google aig:criticizes kg:Meta }").boolean is False
    (tmp_path / "graphs" / "ai-alliance.ttl").write_text("not turtle\n", encoding="utf-8")
    code, _, err = run("members")
    assert code == 1 and err.startswith("aigraph: error: graphs/ai-alliance.ttl:1: not valid Turtle")


# ------------------------------------------------------------------ VALUES defaults and --bind


def test_bind_replaces_the_final_values_clause() -> None:
    query = "SELECT ?c ?rival WHERE { ?c aig:competesWith ?rival } ORDER BY ?rival\nVALUES ?c { kg:Meta }"
    assert run(query, "-f", "csv") == (0, "c,rival\r\n", "")
    code, out, _ = run(query, "--bind", "c=kg:IBM", "-f", "csv")
    rivals = "".join(f"{KG}IBM,{KG}{n}\r\n" for n in ("Google", "Microsoft", "OpenAI"))
    assert (code, out) == (0, "c,rival\r\n" + rivals)


def test_bind_in_a_values_clause_of_several_variables_keeps_the_other_columns() -> None:
    text = 'SELECT * { } VALUES (?a $b) { (1 "x"@en) (2 "x"@en) (UNDEF "y") } # end'
    prepared = sparql.prepare(text, bind={"a": "7"})
    seven = '"7"^^<http://www.w3.org/2001/XMLSchema#integer>'
    # Rows made equal by the new value are kept once (twice would repeat every answer).
    assert prepared.text == f'SELECT * {{ }} VALUES (?a $b) {{ ({seven} "x"@en) ({seven} "y") }} # end'
    assert prepared.substitutions == {}
    assert [tuple(t.value for t in row) for row in aigraph.query(text, bind={"a": "7"})] == [("7", "x"), ("7", "y")]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?x { VALUES ?x { 1 } }",  # inside the group: not the final clause
        'SELECT ?x { BIND("VALUES ?x { 1 }" AS ?y) }',  # in a string
        "SELECT ?x { }  # VALUES ?x { 1 }",  # in a comment
        "SELECT ?x { { SELECT ?x { } VALUES ?x { 1 } } }",  # a subquery's
    ],
)
def test_only_the_final_values_clause_counts(text: str) -> None:
    assert sparql.trailing_values(text) is None
    prepared = sparql.prepare(text, bind={"x": "2"})
    two = ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert prepared.text == text and prepared.substitutions == {ox.Variable("x"): two}


# ------------------------------------------------------------------ relative IRIs and --base


@pytest.fixture
def relative(tmp_path: Path) -> Path:
    """A data file and a query file side by side, both with relative IRIs."""
    (tmp_path / "data.ttl").write_text("<s> <p> <x> .\n<t> <p> 2 .\n", encoding="utf-8")
    (tmp_path / "q.rq").write_text("SELECT ?s WHERE { ?s ?p ?o FILTER(?o IN (1, <x>)) }\n", encoding="utf-8")
    return tmp_path


def test_relative_iris_in_a_query_file_resolve_against_its_address(relative: Path) -> None:
    base = relative.resolve().as_uri() + "/"
    code, out, err = run(str(relative / "q.rq"), "--data", str(relative / "data.ttl"), "-f", "csv")
    assert (code, out, err) == (0, f"s\r\n{base}s\r\n", "")
    assert aigraph.query("SELECT * { BIND(<x> AS ?o) }", base_iri=base).rows == [(ox.NamedNode(base + "x"),)]


def test_base_sets_the_base_of_inline_stdin_and_file_queries(relative: Path) -> None:
    base = relative.resolve().as_uri() + "/"
    data = ["--data", str(relative / "data.ttl"), "-f", "csv"]
    text = (relative / "q.rq").read_text(encoding="utf-8")
    assert run(text, "--base", base, *data)[1] == f"s\r\n{base}s\r\n"
    assert sparql.resolve_query("-", lambda: text, base_iri=base) == sparql.QueryText(text, "<stdin>", base)
    assert run(str(relative / "q.rq"), "--base", "http://elsewhere.example/", *data)[1] == "s\r\n"
    assert run("BASE <" + base + "> " + text, *data)[1] == f"s\r\n{base}s\r\n"  # a BASE line needs no --base
    for bad in ("x/", "http://a b/"):
        code, out, err = run(text, "--base", bad, *data)
        assert (code, out) == (1, "") and err == (
            f"aigraph: error: the base IRI {bad!r} is not an absolute IRI (such as https://example.org/)\n"
        )


def test_relative_iri_without_a_base_is_named(relative: Path) -> None:
    text = (relative / "q.rq").read_text(encoding="utf-8")
    code, out, err = run(text, "--data", str(relative / "data.ttl"))
    assert code == 1 and out == ""
    assert err == (
        "aigraph: error: <query>:1: the relative IRI <x> needs a base IRI: give --base IRI, a BASE line,"
        " or run the query from a file (its address is the base)\n"
    )


def test_relative_from_resolves_against_the_query_file(relative: Path) -> None:
    """FROM <data.ttl> in a query file names the file beside it (read only with --allow-network)."""
    (relative / "from.rq").write_text("SELECT ?s FROM <data.ttl> WHERE { ?s ?p 2 }\n", encoding="utf-8")
    base = relative.resolve().as_uri() + "/"
    code, _, err = run(str(relative / "from.rq"))
    assert code == 1 and "the query uses FROM" in err
    code, out, err = run(str(relative / "from.rq"), "--allow-network", "-f", "csv")
    assert (code, out, err) == (0, f"s\r\n{base}t\r\n", "")

# ------------------------------------------------------------------ round two (issue 16)


@pytest.mark.parametrize(
    ("query", "operators"),
    [
        ("ASK { FILTER(" + "!" * 1499 + "true) }", 1501),  # '{' and FILTER count too
        ("SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(1499)) + " }", 1500),
        ("SELECT * { ?s ?p " + ", ".join(f"?o{i}" for i in range(1499)) + " }", 1499),
        ("SELECT * { ?s ?p ?o FILTER(?o IN (" + ", ".join(map(str, range(5000))) + ")) }", 3),
        ("SELECT * { VALUES ?x { " + " ".join(f"{i}.5" for i in range(5000)) + " } }", 3),
    ],
)
def test_operators_are_counted_as_the_engine_nests_them(query: str, operators: int) -> None:
    """Chains that Oxigraph nests count; flat lists (IN, VALUES, decimals) do not."""
    info = guard.inspect_query(query)
    assert abs(info.operators - operators) <= 1, info.operators
    assert (info.too_long is not None) == (info.operators > guard.MAX_OPERATORS)


@pytest.mark.parametrize(
    "query",
    [
        "ASK { FILTER(" + "(" * 990 + "!" * 1490 + "true" + ")" * 990 + ") }",
        "SELECT * WHERE " + "{" * 500 + " ".join(f"BIND({i} AS ?v{i})" for i in range(990)) + "}" * 500,
        "ASK { FILTER(" + "(" * 990 + "false||" * 740 + "1+" * 5 + "1" + ")" * 990 + ") }",
        "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 740) + " }",
    ],
    ids=["not-in-990-brackets", "binds-in-500-groups", "or-in-990-brackets", "740-unions"],
)
def test_what_the_bounds_let_through_runs_in_process(query: str) -> None:
    """At the bounds, the engine's recursion fits an ordinary 8 MiB stack (no child, no margin
    from the larger child stack): a crash here would kill the test process."""
    info = guard.inspect_query(query)
    assert info.too_long is None and info.too_deep is None
    code = (
        "import sys, pyoxigraph as ox\n"
        "r = ox.Store().query(sys.stdin.read())\n"
        "print(bool(r) if isinstance(r, ox.QueryBoolean) else len(list(r)))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], input=query, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, (run.returncode, run.stderr[-300:])


def _results_xml(data: str) -> ET.Element:
    return ET.fromstring(data)  # an XML parser: raises on a document that is not well-formed


@pytest.mark.parametrize(("char", "name"), [("\\u0000", "U+0000"), ("\\u001B", "U+001B"), ("\\uFFFE", "U+FFFE")])
def test_xml_results_refuse_what_xml_cannot_hold(char: str, name: str, tmp_path: Path) -> None:
    query = f'SELECT ("a{char}b" AS ?x) WHERE {{}}'
    code, out, err = run(query, "--format", "xml")
    assert code == 1 and out == "" and f"holds {name}, which XML 1.0 cannot represent" in err, err
    assert err.startswith("aigraph: error: <query>: cannot write SPARQL XML results") and err.count("\n") == 1
    target = tmp_path / "r.srx"
    code, _, err = run(query, "-o", str(target))
    assert code == 1 and "XML 1.0" in err and not target.exists()
    code, out, _ = run(query, "--format", "json")  # JSON escapes it: the way out the message names
    assert code == 0 and json.loads(out)["results"]["bindings"][0]["x"]["value"] == f"a{chr(int(char[2:], 16))}b"


def test_xml_results_keep_a_carriage_return_and_parse(tmp_path: Path) -> None:
    target = tmp_path / "r.srx"
    code, _, err = run('SELECT ("a\\rb\\u0085c\\u2028d" AS ?x) WHERE {}', "-o", str(target))
    assert code == 0, err
    literal = _results_xml(target.read_text(encoding="utf-8")).find(f".//{RES}literal")
    assert literal is not None and literal.text == "a\rb\u0085c\u2028d"


def test_tsv_escapes_raw_control_characters_and_reads_back() -> None:
    code, out, _ = run('SELECT ("a\\u0000b\\u001Bc\\u009Bd\\te" AS ?x) WHERE {}', "--format", "tsv")
    assert code == 0 and out == '?x\n"a\\u0000b\\u001Bc\\u009Bd\\te"\n', repr(out)
    parsed = ox.parse_query_results(out.encode(), format=ox.QueryResultsFormat.TSV)
    assert [s["x"].value for s in parsed] == ["a\x00b\x1bc\x9bd\te"]


def test_table_shows_terminal_controls_as_escapes() -> None:
    values = '"a\\u009B31mb" "r\\u202Eevil" "i\\u2066j\\u2069" "n\\u0085l" <http://e/\\u202Ex>'
    query = f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}"
    code, out, _ = run(query, "--format", "table")
    assert code == 0
    for raw in "\x9b\u202e\u2066\u2069\x85\x1b":
        assert raw not in out, repr(out)
    for shown in ("a\\u009B31mb", "r\\u202Eevil", "i\\u2066j\\u2069", "n\\u0085l", "<http://e/\\u202Ex>"):
        assert shown in out, out


def test_error_messages_show_controls_and_bidi_overrides_as_escapes() -> None:
    err = str(AigraphError("bad value 'x\x9b[2Jy\u202ez'\tand a tab", path="q\u2067.rq"))
    assert err == "q\\u2067.rq: bad value 'x\\x9b[2Jy\\u202ez'\\tand a tab"


def test_usage_errors_are_one_line_with_a_hint() -> None:
    for args in (["query", "--nope"], ["quer"], ["query"], ["query", "members", "--format", "png"]):
        result = CliRunner().invoke(cli, args)
        lines = result.stderr.splitlines()
        assert result.exit_code == 2 and len(lines) == 1, (args, result.stderr)
        assert lines[0].startswith("aigraph: error: ") and "-h')" in lines[0], lines


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--timeout", "nan"], "'nan' is not a number of seconds"),
        (["--timeout", "inf"], "'inf' is not a number of seconds"),
        (["--timeout", "-1"], "--timeout"),
        (["--max-memory", "99999999999999999999"], "is not in the range"),
        (["--bind", "company=\udcff"], "is not UTF-8 text (byte 0xff"),
    ],
)
def test_bad_option_values_are_one_line(args: list[str], fragment: str) -> None:
    code, out, err = run("competitors", *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and fragment in err, err


def test_invalid_utf8_on_stdin_is_one_line() -> None:
    result = CliRunner().invoke(cli, ["query", "-"], input=b"SELECT * { ?s ?p \xff }")
    assert result.exit_code == 1 and result.stderr == "aigraph: error: <stdin>: not UTF-8 text (byte 17)\n"


def test_inline_query_that_is_not_utf8_is_one_line() -> None:
    code, _, err = run('SELECT ("\udcff" AS ?x) {}')
    assert code == 2 and "Invalid value for 'QUERY': is not UTF-8 text (byte 0xff" in err and err.count("\n") == 1


def test_from_a_device_names_it_not_a_cartesian_product() -> None:
    code, _, err = run("SELECT * FROM <file:///dev/zero> WHERE { ?s ?p ?o }", "--allow-network")
    assert code == 1 and "FROM <file:///dev/zero>: not a regular file" in err and "cartesian" not in err


def test_negative_numbers_in_a_values_list_are_no_chain() -> None:
    values = " ".join(f"-{i}" for i in range(3000))
    assert guard.inspect_query(f"SELECT * {{ VALUES ?x {{ {values} }} }}").too_long is None
    assert guard.inspect_query("ASK { FILTER(" + "1-" * 1600 + "1 < 0) }").too_long is not None
