"""Scale work, checked at small sizes: the generator, the fast load and export paths, progress.

The timings themselves are printed by benchmarks/bench_scale.py, never asserted.
"""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from aigraph.cli import cli
from aigraph.errors import AigraphError
from aigraph.progress import Progress
from aigraph.rdfio import read_rdf
from aigraph.sparql.engine import query, saved_queries
from aigraph.store.dataset import load, load_quads

from .conftest import ONTOLOGY, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402


@pytest.fixture(scope="module")
def graphs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("synthetic")
    out = {}
    for size in (1_000, 10_000):
        out[size] = folder / f"g-{size}.ttl"
        generate.write_file(out[size], size, seed=0)
    return out


# ----------------------------------------------------------------- the generator


def test_generator_is_deterministic_and_sized(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.ttl", tmp_path / "b.ttl", tmp_path / "c.ttl"
    n = generate.write_file(a, 3_000, seed=5)
    assert generate.write_file(b, 3_000, seed=5) == n
    assert a.read_bytes() == b.read_bytes()
    generate.write_file(c, 3_000, seed=6)
    assert c.read_bytes() != a.read_bytes()
    triples = {q.triple for q in ox.parse(path=a, format=ox.RdfFormat.TURTLE)}
    assert len(triples) == n  # every triple written is distinct
    assert 3_000 <= n < 3_000 + 20  # the target, rounded up to the end of a sentence


def test_generator_turtle_and_ntriples_agree(tmp_path: Path) -> None:
    ttl, nt = tmp_path / "g.ttl", tmp_path / "g.nt"
    assert generate.write_file(ttl, 2_000, seed=1) == generate.write_file(nt, 2_000, seed=1)
    assert set(ox.parse(path=ttl, format=ox.RdfFormat.TURTLE)) == set(
        ox.parse(path=nt, format=ox.RdfFormat.N_TRIPLES)
    )


def test_generator_cli_writes_the_same_bytes(tmp_path: Path) -> None:
    out = tmp_path / "cli.ttl"
    script = ROOT / "benchmarks" / "generate.py"
    run = subprocess.run(
        [sys.executable, str(script), "--triples", "1e3", "--seed", "3", "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr.startswith("generated ")
    ref = tmp_path / "ref.ttl"
    generate.write_file(ref, 1_000, seed=3)
    assert out.read_bytes() == ref.read_bytes()


def test_generated_graph_has_the_seed_shape(graphs: dict[int, Path]) -> None:
    """Conforms to the aigraph SHACL shapes: labels, classes, a sourced aig:Fact per triple."""
    from aigraph.graph.validate import validate_files

    report = validate_files([graphs[1_000]])
    assert report.conforms, report.text()


# -------------------------------------------------- saved queries: rdflib == aigraph


def _ox_term(t: Any) -> tuple[str, ...] | None:
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return ("iri", t.value)
    if isinstance(t, ox.BlankNode):
        return ("bnode",)
    assert isinstance(t, ox.Literal), t
    return ("literal", t.value, t.datatype.value, t.language or "")


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _rdflib_term(t: Any) -> tuple[str, ...] | None:
    if t is None:
        return None
    if isinstance(t, rdflib.URIRef):
        return ("iri", str(t))
    if isinstance(t, rdflib.BNode):
        return ("bnode",)
    assert isinstance(t, rdflib.Literal), t
    datatype = str(t.datatype) if t.datatype else (LANG_STRING if t.language else XSD_STRING)
    return ("literal", str(t), datatype, t.language or "")


@pytest.fixture(scope="module")
def rdflib_graphs(graphs: dict[int, Path]) -> dict[int, rdflib.Graph]:
    out = {}
    for size, path in graphs.items():
        g = rdflib.Graph()
        g.parse(path, format="turtle")
        g.parse(ONTOLOGY, format="turtle")
        out[size] = g
    return out


@pytest.mark.parametrize("size", [1_000, 10_000])
@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_saved_query_answers_match_rdflib(
    name: str, size: int, graphs: dict[int, Path], rdflib_graphs: dict[int, rdflib.Graph]
) -> None:
    saved = saved_queries()[name]
    store = load([graphs[size]], with_ontology=True)
    ours = query(name, store=store)
    theirs = rdflib_graphs[size].query(saved.text)  # standalone SPARQL: its own prefixes and defaults
    assert [str(v) for v in theirs.vars or []] == list(ours.variables)
    ours_rows = Counter(tuple(_ox_term(t) for t in row) for row in ours.rows)
    theirs_rows = Counter(tuple(_rdflib_term(t) for t in row) for row in theirs)  # type: ignore[union-attr]
    assert ours_rows == theirs_rows
    # The synthetic graph quotes one article, which disagrees with no other.
    assert ours_rows or name == "disagreements", f"{name} has no answers on the {size}-triple graph"


def test_cli_query_on_generated_data(graphs: dict[int, Path], runner: CliRunner) -> None:
    args = ["query", "members", "--data", str(graphs[1_000]), "--with-ontology", "--format", "tsv"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "?alliance\t?member\t?name\t?founding"
    assert "<https://w3id.org/aigraph/id/Meta>" in result.stdout
    assert len(lines) > 3


# ----------------------------------------------------- the fast load and export


def test_fast_load_equals_the_strict_reader(graphs: dict[int, Path], tmp_path: Path) -> None:
    nt = tmp_path / "g.nt"
    generate.write_file(nt, 1_000, seed=0)
    store = load([graphs[1_000], nt], with_ontology=True)
    slow = ox.Store()
    slow.extend(load_quads([graphs[1_000], nt], with_ontology=True))
    assert set(store) == set(slow)
    assert len(store) == len(slow) > 1_000


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("bad.ttl", '@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n'),
        ("bad.nt", "<http://e/a> <http://e/b> <http://e/c> .\n<http://e/a> <http://e/b> c .\n"),
        ("bad.trig", "<http://e/g> { <http://e/a> <http://e/b> }\n"),
    ],
)
def test_fast_load_errors_match_the_strict_reader(name: str, text: str, tmp_path: Path) -> None:
    bad = tmp_path / name
    bad.write_text(text)
    with pytest.raises(AigraphError) as strict:
        read_rdf(bad)
    with pytest.raises(AigraphError) as fast:
        load([bad])
    assert str(fast.value) == str(strict.value)
    assert fast.value.path == str(bad) and fast.value.line is not None


def test_fast_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AigraphError, match="no such file"):
        load([tmp_path / "nothing.ttl"])


def test_streamed_export_round_trips(graphs: dict[int, Path], runner: CliRunner, tmp_path: Path) -> None:
    source = set(ox.parse(path=graphs[10_000], format=ox.RdfFormat.TURTLE))
    for fmt, ox_fmt in [("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES),
                        ("nquads", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG)]:
        out = tmp_path / f"out.{fmt}"
        result = runner.invoke(cli, ["export", "--data", str(graphs[10_000]), "-f", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert result.stderr == f"Wrote {out} ({fmt}).\n"
        assert set(ox.parse(path=out, format=ox_fmt)) == source
    turtle = (tmp_path / "out.turtle").read_text()
    assert "@prefix aig: <https://w3id.org/aigraph/ontology#> ." in turtle
    assert "kg:Meta" in turtle


def test_streamed_export_to_stdout_and_the_library(graphs: dict[int, Path], runner: CliRunner) -> None:
    from aigraph.exporter import export

    result = runner.invoke(cli, ["export", "--data", str(graphs[1_000]), "-f", "ntriples"])
    assert result.exit_code == 0
    data = export("ntriples", data=[graphs[1_000]])
    assert data is not None and result.stdout_bytes == data
    assert len(data.splitlines()) == len(set(ox.parse(path=graphs[1_000], format=ox.RdfFormat.TURTLE)))


def test_streamed_export_keeps_literals_as_written(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "g.ttl"
    data.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<http://e/a> <http://e/n> "01"^^xsd:integer , "7"^^xsd:positiveInteger , "1.50"^^xsd:decimal .\n'
        "<http://e/a> <http://e/n> \"01\"^^xsd:integer .\n"
    )
    for fmt in ("turtle", "ntriples"):
        result = runner.invoke(cli, ["export", "--data", str(data), "-f", fmt])
        assert result.exit_code == 0, result.output
        assert "positiveInteger" in result.stdout  # not turned into xsd:integer
        # The parser keeps lexical forms, so "01" and "1.50" must come back as written.
        assert set(ox.parse(input=result.stdout_bytes, format=ox.RdfFormat.TURTLE)) == set(
            ox.parse(path=data, format=ox.RdfFormat.TURTLE)
        )


def test_streamed_export_of_bad_input_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://e/> .\n" + "ex:a ex:b ex:c .\n" * 5000 + 'ex:a ex:b "open .\n')
    with pytest.raises(AigraphError) as strict:
        read_rdf(bad)
    out = tmp_path / "out.ttl"
    result = runner.invoke(cli, ["export", "--data", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr == f"aigraph: error: {strict.value}\n"
    assert f"{bad}:5002:" in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]
    result = runner.invoke(cli, ["export", "--data", str(bad), "-f", "ntriples"])
    assert result.exit_code == 1 and result.stdout == ""


def test_export_of_named_graphs_to_turtle_writes_their_union_and_says_so(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "g.nq"
    data.write_text("<http://e/a> <http://e/b> <http://e/c> <http://e/g> .\n")
    out = tmp_path / "out.ttl"
    result = runner.invoke(cli, ["export", "--data", str(data), "-o", str(out)])
    assert result.exit_code == 0
    assert "named graph(s)" in result.stderr and "union" in result.stderr and "TriG" in result.stderr
    assert {q.triple for q in ox.parse(path=out, format=ox.RdfFormat.TURTLE)} == {
        ox.Triple(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/b"), ox.NamedNode("http://e/c"))
    }


# ---------------------------------------------------------------------- progress


def _read_all(fd: int) -> bytes:
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the other side closed (EIO on Linux)
            return out
        if not chunk:
            return out
        out += chunk


def test_progress_draws_on_a_terminal() -> None:
    master, slave = pty.openpty()
    with open(slave, "w", closefd=True) as tty:
        with Progress("Loading big.ttl (45 MB)", stream=tty, delay=0) as p:
            p.update("parsing")
            time.sleep(0.5)
    shown = _read_all(master).decode()
    os.close(master)
    assert "Loading big.ttl (45 MB): parsing, 0." in shown
    assert shown.rstrip().endswith("s") and "Loading big.ttl (45 MB): done in 0." in shown
    assert shown.endswith("\n")


def test_progress_is_silent_when_not_a_terminal() -> None:
    buf = io.StringIO()
    with Progress("Loading big.ttl", stream=buf, delay=0):
        time.sleep(0.3)
    assert buf.getvalue() == ""


def test_progress_is_silent_for_short_work() -> None:
    master, slave = pty.openpty()
    with open(slave, "w", closefd=True) as tty, Progress("Quick", stream=tty, delay=5):
        pass
    assert _read_all(master) == b""
    os.close(master)


def test_progress_clears_its_line_on_error() -> None:
    master, slave = pty.openpty()
    with open(slave, "w", closefd=True) as tty, pytest.raises(AigraphError):
        with Progress("Loading bad.ttl", stream=tty, delay=0):
            time.sleep(0.3)
            raise AigraphError("broken")
    shown = _read_all(master).decode()
    os.close(master)
    assert "Loading bad.ttl" in shown and "done" not in shown
    assert shown.endswith("\r")


# The CLI with its progress delay at zero, so a small load shows progress too.
_CLI = "import aigraph.progress as p; p.DELAY = 0; from aigraph.cli import main; main()"


@pytest.mark.parametrize(
    ("command", "shown"),
    [(["export", "--data", "g.ttl", "-o", "out.ttl"], "Exporting g.ttl (435 kB)"),
     (["query", "members", "--data", "g.ttl", "-o", "out.tsv"], "Loading g.ttl (435 kB)")],
)
def test_cli_shows_progress_on_a_terminal(
    command: list[str], shown: str, graphs: dict[int, Path], tmp_path: Path
) -> None:
    (tmp_path / "g.ttl").write_bytes(graphs[10_000].read_bytes())
    master, slave = pty.openpty()
    cmd = [sys.executable, "-c", _CLI, *command]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    text = _read_all(master).decode()
    os.close(master)
    assert proc.wait() == 0
    assert f"\r{shown}: done in " in text
    assert text.endswith(f"Wrote {command[-1]} (") or f"\r\nWrote {command[-1]} (" in text


@pytest.mark.parametrize(
    "command",
    [["export", "--data", "g.ttl", "-o", "out.ttl"], ["query", "members", "--data", "g.ttl", "-o", "out.tsv"]],
)
def test_cli_is_quiet_when_piped(command: list[str], graphs: dict[int, Path], tmp_path: Path) -> None:
    (tmp_path / "g.ttl").write_bytes(graphs[10_000].read_bytes())
    run = subprocess.run([sys.executable, "-c", _CLI, *command], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stderr.startswith(f"Wrote {command[-1]} (")
    assert run.stderr.count("\n") == 1 and "\r" not in run.stderr
