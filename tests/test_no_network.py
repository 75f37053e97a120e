"""No network (and no file outside the inputs) unless asked.

A loopback HTTP server counts every request it gets: remote JSON-LD contexts,
XML external entities and DTDs, ``owl:imports``, SPARQL ``SERVICE``, ``LOAD``,
``FROM`` / ``FROM NAMED`` and ``file:`` IRIs outside the inputs must reach it 0
times in every command, with a clear refusal where the input depends on them.
The server sees Oxigraph's Rust HTTP client too; a ``sys.addaudithook`` hook
also records every Python-level socket connection, DNS lookup, urllib request
and open() of the files outside the inputs during each command (its log is a
file, so it also hears a forked query child). ``--allow-network`` makes the
query-level fetches work.
"""

from __future__ import annotations

import http.server
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aigraph.cli import cli

from .conftest import ARTICLE
from .reporting import Tally, announce

SECRET = "TOP-SECRET-7f3a9c"  # the content of every file outside the inputs
NETWORK_EVENTS = {
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyname_ex",
    "socket.gethostbyaddr",
    "socket.sendto",
    "socket.sendmsg",
    "urllib.Request",
    "http.client.connect",
    "ftplib.connect",
    "smtplib.connect",
    "webbrowser.open",
    "subprocess.Popen",
}

# ------------------------------------------------------------------ the audit hook


class _Audit:
    """Writes the events of interest to a file while a command runs (forked children too)."""

    fd: int | None = None
    watched: str = "\0"
    busy = False


def _hook(event: str, args: tuple) -> None:
    fd = _Audit.fd
    if fd is None or _Audit.busy:
        return
    if event == "open":
        target = args[0]
        if not isinstance(target, str | bytes | os.PathLike):
            return
        path = os.fsdecode(target)
        if not path.startswith(_Audit.watched):
            return
        line = f"open {path}"
    elif event in NETWORK_EVENTS:
        if event == "socket.connect" and getattr(args[0], "family", None) == getattr(os, "AF_UNIX", None):
            return
        line = f"{event} {args[1:] if event.startswith('socket') else args}"[:300]
    else:
        return
    _Audit.busy = True
    try:
        os.write(fd, (line.replace("\n", " ") + "\n").encode("utf-8", "replace"))
    finally:
        _Audit.busy = False


_INSTALLED: list[bool] = []


@pytest.fixture(scope="module", autouse=True)
def audit_hook() -> None:
    """Install the audit hook once (hooks cannot be removed; it is idle unless _Audit.fd is set)."""
    if not _INSTALLED:
        sys.addaudithook(_hook)
        _INSTALLED.append(True)


@dataclass
class Heard:
    hits: list[str]
    events: list[str]
    connections: list[str]


# ------------------------------------------------------------------ the loopback server


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []
    connections: list[str] = []  # every TCP connection, even one that never sends a request

    def setup(self) -> None:
        type(self).connections.append(str(self.client_address))
        super().setup()

    def _answer(self) -> None:
        type(self).hits.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.path.startswith("/sparql"):
            row = {"x": {"type": "literal", "value": "from-service"}}
            body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [row]}}).encode()
            kind = "application/sparql-results+json"
        elif self.path.endswith(".ttl"):
            body = b'<http://example.org/s> <http://example.org/p> "from-the-web" .\n'
            kind = "text/turtle"
        else:
            body = json.dumps({"@context": {"name": "http://schema.org/name"}, "secret": SECRET}).encode()
            kind = "application/ld+json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


# ------------------------------------------------------------------ the attempts

TALLY = Tally("network attempts handled")
HEARD = {"hits": 0, "events": 0, "attempts": 0, "allowed": 0}


