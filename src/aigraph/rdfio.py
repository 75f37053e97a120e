"""Strict RDF reading and faithful writing, on pyoxigraph.

pyoxigraph's parsers pass the W3C syntax test suites, report line and column,
never fetch a remote JSON-LD context, and keep every literal's lexical form;
its writers do not rewrite values. On top of that, this module:

- checks RDF/XML with expat first (pyoxigraph reads truncated XML as an empty
  graph) and refuses external entities and entity-expansion bombs;
- words every parse error as one line with the file and, where it can be
  found, the 1-based line, plus a hint when the content does not match the
  extension (a PNG, a JSON-LD file named .ttl);
- refuses, before Oxigraph reads a byte, input that would crash or stall its
  readers: JSON nested too deep, JSON-LD term chains and context work too
  large, RDF/XML elements nested too deep;
- refuses to write what a format cannot hold (NUL in XML 1.0, a predicate that
  is no XML name) rather than change it, and writes CR in XML as ``&#13;``.

Files are read and written by :mod:`aigraph.files` (checked inputs, atomic
outputs, never over an input); this module works on their bytes.
"""

from __future__ import annotations

import sys

import pyoxigraph as ox

from . import lean
from .errors import AigraphError
from .files import read_input
from .namespaces import PREFIXES

# typing and pathlib (with urllib.parse and ipaddress) cost a query's start-up milliseconds:
# pathlib is imported by the functions that make paths (a query to stdout makes none).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import re  # imported where used: re and enum cost a query's start-up 3 ms
    from collections.abc import Iterable, Iterator, Mapping
    from pathlib import Path
    from typing import Any

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
    from pathlib import Path

    suffix = Path(path).suffix.lower()
    for name, (_, exts, _) in RDF_FORMATS.items():
        if suffix in exts and (formats is None or name in formats):
            return name
    return None


@lean.cache
def _position() -> re.Pattern[str]:
    # compiled on first use: most commands never need it (start-up)
    import re

    return re.compile(
        r"^Parser error (?:at line (\d+) (?:between columns (\d+) and \d+|column (\d+))"
        r"|between line (\d+) column (\d+) and line \d+ column \d+)\s*:\s*"
    )


# pyoxigraph's Turtle, N-Triples, N-Quads, TriG, N3 and JSON-LD readers buffer one
# token at a time and stop at this size; its RDF/XML reader has no such limit.
TOKEN_LIMIT = 16 * 1024 * 1024


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, max(offset, 0)) + 1


def _locate(data: bytes, message: str) -> int | None:
    """The line of the longest quoted fragment of an error message, for errors without one."""
    import re

    fragments = [a or b for a, b in re.findall(r"'([^']{3,})'|`([^`]{3,})`", message)]
    fragments.sort(key=len, reverse=True)
    # Names the message gives without quotes: an XML prefix, a JSON-LD keyword.
    fragments += [f"<{p}" for p in re.findall(r"[Uu]nknown prefix (\S+:)", message)]
    fragments += [f'"{k}"' for k in re.findall(r"(@[a-z]+)", message)]
    for frag in fragments:
        at = data.find(frag.encode("utf-8"))
        if at >= 0:
            return _line_at(data, at)
    return None


def _long_line(data: bytes) -> int | None:
    """The first line longer than TOKEN_LIMIT bytes (where a too-long term must be)."""
    start, number = 0, 1
    while start <= len(data):
        end = data.find(b"\n", start)
        stop = len(data) if end < 0 else end
        if stop - start > TOKEN_LIMIT:
            return number
        if end < 0:
            return None
        start, number = end + 1, number + 1
    return None


_MAGIC = {
    b"\x89PNG": "the file looks like a PNG image, not RDF",
    b"\xff\xd8\xff": "the file looks like a JPEG image, not RDF",
    b"GIF8": "the file looks like a GIF image, not RDF",
    b"%PDF": "the file looks like a PDF document, not RDF",
    b"PK\x03\x04": "the file looks like a ZIP archive, not RDF",
    b"\x1f\x8b": "the file looks gzip-compressed: decompress it first",
    b"\x7fELF": "the file looks like a program, not RDF",
    b"\xff\xfe": "the file looks like UTF-16 text: save it as UTF-8",
    b"\xfe\xff": "the file looks like UTF-16 text: save it as UTF-8",
}


