"""SHACL validation (pyshacl) of a graph against aigraph's shapes and ontology."""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .. import resources
from ..errors import AigraphError, printable
from ..namespaces import PREFIXES


@dataclass(frozen=True)
class Result:
    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str
    source: str | None = None  # "file:line" where the finding is, when aigraph can tell

    def __str__(self) -> str:
        at = f" ({self.source})" if self.source else ""
        if self.focus == GRAPH_NODE:  # whole-graph rules name the triple in the message
            return f"{self.severity}: {self.message}{at}"
        where = _short(self.focus) + (f" {_short(self.path)}" if self.path else "")
        value = f" = {_cut(_short(self.value))}" if self.value and self.value != self.focus else ""
        return f"{self.severity}: {where}{value}: {self.message}{at}"

    @property
    def node(self) -> str:
        """The node the result is about (the offending subject for whole-graph rules)."""
        return (self.value or self.focus) if self.focus == GRAPH_NODE else self.focus


_LONG_RUN = re.compile(r"\S{101,}")  # a value a message quotes (a 5,000-digit number, a 50 MB text)


def _cut(text: str, limit: int = 100) -> str:
    """A value as a report line shows it: a 100,000-digit number or a long text, cut short."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Report:
    conforms: bool
    results: list[Result] = field(default_factory=list)
    triples: int = 0

    def text(self) -> str:
        if self.conforms:
            return f"Conforms: {self.triples} triples checked against the aigraph shapes."
        lines = [f"Does not conform: {len(self.results)} result(s)."]
        # Values come from the data: a NUL, an escape sequence or U+202E must not reach the terminal raw.
        lines += [f"  {_LONG_RUN.sub(lambda m: m.group()[:99] + '…', printable(str(r)))}" for r in self.results]
        return "\n".join(lines)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
GRAPH_NODE = "https://w3id.org/aigraph/shapes#graph"


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_-]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _shorten_all(text: str) -> str:
    return re.sub(r"https?://[^\s<>\"]*[^\s<>\".,;:)]", lambda m: _short(m.group(0)), text)


def _blank_names(data: Iterable[ox.Triple | ox.Quad]) -> dict[str, str]:
    """``_:b1``, ``_:b2``, ... for blank nodes in the order they first appear.

    A parser gives blank nodes random 32-digit ids, so a report naming them by
    id would point nowhere; the order of appearance points into the file. Short
    ids (made by hand through the API) are left alone: they are readable, and
    renaming them inside messages could hit ordinary words.
    """
    names: dict[str, str] = {}
    for t in data:
        for term in (t.subject, t.object):
            if isinstance(term, ox.BlankNode) and len(term.value) >= 16 and term.value not in names:
                names[term.value] = f"_:b{len(names) + 1}"
    return names


def _name_blanks(text: str, names: dict[str, str]) -> str:
    if not names:
        return text
    return re.sub(r"[A-Za-z0-9_]{16,}", lambda m: names.get(m.group(0), m.group(0)), text)


def import_pyshacl_lean() -> None:
    """Import pyshacl without running rdflib's SPARQL package ``__init__``, for a process that
    is one aigraph command (the CLI calls this before ``build``; a library user's process
    imports pyshacl as usual).

    pyshacl imports two light submodules of ``rdflib.plugins.sparql`` (``operators``,
    ``sparql``); the package's ``__init__`` also builds rdflib's SPARQL grammar with
    pyparsing and scans every installed package's entry points: about 40 ms of a 0.3 s
    build, for a parser the build never calls (its SPARQL runs on Oxigraph). While pyshacl
    is imported, a plain package module with the real ``__path__`` stands in for the
    package, so its submodules import as usual; then it is taken out of ``sys.modules``,
    and whatever needs rdflib's SPARQL later (``Graph.query``) imports the real package
    then, which finds those submodules already loaded.
    """
    import sys

    name = "rdflib.plugins.sparql"
    if "pyshacl" in sys.modules or name in sys.modules:
        return
    import importlib.util
    import types

    import rdflib.plugins

    spec = importlib.util.find_spec(name)
    if spec is None or spec.submodule_search_locations is None:  # pragma: no cover - another rdflib
        return
    stand_in = types.ModuleType(name)
    stand_in.__path__ = list(spec.submodule_search_locations)
    stand_in.__package__ = name
    sys.modules[name] = stand_in
    try:
        import pyshacl  # noqa: F401
    finally:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        if getattr(rdflib.plugins, "sparql", None) is stand_in:
            del rdflib.plugins.sparql


def to_rdflib(items: Iterable[ox.Triple | ox.Quad]):  # type: ignore[no-untyped-def]
    """Copy pyoxigraph triples (or the default graph of quads) into an rdflib Graph."""
    import rdflib

    cache: dict[object, Any] = {}  # terms repeat: convert (and check) each one once

    def convert(t):  # type: ignore[no-untyped-def]
        if isinstance(t, ox.NamedNode):
            return rdflib.URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return rdflib.BNode(t.value)
        if isinstance(t, ox.Literal):
            if t.language:
                return rdflib.Literal(t.value, lang=t.language)
            if t.datatype.value == _XSD_STRING:  # rdflib spells xsd:string as no datatype
                return rdflib.Literal(t.value)
            return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))
        if isinstance(t, ox.Triple):
            raise AigraphError("RDF 1.2 triple terms (<<( ... )>>) cannot be copied to rdflib")
        raise TypeError(f"unsupported term {t!r}")

    g = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)
    # Straight to the store: Graph.add only adds three isinstance checks (through
    # abc, slow) on terms made here; at 1e5 triples this loop is seconds.
    add, get = g.store.add, cache.get
    with _quiet_rdflib():
        for item in items:
            s, p, o = item.subject, item.predicate, item.object
            rs, rp, ro = get(s), get(p), get(o)
            if rs is None:
                rs = cache[s] = convert(s)
            if rp is None:
                rp = cache[p] = convert(p)
            if ro is None:
                ro = cache[o] = convert(o)
            add((rs, rp, ro), g, False)
    return g


@contextlib.contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Silence rdflib's logged tracebacks and warnings for literals it cannot convert to Python values.

    An ill-typed or huge literal (``"x"^^xsd:integer``, ``"yes"^^xsd:boolean``,
    5,000 digits) keeps its lexical form and is reported by :func:`ill_typed`;
    rdflib must not print a traceback or a raw ``UserWarning`` ("Parsing weird
    boolean") about it.
    """
    import warnings

    logger = logging.getLogger("rdflib.term")
    was = logger.disabled
    logger.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module="rdflib")
            yield
    finally:
        logger.disabled = was


_XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


_INTEGER = re.compile(r"[+-]?[0-9]+")
# Lexical forms that are valid whatever their length: checked here, not by rdflib
# (whose int() refuses more than 4,300 digits, and which costs microseconds a term).
_PLAIN_FORMS: dict[str, re.Pattern[str]] = {
    "string": re.compile(r"(?s).*"),
    "boolean": re.compile(r"true|false|1|0"),
    "decimal": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"),
    # Years beyond 1-9999 are valid XSD, but outside what rdflib (Python's datetime) reads.
    **dict.fromkeys(["date", "dateTime", "dateTimeStamp", "gYear", "gYearMonth"], re.compile(r"(?:-|0000|[0-9]{5}).*")),
    "integer": _INTEGER,  # the bounded integer types (xsd:byte ...) go to rdflib, which checks the range
}


def ill_typed(data: Iterable[ox.Triple | ox.Quad]) -> list[Result]:
    """A Violation for each triple whose object is an ill-typed XSD literal.

    ``"yes"^^xsd:boolean`` or ``"abc"^^xsd:integer`` is legal RDF, kept as written
    by every command; but its value is unknown (rdflib reads "yes" as false, with
    a warning), so validation says so, once per triple.
    """
    import rdflib

    checked: dict[tuple[str, str], bool] = {}
    out: list[Result] = []
    with _quiet_rdflib():
        for t in data:
            o = t.object
            if not isinstance(o, ox.Literal) or o.language or not o.datatype.value.startswith(_XSD):
                continue
            key = (o.value, o.datatype.value)
            bad = checked.get(key)
            if bad is None:
                plain = _PLAIN_FORMS.get(key[1][len(_XSD) :])
                if plain is not None and plain.fullmatch(o.value):
                    bad = False  # the common case, without rdflib (and no int() of 5,000 digits)
                else:
                    bad = bool(rdflib.Literal(o.value, datatype=rdflib.URIRef(key[1])).ill_typed)
                checked[key] = bad
            if bad:
                datatype = "xsd:" + key[1][len(_XSD) :]
                shown = o.value if len(o.value) <= 40 else o.value[:39] + "…"
                out.append(
                    Result(
                        focus=_text(t.subject),
                        path=t.predicate.value,
                        value=o.value,
                        message=f"ill-typed literal: {shown!r} is not a valid {datatype}, so its value is unknown",
                        severity="Violation",
                    )
                )
    return out


