"""Build the knowledge graph from a facts file, its article and the ontology.

Every triple about an entity is reified as an ``aig:Fact`` that quotes the
article and points at the sentence(s) the quote comes from; a quote that is
not in the article, a term the ontology lacks or an undeclared entity stops
the build with the facts file's name and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .. import resources
from ..errors import AigraphError
from ..facts.extensions import Extensions, load_extensions
from ..facts.reader import FactsFile, read_facts, suggest
from ..files import check_input, guard_inputs, write_bytes
from ..namespaces import AIG, DCTERMS, KG, OWL, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, facts_name
from ..ontology import Ontology, Term
from ..progress import progress
from ..rdfio import serialize
from ..sources.article import ArticleText, Sentence

if TYPE_CHECKING:
    from .validate import Report, Result

DEFAULT_OUTPUT = Path("graphs/ai-alliance.ttl")
"""Where ``build()`` writes the shipped article's graph (others: ``graphs/<article id>.ttl``)."""

_N = ox.NamedNode
_TYPE = _N(RDF + "type")


def _lit(value: str | int | float | bool, datatype: str | None = None) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_N(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_N(datatype or XSD + "integer"))
    if isinstance(value, float):
        if datatype == XSD + "decimal":  # no exponent in a decimal
            return ox.Literal(format(Decimal(repr(value)), "f"), datatype=_N(datatype))
        return ox.Literal(repr(value), datatype=_N(datatype or XSD + "double"))
    return ox.Literal(value, datatype=_N(datatype) if datatype else None)


