"""Build a corpus: many articles in one dataset, a named graph per article.

Each article is built and checked on its own, exactly as ``aigraph build``
does for one (the new articles' SHACL checks run in one batch that gives each
article its own report, :func:`aigraph.graph.validate.validate_graphs`). The
results are then merged: what the articles assert (entity labels and
classes, relations, values) goes to the default graph, once, however many
articles state it; each article's provenance (its ``aig:Article`` record,
sentences and ``aig:Fact`` records) goes to a named graph called by the
article's IRI. So a triple two articles state has one ``aig:Fact`` per article,
each pointing at its own sentences, and values the articles disagree on (30
members in one, 35 in another) are both kept, each with its source.

An entity with the same id in two articles is one IRI; its label and class
must agree, or the build names both places and stops.

A rebuild reads, builds and checks only the articles whose files changed
(``_Cache``), and writes the output from per-article pieces kept in the
cache: the same bytes as serialising the whole dataset (:func:`to_dataset`).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..errors import AigraphError
from ..facts.extensions import Extensions
from ..facts.reader import Article, Entity, FactsFile, read_facts
from ..files import write_bytes
from ..namespaces import AIG, OWL, PREFIXES, RDF, RDFS
from ..rdfio import RDF_FORMATS, format_for_path, serialize
from .build import _RAW_BREAKS, _build, _order, check_named_files, check_report, namespace, record_name
from .validate import validate_graphs

CORPUS_OUTPUT = Path("graphs/corpus.trig")
"""Where a build of several articles writes without ``-o``."""

# The records that belong to one article: they go to its named graph.
_RECORDS = {AIG + "Fact", AIG + "Sentence", AIG + "Article", OWL + "Ontology"}


@dataclass(frozen=True)
class _Place:
    """Where a shared entity was declared, and what it was declared as."""

    path: Path
    line: int
    label: str
    cls: str


def facts_paths(inputs: Iterable[str | Path]) -> list[Path]:
    """The facts files named: files as given, folders as their ``*.facts.toml`` (sorted by name)."""
    found: list[Path] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            inside = sorted(p for p in path.glob("*.facts.toml") if p.is_file())
            if not inside:
                raise AigraphError("is a directory with no *.facts.toml file in it", path=path)
            found.extend(inside)
        else:
            found.append(path)
    seen: set[object] = set()
    unique = []
    for p in found:  # the same file named twice (a file and its folder) is built once
        try:
            st = os.stat(p)
            key: object = (st.st_dev, st.st_ino)  # one call, where resolve() looks at every folder on the way
        except (OSError, ValueError):
            key = p
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def build_corpus_quads(
    inputs: Sequence[str | Path],
    *,
    ontology: Sequence[str | Path] = (),
    allow_outside_article: bool = False,
    cache: str | Path | None = None,
) -> tuple[list[ox.Quad], dict[str, str]]:
    """The corpus dataset's quads, sorted (default graph first), and the prefixes to write it with."""
    store = _Cache(Path(cache)) if cache is not None else None
    arts = _articles(facts_paths(inputs), ontology, allow_outside_article, store)
    if store is not None:
        store.finish(arts)
    quads = {ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for a in arts for t in a.asserted}
    for a in arts:
        graph = ox.NamedNode(a.graph)
        quads.update(ox.Quad(t.subject, t.predicate, t.object, graph) for t in a.record_triples())
    prefixes: dict[str, str] = {}
    for a in arts:
        prefixes.update(a.prefixes)
    return sorted(quads, key=_quad_order), prefixes


@dataclass
class _Article:
    """One article of the corpus: built now (``ext`` set: still to be checked) or from the cache."""

    facts: FactsFile
    key: str
    files: list[list[Any]]  # [path, size, mtime_ns] of every file it is built from
    asserted: list[ox.Triple]  # what it states: the default graph
    records: list[ox.Triple] | None  # its provenance records (None: not read from the cache entry yet)
    prefixes: dict[str, str]
    ext: Extensions | None = None
    entry: dict[str, Any] | None = None  # its cache entry

    @property
    def graph(self) -> str:
        return namespace(self.facts) + self.facts.article.id

    def record_triples(self) -> list[ox.Triple]:
        if self.records is None:
            try:
                self.records = _parse_nt((self.entry or {})["records"])
            except (KeyError, TypeError, SyntaxError, ValueError):
                raise AigraphError(
                    f"the corpus cache entry of {self.facts.path} is damaged; build again with --no-cache"
                ) from None
        return self.records


