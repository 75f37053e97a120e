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

import os
import sys

import pyoxigraph as ox

from ..records import FrozenRecord

# A query that opens a cached store (a hit) imports none of pathlib (with urllib.parse and
# ipaddress), hashlib (OpenSSL) or json: 8 ms of its start-up. Paths are text until a
# function that builds, lists or removes entries makes them Path objects.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import _thread
    from collections.abc import Callable, Sequence
    from pathlib import Path

THRESHOLD = 16 << 20
"""Files of this many bytes or more in total (16 MiB, about 400,000 triples of
Turtle) go through the cache. Below it, parsing into memory takes under about
1.5 s, and an in-memory store answers join-heavy queries several times faster
than the on-disk one (`disagreements` over the 2 MB, 1,000-article corpus of
benchmarks/bench_corpus.py: 0.63 s parsed against 3.7 s from the cache), while
the first, caching load costs several times a plain one."""

_FORMAT_VERSION = 1  # bump when an entry's layout changes

# SHA-256 from CPython's own module when it has one: hashlib loads OpenSSL first, 3 ms of a
# query's start-up. The same digest either way.
try:
    from _sha2 import sha256 as _SHA256  # type: ignore[import-not-found,unused-ignore]  # Python 3.12+
except ImportError:
    try:
        from _sha256 import sha256 as _SHA256  # type: ignore[import-not-found,no-redef,unused-ignore]  # 3.11
    except ImportError:
        from hashlib import sha256 as _SHA256  # type: ignore[assignment,unused-ignore]


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/aigraph``, or ``~/.cache/aigraph`` (XDG: a relative value is ignored)."""
    from pathlib import Path

    return Path(_cache_dir())


def _cache_dir() -> str:
    """:func:`cache_dir` as text (``~`` as ``os.path.expanduser`` reads it, as Path.home does)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = base if base and os.path.isabs(base) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(root, "aigraph")


def _stores() -> Path:
    from pathlib import Path

    return Path(_cache_dir(), "stores")


def _published(entry: str | Path) -> bool:
    """Whether the entry folder ``entry`` is complete: its description is written last."""
    return os.path.isfile(os.path.join(entry, "aigraph-entry.json"))


class Entry(FrozenRecord):
    """One cached store: where it is, what it holds, its size on disk.

    (A plain record, not a dataclass: ``dataclasses`` imports ``inspect``, milliseconds
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
    """Each file's resolved path (``Path.resolve``: ``os.path.realpath``), size and modification
    time; OSError for a missing file or a symbolic link loop."""
    out = []
    for p in paths:
        resolved = os.path.realpath(p)
        st = os.stat(resolved)
        out.append((resolved, st.st_size, st.st_mtime_ns))
    return out


def _key(sources: list[tuple[str, int, int]], with_ontology: bool, extensions: list[tuple[str, int, int]]) -> str:
    from .. import __version__

    material = {
        "format": _FORMAT_VERSION,
        "aigraph": __version__,
        "pyoxigraph": getattr(ox, "__version__", "?"),
        "sources": sources,
        "ontology": _sha256(_ontology_bytes()) if with_ontology else None,
        "extensions": extensions,
    }
    return _sha256(_json_text(material).encode("utf-8"))[:32]


def _ontology_bytes() -> bytes:
    from .. import resources

    name = resources.file_on_disk("ontology", "aigraph.ttl")
    if name is None:  # a zipped package
        return resources.ontology().read_bytes()
    with open(name, "rb") as fh:
        return fh.read()


def _sha256(data: bytes) -> str:
    """The SHA-256 of ``data``, in hex (:data:`_SHA256`)."""
    return str(_SHA256(data).hexdigest())


def _json_text(value: object) -> str:
    """``json.dumps(value, sort_keys=True)`` for the key's material (dicts with text keys,
    lists, tuples, text, integers, booleans, None), without importing json (1.5 ms of a query's
    start-up); the text is escaped by json's own C function. tests/test_cache.py compares the two."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, str):
        from _json import encode_basestring_ascii

        return str(encode_basestring_ascii(value))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_json_text(v) for v in value) + "]"
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return "{" + ", ".join(f"{_json_text(k)}: {_json_text(value[k])}" for k in sorted(value)) + "}"
    raise TypeError(f"not part of a cache key: {type(value).__name__}")


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
    final = os.path.join(_cache_dir(), "stores", _key(sources, with_ontology, ext_sources))
    opened = _take_opened(final)
    if opened is not None:
        return opened
    if not _published(final):
        from pathlib import Path

        try:
            _build(Path(final), paths, sources, with_ontology, extensions)
        except OSError as exc:
            note(f"cannot write the store cache in {cache_dir()} ({exc.strerror or exc}); loading into memory")
            return None
    try:
        return ox.Store.read_only(final)
    except OSError as exc:
        from pathlib import Path

        note(f"cannot open the cached store {Path(final)} ({exc}); loading into memory")
        return None


