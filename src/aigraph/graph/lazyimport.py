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

import copy
import sys
import threading
import time
import types

# The lock a normal import of the package holds, and the import system's error for a cycle of
# such locks across threads (private names; CPython 3.11 to 3.14 have both).
from importlib._bootstrap import _DeadlockError, _ModuleLockManager  # type: ignore[attr-defined]
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
        if not name.startswith("__") or name == "__all__":
            _load(self)  # here, or (another thread) waiting for it to finish
            if name in self.__dict__:  # not yet while this thread's own __init__ runs: `from . import x`
                return self.__dict__[name]
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")


def _load(module: types.ModuleType) -> bool:
    """Run the package's real ``__init__`` in its module, once; False if it is running or has run.

    Under the package's own import lock, as a normal import runs it, so that
    another thread asking meanwhile waits for it. Threads can still cross: one
    runs the ``__init__`` and needs a submodule that a second one started
    importing first, while the second waits for the package. The import
    system detects that (``_DeadlockError``) in whichever thread asks second:
    the one running the ``__init__`` undoes it and lets the other run it, then
    finds it done; the one importing a submodule goes on without it, as with
    any partly initialised package (rdflib's submodules need only what the
    ``__init__`` defines before it imports them).
    """
    pause = 0.001
    while True:
        lock = _ModuleLockManager(module.__name__)
        try:
            lock.__enter__()
        except _DeadlockError:
            return False
        try:
            return _run_init(module)
        except _DeadlockError:
            pass  # undone; the lock is released below
        finally:
            lock.__exit__()
        # Let the thread it waited for take the lock and run the __init__ (taking it straight back
        # would win every time: the import system's locks are not fair).
        time.sleep(pause)
        pause = min(2 * pause, 0.05)


def _run_init(module: types.ModuleType) -> bool:
    space = module.__dict__
    if space.get(_STATE) != "lazy":
        return False
    # While it runs, the __init__'s own `from . import x` must not come back here (other threads wait).
    space[_STATE] = threading.get_ident()
    before = dict(space)
    # Values set on the package before its __init__ ran (rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS =
    # False) win over the defaults the __init__ assigns; submodules are the same objects anyway.
    kept = {k: v for k, v in before.items() if not k.startswith("__") and k != _STATE}
    spec = module.__spec__
    assert spec is not None and spec.loader is not None
    try:
        spec.loader.exec_module(module)
    except BaseException:
        # Undo the partial run, so that a later one starts afresh (submodules it imported stay imported).
        for key in [k for k, v in space.items() if k not in before and not isinstance(v, types.ModuleType)]:
            del space[key]
        space.update(before)
        space[_STATE] = "lazy"
        raise
    space.update(kept)
    del space[_STATE]
    module.__class__ = types.ModuleType  # an ordinary module from now on
    return True


class _InitFirst:
    """The loader of a heavy submodule of a lazy package: runs the package's ``__init__`` first.

    It runs in the loader, not in the finder, because the import system calls
    finders holding its global lock, and the ``__init__`` may have to wait for
    another thread's import. If the ``__init__`` imported the submodule itself,
    that module is handed over rather than run twice.
    """

    def __init__(self, package: types.ModuleType, real: ModuleSpec) -> None:
        self.package = package
        self.real = real
        self.present: types.ModuleType | None = None

    def create_module(self, spec: ModuleSpec) -> types.ModuleType | None:
        _load(self.package)
        self.present = sys.modules.get(spec.name)
        if self.present is not None:
            return self.present
        assert self.real.loader is not None
        return self.real.loader.create_module(self.real)

    def exec_module(self, module: types.ModuleType) -> None:
        if self.present is None:
            # Our spec stays on the module while it runs: the import system marks it as initialising,
            # which makes other threads importing the module wait for it.
            assert self.real.loader is not None
            self.real.loader.exec_module(module)
        module.__spec__, module.__loader__ = self.real, self.real.loader  # as if found the usual way


class _Finder:
    """Sends the import of a lazy package's heavy submodule through :class:`_InitFirst`."""

    @staticmethod
    def find_spec(fullname: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        package, _, child = fullname.rpartition(".")
        light = _LIGHT.get(package)
        module = sys.modules.get(package)
        if light is None or child in light or not isinstance(module, _LazyPackage):
            return None
        state = module.__dict__.get(_STATE)
        if state is None or state == threading.get_ident():
            return None  # its __init__ has run, or is running here and imports this: the usual way
        real = PathFinder.find_spec(fullname, path)
        if real is None or real.loader is None:
            return None
        spec = copy.copy(real)  # same origin, cached file and search path; the loader is ours
        spec.loader = _InitFirst(module, real)  # type: ignore[assignment]
        return spec


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