def _sniff(data: bytes, fmt: str) -> str | None:
    """A hint at what the file really is, when its content does not match its format."""
    import re

    head = data[:512]
    for magic, hint in _MAGIC.items():
        if head.startswith(magic):
            return hint
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    guess = None
    if text.startswith((b"<?xml", b"<rdf:RDF", b"<RDF")):
        guess = "xml"
    elif re.match(rb'(\{\s*"|\[\s*(\{|\]))', text) and fmt not in {"trig", "n3"}:
        guess = "jsonld"
    elif re.match(rb"(?i)(@prefix|@base|prefix\s|base\s)", text):
        guess = "turtle"
    elif re.match(rb"(<[^>\s]*>|_:\S+)\s+<[^>\s]*>", text):
        guess = "ntriples"
    elif text.lower().startswith((b"<!doctype html", b"<html")):
        return "the file looks like HTML, not RDF"
    if guess is None or guess == fmt or (guess == "ntriples" and fmt in {"turtle", "trig", "nquads", "n3"}):
        return None
    return f"the content looks like {RDF_FORMATS[guess][2]}: is the file extension right?"


_LONG_RUN = r"\S{41,}"  # compiled on first use (start-up)


def excerpt(text: str, limit: int = 160) -> str:
    """A parser's message, which quotes the file, cut short: each unbroken run of more
    than 40 characters to its first 40, and the whole to ``limit``.

    A file that fails to parse may be one that should not be shown (a link to a
    secret); the message names the place, and quotes no more than a token's start.
    (AigraphError escapes control characters when it is printed.)

    >>> excerpt("x" * 50 + " is not a valid subject")
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… is not a valid subject'
    """
    import re

    text = re.sub(_LONG_RUN, lambda m: m.group()[:40] + "…", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def syntax_error(exc: Exception, path: Path | str, fmt: str, data: bytes = b"") -> AigraphError:
    """Turn a pyoxigraph parse error into one line with the file and 1-based line."""
    import re

    text = str(exc)
    line = getattr(exc, "lineno", None)
    column = None
    m = _position().match(text)
    if m:
        line = int(m.group(1) or m.group(4))
        column = m.group(2) or m.group(3) or m.group(5)
        text = text[m.end() :]
    text = re.sub(r"\s*\(line \d+\)\s*$", "", text)
    if not line and data:
        line = _locate(data, text)
    text = excerpt(text)
    where = f" (column {column})" if column else ""
    hint = _sniff(data, fmt)
    return AigraphError(
        f"not valid {RDF_FORMATS[fmt][2]}: {text}{where}" + (f"; {hint}" if hint else ""),
        path=path,
        line=line or None,
    )


@lean.cache
def _external_entity() -> re.Pattern[bytes]:
    # compiled on first use: most commands never need it (start-up)
    import re

    return re.compile(rb"<!ENTITY\s+(?:%\s+)?([^\s>]+)\s+(?:SYSTEM|PUBLIC)\s*(?:\"[^\"]*\"\s*)?[\"']([^\"']*)")


def _check_xml(data: bytes, path: Path | str) -> None:
    """Refuse what XML 1.0 forbids (pyoxigraph's reader is lax) and any external entity.

    expat never fetches anything itself and stops entity expansion bombs.
    """
    import xml.parsers.expat as expat

    from .errors import NetworkRefused

    m = _external_entity().search(data)
    if m:
        name, ref = (g.decode("utf-8", "replace") for g in m.groups())
        raise NetworkRefused(
            f"the external XML entity {name} refers to {ref!r}: aigraph never loads external"
            " entities (no network, no other files)",
            path=path,
            line=_line_at(data, m.start()),
        )
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    if data.count(b"<") > MAX_XML_NESTING:  # else too few tags to nest that deep: no callbacks
        _count_depth(parser, path)
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        hint = _sniff(data, "xml")
        raise AigraphError(
            f"not valid RDF/XML: {expat.ErrorString(exc.code)} (column {(exc.offset or 0) + 1})"
            + (f"; {hint}" if hint else ""),
            path=path,
            line=exc.lineno or None,
        ) from None


MAX_XML_NESTING = 10_000
"""RDF/XML with elements nested deeper is refused: Oxigraph's reader takes time
quadratic in the depth (measured: 10,000 elements 0.2 s, 20,000 0.5 s, 40,000
3.4 s, 100,000 about 20 s). expat counts the depth before Oxigraph reads a byte."""


def _count_depth(parser: Any, path: Path | str) -> None:
    """Make an expat parser refuse elements nested more than MAX_XML_NESTING deep."""
    depth = [0]

    def start(name: str, attrs: object) -> None:
        depth[0] += 1
        if depth[0] > MAX_XML_NESTING:
            raise AigraphError(
                f"XML elements nested more than {MAX_XML_NESTING:,} deep, more than aigraph's"
                " RDF/XML reader accepts",
                path=path,
                line=parser.CurrentLineNumber,
            )

    def end(name: str) -> None:
        depth[0] -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end


def _context_reference(doc: object) -> str | None:
    """The first @context (or @import) in a JSON-LD document that names another document."""
    todo = [doc]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ctx = node.get("@context")
            for c in ctx if isinstance(ctx, list) else [ctx]:
                if isinstance(c, str):
                    return c
                if isinstance(c, dict) and isinstance(c.get("@import"), str):
                    return str(c["@import"])
            todo.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            todo.extend(reversed(node))
    return None


def _remote_context(data: bytes, path: Path | str) -> AigraphError:
    import json  # here: most commands never read or write JSON (start-up)

    from .errors import NetworkRefused

    ref = None
    try:
        ref = _context_reference(json.loads(data))
    except (ValueError, RecursionError):
        pass
    line = None
    if ref is not None:
        for needle in (json.dumps(ref, ensure_ascii=False), json.dumps(ref)):
            at = data.find(needle.encode("utf-8"))
            if at >= 0:
                line = _line_at(data, at)
                break
    what = f"@context {ref!r}" if ref is not None else "a @context that"
    return NetworkRefused(
        f"JSON-LD {what} is another document: aigraph never fetches contexts (no network,"
        " no other files); put the context inline",
        path=path,
        line=line,
    )


def parse_bytes(
    data: bytes, fmt: str, *, path: str | Path = "<input>", base_iri: str | None = None
) -> list[ox.Quad]:
    """Parse RDF bytes strictly; raise AigraphError naming ``path`` and line."""
    if fmt not in RDF_FORMATS:
        raise AigraphError(f"unknown RDF format {fmt!r}", path=path)
    name = RDF_FORMATS[fmt][2]
    if fmt == "xml":
        _check_xml(data, path)
    elif fmt == "jsonld":
        _check_contexts(data, path, _check_json_depth(data, path))
    elif data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte order mark (Windows editors write one) means nothing
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
            raise _remote_context(data, path) from None
        if fmt == "jsonld":
            lone = _lone_surrogate(data, path)
            if lone is not None:
                raise lone from None
        raise syntax_error(exc, path, fmt, data) from None
    except MemoryError as exc:
        if "buffer maximal size" in str(exc):
            raise AigraphError(
                f"a single term (such as a literal) is longer than {TOKEN_LIMIT >> 20} MiB,"
                f" more than aigraph's {name} reader accepts (RDF/XML has no such limit)",
                path=path,
                line=_long_line(data),
            ) from None
        raise AigraphError(f"not enough memory to read this {name} file", path=path) from None
    except (ValueError, OSError, RecursionError) as exc:
        raise AigraphError(f"cannot parse as {name}: {excerpt(str(exc))}", path=path) from None
    return quads


@lean.cache
def _json_escape() -> re.Pattern[bytes]:
    # compiled on first use: most commands never need it (start-up)
    import re

    return re.compile(rb"\\(?:u([0-9A-Fa-f]{4})|.)", re.S)


def _lone_surrogate(data: bytes, path: Path | str) -> AigraphError | None:
    """A ``\\uD800``-style escape with no partner, which JSON allows but text cannot hold
    (Oxigraph reports "Unexpected end of file" for some)."""
    for token in _json_tokens().finditer(data):
        if not token.group().startswith(b'"'):
            continue
        high: re.Match[bytes] | None = None
        for m in _json_escape().finditer(token.group()):
            code = int(m.group(1), 16) if m.group(1) else None
            if high is not None and (code is None or not 0xDC00 <= code <= 0xDFFF or m.start() != high.end()):
                break
            if code is not None and 0xD800 <= code <= 0xDBFF:
                high = m
                continue
            if code is not None and 0xDC00 <= code <= 0xDFFF and high is None:
                high = m
                break
            high = None
        if high is not None:
            at = token.start() + high.start()
            return AigraphError(
                f"a lone surrogate {high.group().decode('ascii')} in a JSON string: a \\uD800-\\uDBFF"
                " escape must be followed by a \\uDC00-\\uDFFF one (alone, it is half a character)",
                path=path,
                line=_line_at(data, at),
            )
    return None


MAX_JSON_NESTING = 2000
"""JSON-LD nested deeper is refused: Oxigraph's JSON-LD reader recurses, and
overflows its stack (the process dies) at about 3,500 levels."""


@lean.cache
def _json_tokens() -> re.Pattern[bytes]:
    # compiled on first use: most commands never need it (start-up)
    import re

    return re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)