def _articles(
    paths: list[Path],
    ontology: Sequence[str | Path],
    allow_outside_article: bool,
    store: _Cache | None,
) -> list[_Article]:
    """Every article built and checked (or taken from the cache), in the order given.

    With a cache, an article whose files (facts file, article, extensions) keep
    their size and modification time since the last build is taken from its
    entry without reading them; one whose files changed is read, and taken
    from the cache if its contents (hashed) are those of an entry, else built.
    """
    context = _context(ontology, allow_outside_article)
    pending: list[_Article] = []
    if store is not None:
        store.context = context
    for path in paths:
        known = store.known(path, context) if store is not None else None
        if known is not None:
            pending.append(known)
            continue
        facts = read_facts(path)
        pending.append(_Article(facts, "", [], [], None, {}))
    _check_ids([a.facts for a in pending])
    # Read and build every article (up to the first that cannot be built),
    # check that they agree on their shared entities, then check the new ones
    # against the shapes in batches, and go through them in order: the
    # problem reported is the one building one article after the other would
    # meet first.
    built: list[_Article] = []
    failure: AigraphError | None = None
    for art in pending:
        if art.key:
            built.append(art)
            continue
        facts = art.facts
        files = _stat([Path(facts.path), facts.article.path, *facts.article.ontology, *map(Path, ontology)])
        if store is not None:  # the key reads the files: check them first (a FIFO, /dev/zero, outside)
            check_named_files(facts, allow_outside_article)
        key = _key(facts, ontology, context) if store is not None else ""
        hit = store.get(key, facts, files) if store is not None else None
        if hit is not None:
            built.append(hit)
            continue
        try:
            triples, ext = _build(facts, False, ontology, allow_outside_article)
        except AigraphError as exc:
            failure = exc
            break
        asserted, records = _split(triples)
        built.append(_Article(facts, key, files, asserted, records, ext.prefixes, ext))
    places: dict[str, _Place] = {}
    agree = len(built)  # the articles before this one agree on their shared entities
    for n, art in enumerate(built):
        try:
            _check_shared(art.facts, art.asserted, places)
        except AigraphError as exc:
            failure, agree = exc, n
            break
    # validate_graphs checks articles together only if they agree; the one
    # that disagrees is checked alone, as its problems come before the disagreement.
    batches = [built[:agree], built[agree : agree + 1]]
    reports = [
        validate_graphs(
            [(sorted(a.asserted + a.record_triples(), key=_order), a.ext.quads) for a in batch if a.ext is not None]
        )
        for batch in batches
    ]
    for n, art in enumerate(built[: agree + 1]):
        if art.ext is not None:
            check_report(art.facts, next(reports[n == agree]), art.ext)
            if store is not None:
                store.put(art)
        if n == agree:
            break
    if failure is not None:
        if store is not None:
            store.save(built)  # the articles that passed are kept for the next build
        raise failure
    return built


def _split(triples: list[ox.Triple]) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """What an article asserts (default graph) and its provenance records (its named graph)."""
    records = {
        t.subject
        for t in triples
        if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode) and t.object.value in _RECORDS
    }
    return [t for t in triples if t.subject not in records], [t for t in triples if t.subject in records]


_KEY_BYTES = 64 << 20  # more than any file a build reads whole: a bigger one is refused by the build