_INTEGER = r"[+-]?[0-9]+"
# datatype -> (what to ask for, lexical pattern, lowest, highest)
_DATATYPES: dict[str, tuple[str, str, int | None, int | None]] = {
    "integer": ("an integer", _INTEGER, None, None),
    "long": ("an integer", _INTEGER, -(2**63), 2**63 - 1),
    "int": ("an integer", _INTEGER, -(2**31), 2**31 - 1),
    "short": ("an integer", _INTEGER, -(2**15), 2**15 - 1),
    "byte": ("an integer", _INTEGER, -128, 127),
    "nonNegativeInteger": ("an integer >= 0", _INTEGER, 0, None),
    "positiveInteger": ("an integer >= 1", _INTEGER, 1, None),
    "nonPositiveInteger": ("an integer <= 0", _INTEGER, None, 0),
    "negativeInteger": ("an integer <= -1", _INTEGER, None, -1),
    "unsignedLong": ("an integer >= 0", _INTEGER, 0, 2**64 - 1),
    "unsignedInt": ("an integer >= 0", _INTEGER, 0, 2**32 - 1),
    "unsignedShort": ("an integer >= 0", _INTEGER, 0, 2**16 - 1),
    "unsignedByte": ("an integer >= 0", _INTEGER, 0, 255),
    "decimal": ("a decimal number", r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", None, None),
    "double": ("a number", r"[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|INF)|NaN", None, None),
    "float": ("a number", r"[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|INF)|NaN", None, None),
    "boolean": ("true or false", r"true|false|1|0", None, None),
    "string": ("a string", r"(?s).*", None, None),
    "date": ("a date such as \"2023-12-05\"", r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?", None, None),
    "dateTime": (
        "a date and time such as \"2023-12-05T10:00:00Z\"",
        r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?",
        None,
        None,
    ),
}


def _did_you_mean(name: str, known: list[str]) -> str:
    return suggest(name, known, listing=False)


def _toml(value: object) -> str:
    """A value as the facts file spells it."""
    return str(value).lower() if isinstance(value, bool) else repr(value)


def _value_problem(value: str | int | float | bool | None, datatype: str | None) -> str | None:
    """What a datatype property wants, if ``value`` would make an ill-typed literal."""
    if value is None or datatype is None or not datatype.startswith(XSD):
        return None
    rule = _DATATYPES.get(datatype[len(XSD) :])
    if rule is None:
        return None
    want, pattern, low, high = rule
    numeric = pattern != _DATATYPES["string"][1] and "date" not in datatype and not datatype.endswith("boolean")
    if isinstance(value, bool) != datatype.endswith("#boolean") and not isinstance(value, str):
        return want
    if isinstance(value, int | float) and not numeric:
        return want
    if isinstance(value, float) and pattern == _INTEGER:
        return want
    lexical = _lit(value, datatype).value
    if not re.fullmatch(pattern, lexical):
        return want
    if pattern == _INTEGER and (
        (low is not None and int(lexical) < low) or (high is not None and int(lexical) > high)
    ):
        return want + (f" from {low} to {high}" if low is not None and high is not None else "")
    return None


def _span(run: tuple[Sentence, ...]) -> str:
    """``4`` or ``4-5``: the sentences one occurrence of a quote covers."""
    first, last = run[0].index, run[-1].index
    return str(first) if first == last else f"{first}-{last}"


# The builder writes these records itself; an entity of one of these classes
# would be checked as a provenance record, not as an entity.
_PROVENANCE_CLASSES = {AIG + "Fact", AIG + "Sentence", AIG + "Article"}


def _sentence_name(article_id: str, index: int) -> str:
    return f"{article_id}-s{index:02d}"


def _fact_name(article_id: str, fact_id: str) -> str:
    # The article id comes first, as in sentence names: two articles of a corpus
    # may both have a fact ``count``, and their records must stay apart.
    return f"{article_id}-fact-{fact_id}"


def _type_fact_id(entity_id: str) -> str:
    return f"type-{entity_id}"


def _check_names(facts: FactsFile) -> None:
    """Refuse ids that would name a provenance record: the entity would merge into it.

    The records are kg:<article id>, kg:<article id>-sNN (sentences, see
    :func:`_sentence_name`), kg:<article id>-fact-<fact id> and
    kg:<article id>-fact-type-<entity id> (:func:`_fact_name`, :func:`_type_fact_id`);
    keep this in step with them.
    """
    a = facts.article
    for ent in facts.entities.values():
        problem = record_name(a.id, ent.id)
        if problem is None:
            continue
        raise AigraphError(
            f"entity {ent.id!r}: kg:{ent.id} would be {problem}, and the entity would merge into it"
            f" (aigraph names the article kg:<article id>, its sentences kg:{_sentence_name('<article id>', 1)},"
            f" ... and facts kg:{_fact_name('<article id>', '<id>')}); choose another id",
            path=facts.path,
            line=ent.at("id"),
        )
    for fact in facts.facts:
        if fact.id.startswith(_type_fact_id("")):
            raise AigraphError(
                f"fact {fact.id!r}: ids starting with {_type_fact_id('')!r} name the records of entity classes"
                f" ({_fact_name('<article id>', _type_fact_id('<entity id>'))}); choose another id",
                path=facts.path,
                line=fact.at("id"),
            )


def record_name(article_id: str, ident: str) -> str | None:
    """Which of an article's provenance records the local name ``ident`` is, if any."""
    if ident == article_id:
        return "the article's record (the [article] id)"
    if ident == article_id + "-graph":
        return "the article's graph record (kg:<article id>-graph)"
    if re.fullmatch(re.escape(article_id) + r"-s[0-9]{2,}", ident):
        return f"sentence {int(ident.rsplit('-s', 1)[1])}'s record"
    if ident.startswith(_fact_name(article_id, "")):
        return "a fact's record"
    return None


_SCAN_LIMIT = 50_000_000  # characters scanned for quotes before indexing the article's words pays


class _Builder:
    def __init__(self, facts: FactsFile, article: ArticleText, ext: Extensions) -> None:
        self.facts = facts
        self.article = article
        self.ext = ext
        self.onto: Ontology = ext.ontology()
        self.prefixes = {**ext.prefixes, **{"aig": AIG}}
        self.ns = namespace(facts)
        self.triples: list[ox.Triple] = []
        self.art = _N(self.ns + facts.article.id)
        self.places = article.places
        quotes = sum(len(e.evidence) for e in facts.entities.values()) + sum(len(f.evidence) for f in facts.facts)
        if quotes * len(article._joined()[0]) > _SCAN_LIMIT:
            # places() scans the whole article for each quote: quadratic for a long article
            # with many facts (20,000 facts: 9 s). A word index gives the same answers.
            from ..sources.article import QuotePlaces

            self.places = QuotePlaces(article).places

    def name(self, iri: str) -> str:
        """A term as a facts file writes it: bare for aig:, else prefixed, else the full IRI."""
        return facts_name(iri, self.prefixes)

    def term(self, written: str, who: str, what: str, kinds: tuple[str, ...], known: list[str], line: int) -> Term:
        """The ontology term a facts file names (``memberOf``, ``ex:acquired``, or a full IRI)."""
        iri = self.iri(written.strip(), who + what, line)
        term = self.onto.terms.get(iri)
        if term is not None and term.kind in kinds:
            return term
        # "is not a property of the ontology" / "is not in the ontology": the words users grep for.
        noun = "a property of the ontology" if what == "property" else "in the ontology"
        if term is not None:
            problem = f"is not {noun}: it is a {'class' if term.kind == 'class' else 'property'}"
        elif iri.startswith(AIG) or not self.ext:
            problem = f"is not {noun}"
            if not iri.startswith(AIG):
                problem += " (no ontology extension declares it: name one in [article] ontology or --ontology)"
        else:
            exts = ", ".join(str(e.path) for e in self.ext.items)
            named = any(isinstance(q.subject, ox.NamedNode) and q.subject.value == iri for q in self.ext.quads)
            problem = f"is not {noun} or its extensions ({exts})" + (
                ": declare it as an owl:Class, owl:ObjectProperty or owl:DatatypeProperty" if named else ""
            )
        raise AigraphError(
            f"{who}{'predicate' if what == 'property' else what} {written!r} {problem}" + suggest(written, known),
            path=self.facts.path,
            line=line,
        )

    def iri(self, written: str, what: str, line: int) -> str:
        if written.startswith("<") and written.endswith(">"):
            return written[1:-1]
        if re.match(r"(?i)https?://", written):
            return written
        prefix, colon, local = written.partition(":")
        if not colon:
            return AIG + written
        known = {**PREFIXES, **self.prefixes}
        if prefix not in known:
            raise AigraphError(
                f"{what} {written!r}: unknown prefix {prefix}:; declare it in an ontology extension"
                f" (@prefix {prefix}: <https://...> .) named in [article] ontology or with --ontology,"
                " or write the full IRI",
                path=self.facts.path,
                line=line,
            )
        return known[prefix] + local

    def add(self, s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        self.triples.append(ox.Triple(s, _N(p), o))

    def sentence_iri(self, s: Sentence) -> ox.NamedNode:
        return _N(self.ns + _sentence_name(self.facts.article.id, s.index))

    def evidence(self, quotes: Iterable[str], line: int) -> list[Sentence]:
        found: dict[int, Sentence] = {}
        for quote in quotes:
            places = self.places(quote)
            short = quote if len(quote) <= 80 else quote[:77] + "..."
            if not places:
                raise AigraphError(
                    f"quote is not in the article {self.article.path}: {short!r}",
                    path=self.facts.path,
                    line=line,
                )
            if len(places) > 1:
                # The facts file cannot say which place is meant: citing the first would be a guess.
                where = ", ".join(_span(run) for run in places)
                raise AigraphError(
                    f"quote {short!r} is in more than one place (sentences {where});"
                    " quote more words so that it matches one place",
                    path=self.facts.path,
                    line=line,
                )
            if len(places[0]) > 2:
                # The SHACL shapes check a quote against at most two consecutive sentences.
                raise AigraphError(
                    f"quote {short!r} runs over sentences {_span(places[0])};"
                    " split it into quotes of at most two sentences",
                    path=self.facts.path,
                    line=line,
                )
            found.update((s.index, s) for s in places[0])
        return [found[i] for i in sorted(found)]

    def reify(
        self,
        fact_id: str,
        s: ox.NamedNode,
        p: str,
        o: ox.NamedNode | ox.Literal,
        quotes: tuple[str, ...],
        line: int,
    ) -> None:
        sentences = self.evidence(quotes, line)
        self.add(s, p, o)
        f = _N(self.ns + _fact_name(self.facts.article.id, fact_id))
        self.add(f, RDF + "type", _N(AIG + "Fact"))
        self.add(f, RDF + "subject", s)
        self.add(f, RDF + "predicate", _N(p))
        self.add(f, RDF + "object", o)
        for q in quotes:
            self.add(f, AIG + "quote", ox.Literal(" ".join(q.split())))
        for sent in sentences:
            self.add(f, AIG + "evidence", self.sentence_iri(sent))

    def run(self) -> list[ox.Triple]:
        _check_names(self.facts)
        a = self.facts.article
        # The data names the ontology it needs (OWL's way: OWL tools load the
        # import; a triple store does not, so the README says to load the
        # export --with-ontology). An owl:Ontology needs no evidence (shapes.ttl).
        graph = _N(self.ns + a.id + "-graph")
        self.add(graph, RDF + "type", _N(OWL + "Ontology"))
        for onto_iri in self.onto.iris:
            self.add(graph, OWL + "imports", _N(onto_iri))
        self.add(self.art, RDF + "type", _N(AIG + "Article"))
        self.add(self.art, RDFS + "label", ox.Literal(a.title))
        self.add(self.art, DCTERMS + "title", ox.Literal(a.title))
        if a.url:
            self.add(self.art, SCHEMA + "url", ox.Literal(a.url, datatype=_N(XSD + "anyURI")))
        if a.published:
            self.add(
                self.art, SCHEMA + "datePublished", _lit(a.published.isoformat(), XSD + "date")
            )
        if a.language:
            self.add(self.art, DCTERMS + "language", ox.Literal(a.language))
        for sent in self.article.sentences:
            iri = self.sentence_iri(sent)
            self.add(iri, RDF + "type", _N(AIG + "Sentence"))
            self.add(iri, RDFS + "label", ox.Literal(f"Sentence {sent.index}"))
            self.add(iri, AIG + "sentenceIndex", _lit(sent.index, XSD + "integer"))
            self.add(iri, PROV + "value", ox.Literal(sent.text))
            self.add(iri, PROV + "wasQuotedFrom", self.art)

        own = self.ext_terms
        known = [
            self.name(t.iri)
            for t in self.onto.classes
            if (t.iri.startswith(AIG) or t.iri in own) and not _PROVENANCE_CLASSES & set(self.onto.ancestors(t.iri))
        ]
        for ent in self.facts.entities.values():
            cls = self.term(ent.cls, f"entity {ent.id!r}: ", "class", ("class",), known, ent.at("class"))
            if _PROVENANCE_CLASSES & set(self.onto.ancestors(cls.iri)):
                raise AigraphError(
                    f"entity {ent.id!r}: class {ent.cls!r} is for the records aigraph writes itself"
                    f" (facts, sentences, articles), not for entities (classes: {', '.join(known)})",
                    path=self.facts.path,
                    line=ent.at("class"),
                )
            iri = _N(self.ns + ent.id)
            self.add(iri, RDFS + "label", ox.Literal(ent.label))
            for alias in ent.aliases:
                self.add(iri, SKOS + "altLabel", ox.Literal(alias))
            if AIG + "Topic" in self.onto.ancestors(cls.iri):
                self.add(iri, SKOS + "prefLabel", ox.Literal(ent.label))
            self.reify(_type_fact_id(ent.id), iri, RDF + "type", _N(cls.iri), ent.evidence, ent.at("evidence"))

        props = [
            self.name(t.iri)
            for t in self.onto.properties
            if (t.iri.startswith(AIG) or t.iri in own) and not (t.domain and t.domain in _PROVENANCE_CLASSES)
        ]
        for fact in self.facts.facts:
            prop = self.term(
                fact.predicate, f"fact {fact.id!r}: ", "property", ("object", "datatype"), props, fact.at("predicate")
            )
            subject = self.entity(fact.subject, fact.id, fact.at("subject"))
            obj: ox.NamedNode | ox.Literal
            if prop.kind == "object":
                if fact.object is None:
                    raise AigraphError(
                        f"fact {fact.id!r}: {fact.predicate!r} links two entities; give 'object', not 'value'",
                        path=self.facts.path,
                        line=fact.at("value"),
                    )
                obj = self.entity(fact.object, fact.id, fact.at("object"))
            else:
                if fact.value is None:
                    raise AigraphError(
                        f"fact {fact.id!r}: {fact.predicate!r} takes a literal; give 'value', not 'object'",
                        path=self.facts.path,
                        line=fact.at("object"),
                    )
                datatype = prop.range if prop.range and prop.range.startswith(XSD) else None
                problem = _value_problem(fact.value, datatype)
                if problem:
                    raise AigraphError(
                        f"fact {fact.id!r}: {fact.predicate!r} takes {problem}, not {_toml(fact.value)}",
                        path=self.facts.path,
                        line=fact.at("value"),
                    )
                obj = _lit(fact.value, datatype)
            self.reify(fact.id, subject, prop.iri, obj, fact.evidence, fact.at("evidence"))
        return self.triples

    def entity(self, ident: str, fact_id: str, line: int) -> ox.NamedNode:
        if ident not in self.facts.entities:
            raise AigraphError(
                f"fact {fact_id!r}: entity {ident!r} is not declared as an [[entity]]"
                + _did_you_mean(ident, list(self.facts.entities)),
                path=self.facts.path,
                line=line,
            )
        return _N(self.ns + ident)

    @property
    def ext_terms(self) -> set[str]:
        return {q.subject.value for q in self.ext.quads if isinstance(q.subject, ox.NamedNode)}


def _order(t: ox.Triple) -> tuple:
    p = t.predicate.value
    rank = 0 if p == RDF + "type" else 1 if p == RDFS + "label" else 2
    return (getattr(t.subject, "value", str(t.subject)), rank, p, str(t.object))


def _check_article_path(facts: FactsFile, allow_outside: bool) -> None:
    """The article must be a regular file in the facts file's folder (or below it).

    Otherwise a facts file could have any readable file (``/etc/passwd``,
    ``/proc/self/environ``) copied into the graph. Links are followed first, so
    a link beside the facts file to a file elsewhere is outside too.
    """
    art = facts.article
    _check_named_file(facts, art.path, "the article", "a text file", "path", allow_outside)


def _check_named_file(
    facts: FactsFile, path: Path, what: str, kind: str, key: str, allow_outside: bool
) -> None:
    """A file the ``[article]`` table names (``key``) must be a regular file inside the
    facts file's folder, links resolved, unless ``allow_outside`` (the same rule for
    the article and for ontology extensions: either could show another file's content,
    in the graph or in a parse error)."""
    if not allow_outside:
        folder = Path(facts.path).parent
        try:
            root, target = folder.resolve(), path.resolve()
        except (OSError, RuntimeError, ValueError):  # a looping link, a NUL: check_input says so below
            target = None
        if target is not None and not target.is_relative_to(root):
            raise AigraphError(
                f"{what} {path} is outside the facts file's folder (it is {target}); aigraph reads"
                f" {'an article' if key == 'path' else 'an ontology extension'} only from that folder or below it,"
                " unless told to with"
                " --allow-outside-article (allow_outside_article=True in Python)",
                path=facts.path,
                line=facts.article.at(key),
            )
    try:
        check_input(path, kind)
    except AigraphError as exc:  # name the line of the facts file that points there
        detail = " does not exist" if exc.message == "no such file" else f": {exc.message}"
        raise AigraphError(f"{what} {path}{detail}", path=facts.path, line=facts.article.at(key)) from None


def check_named_files(facts: FactsFile, allow_outside: bool) -> None:
    """Check every file the facts file names (article, ontology extensions) before any is read."""
    _check_article_path(facts, allow_outside)
    for path in facts.article.ontology:
        _check_named_file(facts, path, "the ontology extension", "an ontology extension", "ontology", allow_outside)


def namespace(facts: FactsFile) -> str:
    """Where a facts file's IRIs are minted: its ``[article] namespace``, else kg:."""
    return facts.article.namespace or KG


def extensions_for(
    facts: FactsFile, ontology: Sequence[str | Path] = (), *, allow_outside: bool = False
) -> Extensions:
    """The ontology extensions a build uses: those the facts file names, then ``ontology``.

    Those the facts file names must lie in its folder (see :func:`check_named_files`).
    """
    for path in facts.article.ontology:
        _check_named_file(facts, path, "the ontology extension", "an ontology extension", "ontology", allow_outside)
    return load_extensions([*facts.article.ontology, *ontology])


def build_graph(
    facts: str | Path | None = None,
    *,
    validate: bool = True,
    ontology: Sequence[str | Path] = (),
    allow_outside_article: bool = False,
) -> list[ox.Triple]:
    """Build the graph's triples from a facts file (default: the shipped one).

    The article path is read from the facts file's ``[article]`` table; it must
    lie in the facts file's folder (links resolved) unless
    ``allow_outside_article``, and be UTF-8 text of at most 10 MiB. Terms may
    come from ontology extensions: those the table names (``ontology``: in the
    same folder, under the same rule) and those in ``ontology``. With ``validate`` the result must conform to the
    SHACL shapes, read with the extensions' domains and ranges.
    """
    if facts is None:
        with resources.as_path(resources.facts()) as path:
            return build_graph(
                path, validate=validate, ontology=ontology, allow_outside_article=allow_outside_article
            )
    return _build(read_facts(facts), validate, ontology, allow_outside_article)[0]


def _build(
    facts_file: FactsFile, validate: bool, ontology: Sequence[str | Path], allow_outside_article: bool
) -> tuple[list[ox.Triple], Extensions]:
    art = facts_file.article
    check_named_files(facts_file, allow_outside_article)
    article = ArticleText.read(art.path)
    if not article.sentences:
        raise AigraphError(f"the article {art.path} is empty", path=facts_file.path, line=art.at("path"))
    ext = extensions_for(facts_file, ontology, allow_outside=allow_outside_article)
    with progress(f"Building the graph from {Path(facts_file.path).name}") as shown:
        triples = sorted(set(_Builder(facts_file, article, ext).run()), key=_order)
        report = None
        if validate:
            from .validate import validate_graph

            shown.update(f"checking {len(triples)} triples against the SHACL shapes")
            report = validate_graph(triples, ontology=ext.quads)
    if report is not None:
        check_report(facts_file, report, ext)
    return triples, ext


def check_report(facts_file: FactsFile, report: Report, ext: Extensions) -> None:
    """Stop with the first SHACL result (and the facts-file line it comes from) unless the graph conforms."""
    if report.conforms:
        return
    first = report.results[0]
    for r in report.results:
        if r.message.startswith("ill-typed literal") and r.severity == "Violation":
            _ill_typed_in_extension(r, ext)  # the builder types the facts' own values: an extension's
    line = _line_of(facts_file, first.node, first.path, ext)
    raise AigraphError(
        f"SHACL validation failed ({len(report.results)} result(s)); first: {_shorten(str(first), ext)}",
        path=facts_file.path,
        line=line,
    )


def _ill_typed_in_extension(result: Result, ext: Extensions) -> None:
    """Name the extension file and line of an ill-typed literal, where one holds it."""
    import json

    for item in ext.items:
        if any(getattr(q.subject, "value", None) == result.focus for q in item.quads):
            at = item.text.find(json.dumps(result.value, ensure_ascii=False))
            line = item.text.count("\n", 0, at) + 1 if at >= 0 else item.line_of(result.focus)
            raise AigraphError(
                _shorten(str(result).removeprefix(f"{result.severity}: "), ext),
                path=item.path,
                line=line,
            )


def _shorten(text: str, ext: Extensions) -> str:
    """Extension IRIs in a message written with the extension's prefixes."""
    for prefix, ns in sorted(ext.prefixes.items(), key=lambda kv: -len(kv[1])):
        text = re.sub(re.escape(ns) + r"([A-Za-z_][\w-]*)", prefix + r":\1", text)
    return text


def _line_of(
    facts: FactsFile, focus: str, path: str | None = None, ext: Extensions | None = None
) -> int | None:
    """The facts-file line that produced a node (or its ``path`` triple), for error messages."""
    ns = namespace(facts)
    if path and focus.startswith(ns):
        subject = focus[len(ns) :]
        prefixes = {**PREFIXES, **(ext.prefixes if ext else {})}
        for fact in facts.facts:
            written = fact.predicate.strip()
            prefix, colon, local = written.partition(":")
            iri = AIG + written if not colon else prefixes.get(prefix, "") + local
            if fact.subject == subject and path in (iri, written.strip("<>")):
                return fact.line
    records = ns + _fact_name(facts.article.id, "")
    if focus.startswith(records + _type_fact_id("")):
        ent = facts.entities.get(focus[len(records + _type_fact_id("")) :])
        return ent.line if ent else None
    if focus.startswith(records):
        fid = focus[len(records) :]
        return next((f.line for f in facts.facts if f.id == fid), None)
    ent = facts.entities.get(focus[len(ns) :])
    return ent.line if ent else None


# Line breaks to Unicode (and to str.splitlines) that Oxigraph writes raw in
# strings and IRIs, as Turtle allows; written as \u escapes (also valid Turtle
# there, and these never occur elsewhere in its output) so that no tool that
# reads line by line splits a string.
_RAW_BREAKS = str.maketrans({c: f"\\u{ord(c):04X}" for c in "\x85\u2028\u2029"})


def to_turtle(triples: list[ox.Triple], prefixes: Mapping[str, str] | None = None) -> bytes:
    """Readable, deterministic Turtle: aigraph prefixes (and ``prefixes``), one blank line between subjects."""
    raw = serialize(triples, "turtle", {**PREFIXES, **(prefixes or {})}).decode("utf-8").translate(_RAW_BREAKS)
    out: list[str] = []
    # Turtle lines end at \n only: str.splitlines() would also cut at U+2028 and
    # the like inside a string, and the join would put a raw newline there.
    for line in raw.removesuffix("\n").split("\n"):
        if out and line and not line[0].isspace() and not line.startswith("@prefix"):
            out.append("")
        out.append(line)
    return ("\n".join(out) + "\n").encode("utf-8")


def default_output(facts: str | Path | None = None) -> Path:
    """Where a build writes without ``-o``: ``graphs/<article id>.ttl`` in the current folder.

    The shipped AI Alliance article (id ``ai-alliance-article``) keeps ``graphs/ai-alliance.ttl``.
    """
    from ..store.dataset import graph_file

    return graph_file(read_facts(facts).article.id if facts is not None else None)


def build(
    facts: str | Path | None = None,
    output: str | Path | None = None,
    *,
    ontology: Sequence[str | Path] = (),
    allow_outside_article: bool = False,
) -> list[ox.Triple]:
    """Build the graph and write it as Turtle to ``output`` (atomically; ``-`` for stdout).

    ``output`` defaults to :func:`default_output`, ``graphs/<article id>.ttl``.
    The Turtle declares the extensions' prefixes too. ``allow_outside_article``
    lets the facts file name an article outside its folder. ``output`` may not
    be one of the files the build reads (facts, article, extensions).
    """
    if facts is None:
        with resources.as_path(resources.facts()) as path:
            target = output if output is not None else DEFAULT_OUTPUT
            return build(path, target, ontology=ontology, allow_outside_article=allow_outside_article)
    with guard_inputs():
        facts_file = read_facts(facts)
        target = output if output is not None else default_output(facts)
        triples, ext = _build(facts_file, True, ontology, allow_outside_article)
        write_bytes(target, to_turtle(triples, ext.prefixes))
    return triples
