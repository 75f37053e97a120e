"""A corpus of generated (fictional) articles: full build, incremental rebuild, query and view.

    python benchmarks/bench_corpus.py                  # 1,000 articles
    python benchmarks/bench_corpus.py --articles 50    # a quick run

Each generated article is a short text about fictional organisations ("Org17
joined the Guild3 ...") with its facts file; the articles share a pool of
entities and disagree on member counts. Printed:

  full build         `aigraph build --facts DIR -o corpus.trig --no-cache`-equivalent
                     in this process (every article read, built and checked
                     against the SHACL shapes), then the same with the cache
                     filled (what a first cached build costs)
  rebuild            the cached rebuild after one article changed, and its share
                     of the full build (target: under 5%); a cached build also
                     writes the TriG's store into the query store cache, and
                     the rebuild is timed once more without that write
  query              `articles` and `disagreements` through aigraph.query()
                     over the TriG (parsed into memory), against bare pyoxigraph
                     loading the same TriG (union default graph) and running
                     the same text; then whole processes: `aigraph query NAME
                     --data corpus.trig` (the store the build cached is opened,
                     nothing parsed) against bare_pyoxigraph.py (load + query)
  view               aigraph.view.page.write_view() over the TriG, against bare
                     pyoxigraph loading it

Everything goes to benchmarks/out/corpus/ (git-ignored), the store cache
too (XDG_CACHE_HOME). Same --articles and --seed, same files. The load
average is printed with the figures: the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "corpus"
sys.path.insert(0, str(HERE.parent / "src"))

import pyoxigraph as ox  # noqa: E402

from aigraph.graph import corpus  # noqa: E402
from aigraph.sparql.engine import query as run_query  # noqa: E402
from aigraph.sparql.engine import saved_queries  # noqa: E402
from aigraph.store import cache  # noqa: E402


def generate(folder: Path, articles: int, seed: int) -> None:
    """``articles`` fictional articles with their facts files, sharing a pool of entities."""
    rng = random.Random(seed)
    orgs = max(10, articles // 4)
    guilds = max(3, articles // 40)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(articles):
        org, guild = rng.randrange(orgs), rng.randrange(guilds)
        count = 20 + rng.randrange(3) * 5  # articles disagree: 20, 25 or 30 members
        ident = f"gen-{n:05d}"
        text = (
            f"Org{org} joins Guild{guild}\n\nFICTIONAL ARTICLE {n}, generated for aigraph's benchmark."
            f" Org{org} Systems said it has joined the Guild{guild} Network, a fictional alliance."
            f" The Guild{guild} Network now has {count} members, Org{org} Systems said.\n"
        )
        (folder / f"{ident}.txt").write_text(text, encoding="utf-8")
        facts = f"""# Facts of a FICTIONAL generated article (benchmarks/bench_corpus.py).
[article]
id = "{ident}"
path = "{ident}.txt"
title = "Org{org} joins Guild{guild}"
published = 2031-01-{1 + n % 28:02d}

[[entity]]
id = "Org{org}"
label = "Org{org} Systems"
class = "Company"
evidence = "Org{org} Systems said it has joined"

[[entity]]
id = "Guild{guild}"
label = "Guild{guild} Network"
class = "IndustryAlliance"
evidence = "the Guild{guild} Network, a fictional alliance"

[[fact]]
id = "member"
subject = "Org{org}"
predicate = "memberOf"
object = "Guild{guild}"
evidence = "Org{org} Systems said it has joined the Guild{guild} Network"

[[fact]]
id = "count"
subject = "Guild{guild}"
predicate = "approximateMemberCount"
value = {count}
evidence = "The Guild{guild} Network now has {count} members"
"""
        (folder / f"{ident}.facts.toml").write_text(facts, encoding="utf-8")


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def median(work: Callable[[], object], repeat: int) -> float:
    return statistics.median(timed(work) for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query/view figure (median)")
    args = parser.parse_args()

    shutil.rmtree(OUT, ignore_errors=True)
    os.environ["XDG_CACHE_HOME"] = str(OUT / "xdg-cache")  # the store cache, here and in child processes
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    arts = OUT / "articles"
    generate(arts, args.articles, args.seed)
    trig = OUT / "corpus.trig"
    full = timed(lambda: corpus.build_corpus([arts], trig, cache=False))
    first = timed(lambda: corpus.build_corpus([arts], trig))
    same = timed(lambda: corpus.build_corpus([arts], trig))
    changed = arts / "gen-00000.txt"
    edited = changed.read_text(encoding="utf-8").replace("a fictional alliance", "a fictional alliance of makers")
    changed.write_text(edited, encoding="utf-8")
    rebuild = timed(lambda: corpus.build_corpus([arts], trig))
    changed.write_text(edited.replace("of makers", "of builders"), encoding="utf-8")
    threshold, cache.THRESHOLD = cache.THRESHOLD, 1 << 62  # this once, no store-cache write
    without = timed(lambda: corpus.build_corpus([arts], trig))
    cache.THRESHOLD = threshold
    changed.write_text(edited, encoding="utf-8")
    corpus.build_corpus([arts], trig)  # as after the timed rebuild, store cache included
    size = trig.stat().st_size
    print(f"{args.articles} articles, {size / 1e6:.1f} MB of TriG")
    print(f"full build (no cache)           {full:8.2f} s   {1000 * full / args.articles:6.1f} ms per article")
    print(f"first build filling the caches  {first:8.2f} s")
    print(f"rebuild, nothing changed        {same:8.2f} s   {100 * same / full:5.1f}% of the full build")
    print(f"rebuild after one article       {rebuild:8.2f} s   {100 * rebuild / full:5.1f}% of the full build")
    print(f"  the same, no store-cache write {without:7.2f} s   {100 * without / full:5.1f}% of the full build")

    def bare_store() -> ox.Store:
        store = ox.Store()
        store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG)
        return store

    for name in ("articles", "disagreements"):
        text = saved_queries()[name].text
        ours = median(lambda name=name: run_query(name, data=[trig]), args.repeat)  # type: ignore[misc]
        bare = median(
            lambda text=text: list(bare_store().query(text, use_default_graph_as_union=True)),  # type: ignore[misc]
            args.repeat,
        )
        print(f"query {name:14s} aigraph {ours:6.2f} s   bare pyoxigraph {bare:6.2f} s   {ours / bare:5.2f}x")
    for name in ("articles", "disagreements"):
        rq = OUT / f"{name}.rq"
        rq.write_text(saved_queries()[name].text, encoding="utf-8")
        command = [sys.executable, "-m", "aigraph", "query", name, "--data", str(trig), "--format", "tsv"]
        ours = median(lambda command=command: run(command), args.repeat)  # type: ignore[misc]
        bare = median(
            lambda rq=rq: run([sys.executable, str(HERE / "bare_pyoxigraph.py"), "query", str(rq), str(trig)]),  # type: ignore[misc]
            args.repeat,
        )
        print(f"process {name:12s} aigraph {ours:6.2f} s   bare pyoxigraph {bare:6.2f} s   {ours / bare:5.2f}x"
              "   (aigraph: the store the build cached)")
    from aigraph.view.page import write_view

    page = OUT / "corpus.html"
    view = median(lambda: write_view(page, data=[trig]), args.repeat)
    load = median(bare_store, args.repeat)
    print(f"view                 aigraph {view:6.2f} s   bare pyoxigraph load {load:6.2f} s   {view / load:5.2f}x")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def run(command: list[str]) -> None:
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)


if __name__ == "__main__":
    main()
