"""Entity mentions in an article's sentences, for ``aigraph draft``.

Names are found as capitalised spans (with "of", "on", "for" inside:
"University of Espen"), as the names of a gazetteer (the entities of graphs
passed with ``--data``), as governance bodies ("a governing board"), as
definite descriptions that refer back ("the consortium") and as the pronouns
"it" and "its". Each mention belongs to an entity; an entity's kind (class)
comes from the words of its name ("Inc.", "Labs", "Alliance"), from an
appositive ("X, a nonprofit"), from a list cue ("companies such as X and Y")
or from the words after it ("the Kite-2 model"). Mentions separated only by
commas and "and" form a list. Pure Python, no model.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..namespaces import AIG
from .patterns import CLOSE, OPEN, Cues

Span = tuple[int, int, int]  # sentence position (0-based), start, end in the sentence text

_CAPWORD = r"(?:[A-Z][\w&-]*|\d+[A-Za-z][\w-]*)"
_ABBREV_DOT = ("Inc", "Corp", "Ltd", "Co", "Bros")
_MID_CAP = re.compile(r"(?<=[\w,;:] )[A-Z][\w-]*")  # a capitalised word inside a sentence
_PRONOUN = re.compile(r"(?<![\w-])(it|It|its|Its)(?![\w'’-])")
_DEFINITE = re.compile(r"(?<![\w-])([Tt]he)\s+([A-Za-z][a-z-]+)(?![\w-])")
# Between two items of a list: ", ", " and ", ", and ", " or ", " & ".
_LIST_SEP = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*")


@dataclass
class Entity:
    key: str
    label: str
    names: list[str]
    first: Span
    cls: str | None = None  # class IRI; None: a name of unknown kind
    why: str = ""  # what showed the class
    cue: Span | None = None  # the words that show the class
    rank: int = 0  # strength of the class cue (a stronger one wins)
    kind: str = "name"  # name, body, gazetteer
    known_id: str | None = None  # the id in a --data graph
    head: str = ""  # a governance body's head noun ("governing board")
    heads: set[str] = field(default_factory=set)  # nouns of definite descriptions naming it


@dataclass
class Mention:
    start: int
    end: int
    key: str
    pronoun: str = ""  # "", "it" or "its"
    definite: bool = False  # "the consortium": refers back, never starts a list item


@dataclass
class SentenceMentions:
    index: int  # 0-based
    text: str
    mentions: list[Mention]
    groups: list[list[int]]  # indexes into mentions: one list per placeholder
    subject: str | None  # key of the entity the sentence is about, first
    subject_first: bool  # the sentence starts with it (the grammatical subject, most likely)


@dataclass
class Masked:
    """A sentence with each mention (or list of mentions) replaced by a placeholder."""

    text: str
    ostart: list[int]  # per masked character: where it starts in the sentence
    oend: list[int]  # per masked character: where it ends in the sentence
    slots: list[list[Mention]]  # per placeholder index: its mentions

    def span(self, a: int, b: int) -> tuple[int, int]:
        """The sentence span of the masked span [a, b)."""
        return self.ostart[a], self.oend[b - 1]


@dataclass
class GazetteerEntry:
    id: str
    label: str
    names: list[str]
    cls: str | None


class MentionFinder:
    """Finds the mentions of every sentence of one article, in order."""

    def __init__(
        self,
        cues: Cues,
        classes: dict[str, str],  # local name or IRI -> class IRI, for the kinds of the patterns file
        gazetteer: Sequence[GazetteerEntry] = (),
        extra: list[list[tuple[int, int]]] | None = None,  # spans from an NLP pipeline, per sentence
    ) -> None:
        self.cues = cues
        self.entities: dict[str, Entity] = {}
        self.by_name: dict[str, str] = {}
        self.heads: dict[str, str] = {}
        self.by_first: dict[str, list[Entity]] = {}
        self.extra = extra
        connect = "|".join(re.escape(c) for c in cues.name_connectors)
        self._span = re.compile(rf"(?<![\w-]){_CAPWORD}(?:\s+(?:(?:{connect})\s+)?{_CAPWORD})*")
        self.kinds = []
        for kind in cues.kinds:
            iri = classes[kind["class"]]
            self.kinds.append((iri, kind))
        self._name_ends = {w: iri for iri, k in self.kinds for w in k.get("name_ends", [])}
        self._name_starts = {w: iri for iri, k in self.kinds for w in k.get("name_starts", [])}
        lists = sorted(((c.lower(), iri) for iri, k in self.kinds for c in k.get("lists_after", [])),
                       key=lambda x: -len(x[0]))
        self._lists_after = lists
        after = sorted(((c, iri) for iri, k in self.kinds for c in k.get("words_after", [])), key=lambda x: -len(x[0]))
        self._words_after = [
            (re.compile(r"^\s+(?:[\w-]+\s+)?" + re.escape(c).replace(r"\ ", r"\s+") + r"(?![\w-])"), iri, c)
            for c, iri in after
        ]
        appos = sorted(((c, iri) for iri, k in self.kinds for c in k.get("appositive", [])), key=lambda x: -len(x[0]))
        self._appos_class = {c: iri for c, iri in appos}
        alts = "|".join(re.escape(c).replace(r"\ ", r"\s+") for c, _ in appos)
        # Only "a"/"an": "X, the consortium said" is a new clause, not an appositive.
        self._appositive = re.compile(rf"^\s*,\s+(?:a|an)\s+(?:[\w-]+\s+){{0,3}}?({alts})(?![\w-])")
        heads = sorted(((h, classes[b["class"]]) for b in cues.bodies for h in b["heads"]), key=lambda x: -len(x[0]))
        self._body_class = {h: iri for h, iri in heads}
        words = cues.body_words
        dets = sorted(words.get("determiners", []), key=len, reverse=True)
        det = "|".join(re.escape(d).replace(r"\ ", r"\s+") for d in dets)
        mod = "|".join(re.escape(m) for m in words.get("modifiers", []))
        head_alts = "|".join(re.escape(h).replace(r"\ ", r"\s+") for h, _ in heads)
        self._body = re.compile(
            rf"(?<![\w-])(?:(?:{det})\s+)?((?:(?:{mod})\s+){{0,2}}({head_alts}))(?![\w-])", re.IGNORECASE
        )
        self._gaz = sorted(
            ((n, g) for g in gazetteer for n in {g.label, *g.names} if n.strip()), key=lambda x: -len(x[0])
        )
        self._gaz_re = (
            re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n, _ in self._gaz) + r")(?![\w-])")
            if self._gaz
            else None
        )
        self._gaz_by_name = {n: g for n, g in self._gaz}
        self.mid_caps: set[str] = set()

    # ------------------------------------------------------------------ entities

    def _new(self, key: str, label: str, where: Span, kind: str = "name") -> Entity:
        ent = Entity(key=key, label=label, names=[label], first=where, kind=kind)
        self.entities[key] = ent
        self.by_name[label] = key
        self.by_first.setdefault(label.split()[0], []).append(ent)
        return ent

    def _name(self, name: str, where: Span) -> Entity:
        """The entity a name refers to, creating or merging as needed."""
        if name in self.by_name:
            return self.entities[self.by_name[name]]
        words = name.split()
        # Only entities whose name starts with the same word can be the same (and this keeps it linear).
        near = self.by_first.get(words[0], [])
        shorter = [
            e for e in near
            if e.kind != "body" and len(e.label.split()) > len(words) and e.label.split()[: len(words)] == words
        ]
        if len(shorter) == 1:  # "Brightmoor" for "Brightmoor AI"
            ent = shorter[0]
            self._alias(ent, name)
            return ent
        longer = [
            e for e in near
            if e.kind == "name"
            and len(e.label.split()) < len(words)
            and words[: len(e.label.split())] == e.label.split()
        ]
        if len(longer) == 1:  # "Helixor" seen first, then "Helixor Inc."
            ent = longer[0]
            ent.label = name
            ent.names.insert(0, name)
            self.by_name[name] = ent.key
            return ent
        return self._new("n:" + name, name, where)

    def _alias(self, ent: Entity, name: str) -> None:
        if name not in ent.names:
            ent.names.append(name)
        self.by_name.setdefault(name, ent.key)

    def _classify(self, ent: Entity, cls: str, rank: int, why: str, cue: Span) -> None:
        if ent.rank < rank:
            ent.cls, ent.rank, ent.why, ent.cue = cls, rank, why, cue
        noun = {AIG + "Company": "company"}.get(cls)
        if noun:
            ent.heads.add(noun)

    def _touch(self, ent: Entity) -> None:
        """A mention of ``ent``: the definite descriptions it answers to now point at it."""
        for h in ent.heads:
            self.heads[h] = ent.key

    # ------------------------------------------------------------------ sentences

    def prepare(self, sentences: list[str]) -> None:
        """Learn which capitalised words appear inside sentences (names, not sentence starts)."""
        for text in sentences:
            self.mid_caps.update(_MID_CAP.findall(text))

    def find(self, index: int, text: str, prev_subject: str | None) -> SentenceMentions:
        spans: list[tuple[int, int, int, str, object]] = []  # start, end, priority, kind, payload
        if self._gaz_re is not None:
            for m in self._gaz_re.finditer(text):
                spans.append((m.start(), m.end(), 5, "gaz", m.group(0)))
        for m in _DEFINITE.finditer(text):
            noun = m.group(2).lower()
            if noun in self.heads and noun in self.cues.definite_heads | {"company"}:
                spans.append((m.start(), m.end(), 4, "def", noun))
        for m in self._span.finditer(text):
            spans.extend(self._cap_span(text, m))
        for m in self._body.finditer(text):
            spans.append((m.start(), m.end(), 2, "body", (m.group(1), m.group(2).lower())))
        for m in _PRONOUN.finditer(text):
            spans.append((m.start(), m.end(), 1, "pro", m.group(1).lower()))
        if self.extra is not None and index < len(self.extra):
            for a, b in self.extra[index]:
                spans.append((a, b, 3, "cap", text[a:b]))
        spans.sort(key=lambda s: (s[0], -s[2], -(s[1] - s[0])))
        chosen: list[tuple[int, int, int, str, object]] = []
        # The spans chosen so far do not overlap, so sorted by start their ends are sorted too:
        # a span overlaps one of them if the last that starts before its end ends after its start.
        starts: list[int] = []
        ends: list[int] = []
        for s in sorted(spans, key=lambda s: (-s[2], -(s[1] - s[0]), s[0])):
            i = bisect.bisect_left(starts, s[1])
            if i == 0 or ends[i - 1] <= s[0]:
                chosen.append(s)
                starts.insert(i, s[0])
                ends.insert(i, s[1])
        chosen.sort()
        mentions: list[Mention] = []
        for start, end, _prio, kind, payload in chosen:
            where = (index, start, end)
            if kind == "pro":
                continue  # resolved below, once the names of the sentence are known
            if kind == "def":
                ent = self.entities[self.heads[str(payload)]]
                surface = text[start:end]
                self._alias(ent, "the" + surface[3:] if surface.startswith("The ") else surface)
                mentions.append(Mention(start, end, ent.key, definite=True))
                continue
            if kind == "body":
                assert isinstance(payload, tuple)
                head = str(payload[1])
                key = "b:" + head
                ent = self.entities.get(key) or self._new(key, head, where, kind="body")
                ent.head = head
                self._classify(ent, self._body_class[head], 2, f"a {head}", where)
                mentions.append(Mention(start, end, key))
                continue
            name = str(payload)
            if kind == "gaz":
                g = self._gaz_by_name[name]
                key = "g:" + g.id
                ent = self.entities.get(key) or self._new(key, g.label, where, kind="gazetteer")
                ent.known_id = g.id
                self._alias(ent, name)
                if g.cls:
                    self._classify(ent, g.cls, 5, "the --data graph", where)
            else:
                ent = self._name(name, where)
            # "the Orrin Institute": the article's "the" belongs to the mention (and its quote).
            if start >= 4 and text[start - 4 : start] in ("the ", "The "):
                start -= 4
            mentions.append(Mention(start, end, ent.key))
            self._kind_from_name(ent, name, where)
            self._kind_from_context(ent, text, end, where)
            self._touch(ent)
        mentions.extend(self._pronouns(text, chosen, mentions, prev_subject))
        mentions.sort(key=lambda m: m.start)
        groups = self._groups(text, mentions)
        for group in groups:
            self._kind_from_list(text, [mentions[i] for i in group], index)
        subject, first = self._subject(text, mentions, prev_subject)
        return SentenceMentions(index, text, mentions, groups, subject, first)

    def _cap_span(self, text: str, m: re.Match[str]) -> list[tuple[int, int, int, str, object]]:
        start, end = m.start(), m.end()
        words = m.group(0).split()
        if words[-1] in _ABBREV_DOT and text[end : end + 1] == ".":
            end += 1
            words[-1] += "."
        # Strip words that start sentences or clauses but never names ("The", "Despite").
        while words and words[0] in self.cues.not_names and not (words[0].isupper() and len(words) > 1):
            start = text.index(words[0], start) + len(words[0])
            start = len(text) - len(text[start:].lstrip())
            words = words[1:]
        if not words:
            return []
        name = " ".join(words)
        if len(words) == 1:
            w = words[0]
            if w in self.cues.not_names:
                return []
            if w.lower() in self.heads and w.lower() in self.cues.definite_heads:
                return [(start, end, 4, "def", w.lower())]  # "the Alliance", capitalised
            if w in self._name_ends or w.lower() in self.cues.definite_heads:
                return []  # a kind word alone is not a name
            at_start = text[:start].strip() in ("", "“", '"', "‘")
            odd = any(c.isupper() or c.isdigit() for c in w[1:])
            if at_start and not odd and w not in self.mid_caps and w not in self.by_name:
                return []  # a capitalised first word: "Critics", "Analysts"
        return [(start, end, 3, "cap", name)]

    def _kind_from_name(self, ent: Entity, name: str, where: Span) -> None:
        words = name.split()
        if ent.kind == "body":
            return
        last, first = words[-1], words[0]
        if len(words) > 1 and last in self._name_ends:
            self._classify(ent, self._name_ends[last], 2, f"the name ends in {last!r}", where)
            if last.lower() in self.cues.definite_heads:
                ent.heads.add(last.lower())
        elif len(words) > 1 and first in self._name_starts:
            self._classify(ent, self._name_starts[first], 2, f"the name starts with {first!r}", where)
            if first.lower() in self.cues.definite_heads:
                ent.heads.add(first.lower())

    def _kind_from_context(self, ent: Entity, text: str, end: int, where: Span) -> None:
        rest = text[end:]
        m = self._appositive.match(rest)
        if m:
            noun = " ".join(m.group(1).split())
            cls = self._appos_class[noun.lower()] if noun.lower() in self._appos_class else self._appos_class.get(noun)
            if cls:
                self._classify(ent, cls, 4, f"appositive: {noun!r}", (where[0], where[1], end + m.end()))
                head = noun.split()[-1].lower()
                if head in self.cues.definite_heads:
                    ent.heads.add(head)
                    self.heads[head] = ent.key
            return
        for regex, cls, cue in self._words_after:
            w = regex.match(rest)
            if w:
                self._classify(ent, cls, 3, f"followed by {cue!r}", (where[0], where[1], end + w.end()))
                return

    def _kind_from_list(self, text: str, items: list[Mention], index: int) -> None:
        if any(m.pronoun or m.definite for m in items):
            return
        before = text[: items[0].start].rstrip().lower()
        for cue, cls in self._lists_after:
            if before.endswith(cue) and (len(before) == len(cue) or not before[-len(cue) - 1].isalnum()):
                cue_start = len(before) - len(cue)
                for m in items:
                    ent = self.entities[m.key]
                    if ent.kind != "body":
                        self._classify(ent, cls, 3, f"after {cue!r}", (index, cue_start, items[-1].end))
                return

    def _pronouns(
        self,
        text: str,
        chosen: list[tuple[int, int, int, str, object]],
        names: list[Mention],
        prev_subject: str | None,
    ) -> list[Mention]:
        out = []
        # The sentence's first name, if it comes before the pronoun: names are in order and do not overlap.
        first = next((m for m in names if self.entities[m.key].kind != "body"), None)
        for start, end, _p, kind, payload in chosen:
            if kind != "pro":
                continue
            referent = first.key if first is not None and first.end <= start else prev_subject
            if referent is None:
                continue
            out.append(Mention(start, end, referent, pronoun=str(payload)))
        return out

    def _groups(self, text: str, mentions: list[Mention]) -> list[list[int]]:
        groups: list[list[int]] = []
        for i, m in enumerate(mentions):
            if groups and not m.pronoun and not mentions[groups[-1][-1]].pronoun:
                prev = mentions[groups[-1][-1]]
                between = text[prev.end : m.start]
                if _LIST_SEP.fullmatch(between) and not (m.definite and "," in between) and m.key != prev.key:
                    groups[-1].append(i)
                    continue
            groups.append([i])
        return groups

    def _subject(self, text: str, mentions: list[Mention], prev: str | None) -> tuple[str | None, bool]:
        names = [m for m in mentions if self.entities[m.key].kind != "body"]
        if not names:
            return prev, False
        first = names[0]
        lead = text[: first.start].strip()
        if lead == "" or lead in ("“", '"'):
            return first.key, True
        # "Founded by X and Y, the consortium ...": an opening phrase ends at the first comma,
        # and the name right after it is the subject of the sentence.
        comma = text.find(", ")
        if comma > first.start:
            after = [m for m in names if m.start == comma + 2]
            if after:
                return after[0].key, True
        return first.key, False


def mask(
    sm: SentenceMentions,
    codes: dict[str, str],
    entities: dict[str, Entity],
    skip: Sequence[tuple[int, int]] = (),
) -> Masked:
    """The sentence with placeholders for its mentions, leaving out the ``skip`` spans."""
    text = sm.text
    out: list[str] = []
    ostart: list[int] = []
    oend: list[int] = []
    slots: list[list[Mention]] = []
    at = 0

    def plain(a: int, b: int) -> None:
        # Whole runs at a time (a character at a time made this the slowest step of a long draft).
        for x, y in _kept(a, b, skip):
            # The placeholder brackets cannot stand for themselves in the masked text.
            out.append(text[x:y].translate(_BRACKETS))
            ostart.extend(range(x, y))
            oend.extend(range(x + 1, y + 1))

    for group in sm.groups:
        ms = [sm.mentions[i] for i in group]
        a, b = ms[0].start, ms[-1].end
        if any(s < b and a < e for s, e in skip):
            continue  # inside a skipped clause: left out with it
        plain(at, a)
        first = ms[0]
        sep = ":" if not first.pronoun else ("~" if first.pronoun == "it" else "^")
        code = "".join(codes.get(entities[m.key].cls or "", "X") for m in ms)
        token = f"{OPEN}{len(slots)}{sep}{code}{CLOSE}"
        slots.append(ms)
        out.append(token)
        ostart.extend([a] * len(token))
        oend.extend([b] * len(token))
        at = b
    plain(at, len(text))
    return Masked("".join(out), ostart, oend, slots)


_BRACKETS = str.maketrans({"⟦": "[", "⟧": "]"})


def _kept(a: int, b: int, skip: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The runs of [a, b) outside the ``skip`` spans."""
    runs: list[tuple[int, int]] = []
    at = a
    for s, e in sorted(skip):
        if e <= at or s >= b:
            continue
        if s > at:
            runs.append((at, s))
        at = max(at, e)
    if at < b:
        runs.append((at, b))
    return runs
