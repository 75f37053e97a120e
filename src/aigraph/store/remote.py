"""Talking to real triple stores: the SPARQL 1.1 Graph Store HTTP Protocol (push) and
the SPARQL 1.1 Protocol (query --endpoint).

Only the standard library's http.client: a push is the user asking for the
network, and nothing else in aigraph opens a connection. Bodies are streamed
from temporary N-Triples files (one per target graph), so a million triples
never sit in one request in memory.
"""

from __future__ import annotations

import hashlib
import http.client
import netrc
import os
import secrets
import shutil
import socket
import ssl
import tempfile
import time
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from ..errors import AigraphError

if TYPE_CHECKING:
    from ..sparql.guard import Kind

ONTOLOGY_GRAPH = "https://w3id.org/aigraph/ontology"
"""The graph the aigraph ontology is pushed to (the ontology's own IRI)."""

DEFAULT_TIMEOUT = 60.0
_OWL_ONTOLOGY = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _declares_ontology(quad: ox.Quad) -> bool:
    """``<iri> a owl:Ontology``: the statement that names a file's graph."""
    return quad.predicate == _RDF_TYPE and quad.object == _OWL_ONTOLOGY and isinstance(quad.subject, ox.NamedNode)


_BLOCK = 1 << 16
_SNIPPET = 160


# ------------------------------------------------------------------ HTTP


@dataclass
class Credentials:
    user: str | None = None
    password: str | None = None
    source: str = ""  # where the password came from, for messages


def credentials(url: str, user: str | None) -> Credentials:
    """``--user`` with the password from ``AIGRAPH_PASSWORD``, else ``~/.netrc`` (which may
    also give the user). Never from the command line."""
    host = urllib.parse.urlsplit(url).hostname or ""
    password = os.environ.get("AIGRAPH_PASSWORD")
    if password is not None:
        return Credentials(user, password, "AIGRAPH_PASSWORD") if user else Credentials()
    try:
        entry = netrc.netrc().authenticators(host)
    except (OSError, netrc.NetrcParseError):
        entry = None
    if entry is not None and (user is None or entry[0] == user):
        return Credentials(entry[0], entry[2], "~/.netrc")
    return Credentials(user, None, "")


@dataclass
class Response:
    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes


