"""Folding big N-Triples and N-Quads files on two cores.

At a million triples the view's time goes into Oxigraph's parser handing each triple to
Python and the fold's pass over it (:func:`aigraph.view.scan.scan`), one triple at a
time. N-Triples and N-Quads hold one statement per line (a literal cannot contain a raw
line break: the grammar has no newline in any term, and a comment ends at the line's
end), so the files can be cut at a line break into two runs of lines that parse alone. A
forked worker scans the second run while this process scans the first; the worker sends
its :class:`~aigraph.view.scan.Scan` back pickled (:func:`_encode`: each resource's
string once), and the two merge into the scan of the whole (the same as one
pass: see :meth:`Scan.merge`). Blank node labels are the file's own in every part
(Oxigraph keeps N-Triples labels), so a blank node split across the cut stays one node.

N-Quads parts are parsed by Oxigraph as strictly as :func:`aigraph.store.dataset.stream_quads`
parses them. N-Triples parts are parsed by its lenient parser, which reads a million triples
in about half the time because it checks no IRI, language tag or datatype, and the scan
checks those instead, each distinct term once (:mod:`aigraph.view.checked` lists
what the two parsers differ on; ``tests/test_view_split.py`` holds them to it line against
line). On any error, or anything the strict parser might read otherwise, the caller folds the
files again in one pass, which reads them strictly and words the error (file and line of the
whole file) as every command does: bad input costs a second read, good input none.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..interrupts import forked_helper, reap
from .checked import Unchecked
from .scan import Scan, portable, scan

SPLIT_BYTES = 16 << 20
"""Files smaller than this in all are folded in one process (forking costs more than it saves)."""

SHARE = 0.45
"""The worker's share of the bytes: it also packs its scan up, and this process reads it
and loads the page's modules (``meanwhile``) while the worker starts."""

_PIECE = 8 << 20
"""Bytes parsed at a time: Oxigraph parses bytes in memory fastest, and a whole half of a
big file in memory would cost as much memory as the fold."""

_LINE_FORMATS = {"ntriples", "nquads"}

Part = tuple[Path, int, int]
"""A run of whole lines: a file, and the byte offsets it starts and ends at."""


def scan_files(data: Sequence[str | Path], meanwhile: Callable[[], object] | None = None) -> Scan | None:
    """The scan of ``data`` made on two cores, or None: the files are not all N-Triples or
    N-Quads, too small to gain, this system cannot fork, or a file could not be parsed
    (then fold them in one pass, which reports the error). ``meanwhile`` runs here while
    the worker starts on its part (the view loads its page modules)."""
    from ..files import check_input
    from ..rdfio import format_for_path

    paths = [check_input(p) for p in data]
    if not hasattr(os, "fork") or threading.current_thread() is not threading.main_thread() or _cores() < 2:
        return None
    if any(format_for_path(p) not in _LINE_FORMATS for p in paths):
        return None
    try:
        sizes = [p.stat().st_size for p in paths]
    except OSError:
        return None
    if sum(sizes) < SPLIT_BYTES:
        return None
    try:
        first, second = _cut(paths, sizes, round(sum(sizes) * (1 - SHARE)))
    except OSError:
        return None
    return _scan_both(first, second, meanwhile)


