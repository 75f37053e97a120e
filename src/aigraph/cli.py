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


def _data_option(f: Any) -> Any:
    return click.option(
        "--data",
        "data",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=True),
        metavar="FILE",
        help="Read this RDF file instead of the built graph (repeatable; format from extension).",
    )(f)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, "--version", "-V", prog_name="aigraph")
def cli() -> None:
    """Build, query, view and export the AI Alliance knowledge graph.

    Every fact in the graph cites the article sentence it comes from.

    \b
    Examples:
      aigraph build                       # -> graphs/ai-alliance.ttl
      aigraph view                        # -> graphs/ai-alliance.html
      aigraph query members
      aigraph export --format jsonld -o graph.jsonld
    """


@cli.command()
@click.option(
    "-o",
    "--output",
    default="graphs/ai-alliance.ttl",
    show_default=True,
    metavar="PATH",
    help="Where to write the Turtle graph; - for stdout.",
)
@click.option(
    "--facts",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Facts file to build from (default: the shipped AI Alliance facts).",
)
def build(output: str, facts: Path | None) -> None:
    """Build the graph from the facts file, the article and the ontology.

    Every quote is checked against the article and every term against the
    ontology; the result must pass the SHACL shapes. Nothing is written on
    failure.

    \b
    Examples:
      aigraph build
      aigraph build --facts my.facts.toml -o my.ttl
    """
    from .builder import build as run_build

    triples = run_build(facts, output)
    if output != "-":
        facts_n = sum(1 for t in triples if str(t.object).endswith("#Fact>"))
        click.echo(
            f"Wrote {output} ({len(triples)} triples, {facts_n} facts with evidence).", err=True
        )


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path), metavar="[FILE]...")
def validate(files: tuple[Path, ...]) -> None:
    """Check RDF against the aigraph SHACL shapes (default: the built graph).

    Exits 0 when the data conforms, 1 otherwise, printing a report.

    \b
    Examples:
      aigraph validate
      aigraph validate graphs/ai-alliance.ttl extra.ttl
    """
    from .dataset import built_quads
    from .validate import validate_files, validate_graph

    report = validate_files(files) if files else validate_graph(built_quads())
    click.echo(report.text())
    if not report.conforms:
        sys.exit(1)


@cli.command()
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(
        ["turtle", "ntriples", "nquads", "trig", "jsonld", "xml", "graphml", "gexf"],
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
@click.option("--with-ontology", is_flag=True, help="Include the ontology's triples in the output.")
def export(fmt: str | None, data: tuple[Path, ...], output: str, with_ontology: bool) -> None:
    """Export the graph as Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML, GraphML or GEXF.

    JSON-LD carries an inline @context; GraphML and GEXF (for Gephi, Cytoscape)
    come from the same NetworkX view as `aigraph view`.

    \b
    Examples:
      aigraph export --format jsonld -o graph.jsonld
      aigraph export -o graph.graphml
      aigraph export --format ntriples --data other.ttl | sort
    """
    from .exporter import export as run_export
    from .exporter import format_for_output

    if fmt is None:
        fmt = (format_for_output(output) if output != "-" else None) or "turtle"
    run_export(fmt.lower(), output, data=list(data) or None, with_ontology=with_ontology)
    if output != "-":
        click.echo(f"Wrote {output} ({fmt}).", err=True)


def main() -> None:
    cli(prog_name="aigraph")
