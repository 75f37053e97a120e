"""How good are `aigraph draft`'s proposals? Precision, recall, traps, quotes, builds.

    python benchmarks/bench_draft.py              # the evaluation set, the seed, and speed
    python benchmarks/bench_draft.py --no-speed   # skip the long-text timings (10k-100k words)
    python benchmarks/bench_draft.py --speed-only --sizes 50000   # time one size only
    python benchmarks/bench_draft.py --speed-only --src /tmp/old/src  # time another checkout's aigraph

The evaluation set is tests/draft_eval/: short FICTIONAL news-style articles
with hand-written gold facts and traps (see benchmarks/README.md). A proposal
is right when the gold entails it: same subject and object (matched by label
or alias, either way round for symmetric properties) and the same property or
a super-property of the gold one (foundingMemberOf entails memberOf). A gold
fact is recalled when a proposal entails it. Only uncommented facts count as
proposed; hedged and unsure ones (comments) do not.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from aigraph.errors import AigraphError  # noqa: E402
from aigraph.facts.draft import draft_text  # noqa: E402
from aigraph.graph.build import build_graph  # noqa: E402
from aigraph.namespaces import AIG  # noqa: E402
from aigraph.ontology import load_ontology  # noqa: E402
from aigraph.sources.article import ArticleText  # noqa: E402

EVAL = ROOT / "tests" / "draft_eval"
ONTO = load_ontology()


def norm(name: str) -> str:
    """Names compared without case, leading articles, possessives or end punctuation."""
    n = " ".join(name.lower().replace("’", "'").replace("“", "").replace("”", "").split())
    n = re.sub(r"'s\b", "", n)
    n = re.sub(r"^(the|a|an|its|their)\s+", "", n)
    return n.strip(" .,;:\"'")


def ancestors(prop: str) -> list[str]:
    return [a[len(AIG) :] if a.startswith(AIG) else a for a in ONTO.ancestors(AIG + prop)]


def symmetric(prop: str) -> bool:
    term = ONTO.terms.get(AIG + prop)
    return bool(term and "Symmetric" in term.characteristics)


@dataclass
class Gold:
    entities: list[set[str]]  # names of each gold entity
    facts: list[tuple[int, str, int | object]]  # subject entity index, property, object index or value
    traps: list[tuple[int, str, int | object]]
    held_out: int = 0  # 0: development; 1: the first held-out set; 2: the second


@dataclass
class Score:
    name: str
    proposed: int = 0
    correct: int = 0
    gold: int = 0
    recalled: int = 0
    entities: int = 0
    entities_found: int = 0
    traps: int = 0
    traps_asserted: int = 0
    bad_quotes: int = 0
    builds: bool = False
    build_error: str = ""
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        """Add another article's tallies (the int and float fields) to these."""
        for f in fields(self):
            if f.type in ("int", "float"):
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def precision(self) -> float:
        return self.correct / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.recalled / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _index(entities: list[set[str]], name: str) -> int:
    n = norm(name)
    for i, names in enumerate(entities):
        if n in names:
            return i
    raise SystemExit(f"gold names an unknown entity {name!r}")


def gold_from_eval(path: Path) -> Gold:
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    entities = [{norm(e["label"]), *(norm(a) for a in e.get("aliases", []))} for e in doc["entities"]]

    def triple(row: list) -> tuple[int, str, int | object]:
        s, p, o = row[0], row[1], row[2]
        return _index(entities, s), p, (o if not isinstance(o, str) else _index(entities, o))

    return Gold(entities, [triple(r) for r in doc["facts"]], [triple(r) for r in doc.get("traps", [])],
                int(doc.get("held_out", 0)))


def gold_from_facts(path: Path) -> Gold:
    """The seed's facts file as gold (no traps)."""
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    ids = {e["id"]: i for i, e in enumerate(doc["entity"])}
    entities = [{norm(e["label"]), *(norm(a) for a in e.get("aliases", []))} for e in doc["entity"]]
    facts = [
        (ids[f["subject"]], f["predicate"], ids[f["object"]] if "object" in f else f["value"]) for f in doc["fact"]
    ]
    return Gold(entities, facts, [])


def _same(a: tuple, b: tuple, entails: bool) -> bool:
    """Whether proposal ``a`` and gold ``b`` are the same fact (``entails``: b's property implies a's)."""
    (s1, p1, o1), (s2, p2, o2) = a, b
    ok = p1 in ancestors(p2) if entails else p2 in ancestors(p1)
    if not ok:
        return False
    if (s1, o1) == (s2, o2):
        return True
    return symmetric(p1) and (s1, o1) == (o2, s2)