def validate_graph(
    items: Iterable[ox.Triple] | Iterable[ox.Quad], *, ontology: Iterable[ox.Triple | ox.Quad] = ()
) -> Report:
    """Check triples against shapes.ttl, reading the ontology's axioms alongside.

    ``ontology``: the quads of ontology extensions, read with aigraph's own
    (their domains and ranges are checked like aigraph's). The checks see the
    data and the merged ontology as one graph, as pyshacl's ``ont_graph`` does.

    SHACL Core runs in pyshacl; the shapes' SPARQL constraints (``sh:sparql``
    on node shapes) run on Oxigraph, each query once per focus node with
    ``$this`` pre-bound, and give results in pyshacl's form (focus node, path,
    value, message with ``{?var}`` filled in, severity).
    """
    from ..store.dataset import ontology_quads

    data: list[ox.Triple | ox.Quad] = list(items)
    onto: list[ox.Triple | ox.Quad] = [*ontology_quads(), *ontology]
    shapes = _shapes()
    # pyshacl makes many small objects and few cycles: the collector would walk
    # the whole rdflib graph again and again (10-20% of the time at 1e4 triples).
    paused = gc.isenabled()
    gc.disable()
    try:
        raw = run_pyshacl(data, onto, shapes.core) + _sparql_results(data, onto, shapes.constraints)
        raw += ill_typed([*data, *onto])
    finally:
        if paused:
            gc.enable()
    results = finish(raw, data)
    # As pyshacl with allow_warnings: only a Violation breaks conformance.
    conforms = not any(r.severity == "Violation" for r in results)
    return Report(conforms=conforms, results=results, triples=len(data))


def validate_graphs(
    graphs: Sequence[tuple[Sequence[ox.Triple], Sequence[ox.Triple | ox.Quad]]],
) -> Iterator[Report]:
    """``validate_graph(triples, ontology=extension)`` for each pair, in order: the same reports, in fewer passes.

    For a corpus, whose articles are each checked on its own: calling pyshacl
    and building an Oxigraph store once per article costs tens of
    milliseconds each time. Here the shapes (SHACL Core in pyshacl, the SPARQL
    constraints on Oxigraph) run once over the union of the articles that
    share the same extension quads, with the ontology, and every result is
    traced to the articles whose subjects it is about (all of them, if it
    names no one's subject). Those articles are checked again, each on its
    own, when their turn comes, and get exactly the report ``validate_graph``
    gives; the others conform, with no result.

    That is sound for graphs as the builder makes them, when the articles
    agree on their shared entities' labels and classes (the corpus checks that
    first): a provenance record's IRI belongs to one article (the corpus
    refuses ids that would merge records), so every shape about a record
    sees the same triples in the union as alone; a shared entity has the same
    label and class triples in every article that declares it; and the
    remaining whole-graph rules (every triple stated by a fact, every entity
    named and classed, every aig: term known) ask for something each
    article's own triples provide, so another article's triples can add
    answers but never take one away.
    """
    from ..store.dataset import ontology_quads

    shapes = _shapes()
    base = ontology_quads()
    groups: dict[tuple[ox.Triple | ox.Quad, ...], list[int]] = {}
    for i, (_, ext) in enumerate(graphs):
        groups.setdefault(tuple(ext), []).append(i)
    suspects: set[int] = set()
    paused = gc.isenabled()
    gc.disable()  # as in validate_graph: pyshacl makes many objects and few cycles
    try:
        for ext, members in groups.items():
            union: list[ox.Triple | ox.Quad] = [t for i in members for t in graphs[i][0]]
            onto: list[ox.Triple | ox.Quad] = [*base, *ext]
            raw = run_pyshacl(union, onto, shapes.core) + _sparql_results(union, onto, shapes.constraints)
            suspects |= _owners(raw, [(i, graphs[i][0]) for i in members])
    finally:
        if paused:
            gc.enable()
    for i, (data, ext) in enumerate(graphs):
        if i in suspects:
            yield validate_graph(data, ontology=ext)
        else:
            yield Report(conforms=True, results=[], triples=len(data))