@dataclass
class Client:
    """One server: its address, credentials, TLS settings and timeout."""

    url: str
    creds: Credentials = field(default_factory=Credentials)
    timeout: float | None = DEFAULT_TIMEOUT
    ca_cert: str | None = None
    _digest: dict[str, str] | None = None
    _nc: int = 0
    server: str = ""  # the Server header of the last response (which engine this is)

    def __post_init__(self) -> None:
        parts = urllib.parse.urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise AigraphError(f"{self.url!r} is not an http or https URL")
        self.parts = parts

    def _connection(self) -> http.client.HTTPConnection:
        host, port = self.parts.hostname or "", self.parts.port
        if self.parts.scheme == "https":
            context = ssl.create_default_context(cafile=self.ca_cert)  # verification stays on
            return http.client.HTTPSConnection(host, port, timeout=self.timeout, context=context)
        return http.client.HTTPConnection(host, port, timeout=self.timeout)

    def target(self, query: Mapping[str, str] | None = None) -> str:
        path = self.parts.path or "/"
        params = urllib.parse.parse_qsl(self.parts.query, keep_blank_values=True) + list((query or {}).items())
        encoded = "&".join(
            urllib.parse.quote(k, safe="") + ("=" + urllib.parse.quote(v, safe="") if v else "") for k, v in params
        )
        return path + ("?" + encoded if encoded else "")

    def _authorization(self, method: str, target: str) -> str | None:
        c = self.creds
        if c.user is None or c.password is None:
            return None
        if self._digest is None:  # no challenge yet: Virtuoso answers a Basic guess without one
            return None
        if self._digest.get("scheme") == "basic":
            import base64

            return "Basic " + base64.b64encode(f"{c.user}:{c.password}".encode()).decode("ascii")
        d = self._digest
        algorithm = d.get("algorithm", "MD5")
        hash_name = {"MD5": "md5", "SHA-256": "sha256"}.get(algorithm.upper().removesuffix("-SESS"), "md5")

        def h(text: str) -> str:
            return hashlib.new(hash_name, text.encode("utf-8")).hexdigest()

        self._nc += 1
        nc = f"{self._nc:08x}"
        cnonce = secrets.token_hex(8)
        ha1 = h(f"{c.user}:{d.get('realm', '')}:{c.password}")
        if algorithm.upper().endswith("-SESS"):
            ha1 = h(f"{ha1}:{d.get('nonce', '')}:{cnonce}")
        ha2 = h(f"{method}:{target}")
        qops = [q.strip() for q in d.get("qop", "").split(",") if q.strip()]
        fields = {
            "username": c.user,
            "realm": d.get("realm", ""),
            "nonce": d.get("nonce", ""),
            "uri": target,
            "algorithm": algorithm,
        }
        if "auth" in qops:
            fields.update(qop="auth", nc=nc, cnonce=cnonce)
            fields["response"] = h(f"{ha1}:{d.get('nonce', '')}:{nc}:{cnonce}:auth:{ha2}")
        else:
            fields["response"] = h(f"{ha1}:{d.get('nonce', '')}:{ha2}")
        if "opaque" in d:
            fields["opaque"] = d["opaque"]
        unquoted = {"qop", "nc", "algorithm"}
        return "Digest " + ", ".join(f"{k}={v}" if k in unquoted else f'{k}="{v}"' for k, v in fields.items())

    def _learn_challenge(self, header: str) -> bool:
        """Take a Basic or Digest challenge from WWW-Authenticate; True if there was one to take."""
        scheme, _, rest = header.strip().partition(" ")
        if scheme.lower() == "basic":
            self._digest = {"scheme": "basic"}
            return True
        if scheme.lower() != "digest":
            return False
        params: dict[str, str] = {}
        for item in _split_params(rest):
            k, _, v = item.partition("=")
            params[k.strip().lower()] = v.strip().strip('"')
        self._digest = params
        self._nc = 0
        return True

    def request(
        self,
        method: str,
        query: Mapping[str, str] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | Path | None = None,
        what: str = "",
        midway: str = "",
    ) -> Response:
        """Send one request (a Path body is streamed from the file); answer a Digest
        challenge once; raise AigraphError for a connection that fails, with ``what`` (which
        request this was, and what came before it) and, once the request may have reached the
        server, ``midway`` (what a half-sent request may have left)."""
        target = self.target(query)
        for attempt in range(2):
            conn = self._connection()
            try:
                hdrs = dict(headers or {})
                auth = self._authorization(method, target)
                if auth:
                    hdrs["Authorization"] = auth
                if isinstance(body, Path):
                    with open(body, "rb") as fh:
                        hdrs["Content-Length"] = str(os.fstat(fh.fileno()).st_size)
                        conn.putrequest(method, target, skip_accept_encoding=True)
                        for k, v in hdrs.items():
                            conn.putheader(k, v)
                        conn.endheaders()
                        try:
                            while block := fh.read(_BLOCK):
                                conn.send(block)
                        except (BrokenPipeError, ConnectionResetError):
                            pass  # the server may have answered early (401, 413): read its reply
                else:
                    conn.request(method, target, body=body, headers=hdrs)
                resp = conn.getresponse()
                data = resp.read()
            except (ConnectionRefusedError, socket.gaierror) as exc:  # nothing reached the server
                raise AigraphError(f"cannot connect to {self.url}{what}: {_reason(exc)}") from None
            except ssl.SSLError as exc:
                raise AigraphError(
                    f"TLS failed with {self.url}{what}: {_reason(exc)} (--ca-cert FILE trusts a CA)"
                ) from None
            except TimeoutError:
                raise AigraphError(f"{self.url} did not answer within {self.timeout:g} s{what}{midway}") from None
            except (OSError, http.client.HTTPException) as exc:
                raise AigraphError(f"the connection to {self.url} failed{what}{midway}: {_reason(exc)}") from None
            finally:
                conn.close()
            response = Response(resp.status, resp.reason, {k.lower(): v for k, v in resp.getheaders()}, data)
            self.server = response.headers.get("server", self.server)
            challenge = response.headers.get("www-authenticate", "")
            if (
                response.status == 401
                and attempt == 0
                and self.creds.password is not None
                and self._learn_challenge(challenge)
            ):
                continue  # answer the Digest challenge with the same request
            return response
        return response

    def probe(self, query: Mapping[str, str] | None = None) -> Response:
        """A HEAD request before a big body is sent: it learns the auth challenge, and
        tells a Graph Store (200 or 404 for a graph) from a query endpoint (400)."""
        resp = self.request("HEAD", query)
        if resp.status == 401 and self.creds.password is not None:
            self._learn_challenge(resp.headers.get("www-authenticate", ""))
        return resp


