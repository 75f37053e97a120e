"""The data `aigraph draft` works from: relation patterns and cue words.

The shipped ``data/draft/patterns.toml`` gives patterns for the ontology's
properties and the cue words for entity kinds, negation and hedging. An
ontology extension may bring patterns for its own properties as
``draft:pattern`` annotations (``draft:`` is :data:`DRAFT`). Templates are
compiled here into regular expressions over a *masked* sentence, in which
every entity mention is a placeholder ``⟦index:codes⟧`` (see
:mod:`aigraph.facts.mentions`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import pyoxigraph as ox

from .. import resources
from ..errors import AigraphError
from ..namespaces import AIG
from ..ontology import Ontology

DRAFT = "https://w3id.org/aigraph/draft#"
"""Namespace of the annotations an extension uses to bring its own patterns."""

PATTERN = DRAFT + "pattern"
CONFIDENCE = DRAFT + "confidence"

# Placeholders: ⟦12:AB⟧ an entity or a list of entities (one class code each),
# ⟦12~A⟧ the pronoun "it", ⟦12^A⟧ the possessive "its".
OPEN, CLOSE = "⟦", "⟧"
GAP_WORD = r"[^\s⟦⟧,;:.!?\"“”()]+"


@dataclass
class Template:
    text: str
    pattern: str  # the regular expression, compiled on first use (most never run on a short article)
    slot: str  # kind of object slot: entity, pairs, nouns, verbs, phrase, number
    has_subject: bool
    # One of these (lower case) is in every sentence it matches: as a word (the
    # letters-only ones) or else as a substring (see relations.Matcher._candidates).
    anchors: tuple[str, ...] = ()

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.IGNORECASE)

    @cached_property
    def literals(self) -> tuple[int, ...]:
        """Group numbers of the template's own words."""
        return tuple(_literal_groups(self.regex))


@dataclass
class Pattern:
    property: str  # IRI
    confidence: float
    templates: list[Template]
    object_class: str | None = None  # IRI narrowing the range
    exclude: tuple[str, ...] = ()
    source: str = "patterns.toml"


@dataclass
class Cues:
    fillers: list[str]
    adverbs: bool
    negation: list[str]
    hedging: list[str]
    clause_breaks: list[str]
    phrase_stops: set[str]
    noun_stops: set[str]
    leading_words: set[str]
    name_connectors: list[str]
    not_names: set[str]
    definite_heads: set[str]
    kinds: list[dict]
    bodies: list[dict]
    body_words: dict
    threshold: float
    trigger_words: set[str] = field(default_factory=set)


@lru_cache(maxsize=1)
def _shipped() -> dict:
    return tomllib.loads(resources.data("draft", "patterns.toml").read_text(encoding="utf-8"))


def load_cues() -> Cues:
    """The cue words of the shipped patterns file."""
    doc = _shipped()
    c = doc["cues"]
    return Cues(
        fillers=list(c["fillers"]),
        adverbs=bool(c.get("adverbs", True)),
        negation=list(c["negation"]),
        hedging=list(c["hedging"]),
        clause_breaks=list(c["clause_breaks"]),
        phrase_stops=set(c["phrase_stops"]),
        noun_stops=set(c["noun_stops"]),
        leading_words=set(c["leading_words"]),
        name_connectors=list(c["name_connectors"]),
        not_names=set(c["not_names"]),
        definite_heads=set(c["definite_heads"]),
        kinds=list(doc.get("kind", [])),
        bodies=list(doc.get("body", [])),
        body_words=dict(doc.get("bodies", {})),
        threshold=float(doc.get("threshold", 0.6)),
    )


def _filler_regex(cues: Cues) -> str:
    words = sorted(cues.fillers, key=len, reverse=True)
    alts = [re.escape(w).replace(r"\ ", r"\s+") for w in words]
    if cues.adverbs:
        alts.append(r"[a-z]{2,}ly")
    # Up to four filler words between two tokens: "has also not yet".
    return r"(?:\s+(?:" + "|".join(alts) + r")(?![\w'’-])){0,4}"


