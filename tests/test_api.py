"""The public API is exactly what __all__ says, and every name resolves."""

from __future__ import annotations

import subprocess
import sys

import aigraph


def test_public_api_is_pinned() -> None:
    assert sorted(aigraph.__all__) == sorted(
        [
            "AigraphError",
            "NetworkRefused",
            "QueryTimeout",
            "__version__",
            "build",
            "build_corpus",
            "build_graph",
            "export",
            "load",
            "load_ontology",
            "query",
            "to_networkx",
            "to_rdflib",
            "validate_files",
            "validate_graph",
            "write_view",
        ]
    )
    for name in aigraph.__all__:
        assert getattr(aigraph, name) is not None, name
        if name not in {"__version__"}:
            assert callable(getattr(aigraph, name)), name


def test_names_stay_functions_after_submodule_imports() -> None:
    import aigraph.exporter  # noqa: F401
    import aigraph.graph.build  # noqa: F401

    assert callable(aigraph.build) and aigraph.build.__module__ == "aigraph.graph.build"
    assert callable(aigraph.export)


def test_library_use() -> None:
    triples = aigraph.build_graph()
    assert len(triples) == 817
    store = aigraph.load()
    assert len(store) > len(triples)  # plus the ontology
    g = aigraph.to_networkx(triples)
    assert g.number_of_edges() == 49


def test_import_is_light() -> None:
    heavy = "('rdflib', 'networkx', 'pyvis', 'pyshacl', 'owlrl')"
    code = f"import sys, aigraph, aigraph.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_python_dash_m(tmp_path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "aigraph", "--version"], capture_output=True, text=True, cwd=tmp_path, check=True
    ).stdout
    assert out.strip() == f"aigraph, version {aigraph.__version__}"