def _context(ontology: Sequence[str | Path], allow_outside_article: bool) -> str:
    """A hash of what every article's build depends on besides its own files."""
    from .. import __version__, resources

    h = hashlib.sha256()
    parts = [__version__.encode(), str(allow_outside_article).encode(), str(_ENTRY_VERSION).encode()]
    parts += [resources.ontology().read_bytes(), resources.shapes().read_bytes()]
    parts += [str(p).encode() for p in ontology]
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def _key(facts: FactsFile, ontology: Sequence[str | Path], context: str) -> str:
    """A hash of everything an article's graph is built from (a file that cannot be read: no key part)."""
    h = hashlib.sha256()
    parts: list[bytes] = [context.encode(), str(facts.path).encode()]
    for path in (Path(facts.path), facts.article.path, *facts.article.ontology, *map(Path, ontology)):
        try:
            with open(path, "rb") as file:  # no more than the build itself reads (10 MiB, 32 MiB)
                parts.append(file.read(_KEY_BYTES))
        except OSError:
            parts.append(b"\0unreadable")  # the build itself will say what is wrong with it
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def _stat(paths: Iterable[str | Path]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for p in paths:
        try:
            st = os.stat(p)
            out.append([os.path.abspath(p), st.st_size, st.st_mtime_ns])
        except (OSError, ValueError):
            out.append([os.path.abspath(p), -1, -1])  # never equal to a file that exists
    return out


def _parse_nt(text: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]


def _nt(triples: list[ox.Triple]) -> str:
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


_ENTRY_VERSION = 2  # bump when an entry's layout changes


def _facts_doc(facts: FactsFile) -> dict[str, Any]:
    """What the corpus needs of a facts file once it is built: its article and entities, with their lines."""
    a = facts.article
    return {
        "path": str(facts.path),
        "article": [a.id, str(a.path), a.title, a.url, a.published.isoformat() if a.published else None,
                    a.language, a.line, dict(a.lines), [str(p) for p in a.ontology], a.namespace],
        "entities": [[e.id, e.label, e.cls, list(e.aliases), list(e.evidence), e.line, dict(e.lines)]
                     for e in facts.entities.values()],
    }


def _facts_from(doc: dict[str, Any]) -> FactsFile:
    aid, path, title, url, published, language, line, lines, onto, ns = doc["article"]
    article = Article(aid, Path(path), title, url, datetime.date.fromisoformat(published) if published else None,
                      language, line, lines, tuple(Path(p) for p in onto), ns)
    entities = {e[0]: Entity(e[0], e[1], e[2], tuple(e[3]), tuple(e[4]), e[5], e[6]) for e in doc["entities"]}
    return FactsFile(path=Path(doc["path"]), article=article, entities=entities)


class _Cache:
    """Built and checked articles, one JSON entry per input hash, and a manifest.

    The manifest maps each facts file to the files it was built from (path,
    size, modification time) and its entry, so an unchanged article is not read.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()
        self.rewrite: set[str] = set()
        self.context = ""
        try:
            self.manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            if not isinstance(self.manifest.get("inputs"), dict):
                raise ValueError
        except (OSError, ValueError, AttributeError):
            self.manifest = {"context": "", "inputs": {}}

    def known(self, path: Path, context: str) -> _Article | None:
        """The cached article of a facts file whose files are as they were at the last build."""
        if self.manifest.get("context") != context:
            return None
        rec = self.manifest["inputs"].get(os.path.abspath(path))
        try:
            files = rec["files"]
            if _stat(f[0] for f in files) != files:
                return None
            art = self._load(rec["key"], None, files)
        except (KeyError, TypeError, IndexError, ValueError):
            return None
        if art is not None:
            art.facts.path = path  # as named in this build (the entry keeps the name it was built under)
        return art

    def get(self, key: str, facts: FactsFile, files: list[list[Any]]) -> _Article | None:
        return self._load(key, facts, files)

    def _load(self, key: str, facts: FactsFile | None, files: list[list[Any]]) -> _Article | None:
        try:
            doc = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            if doc.get("v") != _ENTRY_VERSION or not isinstance(doc.get("records"), str):
                return None
            art = _Article(
                facts or _facts_from(doc["facts"]), key, files, _parse_nt(doc["asserted"]), None,
                dict(doc["prefixes"]), None, doc,
            )
        except (OSError, ValueError, KeyError, TypeError, SyntaxError, AttributeError):
            return None  # no entry, or a damaged one: build the article again
        self.used.add(key)
        return art

    def put(self, art: _Article) -> None:
        art.entry = {
            "v": _ENTRY_VERSION,
            "facts": _facts_doc(art.facts),
            "prefixes": art.prefixes,
            "asserted": _nt(art.asserted),
            "records": _nt(art.record_triples()),
            "block": None,
        }
        self.used.add(art.key)
        self.rewrite.add(art.key)

    def save(self, arts: list[_Article]) -> None:
        """Write the entries that are new or changed (a cache that cannot be written is only slower)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for art in arts:
                if art.key in self.rewrite and art.entry is not None:
                    write_bytes(self.folder / f"{art.key}.json", json.dumps(art.entry).encode("utf-8"))
        except OSError:
            return
        self.rewrite.clear()

    def finish(self, arts: list[_Article], store: Path | None = None) -> None:
        """Save the entries and the manifest (with the query store cache's entry of the output, and
        the articles it holds); remove the entries no article uses any more."""
        self.save(arts)
        inputs = {os.path.abspath(a.facts.path): {"files": a.files, "key": a.key} for a in arts}
        manifest: dict[str, Any] = {"context": self.context, "inputs": inputs}
        if store is not None:
            manifest["store"] = {"entry": store.name, "graphs": {a.graph: a.key for a in arts}}
        try:
            if manifest != self.manifest:
                write_bytes(self.folder / "manifest.json", json.dumps(manifest).encode("utf-8"))
                self.manifest = manifest
            for name in os.listdir(self.folder):  # not Path.glob: a rebuild lists 1,000 names in 1 ms
                stem, _, ext = name.partition(".")
                if ext == "json" and len(stem) == 64 and stem not in self.used:
                    (self.folder / name).unlink(missing_ok=True)
        except OSError:
            pass

    def changed(self, art: _Article) -> None:
        """An entry whose block was written again (the prefixes changed): save it with the rest."""
        self.rewrite.add(art.key)


def _quad_order(q: ox.Quad) -> tuple:
    graph = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
    return (graph, *_order(q.triple))


def _check_ids(files: list[FactsFile]) -> None:
    """Two articles with one id, or an entity named like another article's record, would merge."""
    owner: dict[str, FactsFile] = {}
    for facts in files:
        art = facts.article
        key = namespace(facts) + art.id
        if key in owner:
            first = owner[key]
            raise AigraphError(
                f"article id {art.id!r} is also the id of {first.path} (line {first.article.at('id')});"
                " each article of a corpus needs its own id",
                path=facts.path,
                line=art.at("id"),
            )
        owner[key] = facts
    # Which article's record an entity id could name, found from the id itself
    # (comparing every entity with every article is quadratic: seconds at 1,000 articles).
    order = {id(facts): n for n, facts in enumerate(files)}
    for facts in files:
        clashes: list[tuple[int, int, FactsFile, str]] = []
        for e, ent in enumerate(facts.entities.values()):
            for article_id in _record_owners(ent.id):
                other = owner.get(namespace(facts) + article_id)
                problem = record_name(article_id, ent.id) if other is not None and other is not facts else None
                if other is not None and problem:
                    clashes.append((order[id(other)], e, other, problem))
        if clashes:  # the first other article, then the first entity, as a pairwise search finds them
            _, e, other, problem = min(clashes, key=lambda c: (c[0], c[1]))
            ent = list(facts.entities.values())[e]
            raise AigraphError(
                f"entity {ent.id!r}: kg:{ent.id} would be {problem} of {other.path},"
                " and the entity would merge into it; choose another id",
                path=facts.path,
                line=ent.at("id"),
            )


def _record_owners(ident: str) -> set[str]:
    """The article ids for which ``ident`` could be a record name (see builder.record_name)."""
    found = {ident, ident.removesuffix("-graph")}
    head, sep, tail = ident.rpartition("-s")
    if sep and tail.isdigit():
        found.add(head)
    start = ident.find("-fact-")
    while start >= 0:
        found.add(ident[:start])
        start = ident.find("-fact-", start + 1)
    return found


def _check_shared(facts: FactsFile, triples: list[ox.Triple], places: dict[str, _Place]) -> None:
    """An entity declared by several articles must have one label and one class."""
    ns = namespace(facts)
    labels: dict[str, str] = {}
    classes: dict[str, str] = {}
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode) or not isinstance(t.object, ox.NamedNode | ox.Literal):
            continue
        if t.predicate.value == RDFS + "label":
            labels[t.subject.value] = t.object.value
        elif t.predicate.value == RDF + "type":
            classes[t.subject.value] = t.object.value
    for ent in facts.entities.values():
        iri = ns + ent.id
        here = _Place(Path(facts.path), ent.line, labels.get(iri, ent.label), classes.get(iri, ""))
        first = places.setdefault(iri, here)
        if first is here:
            continue
        for what, a, b in (("label", first.label, here.label), ("class", first.cls, here.cls)):
            if a != b:
                raise AigraphError(
                    f"entity {ent.id!r} has the {what} {_short(b)!r} here but {_short(a)!r} in"
                    f" {first.path} (line {first.line}); an entity shared by articles needs one {what}",
                    path=facts.path,
                    line=ent.at("label" if what == "label" else "class"),
                )


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def to_dataset(quads: list[ox.Quad], fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Deterministic TriG (a blank line between subjects and graphs) or N-Quads."""
    data = serialize(quads, fmt, {**PREFIXES, **(prefixes or {})})
    if fmt != "trig":
        return data
    out: list[str] = []
    inside = False
    for line in data.decode("utf-8").translate(_RAW_BREAKS).removesuffix("\n").split("\n"):
        # A new subject starts at the margin (default graph, a graph's name) or
        # one tab in (inside a graph): a blank line before it, as in the Turtle
        # aigraph writes; none right after "{".
        margin = line[1:] if inside and line.startswith("\t") else line
        if line == "}":
            inside = False
        elif out and margin and not margin[0].isspace() and not line.startswith("@prefix"):
            if not out[-1].endswith("{"):
                out.append("")
        out.append(line)
        if line.endswith("{") and not line.startswith("\t"):
            inside = True
    return ("\n".join(out) + "\n").encode("utf-8")


def corpus_format(output: str | Path) -> str:
    """TriG or N-Quads, from the output's extension (``-``: TriG)."""
    if str(output) == "-":
        return "trig"
    fmt = format_for_path(output)
    if fmt not in {"trig", "nquads"}:
        raise AigraphError(
            "several articles make a dataset with a named graph per article; write it as TriG (.trig)"
            " or N-Quads (.nq), not this format",
            path=output,
        )
    return fmt


def cache_folder(output: str | Path) -> Path | None:
    """Where a corpus build written to ``output`` keeps its per-article cache (none for stdout)."""
    if str(output) == "-":
        return None
    out = Path(output)
    return out.parent / f".{out.name}.cache"


@dataclass(frozen=True)
class CorpusBuild:
    """What a corpus build wrote."""

    articles: int
    quads: int
    facts: int  # aig:Fact records


def build_corpus(
    inputs: Sequence[str | Path],
    output: str | Path | None = None,
    *,
    ontology: Sequence[str | Path] = (),
    allow_outside_article: bool = False,
    cache: bool = True,
) -> CorpusBuild:
    """Build several articles into one dataset and write it (atomically) to ``output``.

    ``inputs`` are facts files or folders (their ``*.facts.toml``). ``output``
    defaults to ``graphs/corpus.trig``; ``.nq`` writes N-Quads; ``-`` stdout.
    With ``cache``, the articles are kept in ``.<output name>.cache/`` beside
    the output, and a rebuild reads, builds and checks only the articles whose
    files changed; it writes the same bytes as a build without the cache. A
    written file of :data:`aigraph.store.cache.THRESHOLD` bytes or more also goes into
    the store cache, so the first ``aigraph query --data`` on it needs no parsing.
    """
    target = output if output is not None else CORPUS_OUTPUT
    paths = facts_paths(inputs)  # a bad input is named before a bad output
    fmt = corpus_format(target)
    folder = cache_folder(target) if cache else None
    store = _Cache(folder) if folder is not None else None
    arts = _articles(paths, ontology, allow_outside_article, store)
    data, summary = _dataset(arts, fmt, store)
    write_bytes(target, data)
    if store is not None:
        entry = None
        if str(target) != "-":
            # The first `aigraph query --data` on the corpus then opens this store instead of parsing it.
            entry = _put_store(target, data, fmt, arts, store)
        store.finish(arts, entry)
    return summary


def _put_store(target: str | Path, data: bytes, fmt: str, arts: list[_Article], store: _Cache) -> Path | None:
    """The corpus's store in the query store cache: the last build's store, changed where the articles changed."""
    from ..store import cache as store_cache

    graphs = {a.graph: a.key for a in arts}
    before = store.manifest.get("store")
    update = None
    if isinstance(before, dict) and isinstance(before.get("graphs"), dict) and isinstance(before.get("entry"), str):
        old: dict[str, str] = before["graphs"]
        asserted = {ox.Quad(t.subject, t.predicate, t.object) for a in arts for t in a.asserted}

        def apply(copy: ox.Store) -> None:
            had = set(copy.quads_for_pattern(None, None, None, ox.DefaultGraph()))
            for q in had - asserted:
                copy.remove(q)
            copy.extend(asserted - had)
            for graph, key in old.items():
                if graphs.get(graph) != key:
                    copy.remove_graph(ox.NamedNode(graph))
            for a in arts:
                if old.get(a.graph) != a.key:
                    name = ox.NamedNode(a.graph)
                    copy.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in a.record_triples())

        update = (store_cache.cache_dir() / "stores" / before["entry"], apply)
    entry = store_cache.put_store(target, data, RDF_FORMATS[fmt][0], update=update)
    return entry