class Compiler:
    """Turns template strings into regular expressions for one ontology."""

    def __init__(self, onto: Ontology, codes: dict[str, str], cues: Cues) -> None:
        self.onto = onto
        self.codes = codes  # class IRI -> one-letter code of mentions of that class
        self.filler = _filler_regex(cues)

    def allowed(self, cls: str | None) -> str:
        """The codes of mentions that may fill a slot of class ``cls`` ('X': a name of unknown kind)."""
        if cls is None:
            return "".join(sorted(set(self.codes.values()))) + "X"
        out = {code for iri, code in self.codes.items() if cls in self.onto.ancestors(iri)}
        if cls in self.onto.ancestors(AIG + "Organization"):
            out.add("X")
        return "".join(sorted(out))

    def compile(self, text: str, subject_cls: str | None, object_cls: str | None, where: str) -> Template | None:
        tokens = text.split()
        if not tokens:
            raise AigraphError(f"empty draft pattern template for {where}")
        parts: list[str] = []
        slot = "entity"
        has_subject = False
        anchors: tuple[str, ...] = ()
        seen: set[str] = set()
        last_phrase = False
        for tok in tokens:
            if last_phrase:
                raise AigraphError(f"draft pattern {text!r} ({where}): a phrase slot must be the last token")
            optional = tok.startswith("[") and tok.endswith("]")
            core = tok[1:-1] if optional else tok
            if core == ",":
                parts.append(r"(?:\s*,)?" if optional else r"\s*,")
                continue
            if core == "...":
                parts.append(r"(?:\s+" + GAP_WORD + r"){0,6}?")
                continue
            sep = (self.filler + r"\s+") if parts else ""
            m = re.fullmatch(r"\{([SO])(\*|'s)?(?::(\w+))?\}", core)
            if m:
                role, mark, kind = m.group(1), m.group(2), m.group(3)
                if role in seen:
                    raise AigraphError(f"draft pattern {text!r} ({where}): {{{role}}} appears twice")
                seen.add(role)
                if role == "S":
                    has_subject = True
                if kind in ("nouns", "verbs", "phrase"):
                    piece = r"(?P<O>[^⟦⟧.;:!?]+)"
                    slot, last_phrase = kind, True
                elif kind == "number":
                    piece = r"(?P<O>\d[\d,]*)(?![\d\w])"
                    slot = "number"
                elif kind is not None:
                    raise AigraphError(f"draft pattern {text!r} ({where}): unknown slot kind {kind!r}")
                else:
                    codes = self.allowed(subject_cls if role == "S" else object_cls)
                    if not codes:
                        return None  # no mention can fill it: e.g. a literal range
                    name = "S" if role == "S" else "O"
                    many = "{2,}" if mark == "*" else "+"
                    entity = f"⟦\\d+[:~][{codes}]{many}⟧"
                    if mark == "'s":
                        entity = f"(?:⟦\\d+[:~][{codes}]+⟧(?:['’]s)?|⟦\\d+\\^[{codes}]+⟧)"
                    piece = f"(?P<{name}>{entity})"
                    if mark == "*":
                        slot = "pairs"
                if optional:
                    raise AigraphError(f"draft pattern {text!r} ({where}): a slot cannot be optional")
                parts.append(sep + piece)
                continue
            if core.startswith("(") and core.endswith(")"):
                core = core[1:-1]
            words = [w.replace("_", " ") for w in core.split("|")]
            if not optional and not any(w.lower() in ("its", "their") for w in words):
                candidate = tuple(w.lower().rstrip("*") for w in words)
                # The required word with the longest shortest form tells most sentences apart.
                if not anchors or min(map(len, candidate)) > min(map(len, anchors)):
                    anchors = candidate
            alts = []
            for w in words:
                if w.lower() in ("its", "their"):  # the possessive pronoun may have become a placeholder
                    alts.append(r"(?:its|their|⟦\d+\^\w+⟧)")
                    continue
                esc = re.escape(w).replace(r"\ ", r"\s+")
                alts.append(esc[:-2] + r"[\w-]*" if esc.endswith(r"\*") else esc)
            piece = r"(?<![\w⟧-])(" + "|".join(alts) + r")(?![\w-])"
            parts.append(f"(?:{sep}{piece})?" if optional else sep + piece)
        return Template(text, "".join(parts), slot, has_subject, anchors)


