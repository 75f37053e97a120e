"""The baseline: the work of an aigraph command done by a bare pyoxigraph script.

    python benchmarks/bare_pyoxigraph.py load GRAPH.ttl [MORE.ttl...]
    python benchmarks/bare_pyoxigraph.py query QUERY.rq GRAPH.ttl [MORE.ttl...] > answers.tsv
    python benchmarks/bare_pyoxigraph.py export OUT.ttl GRAPH.ttl [MORE.ttl...]

No aigraph import: this is what a user would write with pyoxigraph alone.
The saved queries are standalone SPARQL (their own PREFIX lines, defaults in
a final VALUES clause), so they run as written; answers are written as TSV,
like aigraph's.
"""

from __future__ import annotations

import sys

import pyoxigraph as ox

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
FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".trig": ox.RdfFormat.TRIG}


def load(paths: list[str]) -> ox.Store:
    store = ox.Store()
    for path in paths:
        store.load(path=path, format=FORMATS[path[path.rfind("."):]])
    return store


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "load":
        print(len(load(args)))
    elif command == "query":
        store = load(args[1:])
        with open(args[0], encoding="utf-8") as fh:
            text = fh.read()
        result = store.query(text, use_default_graph_as_union=True)
        sys.stdout.buffer.write(result.serialize(format=ox.QueryResultsFormat.TSV))
    elif command == "export":
        store = load(args[1:])
        store.dump(args[0], ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
