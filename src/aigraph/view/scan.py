"""The scan: one pass over RDF triples (a parser's stream, read once and not kept) into the
logs the fold works into nodes and edges (:mod:`aigraph.view.fold`).

Each triple is logged by what its predicate means to the fold, worked out once per predicate:
a type, a label or other literal value, a reified part, quote or evidence sentence of a
statement, a vocabulary axiom, or a relation between two resources. The logs are lists of
strings in the order read, so that the scans of two parts of a file (:mod:`aigraph.view.split`)
merge into the scan of the whole. Also here: how the view names resources (:func:`node_id`,
:func:`short`, :func:`local_name`).
"""

from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyoxigraph as ox

from ..namespaces import AIG, DCTERMS, OWL, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, XSD
from .checked import Iris, Labels, LiteralCheck, check_logs

# Properties that name a resource, best first; the others' values stay as attributes.
_LABELS = (RDFS + "label", SKOS + "prefLabel", SCHEMA + "name", "http://xmlns.com/foaf/0.1/name", DCTERMS + "title")
_REIFICATION = {RDF + "subject": "subject", RDF + "predicate": "predicate", RDF + "object": "object"}
_PROVENANCE_CLASSES = {RDF + "Statement", AIG + "Fact", AIG + "Sentence", AIG + "Article"}
# Of those, the classes whose resources the view only hides (an article is also a document,
# with a title): the scan keeps a set of their resources instead of logging each type.
_HIDDEN_CLASSES = {RDF + "Statement", AIG + "Fact", AIG + "Sentence"}
_SH = "http://www.w3.org/ns/shacl#"
_XSD_STRING = XSD + "string"

# Types that make a resource part of a vocabulary (a class, a property, an ontology, a shape):
# it names things rather than being one, so it is read for labels and not drawn. Each maps
# to the OWL kind its label is read as.
_VOCABULARY: dict[str, str] = {
    OWL + "Class": OWL + "Class",
    RDFS + "Class": OWL + "Class",
    RDFS + "Datatype": OWL + "Class",
    OWL + "Restriction": OWL + "Class",
    OWL + "DeprecatedClass": OWL + "Class",
    OWL + "ObjectProperty": OWL + "ObjectProperty",
    OWL + "DatatypeProperty": OWL + "DatatypeProperty",
    RDF + "Property": OWL + "ObjectProperty",
    OWL + "AnnotationProperty": OWL + "ObjectProperty",
    OWL + "OntologyProperty": OWL + "ObjectProperty",
    OWL + "DeprecatedProperty": OWL + "ObjectProperty",
    RDFS + "ContainerMembershipProperty": OWL + "ObjectProperty",
    **{
        OWL + c + "Property": OWL + "ObjectProperty"
        for c in (
            "Transitive",
            "Symmetric",
            "Asymmetric",
            "Functional",
            "InverseFunctional",
            "Reflexive",
            "Irreflexive",
        )
    },  # fmt: skip
    OWL + "Ontology": "",
    OWL + "AllDisjointClasses": "",
    OWL + "AllDisjointProperties": "",
    OWL + "AllDifferent": "",
    _SH + "NodeShape": "",
    _SH + "PropertyShape": "",
}
# Predicates that state a vocabulary (class and property axioms, OWL and SHACL structure):
# their subjects are vocabulary, and they are never drawn.
_SCHEMA_PREDICATES = {RDFS + p for p in ("subClassOf", "subPropertyOf", "domain", "range", "isDefinedBy")} | {
    OWL + p
    for p in (
        "inverseOf", "equivalentClass", "equivalentProperty", "disjointWith", "propertyDisjointWith",
        "onProperty", "someValuesFrom", "allValuesFrom", "hasValue", "onClass", "onDataRange", "cardinality",
        "minCardinality", "maxCardinality", "qualifiedCardinality", "minQualifiedCardinality",
        "maxQualifiedCardinality", "unionOf", "intersectionOf", "complementOf", "oneOf", "members",
        "distinctMembers", "imports", "versionIRI", "priorVersion", "propertyChainAxiom", "disjointUnionOf",
        "hasKey", "withRestrictions", "onDatatype",
    )
}  # fmt: skip