def _check_json_depth(data: bytes, path: Path | str, exact: bool = False) -> int:
    """Refuse JSON nested deeper than MAX_JSON_NESTING; return the depth (unless ``exact``, a bound)."""
    brackets = data.count(b"{") + data.count(b"[")
    if brackets <= MAX_JSON_NESTING and not exact:
        return brackets  # too few brackets to nest that deep (the common case: no scan)
    depth = deepest = 0
    for m in _json_tokens().finditer(data):
        c = data[m.start()]
        if c in b"{[":
            depth += 1
            deepest = max(deepest, depth)
            if depth > MAX_JSON_NESTING:
                raise AigraphError(
                    f"JSON nested more than {MAX_JSON_NESTING:,} levels deep, more than aigraph's"
                    " JSON-LD reader accepts",
                    path=path,
                    line=_line_at(data, m.start()),
                )
        elif c in b"}]":
            depth -= 1
    return deepest


MAX_TERM_CHAIN = 1000
"""A JSON-LD @context whose terms are defined through longer chains is refused.

Oxigraph defines a term by first defining the term its IRI uses (``"b": "a:x"``
needs ``a``), recursively: 10,000 such terms overflow its stack (the process
dies) from about 4,800 with an 8 MB stack. Real contexts chain a few terms."""