@pytest.fixture(scope="module", autouse=True)
def _announce(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    announce(
        request.config,
        f"{HEARD['hits']} network hits in {HEARD['attempts']} attempts"
        f" ({HEARD['events']} Python network events or outside-file opens;"
        f" {HEARD['allowed']} fetches with --allow-network worked); {TALLY.line()}",
    )


@dataclass
class World:
    url: str  # the loopback server
    inputs: Path  # where the input files are
    outside: Path  # files that file: IRIs point at; never to be read
    out: Path  # output folder


@pytest.fixture
def world(server: str, tmp_path: Path) -> World:
    inputs, outside, out = tmp_path / "inputs", tmp_path / "outside", tmp_path / "out"
    for folder in (inputs, outside, out):
        folder.mkdir()
    (outside / "context.jsonld").write_text(json.dumps({"@context": {"name": "http://schema.org/name"}, "x": SECRET}))
    (outside / "secret.txt").write_text(SECRET)
    (outside / "data.ttl").write_text(f'<http://example.org/s> <http://example.org/p> "{SECRET}" .\n')
    return World(server, inputs, outside, out)


def run(world: World, args: list[str], stdin: str | None = None) -> tuple[Result, Heard]:
    """Run one command with the audit log on; return what the server and the hook heard."""
    log = world.out.parent / "audit.log"
    log.write_bytes(b"")
    before, connected = len(_Handler.hits), len(_Handler.connections)
    env = {"NO_PROXY": "*", "no_proxy": "*", "HTTP_PROXY": None, "HTTPS_PROXY": None, "http_proxy": None}
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        runner = CliRunner()
    _Audit.watched = str(world.outside)
    _Audit.fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    cwd = Path.cwd()
    os.chdir(world.out)
    try:
        result = runner.invoke(cli, args, env=env, input=stdin)
    finally:
        os.chdir(cwd)
        os.close(_Audit.fd)
        _Audit.fd = None
    heard = Heard(_Handler.hits[before:], log.read_text().splitlines(), _Handler.connections[connected:])
    return result, heard


def refused(result: Result, fragments: tuple[str, ...]) -> None:
    assert result.exit_code not in (0, 70), (result.exit_code, result.stdout[:300], result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("aigraph: error: "), lines
    assert "Traceback" not in result.stderr
    assert any(f in lines[0] for f in fragments), f"no clear refusal ({' / '.join(fragments)}): {lines[0]!r}"
    assert SECRET not in result.stdout


def worked(result: Result) -> None:
    assert result.exit_code == 0, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr


def outputs_hold_no_secret(world: World) -> None:
    for path in world.out.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), f"{path} holds a file from outside the inputs"


REFUSAL = ("never fetches", "never loads", "network", "does not exist", "refused")

# ------------------------------------------------------------------ inputs that point elsewhere


def remote_context(w: World) -> Path:
    p = w.inputs / "remote-context.jsonld"
    p.write_text(json.dumps({"@context": f"{w.url}/context.jsonld", "@id": "http://example.org/s", "name": "x"}))
    return p


def remote_import(w: World) -> Path:
    p = w.inputs / "remote-import.jsonld"
    ctx = {"@import": f"{w.url}/context.jsonld", "ex": "http://example.org/"}
    p.write_text(json.dumps({"@context": ctx, "@id": "ex:s", "ex:p": "x"}))
    return p


def nested_remote_context(w: World) -> Path:
    p = w.inputs / "nested-context.jsonld"
    inner = {"@context": [f"{w.url}/nested.jsonld"], "@id": "http://example.org/o"}
    p.write_text(json.dumps({"@id": "http://example.org/s", "http://example.org/p": inner}))
    return p


def file_context(w: World) -> Path:
    p = w.inputs / "file-context.jsonld"
    p.write_text(json.dumps({"@context": (w.outside / "context.jsonld").as_uri(), "@id": "http://example.org/s"}))
    return p


def xml_remote_entity(w: World) -> Path:
    p = w.inputs / "remote-entity.rdf"
    p.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n  <!ENTITY e SYSTEM "{w.url}/entity.xml">\n]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
        '  <rdf:Description rdf:about="http://example.org/s"><ex:p>&e;</ex:p></rdf:Description>\n</rdf:RDF>\n'
    )
    return p


