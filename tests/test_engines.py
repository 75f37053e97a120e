"""aigraph push / query --endpoint / serve against real servers: an Oxigraph server
and Virtuoso, started by the fixtures in conftest.py (tests/servers.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aigraph.cli import cli
from aigraph.sparql.engine import saved_queries
from aigraph.store.remote import ONTOLOGY_GRAPH
from tests.conftest import GOLDEN_TTL, ROOT
from tests.servers import VIRTUOSO_PASSWORD, VIRTUOSO_USER, Server, free_port, start_oxigraph

ARTICLE_GRAPH = "https://w3id.org/aigraph/id/ai-alliance-article-graph"
XSD = "http://www.w3.org/2001/XMLSchema#"


def run(*args: str, password: str | None = None, home: Path | None = None) -> tuple[int, str, str]:
    env = {"AIGRAPH_PASSWORD": password, "HOME": str(home or ROOT / "tests" / "articles")}
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def push_url(server: Server) -> str:
    return f"{server.base}/store" if server.name == "oxigraph" else f"{server.base}/sparql-graph-crud-auth"


def query_url(server: Server) -> str:
    return f"{server.base}/query" if server.name == "oxigraph" else f"{server.base}/sparql"


def push(server: Server, *args: str) -> tuple[int, str, str]:
    if server.name == "oxigraph":
        return run("push", push_url(server), *args)
    return run("push", push_url(server), "--user", VIRTUOSO_USER, *args, password=VIRTUOSO_PASSWORD)


def graph_counts(server: Server) -> dict[str, int]:
    code, out, err = run(
        "query",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        "--endpoint",
        query_url(server),
        "-f",
        "json",
    )
    assert code == 0, err
    rows = json.loads(out)["results"]["bindings"]
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows if r["g"]["value"].startswith("https://w3id.org/")}


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def pushed(request: pytest.FixtureRequest) -> Server:
    server: Server = request.getfixturevalue(f"{request.param}_server")
    code, _, err = push(server, "--data", str(GOLDEN_TTL))
    assert code == 0, err
    return server


def test_push_replaces_each_graph(pushed: Server) -> None:
    first = graph_counts(pushed)
    assert first[ARTICLE_GRAPH] == 817 and first[ONTOLOGY_GRAPH] == 228
    code, _, err = push(pushed, "--data", str(GOLDEN_TTL))  # twice: still one copy
    assert code == 0, err
    assert "Pushed 2 graphs, 1,045 triples" in err
    assert graph_counts(pushed) == first


def _rows(doc: dict[str, Any]) -> list[tuple[tuple[str, Any], ...]]:
    if "boolean" in doc:
        return [(("boolean", doc["boolean"]),)]
    out = []
    for b in doc["results"]["bindings"]:
        out.append(
            tuple(
                sorted(
                    (
                        k,
                        (
                            v["type"].replace("typed-literal", "literal"),
                            v["value"],
                            v.get("datatype"),
                            v.get("xml:lang"),
                        ),
                    )
                    for k, v in b.items()
                )
            )
        )
    return sorted(out, key=repr)


def _virtuoso_spelling(row: tuple[tuple[str, Any], ...]) -> tuple[tuple[str, Any], ...]:
    """A local row as Virtuoso spells it: booleans as integers 1/0, no xsd:string datatype."""
    fixed = []
    for k, (kind, value, dt, lang) in row:
        if dt == XSD + "boolean":
            kind, value, dt = "literal", "1" if value == "true" else "0", XSD + "integer"
        if dt == XSD + "string":
            dt = None
        fixed.append((k, (kind, value, dt, lang)))
    return tuple(fixed)


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_saved_queries_answer_as_locally(pushed: Server, name: str) -> None:
    code, local, err = run("query", name, "-f", "json")
    assert code == 0, err
    code, remote, err = run("query", name, "-f", "json", "--endpoint", query_url(pushed))
    assert code == 0, err
    want, got = _rows(json.loads(local)), _rows(json.loads(remote))
    if pushed.name == "oxigraph":
        assert got == want
        return
    # Virtuoso: the same rows once its spelling is applied; and the difference is real
    # where the answer has booleans.
    assert got == sorted((_virtuoso_spelling(r) for r in want), key=repr)
    if '"datatype": "http://www.w3.org/2001/XMLSchema#boolean"' in local:
        assert got != want


def test_table_and_formats_come_from_the_server(pushed: Server) -> None:
    code, out, err = run("query", "members", "-f", "table", "--endpoint", query_url(pushed))
    assert code == 0, err
    assert "kg:IBM" in out and "rows." in err
    code, out, err = run("query", "members", "-f", "csv", "--endpoint", query_url(pushed))
    assert code == 0 and out.splitlines()[0].strip().strip('"').startswith("alliance"), err
    code, out, err = run(
        "query", "CONSTRUCT { kg:IBM ?p ?o } WHERE { kg:IBM ?p ?o }", "-f", "ntriples", "--endpoint", query_url(pushed)
    )
    assert code == 0 and "<https://w3id.org/aigraph/id/IBM>" in out, err
    for query, bind in [
        ("competitors", "company=kg:Google"),  # a saved query's VALUES default, rewritten
        ("SELECT ?s ?o WHERE { ?s aig:competesWith ?o }", "s=kg:IBM"),  # sent as a final VALUES clause
    ]:
        local = _rows(json.loads(run("query", query, "--bind", bind, "-f", "json")[1]))
        code, out, err = run("query", query, "--bind", bind, "-f", "json", "--endpoint", query_url(pushed))
        assert code == 0 and _rows(json.loads(out)) == local != [], err


def test_service_is_refused_unless_allowed(oxigraph_server: Server) -> None:
    q = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    code, _, err = run("query", q, "--endpoint", query_url(oxigraph_server))
    assert code != 0 and "SERVICE" in err and "--allow-network" in err
    code, _, err = run("query", q, "--endpoint", query_url(oxigraph_server), "--allow-network")
    # Now the query goes to the server: what it does with SERVICE is its business.
    assert "--allow-network" not in err and "Traceback" not in err


def test_virtuoso_wrong_password_and_missing_credentials(virtuoso_server: Server) -> None:
    url = push_url(virtuoso_server)
    code, _, err = run("push", url, "--user", VIRTUOSO_USER, "--data", str(GOLDEN_TTL), password="wrong")
    assert code == 1
    assert "401" in err and "refused user 'aigraph'" in err and "no graph was replaced" in err
    code, _, err = run("push", url, "--data", str(GOLDEN_TTL))
    assert code == 1 and "wants Digest credentials: give --user NAME" in err
    code, _, err = run("push", url, "--user", VIRTUOSO_USER, "--data", str(GOLDEN_TTL))
    assert code == 1 and "no password for user 'aigraph'" in err


def test_netrc_gives_the_password(virtuoso_server: Server, tmp_path: Path) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text(f"machine 127.0.0.1 login {VIRTUOSO_USER} password {VIRTUOSO_PASSWORD}\n")
    netrc.chmod(0o600)
    code, _, err = run("push", push_url(virtuoso_server), "--data", str(GOLDEN_TTL), home=tmp_path)
    assert code == 0, err


@pytest.mark.parametrize("which", ["oxigraph", "virtuoso"])
def test_not_a_graph_store(request: pytest.FixtureRequest, which: str) -> None:
    server: Server = request.getfixturevalue(f"{which}_server")
    code, _, err = run("push", query_url(server), "--data", str(GOLDEN_TTL))
    assert code == 1
    assert "does not look like a Graph Store Protocol endpoint" in err and "no graph was replaced" in err


def test_refused_port() -> None:
    port = free_port()
    code, _, err = run("push", f"http://127.0.0.1:{port}/store")
    assert code == 1 and "connection refused" in err and err.count("\n") == 1
    code, _, err = run("query", "members", "--endpoint", f"http://127.0.0.1:{port}/query")
    assert code == 1 and "connection refused" in err


def test_named_graphs_go_to_their_graph(oxigraph_server: Server, tmp_path: Path) -> None:
    data = tmp_path / "two.trig"
    data.write_text(
        "# fictional organisations\n"
        "<https://example.org/g/one> { <https://example.org/Acme> <https://example.org/p> 1 . }\n"
        "<https://example.org/g/two> { <https://example.org/Beta> <https://example.org/p> 2 ,3 . }\n"
    )
    code, _, err = run("push", push_url(oxigraph_server), "--data", str(data), "--no-ontology")
    assert code == 0 and "Pushed 2 graphs, 3 triples" in err, err
    code, out, err = run(
        "query",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o }"
        " FILTER(STRSTARTS(STR(?g), 'https://example.org/g/')) } GROUP BY ?g ORDER BY ?g",
        "-f",
        "csv",
        "--endpoint",
        query_url(oxigraph_server),
    )
    assert out.split() == ["g,n", "https://example.org/g/one,1", "https://example.org/g/two,2"], err


def test_server_stopped_mid_push(tmp_path: Path) -> None:
    """The server dies while the second graph streams: one line naming the graph already replaced."""
    server = start_oxigraph(tmp_path / "ox")
    try:
        data = tmp_path / "big.nq"
        with open(data, "w") as fh:
            fh.write(
                "<https://example.org/s> <https://example.org/p> <https://example.org/o> <https://example.org/g/a> .\n"
            )
            for i in range(400_000):
                fh.write(
                    f'<https://example.org/s{i}> <https://example.org/p> "fictional value {i}"'
                    " <https://example.org/g/b> .\n"
                )
        proc = subprocess.Popen(
            [sys.executable, "-m", "aigraph", "push", push_url(server), "--data", str(data), "--no-ontology"],
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert line.startswith("Replaced <https://example.org/g/a>"), line
        server.stop()
        rest = proc.stderr.read()
        assert proc.wait(timeout=120) == 1
        assert rest.count("\n") == 1 and "Traceback" not in rest
        assert "<https://example.org/g/b>" in rest and "already replaced: <https://example.org/g/a>" in rest
        proc.stderr.close()
    finally:
        server.cleanup()


def test_serve_answers_and_cleans_up(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "aigraph", "serve", "--port", str(port), "--data", str(GOLDEN_TTL)],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        url = f"http://127.0.0.1:{port}/query"
        assert url in line and "1,045 triples" in line, line
        deadline = time.monotonic() + 30
        while True:
            code, out, err = run("query", "member-count", "-f", "csv", "--endpoint", url)
            if code == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        assert code == 0, err
        assert out == run("query", "member-count", "-f", "csv")[1]
        code, _, err = run("push", f"http://127.0.0.1:{port}/store", "--data", str(GOLDEN_TTL))
        assert code == 1  # read-only
        assert list(tmp_path.iterdir())  # the store folder exists while it serves
    finally:
        proc.send_signal(signal.SIGINT)
        status = proc.wait(timeout=30)
        assert proc.stderr is not None
        proc.stderr.close()
    assert status in (0, 130)
    assert [p.name for p in tmp_path.iterdir()] == []


def test_serve_without_the_extra_gets_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    import aigraph.store.serve

    monkeypatch.setattr(aigraph.store.serve.shutil, "which", lambda name: None)
    monkeypatch.setattr(aigraph.store.serve.sys, "executable", "/nonexistent/python")
    code, _, err = run("serve")
    assert code == 1 and "pip install 'aigraph[server]'" in err


def test_a_file_without_a_graph_iri_needs_one(oxigraph_server: Server, tmp_path: Path) -> None:
    data = tmp_path / "plain.ttl"
    data.write_text("# fictional\n<https://example.org/Acme> <https://example.org/p> 1 .\n")
    code, _, err = run("push", push_url(oxigraph_server), "--data", str(data))
    assert code == 1 and "give --graph IRI or --default-graph" in err
    code, _, err = run("push", push_url(oxigraph_server), "--data", str(data), "--graph", "https://example.org/g/p")
    assert code == 0 and "Replaced <https://example.org/g/p>: 1 triple." in err, err
    code, _, err = run("push", push_url(oxigraph_server), "--data", str(data), "--default-graph", "--no-ontology")
    assert code == 0 and "Replaced the default graph: 1 triple." in err, err


def test_bad_data_sends_nothing(oxigraph_server: Server, tmp_path: Path) -> None:
    data = tmp_path / "bad.ttl"
    data.write_text("# fictional\n<https://example.org/Acme> <https://example.org/p> .\n")
    before = graph_counts(oxigraph_server)
    code, _, err = run("push", push_url(oxigraph_server), "--data", str(data), "--graph", "https://example.org/g/bad")
    assert code == 1 and err.startswith(f"aigraph: error: {data}:2:") and err.count("\n") == 1
    assert graph_counts(oxigraph_server) == before