def _owners(results: list[Result], members: list[tuple[int, Sequence[ox.Triple]]]) -> set[int]:
    """The articles whose subjects the results are about (every one, for a node that is no one's subject)."""
    if not results:
        return set()
    owner: dict[str, set[int]] = {}
    for i, data in members:
        for t in data:
            owner.setdefault(getattr(t.subject, "value", ""), set()).add(i)
    everyone = {i for i, _ in members}
    found: set[int] = set()
    for r in results:
        found |= owner.get(r.node, everyone)
    return found


def finish(raw: Iterable[Result], data: Iterable[ox.Triple | ox.Quad]) -> list[Result]:
    """Results as the report shows them: blank nodes by order of appearance, IRIs
    shortened in messages, sorted."""
    blank = _blank_names(data)
    results = [
        Result(
            focus=_name(r.focus, blank) or "",
            path=_name(r.path, blank),
            value=_name(r.value, blank),
            message=_name_blanks(_shorten_all(r.message), blank),
            severity=r.severity,
            source=r.source,
        )
        for r in raw
    ]
    results.sort(key=lambda r: (r.focus, r.path or "", r.value or "", r.message))
    return results


def _name(node: str | None, blank: dict[str, str]) -> str | None:
    return blank.get(node, node) if node else node


# ------------------------------------------------------------------ the shapes


@dataclass(frozen=True)
class Constraint:
    """One SPARQL constraint (``sh:sparql``) of a node shape, run by aigraph on Oxigraph."""

    shape: str
    query: str  # the sh:select text with PREFIX lines for the shape's sh:prefixes
    messages: tuple[str, ...]
    severity: str  # Violation, Warning or Info
    targets: tuple[tuple[str, Any], ...]  # (sh:targetNode etc., the IRI or literal)


@dataclass(frozen=True)
class Shapes:
    """shapes.ttl split in two: SHACL Core for pyshacl, SPARQL constraints for Oxigraph."""

    core: Any  # rdflib.Graph: every shape, without the sh:sparql triples aigraph runs itself
    constraints: tuple[Constraint, ...]


_SH = "http://www.w3.org/ns/shacl#"
_TARGETS = ("targetNode", "targetClass", "targetSubjectsOf", "targetObjectsOf")


@functools.lru_cache(maxsize=1)
def _shapes() -> Shapes:
    return split_shapes(resources.shapes().read_bytes())


