"""The ``aigraph`` command: a thin layer over the library.

Each command parses its options, calls one library function and prints the
result. Heavy modules are imported inside commands so ``aigraph --help``
stays fast.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from collections.abc import Callable

from . import __version__, commands
from .commands import ALIASES as _ALIASES
from .commands import count as _count
from .commands import error as _error
from .commands import note_graph as _note_graph
from .commands import say as _say
from .errors import AigraphError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Group(click.Group):
    """Turns every error into one line on stderr and a non-zero exit, never a traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # click's own usage errors take three lines (usage, hint, error): make them one.
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} -h')" if exc.ctx is not None else ""
            _error(exc.format_message() + hint)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            _error(exc.format_message())
            sys.exit(exc.exit_code)
        except click.Abort:  # Ctrl-C or end of input at a prompt
            _say("aigraph: interrupted")
            sys.exit(130)
        except BrokenPipeError:  # `aigraph -h | head -1`
            sys.exit(0)
        except OSError as exc:  # --help or --version to a closed or full stdout
            _error(exc.strerror or str(exc))
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        result = None

        def body() -> None:
            nonlocal result
            result = super(_Group, self).invoke(ctx)

        # Every error in one line (aigraph.commands.answer); click's own exceptions pass through.
        code = commands.invoke(body)
        if code:
            ctx.exit(code)
        return result