MAX_CONTEXT_WORK = 5_000_000
"""JSON-LD whose contexts would cost Oxigraph more term definitions than this is refused.

Oxigraph copies the active context at each level of nesting and applies a
scoped context (one inside a term definition) anew, with every context nested
in it, wherever its term is used. The estimate, (uses of scoped terms x
context nesting + JSON depth) x term definitions, ran at 0.2-1.3 us a unit in
measurement: a 29 KB file with contexts nested 50 deep took 3.3 s, an 820 KB
one with 10,000 uses of a scoped term beside 5,000 terms 51 s."""


@lean.cache
def _context_key() -> re.Pattern[bytes]:
    # compiled on first use: most commands never need it (start-up)
    import re

    return re.compile(rb'"@context"\s*:\s*')


@lean.cache
def _json_string() -> re.Pattern[bytes]:
    # compiled on first use: most commands never need it (start-up)
    import re

    return re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)


def _check_contexts(data: bytes, path: Path | str, depth: int) -> None:
    """Refuse JSON-LD contexts that would overflow Oxigraph's stack or take minutes to apply.

    Term chains longer than MAX_TERM_CHAIN, or more work than MAX_CONTEXT_WORK.
    """
    import json  # here: most commands never read or write JSON (start-up)

    terms = nesting = embedded = 0
    scoped: set[str] = set()
    covered = 0
    for m in _context_key().finditer(data):
        if m.start() < covered:
            continue  # a scoped context inside one already looked at
        end = _json_value_end(data, m.end())
        if end is None:
            continue  # a string (a remote context, refused by the parser), null, or not JSON
        covered, embedded = end, embedded + 1
        for context, level in _contexts(_load_json(data[m.end() : end])):
            terms += len(context)
            nesting = max(nesting, level)
            scoped.update(k for k, v in context.items() if isinstance(v, dict) and "@context" in v)
            length, term = _longest_chain(context)
            if length > MAX_TERM_CHAIN:
                at = data.find(json.dumps(term, ensure_ascii=False).encode("utf-8"), m.end(), end)
                raise AigraphError(
                    f"JSON-LD @context term {term!r} is defined through a chain of {length:,} terms"
                    f' (as "b": "a:x" needs a), more than aigraph\'s JSON-LD reader accepts'
                    f" ({MAX_TERM_CHAIN:,})",
                    path=path,
                    line=_line_at(data, at if at >= 0 else m.start()),
                )
    if terms * (embedded + depth) <= MAX_CONTEXT_WORK and not scoped:
        return
    if depth <= MAX_JSON_NESTING:
        depth = _check_json_depth(data, path, exact=True)  # it was only a bound
    uses = embedded + _count_strings(data, scoped)
    work = terms * (uses * nesting + depth)
    if work > MAX_CONTEXT_WORK:
        raise AigraphError(
            f"JSON-LD contexts too costly to apply: {terms:,} term definitions, used at {uses:,}"
            f" places, contexts nested {nesting} deep, JSON {depth:,} deep; about {work:,} definitions"
            f" to copy, more than aigraph's JSON-LD reader accepts ({MAX_CONTEXT_WORK:,})",
            path=path,
        )


