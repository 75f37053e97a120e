"""``aigraph draft``: propose sourced facts for a new article, offline, for review.

The draft is a facts file that ``aigraph build`` accepts unchanged: the
``[article]`` table, the sentences as numbered comments, an ``[[entity]]``
for each organisation, model, platform, governance body and topic found and
a ``[[fact]]`` for each relation a pattern finds, each with a verbatim quote
checked by the same code as ``build`` (:class:`~aigraph.sources.article.QuotePlaces`) and a
comment giving the rule and a confidence. Proposals that are hedged or
unsure are written as comments; negated ones as a note. Nothing is
downloaded and nothing is guessed from outside the article.

>>> from aigraph.facts.draft import draft_text
>>> print(draft_text("Acme Labs joined the Widget Alliance.", "a.txt").counts())
2 entities, 1 fact, 0 unsure, 0 not proposed
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import AigraphError
from ..files import read_input, write_bytes
from ..graph.build import record_name
from ..namespaces import AIG, KG, RDF, RDFS, SKOS, facts_name
from ..ontology import Ontology
from ..progress import Progress, progress
from ..rdfio import read_rdf
from ..sources.article import ArticleText, QuotePlaces
from .extensions import load_extensions
from .mentions import Entity, GazetteerEntry, MentionFinder, SentenceMentions, mask
from .patterns import load_cues, load_patterns
from .relations import Matcher, Proposal, cut, parentheticals
from .skeleton import article_id, article_table, default_output, sentence_comments, toml_string

_PROVENANCE = {AIG + "Fact", AIG + "Sentence", AIG + "Article"}
_CODES = "ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghjklmnoqrstuvwxyzαβγδεζηθκλμνξπρστυφχψω"


@dataclass
class Draft:
    """A drafted facts file and what it holds."""

    text: str
    entities: int = 0
    facts: int = 0
    unsure: int = 0
    not_proposed: int = 0
    sentences: int = 0
    quotes: list[str] = field(default_factory=list)

    def counts(self) -> str:
        """``14 entities, 12 facts, 1 unsure, 1 not proposed``."""
        entities = f"{self.entities} {'entity' if self.entities == 1 else 'entities'}"
        facts = f"{self.facts} {'fact' if self.facts == 1 else 'facts'}"
        return f"{entities}, {facts}, {self.unsure} unsure, {self.not_proposed} not proposed"


# ---------------------------------------------------------------- inputs


def read_article(path: str | Path) -> ArticleText:
    """The article, refused with a clear reason when it is empty, binary or not UTF-8."""
    path = Path(path)
    raw = read_input(path, "an article")
    if not raw.strip():
        raise AigraphError("the article is empty", path=path)
    if b"\x00" in raw[:65536]:
        raise AigraphError("a binary file, not a text article (it holds NUL bytes)", path=path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise AigraphError(
            f"the article is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start});"
            " convert it, for example with iconv -f latin1 -t utf-8",
            path=path,
            line=line,
        ) from None
    control = re.search(r"[\x01-\x08\x0e-\x1f\x7f]", text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise AigraphError(
            f"a binary file, not a text article (control character {ord(control.group(0)):#04x})", path=path, line=line
        )
    article = ArticleText(text, path)
    if not article.sentences:
        raise AigraphError("the article is empty", path=path)
    return article


def _ontology(extensions: Sequence[str | Path]) -> tuple[Ontology, list[tuple[Path, list[ox.Quad]]], dict[str, str]]:
    """aigraph's ontology with the extensions, their triples (for draft:pattern) and their prefixes."""
    ext = load_extensions(extensions)
    return ext.ontology(), [(e.path, e.quads) for e in ext.items], ext.prefixes