def xml_file_entity(w: World) -> Path:
    p = w.inputs / "file-entity.rdf"
    secret = (w.outside / "secret.txt").as_uri()
    p.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n  <!ENTITY e SYSTEM "{secret}">\n]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
        '  <rdf:Description rdf:about="http://example.org/s"><ex:p>&e;</ex:p></rdf:Description>\n</rdf:RDF>\n'
    )
    return p


def xml_parameter_entity(w: World) -> Path:
    p = w.inputs / "parameter-entity.rdf"
    p.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n  <!ENTITY % remote SYSTEM "{w.url}/evil.dtd">\n  %remote;\n]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
    )
    return p


def xml_external_dtd(w: World) -> Path:
    """A DOCTYPE naming an external DTD: harmless if never fetched, so the file must work."""
    p = w.inputs / "external-dtd.rdf"
    p.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "{w.url}/rdf.dtd">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
        '  <rdf:Description rdf:about="http://example.org/s"><ex:p>x</ex:p></rdf:Description>\n</rdf:RDF>\n'
    )
    return p


def owl_imports(w: World) -> Path:
    """owl:imports, a remote @base and shapes links: data, never followed, so the file must work."""
    p = w.inputs / "imports.ttl"
    p.write_text(
        f"@base <{w.url}/base/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        f"<> owl:imports <{w.url}/onto.ttl>, <{(w.outside / 'data.ttl').as_uri()}> ;\n"
        f"   sh:shapesGraph <{w.url}/shapes.ttl> .\n"
        f'<thing> <{w.url}/p> <{w.url}/o.ttl> .\n'
    )
    return p


# name -> (input maker, does the command refuse it?)
DATA_INPUTS: dict[str, tuple[Callable[[World], Path], bool]] = {
    "JSON-LD remote @context": (remote_context, True),
    "JSON-LD @import of a remote context": (remote_import, True),
    "JSON-LD nested remote @context": (nested_remote_context, True),
    "JSON-LD file: @context outside the inputs": (file_context, True),
    "RDF/XML external entity (http)": (xml_remote_entity, True),
    "RDF/XML external entity (file: outside the inputs)": (xml_file_entity, True),
    "RDF/XML external parameter entity": (xml_parameter_entity, True),
    "RDF/XML external DTD": (xml_external_dtd, False),
    "owl:imports, @base and sh:shapesGraph links": (owl_imports, False),
}
DATA_COMMANDS: dict[str, Callable[[str, Path], list[str]]] = {
    "validate": lambda f, out: ["validate", f],
    "export": lambda f, out: ["export", "--data", f, "-f", "ntriples", "-o", str(out / "out.nt")],
    "query": lambda f, out: ["query", "--data", f, "SELECT * { ?s ?p ?o }", "-f", "tsv", "-o", str(out / "o.tsv")],
    "query --infer": lambda f, out: ["query", "--data", f, "ASK { ?s ?p ?o }", "--infer", "-o", str(out / "o.srj")],
    "view": lambda f, out: ["view", "--data", f, "--no-open", "-o", str(out / "out.html")],
}


def available(command: str) -> bool:
    return command.split()[0] in cli.commands  # type: ignore[attr-defined]


def check_silent(heard: Heard) -> None:
    HEARD["attempts"] += 1
    HEARD["hits"] += len(heard.hits)
    HEARD["events"] += len(heard.events)
    assert heard.hits == [], f"the loopback server was reached: {heard.hits}"
    assert heard.connections == [], f"the loopback server was connected to: {heard.connections}"
    assert heard.events == [], f"Python tried to reach out: {heard.events}"