def _count_strings(data: bytes, names: set[str]) -> int:
    """How often any of ``names`` occurs as a JSON string (key or value), escapes decoded."""
    import json  # here: most commands never read or write JSON (start-up)

    if not names:
        return 0
    wanted = {json.dumps(n, ensure_ascii=False).encode("utf-8") for n in names}
    count = 0
    for m in _json_string().finditer(data):
        token = m.group()
        if token in wanted:
            count += 1
        elif b"\\" in token:
            try:
                count += json.loads(token) in names
            except ValueError:
                pass
    return count


def _json_value_end(data: bytes, start: int) -> int | None:
    """The offset just past the JSON object or array that starts at ``start`` (None: no such value)."""
    if data[start : start + 1] not in (b"{", b"["):
        return None  # a string (a remote context, refused by the parser) or null
    depth = 0
    for m in _json_tokens().finditer(data, start):
        c = data[m.start()]
        if c in b"{[":
            depth += 1
        elif c in b"}]":
            depth -= 1
            if depth == 0:
                return m.end()
    return None


def _load_json(text: bytes) -> object:
    """json.loads, allowing the nesting that MAX_JSON_NESTING allows (None if not JSON)."""
    import json  # here: most commands never read or write JSON (start-up)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, MAX_JSON_NESTING + 500))
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None
    finally:
        sys.setrecursionlimit(limit)


def _contexts(value: object) -> Iterator[tuple[dict[str, Any], int]]:
    """Every context object in an @context value, with those scoped inside term definitions,
    and how deep each is (1: not inside another)."""
    todo = [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, list):
            todo.extend((v, level) for v in item)
        elif isinstance(item, dict):
            yield item, level
            todo.extend((v["@context"], level + 1) for v in item.values() if isinstance(v, dict) and "@context" in v)


def _longest_chain(context: dict[str, Any]) -> tuple[int, str]:
    """The longest chain of term definitions that each need another, and the term it starts at."""

    def needs(term: str, value: object) -> list[str]:
        iris = [term]
        if isinstance(value, str):
            iris.append(value)
        elif isinstance(value, dict):
            iris += [v for k, v in value.items() if k in ("@id", "@reverse", "@type") and isinstance(v, str)]
        found = []
        for iri in iris:
            prefix = iri.split(":", 1)[0]
            if prefix != term and prefix in context:
                found.append(prefix)  # a compact IRI "prefix:x", or a term used as an alias
        return found

    graph = {k: needs(k, v) for k, v in context.items() if isinstance(k, str) and not k.startswith("@")}
    length: dict[str, int] = {}
    for root in graph:
        if root in length:
            continue
        stack = [(root, iter(graph[root]))]
        on_path = {root}
        while stack:
            term, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                on_path.discard(term)
                # A cycle (an error the parser reports) adds nothing.
                length[term] = 1 + max((length[c] for c in graph[term] if c in length), default=0)
            elif child not in length and child not in on_path:
                stack.append((child, iter(graph[child])))
                on_path.add(child)
    if not length:
        return 0, ""
    term = max(length, key=length.__getitem__)
    return length[term], term


def read_rdf(path: str | Path, fmt: str | None = None) -> list[ox.Quad]:
    """Read one RDF file, its format named or guessed from the extension."""
    from pathlib import Path

    path = Path(path)
    fmt = fmt or format_for_path(path)
    if fmt is None:
        known = ", ".join(e for _, exts, _ in RDF_FORMATS.values() for e in exts)
        raise AigraphError(
            f"cannot tell the RDF format from the extension (known: {known})", path=path
        )
    data = read_input(path)
    return parse_bytes(data, fmt, path=path, base_iri=file_base_iri(path))


