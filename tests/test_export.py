"""aigraph export: every RDF format round-trips; GraphML/GEXF load back in NetworkX."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from aigraph.cli import cli

from .conftest import GOLDEN_TTL, ONTOLOGY

RDFLIB_NAMES = {
    "turtle": "turtle",
    "ntriples": "nt",
    "nquads": "nquads",
    "trig": "trig",
    "jsonld": "json-ld",
    "xml": "xml",
}
OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}


def parse_with_rdflib(data: bytes, fmt: str) -> rdflib.Graph:
    """Parse any format with rdflib, merging named graphs into one graph."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's own Dataset internals
        ds = rdflib.Dataset()
        ds.parse(data=data, format=fmt)
        merged = rdflib.Graph()
        for s, p, o, _ in ds.quads():
            merged.add((s, p, o))
    return merged


def _golden() -> rdflib.Graph:
    return rdflib.Graph().parse(GOLDEN_TTL, format="turtle")


@pytest.mark.parametrize("fmt", sorted(RDFLIB_NAMES))
def test_round_trip_through_two_parsers(fmt: str, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / f"graph.{fmt}"
    result = runner.invoke(cli, ["export", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.stderr
    # rdflib, an independent parser.
    merged = parse_with_rdflib(out.read_bytes(), RDFLIB_NAMES[fmt])
    assert isomorphic(merged, _golden())
    # pyoxigraph, strict.
    quads = list(ox.parse(input=out.read_bytes(), format=OX_FORMATS[fmt]))
    assert len(set(quads)) == len(_golden())


def test_format_from_extension_and_stdout(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "g.nt"
    assert runner.invoke(cli, ["export", "-o", str(out)]).exit_code == 0
    assert out.read_text().count(" .\n") == len(_golden())
    result = runner.invoke(cli, ["export"])
    assert result.exit_code == 0
    assert result.stdout.startswith("@prefix ")  # turtle on stdout by default


def test_jsonld_context_is_inline(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["export", "--format", "jsonld"])
    doc = json.loads(result.stdout)
    assert isinstance(doc["@context"], dict)
    assert doc["@context"]["aig"] == "https://w3id.org/aigraph/ontology#"
    assert "http" not in json.dumps(doc["@context"]).replace('"http://', "").replace('"https://', "")


def test_with_ontology_adds_the_ontology(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["export", "--format", "ntriples", "--with-ontology"])
    g = rdflib.Graph().parse(data=result.stdout, format="nt")
    onto = rdflib.Graph().parse(ONTOLOGY)
    assert len(g) == len(_golden()) + len(onto)


def test_data_option_reads_other_files(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "in.ttl"
    src.write_text('<http://e/a> <http://e/p> "x"@en .\n')
    result = runner.invoke(cli, ["export", "--data", str(src), "--format", "ntriples"])
    assert result.exit_code == 0
    assert result.stdout == '<http://e/a> <http://e/p> "x"@en .\n'


def test_named_graphs_are_not_silently_dropped(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "in.trig"
    src.write_text("<http://e/g> { <http://e/a> <http://e/p> <http://e/b> }\n")
    # Turtle cannot hold them: the union is written, and stderr says so (issue 13).
    result = runner.invoke(cli, ["export", "--data", str(src), "--format", "ntriples"])
    assert result.exit_code == 0
    assert result.stdout == "<http://e/a> <http://e/p> <http://e/b> .\n"
    assert "1 named graph(s)" in result.stderr and "union" in result.stderr
    ok = runner.invoke(cli, ["export", "--data", str(src), "--format", "nquads"])
    assert ok.stdout == "<http://e/a> <http://e/p> <http://e/b> <http://e/g> .\n"


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_network_formats_load_in_networkx(fmt: str, reader, runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / f"g.{fmt}"
    result = runner.invoke(cli, ["export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    g = reader(out)
    if fmt == "graphml":  # GraphML ids are name tokens: n0, n1, ...; the IRI is an attribute
        assert list(g) == [f"n{i}" for i in range(len(g))]
        g = nx.relabel_nodes(g, {n: d["iri"] for n, d in g.nodes(data=True)})
    assert g.number_of_nodes() == 44
    assert g.number_of_edges() == 49  # 50 relation facts, one of them a literal (the member count)
    google = "https://w3id.org/aigraph/id/Google"
    meta = "https://w3id.org/aigraph/id/Meta"
    assert g.nodes[google]["label"] == "Google"
    edges = g.get_edge_data(google, meta)
    data = next(iter(edges.values()))
    assert data["label"] == "criticizes"
    assert data["predicate"] == "https://w3id.org/aigraph/ontology#criticizes"
    assert "faced criticism from companies like Google" in data["evidence"]
    assert data["article"].startswith("Meta and IBM team up")
    assert all(isinstance(v, str) for _, d in g.nodes(data=True) for v in d.values())
    # Nothing named like an edge's ends: networkx.to_pandas_edgelist and pyvis's from_nx refuse those.
    assert not {"source", "target"} & {k for _, _, d in g.edges(data=True) for k in d}


GRAPHML_XSD = Path(__file__).parent / "schemas" / "graphml" / "graphml.xsd"  # see its SOURCE

# Fictional IRIs and literals that are hard on XML: markup, escapes, non-ASCII, control
# characters, blank nodes, an IRI-named literal property, parallel edges, a repeated predicate.
HOSTILE_TTL = """\
@prefix ex: <http://example.org/> .
<http://example.org/a%20b?x=1&y=%3C2%3E#frag> ex:p [ ex:q "x & <y> \\"z\\" ]]> --" ] ;
    <http://example.org/weird_x41_/\u00fcmlaut#p%20q> "\u00e9t\u00e9"@fr,
        "01"^^<http://www.w3.org/2001/XMLSchema#integer> ;
    <urn:x:y> <urn:isbn:0-000-00000-0> .
_:b ex:r <http://example.org/a%20b?x=1&y=%3C2%3E#frag> .
<urn:isbn:0-000-00000-0> ex:p <http://example.org/a%20b?x=1&y=%3C2%3E#frag> ;
    ex:p2 <http://example.org/a%20b?x=1&y=%3C2%3E#frag> ;
    ex:p <urn:isbn:0-000-00000-0> .
<http://\u4f8b\u3048.example/\u30ce\u30fc\u30c9> ex:p "line\\nbreak\\r\\ttab" ; ex:label "" .
ex:n1 ex:p ex:n2 .
"""


def validate_graphml(path: Path) -> None:
    """The official GraphML 1.0 schema accepts ``path`` (xmllint, offline)."""
    xmllint = shutil.which("xmllint")
    assert xmllint, "xmllint is missing: install Debian's libxml2-utils (.ci/run does)"
    run = subprocess.run(
        [xmllint, "--noout", "--nonet", "--schema", str(GRAPHML_XSD), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.strip() == f"{path} validates", run.stderr


def test_xmllint_rejects_what_the_schema_forbids(tmp_path: Path) -> None:
    """The check below is real: IRI node ids and shared key ids (aigraph's old GraphML) fail it."""
    bad = tmp_path / "bad.graphml"
    bad.write_text(
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<key id="label" for="node" attr.name="label"/><key id="label" for="edge" attr.name="label"/>'
        '<graph edgedefault="directed"><node id="https://example.org/a"/></graph></graphml>'
    )
    with pytest.raises(AssertionError) as info:
        validate_graphml(bad)
    assert "Duplicate key-sequence ['label']" in str(info.value)
    assert "'https://example.org/a' is not a valid value of the atomic type 'xs:NMTOKEN'" in str(info.value)


def test_graphml_validates_against_the_schema(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "g.graphml"
    assert runner.invoke(cli, ["export", "-o", str(out)]).exit_code == 0
    validate_graphml(out)


def test_hostile_graphml_validates_and_reads_back(runner: CliRunner, tmp_path: Path) -> None:
    from aigraph.view.netx import to_networkx

    src = tmp_path / "hostile.ttl"
    src.write_text(HOSTILE_TTL, encoding="utf-8")
    outs = [tmp_path / "h1.graphml", tmp_path / "h2.graphml"]
    for out in outs:
        result = runner.invoke(cli, ["export", "--data", str(src), "-o", str(out)])
        assert result.exit_code == 0, result.output
        validate_graphml(out)
    # Byte-stable though the parser names the anonymous blank node afresh each time; GEXF too.
    assert outs[0].read_bytes() == outs[1].read_bytes()
    gexf = [runner.invoke(cli, ["export", "--data", str(src), "--format", "gexf"]).stdout_bytes for _ in range(2)]
    assert gexf[0] == gexf[1] and b'id="_:b1"' in gexf[0]
    g = nx.read_graphml(outs[0])
    expected = to_networkx(list(ox.parse(path=src, format=ox.RdfFormat.TURTLE)))
    iris = [d["iri"] for _, d in g.nodes(data=True)]
    assert [i for i in iris if not i.startswith("_:")] == [n for n in expected if not n.startswith("_:")]
    assert [i for i in iris if i.startswith("_:")] == ["_:b1", "_:b2"]
    assert g.number_of_edges() == expected.number_of_edges() == 7  # the self-loop too
    assert sorted(k for _, _, k in g.edges(keys=True)) == sorted(f"e{i}" for i in range(7))
    node = next(d for _, d in g.nodes(data=True) if d["iri"].startswith("http://example.org/a%20b"))
    # An attribute named by an IRI is escaped to a name token, and reads back with the escape undone.
    names = {unescape_nmtoken(k): v for k, v in node.items()}
    # The integer keeps its lexical form as written.
    assert names["http://example.org/weird_x41_/\u00fcmlaut#p%20q"] == "\u00e9t\u00e9\n01"
    blank = next(d for _, d in g.nodes(data=True) if d["iri"] == "_:b1")
    assert {unescape_nmtoken(k): v for k, v in blank.items()}["http://example.org/q"] == 'x & <y> "z" ]]> --'
    far = next(d for _, d in g.nodes(data=True) if "\u30ce" in d["iri"])
    assert {unescape_nmtoken(k): v for k, v in far.items()}["http://example.org/p"] == "line\nbreak\r\ttab"


def unescape_nmtoken(name: str) -> str:
    return re.sub(r"_x([0-9A-F]{4}|[0-9A-F]{8})_", lambda m: chr(int(m[1], 16)), name)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_nmtoken_is_a_name_token_and_reversible(name: str) -> None:
    from aigraph.exporter import nmtoken

    token = nmtoken(name)
    assert re.fullmatch(r"[A-Za-z0-9._:-]+", token.replace("_", "a"))
    if name:
        assert unescape_nmtoken(token) == name


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_formats_are_byte_stable(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same graph, same bytes, on any day: NetworkX would stamp today's date into GEXF."""
    import time

    from aigraph.exporter import export

    today = export(fmt)
    real = time.strftime
    monkeypatch.setattr(time, "strftime", lambda f, t=None: real(f, time.gmtime(0)))  # 1970-01-01
    assert export(fmt) == today
    assert today is not None and b"lastmodifieddate" not in today and b"1970" not in today