def _literal_groups(regex: re.Pattern[str]) -> list[int]:
    named = set(regex.groupindex.values())
    return [g for g in range(1, regex.groups + 1) if g not in named]


def _resolve_property(onto: Ontology, name: str, where: str) -> str:
    term = onto.terms.get(name) or onto.terms.get(AIG + name)
    if term is None or term.kind == "class":
        raise AigraphError(f"draft patterns ({where}): {name!r} is not a property of the ontology")
    return term.iri


def _resolve_class(onto: Ontology, name: str, where: str) -> str:
    term = onto.terms.get(name) or onto.terms.get(AIG + name)
    if term is None or term.kind != "class":
        raise AigraphError(f"draft patterns ({where}): {name!r} is not a class of the ontology")
    return term.iri


def load_patterns(
    onto: Ontology, codes: dict[str, str], cues: Cues, extensions: Iterable[tuple[Path, list[ox.Quad]]] = ()
) -> list[Pattern]:
    """Compile the shipped patterns and those of the extensions (``draft:pattern``)."""
    comp = Compiler(onto, codes, cues)
    out: list[Pattern] = []
    for entry in _shipped().get("pattern", []):
        prop = _resolve_property(onto, entry["property"], "patterns.toml")
        obj_cls = _resolve_class(onto, entry["object_class"], "patterns.toml") if "object_class" in entry else None
        out.append(_pattern(comp, onto, prop, entry["templates"], float(entry["confidence"]), obj_cls,
                            tuple(entry.get("exclude", ())), "patterns.toml"))
    for path, quads in extensions:
        templates: dict[str, list[str]] = {}
        confidence: dict[str, float] = {}
        for q in quads:
            if not isinstance(q.subject, ox.NamedNode):
                continue
            if q.predicate.value == PATTERN and isinstance(q.object, ox.Literal):
                templates.setdefault(q.subject.value, []).append(q.object.value)
            elif q.predicate.value == CONFIDENCE and isinstance(q.object, ox.Literal):
                try:
                    confidence[q.subject.value] = float(q.object.value)
                except ValueError:
                    raise AigraphError(
                        f"draft:confidence of <{q.subject.value}> must be a number", path=path
                    ) from None
        for iri, texts in templates.items():
            prop = _resolve_property(onto, iri, str(path))
            out.append(_pattern(comp, onto, prop, texts, confidence.get(iri, 0.8), None, (), path.name))
    words: set[str] = set()
    for p in out:
        for t in p.templates:
            for tok in t.text.split():
                if not tok.startswith("{"):
                    words.update(w.lower() for w in tok.strip("[]").split("|") if w.isalpha() and len(w) > 3)
    cues.trigger_words = words - cues.leading_words - cues.noun_stops - {"with", "from", "like", "such"}
    return out


def _pattern(
    comp: Compiler,
    onto: Ontology,
    prop: str,
    texts: list[str],
    confidence: float,
    obj_cls: str | None,
    exclude: tuple[str, ...],
    source: str,
) -> Pattern:
    term = onto.terms[prop]
    where = f"{source}, {term.label}"
    compiled = []
    for text in texts:
        t = comp.compile(text, term.domain, obj_cls or term.range, where)
        if t is not None:
            compiled.append(t)
    return Pattern(prop, confidence, compiled, obj_cls, exclude, source)
