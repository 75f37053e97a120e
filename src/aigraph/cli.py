"""The ``aigraph`` command: a thin layer over the library.

Each command parses its options, calls one library function and prints the
result. Heavy modules are imported inside commands so ``aigraph --help``
stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import AigraphError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Group(click.Group):
    """Turns every error into one line on stderr and a non-zero exit, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AigraphError as exc:
            click.echo(f"aigraph: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("aigraph: interrupted", err=True)
            ctx.exit(130)
        except _Terminated:
            click.echo("aigraph: terminated", err=True)
            ctx.exit(143)
        except BrokenPipeError:
            # The reader went away (`aigraph query ... | head`): not an error.
            sys.stderr.close()
            ctx.exit(0)
        except Exception as exc:  # noqa: BLE001 - the promise is: no traceback
            if os.environ.get("AIGRAPH_DEBUG"):
                raise
            msg = " ".join(str(exc).split()) or type(exc).__name__
            click.echo(
                f"aigraph: internal error: {type(exc).__name__}: {msg}"
                " (set AIGRAPH_DEBUG=1 for a traceback, and please report it)",
                err=True,
            )
            ctx.exit(70)


# Short names people type for --format, as file extensions spell them.
_ALIASES = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "rdf": "xml"}


def _data_option(f: Any) -> Any:
    return click.option(
        "--data",
        "data",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=True),
        metavar="FILE",
        help="Read this RDF file instead of the built graph (repeatable; format from extension).",
    )(f)


def _ontology_option(f: Any) -> Any:
    return click.option(
        "--ontology",
        "ontology",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=True),
        metavar="FILE",
        help="An ontology extension (Turtle): your own classes and relations (repeatable).",
    )(f)


def _note_graph(data: tuple[Path, ...]) -> None:
    """Say which graph a command reads when graphs/ holds several (it reads the newest)."""
    if data:
        return
    from .dataset import built_graphs

    found = built_graphs()
    if len(found) > 1:
        click.echo(
            f"aigraph: reading {found[0]}, the newest of {len(found)} graphs in {found[0].parent}/"
            " (--data FILE reads another)",
            err=True,
        )


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "--version", "-V", prog_name="aigraph")
def cli() -> None:
    """Build, query, view and export knowledge graphs of news articles.

    Every fact in the graph cites the article sentence it comes from. Without
    arguments, the commands work on the shipped AI Alliance article.

    \b
    Examples:
      aigraph build                       # -> graphs/ai-alliance.ttl
      aigraph view                        # -> graphs/ai-alliance.html
      aigraph query members
      aigraph export --format jsonld -o graph.jsonld
      aigraph init my-article.txt         # -> my-article.facts.toml to fill in
      aigraph build --facts my-article.facts.toml    # -> graphs/my-article.ttl
    """


@cli.command()
@click.argument("article", type=click.Path(path_type=Path, dir_okay=True), metavar="ARTICLE.txt")
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="Where to write the facts file (default: <id>.facts.toml beside the article); - for stdout.",
)
@click.option("--title", metavar="TEXT", help="The article's headline (default: its first line if it reads as one).")
@click.option("--url", metavar="URL", help="Where the article was published (http or https).")
@click.option("--published", metavar="YYYY-MM-DD", help="The date it was published.")
@click.option("--language", metavar="TAG", help="Its language, a BCP 47 tag such as en.")
def init(
    article: Path,
    output: str | None,
    title: str | None,
    url: str | None,
    published: str | None,
    language: str | None,
) -> None:
    """Start a facts file for your own article: the [article] table, every sentence
    numbered (as comments), and commented examples of an entity and a fact.

    The id is the article's file name; it names the graph (graphs/<id>.ttl).
    An existing file is never overwritten. The format is documented in
    docs/facts-format.md.

    \b
    Examples:
      aigraph init sources/acme-deal.txt          # -> sources/acme-deal.facts.toml
      aigraph init deal.txt -o deal.facts.toml --title "Acme buys Beta" --language en
      aigraph init deal.txt -o - | less
    """
    from .skeleton import init as run_init

    target, n = run_init(article, output, title=title, url=url, published=published, language=language)
    if str(target) != "-":
        click.echo(f"Wrote {target} ({_count(n, 'sentence')}).", err=True)
        outside = not article.resolve().is_relative_to(Path(target).resolve().parent)
        flag = " --allow-outside-article" if outside else ""
        if outside:
            click.echo(
                "aigraph: note: the article is outside the facts file's folder, which build refuses"
                " unless told --allow-outside-article (or keep them in one folder)",
                err=True,
            )
        click.echo(
            f"Next: add [[entity]] and [[fact]] tables, then: aigraph build --facts {target}{flag}", err=True
        )