def file_base_iri(path: Path) -> str:
    """The base IRI of a file's relative IRIs: its own ``file:`` URI."""
    try:
        return path.resolve().as_uri()
    except (OSError, RuntimeError):  # a symlink loop, a vanished folder
        return path.absolute().as_uri()


def load(paths: Iterable[str | Path]) -> ox.Store:
    """Read RDF files into one in-memory pyoxigraph Store (all or nothing)."""
    store = ox.Store()
    for path in paths:
        store.extend(read_rdf(path))
    return store


def has_named_graphs(quads: Iterable[ox.Quad]) -> bool:
    return any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads)


# What XML 1.0 can hold (https://www.w3.org/TR/xml/#charsets); everything else is refused.
# Compiled on first use: these two Unicode classes take about 8 ms to compile, which
# every command would pay at start-up for a check only XML output needs.
@lean.cache
def _not_xml() -> re.Pattern[str]:
    import re

    return re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _terms(item: ox.Quad | ox.Triple) -> Iterator[object]:
    yield item.subject
    yield item.predicate
    yield item.object
    if isinstance(item, ox.Quad):
        yield item.graph_name


def check_xml_text(text: str, fmt: str, what: str = "a value") -> None:
    """Refuse text that XML 1.0 cannot hold (NUL and most control characters, U+FFFE/U+FFFF)."""
    m = _not_xml().search(text)
    if m:
        short = text if len(text) <= 60 else text[:57] + "..."
        raise AigraphError(
            f"cannot write {fmt} faithfully: {what} {short!r} holds U+{ord(m.group()):04X},"
            " which XML 1.0 cannot represent; choose Turtle, N-Triples, N-Quads, TriG or JSON-LD"
        )


_NAME_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)


@lean.cache
def _local_name() -> re.Pattern[str]:
    import re

    return re.compile(f"[{_NAME_START}][{_NAME_START}\\-.0-9\u00b7\u0300-\u036f\u203f\u2040]*$")


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# Old RDF/XML syntax terms that no reader accepts as property elements any more.
_NOT_PROPERTIES = {"bagID", "aboutEach", "aboutEachPrefix"}


def _check_xml_name(iri: str, what: str) -> None:
    """RDF/XML writes predicates (and classes) as element names: the IRI must end in an XML name."""
    name = iri[len(_RDF) :] if iri.startswith(_RDF) else None
    if (what == "predicate" and name in _NOT_PROPERTIES) or not _ends_in_element_name(iri):
        raise AigraphError(
            f"cannot write RDF/XML faithfully: the {what} <{iri}> cannot be an XML element name;"
            " choose Turtle, N-Triples, N-Quads, TriG or JSON-LD"
        )


@lean.lru_cache(4096)
def _ends_in_element_name(iri: str) -> bool:
    """Whether Oxigraph can write ``iri`` as an element name that XML readers accept.

    Oxigraph takes the longest ending that is an XML 1.0 (fifth edition) name, as
    :func:`_local_name` does. Expat, which reads RDF/XML for rdflib and for aigraph
    (:func:`_check_xml`, :func:`_check_well_formed`), knows only the older (fourth
    edition) name characters: none beyond the BMP (an emoji, U+1F600) and about 19,500
    fewer within it (U+0132, LATIN CAPITAL LIGATURE IJ). Writing such a name would give a
    file that neither rdflib nor aigraph reads back, so expat judges the ending, and the
    IRI gets this clear refusal rather than the last guard's "invalid token".
    """
    m = _local_name().search(iri)
    if m is None:
        return False
    if m.group().isascii():
        return True  # both editions take the same ASCII names: no parser needed
    import xml.parsers.expat as expat

    parser = expat.ParserCreate()
    try:
        parser.Parse(f"<{m.group()}/>".encode(), True)  # name characters only: nothing to escape
    except expat.ExpatError:
        return False
    return True