def score(name: str, text: str, article_path: Path, gold: Gold, tmp: Path) -> Score:
    sc = Score(name)
    # The draft is written beside a copy of the article: build reads articles only from there.
    article_path = tmp / article_path.name
    article_path.write_text(text, encoding="utf-8")
    out = tmp / f"{article_path.stem}.facts.toml"
    start = time.perf_counter()
    result = draft_text(text, article_path, out)
    sc.seconds = time.perf_counter() - start
    out.write_text(result.text, encoding="utf-8")
    doc = tomllib.loads(result.text)
    # Draft entity -> gold entity, by any shared name.
    names = {e["id"]: {norm(e["label"]), *(norm(a) for a in e.get("aliases", []))} for e in doc.get("entity", [])}
    to_gold = {}
    for ident, ns in names.items():
        for i, gns in enumerate(gold.entities):
            if ns & gns:
                to_gold[ident] = i
                break
    sc.entities = len(gold.entities)
    sc.entities_found = len(set(to_gold.values()))
    proposed = []
    for f in doc.get("fact", []):
        s = to_gold.get(f["subject"], f"?{f['subject']}")
        o = to_gold.get(f["object"], f"?{f['object']}") if "object" in f else f["value"]
        proposed.append(((s, f["predicate"], o), f))
    sc.proposed, sc.gold, sc.traps = len(proposed), len(gold.facts), len(gold.traps)
    label = {i: sorted(n)[0] for i, n in enumerate(gold.entities)}
    for t, f in proposed:
        if any(_same(t, g, True) for g in gold.facts):
            sc.correct += 1
        else:
            sc.wrong.append(f"{f['subject']} {f['predicate']} {f.get('object', f.get('value'))}")
        if any(_same(t, g, False) or _same(t, g, True) for g in gold.traps):
            sc.traps_asserted += 1
    for g in gold.facts:
        if any(_same(t, g, False) for t, _ in proposed):
            sc.recalled += 1
        else:
            o = label.get(g[2], g[2]) if isinstance(g[2], int) and not isinstance(g[2], bool) else g[2]
            sc.misses.append(f"{label[g[0]]} {g[1]} {o}")
    # Every quote in the file, commented proposals included, must be in the article in one place.
    article = ArticleText(text)
    for line in result.text.splitlines():
        m = re.match(r"^(?:#\s*)?evidence = (.*)$", line)
        if m:
            value = tomllib.loads(f"v = {m.group(1)}")["v"]
            for q in [value] if isinstance(value, str) else value:
                if len(article.places(q)) != 1:
                    sc.bad_quotes += 1
    try:
        build_graph(out)
        sc.builds = True
    except AigraphError as exc:
        sc.build_error = str(exc)
    return sc


def header() -> str:
    return (f"{'article':34} {'P':>5} {'R':>5} {'F1':>5} {'ent.R':>6} {'traps':>6} {'bad q':>6} {'builds':>7}"
            f" {'facts':>6} {'gold':>5}")


def row(sc: Score, builds: str | None = None) -> str:
    b = builds if builds is not None else ("yes" if sc.builds else "NO")
    ent = sc.entities_found / sc.entities if sc.entities else 1.0
    return (f"{sc.name:34} {sc.precision:5.2f} {sc.recall:5.2f} {sc.f1:5.2f} {ent:6.2f}"
            f" {sc.traps_asserted:>3}/{sc.traps:<2} {sc.bad_quotes:>6} {b:>7} {sc.proposed:>6} {sc.gold:>5}")


def long_text(words: int) -> str:
    """A FICTIONAL text of about ``words`` words: the evaluation articles over and over, names varied per copy."""
    base = [p.read_text(encoding="utf-8") for p in sorted(EVAL.glob("*.txt"))]
    parts, n, k = [], 0, 0
    while n < words:
        suffix = "".join(chr(97 + int(d)) for d in str(k))
        for text in base:
            varied = re.sub(r"\b([A-Z][a-z]{3,})\b", r"\g<1>" + suffix, text)
            parts.append(varied)
            n += len(varied.split())
        k += 1
    return "\n\n".join(parts)


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds (user + system) of one process, and what it printed."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {output.strip()}")
    return took, usage.ru_utime + usage.ru_stime, output