@pytest.mark.parametrize("command", list(DATA_COMMANDS))
@pytest.mark.parametrize("name", list(DATA_INPUTS))
def test_data_never_reaches_out(name: str, command: str, world: World) -> None:
    if not available(command):
        pytest.fail(f"aigraph {command} does not exist yet")
    with TALLY.case(f"{name} / {command}"):
        make, refuses = DATA_INPUTS[name]
        path = make(world)
        result, heard = run(world, DATA_COMMANDS[command](str(path), world.out))
        check_silent(heard)
        if refuses:
            refused(result, REFUSAL)
            assert result.stderr.startswith(f"aigraph: error: {path}")
            assert list(world.out.iterdir()) == []
        elif command == "validate":  # a report on plain data (which states no aig:Fact), not a refusal
            assert result.exit_code in (0, 1) and result.stderr == "", (result.exit_code, result.stderr)
            assert result.stdout.startswith(("Conforms", "Does not conform")), result.stdout[:300]
            assert SECRET not in result.stdout
        else:
            worked(result)
        outputs_hold_no_secret(world)


# ------------------------------------------------------------------ SPARQL that reaches out

QUERIES: dict[str, Callable[[World], str]] = {
    "SERVICE": lambda w: f"SELECT * WHERE {{ SERVICE <{w.url}/sparql> {{ ?x ?p ?o }} }}",
    "SERVICE SILENT, lower case": lambda w: f"select * where {{ service silent <{w.url}/sparql> {{ ?x ?p ?o }} }}",
    "SERVICE with a variable": lambda w: f"SELECT * {{ VALUES ?e {{ <{w.url}/sparql> }} SERVICE ?e {{ ?x ?p ?o }} }}",
    "FROM (http)": lambda w: f"SELECT * FROM <{w.url}/data.ttl> WHERE {{ ?s ?p ?o }}",
    "FROM NAMED (http)": lambda w: f"SELECT * FROM NAMED <{w.url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "FROM (file: outside the inputs)": lambda w: f"SELECT * FROM <{(w.outside / 'data.ttl').as_uri()}> {{ ?s ?p ?o }}",
    "FROM NAMED (file: outside the inputs)": lambda w: (
        f"SELECT * FROM NAMED <{(w.outside / 'data.ttl').as_uri()}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    ),
    # Oxigraph reads keywords without a word boundary (issue 16 item 1).
    "SERVICE: glued to the empty prefix": lambda w: (
        f"PREFIX : <{w.url}/sparql> SELECT * WHERE {{ SERVICE:{{ ?x ?p ?o }} }}"
    ),
    "SERVICEe:sparql, a named prefix glued on": lambda w: (
        f"PREFIX e: <{w.url}/> SELECT * WHERE {{ SERVICEe:sparql {{ ?x ?p ?o }} }}"
    ),
    "service: in lower case": lambda w: f"prefix : <{w.url}/sparql> select * where {{ service:{{ ?x ?p ?o }} }}",
    "SERVICE: inside FILTER EXISTS": lambda w: (
        f'PREFIX : <{w.url}/sparql> SELECT ?x WHERE {{ VALUES ?x {{ "from-service" }}'
        " FILTER EXISTS { SERVICE:{ ?x ?p ?o } } }"
    ),
    "SERVICE after a number, no space": lambda w: (
        f"SELECT * WHERE {{ VALUES ?o {{ 1 }} ?s ?p 1SERVICE<{w.url}/sparql>{{ ?x ?p2 ?o2 }} }}"
    ),
    "LOAD": lambda w: f"LOAD <{w.url}/data.ttl>",
    "LOAD INTO GRAPH (file:)": lambda w: f"LOAD <{(w.outside / 'data.ttl').as_uri()}> INTO GRAPH <http://example.org/g>",
}
# What --allow-network must then give (LOAD stays refused: aigraph is read-only).
ALLOWED = {
    "SERVICE": "from-service",
    "SERVICE SILENT, lower case": "from-service",
    "SERVICE: glued to the empty prefix": "from-service",
    "SERVICEe:sparql, a named prefix glued on": "from-service",
    "service: in lower case": "from-service",
    "SERVICE: inside FILTER EXISTS": "from-service",
    "FROM (http)": "from-the-web",
    "FROM NAMED (http)": "from-the-web",
    "FROM (file: outside the inputs)": SECRET,
    "FROM NAMED (file: outside the inputs)": SECRET,
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_queries_never_reach_out(name: str, world: World) -> None:
    if not available("query"):
        pytest.fail("aigraph query does not exist yet")
    with TALLY.case(f"query: {name}"):
        text = QUERIES[name](world)
        result, heard = run(world, ["query", text, "-f", "tsv", "-o", str(world.out / "o.tsv")])
        check_silent(heard)
        refused(result, ("--allow-network", "network", "read-only"))
        assert list(world.out.iterdir()) == []


@pytest.mark.parametrize("name", list(QUERIES))
def test_query_file_never_reaches_out(name: str, world: World) -> None:
    """The same refusals for a query read from a .rq file, with that file named."""
    if not available("query"):
        pytest.fail("aigraph query does not exist yet")
    with TALLY.case(f"query file: {name}"):
        rq = world.inputs / "reach.rq"
        rq.write_text("# reaches out\n" + QUERIES[name](world) + "\n")
        result, heard = run(world, ["query", str(rq), "-f", "tsv"])
        check_silent(heard)
        refused(result, ("--allow-network", "network", "read-only"))
        assert result.stderr.startswith(f"aigraph: error: {rq}:2: ")


# Oxigraph cannot evaluate SERVICE ?var (it wants the variable bound first): a clean error will do.
# A SERVICE joined to a triple pattern that matches nothing is never called: an empty answer.
ENGINE_LIMITS = {"SERVICE with a variable": ("unbound", "SERVICE")}
NEVER_CALLED = {"SERVICE after a number, no space"}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n)
        for n in QUERIES
    ],
)
def test_allow_network_makes_them_work(name: str, world: World) -> None:
    if not available("query"):
        pytest.fail("aigraph query does not exist yet")
    with TALLY.case(f"--allow-network: {name}"):
        text = QUERIES[name](world)
        result, heard = run(world, ["query", text, "--allow-network", "-f", "tsv"])
        if name in ENGINE_LIMITS:
            refused(result, ENGINE_LIMITS[name])
            return
        if name in NEVER_CALLED:
            worked(result)
            return
        if name not in ALLOWED:
            refused(result, ("read-only", "Update", "LOAD"))
            assert heard.hits == []
            return
        worked(result)
        assert ALLOWED[name] in result.stdout, result.stdout
        if "file:" not in name:
            assert heard.hits, "the loopback server should have been asked"
        HEARD["allowed"] += 1