@cli.command()
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="Where to write the Turtle graph; - for stdout. Default: graphs/<article id>.ttl"
    " (graphs/ai-alliance.ttl for the shipped article).",
)
@click.option(
    "--facts",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Facts file to build from (default: the shipped AI Alliance facts).",
)
@_ontology_option
@click.option(
    "--allow-outside-article",
    is_flag=True,
    help="Read the article even if its path leads outside the facts file's folder.",
)
def build(output: str | None, facts: Path | None, ontology: tuple[Path, ...], allow_outside_article: bool) -> None:
    """Build the graph from the facts file, the article and the ontology.

    Every quote is checked against the article and every term against the
    ontology (and its extensions: --ontology, or [article] ontology in the
    facts file); the result must pass the SHACL shapes. Nothing is written on
    failure. The article must be UTF-8 text of at most 10 MiB in the facts
    file's folder or below it (links resolved), unless --allow-outside-article.

    \b
    Examples:
      aigraph build
      aigraph build --facts my.facts.toml                # -> graphs/<its article id>.ttl
      aigraph build --facts my.facts.toml --ontology my-terms.ttl -o my.ttl
    """
    from .builder import build as run_build
    from .builder import default_output

    if output is None:
        output = str(default_output(facts))
    triples = run_build(facts, output, ontology=ontology, allow_outside_article=allow_outside_article)
    if output != "-":
        facts_n = sum(1 for t in triples if str(t.object).endswith("#Fact>"))
        click.echo(
            f"Wrote {output} ({len(triples)} triples, {facts_n} facts with evidence).", err=True
        )


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path), metavar="[FILE]...")
@_ontology_option
def validate(files: tuple[Path, ...], ontology: tuple[Path, ...]) -> None:
    """Check RDF against the aigraph SHACL shapes (default: the built graph).

    Exits 0 when the data conforms, 1 otherwise, printing a report. The
    domains and ranges of --ontology extensions are checked too.

    \b
    Examples:
      aigraph validate
      aigraph validate graphs/ai-alliance.ttl extra.ttl
      aigraph validate graphs/deal.ttl --ontology deals.ttl
    """
    from .dataset import built_quads
    from .validate import validate_files, validate_graph

    if files:
        report = validate_files(files, ontology=ontology)
    else:
        from .extensions import load_extensions

        extra = load_extensions(ontology).quads
        _note_graph(files)
        report = validate_graph(built_quads(), ontology=extra)
    click.echo(report.text())
    if not report.conforms:
        sys.exit(1)


@cli.command()
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(
        ["turtle", "ntriples", "nquads", "trig", "jsonld", "xml", "graphml", "gexf", *_ALIASES],
        case_sensitive=False,
    ),
    help="Output format (default: from the -o extension, else turtle).",
)
@_data_option
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    metavar="PATH",
    help="Output file; - for stdout.",
)
@click.option("--with-ontology", is_flag=True, help="Include the ontology's triples (and --ontology's) in the output.")
@_ontology_option
def export(
    fmt: str | None, data: tuple[Path, ...], output: str, with_ontology: bool, ontology: tuple[Path, ...]
) -> None:
    """Export the graph as Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML, GraphML or GEXF.

    JSON-LD carries an inline @context; GraphML and GEXF (for Gephi, Cytoscape)
    come from the same NetworkX view as `aigraph view`.

    \b
    Examples:
      aigraph export --format jsonld -o graph.jsonld
      aigraph export -o graph.graphml
      aigraph export --format ntriples --data other.ttl | sort
      aigraph export --data graphs/deal.ttl --ontology deals.ttl -o deal.graphml
    """
    from .exporter import export as run_export
    from .exporter import format_for_output

    fmt = _ALIASES.get(fmt.lower(), fmt.lower()) if fmt else None
    if fmt is None:
        fmt = (format_for_output(output) if output != "-" else None) or "turtle"
    _note_graph(data)
    run_export(fmt, output, data=list(data) or None, with_ontology=with_ontology, ontology=ontology)
    if output != "-":
        click.echo(f"Wrote {output} ({fmt}).", err=True)