def node_id(term: ox.NamedNode | ox.BlankNode | ox.Triple | ox.Literal) -> str:
    """The NetworkX node key of an RDF resource: its IRI, or ``_:id`` for a blank node (a literal
    where a resource should be: its N-Triples form)."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term)


def short(iri: str) -> str:
    """``aig:memberOf`` for a known namespace, else the IRI's last segment."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and iri[len(ns) :] and "/" not in iri[len(ns) :]:
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


@cache
def short_iri(iri: str) -> str:
    """:func:`short`, remembered: a page asks for the same few IRIs thousands of times."""
    return short(iri)


def local_name(iri: str) -> str:
    tail = iri.rstrip("/#")
    for sep in ("#", "/", ":"):
        tail = tail.rsplit(sep, 1)[-1]
    return tail or iri


def _triples(items: Iterable[Any]) -> list[ox.Quad | ox.Triple]:
    """pyoxigraph quads or triples as they are; an rdflib graph's triples converted."""
    if isinstance(items, list | tuple) and all(isinstance(t, ox.Quad | ox.Triple) for t in items[:1]):
        return list(items)
    out: list[ox.Quad | ox.Triple] = []
    for t in items:
        if isinstance(t, ox.Quad | ox.Triple):
            out.append(t)
        elif isinstance(t, tuple) and len(t) in (3, 4):
            s, p, o = (_from_rdflib(x) for x in t[:3])
            if not isinstance(s, ox.NamedNode | ox.BlankNode) or not isinstance(p, ox.NamedNode):
                raise TypeError(f"not an RDF triple: {t!r}")
            out.append(ox.Triple(s, p, o))
        else:
            raise TypeError(
                f"expected pyoxigraph quads or triples, or an rdflib Graph; got {type(t).__name__} {t!r:.80}"
            )
    return out


