"""Strict RDF reading and faithful writing, on pyoxigraph.

pyoxigraph's parsers pass the W3C syntax test suites, report line and column,
never fetch a remote JSON-LD context, and keep every literal's lexical form;
its writers do not rewrite values. Files are written atomically.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .errors import AigraphError
from .namespaces import PREFIXES

# name -> (pyoxigraph format, file extensions, description)
RDF_FORMATS: dict[str, tuple[ox.RdfFormat, tuple[str, ...], str]] = {
    "turtle": (ox.RdfFormat.TURTLE, (".ttl", ".turtle"), "Turtle"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, (".nt", ".ntriples"), "N-Triples"),
    "nquads": (ox.RdfFormat.N_QUADS, (".nq", ".nquads"), "N-Quads"),
    "trig": (ox.RdfFormat.TRIG, (".trig",), "TriG"),
    "jsonld": (ox.RdfFormat.JSON_LD, (".jsonld", ".json"), "JSON-LD"),
    "xml": (ox.RdfFormat.RDF_XML, (".rdf", ".xml", ".owl"), "RDF/XML"),
    "n3": (ox.RdfFormat.N3, (".n3",), "N3"),
}

_QUAD_FORMATS = {"nquads", "trig"}


def format_for_path(path: str | Path, formats: Iterable[str] | None = None) -> str | None:
    """The format name a file's extension stands for, or None."""
    suffix = Path(path).suffix.lower()
    for name, (_, exts, _) in RDF_FORMATS.items():
        if suffix in exts and (formats is None or name in formats):
            return name
    return None


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise AigraphError("no such file", path=path) from None
    except IsADirectoryError:
        raise AigraphError("is a directory, not an RDF file", path=path) from None
    except OSError as exc:
        raise AigraphError(f"cannot read: {exc.strerror or exc}", path=path) from None


_POSITION = re.compile(
    r"^Parser error (?:at line (\d+) (?:between columns (\d+) and \d+|column (\d+))"
    r"|between line (\d+) column (\d+) and line \d+ column \d+)\s*:\s*"
)


def _syntax_error(exc: Exception, path: Path | str, fmt: str) -> AigraphError:
    """Turn a pyoxigraph parse error into one line with the file and 1-based line."""
    text = str(exc)
    line = getattr(exc, "lineno", None)
    column = None
    m = _POSITION.match(text)
    if m:
        line = int(m.group(1) or m.group(4))
        column = m.group(2) or m.group(3) or m.group(5)
        text = text[m.end() :]
    text = re.sub(r"\s*\(line \d+\)\s*$", "", text)
    where = f" (column {column})" if column else ""
    return AigraphError(
        f"not valid {RDF_FORMATS[fmt][2]}: {text}{where}", path=path, line=line or None
    )


def parse_bytes(
    data: bytes, fmt: str, *, path: str | Path = "<input>", base_iri: str | None = None
) -> list[ox.Quad]:
    """Parse RDF bytes strictly; raise AigraphError naming ``path`` and line."""
    if fmt not in RDF_FORMATS:
        raise AigraphError(f"unknown RDF format {fmt!r}", path=path)
    try:
        quads = list(
            ox.parse(
                input=data,
                format=RDF_FORMATS[fmt][0],
                base_iri=base_iri,
                without_named_graphs=fmt not in _QUAD_FORMATS and fmt != "jsonld",
            )
        )
    except SyntaxError as exc:
        if "LoadDocumentCallback" in str(exc) or "remote context" in str(exc).lower():
            from .errors import NetworkRefused

            raise NetworkRefused(
                "JSON-LD with a remote @context: aigraph does not fetch contexts; inline it",
                path=path,
            ) from None
        raise _syntax_error(exc, path, fmt) from None
    except (ValueError, OSError, RecursionError, MemoryError) as exc:
        raise AigraphError(f"cannot parse as {RDF_FORMATS[fmt][2]}: {exc}", path=path) from None
    return quads


def read_rdf(path: str | Path, fmt: str | None = None) -> list[ox.Quad]:
    """Read one RDF file, its format named or guessed from the extension."""
    path = Path(path)
    fmt = fmt or format_for_path(path)
    if fmt is None:
        known = ", ".join(e for _, exts, _ in RDF_FORMATS.values() for e in exts)
        raise AigraphError(
            f"cannot tell the RDF format from the extension (known: {known})", path=path
        )
    data = _read_bytes(path)
    return parse_bytes(data, fmt, path=path, base_iri=path.resolve().as_uri())


def load(paths: Iterable[str | Path]) -> ox.Store:
    """Read RDF files into one in-memory pyoxigraph Store (all or nothing)."""
    store = ox.Store()
    for path in paths:
        store.extend(read_rdf(path))
    return store


def has_named_graphs(quads: Iterable[ox.Quad]) -> bool:
    return any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads)


def serialize(quads: Iterable[ox.Quad] | Iterable[ox.Triple], fmt: str) -> bytes:
    """Serialize triples or quads with aigraph's prefixes, refusing lossy output."""
    items = list(quads)
    if fmt not in RDF_FORMATS:
        raise AigraphError(f"unknown RDF format {fmt!r}")
    if fmt not in _QUAD_FORMATS:
        if items and isinstance(items[0], ox.Quad):
            if has_named_graphs(items):  # type: ignore[arg-type]
                raise AigraphError(
                    f"the data has named graphs, which {RDF_FORMATS[fmt][2]} cannot hold;"
                    " use --format trig or nquads"
                )
            items = [q.triple for q in items]  # type: ignore[union-attr]
    prefixes = PREFIXES if fmt in {"turtle", "trig", "xml", "n3"} else None
    if fmt == "jsonld":
        return _jsonld(items)
    try:
        return ox.serialize(items, format=RDF_FORMATS[fmt][0], prefixes=prefixes)
    except (ValueError, OSError) as exc:
        raise AigraphError(f"cannot write {RDF_FORMATS[fmt][2]}: {exc}") from None


def _jsonld(items: list) -> bytes:
    """JSON-LD with an inline @context of aigraph's prefixes (never a remote one)."""
    import json

    body = json.loads(ox.serialize(items, format=ox.RdfFormat.JSON_LD))
    doc = {"@context": dict(PREFIXES), "@graph": body if isinstance(body, list) else [body]}
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8") + b"\n"


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[IO[bytes]]:
    """Write to a temporary file beside ``path`` and rename it into place on success.

    ``-`` means stdout. On any error the target is left as it was.
    """
    if str(path) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise AigraphError("is a directory; give a file name", path=path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise AigraphError(f"cannot write here: {exc.strerror or exc}", path=path) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; give the file the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_bytes(path: str | Path, data: bytes | Callable[[IO[bytes]], None]) -> None:
    """Atomically write bytes (or what a writer function writes) to ``path`` or ``-``."""
    try:
        with atomic_output(path) as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
    except OSError as exc:
        raise AigraphError(f"cannot write: {exc.strerror or exc}", path=path) from None
