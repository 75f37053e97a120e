"""Relation proposals for ``aigraph draft``: patterns matched over masked sentences.

Each match of a pattern template gives proposals (subject, property, object)
with the sentence span that states them. Negation in the clause blocks a
proposal; hedging demotes it to a comment; direction comes from the template
("{O's} ... criticism from {S}": S criticizes O).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .mentions import Entity, Masked, Mention, SentenceMentions
from .patterns import CLOSE, OPEN, Cues, Pattern, Template

_PLACEHOLDER = re.compile(r"⟦(\d+)([:~^])(\w+)⟧")
_PRONOUNS = {"it", "its", "they", "their", "he", "she", "his", "her", "we", "our"}
_ITEM_SEP = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s+as\s+well\s+as\s+")
_QUOTES = "“”\"'‘’"


@dataclass
class Topic:
    label: str
    start: int  # in the sentence
    end: int
    cls: str  # class IRI (the property's range)


@dataclass
class Proposal:
    subject: str  # entity key
    property: str  # IRI
    object: str | None  # entity key
    value: int | None
    sentence: int  # 0-based
    start: int  # the words that state it, in the sentence (start may lie in the sentence before)
    end: int
    from_sentence: int  # sentence where the quote starts (the one before, for a pronoun's referent)
    from_start: int
    confidence: float
    template: str
    status: str = "assert"  # assert, unsure, negated
    reason: str = ""
    topic: Topic | None = None
    notes: list[str] = field(default_factory=list)
    guessed: bool = False  # the subject was taken from the sentence, not from the template


class Matcher:
    """Applies the patterns to one sentence's masked forms."""

    def __init__(
        self, patterns: list[Pattern], cues: Cues, entities: dict[str, Entity], onto_ranges: dict[str, str]
    ) -> None:
        self.patterns = patterns
        self.cues = cues
        self.entities = entities
        self.ranges = onto_ranges  # property IRI -> range class IRI
        self._neg = _cue_regex(cues.negation)
        self._hedge = _cue_regex(cues.hedging)
        self._breaks = cues.clause_breaks
        # An index from the templates' anchor words to the templates: a sentence looks up
        # its own words instead of every template testing the sentence (patterns.Template.anchors).
        self._templates = [(pattern, t) for pattern in patterns for t in pattern.templates]
        self._always: list[int] = []
        self._by_word: dict[str, list[int]] = {}
        self._by_substring: dict[str, list[int]] = {}  # templates whose anchors are not all single words
        for i, (_, t) in enumerate(self._templates):
            if not t.anchors:
                self._always.append(i)
                continue
            alpha = {a for a in t.anchors if a.isalpha()}
            for a in alpha:
                self._by_word.setdefault(a, []).append(i)
            if len(alpha) < len(t.anchors):
                for a in t.anchors:
                    self._by_substring.setdefault(a, []).append(i)

    def _candidates(self, lowered: str, words: set[str]) -> list[int]:
        """The templates that may match a sentence (lower case, and its words)."""
        found = set(self._always)
        for w in words:
            found.update(self._by_word.get(w, ()))
        for anchor, templates in self._by_substring.items():
            if anchor in lowered:
                found.update(templates)
        return sorted(found)

    def proposals(
        self, sm: SentenceMentions, forms: list[tuple[Masked, list[tuple[int, int]]]], prev: SentenceMentions | None
    ) -> list[Proposal]:
        """Proposals from one sentence; ``forms`` are its masked forms, each with the asides it still holds."""
        out: list[Proposal] = []
        for masked, asides in forms:
            lowered = masked.text.lower()
            words = set(re.findall(r"[a-z]+", lowered))
            for i in self._candidates(lowered, words):
                pattern, template = self._templates[i]
                for m in template.regex.finditer(masked.text):
                    # A match may not run out of an aside: "X, which has members like Y, will..."
                    if any(a < m.start() < b < m.end() for a, b in asides):
                        continue
                    out.extend(self._from_match(sm, masked, pattern, template, m, prev))
        # A template with a subject beats one that guessed it, for the same object.
        named = {(p.property, p.object, p.topic.label if p.topic else None, p.value) for p in out if not p.guessed}
        return [
            p for p in out
            if not p.guessed or (p.property, p.object, p.topic.label if p.topic else None, p.value) not in named
        ]

    def _from_match(
        self,
        sm: SentenceMentions,
        masked: Masked,
        pattern: Pattern,
        template: Template,
        m: re.Match[str],
        prev: SentenceMentions | None,
    ) -> list[Proposal]:
        confidence = pattern.confidence
        start, end = m.span()
        notes: list[str] = []
        # --- subject(s)
        if template.has_subject:
            subjects = self._slot(masked, m.group("S"))
        else:
            if sm.subject is None:
                return []
            subjects = [Mention(-1, -1, sm.subject)]
            first = next((x for x in sm.mentions if x.key == sm.subject), None)
            in_list = any(len(g) > 1 and sm.mentions[g[0]].key == sm.subject for g in sm.groups)
            if first is not None and first.start <= masked.span(start, end)[0]:
                confidence *= 0.9 if sm.subject_first and not in_list else 0.65
            else:
                confidence *= 0.55  # the subject of an earlier sentence
            notes.append(f"subject taken from the sentence: {self.entities[sm.subject].label}")
        # --- negation and hedging in the clause
        status, reason = self._polarity(masked, template, m)
        # --- object(s)
        objects: list[Mention] = []
        topics: list[tuple[Topic, float]] = []
        value: int | None = None
        if template.slot == "entity":
            objects = self._slot(masked, m.group("O"))
        elif template.slot == "number":
            value = int(m.group("O").replace(",", ""))
        elif template.slot in ("nouns", "verbs", "phrase"):
            topics = self._topics(masked, m, template.slot, pattern)
            if not topics:
                return []
        # The quote runs from the match start (or the subject's name) to the end of what it states.
        q_start = masked.ostart[start]
        match_end = masked.oend[end - 1]
        out: list[Proposal] = []
        pairs: list[tuple[Mention, Mention | None, Topic | None, float]] = []
        if template.slot == "pairs":
            for i, x in enumerate(subjects):
                for y in subjects[i + 1 :]:
                    pairs.append((x, y, None, 1.0))
        elif objects:
            pairs = [(x, o, None, 1.0) for x in subjects for o in objects]
        elif topics:
            pairs = [(x, None, t, f) for x in subjects for t, f in topics]
        else:
            pairs = [(x, None, None, 1.0) for x in subjects]
        for subj, obj, topic, factor in pairs:
            conf = confidence * factor
            if subj.pronoun or (obj is not None and obj.pronoun):
                conf *= 0.95
            if obj is not None and obj.key == subj.key:
                continue
            q_end = topic.end if topic is not None else match_end
            from_sentence, from_start = sm.index, q_start
            anchor = self._anchor(sm, subj, prev, q_start)
            if anchor is not None:
                from_sentence, from_start = anchor
            out.append(
                Proposal(
                    subject=subj.key,
                    property=pattern.property,
                    object=obj.key if obj is not None else None,
                    value=value,
                    sentence=sm.index,
                    start=from_start if from_sentence == sm.index else 0,
                    end=q_end,
                    from_sentence=from_sentence,
                    from_start=from_start,
                    confidence=round(conf, 2),
                    template=template.text,
                    status=status if status != "assert" or conf >= self.cues.threshold else "unsure",
                    reason=reason or ("" if conf >= self.cues.threshold else "low confidence"),
                    topic=topic,
                    notes=list(notes),
                    guessed=not template.has_subject,
                )
            )
        return out

    def _anchor(
        self, sm: SentenceMentions, subj: Mention, prev: SentenceMentions | None, q_start: int
    ) -> tuple[int, int] | None:
        """Where the quote must start so that it names the subject (a pronoun's referent)."""
        if subj.start >= 0 and not subj.pronoun:
            return None if subj.start >= q_start else (sm.index, subj.start)
        named = [x for x in sm.mentions if x.key == subj.key and not x.pronoun]
        if named:
            return (sm.index, min(named[0].start, q_start))
        if prev is not None:
            named = [x for x in prev.mentions if x.key == subj.key and not x.pronoun]
            if named:
                return (prev.index, named[-1].start)
        return None

    def _slot(self, masked: Masked, token: str) -> list[Mention]:
        p = _PLACEHOLDER.search(token)
        if p is None:
            return []
        return list(masked.slots[int(p.group(1))])

    def _polarity(self, masked: Masked, template: Template, m: re.Match[str]) -> tuple[str, str]:
        text = masked.text
        start, end = m.span()
        # Cues count within the clause, and near the match (a run-on sentence has no clauses).
        clause = max(0, start - 150)
        for brk in self._breaks:
            at = text.rfind(brk, 0, start)
            if at >= 0:
                clause = max(clause, at + len(brk))
        post = min(len(text), end + 100)
        for brk in (",", ";", " but ", ":"):
            at = text.find(brk, end)
            if at >= 0:
                post = min(post, at)
        chars = list(text[clause:post])
        for g in template.literals:  # the template's own words are not cues ("hopes to" for aimsTo)
            a, b = m.span(g)
            if a >= 0:
                for i in range(a - clause, b - clause):
                    chars[i] = " "
        if template.slot in ("nouns", "verbs", "phrase"):  # nor the topic's own words
            a = m.start("O") - clause
            for i in range(a, len(chars)):
                chars[i] = " "
        window = "".join(chars)
        neg = self._neg.search(window)
        if neg:
            return "negated", f"negated by {neg.group(0).strip()!r}"
        hedge = self._hedge.search(window)
        if hedge:
            return "unsure", f"hedged by {hedge.group(0).strip()!r}"
        return "assert", ""

    def _topics(self, masked: Masked, m: re.Match[str], mode: str, pattern: Pattern) -> list[tuple[Topic, float]]:
        a, b = m.span("O")
        text = masked.text
        cut_by_name = text[b : b + 1] == OPEN
        s = text[a:b]
        cut = len(s)
        tokens = list(re.finditer(r"[^\s,]+|,", s))
        for i, t in enumerate(tokens):
            w = t.group(0).lower().strip(_QUOTES)
            nxt = tokens[i + 1].group(0).lower().strip(_QUOTES) if i + 1 < len(tokens) else ""
            nnx = tokens[i + 2].group(0).lower().strip(_QUOTES) if i + 2 < len(tokens) else ""
            if w in self.cues.phrase_stops or (mode != "verbs" and w in self.cues.noun_stops):
                cut = t.start()
                break
            if w == ",":
                if (
                    nxt in self.cues.phrase_stops
                    or nxt in _PRONOUNS
                    or (nxt.endswith("ing") and i > 0)
                    or (nxt in ("and", "or") and (nnx in _PRONOUNS or nnx in self.cues.phrase_stops))
                ):
                    cut = t.start()
                    break
            if w in ("and", "or") and (nxt in _PRONOUNS or nxt in self.cues.trigger_words):
                cut = t.start()
                break
        if cut < len(s):
            cut_by_name = False
        phrase_end = a + len(s[:cut].rstrip(" ,;"))
        spans = [(a, phrase_end)]
        if mode in ("nouns", "verbs"):
            spans = []
            at = a
            for sep in _ITEM_SEP.finditer(text, a, phrase_end):
                spans.append((at, sep.start()))
                at = sep.end()
            spans.append((at, phrase_end))
        out: list[tuple[Topic, float]] = []
        rng = pattern.object_class or self.ranges.get(pattern.property, "")
        for i, (x, y) in enumerate(spans):
            x, y = self._trim(text, x, y, mode)
            if y <= x:
                continue
            label = " ".join(text[x:y].split()).strip(_QUOTES + " ")
            words = label.lower().split()
            if not words or OPEN in label or CLOSE in label:
                continue
            if any(w.strip(_QUOTES) in pattern.exclude for w in words):
                continue
            factor = 1.0
            if len(words) > 7:
                factor *= 0.7  # a long phrase: its end is a guess
            if cut_by_name and i == len(spans) - 1:
                factor *= 0.6  # stopped at a name: probably cut short
            o_a, o_b = masked.span(x, y)
            out.append((Topic(label, o_a, o_b, rng), factor))
        return out

    def _trim(self, text: str, x: int, y: int, mode: str) -> tuple[int, int]:
        """Drop leading articles and possessives, and surrounding quotes and punctuation."""
        while x < y:
            seg = text[x:y]
            stripped = seg.lstrip(" " + _QUOTES)
            x += len(seg) - len(stripped)
            first = re.match(r"[^\s]+", text[x:y])
            if first is None:
                break
            w = first.group(0).lower()
            if w in self.cues.leading_words or (mode == "verbs" and w == "to"):
                x += len(first.group(0))
                continue
            break
        while y > x and (text[y - 1] in " ,;" or (text[y - 1] in _QUOTES and text[x:y].count(text[y - 1]) % 2 == 1)):
            y -= 1
        return x, y