def _cores() -> int:
    """The cores this process may run on (a worker on the same core only adds its overhead)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _cut(paths: list[Path], sizes: list[int], at: int) -> tuple[list[Part], list[Part]]:
    """The files as two runs of whole lines, cut at the first line break from byte ``at``
    of their concatenation."""
    first: list[Part] = []
    second: list[Part] = []
    for path, size in zip(paths, sizes, strict=True):
        if at <= 0:
            second.append((path, 0, size))
        elif at >= size:
            first.append((path, 0, size))
        else:
            end = _line_end(path, at, size)
            first.append((path, 0, end))
            if end < size:
                second.append((path, end, size))
        at -= size
    return first, second


def _line_end(path: Path, at: int, size: int) -> int:
    """The offset just after the first line break at or after ``at`` (or the file's end)."""
    with path.open("rb") as f:
        f.seek(at)
        offset = at
        while block := f.read(1 << 16):
            found = block.find(b"\n")
            if found >= 0:
                return offset + found + 1
            offset += len(block)
    return size


def _quads(parts: list[Part]) -> Iterator[ox.Quad]:
    """The quads of ``parts``, parsed by Oxigraph a few MB of whole lines at a time: N-Quads as
    :func:`~aigraph.store.dataset.stream_quads` parses the whole files, N-Triples by the
    lenient parser, twice as fast, for :func:`~aigraph.view.scan.scan` to check (``checked``)."""
    from ..rdfio import RDF_FORMATS, format_for_path

    for path, start, end in parts:
        fmt = format_for_path(path) or "ntriples"
        options: dict[str, Any] = {"format": RDF_FORMATS[fmt][0]}
        lenient = fmt == "ntriples"
        if lenient:  # N-Triples has no relative IRIs: the scan finds them not absolute
            options.update(without_named_graphs=True, lenient=True)
        else:
            options["base_iri"] = path.resolve().as_uri()
        for piece in _pieces(path, start, end):
            if lenient and b"\\u" in piece and _SURROGATE.search(piece):
                raise Unchecked("an escaped UTF-16 surrogate")  # the lenient parser joins pairs
            yield from ox.parse(piece, **options)


_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
"""A ``\\u`` escape of a UTF-16 surrogate (or text that looks like one, such as an escaped
backslash before ``uD800``: then the strict parser reads the part)."""


def _pieces(path: Path, start: int, end: int) -> Iterator[bytes]:
    """Bytes ``start`` to ``end`` of ``path`` in pieces that end at a line break."""
    with path.open("rb") as f:
        f.seek(start)
        left = end - start
        rest = b""
        while left > 0:
            block = f.read(min(_PIECE, left))
            if not block:
                break
            left -= len(block)
            cut = block.rfind(b"\n") + 1
            if cut == 0:  # a line longer than a piece: read on
                rest += block
                continue
            yield rest + block[:cut]
            rest = block[cut:]
        if rest:
            yield rest


def _scan_both(first: list[Part], second: list[Part], meanwhile: Callable[[], object] | None = None) -> Scan | None:
    """Scan ``second`` in a forked worker and ``first`` here; the merged scan, or None
    when either part could not be parsed."""
    read_fd, write_fd = os.pipe()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() beside the CLI's signal thread
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the worker (coverage does not follow a fork)
        os.close(read_fd)
        _work(second, write_fd)
    os.close(write_fd)
    done = False
    try:
        if meanwhile is not None:
            meanwhile()
        try:
            mine = scan(_quads(first), checked=True)
        except (SyntaxError, ValueError, OSError, MemoryError, RuntimeError):
            return None
        data = _read_all(read_fd)
        status = reap(pid)
        done = True
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not data:
            return None
        theirs = _decode(data)
        del data
        return mine.merge(theirs)
    finally:
        os.close(read_fd)
        if not done:  # an error here, Ctrl-C or SIGTERM: the worker's result is not wanted
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            reap(pid)


def _work(parts: list[Part], fd: int) -> None:  # pragma: no cover - runs in the forked worker
    """The worker: scan ``parts``, write the encoded scan to ``fd``, leave at once (nothing
    to flush or free; the parent owns every file). Exit status 1 on any error."""
    code = 1
    try:
        forked_helper()  # Ctrl-C ends the worker with the parent
        data = _encode(scan(_quads(parts), checked=True))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        code = 0
    except BaseException:  # noqa: BLE001 - any failure: the parent folds in one pass and says why
        pass
    finally:
        os._exit(code)


# The worker's scan travels pickled as it is: its logs are lists of strings, and each
# resource (an IRI or blank node, named again and again) is one interned string there, which
# pickle writes once and refers back to, so that this process makes one string per resource
# of the worker's part. At a million triples: 0.20 s to write, 0.09-0.11 s to read, against
# 0.26-0.33 s and 0.14-0.20 s for the strings table it replaces (2026-12-04).


def _encode(found: Scan) -> bytes:
    """``found`` as bytes for :func:`_decode` (a TypeError for a triple term: then the caller
    folds in one pass)."""
    return pickle.dumps(portable(found), protocol=pickle.HIGHEST_PROTOCOL)


def _decode(data: bytes) -> Scan:
    found = pickle.loads(data)
    if not isinstance(found, Scan):  # pragma: no cover - only our own worker writes here
        raise TypeError(f"not a scan: {type(found).__name__}")
    return found


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)