@cli.command()
@click.argument("query_arg", metavar="QUERY")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(
        ["table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "nquads", "trig", "jsonld", "n3", *_ALIASES],
        case_sensitive=False,
    ),
    help="SELECT/ASK: table, csv, tsv, json, xml (W3C results formats). CONSTRUCT/DESCRIBE:"
    " turtle (default), ntriples, jsonld, xml (RDF/XML), ...  Default: from the -o extension;"
    " else table on a terminal and tsv in a pipe.",
)
@click.option("-o", "--output", default="-", show_default=True, metavar="PATH", help="Output file; - for stdout.")
@_data_option
@click.option("--with-ontology", is_flag=True, help="With --data, add the aigraph ontology to the data.")
@_ontology_option
@click.option(
    "--bind",
    "binds",
    multiple=True,
    metavar="NAME=VALUE",
    help="Give ?NAME a value: kg:IBM, <https://...>, '\"text\"', 45 (repeatable).",
)
@click.option(
    "--base",
    "base_iri",
    metavar="IRI",
    help="Resolve relative IRIs in the query against IRI (default: a query file's own address).",
)
@click.option("--infer", is_flag=True, help="Answer over the RDFS / OWL 2 RL closure (owlrl).")
@click.option(
    "--endpoint",
    metavar="URL",
    help="Send the query to this SPARQL 1.1 Protocol endpoint (such as http://host:7878/query) instead.",
)
@click.option("--user", metavar="NAME", help="With --endpoint: the user (password from AIGRAPH_PASSWORD or ~/.netrc).")
@click.option(
    "--ca-cert",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="With --endpoint: trust this CA certificate file (TLS is always verified).",
)
@click.option(
    "--allow-network",
    is_flag=True,
    help="Allow SERVICE, and FROM / FROM NAMED (fetches each IRI: http, https or file).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Stop the query after this long (0: no limit).",
)
@click.option(
    "--max-memory",
    type=click.IntRange(min=0),
    default=2048,
    show_default=True,
    metavar="MB",
    help="Stop the query if it needs this much more memory (0: no limit; with --timeout).",
)
def query(
    query_arg: str,
    fmt: str | None,
    output: str,
    data: tuple[Path, ...],
    with_ontology: bool,
    binds: tuple[str, ...],
    base_iri: str | None,
    infer: bool,
    allow_network: bool,
    timeout: float,
    max_memory: int,
    ontology: tuple[Path, ...],
    endpoint: str | None,
    user: str | None,
    ca_cert: str | None,
) -> None:
    """Run a SPARQL query: inline text, a .rq file, - for stdin, or a saved query.

    Runs over the built graph plus the ontology, or the --data files. The
    default graph is the union of all graphs, so TriG and N-Quads data answer
    plain queries; GRAPH still reaches each named graph. Prefixes aig: kg:
    rdf: rdfs: owl: xsd: skos: prov: org: schema: dcterms: are declared;
    PREFIX lines in the query win. SELECT and ASK give a table on a terminal
    (row count on stderr) and W3C TSV in a pipe; CONSTRUCT and DESCRIBE give
    Turtle. Relative IRIs in a query file resolve against the file's address
    (--base sets the base). The query never reaches the network (SERVICE,
    FROM, LOAD are refused) unless --allow-network is given; SPARQL Update is
    refused. --ontology adds an extension's terms to the data and declares
    its prefixes.

    With --endpoint URL the query goes to a SPARQL server instead (see
    `aigraph push`): the same formats, asked of the server by content
    negotiation (the table is drawn here from its JSON results); --timeout
    applies; the safety refusals still apply, and --allow-network lifts them
    (SERVICE on a server you chose is then the server's business).

    \b
    Examples:
      aigraph queries                               # the saved queries
      aigraph query members
      aigraph query competitors --bind company=kg:Google
      aigraph query evidence --bind s=kg:Google --bind o=kg:Meta
      aigraph query 'SELECT ?o WHERE { kg:IBM aig:competesWith ?o }'
      aigraph query 'ASK { kg:Microsoft aig:competesWith kg:IBM }' --infer
      aigraph query my.rq --format json -o answers.srj
      aigraph query 'CONSTRUCT WHERE { kg:Meta ?p ?o }' -o meta.ttl
      aigraph query 'SELECT ?a ?b WHERE { ?a ex:acquired ?b }' --ontology deals.ttl
      aigraph query members --endpoint http://localhost:7878/query
    """
    from .sparql import load_store, prepare, render_query, resolve_query

    bind: dict[str, str] = {}
    for item in binds:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--bind")
        bind[name.strip()] = value
    fmt = _ALIASES.get(fmt.lower(), fmt.lower()) if fmt else None
    text = resolve_query(query_arg, lambda: click.get_text_stream("stdin").read(), base_iri=base_iri)
    extra: dict[str, str] = {}
    if ontology:
        from .extensions import load_extensions

        extra = load_extensions(ontology).prefixes
    prepared = prepare(text, bind=bind, allow_network=allow_network, infer=infer, prefixes=extra)
    if fmt is None and output != "-":
        from .results import format_for_path

        fmt = format_for_path(output, prepared.info.form)
    default = "table" if output == "-" and sys.stdout.isatty() else "tsv"
    if endpoint is not None:
        if data or infer:
            raise click.UsageError("--endpoint queries the server's data: drop --data and --infer")
        from .rdfio import write_bytes
        from .remote import query_endpoint

        remote = query_endpoint(
            endpoint, prepared, fmt, default_results_format=default, user=user, ca_cert=ca_cert, timeout=timeout or None
        )
        write_bytes(output, remote.data)
        if output != "-":
            click.echo(f"Wrote {output} ({remote.fmt}).", err=True)
        elif remote.fmt == "table" and remote.kind == "select":
            n = remote.count
            click.echo("No results." if not n else f"{n} row{'' if n == 1 else 's'}.", err=True)
        return
    _note_graph(data)
    store = load_store(list(data) or None, with_ontology=True if not data else with_ontology, ontology=ontology)
    rendered = render_query(
        prepared,
        store,
        fmt,
        default_results_format=default,
        timeout=timeout or None,
        max_memory_mb=max_memory or None,
    )
    from .rdfio import write_bytes

    write_bytes(output, rendered.data)
    count = rendered.count
    noun = "triple" if rendered.kind == "graph" else "row"
    if output != "-":
        size = f"{count} {noun}{'' if count == 1 else 's'}, " if count is not None else ""
        click.echo(f"Wrote {output} ({size}{rendered.fmt}).", err=True)
    elif rendered.fmt == "table" and rendered.kind == "select":
        click.echo("No results." if not count else f"{count} row{'' if count == 1 else 's'}.", err=True)