GLUED = [
    "SERVICE: glued to the empty prefix",
    "SERVICEe:sparql, a named prefix glued on",
    "service: in lower case",
    "SERVICE: inside FILTER EXISTS",
]


@pytest.mark.parametrize("name", GLUED)
def test_query_on_stdin_never_reaches_out(name: str, world: World) -> None:
    """The same refusals for a query read from standard input (``aigraph query -``)."""
    with TALLY.case(f"query on stdin: {name}"):
        result, heard = run(world, ["query", "-", "-f", "tsv"], stdin=QUERIES[name](world))
        check_silent(heard)
        refused(result, ("--allow-network",))
        assert result.stderr.startswith("aigraph: error: <stdin>:1: the query uses SERVICE")


@pytest.mark.parametrize("isolate", ["child, no time limit", "child with --timeout"])
@pytest.mark.parametrize("name", ["SERVICE", "SERVICE SILENT, lower case", *GLUED])
def test_evaluation_cannot_reach_the_network_even_past_the_check(name: str, isolate: str, world: World) -> None:
    """Defence in depth: hand the engine a SERVICE query without the check before evaluation
    (as if the check had missed it): the query child cannot open a socket, so nothing
    reaches the server and the refusal is still clear. With the network allowed, the same
    call reaches the server, so the test is not vacuous."""
    from aigraph.errors import NetworkRefused
    from aigraph.sparql import engine as sparql
    from aigraph.sparql import guard

    with TALLY.case(f"sandbox: {name} ({isolate})"):
        text = QUERIES[name](world)
        store = sparql.load_store()
        timeout = 30.0 if "timeout" in isolate else None
        for allow in (False, True):
            unchecked = sparql.Prepared(text, "<query>", guard.inspect_query(text), {}, allow_network=allow)
            hits, connected = len(_Handler.hits), len(_Handler.connections)
            if not allow and ("SILENT" in name or "FILTER" in name):  # SILENT and FILTER hide the failure
                sparql.render_query(unchecked, store, "tsv", timeout=timeout, isolate=True)
                assert _Handler.hits[hits:] == [] and _Handler.connections[connected:] == []
            elif not allow:
                with pytest.raises(NetworkRefused, match="tried to reach the network"):
                    sparql.render_query(unchecked, store, "tsv", timeout=timeout, isolate=True)
                assert _Handler.hits[hits:] == [] and _Handler.connections[connected:] == []
            else:
                rendered = sparql.render_query(unchecked, store, "tsv", timeout=timeout, isolate=True)
                assert b"from-service" in rendered.data and _Handler.hits[hits:], rendered.data
        HEARD["attempts"] += 1


