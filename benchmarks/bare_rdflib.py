"""The other baseline: the work of an aigraph command done by a bare rdflib script.

    python benchmarks/bare_rdflib.py load GRAPH.ttl [MORE.ttl...]
    python benchmarks/bare_rdflib.py query QUERY.rq GRAPH.ttl [MORE.ttl...] > answers.csv
    python benchmarks/bare_rdflib.py export OUT.ttl GRAPH.ttl [MORE.ttl...]

No aigraph import. The saved queries are standalone SPARQL (their own PREFIX
lines, defaults in a final VALUES clause), so they run as written; answers are
written as CSV (rdflib has no TSV results writer).
"""

from __future__ import annotations

import sys

import rdflib

PREFIXES = {
    "aig": "https://w3id.org/aigraph/ontology#",
    "kg": "https://w3id.org/aigraph/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
}
FORMATS = {".ttl": "turtle", ".nt": "nt"}


def load(paths: list[str]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(path, format=FORMATS[path[path.rfind("."):]])
    return graph


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "load":
        print(len(load(args)))
    elif command == "query":
        graph = load(args[1:])
        with open(args[0], encoding="utf-8") as fh:
            text = fh.read()
        result = graph.query(text)
        sys.stdout.buffer.write(result.serialize(format="csv"))
    elif command == "export":
        graph = load(args[1:])
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns, override=True)
        graph.serialize(args[0], format="turtle")
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