def _from_rdflib(term: Any) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term (URIRef, BNode, Literal) as a pyoxigraph term."""
    kind = type(term).__name__
    module = type(term).__module__
    if not module.startswith("rdflib"):
        raise TypeError(f"not an RDF term: {term!r:.80}")
    if kind == "URIRef":
        return ox.NamedNode(str(term))
    if kind == "BNode":
        return ox.BlankNode(str(term))
    if kind == "Literal":
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r:.80}")




def _iter_triples(items: Iterable[Any]) -> Iterable[ox.Quad | ox.Triple]:
    """``items`` one at a time: pyoxigraph quads or triples as they come (a parser's stream
    is never made a list), anything else through :func:`_triples`."""
    if isinstance(items, list | tuple) or not isinstance(items, Iterator):
        return _triples(items)
    first = next(items, None)
    if first is None:
        return []
    if not isinstance(first, ox.Quad | ox.Triple):
        return _triples(itertools.chain([first], items))
    return itertools.chain([first], items)


# The triples that say what a named resource is and what it is called: the ontology terms the
# data declares are read from them (see aigraph.view.fold._with_declared), and the view's title.
_DESCRIBING = {RDF + "type", RDFS + "label", RDFS + "comment", RDFS + "domain", RDFS + "range",
               RDFS + "subClassOf", RDFS + "subPropertyOf", DCTERMS + "title", SCHEMA + "headline",
               SCHEMA + "name"}  # fmt: skip
# Of the rdf:type triples, only these say what a term is (or that a resource is a document
# with a title): typing each of a million facts and sentences is not kept.
DOCUMENT_CLASSES = {AIG + "Article", SCHEMA + "NewsArticle", SCHEMA + "Article", OWL + "Ontology"}
_DESCRIBING_TYPES = {*_VOCABULARY, *DOCUMENT_CLASSES}


# What a predicate is to the fold (see _predicate_info).
_OTHER, _REIFIES, _SCHEMA, _QUOTE, _VALUE, _LABEL, _EVIDENCE, _QUOTED, _TYPE = range(9)
_CODES = {AIG + "quote": _QUOTE, PROV + "value": _VALUE, AIG + "evidence": _EVIDENCE,
          PROV + "wasQuotedFrom": _QUOTED, RDF + "type": _TYPE}  # fmt: skip
_PART = {"subject": 0, "predicate": 1, "object": 2}  # where a statement keeps each reified part


def _predicate_info(p: str) -> tuple[str, int, bool, Any]:
    """``(p, code, describes, extra)`` for :func:`~aigraph.view.fold.fold`: which branch its triples take, whether
    they describe a resource (kept for the vocabulary and title), and the reification part
    (0 subject, 1 predicate, 2 object) or the label rank that goes with the code. A label's
    triples are not kept: its literal values are logged anyway, and the finish makes the few it
    needs again from the log (see :func:`aigraph.view.fold._label_triple`)."""
    describes = p in _DESCRIBING and p not in _LABELS
    if p in _REIFICATION:
        return p, _REIFIES, describes, _PART[_REIFICATION[p]]
    if p in _SCHEMA_PREDICATES:
        return p, _SCHEMA, describes, None
    if p in _LABELS:
        return p, _LABEL, describes, _LABELS.index(p)
    return p, _CODES.get(p, _OTHER), describes, None



Statement = list[Any]
"""A statement (reified triple) as the scan groups it: [subject, predicate, object, quotes,
evidence]. The parts are the strings of the triple it reifies (a literal object: its value):
None while not stated, "" for a predicate that is not an IRI, the last one read counts; the
quotes and evidence sentences in the order read."""


def merge_statements(statements: dict[str, Statement], later: dict[str, Statement]) -> None:
    """Add the statements read after ``statements`` (those of a later part of the stream), as
    if read in one pass: a statement in both keeps its first place, the later parts count and
    the later quotes and sentences come after."""
    for key in statements.keys() & later.keys():  # a statement cut in two by a part's end (rare)
        first, then = statements[key], later[key]
        later[key] = [
            first[0] if then[0] is None else then[0],
            first[1] if then[1] is None else then[1],
            first[2] if then[2] is None else then[2],
            first[3] + then[3],
            first[4] + then[4],
        ]
    statements.update(later)
_LABEL_TAG = "\x01"
"""Starts the tag of a label in :attr:`Scan.values`, followed by its rank (two digits, best
lowest): no language or datatype shown starts so (IRIs hold no control characters)."""


@dataclass
class Scan:
    """What one pass over some triples gathers for :func:`~aigraph.view.fold.fold`, mostly as logs in the order
    read: lists of strings, cheap to send from a worker process (one scans each part of a
    file, see :mod:`aigraph.view.split`).

    The scans of consecutive parts of one stream :meth:`merge` into the scan of the whole:
    a log of the whole is the logs of the parts one after the other, and everything that
    depends on order (the best label, the last rdf:subject of a statement) is worked out
    from the logs once the whole stream is read (see :func:`aigraph.view.fold._finish`).
    """

    kept: list[Any] = field(default_factory=list)
    """Triples that describe a named resource (see _DESCRIBING): pyoxigraph triples here, or
    (subject, predicate, :func:`_portable` object) from a worker."""
    declared: set[str] = field(default_factory=set)
    vocab: set[str] = field(default_factory=set)
    vocab_objects: dict[str, list[str]] = field(default_factory=dict)
    nodes: dict[str, None] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    # The logs: parallel lists, one entry a triple.
    typed: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    """rdf:type: each typed resource and its class (but for :data:`_HIDDEN_CLASSES`)."""
    hidden: set[str] = field(default_factory=set)
    """Resources typed with one of :data:`_HIDDEN_CLASSES` (facts, statements and sentences:
    a third of a million triples' types, never drawn, so never grouped by resource)."""
    valued: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    """Literal values: subject, property (short name; a label's full IRI), value, and the
    literal's language or datatype as shown (a label's with its rank first, see _LABEL_TAG)."""
    datatypes: dict[str, str] = field(default_factory=dict)
    """Each literal datatype as :attr:`tags` shows it, and its IRI."""
    statements: dict[str, Statement] = field(default_factory=dict)
    """Reified statements, grouped as read (a fact's triples come together: the scan looks a
    statement up only when the subject changes, where grouping a log of them after the merge
    cost 0.08 s of one core at a million triples). See :data:`Statement`."""
    sentences: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    """prov:value of each resource that has one (the last one counts)."""
    quoting: list[str] = field(default_factory=list)
    quoted: list[str] = field(default_factory=list)
    """prov:wasQuotedFrom: each sentence and its document (the last one counts)."""

    LOGS = ("typed", "types", "valued", "names", "values", "tags", "sentences", "texts",
             "quoting", "quoted")  # fmt: skip

    def merge(self, later: Scan) -> Scan:
        """This scan followed by ``later``'s (the part of the stream read after this one's)."""
        self.kept += later.kept
        self.declared |= later.declared
        self.vocab |= later.vocab
        self.hidden |= later.hidden
        self.datatypes = {**later.datatypes, **self.datatypes}
        for key, found in later.vocab_objects.items():
            self.vocab_objects.setdefault(key, []).extend(found)
        self.nodes.update(later.nodes)
        if later.edges:
            seen = set(self.edges)
            self.edges += [e for e in later.edges if e not in seen]
        for name in self.LOGS:
            getattr(self, name).extend(getattr(later, name))
        merge_statements(self.statements, later.statements)
        return self


def scan(items: Iterable[ox.Quad | ox.Triple] | Any, *, checked: bool = False) -> Scan:
    """One pass over RDF triples or quads (a parser's stream is read once and not kept).

    ``checked``: the triples come from Oxigraph's lenient N-Triples parser, and each term is
    checked as its strict parser checks it, each distinct one once (see :mod:`aigraph.view.checked`).
    """
    triples = _iter_triples(items)  # quads and triples both have subject, predicate and object
    found = Scan()
    kinds = _DESCRIBING_TYPES
    kept = found.kept
    declared = found.declared  # classes and properties the data declares (see fold._with_declared)
    vocab = found.vocab  # resources that are vocabulary: not drawn
    vocab_objects: dict[str, list[str]] = defaultdict(list)  # what vocabulary points at (blank nodes)
    edges = found.edges
    seen_edges: set[tuple[str, str, str]] = set()
    nodes = found.nodes
    # The logs, appended to one entry a triple: grouped by resource after the whole stream is
    # read (a million triples' sentences each have values that are never shown).
    typed, types, hide = found.typed.append, found.types.append, found.hidden.add
    valued, names, values, tags = found.valued.append, found.names.append, found.values.append, found.tags.append
    statements = found.statements
    stated: str | None = None  # the statement last read, and its parts
    parts: Statement = []
    sentences, texts = found.sentences.append, found.texts.append
    quoting, quoted = found.quoting.append, found.quoted.append

    shorts: dict[str, str] = {}
    # class -> its IRI, whether its triples are kept, and whether its resources are only hidden
    type_iris: dict[ox.NamedNode, tuple[str, bool, bool]] = {}
    literal, named, blank = ox.Literal, ox.NamedNode, ox.BlankNode
    # What each predicate means to the fold, worked out once per predicate (a few dozen in a
    # million triples) and looked up by the parser's NamedNode itself: no string is made for a
    # predicate, and each triple takes one branch (the Python per triple is the fold's cost).
    predicates: dict[ox.NamedNode, tuple[str, int, bool, Any]] = {}
    # A literal's language or datatype as shown, one string each.
    tag_of: dict[ox.NamedNode, str] = {}
    language_tags: dict[str, str] = {}
    # Each subject, predicate and object is a new str per triple: interned, the logs share one
    # per resource (a fifth of the fold's memory at a million triples). Checked, an IRI is
    # checked the first time it is interned, as the strict parser checks it; ``label`` interns
    # the other resources (blank nodes, and what :func:`node_id` makes of other terms).
    intern, label = (Iris().__getitem__, Labels().__getitem__) if checked else (sys.intern, sys.intern)
    check_literal = LiteralCheck() if checked else None
    for t in triples:
        subject, pn = t.subject, t.predicate
        info = predicates.get(pn)
        if info is None:
            info = predicates[pn] = _predicate_info(intern(pn.value))
        p, code, describes, extra = info
        if type(subject) is named:
            s = intern(subject.value)
            if describes and code != _TYPE:  # a type is kept below, if it says what a term is
                kept.append(t)
        else:
            s = label(node_id(subject))
        o = t.object
        if code == _REIFIES:
            if check_literal is not None and type(o) is literal:
                check_literal(o)
            if s is not stated:
                stated = s
                parts = statements.get(s) or statements.setdefault(s, [None, None, None, [], []])
            if extra == 1:  # a predicate that is not an IRI states nothing drawn
                if type(o) is named:
                    parts[1] = intern(o.value)
                else:
                    if checked and type(o) is not literal:
                        label(node_id(o))  # a blank node, or (refused) a triple term
                    parts[1] = ""
            elif extra == 2 and type(o) is literal:
                parts[2] = o.value
            else:
                parts[extra] = intern(o.value) if type(o) is named else label(node_id(o))
            continue
        if code == _SCHEMA:
            vocab.add(s)
            if type(o) is blank:
                vocab_objects[s].append(node_id(o))
            elif check_literal is not None:  # not kept, but checked all the same
                if type(o) is literal:
                    check_literal(o)
                else:
                    intern(o.value) if type(o) is named else label(node_id(o))
            continue
        if type(o) is literal:
            if code == _QUOTE:
                if check_literal is not None:
                    check_literal(o)
                if s is not stated:
                    stated = s
                    parts = statements.get(s) or statements.setdefault(s, [None, None, None, [], []])
                parts[3].append(o.value)
                continue
            value = o.value
            if code == _VALUE:
                sentences(s)
                texts(value)
            language = o.language
            if language:  # its datatype says no more
                tag = language_tags.get(language)
                if tag is None:
                    if check_literal is not None:
                        check_literal(o)
                    tag = language_tags[language] = "@" + language
            else:
                datatype = o.datatype
                tag = tag_of.get(datatype)
                if tag is None:
                    if check_literal is not None:
                        check_literal(o)
                    tag = tag_of[datatype] = "" if datatype.value == _XSD_STRING else short(datatype.value)
                    found.datatypes.setdefault(tag, datatype.value)
            valued(s)
            values(value)
            if code == _LABEL:
                english = not language or (lower := language.lower()) == "en" or lower.startswith("en-")
                names(p)
                tags(_label_tags[extra][english] + tag)
            else:
                name = shorts.get(p)
                if name is None:
                    name = shorts[p] = short(p)
                names(name)
                tags(tag)
            nodes.setdefault(s)
            continue
        if code == _EVIDENCE:
            if s is not stated:
                stated = s
                parts = statements.get(s) or statements.setdefault(s, [None, None, None, [], []])
            parts[4].append(intern(o.value) if type(o) is named else label(node_id(o)))
            continue
        if code == _QUOTED:
            quoting(s)
            quoted(intern(o.value) if type(o) is named else label(node_id(o)))
            continue
        if code == _TYPE and type(o) is named:
            known = type_iris.get(o)
            if known is None:  # one string per class, not per node
                iri = intern(o.value)
                known = type_iris[o] = (iri, iri in kinds or iri.startswith(OWL), iri in _HIDDEN_CLASSES)
            type_iri, keep, hidden = known
            if keep and type(subject) is named:
                kept.append(t)
            if hidden:
                hide(s)
                continue
            typed(s)
            types(type_iri)
            if type_iri in _VOCABULARY:
                vocab.add(s)
                if _VOCABULARY[type_iri] and type(subject) is named:
                    declared.add(s)
            nodes.setdefault(s)
            continue
        target = intern(o.value) if type(o) is named else label(node_id(o))
        if type(o) is blank:
            vocab_objects[s].append(target)
        key = (s, p, target)
        if key not in seen_edges:
            seen_edges.add(key)
            edges.append(key)
        nodes.setdefault(s)
        nodes.setdefault(target)
    found.vocab_objects = dict(vocab_objects)
    if checked:
        check_logs(found.values)  # a statement's literals are each checked as read
    return found


# A label's tag prefix by its property's rank and whether it is in English (or untagged).
_label_tags = [(f"{_LABEL_TAG}{rank}1", f"{_LABEL_TAG}{rank}0") for rank in range(len(_LABELS))]


def _portable(term: Any) -> str:
    """A kept triple's object as one string (see :func:`_term`), for a worker to send."""
    if type(term) is ox.NamedNode:
        return "n" + term.value
    if type(term) is ox.BlankNode:
        return "b" + term.value
    if type(term) is ox.Literal:
        return f"l{term.language or ''}\x02{term.datatype.value}\x02{term.value}"
    raise TypeError(f"cannot send {term!r:.80}")  # a triple term: the caller folds in one pass


def _term(text: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term :func:`_portable` made ``text`` of."""
    if text[0] == "n":
        return ox.NamedNode(text[1:])
    if text[0] == "b":
        return ox.BlankNode(text[1:])
    language, datatype, value = text[1:].split("\x02", 2)
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype))


def portable(found: Scan) -> Scan:
    """``found`` with its kept triples as ``(subject, predicate, object)`` strings (see
    :func:`_portable`), to send to another process."""
    found.kept = [(t.subject.value, t.predicate.value, _portable(t.object)) for t in found.kept]
    return found
