"""A build does not load rdflib's SPARQL parser (nor html5rdf), and rdflib's SPARQL still works afterwards.

aigraph.graph.lazyimport puts ``rdflib.plugins.sparql`` and ``html5rdf`` in
``sys.modules`` as packages whose ``__init__`` runs on first need. Each test
runs in a fresh interpreter: the pytest process has imported them long ago.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, *args, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


AFTER_A_BUILD = """
import sys
from aigraph.graph.build import build_graph

triples = build_graph()
assert len(triples) > 800, len(triples)
loaded = sorted(m for m in sys.modules if m.startswith(("rdflib.plugins.sparql", "html5rdf", "pyshacl")))
assert "pyshacl.validator" in loaded, loaded  # pyshacl did run
assert "rdflib.plugins.sparql.operators" in loaded, loaded  # and imported what it needs
for heavy in ("rdflib.plugins.sparql.parser", "rdflib.plugins.sparql.processor", "html5rdf.html5parser"):
    assert heavy not in loaded, (heavy, loaded)
print("lazy", file=sys.stderr)

import rdflib
from rdflib.namespace import RDF

# A setting made before the package's __init__ ran survives it.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
g = rdflib.Graph()
g.add((rdflib.URIRef("http://example.org/a"), RDF.type, rdflib.URIRef("http://example.org/C")))
rows = list(g.query("SELECT ?s WHERE { ?s a <http://example.org/C> }"))
assert [str(r[0]) for r in rows] == ["http://example.org/a"], rows
assert rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS is False
assert "rdflib.plugins.sparql.parser" in sys.modules

from rdflib.plugins.sparql import CUSTOM_EVALS, prepareQuery
from rdflib.plugins.sparql.processor import processUpdate
assert isinstance(CUSTOM_EVALS, dict)
q = prepareQuery("ASK { ?s ?p ?o }")
assert bool(g.query(q))
g.update("INSERT DATA { <http://example.org/b> a <http://example.org/C> }")
assert len(g) == 2
# Each module is one object, loaded once, with its real spec.
import rdflib.plugins.sparql.processor as processor
assert processor.processUpdate is processUpdate
assert type(sys.modules["rdflib.plugins.sparql"]).__name__ == "module"
assert processor.__spec__.loader.__class__.__name__ == "SourceFileLoader", processor.__spec__

# rdf:HTML literals: html5rdf loads when one is read.
html = rdflib.Literal("<p>fictional</p>", datatype=RDF.HTML)
assert type(html.value).__name__ == "DocumentFragment", type(html.value)
assert "html5rdf.html5parser" in sys.modules

# The same process can still validate (pyshacl already imported, parser loaded now).
from aigraph.graph.validate import validate_graph
assert validate_graph(triples).conforms
print("ok", file=sys.stderr)
"""


def test_a_build_loads_no_sparql_parser_and_rdflib_sparql_works_afterwards() -> None:
    run = _python(AFTER_A_BUILD)
    assert run.returncode == 0, run.stderr
    assert run.stderr.split() == ["lazy", "ok"], run.stderr


def test_query_first_then_build() -> None:
    """rdflib's SPARQL used before any build (the package loaded normally), then a build."""
    code = (
        "import rdflib, sys\n"
        "g = rdflib.Graph()\n"
        "assert not list(g.query('SELECT * WHERE { ?s ?p ?o }'))\n"
        "from aigraph.graph.build import build_graph\n"
        "assert len(build_graph()) > 800\n"
        "assert type(sys.modules['rdflib.plugins.sparql']).__name__ == 'module'\n"
        "print('ok', file=sys.stderr)\n"
    )
    run = _python(code)
    assert run.returncode == 0, run.stderr
    assert run.stderr.split() == ["ok"], run.stderr


def test_infer_after_a_build_in_the_same_process() -> None:
    """owlrl (query --infer) works on rdflib in a process where a build made its SPARQL package lazy."""
    code = (
        "import sys\n"
        "import pyoxigraph as ox\n"
        "from aigraph.graph.build import build_graph\n"
        "from aigraph.sparql.engine import infer_quads\n"
        "triples = build_graph()\n"
        "assert 'rdflib.plugins.sparql.parser' not in sys.modules\n"
        "quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]\n"
        "closed = infer_quads(quads)\n"
        "assert len(closed) > len(quads), (len(closed), len(quads))\n"
        "print('ok', file=sys.stderr)\n"
    )
    run = _python(code)
    assert run.returncode == 0, run.stderr
    assert run.stderr.split() == ["ok"], run.stderr


def test_the_build_command_imports_no_sparql_parser(tmp_path: Path) -> None:
    """The real command, as users run it: Python's import log lists what was imported."""
    out = tmp_path / "out.ttl"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "aigraph", "build", "-o", str(out)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert {"pyshacl", "rdflib.plugins.sparql.operators", "rdflib.plugins.sparql.sparql"} <= imported
    assert not imported & {"rdflib.plugins.sparql.parser", "rdflib.plugins.sparql.processor", "html5rdf.html5parser"}
    assert out.read_text(encoding="utf-8").startswith("@prefix")


THREADS = """
import importlib, sys, threading
from aigraph.graph.lazyimport import import_pyshacl

import_pyshacl()
import rdflib

assert "rdflib.plugins.sparql.parser" not in sys.modules
errors, start = [], threading.Barrier(9)


def use(i):
    try:
        start.wait()
        if i % 3 == 0:  # an attribute of the package
            assert callable(rdflib.plugins.sparql.prepareQuery)
        elif i % 3 == 1:  # a heavy submodule first (as Graph.query does)
            assert callable(importlib.import_module("rdflib.plugins.sparql.processor").processUpdate)
        else:
            from rdflib.plugins.sparql import CUSTOM_EVALS
            assert isinstance(CUSTOM_EVALS, dict)
    except BaseException as exc:
        errors.append(repr(exc))


threads = [threading.Thread(target=use, args=(i,)) for i in range(9)]
for t in threads:
    t.start()
for t in threads:
    t.join(30)
assert not any(t.is_alive() for t in threads), "hung"
assert not errors, errors
# rdflib's SPARQL parser itself is not thread-safe (pyparsing): parse in one thread only.
assert not list(rdflib.Graph().query("SELECT * WHERE { ?s ?p ?o }"))
assert rdflib.plugins.sparql.processor.prepareQuery is rdflib.plugins.sparql.prepareQuery
print("ok", file=sys.stderr)
"""


@pytest.mark.parametrize("run", range(5))
def test_first_sparql_use_from_threads_at_once(run: int) -> None:
    """Threads reach rdflib's SPARQL package together for the first time, through its attributes
    and through a submodule: one runs the __init__, the others wait for it; none fails or hangs."""
    done = _python(THREADS)
    assert done.returncode == 0, done.stderr
    assert done.stderr.split() == ["ok"], done.stderr