def _check_xml_terms(items: list) -> None:
    for item in items:
        _check_xml_name(item.predicate.value, "predicate")
        if item.predicate.value == _RDF + "type" and isinstance(item.object, ox.NamedNode):
            _check_xml_name(item.object.value, "class")  # written as a typed node element
        for term in _terms(item):
            if isinstance(term, ox.Literal):
                check_xml_text(term.value, "RDF/XML", "the literal")
                if term.datatype is not None:
                    check_xml_text(term.datatype.value, "RDF/XML", "the IRI")
            elif isinstance(term, ox.NamedNode | ox.BlankNode):
                check_xml_text(term.value, "RDF/XML", "the IRI")
            elif isinstance(term, ox.Triple):
                _check_xml_terms([term])


def escape_cr(xml: bytes) -> bytes:
    """Write carriage returns as character references, since XML readers turn a raw CR into LF.

    Writers put CR only in text and attribute values, where ``&#13;`` means the same.
    """
    return xml.replace(b"\r", b"&#13;")


def _usable_prefixes(items: list, prefixes: Mapping[str, str] = PREFIXES) -> dict[str, str]:
    """``prefixes`` (aigraph's), less any that would give a local name ending in a dot.

    ``aig:a\\.`` is valid Turtle, but rdflib cannot read it: such IRIs are written in full.
    """
    dotted = {
        name
        for item in items
        for t in _terms(item)
        for iri in ([t.datatype.value] if isinstance(t, ox.Literal) else [getattr(t, "value", "")])
        if iri.endswith(".")
        for name, ns in prefixes.items()
        if iri.startswith(ns)
    }
    return {k: v for k, v in prefixes.items() if k not in dotted}


def serialize(
    quads: Iterable[ox.Quad] | Iterable[ox.Triple], fmt: str, prefixes: Mapping[str, str] = PREFIXES
) -> bytes:
    """Serialize triples or quads with aigraph's prefixes (or ``prefixes``), refusing lossy output."""
    items: list[Any] = list(quads)
    if fmt not in RDF_FORMATS:
        raise AigraphError(f"unknown RDF format {fmt!r}")
    if fmt not in _QUAD_FORMATS and fmt != "jsonld":  # JSON-LD holds named graphs too ("@graph")
        if items and isinstance(items[0], ox.Quad):
            if has_named_graphs(items):
                raise AigraphError(
                    f"the data has named graphs, which {RDF_FORMATS[fmt][2]} cannot hold;"
                    " use --format trig or nquads"
                )
            items = [q.triple for q in items]
    if fmt == "xml":
        _check_xml_terms(items)
    usable = _usable_prefixes(items, prefixes) if fmt in {"turtle", "trig", "xml", "n3"} else None
    try:
        if fmt == "jsonld":
            return _jsonld(items)
        data = ox.serialize(items, format=RDF_FORMATS[fmt][0], prefixes=usable) or b""
    except (ValueError, OSError) as exc:
        raise AigraphError(f"cannot write {RDF_FORMATS[fmt][2]}: {exc}") from None
    if fmt == "xml":
        data = escape_cr(data)
        _check_well_formed(data)
    return data


def _check_well_formed(xml: bytes) -> None:
    """A last guard: never hand out RDF/XML that an XML reader would reject."""
    import xml.parsers.expat as expat

    parser = expat.ParserCreate(namespace_separator=" ")  # namespace-aware: "p:" is no name
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        lines = xml.splitlines()
        at = lines[exc.lineno - 1].decode("utf-8", "replace").strip() if 0 < exc.lineno <= len(lines) else ""
        raise AigraphError(
            f"cannot write RDF/XML faithfully ({expat.ErrorString(exc.code)} in {at[:80]!r});"
            " choose Turtle, N-Triples, N-Quads, TriG or JSON-LD"
        ) from None


def _jsonld(items: list) -> bytes:
    """JSON-LD with an inline @context of aigraph's prefixes (never a remote one)."""
    import json  # here: most commands never read or write JSON (start-up)

    body = json.loads(ox.serialize(items, format=ox.RdfFormat.JSON_LD) or b"[]")
    # An absolute IRI such as "schema:x" would read as a compact IRI under a "schema"
    # prefix: leave such prefixes out so every IRI keeps its meaning.
    used = {
        v.split(":", 1)[0]
        for item in items
        for t in _terms(item)
        for v in ([t.value, t.datatype.value] if isinstance(t, ox.Literal) else [getattr(t, "value", "")])
        if ":" in v
    }
    context = {k: v for k, v in PREFIXES.items() if k not in used}
    doc = {"@context": context, "@graph": body if isinstance(body, list) else [body]}
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8") + b"\n"