def _dataset(arts: list[_Article], fmt: str, store: _Cache | None) -> tuple[bytes, CorpusBuild]:
    """The corpus written as :func:`to_dataset` writes its quads, byte for byte, from per-article pieces.

    The named graphs are the articles' own and come in order of their names;
    each one's text depends only on its records and the prefixes, so it is
    kept in the article's cache entry and written again only when the
    prefixes change. The default graph (what the articles assert, once) is
    written afresh: it is a small part of the whole.
    """
    prefixes = dict(PREFIXES)
    for a in arts:
        prefixes.update(a.prefixes)
    dotted = {iri for a in arts for iri in _dotted(a)}
    # As rdfio.serialize: a prefix that would give a local name ending in a dot is not used.
    usable = {k: v for k, v in prefixes.items() if not any(iri.startswith(v) for iri in dotted)}
    stamp = hashlib.sha256(json.dumps([fmt, usable]).encode("utf-8")).hexdigest()
    asserted = sorted({t for a in arts for t in a.asserted}, key=_order)
    _, lines = _piece([ox.Quad(t.subject, t.predicate, t.object) for t in asserted], fmt, usable)
    probe = ox.NamedNode("urn:x-aigraph:probe")  # the @prefix lines, whatever the graphs hold
    header, _ = _piece([ox.Quad(probe, probe, probe)], fmt, usable)
    blocks: list[str] = []
    quads, facts = len(asserted), sum(1 for t in asserted if str(t.object).endswith("#Fact>"))
    for a in sorted(arts, key=lambda a: a.graph):
        entry = a.entry or {}
        block = entry.get("block")
        if not (
            isinstance(block, dict)
            and block.get("for") == stamp
            and isinstance(block.get("text"), str)
            and all(isinstance(block.get(n), int) for n in ("quads", "facts"))
        ):
            graph = ox.NamedNode(a.graph)
            records = sorted(a.record_triples(), key=_order)
            _, body = _piece([ox.Quad(t.subject, t.predicate, t.object, graph) for t in records], fmt, usable)
            block = {"for": stamp, "text": "\n".join(body), "quads": len(records),
                     "facts": sum(1 for t in records if str(t.object).endswith("#Fact>"))}
            if a.entry is not None and store is not None:
                a.entry["block"] = block
                store.changed(a)
        if block["text"]:
            blocks.append(block["text"])
        quads += block["quads"]
        facts += block["facts"]
    text = "\n".join([*header, *lines, *blocks])
    return (text + "\n" if text else "").encode("utf-8"), CorpusBuild(len(arts), quads, facts)


