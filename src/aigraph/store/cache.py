"""A cache of Oxigraph stores on disk, so repeated queries over big files do not reload them.

``aigraph query --data BIG`` parses BIG once into an on-disk store under
``$XDG_CACHE_HOME/aigraph/stores`` (``~/.cache/aigraph`` by default); later
queries open that store read-only, in milliseconds, instead of parsing again.

- An entry is keyed by each file's resolved path, size and modification time
  (ns), whether the ontology is included (and its bytes), the same for any
  ontology extension files, and the aigraph and
  pyoxigraph versions: a changed file is parsed again, and the entries it
  replaces are removed.
- An entry is built in a temporary folder beside the others and renamed into
  place when complete, so no process ever opens a half-built store; two
  processes building the same entry both finish, the first rename wins and
  the other's copy is dropped. A published entry is never written again.
- Files smaller than :data:`THRESHOLD` in total are not cached: parsing them
  costs less than the on-disk store loses on joins.
- When the cache cannot be written (read-only or missing home, full disk) the
  data is loaded into memory as before, with a one-line note on stderr.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox

from ..errors import AigraphError

THRESHOLD = 16 << 20
"""Files of this many bytes or more in total (16 MiB, about 400,000 triples of
Turtle) go through the cache. Below it, parsing into memory takes under about
1.5 s, and an in-memory store answers join-heavy queries several times faster
than the on-disk one (`disagreements` over the 2 MB, 1,000-article corpus of
benchmarks/bench_corpus.py: 0.63 s parsed against 3.7 s from the cache), while
the first, caching load costs several times a plain one."""

_FORMAT_VERSION = 1  # bump when an entry's layout changes


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/aigraph``, or ``~/.cache/aigraph`` (XDG: a relative value is ignored)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "aigraph"


def _stores() -> Path:
    return cache_dir() / "stores"


class Entry:
    """One cached store: where it is, what it holds, its size on disk.

    (A plain class, not a dataclass: ``dataclasses`` imports ``inspect``, milliseconds
    of every query that opens a cached store.)"""

    __slots__ = ("path", "sources", "with_ontology", "extensions", "triples", "created", "bytes")

    def __init__(
        self,
        path: Path,
        sources: list[str],
        with_ontology: bool,
        extensions: list[str],
        triples: int,
        created: float,
        bytes: int,
    ) -> None:
        self.path = path
        self.sources = sources
        self.with_ontology = with_ontology
        self.extensions = extensions
        self.triples = triples
        self.created = created
        self.bytes = bytes


def _sources(paths: Sequence[str | Path]) -> list[tuple[str, int, int]]:
    out = []
    for p in paths:
        resolved = Path(p).resolve()
        st = resolved.stat()
        out.append((str(resolved), st.st_size, st.st_mtime_ns))
    return out


def _key(sources: list[tuple[str, int, int]], with_ontology: bool, extensions: list[tuple[str, int, int]]) -> str:
    from .. import __version__, resources

    material = {
        "format": _FORMAT_VERSION,
        "aigraph": __version__,
        "pyoxigraph": getattr(ox, "__version__", "?"),
        "sources": sources,
        "ontology": hashlib.sha256(resources.ontology().read_bytes()).hexdigest() if with_ontology else None,
        "extensions": extensions,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode("utf-8")).hexdigest()[:32]


def _rmtree(path: Path, ignore_errors: bool = False) -> None:
    import shutil  # only to remove a store: not on the path of a query that opens one

    shutil.rmtree(path, ignore_errors=ignore_errors)


def note(message: str) -> None:
    """One line on stderr: the cache is an optimisation, never a reason to fail. The message
    quotes paths (the cache folder comes from $XDG_CACHE_HOME): control characters, line
    separators and bidirectional marks are escaped, as in every status line."""
    from ..errors import printable

    print(f"aigraph: note: {printable(message)}", file=sys.stderr)


def cached_store(
    paths: Sequence[str | Path],
    *,
    with_ontology: bool,
    extensions: Sequence[str | Path] = (),
    threshold: int | None = None,
) -> ox.Store | None:
    """A read-only store of ``paths`` (plus the ontology and the ``extensions``
    ontology files) from the cache, built if missing.

    None when the files are smaller than ``threshold`` (default :data:`THRESHOLD`) or the cache cannot be
    used (the caller then loads into memory); bad input raises AigraphError
    exactly as an in-memory load does.
    """
    try:
        sources, ext_sources = _sources(paths), _sources(extensions)
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop
        return None  # a missing or odd file: let the ordinary loader word the error
    if sum(size for _, size, _ in sources) < (THRESHOLD if threshold is None else threshold):
        return None
    final = _stores() / _key(sources, with_ontology, ext_sources)
    if not (final / "aigraph-entry.json").is_file():
        try:
            _build(final, paths, sources, with_ontology, extensions)
        except OSError as exc:
            note(f"cannot write the store cache in {cache_dir()} ({exc.strerror or exc}); loading into memory")
            return None
    try:
        return ox.Store.read_only(str(final))
    except OSError as exc:
        note(f"cannot open the cached store {final} ({exc}); loading into memory")
        return None


def put_store(
    path: str | Path,
    data: bytes,
    fmt: ox.RdfFormat,
    *,
    update: tuple[Path, Callable[[ox.Store], None]] | None = None,
) -> Path | None:
    """Put in the cache the store ``cached_store([path], with_ontology=False)`` would build,
    from ``data``, the bytes just written to ``path``, without reading the file.

    A corpus build calls this after writing its TriG, so the first
    ``aigraph query --data`` on it opens the store instead of parsing the file.
    With ``update`` (an entry's folder, and a function that turns a copy of that
    store into this one), the new store is a copy of that entry (a RocksDB
    checkpoint: hard links) with the changes applied, instead of ``data``
    loaded anew; if that fails, ``data`` is loaded. Nothing is cached for a file
    under :data:`THRESHOLD`, or one that no longer holds ``data`` (another
    process wrote it since); None then, or when the cache cannot be written
    (with a note), else the entry's folder.
    """
    try:
        sources = _sources([path])
        if sources[0][1] != len(data) or Path(path).read_bytes() != data:
            return None
    except (OSError, ValueError, RuntimeError):
        return None
    if sources[0][1] < THRESHOLD:
        return None
    final = _stores() / _key(sources, False, [])
    if (final / "aigraph-entry.json").is_file():
        return final
    base = Path(path).resolve().as_uri()
    if update is not None and (update[0] / "aigraph-entry.json").is_file():
        try:
            _build(final, [path], sources, False, (), update[1], seed=update[0])
            return final
        except Exception:  # an optimisation only: load the data below instead
            pass
    try:
        _build(final, [path], sources, False, (), lambda store: _fill_from_bytes(store, data, fmt, base))
    except (OSError, SyntaxError, ValueError) as exc:
        note(f"cannot write the store cache in {cache_dir()} ({getattr(exc, 'strerror', None) or exc})")
        return None
    return final


def _fill_from_bytes(store: ox.Store, data: bytes, fmt: ox.RdfFormat, base: str) -> None:
    store.bulk_load(input=data, format=fmt, base_iri=base)


def _build(
    final: Path,
    paths: Sequence[str | Path],
    sources: list[tuple[str, int, int]],
    with_ontology: bool,
    extensions: Sequence[str | Path],
    fill: Callable[[ox.Store], None] | None = None,
    seed: Path | None = None,
) -> None:
    """Load the files (or what ``fill`` adds, to a copy of the entry ``seed`` if given) into a
    new store in a temporary folder, then rename it to ``final``."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f"tmp-{os.urandom(16).hex()}"
    try:
        if seed is not None:
            ox.Store.read_only(str(seed)).backup(str(tmp))
        store = ox.Store(str(tmp))
        try:
            if fill is not None:
                fill(store)
            for path in paths if fill is None else ():
                _load(store, path)
            if with_ontology:
                from .dataset import ontology_quads

                store.bulk_extend(ontology_quads())
            if extensions:  # as dataset.load adds them: whenever given
                from ..facts.extensions import load_extensions

                store.bulk_extend(load_extensions(extensions).quads)
            store.flush()
            triples = len(store)
        finally:
            del store  # closes the database before the rename
        if _sources(paths) != sources:  # a file changed while it was read: do not keep that copy
            _rmtree(tmp, ignore_errors=True)
            raise OSError(0, "a file changed while it was cached")
        meta = {"sources": [s for s, _, _ in sources], "with_ontology": with_ontology,
                "extensions": [str(Path(e).resolve()) for e in extensions],
                "triples": triples, "created": time.time()}
        (tmp / "aigraph-entry.json").write_text(json.dumps(meta), encoding="utf-8")
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / "aigraph-entry.json").is_file():
                raise
            _rmtree(tmp, ignore_errors=True)  # another process published it first
            return
        _evict_replaced(final, meta)
    except BaseException:
        _rmtree(tmp, ignore_errors=True)
        raise