def _gazetteer(paths: Sequence[str | Path], onto: Ontology) -> list[GazetteerEntry]:
    """The named entities of RDF graphs: their labels and aliases, their most specific class."""
    labels: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    types: dict[str, list[str]] = {}
    for path in paths:
        for q in read_rdf(path):
            if not isinstance(q.subject, ox.NamedNode):
                continue
            s, p, o = q.subject.value, q.predicate.value, q.object
            if p == RDFS + "label" and isinstance(o, ox.Literal):
                labels.setdefault(s, o.value)
            elif p == SKOS + "altLabel" and isinstance(o, ox.Literal):
                names.setdefault(s, []).append(o.value)
            elif p == RDF + "type" and isinstance(o, ox.NamedNode) and o.value in onto.terms:
                types.setdefault(s, []).append(o.value)
    out = []
    for iri, classes in types.items():
        classes = [c for c in classes if onto.terms[c].kind == "class" and not _PROVENANCE & set(onto.ancestors(c))]
        if not classes or iri not in labels or AIG + "Topic" in onto.ancestors(classes[0]):
            continue
        cls = max(classes, key=lambda c: len(onto.ancestors(c)))
        local = iri[len(KG) :] if iri.startswith(KG) else re.split(r"[/#]", iri)[-1]
        out.append(GazetteerEntry(local, labels[iri], names.get(iri, []), cls))
    return out


