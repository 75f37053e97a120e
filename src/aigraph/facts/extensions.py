"""Ontology extensions: a user's own classes and relations, in Turtle, beside aigraph's.

An extension declares terms in its own namespace (``owl:Class``,
``owl:ObjectProperty``, ``owl:DatatypeProperty``, with ``rdfs:label``,
``rdfs:comment``, ``rdfs:domain`` and ``rdfs:range``) and may build on
aigraph's terms (``rdfs:domain aig:Organization``), but may not change them.
Facts files write its terms with the prefixes it declares (``ex:acquired``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import AigraphError
from ..files import check_input
from ..namespaces import AIG, OWL, PREFIXES, RDF, RDFS, XSD
from ..ontology import Ontology, from_quads, load_ontology
from ..rdfio import format_for_path, parse_bytes

# Objects of these predicates name terms that must exist.
_TERM_LINKS = (RDFS + "domain", RDFS + "range", RDFS + "subClassOf", RDFS + "subPropertyOf", OWL + "inverseOf")
_BUILT_IN = (RDF, RDFS, OWL, XSD)


@dataclass(frozen=True)
class Extension:
    """One extension file: its triples and the prefixes it declares."""

    path: Path
    quads: list[ox.Quad]
    prefixes: dict[str, str]
    text: str = field(repr=False, default="")

    def line_of(self, iri: str) -> int | None:
        """The first line that names ``iri`` (as a full IRI or with one of the file's prefixes)."""
        spellings = [f"<{iri}>"] + [
            f"{p}:{iri[len(ns) :]}" for p, ns in self.prefixes.items() if iri.startswith(ns) and iri != ns
        ]
        for n, line in enumerate(self.text.splitlines(), 1):
            code = line.split("#", 1)[0] if "<" not in line else line
            if any(re.search(r"(?<![\w:-])" + re.escape(s) + r"(?![\w-])", code) for s in spellings):
                return n
        return None


@dataclass
class Extensions:
    """The extensions a command was given, and aigraph's ontology merged with them."""

    items: list[Extension] = field(default_factory=list)

    @property
    def quads(self) -> list[ox.Quad]:
        return [q for e in self.items for q in e.quads]

    @property
    def prefixes(self) -> dict[str, str]:
        """Every extension's prefixes (aigraph's own prefixes are not repeated)."""
        out: dict[str, str] = {}
        for e in self.items:
            for p, ns in e.prefixes.items():
                if PREFIXES.get(p) != ns:
                    out.setdefault(p, ns)
        return out

    def ontology(self) -> Ontology:
        """aigraph's ontology with the extensions' terms added."""
        shipped = load_ontology()
        if not self.items:
            return shipped
        return from_quads(shipped.quads + self.quads)

    def __bool__(self) -> bool:
        return bool(self.items)


def read_extension(path: str | Path, *, check: bool = True) -> Extension:
    """Read one extension strictly (and check it alone); AigraphError names the file and line."""
    path = Path(path)
    fmt = format_for_path(path)
    if fmt is None:
        raise AigraphError("an ontology extension must be a Turtle file (.ttl)", path=path)
    raw = _read_bounded(path)
    quads = parse_bytes(raw, fmt, path=path, base_iri=path.resolve().as_uri())
    prefixes: dict[str, str] = {}
    if fmt in ("turtle", "trig", "n3"):
        syntax = ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.TURTLE
        parser = ox.parse(input=raw.removeprefix(b"\xef\xbb\xbf"), format=syntax)
        for _ in parser:
            pass
        prefixes = {p: ns for p, ns in parser.prefixes.items() if p}
    ext = Extension(path, quads, prefixes, raw.decode("utf-8", "replace"))
    if check:
        _check(ext, set(from_quads(ext.quads).terms))
    return ext


MAX_BYTES = 32 * 1024 * 1024
"""The largest ontology extension aigraph reads: 32 MiB of Turtle, far beyond a vocabulary."""


def _read_bounded(path: Path) -> bytes:
    """A regular file's bytes, at most :data:`MAX_BYTES` (read so: /proc files claim a size of 0)."""
    path = check_input(path, "an ontology extension")
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise AigraphError(f"cannot read: {exc.strerror or exc}", path=path) from None
    if len(raw) > MAX_BYTES:
        raise AigraphError(
            f"an ontology extension larger than {MAX_BYTES >> 20} MiB, more than aigraph reads", path=path
        )
    return raw


def _check(ext: Extension, declared: set[str]) -> None:
    """Refuse changes to aig: terms, unknown aig: terms, and links to undeclared terms of
    the extension's own namespaces (``declared``: every extension's terms)."""
    shipped = load_ontology()
    own_terms = from_quads(ext.quads).terms
    for q in ext.quads:
        s = q.subject
        if isinstance(s, ox.NamedNode) and s.value.startswith(AIG):
            name = s.value[len(AIG) :]
            what = "redefines" if s.value in shipped.terms else "declares"
            raise AigraphError(
                f"{what} aig:{name}: the aig: namespace belongs to aigraph and cannot be changed;"
                f" declare your own term in your own namespace (ex:{name or 'Name'}), and relate it to"
                " aigraph's with rdfs:subClassOf or rdfs:subPropertyOf if you like",
                path=ext.path,
                line=ext.line_of(s.value),
            )
    own = {iri.rsplit("#", 1)[0] + "#" if "#" in iri else iri.rsplit("/", 1)[0] + "/" for iri in own_terms}
    for q in ext.quads:
        for position, term in (("predicate", q.predicate), ("object", q.object)):
            if not isinstance(term, ox.NamedNode):
                continue
            iri = term.value
            if iri.startswith(AIG) and iri not in shipped.terms:
                known = sorted(t[len(AIG) :] for t in shipped.terms if t.startswith(AIG))
                from .reader import suggest

                raise AigraphError(
                    f"aig:{iri[len(AIG) :]} is not a term of the aigraph ontology"
                    + suggest(iri[len(AIG) :], known, limit=12),
                    path=ext.path,
                    line=ext.line_of(iri),
                )
            if (
                position == "object"
                and q.predicate.value in _TERM_LINKS
                and not iri.startswith(_BUILT_IN)
                and iri not in declared
                and iri not in shipped.terms
                and any(iri.startswith(ns) for ns in own)
            ):
                raise AigraphError(
                    f"{_short(iri, ext.prefixes)} is used but not declared (here or in another extension)"
                    f" (declare it, e.g. {_short(iri, ext.prefixes)} a owl:Class)"
                    + _close(iri, declared, ext.prefixes),
                    path=ext.path,
                    line=ext.line_of(iri),
                )


def _short(iri: str, prefixes: dict[str, str]) -> str:
    for p, ns in prefixes.items():
        if iri.startswith(ns) and iri != ns:
            return f"{p}:{iri[len(ns) :]}"
    return f"<{iri}>"


def _close(iri: str, declared: Iterable[str], prefixes: dict[str, str]) -> str:
    from .reader import suggest

    names = [_short(d, prefixes) for d in declared]
    return suggest(_short(iri, prefixes), names, listing=False) if names else ""


def load_extensions(paths: Sequence[str | Path] = ()) -> Extensions:
    """Read extension files (each once, in order) and check they agree on their prefixes."""
    seen: set[Path] = set()
    out = Extensions()
    for path in paths:
        key = Path(path).resolve()
        if key in seen:
            continue
        seen.add(key)
        ext = read_extension(path, check=False)
        for other in out.items:
            for p, ns in ext.prefixes.items():
                if other.prefixes.get(p, ns) != ns:
                    raise AigraphError(
                        f"prefix {p}: is <{ns}> here but <{other.prefixes[p]}> in {other.path};"
                        " give one of them another name",
                        path=ext.path,
                        line=ext.line_of(ns) or 1,
                    )
        out.items.append(ext)
    declared = set(from_quads(out.quads).terms)
    for ext in out.items:
        _check(ext, declared)
    return out