def _piece(quads: list[ox.Quad], fmt: str, usable: dict[str, str]) -> tuple[list[str], list[str]]:
    """One graph's lines as :func:`to_dataset` writes them (after something), and the @prefix lines."""
    if not quads:
        return [], []
    raw = (ox.serialize(quads, format=RDF_FORMATS[fmt][0], prefixes=usable) or b"").decode("utf-8")
    if fmt != "trig":
        return [], raw.removesuffix("\n").split("\n")
    header: list[str] = []
    out = ["\0"]  # the header or an earlier graph precedes: a blank line before the first subject
    inside = False
    for line in raw.translate(_RAW_BREAKS).removesuffix("\n").split("\n"):
        if line.startswith("@prefix") and len(out) == 1:
            header.append(line)
            continue
        margin = line[1:] if inside and line.startswith("\t") else line
        if line == "}":
            inside = False
        elif margin and not margin[0].isspace() and not out[-1].endswith("{"):
            out.append("")
        out.append(line)
        if line.endswith("{") and not line.startswith("\t"):
            inside = True
    return header, out[1:]


def _dotted(a: _Article) -> list[str]:
    """The IRIs (and datatypes) of an article's triples and graph that end in a dot."""
    if a.entry is not None and isinstance(a.entry.get("dotted"), list):
        return list(a.entry["dotted"])
    found = {a.graph} if a.graph.endswith(".") else set()
    for t in (*a.asserted, *a.record_triples()):
        for term in (t.subject, t.predicate, t.object):
            iri = term.datatype.value if isinstance(term, ox.Literal) else getattr(term, "value", "")
            if iri.endswith("."):
                found.add(iri)
    if a.entry is not None:
        a.entry["dotted"] = sorted(found)
    return sorted(found)
