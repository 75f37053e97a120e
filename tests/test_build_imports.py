"""`aigraph build` imports pyshacl without rdflib's SPARQL parser, and nothing breaks for it.

:func:`aigraph.graph.validate.import_pyshacl_lean` lets pyshacl import the light
submodules of ``rdflib.plugins.sparql`` without the package's ``__init__`` (the
SPARQL grammar, an entry-point scan). Each test runs in a fresh interpreter:
this pytest process imported rdflib's SPARQL long ago.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, *args, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


LEAN_THEN_EVERYTHING = """
import sys
from aigraph.graph.validate import import_pyshacl_lean
from aigraph.graph.build import build_graph

import_pyshacl_lean()
assert "pyshacl" in sys.modules and "rdflib.plugins.sparql.operators" in sys.modules
assert "rdflib.plugins.sparql.parser" not in sys.modules, "the SPARQL grammar was built"
assert "rdflib.plugins.sparql" not in sys.modules  # the stand-in is gone
triples = build_graph()  # SHACL Core by pyshacl, the SPARQL constraints on Oxigraph
assert len(triples) > 800

import rdflib
from rdflib.plugins.sparql import prepareQuery  # the real package, imported now

g = rdflib.Graph()
g.parse(data="@prefix ex: <http://example.org/> . ex:a ex:p 1 .", format="turtle")
assert [tuple(r) for r in g.query("SELECT ?s WHERE { ?s ?p 1 }")] == [(rdflib.URIRef("http://example.org/a"),)]
assert prepareQuery("ASK { ?s ?p ?o }") is not None
import rdflib.plugins.sparql as real
assert real.SPARQL_LOAD_GRAPHS in (True, False) and hasattr(real, "CUSTOM_EVALS")

# pyshacl's own SPARQL constraints go through rdflib's engine, imported after the fact
import pyshacl
shapes = '''@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
  sh:sparql [ sh:message "no p" ; sh:select "SELECT $this WHERE { $this <http://example.org/p> 1 }" ] .'''
conforms, _, text = pyshacl.validate(g, shacl_graph=rdflib.Graph().parse(data=shapes, format="turtle"))
assert not conforms and "no p" in text, text
print("ok")
"""


def test_lean_import_then_build_then_rdflib_sparql_works() -> None:
    run = _python(LEAN_THEN_EVERYTHING)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-3000:]


def test_the_build_command_builds_no_sparql_grammar_and_writes_the_same_graph(tmp_path: Path) -> None:
    out = tmp_path / "out.ttl"
    code = f"import sys; sys.argv = ['aigraph', 'build', '-o', {str(out)!r}]\nfrom aigraph.fasthelp import run\nrun()"
    run = _python(code, "-X", "importtime", cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")}
    assert "pyshacl" in imported and "rdflib.plugins.sparql.operators" in imported
    assert "rdflib.plugins.sparql.parser" not in imported and "rdflib.plugins.sparql.processor" not in imported
    assert out.read_bytes() == (ROOT / "graphs" / "ai-alliance.ttl").read_bytes()


def test_a_library_user_imports_pyshacl_as_usual() -> None:
    # Only the aigraph command opts in: building from a program leaves rdflib's imports alone.
    run = _python(
        "import sys\nfrom aigraph.graph.build import build_graph\nbuild_graph()\n"
        "print('rdflib.plugins.sparql.parser' in sys.modules)"
    )
    assert run.returncode == 0 and run.stdout.strip() == "True", run.stderr[-2000:]