@cli.command()
@click.argument("url", metavar="URL")
@_data_option
@click.option("--graph", "graph", metavar="IRI", help="Send the data's default-graph triples to this named graph.")
@click.option("--default-graph", is_flag=True, help="Send them to the store's default graph instead.")
@click.option("--no-ontology", is_flag=True, help="Do not send the aigraph ontology.")
@click.option("--user", metavar="NAME", help="Log in as NAME (password from AIGRAPH_PASSWORD or ~/.netrc).")
@click.option(
    "--ca-cert",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Trust this CA certificate file (TLS is always verified).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a server silent for this long (0: wait forever).",
)
def push(
    url: str,
    data: tuple[Path, ...],
    graph: str | None,
    default_graph: bool,
    no_ontology: bool,
    user: str | None,
    ca_cert: str | None,
    timeout: float,
) -> None:
    """Send the graph to a triple store: SPARQL 1.1 Graph Store HTTP Protocol.

    Each graph is replaced (HTTP PUT), so pushing twice leaves one copy. The
    built graph (or each --data file's default graph) goes to the graph IRI
    the file declares (`<iri> a owl:Ontology`, which aigraph build writes:
    kg:<article>-graph), or to --graph IRI, or with --default-graph to the
    store's default graph; named graphs of TriG and N-Quads data go to their
    own graph; the ontology goes to <https://w3id.org/aigraph/ontology>.
    Bodies stream from temporary N-Triples files. The password comes from
    AIGRAPH_PASSWORD or ~/.netrc, never the command line (Basic or Digest).

    \b
    Examples:
      aigraph push http://localhost:7878/store                 # Oxigraph server
      aigraph push http://localhost:8890/sparql-graph-crud-auth --user dba   # Virtuoso
      aigraph push http://localhost:3030/ds/data --data corpus.trig          # Fuseki
    """
    from .remote import push as run_push

    if graph is not None and default_graph:
        raise click.UsageError("give --graph IRI or --default-graph, not both")
    _note_graph(data)

    def sent(g: Any) -> None:
        name = "the default graph" if g.graph is None else f"<{g.graph}>"
        click.echo(f"Replaced {name}: {_count(g.triples, 'triple')}.", err=True)

    summary = run_push(
        url,
        list(data) or None,
        graph=graph,
        default_graph=default_graph,
        with_ontology=not no_ontology,
        user=user,
        ca_cert=ca_cert,
        timeout=timeout or None,
        on_graph=sent,
    )
    click.echo(
        f"Pushed {_count(len(summary.graphs), 'graph')}, {_count(summary.triples, 'triple')}"
        f" to {url} in {summary.seconds:.1f} s.",
        err=True,
    )