def _split_params(text: str) -> Iterator[str]:
    """Comma-separated auth parameters, commas inside quotes kept."""
    item, quoted = "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            yield item.strip()
            item = ""
        else:
            item += ch
    if item.strip():
        yield item.strip()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running, and on this port?)"
    return " ".join(str(exc).split()) or type(exc).__name__


def _server_message(resp: Response) -> str:
    text = resp.body.decode("utf-8", "replace")
    if "<" in text and ">" in text:  # an HTML error page: keep its words
        import re

        text = re.sub(r"<[^>]*>", " ", text)
    text = " ".join(text.split())
    return text[:_SNIPPET] + ("…" if len(text) > _SNIPPET else "")


def http_failure(resp: Response, client: Client, action: str, context: str = "") -> str:
    """One line for a failed request: what, the status, what to do, ``context`` (such as
    the graphs already replaced), and last the server's own message, cut short (the
    CLI keeps a message under 400 characters, so what matters comes first)."""
    status = f"HTTP {resp.status} {resp.reason}".strip()
    c = client.creds
    if resp.status == 401:
        scheme = resp.headers.get("www-authenticate", "").split(" ")[0] or "HTTP"
        if c.user is None:
            hint = f"the server wants {scheme} credentials: give --user NAME, with AIGRAPH_PASSWORD or ~/.netrc"
        elif c.password is None:
            hint = f"no password for user {c.user!r}: set AIGRAPH_PASSWORD or add {client.parts.hostname} to ~/.netrc"
        else:
            hint = f"the server refused user {c.user!r} and the password from {c.source}"
        return f"{action}: {status}: {hint}{context}"
    message = _server_message(resp)
    said = f"; the server says: {message}" if message else ""
    if resp.status == 403:
        who = f"user {c.user!r}" if c.user else "an anonymous user (no --user)"
        return f"{action}: {status}: {who} may not do this{context}{said}"
    return f"{action}: {status}{context}{said}"


# ------------------------------------------------------------------ push


@dataclass
class PushedGraph:
    graph: str | None  # None: the default graph
    triples: int
    path: Path


@dataclass
class PushSummary:
    graphs: list[PushedGraph]
    seconds: float
    bulk: bool = False  # Oxigraph's bulk loader (no_transaction): each graph cleared, then loaded

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)


def _label(graph: str | None) -> str:
    return "the default graph" if graph is None else f"<{graph}>"


class _Spill:
    """Per-graph temporary N-Triples files, written in one pass over the input."""

    MAX_OPEN = 64

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str | None, Path] = {}
        self.counts: dict[str | None, int] = {}
        self.open: dict[str | None, IO[str]] = {}
        self.external: set[Path] = set()

    def write(self, graph: str | None, line: str) -> None:
        fh = self.open.get(graph)
        if fh is None:
            if len(self.open) >= self.MAX_OPEN:
                for other in self.open.values():
                    other.close()
                self.open.clear()
            path = self.files.get(graph)
            if path in self.external:  # never append to the user's file: to a copy of it
                assert path is not None
                copy = self.folder / f"g{len(self.files)}-copy.nt"
                shutil.copyfile(path, copy)
                self.external.discard(path)
                path = self.files[graph] = copy
            if path is None:
                path = self.folder / f"g{len(self.files)}.nt"
                self.files[graph] = path
                self.counts[graph] = 0
            fh = self.open[graph] = open(path, "a", encoding="utf-8", newline="\n")
        fh.write(line)
        self.counts[graph] += 1

    def adopt(self, target: str | None, path: Path, count: int, *, external: bool = False) -> None:
        """Give the N-Triples file ``path`` to ``target`` (appended on disk, never in memory).

        An ``external`` file is the user's own N-Triples, sent as it is: it is never
        written to or removed; a second file for the same graph gets a copy of it first."""
        if target not in self.files:
            self.files[target], self.counts[target] = path, count
            if external:
                self.external.add(path)
            return
        if target in self.open:
            self.open.pop(target).close()
        mine = self.files[target]
        if mine in self.external:
            copy = self.folder / f"g{len(self.files)}-copy.nt"
            shutil.copyfile(mine, copy)
            self.external.discard(mine)
            self.files[target] = mine = copy
        with open(mine, "ab") as out, open(path, "rb") as src:
            shutil.copyfileobj(src, out)
        if not external:
            path.unlink()
        self.counts[target] += count

    def close(self) -> None:
        for fh in self.open.values():
            fh.close()
        self.open.clear()