class Opening:
    """A published entry being opened in a thread (:func:`open_soon`)."""

    __slots__ = ("final", "store", "_done", "_apart", "_restore")

    def __init__(self, final: str) -> None:
        import _thread  # the low-level API: `threading` costs a millisecond of a query's start-up

        from .threads import Apart, narrowed

        self.final = final
        self.store: ox.Store | None = None  # None: it failed to open (cached_store tries again, and says why)
        self._apart = Apart()  # a CPU of its own for the opening, until wait()
        self._restore = narrowed()  # RocksDB's 180 opening threads on small stacks, until it is open
        self._done = _thread.allocate_lock()
        self._done.acquire()  # released when the thread ends
        started = _thread.allocate_lock()
        started.acquire()
        try:
            _thread.start_new_thread(self._run, (started,))
        except RuntimeError:  # no thread to be had: cached_store opens the store itself
            self._opened()
            return
        # Until the thread is in Oxigraph, which releases the GIL: else it would wait for this
        # thread's imports to hand the GIL over (a switch interval, 5 ms).
        started.acquire()

    def _run(self, started: _thread.LockType) -> None:
        try:
            try:
                self._apart.enter()
            finally:
                started.release()  # whatever happens: the caller waits for it
            self.store = ox.Store.read_only(self.final)
        except Exception:  # noqa: BLE001 - cached_store opens it again in the main thread, and words the error
            pass
        finally:
            self._opened()

    def _opened(self) -> None:
        try:
            if self._restore is not None:
                self._restore()
        finally:
            self._done.release()

    def wait(self) -> None:
        """Return when the thread has ended. An interrupt meanwhile (Ctrl-C, SIGTERM) is raised
        then: no thread may be inside Oxigraph when the interpreter ends (at most one opening)."""
        pending: BaseException | None = None
        while True:
            try:
                self._done.acquire()
                break
            except BaseException as exc:  # noqa: BLE001 - raised below, once the thread has ended
                pending = exc
        self._done.release()
        self._apart.end()
        if pending is not None:
            raise pending


_opening: Opening | None = None
"""The store :func:`open_soon` is opening, until :func:`cached_store` takes it."""


def open_soon(
    paths: Sequence[str | Path], *, with_ontology: bool, extensions: Sequence[str | Path] = ()
) -> Opening | None:
    """Start opening, in a thread, the store ``cached_store(paths, with_ontology=...,
    extensions=...)`` will return, if that entry is published; None when it is not (or the
    files are small, or missing). Oxigraph takes 8-14 ms to open a store (it starts 15
    threads for each of its column families, with the GIL released): the caller meanwhile
    imports and prepares the query. The caller must :meth:`Opening.wait` before it leaves.

    For the command line (:mod:`aigraph.store.threads`): while the store opens, threads started
    anywhere in the process get 1 MiB stacks, and the caller runs on all of its CPUs but the
    opening's, so it must start no thread meanwhile.

    :func:`cached_store` takes the store only for the same entry, keyed by the files' size and
    modification time as it reads them then; anything else (a file changed since, an error)
    goes the usual way."""
    global _opening
    try:
        sources, ext_sources = _sources(paths), _sources(extensions)
        if sum(size for _, size, _ in sources) < THRESHOLD:
            return None
        final = os.path.join(_cache_dir(), "stores", _key(sources, with_ontology, ext_sources))
        if not _published(final):
            return None
    except Exception:  # noqa: BLE001 - an optimisation only: cached_store meets the error, where it is answered
        return None
    _opening = Opening(final)
    return _opening


def _take_opened(final: str) -> ox.Store | None:
    """The store :func:`open_soon` opened, if it is the entry ``final`` (else None)."""
    global _opening
    opening, _opening = _opening, None
    if opening is None:
        return None
    opening.wait()
    return opening.store if opening.final == final else None


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
    from pathlib import Path

    try:
        sources = _sources([path])
        if sources[0][1] != len(data) or Path(path).read_bytes() != data:
            return None
    except (OSError, ValueError, RuntimeError):
        return None
    if sources[0][1] < THRESHOLD:
        return None
    final = _stores() / _key(sources, False, [])
    if _published(final):
        return final
    base = Path(path).resolve().as_uri()
    if update is not None and _published(update[0]):
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
    import json
    import time
    from pathlib import Path

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
            if not _published(final):
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
    import json

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
    from ..errors import AigraphError

    size = total_size()
    try:
        _rmtree(folder)
    except OSError as exc:
        raise AigraphError(f"cannot remove the cache: {exc.strerror or exc}", path=folder) from None
    return size