def _load(store: ox.Store, path: str | Path) -> None:
    """Bulk-load one file; bad input raises the same AigraphError as rdfio.read_rdf."""
    from ..files import check_input
    from ..progress import progress, size_text
    from ..rdfio import RDF_FORMATS, format_for_path, read_rdf
    from .dataset import _DIRECT

    path = check_input(path)
    fmt = format_for_path(path)
    with progress(f"Loading {path} ({size_text(path.stat().st_size)}) into the store cache"):
        if fmt in _DIRECT:
            try:
                store.bulk_load(path=path, format=RDF_FORMATS[fmt][0], base_iri=path.resolve().as_uri())
                return
            except (SyntaxError, ValueError, MemoryError, RuntimeError):
                pass  # the strict reader below words the error (file, line, column)
        store.bulk_extend(read_rdf(path))


def _evict_replaced(keep: Path, meta: dict[str, object]) -> None:
    """Remove older entries of the same files (they changed since): renamed away first, then deleted."""
    for entry in entries():
        same = entry.sources == meta["sources"] and entry.extensions == meta["extensions"]
        if entry.path != keep and same and entry.with_ontology == meta["with_ontology"]:
            _remove(entry.path)


def _remove(path: Path) -> None:
    trash = path.parent / f"trash-{os.urandom(16).hex()}"
    try:
        os.rename(path, trash)
    except OSError:
        return
    _rmtree(trash, ignore_errors=True)


def _size(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def entries() -> list[Entry]:
    """The complete entries in the cache, oldest first."""
    out: list[Entry] = []
    folder = _stores()
    if not folder.is_dir():
        return out
    for path in folder.iterdir():
        try:
            meta = json.loads((path / "aigraph-entry.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a store being built, or debris
        out.append(Entry(path, list(meta.get("sources", [])), bool(meta.get("with_ontology")),
                         list(meta.get("extensions", [])),
                         int(meta.get("triples", 0)), float(meta.get("created", 0)), _size(path)))
    return sorted(out, key=lambda e: e.created)


def total_size() -> int:
    """Bytes the cache folder takes, entries and unfinished builds alike."""
    return _size(cache_dir()) if cache_dir().is_dir() else 0


def clear() -> int:
    """Remove the whole cache folder; return the bytes freed."""
    folder = cache_dir()
    if not folder.exists():
        return 0
    size = total_size()
    try:
        _rmtree(folder)
    except OSError as exc:
        raise AigraphError(f"cannot remove the cache: {exc.strerror or exc}", path=folder) from None
    return size