def split_shapes(turtle: bytes) -> Shapes:
    """Take out of the shapes the SPARQL constraints aigraph runs on Oxigraph.

    Those are the ``sh:sparql`` SELECT constraints of node shapes whose focus
    nodes come from sh:targetNode, sh:targetClass, sh:targetSubjectsOf or
    sh:targetObjectsOf; anything else (a property shape's SPARQL constraint, a
    deactivated one, a SPARQL-based target) stays with pyshacl.

    The shapes are parsed by Oxigraph (rdflib's Turtle parser took 10 ms of
    every build) and the SHACL Core part copied into an rdflib graph for pyshacl.
    """
    triples = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))  # quads, all in the default graph
    objects: dict[tuple[Any, str], list[Any]] = {}  # (subject, predicate IRI) -> objects, in file order
    for t in triples:
        objects.setdefault((t.subject, t.predicate.value), []).append(t.object)

    def value(node: Any, name: str) -> Any:
        found = objects.get((node, _SH + name))
        return found[0] if found else None

    constraints: list[Constraint] = []
    taken: set[tuple[Any, Any]] = set()  # (shape, constraint) of the sh:sparql triples taken out
    pairs = [(t.subject, t.object) for t in triples if t.predicate.value == _SH + "sparql"]
    pairs.sort(key=lambda pair: pair[0].value)  # by shape; a shape's constraints in file order
    for shape, constraint in pairs:
        targets = [(t, o) for t in _TARGETS for o in objects.get((shape, _SH + t), [])]
        selects = objects.get((constraint, _SH + "select"), [])
        if (
            (shape, _SH + "path") in objects
            or (shape, _SH + "target") in objects
            or _RDFS_CLASS in objects.get((shape, _RDF_TYPE), [])
            or not targets
            or len(selects) != 1
            or _true(value(shape, "deactivated"))
            or _true(value(constraint, "deactivated"))
        ):
            continue
        declared = {}
        for source in objects.get((constraint, _SH + "prefixes"), []):
            for decl in objects.get((source, _SH + "declare"), []):
                prefix, ns = value(decl, "prefix"), value(decl, "namespace")
                if prefix is not None and ns is not None:
                    declared[prefix.value] = ns.value
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(declared.items()))
        severity = value(shape, "severity")
        constraints.append(
            Constraint(
                shape=shape.value,
                query=head + selects[0].value,
                messages=tuple(m.value for m in objects.get((constraint, _SH + "message"), [])),
                severity=(severity.value if severity is not None else _SH + "Violation").rsplit("#", 1)[-1],
                targets=tuple(targets),
            )
        )
        taken.add((shape, constraint))
    core = (t for t in triples if t.predicate.value != _SH + "sparql" or (t.subject, t.object) not in taken)
    return Shapes(core=to_rdflib(core), constraints=tuple(constraints))


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS_CLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#Class")


def _true(value: Any) -> bool:
    return value is not None and getattr(value, "value", None) in ("true", "1")


# ------------------------------------------------------------------ SHACL Core (pyshacl)


def run_pyshacl(data: list[ox.Triple | ox.Quad], onto: list[ox.Triple | ox.Quad], core: Any) -> list[Result]:
    """pyshacl's results for a shapes graph (rdflib), blank nodes by id.

    validate_graph gives it the SHACL Core part of the shapes; the tests give it
    all of them, SPARQL constraints included, to check that both ways agree.
    """
    import warnings

    import pyshacl
    import rdflib

    # The ontology goes into the data graph here rather than through pyshacl's
    # ont_graph, which mixes it into a copy of the data graph: the same graph, one copy less.
    data_graph = to_rdflib([*data, *onto])
    with warnings.catch_warnings(), _quiet_rdflib():
        warnings.simplefilter("ignore")  # pyshacl warns about unrelated deprecations
        try:
            _, results_graph, _ = pyshacl.validate(
                data_graph, shacl_graph=core, inference="none", allow_warnings=True
            )
        except RecursionError:
            raise AigraphError(
                "the data nests too deeply for the SHACL validator (pyshacl); nothing was checked"
            ) from None
    if not isinstance(results_graph, rdflib.Graph):  # pyshacl refused the shapes themselves
        raise AigraphError(f"the SHACL shapes cannot be used: {results_graph}")
    sh = rdflib.Namespace(_SH)
    results = []
    for node in results_graph.subjects(rdflib.RDF.type, sh.ValidationResult):

        def get(p, node=node):  # type: ignore[no-untyped-def]
            v = results_graph.value(node, p)
            return None if v is None else str(v)

        results.append(
            Result(
                focus=get(sh.focusNode) or "",
                path=get(sh.resultPath),
                value=get(sh.value),
                message=get(sh.resultMessage) or "constraint violated",
                severity=(get(sh.resultSeverity) or "Violation").rsplit("#", 1)[-1],
            )
        )
    return results


