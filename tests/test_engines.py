"""aigraph push / query --endpoint / serve against real servers: an Oxigraph server
and Virtuoso, started by the fixtures in conftest.py (tests/servers.py)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
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
    # Oxigraph (known by its Server header) gets its bulk loader; Virtuoso plain PUTs.
    assert ("(Oxigraph bulk load)" in err) == (pushed.name == "oxigraph")
    assert graph_counts(pushed) == first
    code, _, err = push(pushed, "--data", str(GOLDEN_TTL), "--atomic")  # one transaction per graph
    assert code == 0 and "Pushed 2 graphs, 1,045 triples" in err and "bulk" not in err, err
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


def test_a_refused_connection_names_the_request_and_what_came_before() -> None:
    """A server gone before the next PUT connects: the message names that graph and the ones
    already replaced, and not "partly loaded" (nothing reached it)."""
    from aigraph.errors import AigraphError
    from aigraph.store.remote import Client, credentials
    from tests.servers import free_port

    url = f"http://127.0.0.1:{free_port()}/store"  # nothing listens there
    client = Client(url, credentials(url, None), 5.0, None)
    with pytest.raises(AigraphError) as caught:
        client.request(
            "PUT",
            {"graph": "https://example.org/g/b"},
            body=b"",
            what=" while sending <https://example.org/g/b>; already replaced: <https://example.org/g/a>",
            midway="; <https://example.org/g/b> may be partly loaded",
        )
    assert str(caught.value) == (
        f"cannot connect to {url} while sending <https://example.org/g/b>; already replaced:"
        " <https://example.org/g/a>: connection refused (is the server running, and on this port?)"
    )


def test_server_stopped_mid_push(tmp_path: Path) -> None:
    """The server dies while the second graph streams: one line naming the graph already replaced."""
    server = start_oxigraph(tmp_path / "ox")
    proc: subprocess.Popen[str] | None = None
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
    finally:
        if proc is not None:  # closed and reaped even when an assertion fails (no warning in a later test)
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            if proc.stderr is not None:
                proc.stderr.close()
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


# ------------------------------------------------------------------ failures a real server gives


def test_read_only_oxigraph_is_403(tmp_path: Path) -> None:
    """Oxigraph's serve-read-only refuses a PUT with 403: one line, who was refused, its message."""
    from tests.servers import start_oxigraph_read_only

    server = start_oxigraph_read_only(tmp_path / "ro")
    try:
        code, _, err = run("push", push_url(server), "--data", str(GOLDEN_TTL))
        assert code == 1 and err.count("\n") == 1, err
        assert "HTTP 403 Forbidden: an anonymous user (no --user) may not do this" in err
        assert "The server is read-only" in err and "no graph was replaced" in err
        assert "partly loaded" not in err  # nothing was loaded
    finally:
        server.cleanup()


def test_virtuoso_user_without_rights(virtuoso_server: Server) -> None:
    """A Virtuoso user that exists but has no SPARQL_UPDATE role: refused, and named."""
    from tests.servers import isql

    isql(virtuoso_server, "DB.DBA.USER_CREATE('reader', 'fictional-reader-password');\n")
    url = push_url(virtuoso_server)
    code, _, err = run("push", url, "--user", "reader", "--data", str(GOLDEN_TTL), password="fictional-reader-password")
    assert code == 1 and err.count("\n") == 1, err
    assert "HTTP 403 Forbidden: user 'reader' may not do this; no graph was replaced" in err
    assert "the server says: " in err and "Permission denied" in err


# ------------------------------------------------------------------ failures real servers will not give
# Neither Oxigraph nor Virtuoso can be made to answer 413 or 500 on demand, so these
# tests run a small Graph Store of their own (the standard library's http.server) on a
# free port of 127.0.0.1, answering each PUT with the next scripted status.

LONG = "fictional storage failure: " + "the disk of this made-up server is full; " * 20