def _cue_regex(words: list[str]) -> re.Pattern[str]:
    """Cue words and phrases, lower case (so "May", the month, is no hedge).

    The word-start test stands once before the whole alternation, not before each
    word: the engine then tries the words only where a word starts (ten times
    faster on long sentences, same matches: "n't" needs no word start and no
    other cue starts with "n'").
    """
    plain, bare = [], []
    for w in sorted(words, key=len, reverse=True):
        esc = re.escape(w.strip()).replace(r"\ ", r"\s+")
        if w.startswith("n'"):
            bare.append(esc)
        else:
            plain.append(esc + (r"(?![\w-])" if not w.endswith(" ") else ""))
    parts = [r"(?<![\w-])(?:" + "|".join(plain) + ")"] if plain else []
    return re.compile("|".join(parts + bare))


def parentheticals(masked: Masked) -> list[tuple[int, int]]:
    """Spans of ", which ... ," and similar asides in a masked sentence (lists are one placeholder)."""
    out = []
    for m in re.finditer(
        r",\s+(?:which|who|whose|currently|now|for\s+(?:its|their|his|her)\s+part|although|though|a|an)"
        r"\s[^,;]*,",
        masked.text,
    ):
        out.append(m.span())
    return out


def cut(masked: Masked, spans: list[tuple[int, int]]) -> Masked:
    """The masked sentence without these spans (an aside removed)."""
    keep = [True] * len(masked.text)
    for a, b in spans:
        for i in range(a, b):
            keep[i] = False
    # Keep a space where an aside was: "X, which ..., will" -> "X will".
    text, ostart, oend = [], [], []
    for i, ch in enumerate(masked.text):
        if keep[i]:
            text.append(ch)
            ostart.append(masked.ostart[i])
            oend.append(masked.oend[i])
    return Masked("".join(text), ostart, oend, masked.slots)