# ------------------------------------------------------------------ SPARQL constraints (Oxigraph)

# Oxigraph stores some literals by value and gives them back as xsd:integer
# ("5"^^xsd:int) or xsd:dateTime; a check comparing datatypes (the range rule)
# must see the datatype as written. These are renamed, literal datatypes and
# IRIs alike (a one-to-one renaming keeps every comparison), and named back.
_XSD = "http://www.w3.org/2001/XMLSchema#"
_RENAMED = {
    _XSD + name
    for name in (
        "long int short byte nonNegativeInteger positiveInteger nonPositiveInteger negativeInteger"
        " unsignedLong unsignedInt unsignedShort unsignedByte dateTimeStamp"
    ).split()
}
_SURROGATE = "urn:x-aigraph:datatype:"


def _encode(term: Any) -> Any:
    if isinstance(term, ox.Literal) and not term.language and term.datatype.value in _RENAMED:
        return ox.Literal(term.value, datatype=ox.NamedNode(_SURROGATE + term.datatype.value))
    if isinstance(term, ox.NamedNode) and term.value in _RENAMED:
        return ox.NamedNode(_SURROGATE + term.value)
    return term


def _text(term: Any) -> str:
    """A term as pyshacl spells it in results and messages: IRI, blank node id or lexical form."""
    value: str = term.value
    return value.removeprefix(_SURROGATE) if isinstance(term, ox.NamedNode) else value


_RENAMED_NODES = frozenset(ox.NamedNode(iri) for iri in _RENAMED)


def _store(data: list[ox.Triple | ox.Quad], onto: list[ox.Triple | ox.Quad]) -> ox.Store:
    """Data and ontology as one default graph, as pyshacl sees them."""

    def quads() -> Iterator[ox.Quad]:
        # Few triples hold a renamed datatype: test for one cheaply, encode only those.
        renamed, literal, quad = _RENAMED_NODES, ox.Literal, ox.Quad
        for part in (data, onto):
            for t in part:
                s, p, o = t.subject, t.predicate, t.object
                if (o.datatype in renamed if type(o) is literal else o in renamed) or s in renamed or p in renamed:
                    yield quad(_encode(s), _encode(p), _encode(o))
                else:
                    yield quad(s, p, o)

    store = ox.Store()
    store.bulk_extend(quads())  # an in-memory store: no transaction to keep
    return store


