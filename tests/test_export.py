"""aigraph export: every RDF format round-trips; GraphML/GEXF load back in NetworkX."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
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
    assert g.number_of_nodes() == 44
    assert g.number_of_edges() == 49  # 50 relation facts, one of them a literal (the member count)
    google = "https://w3id.org/aigraph/id/Google"
    meta = "https://w3id.org/aigraph/id/Meta"
    assert g.nodes[google]["label"] == "Google"
    edges = g.get_edge_data(google, meta)
    data = next(iter(edges.values()))
    assert data["label"] == "criticizes"
    assert "faced criticism from companies like Google" in data["evidence"]
    assert all(isinstance(v, str) for _, d in g.nodes(data=True) for v in d.values())


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
