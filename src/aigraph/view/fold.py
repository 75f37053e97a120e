"""The fold: RDF into one node per resource and one edge per relation, provenance folded in,
as plain dicts and tuples (no graph library: :mod:`aigraph.view.netx` makes a NetworkX graph
of it, the page draws it).

``rdf:type``, labels and literal values become node attributes; reified
statements (``rdf:Statement`` / ``aig:Fact``) and the sentences they cite
become each edge's ``evidence`` and ``quotes``; nothing is drawn twice. A parser's
stream is read once (:func:`aigraph.view.scan.scan`), and its logs are worked into nodes and edges
(:func:`fold`).
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyoxigraph as ox

from ..namespaces import OWL, RDF
from ..ontology import Ontology, from_quads, load_ontology
from .scan import (
    _DESCRIBING,
    _LABEL_TAG,
    _LABELS,
    _PROVENANCE_CLASSES,
    _VOCABULARY,
    _XSD_STRING,
    DOCUMENT_CLASSES,
    Scan,
    _term,
    local_name,
    scan,
    short,
)


def _with_declared(onto: Ontology, triples: list[ox.Quad | ox.Triple], declared: set[str]) -> Ontology:
    """``onto`` plus the terms ``declared`` (IRIs typed as classes or properties) in ``triples``."""
    if not declared:
        return Ontology(quads=[], terms=dict(onto.terms))
    # Only declared resources can be terms: read just their triples, each kind of declaration
    # as the OWL one it amounts to (an rdfs:Class is read as an owl:Class).
    rdf_type = RDF + "type"
    quads = []
    for t in triples:
        if not (isinstance(t.subject, ox.NamedNode) and t.subject.value in declared):
            continue
        o = t.object
        if t.predicate.value == rdf_type and isinstance(o, ox.NamedNode) and _VOCABULARY.get(o.value):
            quads.append(ox.Quad(t.subject, t.predicate, ox.NamedNode(_VOCABULARY[o.value])))
        quads.append(ox.Quad(t.subject, t.predicate, o))
    local = from_quads(quads)
    return Ontology(quads=[], terms={**onto.terms, **local.terms})


@dataclass
class Folded:
    """What :func:`to_networkx` builds, as plain data (the view needs no graph library).

    ``nodes`` maps node id to attributes, in order; ``edges`` holds
    ``(source, target, predicate, attributes)`` in the order they were added;
    ``vocabulary`` is the ontology they were read with, plus the data's own terms.
    """

    nodes: dict[str, dict[str, Any]]
    edges: list[tuple[str, str, str, dict[str, Any]]]
    vocabulary: Ontology
    sources: dict[tuple[str, str, str], list[tuple[int, list[str]]]] = field(default_factory=dict)
    """Per stated triple ``(s, p, o)`` (``o`` a literal's value for a value fact): the articles
    that state it, each by its number in :attr:`articles` (``-1``, last: sentences that name no
    article), in that order, with its sentences (see :func:`_finish`). Numbers, as the page
    sends them: numbering 62,000 relations' lists again cost the page 0.2 s at a million triples."""
    articles: dict[str, dict[str, str]] = field(default_factory=dict)
    """The articles those sentences are quoted from: id -> title, date and url, oldest first."""
    mentions: tuple[list[str], list[int]] = field(default=([], []), repr=False, compare=False)
    """Of several :attr:`articles`: the subject and object of each statement that names one,
    and that article's number, once a statement (a pair of ends to a number: see
    :meth:`aigraph.view.corpus.Corpus.node_articles`, which makes the page's article filter)."""
    edge_sources: list[list[tuple[int, list[str]]]] = field(default_factory=list)
    """Of several :attr:`articles`: each edge's :attr:`sources`, in :attr:`edges` order."""
    values_stated: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    """Of several :attr:`articles`: each node's stated triples that are not drawn and not its
    class (its values), in :attr:`sources` order."""
    _documents: tuple[list[Any], list[tuple[str, str, str, str]], dict[str, str]] = field(
        default=([], [], {}), repr=False, compare=False
    )
    """What :meth:`described` makes its triples of: kept triples (or a worker's strings), logged
    label values and the datatypes they name."""

    def described(self) -> list[ox.Quad | ox.Triple]:
        """The triples that describe documents (articles, ontologies: their types and titles),
        in the order read. Made when asked: the view of a corpus, titled by its count of
        articles, never asks (a type and a title or two of each of 6,592 articles at a million
        triples: about 0.1 s)."""
        kept, rows, datatypes = self._documents
        return [_kept_triple(t) for t in kept] + [_label_triple(row, datatypes) for row in rows]

    def edges_by_source(self) -> list[tuple[str, str, str, dict[str, Any]]]:
        """The edges in the order ``MultiDiGraph.edges`` lists them: by source, then target
        (each source's targets in the order first linked)."""
        return list(map(self.edges.__getitem__, self.edge_order()))

    def edge_order(self) -> list[int]:
        """The positions in :attr:`edges` of :meth:`edges_by_source`'s edges."""
        edges = self.edges
        rank = dict(zip(self.nodes, range(len(self.nodes)), strict=False))
        # By source, each source's edges in the order read: a stable sort by the source's place
        # (with C loops: a dict of lists per source cost 0.05 s at 62,000 edges).
        by_rank = list(map(rank.get, map(_source, edges), itertools.repeat(-1)))
        order = sorted(range(len(edges)), key=by_rank.__getitem__)
        if order and by_rank[order[0]] < 0:  # an edge from no node is not listed
            order = [j for j in order if by_rank[j] >= 0]
        ends = list(map(_ends, edges))
        if len(set(ends)) == len(ends):
            return order
        # Where a target comes back, a source's edges go by target (first linked first).
        again = {rank.get(s, -1) for (s, _t), count in Counter(ends).items() if count > 1} - {-1}
        ranks = list(map(by_rank.__getitem__, order))
        for r in again:
            lo, hi = bisect.bisect_left(ranks, r), bisect.bisect_right(ranks, r)
            by_target: dict[str, list[int]] = {}
            for j in order[lo:hi]:
                by_target.setdefault(edges[j][1], []).append(j)
            order[lo:hi] = [j for same in by_target.values() for j in same]
        return order


_source, _ends = operator.itemgetter(0), operator.itemgetter(0, 1)
_cites = operator.itemgetter(4)  # a statement's evidence sentences (see Statement)




def fold(
    items: Iterable[ox.Quad | ox.Triple] | Any,
    ontology: Ontology | None = None,
    *,
    described: list[ox.Quad | ox.Triple] | None = None,
    keep: list[object] | None = None,
) -> Folded:
    """The nodes and edges :func:`to_networkx` makes of some RDF, as plain dicts and tuples.

    ``items`` may be a parser's stream: it is read once, in one pass, and not kept (or a
    :class:`Scan` of it already made, which this uses up). The triples that describe documents (articles,
    ontologies: their types and titles) are added to ``described`` when given (the view
    finds its title there). The fold's working tables go to ``keep`` when given, instead of
    being freed (a process about to end need not: 0.04 s at a million triples).
    """
    found = items if isinstance(items, Scan) else scan(items)
    graph = _finish(found, ontology, keep)
    if described is not None:
        described += graph.described()
    return graph


def _finish(found: Scan, ontology: Ontology | None, keep: list[object] | None = None) -> Folded:
    edges, nodes, declared = found.edges, found.nodes, found.declared
    # The logs, read into one entry per resource (each log dropped once read: peak memory).
    types: dict[str, list[str]] = {}
    # Provenance (facts, sentences, articles: not drawn) and documents (titles), by their
    # classes, each class looked up once.
    kinds: dict[str, int] = {}
    typed_provenance: set[str] = found.hidden
    typed_document: set[str] = set()
    for s, class_iri in zip(found.typed, found.types, strict=True):
        known = types.get(s)
        if known is None:
            types[s] = [class_iri]
        else:
            known.append(class_iri)
        kind = kinds.get(class_iri)
        if kind is None:
            kind = kinds[class_iri] = (class_iri in _PROVENANCE_CLASSES) + 2 * (class_iri in DOCUMENT_CLASSES)
        if kind:
            if kind & 1:
                typed_provenance.add(s)
            if kind & 2:
                typed_document.add(s)
    found.typed, found.types = [], []
    statements, found.statements = found.statements, {}
    sentence_text = dict(zip(found.sentences, found.texts, strict=True))
    quoted_from = dict(zip(found.quoting, found.quoted, strict=True))
    found.sentences, found.texts, found.quoting, found.quoted = [], [], [], []
    # Only declared resources can be terms, and only documents have titles: of the kept
    # triples, read just theirs. The terms' make the data's vocabulary now (a worker's come as
    # strings: made triples again only now); the documents' are kept as they are, for
    # Folded.described, which makes them triples if asked.
    terms: list[ox.Quad | ox.Triple] = []
    document_kept: list[Any] = []
    for t in found.kept:
        subject = t[0] if type(t) is tuple else t.subject.value
        if subject in declared:
            terms.append(_kept_triple(t))
        if subject in typed_document:
            document_kept.append(t)
    found.kept = []
    hidden = typed_provenance
    if found.vocab:  # data without vocabulary (most of it) needs no set of every described resource
        hidden |= _vocabulary_nodes(
            found.vocab, found.vocab_objects, edges, {*types, *typed_provenance, *found.valued} | {e[0] for e in edges}
        )
    hidden.update(statements)
    # The sentences statements cite, and the documents those are quoted from, are provenance too
    # (sets made by C loops: 79,102 statements at a million triples).
    cited = set(itertools.chain.from_iterable(map(_cites, statements.values())))
    hidden |= cited
    documents = set(quoted_from.values())  # _articles reads their dates and urls
    if cited.issuperset(quoted_from):  # every sentence quoted from a document is cited (most data)
        hidden |= documents
    else:
        hidden.update(map(quoted_from.get, cited, itertools.repeat("")))
        hidden.discard("")  # a sentence quoted from no document
    literals: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    tags: dict[str, dict[str, list[str]]] = defaultdict(dict)  # literal languages and datatypes
    labels: dict[str, str] = {}
    label_rank: dict[str, tuple[str, str]] = {}
    shorts: dict[str, str] = {}
    # A label names its node and its document; a hidden node's other values are never shown.
    unseen = hidden - documents
    # Only declared resources can be terms, and only documents have titles: their labels are
    # also read (as the triples they were) for the vocabulary and Folded.described.
    wanted = declared | typed_document
    rows: list[tuple[str, str, str, str]] = []
    for s, name, value, tag in zip(found.valued, found.names, found.values, found.tags, strict=True):
        if s in wanted and name in _DESCRIBING_LABELS and tag[:1] == _LABEL_TAG and s[:2] != "_:":
            rows.append((s, name, value, tag))
        if s in unseen:
            continue
        shown: str | None = tag
        if tag[:1] == _LABEL_TAG:  # a label: the best one names the node, in the order read
            rank, shown = tag[1:3], tag[3:]
            best = label_rank.get(s)
            if best is None or rank < best[0]:
                label_rank[s] = (rank, name)
                previous = labels.get(s, "")
                labels[s] = value
                if best is None:
                    continue
                # The label it replaces is one of the node's values from here on.
                name, value, shown = best[1], previous, None
            name = shorts.get(name) or shorts.setdefault(name, short(name))
        values = literals[s][name]
        if shown is not None and (shown or name in tags.get(s, ())):
            tags[s].setdefault(name, [""] * len(values)).append(shown)
        values.append(value)
    found.valued, found.names, found.values, found.tags = [], [], [], []
    terms += [_label_triple(row, found.datatypes) for row in rows if row[0] in declared]
    merged = _with_declared(ontology or load_ontology(), terms, declared)
    documents_read = (document_kept, [row for row in rows if row[0] in typed_document], dict(found.datatypes))
    del terms, rows

    # The articles complete statements cite, numbered by date (Folded.articles), so that the
    # pass below gives each triple its articles' numbers at once.
    complete = [parts for parts in statements.values() if parts[0] is not None and parts[1] and parts[2] is not None]
    number, articles = _articles(
        set(map(quoted_from.get, itertools.chain.from_iterable(map(_cites, complete)))), labels, literals
    )
    # Evidence for each (s, p, o) from the statements that reify it, and who states it (the
    # sentences of each article): one pass over the statements for both. An entry: the
    # evidence sentences' texts, the quotes, the articles' labels (79,102 statements at a
    # million triples: lists in a tuple, not a dict of them per triple); a source: (article
    # number, its sentences) pairs, in article order (-1, no article, last).
    evidence: dict[tuple[str, str, str], tuple[list[str], list[str], list[str]]] = {}
    sources: dict[tuple[str, str, str], list[tuple[int, list[str]]]] = {}
    several: list[list[tuple[int, list[str]]]] = []  # sources of more than one article: sorted last
    # Who mentions each resource, for the page of several articles (see Folded.mentions).
    mention_ends: list[str] = []
    mentioned: list[int] = []
    mentioned_in = mentioned.append
    several_articles = len(articles) > 1
    for parts in complete:
        triple = (parts[0], parts[1], parts[2])
        entry = evidence.get(triple)
        cites = parts[4]
        if entry is None and len(cites) == 1 and len(parts[3]) < 2:  # most: one sentence, one quote
            sent = cites[0]
            text = sentence_text.get(sent)
            src = quoted_from.get(sent)
            evidence[triple] = ([text] if text else [], parts[3], [labels.get(src, src)] if src else [])
            if src:
                k = number[src]
                sources[triple] = [(k, [text] if text else [])]
                if several_articles:
                    mention_ends += triple[0], triple[2]
                    mentioned_in(k)
            else:
                sources[triple] = [(-1, [text] if text else [])]
            continue
        if entry is None:
            texts, quotes, sources_of = entry = evidence[triple] = ([], [], [])
            by = sources[triple] = []
        else:
            texts, quotes, sources_of = entry
            by = sources[triple]
        for sent in cites or (None,):  # a fact whose sentences name no document: (-1, [])
            text = sentence_text.get(sent) if sent is not None else None
            src = quoted_from.get(sent) if sent is not None else None
            if text and text not in texts:
                texts.append(text)
            if src:
                src_label = labels.get(src, src)
                if src_label not in sources_of:
                    sources_of.append(src_label)
            k = number[src] if src else -1
            if several_articles and k >= 0:
                mention_ends += triple[0], triple[2]
                mentioned_in(k)
            for group in by:
                if group[0] == k:
                    said = group[1]
                    break
            else:
                said = []
                by.append((k, said))
                if len(by) == 2:
                    several.append(by)
            if text and text not in said:
                said.append(text)
        for q in parts[3]:
            if q not in quotes:
                quotes.append(q)
    del complete
    last = len(articles)
    for by in several:
        by.sort(key=lambda group: group[0] if group[0] >= 0 else last)

    out_nodes: dict[str, dict[str, Any]] = {}
    most_specific = cache(lambda ts: _most_specific(list(ts), merged))
    term_label = cache(lambda iri: label_of(iri, merged))
    rdf_type = RDF + "type"
    blanks = 0
    for n in nodes:
        if n in hidden:
            continue
        node_types = types.get(n, [])
        cls = most_specific(tuple(node_types))
        label = labels.get(n)
        if not label:
            # A blank node's id is new on every parse: number it instead, in order.
            if n.startswith("_:"):
                blanks += 1
                label = f"blank node {blanks}"
            else:
                label = local_name(n)
        attrs: dict[str, Any] = {
            "label": label,
            "class": cls or "",
            "class_label": term_label(cls) if cls else "",
            "types": node_types,
        }
        if n in literals:  # the fold's own lists, made for this node: not copied
            attrs.update(literals[n])
            if n in tags:
                attrs["datatypes"] = {prop: list(kinds) for prop, kinds in tags[n].items()}
        # Evidence for the node's class and literal values, when reified.
        type_ev = evidence.get((n, rdf_type, cls)) if cls and evidence else None
        if type_ev:
            attrs["evidence"] = list(type_ev[0])
        out_nodes[n] = attrs
    out_edges: list[tuple[str, str, str, dict[str, Any]]] = []
    edge_sources: list[list[tuple[int, list[str]]]] = []  # of several articles: each edge's
    pop, stated_by = evidence.pop, sources.get
    for subj, pred, obj in edges:
        if subj in hidden or obj in hidden:
            continue
        # A drawn edge's evidence is its own (edges are distinct): taken, not copied, and
        # what is left afterwards is the evidence of triples not drawn.
        key = (subj, pred, obj)
        ev = pop(key, None)
        if several_articles:
            edge_sources.append(stated_by(key) or [])
        attrs = {
            "predicate": pred,
            "label": term_label(pred),
            "evidence": ev[0] if ev else [],
            "quotes": ev[1] if ev else [],
            "article": "; ".join(ev[2]) if ev else "",
        }
        out_edges.append((subj, obj, pred, attrs))
    # Literal-valued facts keep their evidence on the node; with several articles, the page
    # lists who states each (what is left of the evidence: the stated triples not drawn).
    values_stated: dict[str, list[tuple[str, str, str]]] = {}
    for key, ev in evidence.items():
        subj, pred = key[0], key[1]
        if pred == rdf_type:
            continue
        if several_articles:
            values_stated.setdefault(subj, []).append(key)
        if ev[0] and subj in out_nodes:
            out_nodes[subj].setdefault("value_evidence", {})[short(pred)] = list(ev[0])
    evidence.clear()  # used up
    found.nodes, found.edges = {}, []  # read: the scan keeps nothing alive
    if keep is not None:
        keep.append((statements, sentence_text, quoted_from, hidden, unseen, cited, labels, label_rank, types, tags))
    return Folded(
        out_nodes,
        out_edges,
        merged,
        sources,
        articles,
        mentions=(mention_ends, mentioned),
        edge_sources=edge_sources,
        values_stated=values_stated,
        _documents=documents_read,
    )


_DESCRIBING_LABELS = {p for p in _LABELS if p in _DESCRIBING}


def _label_triple(row: tuple[str, str, str, str], datatypes: dict[str, str]) -> ox.Triple:
    """A label triple made again from its logged value (the finish reads the values of declared
    terms and documents as rows: keeping each label triple as the scan reads it, one for every
    fact and sentence, 100,000 at a million triples, cost 0.2-0.4 s)."""
    s, name, value, tag = row
    shown = tag[3:]  # after the label's rank (two characters, see _LABEL_TAG)
    if shown[:1] == "@":
        literal = ox.Literal(value, language=shown[1:])
    else:
        literal = ox.Literal(value, datatype=ox.NamedNode(datatypes.get(shown, _XSD_STRING)))
    return ox.Triple(ox.NamedNode(s), ox.NamedNode(name), literal)


def _kept_triple(t: Any) -> ox.Quad | ox.Triple:
    """A kept triple as pyoxigraph's: a worker's strings (see :func:`portable`) made a triple again."""
    if type(t) is tuple:
        return ox.Triple(ox.NamedNode(t[0]), ox.NamedNode(t[1]), _term(t[2]))
    return t  # type: ignore[no-any-return]


_ARTICLE_DATE = ("schema:datePublished", "dcterms:date", "dcterms:issued", "dcterms:created")
_ARTICLE_URL = ("schema:url",)


def _articles(
    cited: set[str | None], labels: dict[str, str], literals: dict[str, dict[str, list[str]]]
) -> tuple[dict[str, int], dict[str, dict[str, str]]]:
    """The ``cited`` articles (None and "" stand for no article) by date, then title: each one's
    number, and its title, date and url in that order (:attr:`Folded.articles`)."""
    articles: dict[str, dict[str, str]] = {}
    for a in cited:
        if not a:
            continue
        values = literals.get(a, {})
        date = next((values[k][0] for k in _ARTICLE_DATE if values.get(k)), "")
        url = next((values[k][0] for k in _ARTICLE_URL if values.get(k)), "")
        articles[a] = {"title": labels.get(a) or local_name(a), "date": date, "url": url}
    order = sorted(articles, key=lambda a: (articles[a]["date"], articles[a]["title"], a))
    return {a: i for i, a in enumerate(order)}, {a: articles[a] for a in order}


def _vocabulary_nodes(
    vocab: set[str], points_at: dict[str, list[str]], edges: list[tuple[str, str, str]], described: set[str]
) -> set[str]:
    """The vocabulary resources not to draw, with the blank nodes only they point at (OWL
    restrictions, lists) and the bare IRIs only they link to (an ontology's license). A term
    that other data links to stays."""
    todo = list(vocab)
    found = set(vocab)
    while todo:
        for o in points_at.get(todo.pop(), ()):
            if o.startswith("_:") and o not in found:
                found.add(o)
                todo.append(o)
    if not found:
        return found
    linked = {o for s, _p, o in edges if s not in found}
    found -= linked
    # What only vocabulary links to, and nothing describes, goes with it.
    found |= {o for s, _p, o in edges if s in found and o not in linked and o not in described}
    return found


def label_of(iri: str, onto: Ontology) -> str:
    """A term's label in ``onto`` (unless it only repeats the IRI's fragment), else its local name."""
    term = onto.terms.get(iri)
    if term and term.label and term.label != iri.rsplit("#", 1)[-1]:
        return term.label
    return local_name(iri)


def _most_specific(types: list[str], onto: Ontology) -> str | None:
    """The type that no other of the node's types is a subclass of."""
    if not types:
        return None
    candidates = [t for t in types if not t.startswith(OWL)] or types
    # Drop every type that is a superclass of another of the node's types.
    supers = {a for t in candidates for a in onto.ancestors(t)[1:]}
    candidates = [t for t in candidates if t not in supers] or candidates
    best = None
    best_depth = -1
    for t in sorted(candidates):
        depth = len(onto.ancestors(t))
        if depth > best_depth:
            best, best_depth = t, depth
    return best