def speed(sizes: list[int], repeat: int = 2, src: Path = ROOT / "src") -> None:
    """``aigraph draft`` on long texts, each run a whole process (start-up and writing included)."""
    print(f"\nSpeed: `aigraph draft long.txt -o long.facts.toml`, a fresh process per run, best of {repeat}:")
    print(f"{'words':>8} {'sentences':>9} {'seconds':>8} {'CPU s':>6} {'CPU s per 10k words':>19}"
          f" {'x previous size: CPU / words':>28}  draft")
    env = {**os.environ, "PYTHONPATH": str(src.resolve())}
    if src.resolve() != (ROOT / "src").resolve():
        print(f"(the aigraph of {src})")
    prev: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for words in sizes:
            text = long_text(words)
            path = Path(tmp) / "long.txt"
            path.write_text(text, encoding="utf-8")
            out = Path(tmp) / "long.facts.toml"
            runs = [
                _timed([sys.executable, "-m", "aigraph", "draft", str(path), "-o", str(out), "--force"], env)
                for _ in range(repeat)
            ]
            took, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
            n = len(text.split())
            counts = re.search(r"\((\d+ entit.*?)\)", runs[0][2])
            ratio = f"{cpu / prev[1]:.2f} / {n / prev[0]:.2f}" if prev else "-"
            print(f"{n:>8,} {len(ArticleText(text).sentences):>9,} {took:>8.2f} {cpu:>6.2f}"
                  f" {cpu / n * 10_000:>19.2f} {ratio:>28}  {counts.group(1) if counts else ''}")
            prev = (n, cpu)
    load = os.getloadavg()
    print(f"x previous size: how much more CPU time than at the size before, against how many more words"
          f" (linear: the first no larger than the second). Load average {load[0]:.1f} {load[1]:.1f}"
          f" {load[2]:.1f} on {os.cpu_count()} CPUs: wall-clock seconds grow with it, CPU seconds much less.")


def details(sc: Score) -> None:
    """The misses and wrong proposals of one article (``-v``)."""
    for m in sc.misses:
        print(f"    missed: {m}")
    for w in sc.wrong:
        print(f"    wrong:  {w}")
    if sc.build_error:
        print(f"    build: {sc.build_error}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-speed", action="store_true", help="skip the long-text timings")
    ap.add_argument("--sizes", default="10000,25000,50000,100000",
                    help="words of the long texts to time, comma-separated (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=2, help="runs per size; the best is shown (default: %(default)s)")
    ap.add_argument("--speed-only", action="store_true", help="only the long-text timings")
    ap.add_argument("--src", default=str(ROOT / "src"),
                    help="the aigraph source tree the timings run (another checkout's, to compare; default: this one)")
    ap.add_argument("--dev-only", action="store_true", help="leave the held-out articles out (while developing)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses and wrong proposals")
    args = ap.parse_args()
    if not args.speed_only:
        quality(args)
    if not args.no_speed:
        speed([int(float(x)) for x in args.sizes.split(",")], args.repeat, Path(args.src))


def quality(args: argparse.Namespace) -> None:
    """Precision, recall, traps, quotes and builds, per article and overall."""
    groups = {
        0: Score("overall, development"),
        1: Score("overall, held-out set 1"),
        2: Score("overall, held-out set 2"),
    }
    builds = {k: True for k in groups}
    seen: set[int] = set()
    every = Score("overall, all articles")
    with tempfile.TemporaryDirectory() as tmp:
        print(header())
        for gold_path in sorted(EVAL.glob("*.gold.toml")):
            article = gold_path.with_name(gold_path.name.replace(".gold.toml", ".txt"))
            gold = gold_from_eval(gold_path)
            if gold.held_out and args.dev_only:
                continue
            name = article.stem + (f" (held out {gold.held_out})" if gold.held_out else "")
            sc = score(name, article.read_text(encoding="utf-8"), article, gold, Path(tmp))
            print(row(sc))
            if args.verbose:
                details(sc)
            groups[gold.held_out].add(sc)
            every.add(sc)
            builds[gold.held_out] &= sc.builds
            seen.add(gold.held_out)
        for k in sorted(seen):
            print(row(groups[k], "all" if builds[k] else "NO"))
        if len(seen) > 1:
            print(row(every, "all" if all(builds[k] for k in seen) else "NO"))
        seed_facts = ROOT / "sources" / "ai-alliance.facts.toml"
        seed_article = ROOT / "sources" / "ai-alliance-article.txt"
        sc = score("seed: ai-alliance (vs shipped facts)", seed_article.read_text(encoding="utf-8"), seed_article,
                   gold_from_facts(seed_facts), Path(tmp))
        print(row(sc))
        if args.verbose:
            details(sc)
    print("\nP, R, F1: proposed facts against gold; ent.R: gold entities found; traps: traps asserted /"
          " traps; bad q: quotes not found in one place in the article (must be 0); builds: `aigraph build`"
          " accepts the draft unchanged.")


if __name__ == "__main__":
    main()
