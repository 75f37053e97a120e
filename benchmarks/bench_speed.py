"""Build, validate and cached-query times (issue 15), each a whole process, in one run.

    python benchmarks/bench_speed.py                              # about 5 minutes on 2 cores
    python benchmarks/bench_speed.py --old /tmp/aigraph-old/src   # an older aigraph beside this one
    python benchmarks/bench_speed.py --validate-sizes 1e3,1e4 --query-sizes 1e5 --repeat 5

Prints, as medians of --repeat runs:

- ``aigraph build -o OUT`` on the seed facts, interleaved with ``python -c pass``
  and a bare ``python -c "import pyshacl"`` (``--only build``: this table, the
  big builds and the validate rows);
- ``aigraph build --facts F`` on one generated fictional article with
  ``--build-facts`` facts (default 2e3 and 2e4; one run each);
- ``aigraph validate FILE`` on synthetic graphs (benchmarks/generate.py) of the
  seed's size up to 1e4 triples, with the in-process ``validate_graph`` time
  per 1,000 triples (flat when validation is linear in the data);
- ``aigraph query members --data FILE --with-ontology`` at 1e5 and 1e6
  triples: without the store cache (``--no-cache``), the first query (which
  fills the cache), and later queries (which open the cached store), next to
  the oxigraph CLI (``pip install oxigraph``) and a bare pyoxigraph script on a
  loaded store, with the ratios.

- start-up on the seed: ``python -c pass``, ``aigraph --help``, ``aigraph query
  members`` and a bare pyoxigraph script doing the same work (load the seed
  Turtle and the ontology, run the query, print TSV), with the ratios;
- the cost of ``--timeout`` at 1e5 and 1e6 triples (``query members --data FILE
  --with-ontology --no-cache``, the default ``--timeout 30`` against ``--timeout 0``):
  wall, user and system seconds, page faults and peak memory, from ``wait4``;
- ``aigraph view --data FILE`` at 1e6 triples: wall and CPU seconds (medians of unsampled
  runs), and peak memory of the command and the worker it forks (RSS and PSS summed over both,
  sampled from /proc in a separate run: the sampling slows the view down).

``--old SRC`` runs the build, validate, start-up, timeout, view and cached-query rows with an older
source tree too (``git archive main | tar -x -C /tmp/aigraph-old``). ``--only cached`` runs the
cached-query table alone (``--skip-no-cache`` without its ``--no-cache`` runs), ``--script`` runs
aigraph as its installed script does instead of ``python -m aigraph``. The cache goes to
benchmarks/out/xdg (XDG_CACHE_HOME), never to ~/.cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PY = sys.executable
QUERIES = ROOT / "src" / "aigraph" / "sparql" / "queries"
ONTOLOGY = ROOT / "ontology" / "aigraph.ttl"


SCRIPT = "import sys; sys.argv[0] = 'aigraph'; from aigraph.fasthelp import run; sys.exit(run())"
"""What the installed ``aigraph`` script runs (src/aigraph/__main__.py, installed as the script by
pyproject's shared-scripts), without runpy's 3-5 ms of ``-m``."""


def env_for(src: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(src)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached, as an installed package has it
    env["PYTHONPYCACHEPREFIX"] = str(OUT / "pycache" / src.parent.name)
    env["XDG_CACHE_HOME"] = str(OUT / "xdg")
    return env


def timed(cmd: list[str], env: dict[str, str], expect: int | None = 0) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    if expect is not None and proc.returncode != expect:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode()}")
    return seconds


def median(cmd: list[str], env: dict[str, str], repeat: int, expect: int | None = 0) -> float:
    return statistics.median(timed(cmd, env, expect) for _ in range(repeat))


def interleaved_medians(commands: dict[str, tuple[list[str], dict[str, str]]], runs: int) -> dict[str, float]:
    """Each command's median wall time over ``runs`` rounds, after one warm-up run each (bytecode
    caches); the rounds interleave the commands, so a busy machine slows them alike."""
    for cmd, env in commands.values():
        timed(cmd, env)
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(runs):
        for k, (cmd, env) in commands.items():
            times[k].append(timed(cmd, env))
    return {k: statistics.median(v) for k, v in times.items()}


def size(text: str) -> int:
    return int(float(text))


def graph(n: int, ext: str) -> Path:
    path = OUT / f"speed-{n:.0e}.{ext}".replace("+0", "")
    if not path.exists():
        subprocess.run([PY, str(HERE / "generate.py"), "--triples", str(n), "-o", str(path)], check=True,
                       stderr=subprocess.DEVNULL)
    return path


def in_process_validate(src: Path, path: Path, repeat: int) -> float:
    """Median CPU seconds of validate_graph on the parsed file, imports and parsing excluded
    (CPU time: on shared cores, wall time at this scale is mostly other people's work)."""
    code = (
        "import sys, time, statistics\n"
        "from aigraph.rdfio import read_rdf\nfrom aigraph.graph.validate import validate_graph\n"
        "q = read_rdf(sys.argv[1]); validate_graph(q)\n"
        "ts = []\n"
        "for _ in range(int(sys.argv[2])):\n"
        "    t = time.process_time(); validate_graph(q); ts.append(time.process_time() - t)\n"
        "print(statistics.median(ts))\n"
    )
    out = subprocess.run([PY, "-c", code, str(path), str(repeat)], env=env_for(src), capture_output=True,
                         text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--validate-sizes", default="1e3,3e3,1e4")
    ap.add_argument("--query-sizes", default="1e5,1e6")
    ap.add_argument("--queries", default="members,competitors", help="saved queries for the cached-query table")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--old", type=Path, help="the src folder of an older aigraph, run beside this one")
    ap.add_argument("--skip-build", action="store_true", help="only the cached-query and threshold tables")
    ap.add_argument("--only", choices=["startup", "timeout", "view", "build", "cached"], help="only this table")
    ap.add_argument("--skip-no-cache", action="store_true", help="the cached-query table without --no-cache runs")
    ap.add_argument("--wait-quiet", action="store_true",
                    help="cached-query table: before each round, wait until other processes leave the CPUs idle")
    ap.add_argument("--script", action="store_true",
                    help="run aigraph as its installed script does (aigraph.fasthelp.run), not `python -m aigraph`")
    ap.add_argument("--build-facts", default="2e3,2e4", help="big single-article builds (facts), '' for none")
    ap.add_argument("--timeout-sizes", default="1e5,1e6")
    ap.add_argument("--view-size", default="1e6")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    trees = {"new": ROOT / "src"}
    if args.old:
        trees["old"] = args.old.resolve()
    aig = [PY, "-c", SCRIPT] if args.script else [PY, "-m", "aigraph"]
    pass_time = median([PY, "-c", "pass"], env_for(ROOT / "src"), args.repeat)
    print(f"python -c pass: {pass_time:.3f} s; medians of {args.repeat} runs; {os.cpu_count()} cores")

    if args.only:
        tables = {"startup": startup, "timeout": timeout_cost, "view": view_big, "build": build_and_validate,
                  "cached": cached_queries}
        tables[args.only](args, trees, aig)
        return 0
    startup(args, trees, aig)
    timeout_cost(args, trees, aig)
    view_big(args, trees, aig)
    if not args.skip_build:
        build_and_validate(args, trees, aig)
    cached_queries(args, trees, aig)
    threshold()
    return 0


BARE_QUERY = (
    "import sys, pyoxigraph as ox\n"
    "store = ox.Store()\n"
    "store.load(path=sys.argv[1], format=ox.RdfFormat.TURTLE)\n"
    "store.load(path=sys.argv[2], format=ox.RdfFormat.TURTLE)\n"
    "r = store.query(open(sys.argv[3], encoding='utf-8').read(), use_default_graph_as_union=True)\n"
    "sys.stdout.buffer.write(r.serialize(format=ox.QueryResultsFormat.TSV))\n"
)


def startup(args: argparse.Namespace, trees: dict[str, Path], aig: list[str]) -> None:
    """Whole-process medians on the seed, interleaved; more runs than elsewhere (they are short)."""
    runs = max(args.repeat, 15)
    seed = ROOT / "src" / "aigraph" / "data" / "graphs" / "ai-alliance.ttl"
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass": ([PY, "-c", "pass"], env_for(ROOT / "src")),
        "bare pyoxigraph query": ([PY, "-c", BARE_QUERY, str(seed), str(ONTOLOGY), str(QUERIES / "members.rq")],
                                  env_for(ROOT / "src")),
    }
    for name, src in trees.items():
        commands[f"aigraph --help ({name})"] = ([*aig, "--help"], env_for(src))
        commands[f"aigraph query members ({name})"] = ([*aig, "query", "members", "--format", "tsv"], env_for(src))
    script = Path(PY).with_name("aigraph")  # the installed command itself, running this tree's code
    if script.is_file():
        commands["aigraph --help (installed script)"] = ([str(script), "--help"], env_for(ROOT / "src"))
        commands["aigraph query members (installed script)"] = (
            [str(script), "query", "members", "--format", "tsv"], env_for(ROOT / "src"))
    med = interleaved_medians(commands, runs)
    print(f"\nstart-up on the seed (whole process, medians of {runs}, milliseconds)")
    for k, v in med.items():
        ratio = ""
        if k.startswith("aigraph --help"):
            ratio = f"   {v / med['python -c pass']:.2f}x python -c pass (target 3x)"
        elif k.startswith("aigraph query"):
            ratio = f"   {v / med['bare pyoxigraph query']:.2f}x bare pyoxigraph (target 2x)"
        print(f"  {k:<42} {1000 * v:8.1f}{ratio}")
    sys.stdout.flush()


def measured(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall, user and system seconds, page faults and peak RSS (MB) of a whole process and its children."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return {"wall": wall, "user": usage.ru_utime, "sys": usage.ru_stime,
            "faults": usage.ru_minflt + usage.ru_majflt, "peak": usage.ru_maxrss / 1024}


def timeout_cost(args: argparse.Namespace, trees: dict[str, Path], aig: list[str]) -> None:
    print("\n--timeout's cost: query members --data FILE --with-ontology --no-cache (medians; peak = max)")
    print(f"  {'triples':<8} {'tree':<5} {'--timeout':<10} {'wall':>7} {'user':>7} {'sys':>7}"
          f" {'faults':>9} {'peak MB':>8}")
    for s in args.timeout_sizes.split(","):
        data = graph(size(s), "nt")
        base = [*aig, "query", "members", "--data", str(data), "--with-ontology", "--no-cache", "--format", "tsv"]
        runs = {(t, lim): (base + ["--timeout", lim], env_for(src)) for t, src in trees.items() for lim in ("30", "0")}
        got: dict[tuple[str, str], list[dict[str, float]]] = {k: [] for k in runs}
        for _ in range(1 if size(s) >= 5e5 else args.repeat):
            for k, (cmd, env) in runs.items():
                got[k].append(measured(cmd, env))
        for (t, lim), rows in got.items():
            m = {f: statistics.median(r[f] for r in rows) for f in ("wall", "user", "sys", "faults")}
            peak = max(r["peak"] for r in rows)
            print(f"  {s:<8} {t:<5} {lim:<10} {m['wall']:>7.2f} {m['user']:>7.2f} {m['sys']:>7.2f}"
                  f" {m['faults']:>9.0f} {peak:>8.0f}")
        sys.stdout.flush()


def view_big(args: argparse.Namespace, trees: dict[str, Path], aig: list[str]) -> None:
    data = graph(size(args.view_size), "nt")
    runs = max(3, min(args.repeat, 5))
    print(f"\naigraph view --data {data.name} (target 3 s and 500 MB, all processes together; time: median of"
          f" {runs} interleaved runs, unsampled; memory: one more run, sampled from /proc every 10 ms)")
    print(f"  load average before: {os.getloadavg()[0]:.2f}")
    pages = {t: OUT / f"view-big-{t}.html" for t in trees}
    cmds = {t: [*aig, "view", "--data", str(data), "-o", str(pages[t])] for t in trees}
    # Reading smaps_rollup of a 400 MB process every 10 ms takes CPU from the two processes it
    # measures (on 2 cores the view's wall time grew by 1.5-2 s): time comes from other runs.
    timed_runs: dict[str, list[dict[str, float]]] = {t: [] for t in trees}
    for _ in range(runs):
        for t, src in trees.items():
            timed_runs[t].append(measured(cmds[t], env_for(src)))
    for t, src in trees.items():
        by_wall = sorted(timed_runs[t], key=lambda r: r["wall"])
        m = by_wall[len(by_wall) // 2]
        walls = ", ".join(f"{r['wall']:.2f}" for r in timed_runs[t])
        mem = measured_tree(cmds[t], env_for(src))
        # The summed peak is sampled (it can miss a short one): never below the largest process's.
        print(f"  {t:<5} wall {m['wall']:.2f} s ({walls}), CPU {m['user'] + m['sys']:.2f} s (user {m['user']:.2f},"
              f" sys {m['sys']:.2f}, children included); peak {max(mem['rss'], mem['peak']):.0f} MB (RSS summed"
              f" over its processes {mem['rss']:.0f} MB, PSS {mem['pss']:.0f} MB; largest process"
              f" {mem['peak']:.0f} MB; that run took {mem['wall']:.2f} s)")
    if len(pages) > 1:
        same = len({p.read_bytes() for p in pages.values()}) == 1
        print(f"  pages byte for byte the same: {same}")
    print(f"  load average after: {os.getloadavg()[0]:.2f}")
    sys.stdout.flush()


def measured_tree(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """:func:`measured`, plus the peak of the RSS and of the PSS summed over the process and its
    children (sampled every 10 ms from /proc; ``peak`` from ``wait4`` is one process's)."""
    import threading

    peak = {"rss": 0.0, "pss": 0.0}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def tree(pid: int) -> list[int]:
        found, todo = [], [pid]
        while todo:
            p = todo.pop()
            found.append(p)
            try:
                todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
            except OSError:
                pass
        return found

    def sample() -> None:
        while not done.wait(0.01):
            rss = pss = 0
            for p in tree(proc.pid):
                try:
                    for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Rss:"):
                            rss += int(line.split()[1])
                        elif line.startswith("Pss:"):
                            pss += int(line.split()[1])
                except (OSError, ValueError, IndexError):
                    pass
            peak["rss"] = max(peak["rss"], rss / 1024)
            peak["pss"] = max(peak["pss"], pss / 1024)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    start = time.perf_counter()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return {"wall": wall, "user": usage.ru_utime, "sys": usage.ru_stime, "peak": usage.ru_maxrss / 1024, **peak}


def build_and_validate(args: argparse.Namespace, trees: dict[str, Path], aig: list[str]) -> None:
    """The seed build beside ``python -c pass`` and a bare ``import pyshacl`` (interleaved medians),
    then the big single-article builds and ``aigraph validate`` at the --validate-sizes."""
    runs = max(args.repeat, 11)
    bare = 'python -c "import pyshacl"'
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass": ([PY, "-c", "pass"], env_for(ROOT / "src")),
        bare: ([PY, "-c", "import pyshacl"], env_for(ROOT / "src")),
    }
    for name, src in trees.items():
        commands[f"aigraph build ({name})"] = ([*aig, "build", "-o", str(OUT / f"seed-{name}.ttl")], env_for(src))
    med = interleaved_medians(commands, runs)
    print(f"\nseed build, 817 triples (whole process, medians of {runs} interleaved runs, milliseconds)")
    for k, v in med.items():
        ratio = ""
        if k.startswith("aigraph build"):
            ratio = (f"   {v / med['python -c pass']:.1f}x python -c pass,"
                     f" {v / med[bare]:.2f}x import pyshacl (target 300 ms)")
        print(f"  {k:<42} {1000 * v:8.1f}{ratio}")
    sys.stdout.flush()

    if args.build_facts:
        import pyoxigraph as ox

        print("\nbig builds: one generated FICTIONAL article (whole process, one run, seconds)")
        print(f"{'facts':<8} {'triples':>9}" + "".join(f"{t:>10}" for t in trees))
        for s in args.build_facts.split(","):
            facts = big_facts(OUT / f"big-{size(s)}", size(s))
            row = [timed([*aig, "build", "--facts", str(facts), "-o", str(OUT / f"big-{t}.ttl")], env_for(src))
                   for t, src in trees.items()]
            triples = sum(1 for _ in ox.parse(path=OUT / "big-new.ttl", format=ox.RdfFormat.TURTLE))
            print(f"{s:<8} {triples:>9,}" + "".join(f"{x:>10.2f}" for x in row))
            sys.stdout.flush()

    if not args.validate_sizes:
        return
    print("\nvalidate (whole process, seconds)")
    print(f"{'work':<34}" + "".join(f"{t:>10}" for t in trees) + "   validate_graph per 1e3 triples (new)")
    seed = OUT / "seed-new.ttl"
    sizes = [("seed", 817, seed)] + [(s, size(s), graph(size(s), "ttl")) for s in args.validate_sizes.split(",")]
    for label, triples, path in sizes:
        row = [median([*aig, "validate", str(path)], env_for(src), args.repeat) for src in trees.values()]
        inner = in_process_validate(trees["new"], path, args.repeat)
        print(f"{'aigraph validate ' + label:<34}" + "".join(f"{x:>10.3f}" for x in row)
              + f"   {inner:.3f} s in-process, {1000 * inner / triples:.3f} s per 1e3 triples")


def big_facts(folder: Path, facts: int) -> Path:
    """A FICTIONAL article of about ``facts`` + ``facts`` / 10 sentences and its facts file: ``facts`` / 10
    companies, each declared by a sentence of its own, and ``facts`` relations between them, each
    quoting a sentence of its own (as one long article with many facts: a 20,000-fact build)."""
    path = folder / "big.facts.toml"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    orgs = max(10, facts // 10)
    predicates = ["memberOf", "collaboratesWith", "competesWith", "criticizes"]
    sentences, entries = [], []
    for i in range(orgs):
        sentences.append(f"Org{i} Systems, fictional company {i} of this benchmark, is listed here.")
        entries.append(f'[[entity]]\nid = "Org{i}"\nlabel = "Org{i} Systems"\nclass = "Company"\n'
                       f'evidence = "Org{i} Systems, fictional company {i} of this"\n')
    for k in range(facts):
        a = k % orgs
        b = (k * 7 + 1 + k // orgs) % orgs
        b = b if b != a else (b + 1) % orgs
        p = predicates[k % len(predicates)]
        sentences.append(f"In fictional record {k} of this benchmark, Org{a} Systems {p} Org{b} Systems.")
        entries.append(f'[[fact]]\nid = "f{k}"\nsubject = "Org{a}"\npredicate = "{p}"\nobject = "Org{b}"\n'
                       f'evidence = "In fictional record {k} of this benchmark, Org{a} Systems {p} Org{b}"\n')
    (folder / "big.txt").write_text("A FICTIONAL benchmark article\n\n" + " ".join(sentences) + "\n", encoding="utf-8")
    head = ('# Facts of a FICTIONAL generated article (benchmarks/bench_speed.py --build-facts).\n'
            '[article]\nid = "big"\npath = "big.txt"\ntitle = "A FICTIONAL benchmark article"\n\n')
    path.write_text(head + "\n".join(entries), encoding="utf-8")
    return path


def cpu_busy(seconds: float = 0.3) -> float:
    """The share of the machine's CPU time that was not idle over the next ``seconds`` (Linux;
    0 elsewhere): a shared machine's other work, which makes 20 ms timings noisy."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as fh:
            ticks = [int(v) for v in fh.readline().split()[1:]]
        return sum(ticks), ticks[3] + ticks[4]  # idle and iowait

    try:
        total, idle = sample()
        time.sleep(seconds)
        total2, idle2 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    return 1 - (idle2 - idle) / max(1, total2 - total)


def cached_queries(args: argparse.Namespace, trees: dict[str, Path], aig: list[str]) -> None:
    """Whole-process medians, interleaved: the cached query with each source tree (they share the
    cache: the same files give the same entry), the oxigraph CLI and a bare script on its store."""
    oxigraph = shutil.which("oxigraph") or str(Path(PY).parent / "oxigraph")
    has_cli = Path(oxigraph).exists()
    print("\ncached queries: aigraph query NAME --data FILE --with-ontology (whole process, seconds)")
    names = list(trees)
    print(f"{'triples':<8} {'query':<12} {'no cache':>9} {'1st (fill)':>11}"
          + "".join(f" {'cached ' + t:>12}" for t in names) + f" {'oxigraph CLI':>13} {'bare pyox':>10}"
          + "".join(f" {t + '/CLI':>9} {t + '/pyox':>10}" for t in names))
    env = env_for(ROOT / "src")
    for s, name in [(s, q) for s in args.query_sizes.split(",") for q in args.queries.split(",")]:
        n = size(s)
        data = graph(n, "nt")
        rq = QUERIES / f"{name}.rq"
        query = [*aig, "query", name, "--data", str(data), "--with-ontology", "--format", "tsv"]
        shutil.rmtree(OUT / "xdg", ignore_errors=True)
        first = timed(query, env)
        store = OUT / f"oxigraph-{n:.0e}"
        if has_cli and not store.exists():
            subprocess.run([oxigraph, "load", "--location", str(store), "--file", str(data), "--file", str(ONTOLOGY)],
                           check=True, capture_output=True)
        bare_code = (
            "import sys, pyoxigraph as ox\n"
            "s = ox.Store.read_only(sys.argv[1])\n"
            "r = s.query(open(sys.argv[2], encoding='utf-8').read())\n"
            "sys.stdout.buffer.write(r.serialize(format=ox.QueryResultsFormat.TSV))\n"
        )
        commands = {f"cached {t}": (query, env_for(src)) for t, src in trees.items()}
        if not args.skip_no_cache:
            commands["no cache"] = ([*query, "--no-cache"], env)
        if has_cli:
            commands["cli"] = ([oxigraph, "query", "--location", str(store), "--query-file", str(rq),
                                "--results-format", "tsv"], env)
            commands["bare"] = ([PY, "-c", bare_code, str(store), str(rq)], env)
        for t in trees:  # each tree's bytecode written once before timing
            timed(*commands[f"cached {t}"])
        times: dict[str, list[float]] = {k: [] for k in commands}
        for i in range(args.repeat):  # interleaved, so a busy machine slows them alike
            while args.wait_quiet and cpu_busy() > 0.05:
                pass
            for k, (cmd, cmd_env) in commands.items():
                if k == "no cache" and n >= 5e5 and i > 0:
                    continue  # one run of the slow reload is enough
                times[k].append(timed(cmd, cmd_env))
        med = {k: statistics.median(v) if v else float("nan") for k, v in times.items()}
        no_cache = med.get("no cache", float("nan"))
        cli, bare = med.get("cli", float("nan")), med.get("bare", float("nan"))
        cached = [med[f"cached {t}"] for t in names]
        print(f"{s:<8} {name:<12} {no_cache:>9.3f} {first:>11.3f}" + "".join(f" {c:>12.3f}" for c in cached)
              + f" {cli:>13.3f} {bare:>10.3f}" + "".join(f" {c / cli:>8.2f}x {c / bare:>9.2f}x" for c in cached))
        sys.stdout.flush()


def threshold() -> None:
    print("\ncache threshold: open a cached store vs parse into memory (in-process, seconds)")
    for s in ("1e3", "1e4", "3e4", "1e5"):
        data = graph(size(s), "nt")
        code = (
            "import sys, time, shutil, pyoxigraph as ox\n"
            "f, d = sys.argv[1], sys.argv[2]\nshutil.rmtree(d, ignore_errors=True)\n"
            "t = time.perf_counter(); m = ox.Store(); m.load(path=f, format=ox.RdfFormat.N_TRIPLES)\n"
            "parse = time.perf_counter() - t\n"
            "t = time.perf_counter(); w = ox.Store(d); w.bulk_load(path=f, format=ox.RdfFormat.N_TRIPLES); w.flush()\n"
            "del w; fill = time.perf_counter() - t\n"
            "t = time.perf_counter(); r = ox.Store.read_only(d); len(r); opened = time.perf_counter() - t\n"
            "print(f'{parse:.4f} {fill:.4f} {opened:.4f}')\n"
        )
        out = subprocess.run([PY, "-c", code, str(data), str(OUT / "threshold-store")], capture_output=True,
                             text=True, check=True).stdout.split()
        print(f"{s:<6} {data.stat().st_size / 2**20:6.2f} MB: parse {out[0]}  fill a store {out[1]}  open it {out[2]}")


if __name__ == "__main__":
    raise SystemExit(main())