_TARGET_QUERIES = {
    "targetClass": "SELECT DISTINCT ?x WHERE {{ ?x a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {} }}",
    "targetSubjectsOf": "SELECT DISTINCT ?x WHERE {{ ?x {} ?o }}",
    "targetObjectsOf": "SELECT DISTINCT ?x WHERE {{ ?s {} ?x }}",
}
_PLACEHOLDER = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def _fill(message: str, values: dict[str, str]) -> str:
    """``{?var}`` and ``{$var}`` replaced by the variable's value, as pyshacl does."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), message)


def _focus_nodes(store: ox.Store, constraint: Constraint) -> list[Any]:
    nodes: dict[Any, None] = {}
    for kind, target in constraint.targets:
        if kind == "targetNode":
            nodes[_encode(target)] = None
            continue
        for row in store.query(_TARGET_QUERIES[kind].format(_encode(target))):  # type: ignore[union-attr]
            nodes[row[0]] = None
    return list(nodes)


def _sparql_results(
    data: list[ox.Triple | ox.Quad], onto: list[ox.Triple | ox.Quad], constraints: Iterable[Constraint]
) -> list[Result]:
    """Run each SPARQL constraint on Oxigraph once per focus node, ``$this`` pre-bound."""
    constraints = list(constraints)
    if not constraints:
        return []
    store = _store(data, onto)
    this = ox.Variable("this")
    results: list[Result] = []
    for constraint in constraints:
        for focus in _focus_nodes(store, constraint):
            try:
                solutions = store.query(constraint.query, substitutions={this: focus})
            except (SyntaxError, ValueError, OSError, RuntimeError) as exc:
                raise AigraphError(
                    f"the SHACL shapes cannot be used: {constraint.shape}: {' '.join(str(exc).split())}"
                ) from None
            names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
            seen: set[tuple[Any, ...]] = set()
            for solution in solutions:  # type: ignore[union-attr]
                bound = {n: solution[n] for n in names if solution[n] is not None}
                failure = bound.pop("failure", None)
                t, p, v = bound.pop("this", None), bound.pop("path", None), bound.pop("value", None)
                key = (failure is not None, None, None, None) if failure is not None else (
                    False, t, p, v, tuple(sorted(bound.items(), key=lambda kv: kv[0]))
                )
                if key in seen:
                    continue
                seen.add(key)
                if failure is not None:
                    t = p = None
                v = v if v is not None else focus  # a node shape's value is its focus node
                fill = {**{n: _text(x) for n, x in bound.items()}, "value": _text(v)}
                if t is not None:
                    fill["this"] = _text(t)
                if p is not None:
                    fill["path"] = _text(p)
                # One result per solution, with the first message (the report shows one).
                message = (constraint.messages or ("constraint violated",))[0]
                results.append(
                    Result(
                        focus=_text(t if t is not None else focus),
                        path=_text(p) if p is not None else None,
                        value=_text(v),
                        message=_fill(message, fill),
                        severity=constraint.severity,
                    )
                )
    return results


def validate_files(paths: Iterable[str | Path], *, ontology: Sequence[str | Path] = ()) -> Report:
    """Parse RDF files strictly and validate their union (with ``ontology`` extension files)."""
    from ..rdfio import read_rdf

    quads: list[ox.Quad] = []
    for p in paths:
        read = read_rdf(p)
        if any(isinstance(t, ox.Triple) for q in read for t in (q.subject, q.object)):
            raise AigraphError(
                "holds RDF 1.2 triple terms (<<( ... )>>), which the SHACL validator cannot read",
                path=p,
            )
        quads.extend(read)
    report = validate_graph(quads, ontology=_extension_quads(ontology))
    return _locate_ill_typed(report, [Path(p) for p in paths])


def _locate_ill_typed(report: Report, paths: list[Path], most: int = 100) -> Report:
    """Ill-typed literal findings with the file and line where the literal is written
    (its lexical form in quotes, as Turtle, N-Triples and JSON-LD write it, or
    between tags in RDF/XML); the first ``most`` of them, each at its first place."""
    import dataclasses
    import json

    from ..files import read_input

    texts: dict[Path, bytes] = {}
    located: list[Result] = []
    for r in report.results:
        if most > 0 and r.message.startswith("ill-typed literal") and r.value is not None:
            most -= 1
            for path in paths:
                if path not in texts:
                    try:
                        texts[path] = read_input(path)
                    except AigraphError:
                        texts[path] = b""
                data = texts[path]
                for needle in (json.dumps(r.value, ensure_ascii=False), f">{r.value}<"):
                    spelled = needle.encode("utf-8")
                    at = data.find(spelled)
                    if at >= 0:  # one place: its line; several: which triple is which, the text cannot say
                        line = data.count(b"\n", 0, at) + 1
                        places = data.count(spelled)
                        more = f", the first of {places:,} places spelling it so" if places > 1 else ""
                        r = dataclasses.replace(r, source=f"{path}:{line}{more}")
                        break
                if r.source:
                    break
        located.append(r)
    return dataclasses.replace(report, results=located)


def _extension_quads(paths: Sequence[str | Path]) -> list[ox.Quad]:
    if not paths:
        return []
    from ..facts.extensions import load_extensions

    return load_extensions(paths).quads