class _Seconds(click.FloatRange):
    """A number of seconds: finite (``nan`` and ``inf`` are refused; 0 means no limit)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a number of seconds (give 0 for no limit)", param, ctx)
        return number


class _Utf8Text(click.ParamType):
    """Text from the command line, which must be UTF-8 (Python keeps other bytes as lone surrogates)."""

    name = "text"

    def __init__(self, path_ok: bool = False) -> None:
        self.path_ok = path_ok  # a file name may be any bytes: only text is checked

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            if self.path_ok and os.path.exists(value):
                return value
            bad = value[exc.start].encode("utf-8", "surrogateescape")
            self.fail(f"is not UTF-8 text (byte 0x{bad.hex()} at character {exc.start + 1})", param, ctx)
        return value


_TEXT = _Utf8Text()
_QUERY = _Utf8Text(path_ok=True)


MAX_MEMORY_MB = 1 << 30
"""The largest --max-memory (a petabyte): more cannot be given to setrlimit in bytes."""


def _data_option(f: Any) -> Any:
    return click.option(
        "--data",
        "data",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=True),
        metavar="FILE",
        help="Read this RDF file instead of the built graph (repeatable; format from extension).",
    )(f)


def _server_options(user: str, trust: str) -> Callable[[Any], Any]:
    """--user and --ca-cert, for the commands that talk to a SPARQL server."""

    def add(f: Any) -> Any:
        f = click.option(
            "--ca-cert",
            type=click.Path(dir_okay=False),
            metavar="FILE",
            help=f"{trust} this CA certificate file (TLS is always verified).",
        )(f)
        return click.option("--user", metavar="NAME", help=f"{user} (password from AIGRAPH_PASSWORD or ~/.netrc).")(f)

    return add


def _ontology_option(f: Any) -> Any:
    return click.option(
        "--ontology",
        "ontology",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=True),
        metavar="FILE",
        help="An ontology extension (Turtle): your own classes and relations (repeatable).",
    )(f)


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
    from .facts.skeleton import init as run_init

    target, n = run_init(article, output, title=title, url=url, published=published, language=language)
    if str(target) != "-":
        _say(f"Wrote {target} ({_count(n, 'sentence')}).")
        outside = not article.resolve().is_relative_to(Path(target).resolve().parent)
        flag = " --allow-outside-article" if outside else ""
        if outside:
            click.echo(
                "aigraph: note: the article is outside the facts file's folder, which build refuses"
                " unless told --allow-outside-article (or keep them in one folder)",
                err=True,
            )
        _say(f"Next: add [[entity]] and [[fact]] tables, then: aigraph build --facts {target}{flag}")


@cli.command()
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="Where to write the Turtle graph; - for stdout. Default: graphs/<article id>.ttl"
    " (graphs/ai-alliance.ttl for the shipped article); for several articles graphs/corpus.trig.",
)
@click.option(
    "--facts",
    "facts_in",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE|DIR",
    help="Facts file to build from (default: the shipped AI Alliance facts). Repeatable, or a folder"
    " (its *.facts.toml): several articles make one dataset, a named graph per article.",
)
@_ontology_option
@click.option(
    "--allow-outside-article",
    is_flag=True,
    help="Read the article, and the ontology extensions the facts file names, even if their paths"
    " lead outside the facts file's folder.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Several articles: rebuild every one (default: only those whose files changed, from .<output>.cache/),"
    " and put nothing in the query store cache.",
)
def build(**params: Any) -> None:
    """Build the graph from the facts file, the article and the ontology.

    Every quote is checked against the article and every term against the
    ontology (and its extensions: --ontology, or [article] ontology in the
    facts file); the result must pass the SHACL shapes. Nothing is written on
    failure. The article must be UTF-8 text of at most 10 MiB in the facts
    file's folder or below it (links resolved), unless --allow-outside-article.

    Several --facts (or a folder) build a corpus: one dataset, TriG by default
    (graphs/corpus.trig; -o X.nq for N-Quads). What the articles assert is in
    the default graph once; each article's sentences and fact records are in a
    named graph called by the article's IRI. An entity id shared by articles is
    one entity, and its label and class must agree. Each built article is kept
    in .<output name>.cache/ beside the output, so a rebuild re-reads and
    re-checks only the articles whose files changed (--no-cache: all).

    \b
    Examples:
      aigraph build
      aigraph build --facts my.facts.toml                # -> graphs/<its article id>.ttl
      aigraph build --facts my.facts.toml --ontology my-terms.ttl -o my.ttl
      aigraph build --facts a.facts.toml --facts b.facts.toml   # -> graphs/corpus.trig
      aigraph build --facts articles/ -o news.nq
    """
    commands.build(**params)  # the parameters, typed, are the body's (aigraph.commands.build)


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
    from .graph.validate import import_pyshacl_lean, validate_files, validate_graph
    from .store.dataset import built_quads

    if commands.whole_process:  # this process is the command (see commands.build)
        import_pyshacl_lean()

    if files:
        report = validate_files(files, ontology=ontology)
    else:
        from .facts.extensions import load_extensions

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

    TriG, N-Quads and JSON-LD keep a corpus's named graphs (one per article);
    Turtle, N-Triples and RDF/XML write their union and say so on stderr.

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
    run_export(
        fmt,
        output,
        data=list(data) or None,
        with_ontology=with_ontology,
        ontology=ontology,
        notice=lambda text: _say(f"aigraph: note: {text}"),
    )
    if output != "-":
        _say(f"Wrote {output} ({fmt}).")


@cli.command()
@click.argument("query_arg", type=_QUERY, metavar="QUERY")
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
    type=_TEXT,
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
@_server_options("With --endpoint: log in as NAME", "With --endpoint: trust")
@click.option(
    "--allow-network",
    is_flag=True,
    help="Allow SERVICE, and FROM / FROM NAMED (fetches each IRI: http, https or file).",
)
@click.option(
    "--timeout",
    type=_Seconds(min=0),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Stop the query after this long (0: no limit).",
)
@click.option(
    "--max-memory",
    type=click.IntRange(min=0, max=MAX_MEMORY_MB),
    default=2048,
    show_default=True,
    metavar="MB",
    help="Stop the query if it needs this much more memory (0: no limit).",
)
@click.option(
    "--named",
    "named",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Add this RDF file as a named graph, called by the file's address (repeatable).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Parse the --data files into memory; do not use or fill the store cache (see `aigraph cache`).",
)
def query(**params: Any) -> None:
    """Run a SPARQL query: inline text, a .rq file, - for stdin, or a saved query.

    Runs over the built graph plus the ontology, or the --data files. The
    default graph is the union of all graphs, so TriG and N-Quads data answer
    plain queries; GRAPH still reaches each named graph (in a corpus, one per
    article: GRAPH ?g). --named FILE adds a file as a named graph called by
    the file's address (file:///...), as Jena's --namedGraph. Prefixes aig: kg:
    rdf: rdfs: owl: xsd: skos: prov: org: schema: dcterms: are declared;
    PREFIX lines in the query win. SELECT and ASK give a table on a terminal
    (row count on stderr) and W3C TSV in a pipe; CONSTRUCT and DESCRIBE give
    Turtle. Relative IRIs in a query file resolve against the file's address
    (--base sets the base). The query never reaches the network (SERVICE,
    FROM, LOAD are refused) unless --allow-network is given; SPARQL Update is
    refused. --ontology adds an extension's terms to the data and declares
    its prefixes. --data files of 16 MiB or more are kept in an on-disk store
    cache, so later queries over them open it instead of parsing again.

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
      aigraph query 'SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g' --data graphs/corpus.trig
      aigraph query members --endpoint http://localhost:7878/query
    """
    commands.query(**params)  # the parameters, typed, are the body's (aigraph.commands.query)


@cli.command()
@click.argument("url", metavar="URL")
@_data_option
@click.option("--graph", "graph", metavar="IRI", help="Send the data's default-graph triples to this named graph.")
@click.option("--default-graph", is_flag=True, help="Send them to the store's default graph instead.")
@click.option("--no-ontology", is_flag=True, help="Do not send the aigraph ontology.")
@_server_options("Log in as NAME", "Trust")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a server silent for this long (0: wait forever).",
)
@click.option(
    "--atomic",
    is_flag=True,
    help="On an Oxigraph server, replace each graph in one transaction (slower) instead of its bulk loader.",
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
    atomic: bool,
) -> None:
    """Send the graph to a triple store: SPARQL 1.1 Graph Store HTTP Protocol.

    Each graph is replaced (HTTP PUT), so pushing twice leaves one copy. The
    built graph (or each --data file's default graph) goes to the graph IRI
    the file declares (`<iri> a owl:Ontology`, which aigraph build writes:
    kg:<article>-graph), or to --graph IRI, or with --default-graph to the
    store's default graph; named graphs of TriG and N-Quads data go to their
    own graph; the ontology goes to <https://w3id.org/aigraph/ontology>.
    Bodies stream from N-Triples files (temporary ones, or the --data file
    itself when it is N-Triples). The password comes from
    AIGRAPH_PASSWORD or ~/.netrc, never the command line (Basic or Digest).
    An Oxigraph server gets its bulk loader (4-18x faster here, but a push that
    fails half-way leaves that graph partly loaded); --atomic turns it off.

    \b
    Examples:
      aigraph push http://localhost:7878/store                 # Oxigraph server
      aigraph push http://localhost:8890/sparql-graph-crud-auth --user dba   # Virtuoso
      aigraph push http://localhost:3030/ds/data --data corpus.trig          # Fuseki
    """
    from .store.remote import push as run_push

    if graph is not None and default_graph:
        raise click.UsageError("give --graph IRI or --default-graph, not both")
    _note_graph(data)

    def sent(g: Any) -> None:
        name = "the default graph" if g.graph is None else f"<{g.graph}>"
        _say(f"Replaced {name}: {_count(g.triples, 'triple')}.")

    summary = run_push(
        url,
        list(data) or None,
        graph=graph,
        default_graph=default_graph,
        with_ontology=not no_ontology,
        user=user,
        ca_cert=ca_cert,
        timeout=timeout or None,
        atomic=atomic,
        on_graph=sent,
    )
    _say(
        f"Pushed {_count(len(summary.graphs), 'graph')}, {_count(summary.triples, 'triple')}"
        f" to {url} in {summary.seconds:.1f} s" + (" (Oxigraph bulk load)." if summary.bulk else ".")
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
    from .store.serve import serve as run_serve

    _note_graph(data)

    def ready(url: str, count: int) -> None:
        _say(f"Serving {_count(count, 'triple')} read-only at {url} (Ctrl-C stops).")

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
    from .sparql.engine import saved_queries, saved_query

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
@click.option(
    "--title", type=_TEXT, metavar="TEXT", help="Page heading (default: the title of the article in the data)."
)
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
    from .store.dataset import view_output
    from .view.page import write_view

    if open_browser and output == "-":
        raise click.UsageError("--open needs a file to open: give -o PATH, not -o -")
    _note_graph(data)
    output = str(view_output(list(data) or None)) if output is None else output
    result = write_view(output, data=list(data) or None, title=title, open_browser=open_browser, ontology=ontology)
    if output != "-":
        where = Path(output).resolve()
        _say(
            f"Wrote {output} ({_count(result.nodes, 'node')}, {_count(result.edges, 'relation')})"
            f" in {result.seconds:.1f} s."
        )
        if not open_browser:
            _say(f"Open it in a web browser: {where.as_uri()}  (or: aigraph view --open)")
        elif not result.opened:
            _say(f"aigraph: warning: no web browser could be started; open {where.as_uri()}")


@cli.group(invoke_without_command=True)
@click.pass_context
def cache(ctx: click.Context) -> None:
    """Show the store cache: Oxigraph stores of big --data files, kept by `aigraph query`.

    An entry is keyed by the files' paths, sizes and modification times; a
    changed file is parsed again. The cache lives in $XDG_CACHE_HOME/aigraph
    (~/.cache/aigraph by default).

    \b
    Examples:
      aigraph cache                 # where it is, what it holds, its size
      aigraph cache clear           # remove it
    """
    if ctx.invoked_subcommand is not None:
        return
    from .store import cache as store_cache

    click.echo(f"Store cache: {store_cache.cache_dir()}")
    found = store_cache.entries()
    for entry in found:
        onto = " + ontology" if entry.with_ontology else ""
        onto += "".join(f" + {e}" for e in entry.extensions)
        click.echo(
            f"  {entry.path.name}  {_count(entry.triples, 'triple')}, {entry.bytes / 2**20:,.1f} MB:"
            f" {', '.join(entry.sources)}{onto}"
        )
    total = store_cache.total_size()
    click.echo(f"{_count(len(found), 'store')}, {total / 2**20:,.1f} MB in all.")


@cache.command("clear")
def cache_clear() -> None:
    """Remove the store cache (every cached store).

    \b
    Examples:
      aigraph cache clear
    """
    from .store import cache as store_cache

    freed = store_cache.clear()
    _say(f"Removed {store_cache.cache_dir()} ({freed / 2**20:,.1f} MB).")


@cli.command()
@click.argument("article", type=click.Path(path_type=Path), metavar="ARTICLE.txt")
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="Where to write the facts file; - for stdout. Default: <article id>.facts.toml beside the article.",
)
@_ontology_option
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="An RDF graph whose named entities are looked for by name (repeatable).",
)
@click.option(
    "--nlp", metavar="PIPELINE", help="Also find names with this installed spaCy pipeline (never downloaded)."
)
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def draft(
    article: Path,
    output: str | None,
    ontology: tuple[Path, ...],
    data: tuple[Path, ...],
    nlp: str | None,
    force: bool,
) -> None:
    """Propose sourced facts for an article, offline, for a person to review.

    Writes a facts file that `aigraph build` accepts unchanged: the article's
    sentences as numbered comments, the organisations, models, platforms,
    governance bodies and topics found, and one fact per relation a pattern
    finds, each with a verbatim quote and a comment giving the pattern and a
    confidence. Hedged or unsure proposals are comments; negated ones a note.
    An --ontology extension's properties are drafted too, with the patterns
    its draft:pattern annotations give.

    \b
    Examples:
      aigraph draft my-article.txt                 # -> my-article.facts.toml
      aigraph draft my-article.txt -o facts.toml --data graphs/ai-alliance.ttl
      aigraph draft deal.txt --ontology deals.ttl -o -
    """
    from .facts.draft import draft as run_draft

    target, result = run_draft(article, output, ontologies=list(ontology), data=list(data), nlp=nlp, force=force)
    if str(target) != "-":
        _say(f"Wrote {target} ({result.counts()}).")
        _say(f"Review it, then: aigraph build --facts {target}")


def main(exit_fast: bool = True) -> None:
    """The ``aigraph`` command. It ends the process; on success, with ``exit_fast``, without
    Python's teardown once the output is flushed (freeing a million-triple store took 0.3 s)."""
    commands.prepare_process()
    try:
        cli(prog_name="aigraph")
    except SystemExit as exc:
        if exc.code in (0, None):
            commands.finish_process(0, exit_fast)
        raise
    finally:
        commands.flush_stdout()
