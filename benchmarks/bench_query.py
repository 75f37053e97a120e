"""Whole-process time of `aigraph query` next to bare rdflib and bare pyoxigraph scripts.

Not a test: it prints medians of N runs (default 10) of each command, started
as a fresh process, all in the same run so the figures compare:

    python benchmarks/bench_query.py [--runs N] [--query members]

Targets (issue 3): `aigraph query` within 4x of the bare pyoxigraph script and
no slower than the bare rdflib script; `aigraph --help` under 150 ms.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from importlib.resources import as_file, files
from pathlib import Path

BARE_RDFLIB = """
import sys, rdflib
g = rdflib.Graph()
g.parse(sys.argv[1], format="turtle")
g.parse(sys.argv[2], format="turtle")
prefixes = {"aig": "https://w3id.org/aigraph/ontology#", "kg": "https://w3id.org/aigraph/id/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "prov": "http://www.w3.org/ns/prov#", "xsd": "http://www.w3.org/2001/XMLSchema#"}
result = g.query(open(sys.argv[3], encoding="utf-8").read(), initNs=prefixes)
sys.stdout.buffer.write(result.serialize(format="csv"))
"""

BARE_PYOXIGRAPH = """
import sys, pyoxigraph as ox
store = ox.Store()
store.load(path=sys.argv[1], format=ox.RdfFormat.TURTLE)
store.load(path=sys.argv[2], format=ox.RdfFormat.TURTLE)
prefixes = {"aig": "https://w3id.org/aigraph/ontology#", "kg": "https://w3id.org/aigraph/id/",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "prov": "http://www.w3.org/ns/prov#", "xsd": "http://www.w3.org/2001/XMLSchema#"}
result = store.query(open(sys.argv[3], encoding="utf-8").read(), prefixes=prefixes)
sys.stdout.buffer.write(result.serialize(format=ox.QueryResultsFormat.TSV))
"""


def median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--query", default="members", help="a saved query name")
    args = parser.parse_args()

    script = shutil.which("aigraph") or str(Path(sys.executable).with_name("aigraph"))
    package = files("aigraph")
    with (
        as_file(package / "data" / "graphs" / "ai-alliance.ttl") as graph,
        as_file(package / "data" / "ontology" / "aigraph.ttl") as ontology,
        as_file(package / "queries" / f"{args.query}.rq") as rq,
    ):
        files_args = [str(graph), str(ontology), str(rq)]
        commands = {
            f"aigraph query {args.query}": [script, "query", args.query],
            f"python -m aigraph query {args.query}": [sys.executable, "-m", "aigraph", "query", args.query],
            "bare rdflib script": [sys.executable, "-c", BARE_RDFLIB, *files_args],
            "bare pyoxigraph script": [sys.executable, "-c", BARE_PYOXIGRAPH, *files_args],
            "aigraph --help": [script, "--help"],
            "python -c pass": [sys.executable, "-c", "pass"],
        }
        # The answers must agree before the times mean anything.
        outputs = {name: subprocess.run(cmd, check=True, capture_output=True).stdout
                   for name, cmd in list(commands.items())[:4]}
        rows = {len(out.splitlines()) for out in outputs.values()}
        if len(rows) != 1:
            sys.exit(f"the commands disagree on the number of result lines: {rows}")
        for cmd in commands.values():  # warm the file cache
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        medians = {name: median_seconds(cmd, args.runs) for name, cmd in commands.items()}

    width = max(map(len, medians))
    print(f"median of {args.runs} runs, whole process, {sys.platform}, Python {sys.version.split()[0]}")
    for name, seconds in medians.items():
        print(f"  {name.ljust(width)}  {seconds * 1000:7.1f} ms")
    ours = medians[f"aigraph query {args.query}"]
    print(f"  aigraph / bare pyoxigraph: {ours / medians['bare pyoxigraph script']:.2f}x  (target: <= 4x)")
    print(f"  aigraph / bare rdflib:     {ours / medians['bare rdflib script']:.2f}x  (target: <= 1x)")
    print(f"  aigraph --help:            {medians['aigraph --help'] * 1000:.0f} ms  (target: < 150 ms)")


if __name__ == "__main__":
    main()
