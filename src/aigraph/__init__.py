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
    "build": "builder",
    "build_corpus": "corpus",
    "build_graph": "builder",
    "export": "exporter",
    "load": "dataset",
    "load_ontology": "ontology",
    "query": "sparql",
    "to_networkx": "netx",
    "to_rdflib": "validate",
    "validate_files": "validate",
    "validate_graph": "validate",
    "write_view": "view",
}

if TYPE_CHECKING:
    from typing import Any

    from .builder import build, build_graph
    from .corpus import build_corpus
    from .dataset import load
    from .errors import AigraphError, NetworkRefused, QueryTimeout
    from .exporter import export
    from .netx import to_networkx
    from .ontology import load_ontology
    from .sparql import query
    from .validate import to_rdflib, validate_files, validate_graph
    from .view import write_view


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'aigraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