@cli.command()
@_data_option
@click.option("--bind", "bind", default="127.0.0.1", show_default=True, metavar="HOST", help="Listen on this address.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="Listen on this port.")
@click.option("--no-ontology", is_flag=True, help="Serve the data without the aigraph ontology.")
def serve(data: tuple[Path, ...], bind: str, port: int, no_ontology: bool) -> None:
    """Serve the graph read-only with Oxigraph's own SPARQL server.

    Loads the built graph (or the --data files) and the ontology into a store
    in a temporary folder and runs `oxigraph serve-read-only` on it, with the
    union of the graphs as the default graph. Needs the optional extra:
    pip install 'aigraph[server]'. Ctrl-C stops it and removes the folder.

    \b
    Examples:
      aigraph serve                                   # http://127.0.0.1:7878/query
      aigraph query members --endpoint http://127.0.0.1:7878/query
    """
    from .serve import serve as run_serve

    _note_graph(data)

    def ready(url: str, count: int) -> None:
        click.echo(f"Serving {_count(count, 'triple')} read-only at {url} (Ctrl-C stops).", err=True)

    status = run_serve(list(data) or None, bind=bind, port=port, with_ontology=not no_ontology, on_ready=ready)
    if status not in (0, -2, 130, -15, 143):
        raise AigraphError(f"the oxigraph server stopped with status {status} (is port {port} already in use?)")


@cli.command()
@click.argument("name", required=False)
def queries(name: str | None) -> None:
    """List the saved queries, or print one's SPARQL.

    Run one with `aigraph query NAME`. What NAME prints is standalone SPARQL
    1.1 (its own PREFIX lines, defaults in a final VALUES clause): it runs
    unchanged on any SPARQL endpoint loaded with `aigraph export --with-ontology`.

    \b
    Examples:
      aigraph queries
      aigraph queries evidence
    """
    from .sparql import saved_queries, saved_query

    if name:
        click.echo(saved_query(name).text, nl=False)
        return
    saved = saved_queries()
    width = max(len(n) for n in saved)
    for q in saved.values():
        click.echo(f"{q.name.ljust(width)}  {q.description}")


@cli.command()
@_data_option
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="Where to write the HTML page; - for stdout. Default: the graph's file with .html"
    " (graphs/deal.ttl -> graphs/deal.html; the first --data file likewise).",
)
@click.option("--title", metavar="TEXT", help="Page heading (default: the title of the article in the data).")
@click.option(
    "--open/--no-open",
    "open_browser",
    default=False,
    show_default=True,
    help="Open the page in the default web browser.",
)
@_ontology_option
def view(
    data: tuple[Path, ...], output: str | None, title: str | None, open_browser: bool, ontology: tuple[Path, ...]
) -> None:
    """Write the graph as one self-contained, offline HTML page to explore.

    Nodes are coloured and shaped by class, relations styled by kind; hover a
    relation for the sentence it comes from, click anything for all its facts,
    filter by class or relation, search for a node. The page loads nothing
    from the network.

    \b
    Examples:
      aigraph view
      aigraph view --open
      aigraph view --data other.ttl                  # -> other.html
      aigraph view --ontology deals.ttl              # extension terms named in the legend
    """
    from .dataset import view_output
    from .view import write_view

    if open_browser and output == "-":
        raise click.UsageError("--open needs a file to open: give -o PATH, not -o -")
    _note_graph(data)
    output = str(view_output(list(data) or None)) if output is None else output
    result = write_view(output, data=list(data) or None, title=title, open_browser=open_browser, ontology=ontology)
    if output != "-":
        where = Path(output).resolve()
        click.echo(
            f"Wrote {output} ({_count(result.nodes, 'node')}, {_count(result.edges, 'relation')})"
            f" in {result.seconds:.1f} s.",
            err=True,
        )
        if not open_browser:
            click.echo(f"Open it in a web browser: {where.as_uri()}  (or: aigraph view --open)", err=True)
        elif not result.opened:
            click.echo(f"aigraph: warning: no web browser could be started; open {where.as_uri()}", err=True)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


class _Terminated(BaseException):
    """SIGTERM (``timeout``, ``kill``), raised so that half-written temporary files are removed."""


def _terminate(signum: int, frame: Any) -> None:
    raise _Terminated


def main() -> None:
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="aigraph")