class _Scripted(http.server.BaseHTTPRequestHandler):
    script: list[tuple[int, str, str]] = []  # (status, content type, body) for each PUT
    seen: list[str] = []

    def log_message(self, *args: Any) -> None:  # keep the test output clean
        pass

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(404)  # the graph does not exist yet: a Graph Store answer
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_PUT(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.seen.append(self.path)
        status, ctype, body = self.script.pop(0)
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 - a query endpoint answering ASK with true
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        data = b'{"head": {}, "boolean": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextlib.contextmanager
def scripted_store(
    script: list[tuple[int, str, str]], tls: ssl.SSLContext | None = None
) -> Iterator[tuple[str, list[str]]]:
    """A scripted Graph Store on a free port; yields its /store URL and the PUT paths it saw."""

    class Handler(_Scripted):
        pass

    Handler.script, Handler.seen = list(script), []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    httpd.handle_error = lambda *args: None  # type: ignore[method-assign] # a refused handshake is the point
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    scheme = "https" if tls is not None else "http"
    try:
        yield f"{scheme}://127.0.0.1:{httpd.server_address[1]}/store", Handler.seen
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_413_shows_the_servers_message_cut_short() -> None:
    with scripted_store([(413, "text/plain", "Payload Too Large: " + LONG)]) as (url, _):
        code, _, err = run("push", url, "--data", str(GOLDEN_TTL))
    assert code == 1 and err.count("\n") == 1, err
    assert "HTTP 413 " in err and "; no graph was replaced; the server says: Payload Too Large: fictional" in err
    assert err.rstrip().endswith("…") and len(err) < 420  # its message, cut short


def test_500_html_page_and_the_graphs_already_replaced() -> None:
    """The first graph goes through, the second gets a 500 with an HTML page: the line
    names the graph already replaced and gives the page's words, not its tags."""
    page = f"<html><head><title>500</title></head><body><h1>Internal Server Error</h1><p>{LONG}</p></body></html>"
    with scripted_store([(204, "text/plain", ""), (500, "text/html", page)]) as (url, seen):
        code, _, err = run("push", url, "--data", str(GOLDEN_TTL))
    progress, err = err.splitlines()  # the graph that went through, then the one error line
    assert code == 1 and progress.startswith(f"Replaced <{ARTICLE_GRAPH}>"), err
    assert len(seen) == 2 and "graph=" in seen[0] and "no_transaction" not in seen[0]  # not an Oxigraph
    assert f"push of <{ONTOLOGY_GRAPH}>" in err and "HTTP 500 Internal Server Error" in err
    assert f"already replaced: <{ARTICLE_GRAPH}>" in err
    assert "the server says: 500 Internal Server Error fictional storage failure" in err and "<h1>" not in err


def test_a_plain_web_server_is_not_a_graph_store(tmp_path: Path) -> None:
    """The standard library's file server: HEAD answers 200, PUT 501."""
    handler = functools.partial(QuietFiles, directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        code, _, err = run("push", f"http://127.0.0.1:{httpd.server_address[1]}/", "--data", str(GOLDEN_TTL))
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
    assert code == 1 and err.count("\n") == 1, err
    assert "does not look like a Graph Store Protocol endpoint" in err and "501" in err
    assert "no graph was replaced" in err


class QuietFiles(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


# ------------------------------------------------------------------ TLS


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made here by the openssl command."""
    openssl = shutil.which("openssl")
    assert openssl is not None, "the TLS test needs the openssl command (Debian package openssl)"
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=aigraph fictional test server", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    return cert, key


def test_tls_is_verified_and_ca_cert_trusts_a_private_ca(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with scripted_store([(201, "text/plain", ""), (201, "text/plain", "")], tls=context) as (url, seen):
        code, _, err = run("push", url, "--data", str(GOLDEN_TTL))
        assert code == 1 and err.count("\n") == 1 and seen == [], err
        assert f"TLS failed with {url}" in err and "certificate verify failed" in err and "--ca-cert FILE" in err
        query = url.replace("/store", "/query")
        code, _, err = run("query", "ASK {}", "--endpoint", query)
        assert code == 1 and "certificate verify failed" in err, err
        code, _, err = run("push", url, "--data", str(GOLDEN_TTL), "--ca-cert", str(cert))
        assert code == 0 and "Pushed 2 graphs, 1,045 triples" in err, err
        assert len(seen) == 2
        code, out, err = run("query", "ASK {}", "--endpoint", query, "--ca-cert", str(cert), "-f", "json")
        assert code == 0 and json.loads(out)["boolean"] is True, err


def test_n_triples_files_are_sent_as_they_are_and_never_changed(oxigraph_server: Server, tmp_path: Path) -> None:
    """An N-Triples file is checked, then sent as it is; a second file for the same graph
    (N-Triples, and N-Quads naming that graph) goes to a copy, never appended to the user's file."""
    g = "https://example.org/g/nt"
    one, two, quads = tmp_path / "one.nt", tmp_path / "two.nt", tmp_path / "three.nq"
    one.write_text("# fictional\n<https://example.org/Acme> <https://example.org/p> \"1\" .\n")
    two.write_text("<https://example.org/Beta> <https://example.org/p> \"2\" .\n")
    quads.write_text(f"<https://example.org/Gamma> <https://example.org/p> \"3\" <{g}> .\n")
    before = [one.read_bytes(), two.read_bytes()]
    args = ["--data", str(one), "--data", str(two), "--data", str(quads), "--graph", g, "--no-ontology"]
    code, _, err = run("push", push_url(oxigraph_server), *args)
    assert code == 0 and f"Replaced <{g}>: 3 triples." in err, err
    assert [one.read_bytes(), two.read_bytes()] == before
    code, out, err = run(
        "query", f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}", "-f", "csv",
        "--endpoint", query_url(oxigraph_server),
    )  # fmt: skip
    assert out.split() == ["n", "3"], err
    bad = tmp_path / "bad.nt"
    bad.write_text("<https://example.org/Acme> <https://example.org/p> .\n")
    code, _, err = run("push", push_url(oxigraph_server), "--data", str(bad), "--graph", g)
    assert code == 1 and err.startswith(f"aigraph: error: {bad}:1:"), err