def _spill_file(
    spill: _Spill, path: Path, target: str | None, default_graph: bool, single_graph_iri: list[str]
) -> None:
    """Parse ``path`` strictly, streaming, into per-graph files.

    Triples of a file's default graph go to ``target`` (``--graph``), or the
    default graph (``--default-graph``), or the IRI the file declares itself as
    (``<iri> a owl:Ontology``, as ``aigraph build`` writes); quads in named
    graphs go to their own graph.
    """
    from ..files import check_input
    from ..rdfio import file_base_iri, format_for_path, syntax_error

    path = check_input(path)
    fmt = format_for_path(path)
    formats = {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "nquads": ox.RdfFormat.N_QUADS,
        "trig": ox.RdfFormat.TRIG,
        "xml": ox.RdfFormat.RDF_XML,
        "n3": ox.RdfFormat.N3,
    }
    if fmt not in formats:
        raise AigraphError(
            "aigraph push reads Turtle, N-Triples, N-Quads, TriG, RDF/XML or N3 (.ttl .nt .nq .trig .rdf .n3)",
            path=path,
        )
    declared: list[str] = []
    counted = [0]
    unnamed = target is None and not default_graph

    if fmt == "ntriples":
        # N-Triples is already what a PUT sends: parse it strictly (no rewrite, about
        # 3x faster than parsing and writing it again) and send the file as it is.
        try:
            for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
                counted[0] += 1
                if unnamed and not declared and _declares_ontology(quad):
                    declared.append(quad.subject.value)
        except SyntaxError as exc:
            raise syntax_error(exc, path, fmt) from None
        except OSError as exc:
            raise AigraphError(f"cannot read: {exc.strerror or exc}", path=path) from None
        if counted[0] == 0:
            return
        if unnamed and not declared:
            raise AigraphError(
                "this file's triples have no graph to go to (it declares no <iri> a owl:Ontology):"
                " give --graph IRI or --default-graph",
                path=path,
            )
        spill.adopt(declared[0] if unnamed else target, path, counted[0], external=True)
        return

    def default_triples() -> Iterator[ox.Triple]:
        # Default-graph triples stream through Oxigraph's own N-Triples writer (the
        # fast path); quads of named graphs go to their graph's file on the way.
        for quad in ox.parse(path=str(path), format=formats[fmt], base_iri=file_base_iri(path)):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                if unnamed and not declared and _declares_ontology(quad):
                    declared.append(quad.subject.value)
                counted[0] += 1
                yield quad.triple
            else:
                spill.write(str(quad.graph_name.value), f"{quad.subject} {quad.predicate} {quad.object} .\n")

    own = spill.folder / f"f{len(spill.files)}-{id(path)}.nt"
    try:
        with open(own, "wb") as out:
            ox.serialize(default_triples(), out, format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as exc:
        raise syntax_error(exc, path, fmt or "") from None
    except OSError as exc:
        raise AigraphError(f"cannot read: {exc.strerror or exc}", path=path) from None
    if counted[0] == 0:
        own.unlink()
        return
    if unnamed and not declared:
        raise AigraphError(
            "this file's triples have no graph to go to (it declares no <iri> a owl:Ontology):"
            " give --graph IRI or --default-graph",
            path=path,
        )
    spill.adopt(declared[0] if unnamed else target, own, counted[0])
    if declared:
        single_graph_iri.append(declared[0])


def spill_graphs(
    folder: Path,
    data: Sequence[str | Path] | None = None,
    *,
    graph: str | None = None,
    default_graph: bool = False,
    with_ontology: bool = True,
) -> _Spill:
    """Read ``data`` (default: the built graph) and the ontology strictly, in one
    streaming pass, into one N-Triples file per target graph in ``folder``."""
    if graph is not None:
        try:
            ox.NamedNode(graph)
        except ValueError:
            raise AigraphError(f"--graph {graph!r} is not an IRI") from None
    from .. import resources

    spill = _Spill(folder)
    try:
        if data:
            for path in data:
                _spill_file(spill, Path(path), graph, default_graph, [])
        else:
            from .dataset import built_graph_path

            local = built_graph_path()
            source: Any = local if local is not None else resources.built_graph()
            with resources.as_path(source) as real:
                _spill_file(spill, Path(real), graph, default_graph, [])
        if with_ontology:
            with resources.as_path(resources.ontology()) as real:
                _spill_file(spill, Path(real), ONTOLOGY_GRAPH, False, [])
    finally:
        spill.close()
    return spill


def push(
    url: str,
    data: Sequence[str | Path] | None = None,
    *,
    graph: str | None = None,
    default_graph: bool = False,
    with_ontology: bool = True,
    user: str | None = None,
    ca_cert: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    atomic: bool = False,
    on_graph: Any = None,
) -> PushSummary:
    """Replace graphs on a Graph Store Protocol endpoint (HTTP PUT) with the data.

    ``data`` (default: the built graph) is read strictly first; then one PUT
    per graph, each body streamed from a temporary N-Triples file. The
    ontology goes to ``ONTOLOGY_GRAPH``. ``on_graph(PushedGraph)`` is called after each
    graph is replaced.

    An Oxigraph server (its ``Server`` header says so) gets each PUT with
    ``no_transaction``: it clears the graph, then bulk-loads the body (4x
    faster at 1e5 triples here, 18x at 1e6), but a push that fails half-way leaves
    that graph partly loaded. ``atomic=True`` keeps one transaction per graph.
    """
    client = Client(url, credentials(url, user), timeout, ca_cert)
    start = time.perf_counter()
    bulk = False
    with tempfile.TemporaryDirectory(prefix="aigraph-push-") as tmp:
        spill = spill_graphs(Path(tmp), data, graph=graph, default_graph=default_graph, with_ontology=with_ontology)
        done: list[PushedGraph] = []
        for name, path in spill.files.items():
            query = {"default": ""} if name is None else {"graph": name}
            if not done:
                probed = client.probe(query)
                if probed.status == 400:
                    raise AigraphError(http_failure(probed, client, _NOT_GSP.format(url=url), _already(done)))
                bulk = not atomic and is_oxigraph(client.server)
            if bulk:
                # Oxigraph's /store reads this flag (cli/src/main.rs, web_load_graph): its
                # bulk loader instead of one transaction. The graph is cleared first either way.
                query = {**query, "no_transaction": ""}
            partly = f"; {_label(name)} may be partly loaded (Oxigraph bulk load; --atomic avoids it)" if bulk else ""
            what = f" while sending {_label(name)}" + _already(done)
            resp = client.request(
                "PUT", query, headers={"Content-Type": "application/n-triples"}, body=path, what=what, midway=partly
            )
            if resp.status not in (200, 201, 204):
                action = f"push of {_label(name)} to {url} failed"
                if resp.status in (400, 404, 405, 501) and not done:
                    action = _NOT_GSP.format(url=url)
                context = _already(done) + (partly if resp.status >= 500 else "")
                raise AigraphError(http_failure(resp, client, action, context))
            pushed = PushedGraph(name, spill.counts[name], path)
            done.append(pushed)
            if on_graph is not None:
                on_graph(pushed)
        return PushSummary(done, time.perf_counter() - start, bulk)


def is_oxigraph(server_header: str) -> bool:
    """An Oxigraph server names itself ``Oxigraph/0.5.13`` in its Server header."""
    return server_header.strip().lower().startswith("oxigraph/")


_NOT_GSP = "{url} does not look like a Graph Store Protocol endpoint (such as http://host:7878/store)"


def _already(done: list[PushedGraph]) -> str:
    if not done:
        return "; no graph was replaced"
    names = ", ".join(_label(g.graph) for g in done[:3]) + (f" and {len(done) - 3} more" if len(done) > 3 else "")
    return f"; already replaced: {names}"


# ------------------------------------------------------------------ query


_ACCEPT = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
_RDF_ACCEPT = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
    "xml": "application/rdf+xml",
    "n3": "text/n3",
}