def _nlp_spans(model: str, sentences: list[str]) -> list[list[tuple[int, int]]]:
    """Organisation and product names from an installed spaCy pipeline (never downloaded)."""
    try:
        import spacy  # type: ignore[import-not-found]
    except ImportError:
        raise AigraphError(
            f"--nlp {model}: spaCy is not installed (draft works without it; aigraph never installs or downloads one)"
        ) from None
    try:
        nlp = spacy.load(model)
    except (OSError, ImportError):
        raise AigraphError(
            f"--nlp {model}: no such spaCy pipeline is installed (aigraph never downloads one)"
        ) from None
    out = []
    for doc in nlp.pipe(sentences):
        out.append([(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("ORG", "PRODUCT")])
    return out


# ---------------------------------------------------------------- the header, as init writes it


def _header(article: ArticleText, article_path: Path, output: Path | None, ontologies: Sequence[str | Path]) -> str:
    """The ``[article]`` table and the numbered sentences, as ``aigraph init`` writes them."""
    base = (output.parent if output is not None else Path.cwd()).resolve()
    rel = Path(os.path.relpath(article_path.resolve(), base)).as_posix()
    exts = [Path(os.path.relpath(Path(o).resolve(), base)).as_posix() for o in ontologies]
    return (
        article_table(article_id(article_path), rel, ontology=exts, hints=True)
        + "\n# The article's sentences, numbered as aigraph splits them. Evidence quotes are\n"
        "# matched against these (whitespace aside); a quote may run into the next one.\n#\n"
        + sentence_comments(article.sentences)
    )


# ---------------------------------------------------------------- drafting


def _camel(label: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", label)
    ident = "".join(w[0].upper() + w[1:] for w in words[:8]) or "Entity"
    return ident if ident[0].isalpha() else "E" + ident


class _Drafter:
    def __init__(
        self,
        article: ArticleText,
        onto: Ontology,
        extensions: list[tuple[Path, list[ox.Quad]]],
        prefixes: dict[str, str],
        gazetteer: list[GazetteerEntry],
        extra: list[list[tuple[int, int]]] | None,
    ) -> None:
        self.article = article
        self.onto = onto
        self.prefixes = prefixes
        classes = [t.iri for t in onto.classes if not _PROVENANCE & set(onto.ancestors(t.iri))]
        self.codes = {iri: _CODES[i % len(_CODES)] for i, iri in enumerate(sorted(classes))}
        self.cues = load_cues()
        self.patterns = load_patterns(onto, self.codes, self.cues, extensions)
        names = {t.iri[len(AIG) :]: t.iri for t in onto.classes if t.iri.startswith(AIG)}
        self.finder = MentionFinder(self.cues, names, gazetteer, extra)
        ranges = {t.iri: t.range or "" for t in onto.properties}
        self.matcher = Matcher(self.patterns, self.cues, self.finder.entities, ranges)
        self._quote_cache: dict[tuple[int, int, int, int], str | None] = {}
        self.places = QuotePlaces(article)

    # --- names of terms as the facts file writes them
    def curie(self, iri: str) -> str:
        return facts_name(iri, self.prefixes)

    def quote(self, first: int, start: int, last: int, end: int) -> str | None:
        """The shortest quote around the span, in whole words, that the builder finds in one place."""
        key = (first, start, last, end)
        if key in self._quote_cache:
            return self._quote_cache[key]
        sents = self.article.sentences
        if first == last:
            text, off = sents[first].text, 0
        else:
            text = sents[first].text + " " + sents[last].text
            off = len(sents[first].text) + 1
        a, b = start, off + end
        found: str | None = None
        for _ in range(80):
            q = text[a:b].strip()
            if q and q[-1] in ",;:":
                q = q[:-1].rstrip()
            places = self.places.places(q, most=2)
            if len(places) == 1 and len(places[0]) <= 2:
                found = q
                break
            if a == 0 and b == len(text):
                break
            # Grow by a word: to the right first (what follows tells places apart), then left.
            if b < len(text):
                nxt = text.find(" ", b + 1)
                b = len(text) if nxt < 0 else nxt
            else:
                prv = text.rfind(" ", 0, max(a - 1, 0))
                a = 0 if prv < 0 else prv + 1
        self._quote_cache[key] = found
        return found

    def run(self, shown: Progress) -> tuple[list[SentenceMentions], list[Proposal]]:
        texts = [s.text for s in self.article.sentences]
        self.finder.prepare(texts)
        found: list[SentenceMentions] = []
        prev_subject: str | None = None
        n = len(texts)
        for i, text in enumerate(texts):
            if i % 200 == 0:
                shown.update(f"names in sentence {i + 1} of {n}")
            sm = self.finder.find(i, text, prev_subject)
            prev_subject = sm.subject or prev_subject
            found.append(sm)
        proposals: list[Proposal] = []
        for i, sm in enumerate(found):
            if i % 200 == 0:
                shown.update(f"relations in sentence {i + 1} of {n}")
            masked = mask(sm, self.codes, self.finder.entities)
            asides = parentheticals(masked)
            forms = [(masked, asides)]
            if asides:
                forms.append((cut(masked, asides), []))
            proposals.extend(self.matcher.proposals(sm, forms, found[i - 1] if i else None))
        return found, proposals


@dataclass
class _Fact:
    p: Proposal
    subject: Entity
    object: Entity | None
    quotes: list[str]
    sentences: list[int]


def _class_fits(onto: Ontology, cls: str | None, want: str | None) -> bool:
    return want is None or cls is None or want in onto.ancestors(cls)


def draft_text(
    text: str,
    article_path: str | Path,
    output: str | Path | None = None,
    *,
    ontologies: Sequence[str | Path] = (),
    data: Sequence[str | Path] = (),
    nlp: str | None = None,
) -> Draft:
    """Draft a facts file for an article's text (``article_path`` is where the facts file will find it)."""
    article = ArticleText(text, article_path)
    return _draft(article, Path(article_path), Path(output) if output not in (None, "-") else None,
                  ontologies, data, nlp)


def _draft(
    article: ArticleText,
    article_path: Path,
    output: Path | None,
    ontologies: Sequence[str | Path],
    data: Sequence[str | Path],
    nlp: str | None,
) -> Draft:
    onto, extensions, prefixes = _ontology(ontologies)
    gazetteer = _gazetteer(data, onto) if data else []
    extra = _nlp_spans(nlp, [s.text for s in article.sentences]) if nlp else None
    d = _Drafter(article, onto, extensions, prefixes, gazetteer, extra)
    with progress(f"Drafting facts from {article_path.name}") as shown:
        found, proposals = d.run(shown)
        # Writing looks up a quote for every entity and fact: a second or so on a long text.
        shown.update(f"quotes for {len(proposals):,} proposals")
        return _Writer(d, found, proposals).write(_header(article, article_path, output, ontologies))


def draft(
    article: str | Path,
    output: str | Path | None = None,
    *,
    ontologies: Sequence[str | Path] = (),
    data: Sequence[str | Path] = (),
    nlp: str | None = None,
    force: bool = False,
) -> tuple[Path | str, Draft]:
    """Draft a facts file for ``article`` and write it (atomically) to ``output``.

    The default output is ``<article id>.facts.toml`` beside the article; an
    existing file is never overwritten unless ``force``. ``-`` writes to stdout.
    """
    path = Path(article)
    article_text = read_article(path)
    target: Path | str
    if output is None:
        target = default_output(path)
    else:
        target = output if str(output) == "-" else Path(output)
    if isinstance(target, Path) and (target.exists() or target.is_symlink()) and not force:
        raise AigraphError("already exists; draft never overwrites a facts file (give --force or another -o)",
                           path=target)
    if isinstance(target, Path) and not path.resolve().is_relative_to(target.parent.resolve()):
        # `aigraph build` reads an article only from the facts file's folder or below it.
        raise AigraphError(
            f"the article {path} is outside the folder of {target}, so `aigraph build` would refuse the draft;"
            " write it beside the article (the default) or in a folder above it",
            path=target,
        )
    result = _draft(article_text, path, target if isinstance(target, Path) else None, ontologies, data, nlp)
    write_bytes(target, result.text.encode("utf-8"))
    return target, result


class _Writer:
    """Decides what is asserted, commented or noted, and writes the TOML."""

    def __init__(self, d: _Drafter, found: list[SentenceMentions], proposals: list[Proposal]) -> None:
        self.d = d
        self.onto = d.onto
        self.found = found
        self.proposals = proposals
        self.ents = d.finder.entities
        self.topics: dict[str, Entity] = {}
        self.ids: dict[str, str] = {}
        self.used: set[str] = set()
        self.article_id = article_id(Path(str(d.article.path or "article.txt")))

    def _topic(self, p: Proposal) -> Entity:
        assert p.topic is not None
        t = p.topic
        key = f"t:{t.cls}:{t.label.lower()}"
        ent = self.topics.get(key)
        if ent is None:
            ent = Entity(key, t.label, [t.label], (p.sentence, t.start, t.end), cls=t.cls or None, kind="topic")
            ent.cue = (p.sentence, t.start, t.end)
            ent.why = f"the {self.d.curie(p.property)} of a proposal"
            self.topics[key] = ent
        return ent

    def _facts(self) -> tuple[list[_Fact], list[_Fact], list[tuple[Proposal, str]]]:
        best: dict[tuple, _Fact] = {}
        negated: dict[tuple, Proposal] = {}
        notes: list[tuple[Proposal, str]] = []
        for p in self.proposals:
            subj = self.ents[p.subject]
            obj = self.ents[p.object] if p.object else (self._topic(p) if p.topic else None)
            term = self.onto.terms[p.property]
            if not _class_fits(self.onto, subj.cls, term.domain):
                continue
            if obj is not None and p.topic is None:
                want = term.range
                if not _class_fits(self.onto, obj.cls, want):
                    continue
            key = (subj.key, p.property, obj.key if obj else p.value)
            if term.characteristics and "Symmetric" in term.characteristics and obj is not None:
                key = (*sorted((subj.key, obj.key)), p.property)  # type: ignore[assignment]
            if p.status == "negated":
                negated.setdefault(key, p)
                continue
            quote = self.d.quote(p.from_sentence, p.from_start if p.from_sentence != p.sentence else p.start,
                                 p.sentence, p.end)
            if quote is None:
                continue  # no quote found in one place only: nothing can be proposed from it
            fact = best.get(key)
            if fact is None:
                best[key] = _Fact(p, subj, obj, [quote], [p.sentence])
                continue
            rank = (p.status == "assert", p.confidence)
            if rank > (fact.p.status == "assert", fact.p.confidence):
                fact.p, fact.subject, fact.object = p, subj, obj
                if quote in fact.quotes:
                    fact.quotes.remove(quote)
                fact.quotes.insert(0, quote)
            elif quote not in fact.quotes and p.status == "assert" and len(fact.quotes) < 3:
                fact.quotes.append(quote)
            if p.sentence not in fact.sentences:
                fact.sentences.append(p.sentence)
        asserted, unsure = [], []
        for key, fact in best.items():
            if key in negated:
                n = negated.pop(key)
                fact.p.status = "unsure"
                fact.p.reason = f"sentence {n.sentence + 1} says the opposite ({n.reason})"
            if fact.p.status == "assert":
                asserted.append(fact)
            else:
                unsure.append(fact)
        for p in negated.values():
            notes.append((p, p.reason))
        return asserted, unsure, notes

    def _infer_class(self, ent: Entity, want: str | None, fact: _Fact) -> None:
        if ent.cls is None and want is not None:
            ent.cls = want
            ent.why = f"the {self.d.curie(fact.p.property)} pattern's {'domain' if ent is fact.subject else 'range'}"
            ent.cue = (fact.p.sentence, fact.p.start, fact.p.end)

    def _id(self, ent: Entity) -> str:
        if ent.key in self.ids:
            return self.ids[ent.key]
        known = ent.known_id and re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", ent.known_id)
        base = ent.known_id if known and ent.known_id else _camel(ent.label)
        ident, n = base, 2
        # Never the name of one of the article's own records (kg:<article id>, its sentences,
        # facts): build refuses such an id.
        while ident in self.used or record_name(self.article_id, ident) is not None:
            ident, n = f"{base}{n}", n + 1
        self.ids[ent.key] = ident
        self.used.add(ident)
        return ident

    def _entity_quote(self, ent: Entity) -> str | None:
        span = ent.cue or ent.first
        q = self.d.quote(span[0], span[1], span[0], span[2])
        if q is None and ent.cue is not None:
            q = self.d.quote(ent.first[0], ent.first[1], ent.first[0], ent.first[2])
        return q

    def _body_labels(self, facts: list[_Fact]) -> None:
        owners: dict[str, Entity] = {}
        for f in facts:
            if f.object is not None and f.object.kind == "body" and f.object.key not in owners:
                owners[f.object.key] = f.subject
        for key, owner in owners.items():
            ent = self.ents[key]
            if ent.label == ent.head:
                ent.label = f"{owner.label} {ent.head}"
                ent.names = [ent.label, ent.head]

    def write(self, header: str) -> Draft:
        asserted, unsure, notes = self._facts()
        for f in asserted + unsure:
            term = self.onto.terms[f.p.property]
            self._infer_class(f.subject, term.domain, f)
            if f.object is not None and f.p.topic is None:
                self._infer_class(f.object, term.range, f)
        self._body_labels(asserted + unsure)
        used_asserted = {f.subject.key for f in asserted} | {f.object.key for f in asserted if f.object}
        used_unsure = {f.subject.key for f in unsure} | {f.object.key for f in unsure if f.object}
        entities: list[Entity] = []
        commented: list[Entity] = []
        for ent in [*self.ents.values(), *self.topics.values()]:
            cued = ent.cls is not None and ent.kind in ("name", "gazetteer") and ent.rank >= 2
            if ent.key in used_asserted or cued:
                entities.append(ent)
            elif ent.key in used_unsure or ent.kind in ("name",):
                commented.append(ent)
        order = {"gazetteer": 0, "name": 0, "body": 1, "topic": 2}
        entities.sort(key=lambda e: (order[e.kind], e.first))
        out = [
            "# Facts drafted by `aigraph draft` for a person to review: nothing here is",
            "# checked by anyone yet. Every [[fact]] quotes the article verbatim (the quote",
            "# was found in one place only, as `aigraph build` requires); the comment above",
            "# it names the pattern that proposed it and a confidence. Proposals that are",
            "# hedged or unsure are commented out: uncomment the ones the article supports.",
            "# Delete what is wrong, fix the title, then run `aigraph build --facts THIS_FILE`.",
            "",
            header,
        ]
        result = Draft(text="", sentences=len(self.d.article.sentences))
        declared: set[str] = set()
        out.append("# ---------------------------------------------------------------- entities\n")
        for ent in entities:
            block = self._entity_block(ent)
            if block is None:
                continue
            declared.add(ent.key)
            out.append(block)
            result.entities += 1
        if commented:
            out.append("# Names found but not used by any fact above (or only by unsure ones):")
            for ent in commented:
                block = self._entity_block(ent) if ent.cls else None
                if block is not None and ent.key in used_unsure:
                    continue  # written with the unsure fact that needs it
                out.append(f"#   {ent.label} (sentence {ent.first[0] + 1}{', ' + ent.why if ent.why else ''})")
            out.append("")
        out.append("# ---------------------------------------------------------------- facts\n")
        ids: set[str] = set()
        for f in sorted(asserted, key=lambda f: (f.p.sentence, f.p.start)):
            if f.subject.key not in declared or (f.object is not None and f.object.key not in declared):
                continue
            out.append(self._fact_block(f, ids, result))
            result.facts += 1
        if unsure:
            out.append("# ---------------------------------------------------------------- unsure")
            out.append("# Uncomment a block (its entities come with it) if the article supports it.\n")
        for f in sorted(unsure, key=lambda f: (f.p.sentence, f.p.start)):
            lines = []
            for needed in (f.subject, f.object):
                if needed is not None and needed.key not in declared:
                    block = self._entity_block(needed)
                    if block is None:
                        break
                    declared.add(needed.key)
                    lines.append(block)
            else:
                lines.append(self._fact_block(f, ids, result))
                body = "\n".join(lines).rstrip("\n").splitlines()
                out.append("\n".join(("# " + x if x and not x.startswith("#") else x or "#") for x in body) + "\n")
                result.unsure += 1
        if notes:
            out.append("# ---------------------------------------------------------------- not proposed")
        for p, reason in notes:
            obj = self.ents[p.object].label if p.object else (p.topic.label if p.topic else str(p.value))
            out.append(
                f"# sentence {p.sentence + 1}: {self.ents[p.subject].label} {self.d.curie(p.property)} {obj}"
                f" - {reason}"
            )
        result.not_proposed = len(notes)
        result.text = "\n".join(out).rstrip("\n") + "\n"
        return result

    def _entity_block(self, ent: Entity) -> str | None:
        if ent.cls is None:
            return None
        quote = self._entity_quote(ent)
        if quote is None:
            return None
        lines = [f"# {ent.why or 'named in sentence ' + str(ent.first[0] + 1)}", "[[entity]]"]
        lines.append(f"id = {toml_string(self._id(ent))}")
        lines.append(f"label = {toml_string(ent.label)}")
        lines.append(f"class = {toml_string(self.d.curie(ent.cls))}")
        aliases = [n for n in dict.fromkeys(ent.names) if n != ent.label]
        if aliases:
            lines.append("aliases = [" + ", ".join(toml_string(a) for a in aliases) + "]")
        lines.append(f"evidence = {toml_string(quote)}")
        return "\n".join(lines) + "\n"

    def _fact_block(self, f: _Fact, ids: set[str], result: Draft) -> str:
        p = f.p
        prop = self.d.curie(p.property)
        obj_id = self._id(f.object) if f.object is not None else None
        base = re.sub(r"[^A-Za-z0-9-]+", "-", f"{self._id(f.subject)}-{prop}-{obj_id or p.value}").strip("-").lower()
        if base.startswith("type-"):  # build keeps fact ids "type-..." for the class of each entity
            base = "f-" + base
        ident, n = base[:80], 2
        while ident in ids:
            ident, n = f"{base[:80]}-{n}", n + 1
        ids.add(ident)
        why = f"sentence {', '.join(str(s + 1) for s in sorted(f.sentences))} · pattern {p.template!r}"
        why += f" · confidence {p.confidence:.2f}"
        if p.reason:
            why += f" · {p.reason}"
        lines = [f"# {why}"]
        lines.extend(f"# {note}" for note in p.notes)
        lines.append("[[fact]]")
        lines.append(f"id = {toml_string(ident)}")
        lines.append(f"subject = {toml_string(self._id(f.subject))}")
        lines.append(f"predicate = {toml_string(prop)}")
        if obj_id is not None:
            lines.append(f"object = {toml_string(obj_id)}")
        else:
            lines.append(f"value = {p.value}")
        if len(f.quotes) == 1:
            lines.append(f"evidence = {toml_string(f.quotes[0])}")
        else:
            lines.append("evidence = [" + ", ".join(toml_string(q) for q in f.quotes) + "]")
        result.quotes.extend(f.quotes)
        return "\n".join(lines) + "\n"


def drafted_quotes(text: str) -> Iterable[str]:
    """Every evidence quote of the uncommented tables of a drafted file (for checks)."""
    import tomllib

    doc = tomllib.loads(text)
    for table in [*doc.get("entity", []), *doc.get("fact", [])]:
        ev = table["evidence"]
        yield from ([ev] if isinstance(ev, str) else ev)
