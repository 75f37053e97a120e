"""Deterministic synthetic AI-industry graphs, shaped like graphs/ai-alliance.ttl.

Organizations (companies, organizations, industry alliances), their memberships,
criticism, competition, collaboration, focus areas and the other aigraph
relations, every one reified as an ``aig:Fact`` that quotes a sentence of a
synthetic ``aig:Article`` (``prov:value``, ``aig:sentenceIndex``,
``prov:wasQuotedFrom``), exactly as the builder writes the seed graph. The
seed graph's own names (kg:Meta, kg:IBM, kg:Google, kg:AIAlliance, ...) are
the first entities and the hubs, and its key facts (Google criticizes Meta,
IBM co-founded the AI Alliance, ...) are stated first, so the saved queries
have answers at every size.

    python benchmarks/generate.py --triples 1e5 -o benchmarks/out/g-1e5.ttl
    python benchmarks/generate.py --triples 1e6 --seed 7 -o g.nt

The same ``--triples`` and ``--seed`` give the same bytes. The number of
triples written is the target rounded up to the end of a sentence (a few
more, never fewer); every triple is distinct.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

PREFIXES = {
    "aig": "https://w3id.org/aigraph/ontology#",
    "kg": "https://w3id.org/aigraph/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
}

SIZES = {"1e3": 1_000, "1e4": 10_000, "1e5": 100_000, "1e6": 1_000_000}

# A term is an IRI written as a prefixed name ("kg:Meta"), or a literal
# (lexical form, datatype as a prefixed name or None).
Term = str | tuple[str, str | None]
Block = tuple[str, list[tuple[str, Term]]]

# The seed graph's organizations come first, so they become the hubs.
SEED_ORGS = [
    ("AIAlliance", "AI Alliance", "IndustryAlliance"),
    ("Meta", "Meta", "Organization"),
    ("IBM", "IBM", "Organization"),
    ("Google", "Google", "Company"),
    ("OpenAI", "OpenAI", "Company"),
    ("Microsoft", "Microsoft", "Company"),
    ("PartnershipOnAI", "Partnership on AI", "IndustryAlliance"),
]

CLASS_WORDS = {
    "Company": "a company",
    "Organization": "an organization",
    "IndustryAlliance": "an industry alliance",
    "FocusArea": "an area of work",
    "Value": "a value",
    "Goal": "a goal",
    "Stance": "a stance on AI",
    "Challenge": "a challenge",
    "Sector": "a sector",
    "AIModel": "an AI model",
    "AIPlatform": "an AI platform",
    "GoverningBoard": "a governing board",
}

TOPIC_CLASSES = ["FocusArea", "FocusArea", "FocusArea", "Value", "Goal", "Stance", "Challenge", "Sector"]

SYLLABLES = ["ar", "bel", "cor", "dan", "el", "fa", "gen", "hal", "io", "ka", "lum", "mer",
             "nov", "or", "pax", "qua", "ra", "sol", "ta", "ul", "ve", "xa", "yo", "zen"]
ORG_SUFFIX = ["Labs", "AI", "Systems", "Technologies", "Research", "Networks", "Group", "Robotics"]
TOPIC_WORDS = ["open", "trusted", "efficient", "safe", "scalable", "federated", "multilingual",
               "robust", "private", "green", "agentic", "explainable"]
TOPIC_NOUNS = ["models", "benchmarks", "training infrastructure", "evaluation", "datasets",
               "inference", "tooling", "governance", "hardware", "alignment", "science", "education"]

# predicate -> (subject kind, object kind, sentence template, quote template)
RELATIONS: dict[str, tuple[str, str, str, str]] = {
    "memberOf": ("org", "alliance", "{s} is a member of {o}, the group said.", "{s} is a member of {o}"),
    "criticizes": ("org", "org", "{s} has criticized the approach taken by {o}.",
                   "{s} has criticized the approach taken by {o}"),
    "competesWith": ("company", "company", "{s} competes with {o} for enterprise customers.", "{s} competes with {o}"),
    "collaboratesWith": ("org", "org", "{s} is collaborating with {o} on new research.",
                         "{s} is collaborating with {o}"),
    "focusArea": ("org", "FocusArea", "{s} is focused on {o}.", "{s} is focused on {o}"),
    "emphasizes": ("org", "Value", "{s} emphasizes {o} in its work.", "{s} emphasizes {o}"),
    "aimsTo": ("org", "Goal", "{s} aims to advance {o}.", "{s} aims to advance {o}"),
    "advocates": ("org", "Stance", "{s} advocates {o}.", "{s} advocates {o}"),
    "opposes": ("org", "Stance", "{s} opposes {o}.", "{s} opposes {o}"),
    "faces": ("org", "Challenge", "{s} faces {o}, analysts say.", "{s} faces {o}"),
    "membershipSector": ("alliance", "Sector", "Members of {s} come from {o}.", "Members of {s} come from {o}"),
    "released": ("company", "AIModel", "{s} released {o} this year.", "{s} released {o}"),
    "offers": ("company", "AIPlatform", "{s} offers {o} to its customers.", "{s} offers {o}"),
    "willEstablish": ("alliance", "GoverningBoard", "{s} will establish {o}.", "{s} will establish {o}"),
}
# How often each relation is stated, relative to the others.
WEIGHTS = {
    "memberOf": 8, "criticizes": 4, "competesWith": 5, "collaboratesWith": 4, "focusArea": 6,
    "emphasizes": 3, "aimsTo": 3, "advocates": 2, "opposes": 1, "faces": 2,
    "membershipSector": 1, "released": 2, "offers": 2, "willEstablish": 1,
}

# The seed article's key facts, stated first: (subject, predicate, object).
SEED_FACTS = [
    ("Meta", "foundingMemberOf", "AIAlliance"),
    ("IBM", "foundingMemberOf", "AIAlliance"),
    ("Google", "criticizes", "Meta"),
    ("OpenAI", "criticizes", "Meta"),
    ("Microsoft", "criticizes", "Meta"),
    ("Meta", "collaboratesWith", "IBM"),
    ("IBM", "competesWith", "Google"),
    ("IBM", "competesWith", "Microsoft"),
    ("IBM", "competesWith", "OpenAI"),
    ("PartnershipOnAI", "memberOf", "AIAlliance"),
]


class _World:
    """The entities of one synthetic graph, chosen from the seed."""

    def __init__(self, triples: int, rng: random.Random) -> None:
        self.rng = rng
        n_orgs = max(len(SEED_ORGS) + 4, triples // 90)
        self.labels: dict[str, str] = {}
        self.classes: dict[str, str] = {}
        self.by_kind: dict[str, list[str]] = {k: [] for k in ("org", "company", "alliance", *CLASS_WORDS)}
        for ident, label, cls in SEED_ORGS:
            self._add(ident, label, cls)
        used_labels = {label for _, label, _ in SEED_ORGS}
        for i in range(len(SEED_ORGS), n_orgs):
            r = rng.random()
            cls = "Company" if r < 0.7 else "Organization" if r < 0.93 else "IndustryAlliance"
            name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
            suffix = "Alliance" if cls == "IndustryAlliance" else rng.choice(ORG_SUFFIX)
            label = f"{name} {suffix}"
            if label in used_labels:
                label = f"{label} {i}"
            used_labels.add(label)
            self._add(f"Org{i:06d}", label, cls)
        for i in range(max(len(TOPIC_CLASSES), n_orgs // 6)):
            cls = TOPIC_CLASSES[i % len(TOPIC_CLASSES)]
            label = f"{rng.choice(TOPIC_WORDS)} {rng.choice(TOPIC_NOUNS)} {i}"
            self._add(f"Topic{i:06d}", label, cls)
        for i in range(max(2, n_orgs // 10)):
            self._add(f"Model{i:06d}", f"{rng.choice(SYLLABLES).capitalize()}-{i} model", "AIModel")
            self._add(f"Platform{i:06d}", f"{rng.choice(SYLLABLES).capitalize()} cloud {i}", "AIPlatform")
        for alliance in list(self.by_kind["alliance"]):
            self._add(f"{alliance}Board", f"{self.labels[alliance]} governing board", "GoverningBoard")

    def _add(self, ident: str, label: str, cls: str) -> None:
        self.labels[ident] = label
        self.classes[ident] = cls
        self.by_kind.setdefault(cls, []).append(ident)
        if cls in ("Company", "Organization", "IndustryAlliance"):
            self.by_kind["org"].append(ident)
            if cls == "Company":
                self.by_kind["company"].append(ident)
            if cls == "IndustryAlliance":
                self.by_kind["alliance"].append(ident)

    def pick(self, kind: str) -> str:
        """An entity of ``kind``, skewed towards the first ones (hubs, like a real industry)."""
        pool = self.by_kind[kind]
        return pool[int(len(pool) * self.rng.random() ** 2.5)]


def _fact_id(s: str, p: str, o: str) -> str:
    return f"fact-{s}-{p}-{o}"


def blocks(triples: int, seed: int = 0) -> Iterator[Block]:
    """Subjects with their (predicate, object) pairs, until at least ``triples`` triples."""
    rng = random.Random(seed)
    world = _World(triples, rng)
    count = 0
    article_no = 0
    sentence_no = 0
    article = ""

    def sentence(text: str) -> Iterator[Block]:
        nonlocal count, article_no, sentence_no, article
        if not article or sentence_no == 12:
            article_no += 1
            sentence_no = 0
            article = f"kg:synthetic-article-{article_no:06d}"
            title = f"Synthetic AI industry report {article_no}"
            year, day = 2020 + article_no % 5, 1 + article_no % 28
            pairs: list[tuple[str, Term]] = [
                ("rdf:type", "aig:Article"), ("rdfs:label", (title, None)),
                ("dcterms:title", (title, None)), ("dcterms:language", ("en", None)),
                ("schema:datePublished", (f"{year}-{1 + article_no % 12:02d}-{day:02d}", "xsd:date")),
            ]
            count += len(pairs)
            yield article, pairs
        sentence_no += 1
        iri = f"{article}-s{sentence_no:02d}"
        count += 5
        yield iri, [
            ("rdf:type", "aig:Sentence"), ("rdfs:label", (f"Sentence {sentence_no}", None)),
            ("aig:sentenceIndex", (str(sentence_no), "xsd:integer")),
            ("prov:value", (text, None)), ("prov:wasQuotedFrom", article),
        ]

    def fact(fid: str, s: str, p: str, o: Term, quote: str) -> Iterator[Block]:
        nonlocal count
        count += 7
        yield s, [(p, o)]
        yield f"kg:{fid}", [
            ("rdf:type", "aig:Fact"), ("rdf:subject", s), ("rdf:predicate", p), ("rdf:object", o),
            ("aig:quote", (quote, None)), ("aig:evidence", f"{article}-s{sentence_no:02d}"),
        ]

    # Every entity: label, class, and the sentence that says what it is.
    for ident, label in world.labels.items():
        cls = world.classes[ident]
        text = f"{label} is {CLASS_WORDS[cls]}."
        yield from sentence(text)
        pairs: list[tuple[str, Term]] = [("rdfs:label", (label, None))]
        if cls in TOPIC_CLASSES:
            pairs.append(("skos:prefLabel", (label, None)))
        count += len(pairs)
        yield f"kg:{ident}", pairs
        yield from fact(f"fact-type-{ident}", f"kg:{ident}", "rdf:type", f"aig:{cls}", text[:-1])

    seen: set[tuple[str, str, str]] = set()
    labels = world.labels
    for s, p, o in SEED_FACTS:
        seen.add((s, p, o))
        if p == "foundingMemberOf":
            seen.add((s, "memberOf", o))
            text = f"{labels[s]} co-founded {labels[o]} and is one of its members."
            yield from sentence(text)
            yield from fact(_fact_id(s, p, o), f"kg:{s}", f"aig:{p}", f"kg:{o}", f"{labels[s]} co-founded {labels[o]}")
            yield from fact(_fact_id(s, "memberOf", o), f"kg:{s}", "aig:memberOf", f"kg:{o}", text[:-1])
            continue
        _, _, template, quote = RELATIONS[p]
        yield from sentence(template.format(s=labels[s], o=labels[o]))
        yield from fact(_fact_id(s, p, o), f"kg:{s}", f"aig:{p}", f"kg:{o}", quote.format(s=labels[s], o=labels[o]))

    names = list(WEIGHTS)
    weights = [WEIGHTS[n] for n in names]
    member_counts: set[str] = set()
    misses = 0
    while count < triples:
        p = rng.choices(names, weights)[0]
        skind, okind, template, quote = RELATIONS[p]
        s, o = world.pick(skind), world.pick(okind)
        if s == o or (s, p, o) in seen:
            misses += 1
            if misses > 10_000:
                raise RuntimeError("the synthetic world is too small for this many triples")
            continue
        misses = 0
        seen.add((s, p, o))
        yield from sentence(template.format(s=labels[s], o=labels[o]))
        yield from fact(_fact_id(s, p, o), f"kg:{s}", f"aig:{p}", f"kg:{o}", quote.format(s=labels[s], o=labels[o]))
        if p == "memberOf" and o not in member_counts and rng.random() < 0.3:
            member_counts.add(o)
            n = rng.randint(5, 90)
            text = f"{labels[o]} now has about {n} members."
            yield from sentence(text)
            value = (str(n), "xsd:integer")
            fid = f"fact-{o}-approximateMemberCount"
            yield from fact(fid, f"kg:{o}", "aig:approximateMemberCount", value, text[:-1])


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _turtle(term: Term) -> str:
    if isinstance(term, str):
        return term
    lexical, datatype = term
    return f'"{_escape(lexical)}"' + (f"^^{datatype}" if datatype else "")


def _iri(name: str) -> str:
    prefix, _, local = name.partition(":")
    return f"<{PREFIXES[prefix]}{local}>"


def _ntriples(term: Term) -> str:
    if isinstance(term, str):
        return _iri(term)
    lexical, datatype = term
    return f'"{_escape(lexical)}"' + (f"^^{_iri(datatype)}" if datatype else "")


def write(out: TextIO, triples: int, seed: int = 0, fmt: str = "turtle") -> int:
    """Write a graph of at least ``triples`` triples as ``turtle`` or ``ntriples``; return the count."""
    n = 0
    if fmt == "turtle":
        for prefix, ns in PREFIXES.items():
            out.write(f"@prefix {prefix}: <{ns}> .\n")
        for subject, pairs in blocks(triples, seed):
            body = " ;\n\t".join(f"{'a' if p == 'rdf:type' else p} {_turtle(o)}" for p, o in pairs)
            out.write(f"\n{subject} {body} .\n")
            n += len(pairs)
    elif fmt == "ntriples":
        for subject, pairs in blocks(triples, seed):
            s = _iri(subject)
            out.write("".join(f"{s} {_iri(p)} {_ntriples(o)} .\n" for p, o in pairs))
            n += len(pairs)
    else:
        raise ValueError(f"unknown format {fmt!r} (turtle or ntriples)")
    return n


def write_file(path: str | Path, triples: int, seed: int = 0) -> int:
    """Write a graph to ``path`` (.ttl or .nt); return the number of triples."""
    path = Path(path)
    fmt = "ntriples" if path.suffix == ".nt" else "turtle"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        n = write(fh, triples, seed, fmt)
    tmp.replace(path)
    return n


def parse_size(text: str) -> int:
    """``1e5``, ``100000`` or ``100_000`` -> 100000."""
    return int(float(text.replace("_", "")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=parse_size, default=10_000, help="target size, e.g. 1e5 (default 1e4)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("-o", "--output", default="-", help="file to write (.ttl or .nt); - for Turtle on stdout")
    parser.add_argument("--format", choices=["turtle", "ntriples"], help="format (default: from the extension)")
    args = parser.parse_args(argv)
    if args.output == "-":
        n = write(sys.stdout, args.triples, args.seed, args.format or "turtle")
    else:
        if args.format and args.format != ("ntriples" if args.output.endswith(".nt") else "turtle"):
            parser.error("--format does not match the output extension (.ttl or .nt)")
        n = write_file(args.output, args.triples, args.seed)
    print(f"generated {n} triples (seed {args.seed})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