def endpoint_text(prepared: Any) -> str:
    """The query as a server must see it: aigraph's pre-declared prefixes written out,
    the base IRI as BASE, and bound variables as a final VALUES clause."""
    from ..namespaces import PREFIXES
    from ..sparql.engine import trailing_values

    declared = prepared.info.prefixes
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in {**PREFIXES, **prepared.extra_prefixes}.items() if p not in declared]
    if prepared.base_iri:
        lines.insert(0, f"BASE <{prepared.base_iri}>")
    text = prepared.text
    subs = prepared.substitutions
    if subs:
        if trailing_values(text) is not None:
            raise AigraphError(
                "with --endpoint, --bind can only give variables of the query's final VALUES clause",
                path=prepared.source,
            )
        for term in subs.values():
            if isinstance(term, ox.BlankNode):
                raise AigraphError("--endpoint cannot bind a blank node", path=prepared.source)
        names = " ".join(f"?{v.value}" for v in subs)
        row = " ".join(str(t) for t in subs.values())
        text = f"{text}\nVALUES ({names}) {{ ({row}) }}"
    return "\n".join([*lines, text])


@dataclass
class RemoteRendered:
    data: bytes
    kind: str
    fmt: str
    count: int | None = None


def query_endpoint(
    url: str,
    prepared: Any,
    fmt: str | None,
    *,
    default_results_format: str = "tsv",
    user: str | None = None,
    ca_cert: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> RemoteRendered:
    """Run a prepared query on a SPARQL 1.1 Protocol endpoint (POST, form-encoded) and
    return it in ``fmt``: the server's own serialization when it has one, the table
    rendered here from its JSON results."""
    from ..sparql import results

    form: Kind = prepared.info.form or "select"
    chosen = results.choose_format(form, fmt, default_results_format)
    if form == "graph":
        accept = _RDF_ACCEPT.get(chosen, "text/turtle")
    else:
        accept = _ACCEPT.get(chosen, _ACCEPT["json"])
    client = Client(url, credentials(url, user), timeout, ca_cert)
    body = urllib.parse.urlencode({"query": endpoint_text(prepared)}).encode("utf-8")
    resp = client.request(
        "POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        body=body,
    )
    if resp.status != 200:
        raise AigraphError(http_failure(resp, client, f"query on {url} failed"), path=prepared.source)
    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    if form == "graph":
        if ctype == accept:
            return RemoteRendered(_nl(resp.body), "graph", chosen)
        triples = _parse_rdf(resp.body, ctype, url)
        rendered = results.render(iter(triples), chosen)
        return RemoteRendered(rendered.data, "graph", chosen, rendered.count)
    if chosen != "table" and ctype == accept:
        return RemoteRendered(_nl(resp.body), form, chosen)
    parsed = _parse_results(resp.body, ctype, url)
    rendered = results.render(parsed, chosen, default_results_format=default_results_format)
    return RemoteRendered(rendered.data, form, chosen, rendered.count)


def _nl(data: bytes) -> bytes:
    return data if not data or data.endswith(b"\n") else data + b"\n"


def _parse_results(body: bytes, ctype: str, url: str) -> Any:
    formats = {v: k for k, v in _ACCEPT.items()}
    name = formats.get(ctype)
    if name is None:
        raise AigraphError(f"{url} answered {ctype or 'an unknown type'}, not SPARQL results (is it a query endpoint?)")
    kinds = {
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
    }
    try:
        return ox.parse_query_results(body, format=kinds[name])
    except (SyntaxError, ValueError) as exc:
        raise AigraphError(f"{url} sent results aigraph cannot read: {' '.join(str(exc).split())}") from None


def _parse_rdf(body: bytes, ctype: str, url: str) -> list[ox.Triple]:
    try:
        fmt = ox.RdfFormat.from_media_type(ctype)
    except ValueError:
        fmt = None
    if fmt is None:
        raise AigraphError(f"{url} answered {ctype or 'an unknown type'}, not RDF (is it a query endpoint?)")
    try:
        return [q.triple for q in ox.parse(body, format=fmt)]
    except SyntaxError as exc:
        raise AigraphError(f"{url} sent RDF aigraph cannot read: {' '.join(str(exc).split())}") from None
