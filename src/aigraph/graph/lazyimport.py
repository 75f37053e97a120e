"""Import rdflib and pyshacl without the parts a build never uses (start-up time).

``import pyshacl`` imports ``rdflib.plugins.sparql``, whose ``__init__`` builds
rdflib's SPARQL grammar with pyparsing and scans every installed package's
entry points: about 60 ms of a 0.3 s build, for a parser aigraph never calls
(its SPARQL runs on Oxigraph). pyshacl itself only needs the package's light
submodules (``operators``, ``sparql``, ...) at import time. rdflib's
``term`` imports ``html5rdf`` for ``rdf:HTML`` literals, which a build has none of.

So, before the first import, each of those packages is put in ``sys.modules``
as a :class:`_LazyPackage`: its real ``__spec__`` and ``__path__``, so that
submodules import as usual, but its ``__init__`` runs only when it is needed:

- when an attribute the package does not have yet is asked for
  (``rdflib.plugins.sparql.prepareQuery``, ``CUSTOM_EVALS``, ``html5rdf.HTMLParser``);
- just before any submodule outside :data:`_LIGHT` is imported (rdflib's
  ``Graph.query`` imports ``processor``, whose imports need the package's
  ``__init__`` to have run first, as in a normal import).

Everything that needs rdflib's SPARQL later in the same process (``query
--infer`` with owlrl, ``Graph.query``, ``prepareQuery``) still works: it loads
then. ``importlib.util.LazyLoader`` is no use here: it loads the module on the
first attribute access, and the import system reads ``__path__`` at once.
"""

from __future__ import annotations

import sys
import types
from importlib.machinery import ModuleSpec, PathFinder
from typing import Any

_SPARQL = "rdflib.plugins.sparql"
# Per package: the submodules that import without the package's __init__ having run.
_LIGHT: dict[str, frozenset[str]] = {
    # What pyshacl imports (graph_abstraction: operators, sparql), and what those import.
    _SPARQL: frozenset({"operators", "sparql", "parserutils", "datatypes", "pyparsing_compat"}),
    "html5rdf": frozenset(),
}
_STATE = "_aigraph_lazy_state"  # in the package's namespace while it is lazy or loading


class _LazyPackage(types.ModuleType):
    """A package whose ``__init__`` has not run yet; it runs on first need (see the module docstring)."""

    def __getattr__(self, name: str) -> Any:
        # Dunder probes (copy, pickle, inspect) do not need the package; __all__ (import *) does.
        if (name.startswith("__") and name != "__all__") or not _load(self):
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        return getattr(self, name)


def _load(module: types.ModuleType) -> bool:
    """Run the package's real ``__init__`` in its module, once; False if it is running or has run."""
    space = module.__dict__
    if space.get(_STATE) != "lazy":
        return False
    space[_STATE] = "loading"  # the __init__'s own `from . import x` must not come back here
    # Values set on the package before its __init__ ran (rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS =
    # False) win over the defaults the __init__ assigns; submodules are the same objects anyway.
    kept = {k: v for k, v in space.items() if not k.startswith("__") and k != _STATE}
    spec = module.__spec__
    assert spec is not None and spec.loader is not None
    try:
        spec.loader.exec_module(module)
    except BaseException:
        space[_STATE] = "lazy"
        raise
    space.update(kept)
    del space[_STATE]
    module.__class__ = types.ModuleType  # an ordinary module from now on
    return True


class _Present:
    """A loader handing over a module that is already imported (see :class:`_Finder`)."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module
        self.spec = module.__spec__

    def create_module(self, spec: ModuleSpec) -> types.ModuleType:
        return self.module

    def exec_module(self, module: types.ModuleType) -> None:
        module.__spec__ = self.spec  # the import system set our spec on it: put the real one back


class _Finder:
    """Runs a lazy package's ``__init__`` before one of its heavy submodules is imported."""

    @staticmethod
    def find_spec(fullname: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        package, _, child = fullname.rpartition(".")
        light = _LIGHT.get(package)
        module = sys.modules.get(package)
        if light is None or child in light or not isinstance(module, _LazyPackage) or not _load(module):
            return None
        # The __init__ may have imported this very submodule: hand it over rather than run it twice.
        present = sys.modules.get(fullname)
        return ModuleSpec(fullname, _Present(present)) if present is not None else None  # type: ignore[arg-type]


def _make_lazy(name: str, path: list[str] | None) -> None:
    """Put the package ``name`` in sys.modules as a lazy package, unless it is imported or not installed."""
    if name in sys.modules:
        return
    spec = PathFinder.find_spec(name, path)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return
    module = _LazyPackage(name)
    module.__spec__ = spec
    module.__loader__ = spec.loader
    module.__file__ = spec.origin
    module.__path__ = list(spec.submodule_search_locations)
    module.__package__ = name
    module.__dict__[_STATE] = "lazy"
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())  # type: ignore[arg-type]


def import_rdflib() -> types.ModuleType:
    """``import rdflib``, with html5rdf (``rdf:HTML`` literals only) loaded when first used."""
    if "rdflib" not in sys.modules:
        _make_lazy("html5rdf", None)
    import rdflib as module

    return module


def import_pyshacl() -> types.ModuleType:
    """``import pyshacl``, with rdflib's SPARQL package ``__init__`` (the parser) loaded when first used."""
    if "pyshacl" not in sys.modules:
        import_rdflib()
        plugins = sys.modules["rdflib.plugins"]  # imported by rdflib's __init__
        _make_lazy(_SPARQL, list(plugins.__path__))
    import pyshacl as module

    return module
