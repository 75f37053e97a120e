"""Build a corpus: many articles in one dataset, a named graph per article.

Each article is built and checked on its own, exactly as ``aigraph build``
does for one. The results are then merged: what the articles assert (entity
labels and classes, relations, values) goes to the default graph, once, however
many articles state it; each article's provenance (its ``aig:Article`` record,
sentences and ``aig:Fact`` records) goes to a named graph called by the
article's IRI. So a triple two articles state has one ``aig:Fact`` per article,
each pointing at its own sentences, and values the articles disagree on (30
members in one, 35 in another) are both kept, each with its source.

An entity with the same id in two articles is one IRI; its label and class
must agree, or the build names both places and stops.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import AigraphError
from ..facts.reader import FactsFile, read_facts
from ..namespaces import AIG, OWL, PREFIXES, RDF, RDFS
from ..rdfio import format_for_path, serialize, write_bytes
from .build import _RAW_BREAKS, _build, _order, namespace, record_name

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
    seen: set[Path] = set()
    unique = []
    for p in found:  # the same file named twice (a file and its folder) is built once
        key = p.resolve() if p.exists() else p
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
    """The corpus dataset's quads, sorted (default graph first), and the prefixes to write it with.

    With ``cache`` (a folder), each article's built and validated triples are
    kept there under a hash of everything they come from (facts file, article,
    extensions, aigraph's ontology and shapes, its version): a rebuild re-reads
    and re-validates only the articles whose inputs changed. Entries no longer
    used are removed.
    """
    files = [read_facts(p) for p in facts_paths(inputs)]
    _check_ids(files)
    quads: set[ox.Quad] = set()
    prefixes: dict[str, str] = {}
    places: dict[str, _Place] = {}
    store = _Cache(Path(cache)) if cache is not None else None
    for facts in files:
        key = _key(facts, ontology, allow_outside_article) if store is not None else ""
        hit = store.get(key) if store is not None else None
        if hit is not None:
            triples, ext_prefixes = hit
        else:
            triples, ext = _build(facts, True, ontology, allow_outside_article)
            ext_prefixes = ext.prefixes
            if store is not None:
                store.put(key, triples, ext_prefixes)
        prefixes.update(ext_prefixes)
        _check_shared(facts, triples, places)
        graph = ox.NamedNode(namespace(facts) + facts.article.id)
        records = {
            t.subject
            for t in triples
            if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode) and t.object.value in _RECORDS
        }
        for t in triples:
            where = graph if t.subject in records else ox.DefaultGraph()
            quads.add(ox.Quad(t.subject, t.predicate, t.object, where))
    if store is not None:
        store.prune()
    return sorted(quads, key=_quad_order), prefixes


def _key(facts: FactsFile, ontology: Sequence[str | Path], allow_outside_article: bool) -> str:
    """A hash of everything an article's graph is built from (a file that cannot be read: no key part)."""
    from .. import __version__, resources

    h = hashlib.sha256()
    parts: list[bytes] = [__version__.encode(), str(allow_outside_article).encode(), str(facts.path).encode()]
    parts += [resources.ontology().read_bytes(), resources.shapes().read_bytes()]
    for path in (Path(facts.path), facts.article.path, *facts.article.ontology, *map(Path, ontology)):
        try:
            parts.append(path.read_bytes())
        except OSError:
            parts.append(b"\0unreadable")  # the build itself will say what is wrong with it
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


class _Cache:
    """Built and validated articles, one N-Triples file (and its prefixes) per input hash."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def get(self, key: str) -> tuple[list[ox.Triple], dict[str, str]] | None:
        self.used.add(key)
        try:
            doc = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            triples = [q.triple for q in ox.parse(doc["triples"].encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]
            return triples, dict(doc["prefixes"])
        except (OSError, ValueError, KeyError, TypeError, SyntaxError):
            return None  # no entry, or a damaged one: build the article again

    def put(self, key: str, triples: list[ox.Triple], prefixes: dict[str, str]) -> None:
        text = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        self.folder.mkdir(parents=True, exist_ok=True)
        write_bytes(self.folder / f"{key}.json", json.dumps({"prefixes": prefixes, "triples": text}).encode("utf-8"))

    def prune(self) -> None:
        for entry in self.folder.glob("*.json"):
            if entry.stem not in self.used and len(entry.stem) == 64:
                entry.unlink(missing_ok=True)


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
    for facts in files:
        for other in files:
            if other is facts or namespace(other) != namespace(facts):
                continue
            for ent in facts.entities.values():
                problem = record_name(other.article.id, ent.id)
                if problem:
                    raise AigraphError(
                        f"entity {ent.id!r}: kg:{ent.id} would be {problem} of {other.path},"
                        " and the entity would merge into it; choose another id",
                        path=facts.path,
                        line=ent.at("id"),
                    )


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


def build_corpus(
    inputs: Sequence[str | Path],
    output: str | Path | None = None,
    *,
    ontology: Sequence[str | Path] = (),
    allow_outside_article: bool = False,
    cache: bool = True,
) -> list[ox.Quad]:
    """Build several articles into one dataset and write it (atomically) to ``output``.

    ``inputs`` are facts files or folders (their ``*.facts.toml``). ``output``
    defaults to ``graphs/corpus.trig``; ``.nq`` writes N-Quads; ``-`` stdout.
    With ``cache``, the articles are kept in ``.<output name>.cache/`` beside
    the output, and a rebuild rebuilds only the articles that changed.
    """
    target = output if output is not None else CORPUS_OUTPUT
    inputs = facts_paths(inputs)  # a bad input is named before a bad output
    fmt = corpus_format(target)
    quads, prefixes = build_corpus_quads(
        inputs,
        ontology=ontology,
        allow_outside_article=allow_outside_article,
        cache=cache_folder(target) if cache else None,
    )
    write_bytes(target, to_dataset(quads, fmt, prefixes))
    return quads