def test_from_dev_zero_is_refused_not_read(world: World) -> None:
    """FROM <file:///dev/zero> with --allow-network: a device is no document (it used to be read
    until memory ran out, reported as a cartesian product)."""
    with TALLY.case("FROM <file:///dev/zero>"):
        result, heard = run(world, ["query", "SELECT * FROM <file:///dev/zero> { ?s ?p ?o }", "--allow-network"])
        check_silent(heard)
        refused(result, ("FROM <file:///dev/zero>: not a regular file",))


def test_build_never_fetches_the_article(world: World) -> None:
    """An article URL is metadata; an article path that is a URL is a missing file, not a download."""
    with TALLY.case("build: article url and path"):
        (world.inputs / ARTICLE.name).write_bytes(ARTICLE.read_bytes())
        base = (
            "[article]\nid = \"a\"\npath = \"{path}\"\ntitle = \"T\"\nurl = \"{url}/article.html\"\n\n"
            "[[entity]]\nid = \"Meta\"\nlabel = \"Meta\"\nclass = \"Organization\"\n"
            "evidence = \"the sincerity of its founding members, Meta and IBM\"\n"
        )
        facts = world.inputs / "ok.facts.toml"
        facts.write_text(base.format(path=ARTICLE.name, url=world.url))
        result, heard = run(world, ["build", "--facts", str(facts), "-o", str(world.out / "g.ttl")])
        check_silent(heard)
        worked(result)
        facts.write_text(base.format(path=f"{world.url}/article.txt", url=world.url))
        (world.out / "g.ttl").unlink()
        result, heard = run(world, ["build", "--facts", str(facts), "-o", str(world.out / "g.ttl")])
        check_silent(heard)
        refused(result, ("does not exist",))
        assert not (world.out / "g.ttl").exists()


def test_the_audit_hook_hears_python_connections(world: World) -> None:
    """The hook is not deaf: a plain urllib request while recording shows up."""
    import urllib.request

    log = world.out.parent / "audit.log"
    log.write_bytes(b"")
    _Audit.watched = str(world.outside)
    _Audit.fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        urllib.request.urlopen(f"{world.url}/probe.ttl", timeout=5).read()
        (world.outside / "secret.txt").read_text()
    finally:
        os.close(_Audit.fd)
        _Audit.fd = None
    events = log.read_text()
    assert "urllib.Request" in events and "socket.connect" in events and "open " in events
    assert any(hit.endswith("/probe.ttl") for hit in _Handler.hits)
