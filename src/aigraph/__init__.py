"""aigraph: a knowledge graph of the AI Alliance article, with evidence for every fact.

>>> import aigraph
>>> triples = aigraph.build_graph()            # facts + article + ontology
>>> store = aigraph.load()                     # built graph + ontology, a pyoxigraph Store
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
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

TYPE_CHECKING = False  # typing's own costs milliseconds of `aigraph --help` (mypy reads the name)

# Submodules load on first use so that `import aigraph` (and the CLI) stay fast.
_LAZY = {
    "AigraphError": "errors",
    "NetworkRefused": "errors",
    "QueryTimeout": "errors",
    "build": "graph.build",
    "build_corpus": "graph.corpus",
    "build_graph": "graph.build",
    "export": "exporter",
    "load": "store.dataset",
    "load_ontology": "ontology",
    "query": "sparql.engine",
    "to_networkx": "view.netx",
    "to_rdflib": "graph.validate",
    "validate_files": "graph.validate",
    "validate_graph": "graph.validate",
    "write_view": "view.page",
}

if TYPE_CHECKING:
    from typing import Any

    from .errors import AigraphError, NetworkRefused, QueryTimeout
    from .exporter import export
    from .graph.build import build, build_graph
    from .graph.corpus import build_corpus
    from .graph.validate import to_rdflib, validate_files, validate_graph
    from .ontology import load_ontology
    from .sparql.engine import query
    from .store.dataset import load
    from .view.netx import to_networkx
    from .view.page import write_view


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'aigraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
