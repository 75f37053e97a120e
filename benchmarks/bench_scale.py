"""aigraph at scale, next to bare pyoxigraph and bare rdflib scripts, in one run.

    python benchmarks/bench_scale.py                         # 1e3..1e6, about 6-8 minutes on 2 cores
    python benchmarks/bench_scale.py --sizes 1e3,1e4 --repeat 5
    python benchmarks/bench_scale.py --sizes 1e6 --repeat-over 99 --cap 120

For each size, benchmarks/generate.py writes a synthetic AI-industry graph
(Turtle) and every piece of work runs as its own process, timed from start to
exit (the whole process: interpreter start, imports, load, work, output):

  load       aigraph.load(FILE)               | bare_pyoxigraph.py load | bare_rdflib.py load
  query X    aigraph query X --data FILE --with-ontology | bare_* query X.rq FILE ontology
  export     aigraph export --data FILE -o OUT.ttl      | bare_* export OUT.ttl FILE
  view       aigraph view --data FILE -o OUT.html       | (no bare equivalent)

Before the sizes, the seed graph: `aigraph --help` and every saved query on the
built graph, against the bare scripts on the same files.

Each cell is the median of --repeat runs, the tools interleaved so that a busy
machine slows them alike; a run slower than --repeat-over seconds is not
repeated (the cell then shows one run, marked n=1). Peak memory is the
process's maximum resident set (wait4's ru_maxrss). A run longer than --cap
seconds is stopped and printed as 'skipped (>Ns)'; a tool whose previous size,
scaled linearly, would pass the cap is skipped the same way without running.
aigraph's answers are checked byte for byte against bare pyoxigraph's TSV.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (the generator beside this script)

PY = sys.executable
QUERIES = ROOT / "src" / "aigraph" / "sparql" / "queries"
ONTOLOGY = ROOT / "ontology" / "aigraph.ttl"
SEED = ROOT / "graphs" / "ai-alliance.ttl"
TOOLS = ("aigraph", "pyoxigraph", "rdflib")


def _aigraph() -> list[str]:
    """The installed console script (not a pyenv shim, which adds its own startup)."""
    script = Path(PY).parent / "aigraph"
    return [str(script)] if script.exists() else [PY, "-m", "aigraph"]


AIGRAPH = _aigraph()


@dataclass
class Run:
    seconds: float
    rss: int  # bytes
    status: str = "ok"  # ok, capped, failed
    message: str = ""
    stderr: str = ""


TIME = Path("/usr/bin/time")
PYCACHE = HERE / "out" / "pycache"


def run(cmd: list[str], cap: float, stdout: Path | None = None) -> Run:
    """Run one process to its end; wall time and peak RSS, killed after ``cap`` seconds.

    Peak RSS comes from GNU time's %M when it is there: a forked child's
    ru_maxrss counts the parent's memory before exec, which would hide a small
    process behind this script's own size.
    """
    rss_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"aigraph-bench-rss-{os.getpid()}"
    wrapped = [str(TIME), "-f", "%M", "-o", str(rss_file), *cmd] if TIME.exists() else cmd
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    env = dict(os.environ)
    # Cache bytecode, as any installed package has it (this sandbox sets
    # PYTHONDONTWRITEBYTECODE, which would make aigraph compile its source on
    # every run), in the work folder rather than beside the sources.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    start = time.perf_counter()
    proc = subprocess.Popen(wrapped, stdout=out, stderr=subprocess.PIPE, env=env, start_new_session=True)
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(cap, kill)
    timer.start()
    # Drain stderr in a thread so a chatty process cannot block on a full pipe.
    err: list[bytes] = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read() if proc.stderr else b""))
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    timer.cancel()
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if not isinstance(out, int):
        out.close()
    rss = usage.ru_maxrss * 1024  # kilobytes on Linux
    if TIME.exists():
        try:
            rss = int(rss_file.read_text().split()[-1]) * 1024
        except (OSError, ValueError, IndexError):
            rss = 0
        rss_file.unlink(missing_ok=True)
    text = b"".join(err).decode("utf-8", "replace")
    if killed.is_set():
        return Run(seconds, rss, "capped", stderr=text)
    if proc.returncode != 0:
        lines = text.strip().splitlines()
        return Run(seconds, rss, "failed", f"exit {proc.returncode}: {lines[-1] if lines else ''}", text)
    return Run(seconds, rss, stderr=text)


@dataclass
class Cell:
    runs: list[Run] = field(default_factory=list)
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.status == "ok" for r in self.runs) and not self.skipped

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def rss(self) -> int:
        return max(r.rss for r in self.runs)

    def text(self) -> str:
        if self.skipped:
            return self.skipped
        if not self.runs:
            return "-"
        bad = next((r for r in self.runs if r.status != "ok"), None)
        if bad is not None:
            return bad.message or bad.status
        n = "" if len(self.runs) > 1 else " n=1"
        return f"{_secs(self.median)}{n}"


def _secs(t: float) -> str:
    return f"{t:.3f}" if t < 1 else f"{t:.2f}"


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f}"


def _ratio(a: Cell, b: Cell) -> str:
    return f"{a.median / b.median:.2f}x" if a.ok and b.ok else ""


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = Path(args.workdir)
        self.work.mkdir(parents=True, exist_ok=True)
        self.history: dict[tuple[str, str], tuple[int, float]] = {}  # (item, tool) -> (size, seconds)
        self.summary: list[tuple[str, str, dict[str, Cell]]] = []  # (size, item, cells)
        self.mismatches: list[str] = []

    def measure(self, item: str, size: int, commands: dict[str, list[str]],
                outputs: dict[str, Path] | None = None) -> dict[str, Cell]:
        """Median over interleaved runs of each tool's command for one piece of work."""
        cap, cells = self.args.cap, {tool: Cell() for tool in commands}
        for tool in commands:
            prior = self.history.get((item, tool))
            if prior and prior[1] < 0:
                cells[tool].skipped = f"skipped (>{cap:g}s)"
            elif prior and tool != "aigraph" and prior[1] * size / prior[0] > cap:
                # A baseline that would pass the cap anyway is not started; aigraph always runs.
                cells[tool].skipped = f"skipped (>{cap:g}s)"
        for i in range(self.args.repeat):
            for tool, cmd in commands.items():
                cell = cells[tool]
                if cell.skipped or (cell.runs and (not cell.ok or cell.runs[0].seconds > self.args.repeat_over)):
                    continue
                out = outputs.get(tool) if outputs and i == 0 else None
                result = run(cmd, cap, out)
                cell.runs.append(result)
                if result.status == "capped":
                    cell.skipped = f"skipped (>{cap:g}s)"
        for tool, cell in cells.items():
            if cell.ok:
                self.history[(item, tool)] = (size, cell.median)
            elif cell.skipped:
                self.history[(item, tool)] = (size, -1.0)
        return cells

    def row(self, label: str, cells: dict[str, Cell]) -> str:
        a, p, r = (cells.get(t, Cell()) for t in TOOLS)
        rss = "  ".join(f"{_mb(c.rss) if c.ok else '-':>6}" for c in (a, p, r))
        return (f"{label:<30} {a.text():>12} {p.text():>12} {r.text():>16}"
                f" {_ratio(a, p):>9} {_ratio(r, p):>9}   {rss}")

    def header(self, title: str) -> None:
        print(f"\n{title}")
        print(f"{'work':<30} {'aigraph':>12} {'pyoxigraph':>12} {'rdflib':>16}"
              f" {'aig/pyox':>9} {'rdf/pyox':>9}   {'peak RSS MB (aig, pyox, rdflib)'}")
        sys.stdout.flush()

    def tools(self, aig: list[str] | None, pyox: list[str], rdf: list[str]) -> dict[str, list[str]]:
        commands = {"pyoxigraph": [PY, str(HERE / "bare_pyoxigraph.py"), *pyox]}
        if aig is not None:
            commands = {"aigraph": aig, **commands}
        if not self.args.no_rdflib:
            commands["rdflib"] = [PY, str(HERE / "bare_rdflib.py"), *rdf]
        return commands

    def compare(self, label: str, outputs: dict[str, Path], cells: dict[str, Cell]) -> None:
        a, p = outputs["aigraph"], outputs["pyoxigraph"]
        if cells["aigraph"].ok and cells["pyoxigraph"].ok and a.read_bytes() != p.read_bytes():
            self.mismatches.append(label)
            print(f"  ! {label}: aigraph's answers differ from bare pyoxigraph's ({a} vs {p})")

    def warm_up(self, names: list[str]) -> None:
        """One untimed run of each kind, so every later run finds its bytecode cached."""
        rq, seed, onto = str(QUERIES / f"{names[0]}.rq"), str(SEED), str(ONTOLOGY)
        html = str(self.work / "warm-up.html")
        commands = [
            [*AIGRAPH, "query", names[0], "--format", "tsv"],
            [*AIGRAPH, "export", "--data", seed, "-o", str(self.work / "warm-up.ttl")],
            [PY, "-c", "import sys, aigraph; aigraph.load(sys.argv[1:], with_ontology=False)", seed],
            [PY, str(HERE / "bare_pyoxigraph.py"), "query", rq, seed, onto],
            [PY, str(HERE / "bare_rdflib.py"), "query", rq, seed, onto],
        ]
        if not self.args.no_view and _has_view():
            commands.append([*AIGRAPH, "view", "--data", seed, "-o", html])
        for cmd in commands:
            run(cmd, self.args.cap)

    def seed(self, names: list[str]) -> None:
        self.header("seed graph (graphs/ai-alliance.ttl + ontology), whole process, seconds")
        help_cells = self.measure("help", 1, {"aigraph": [*AIGRAPH, "--help"]})
        print(self.row("aigraph --help", help_cells))
        for name in names:
            rq = str(QUERIES / f"{name}.rq")
            outputs = {t: self.work / f"seed-{name}.{t}.out" for t in ("aigraph", "pyoxigraph")}
            cells = self.measure(f"seed {name}", 1, self.tools(
                [*AIGRAPH, "query", name, "--format", "tsv"],
                ["query", rq, str(SEED), str(ONTOLOGY)], ["query", rq, str(SEED), str(ONTOLOGY)]), outputs)
            print(self.row(f"query {name}", cells))
            self.compare(f"seed {name}", outputs, cells)
            self.summary.append(("seed", f"query {name}", cells))
            sys.stdout.flush()

    def size(self, label: str, target: int, names: list[str]) -> None:
        data = self.work / f"synthetic-{label}-seed{self.args.seed}.ttl"
        t0 = time.perf_counter()
        count = generate.write_file(data, target, self.args.seed)
        made = time.perf_counter() - t0
        self.header(f"size {label}: {count:,} triples, {data.stat().st_size / 1e6:.1f} MB Turtle"
                    f" (generated in {made:.1f} s), whole process, seconds")
        g, onto = str(data), str(ONTOLOGY)
        cells = self.measure("load", target, self.tools(
            [PY, "-c", "import sys, aigraph; aigraph.load(sys.argv[1:], with_ontology=False)", g],
            ["load", g], ["load", g]))
        print(self.row("load", cells))
        self.summary.append((label, "load", cells))
        for name in names:
            rq = str(QUERIES / f"{name}.rq")
            outputs = {t: self.work / f"{label}-{name}.{t}.out" for t in ("aigraph", "pyoxigraph")}
            cells = self.measure(f"query {name}", target, self.tools(
                [*AIGRAPH, "query", name, "--data", g, "--with-ontology", "--format", "tsv"],
                ["query", rq, g, onto], ["query", rq, g, onto]), outputs)
            print(self.row(f"query {name}", cells))
            self.compare(f"{label} {name}", outputs, cells)
            self.summary.append((label, f"query {name}", cells))
            sys.stdout.flush()
        out = {t: str(self.work / f"{label}-export.{t}.ttl") for t in TOOLS}
        cells = self.measure("export", target, self.tools(
            [*AIGRAPH, "export", "--data", g, "-o", out["aigraph"]],
            ["export", out["pyoxigraph"], g], ["export", out["rdflib"], g]))
        print(self.row("export turtle", cells))
        self.summary.append((label, "export", cells))
        if not self.args.no_view and _has_view():
            html = str(self.work / f"{label}-view.html")
            cells = self.measure("view", target, {"aigraph": [*AIGRAPH, "view", "--data", g, "-o", html]})
            said = re.search(r"\((\d+) nodes", cells["aigraph"].runs[0].stderr) if cells["aigraph"].runs else None
            print(self.row(f"view html ({said.group(1)} nodes)" if said else "view html", cells))
            self.summary.append((label, f"view ({said.group(1)} nodes)" if said else "view", cells))
        for f in out.values():
            Path(f).unlink(missing_ok=True)
        sys.stdout.flush()

    def report(self) -> None:
        """One markdown table: per size, load / all queries / export / view, and the worst ratio."""
        print("\nsummary (medians, seconds; queries = the sum over every saved query,"
              " each its own process; ratio = aigraph / pyoxigraph)\n")
        print("| size | work | aigraph | pyoxigraph | rdflib | aigraph/pyoxigraph"
              " | peak RSS MB aigraph / pyoxigraph / rdflib |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        sizes = list(dict.fromkeys(s for s, _, _ in self.summary))
        for size in sizes:
            rows = [(item, cells) for s, item, cells in self.summary if s == size]
            groups: dict[str, list[dict[str, Cell]]] = {}
            for item, cells in rows:
                groups.setdefault("queries" if item.startswith("query ") else item, []).append(cells)
            for work, group in groups.items():
                line = [size, work if work != "queries" else f"queries ({len(group)})"]
                totals: dict[str, float | None] = {}
                for tool in TOOLS:
                    cs = [c.get(tool) for c in group]
                    if any(c is None for c in cs):
                        totals[tool] = None
                        line.append("-")
                    elif all(c is not None and c.ok for c in cs):
                        totals[tool] = sum(c.median for c in cs if c is not None)
                        line.append(_secs(totals[tool] or 0.0))
                    else:
                        totals[tool] = None
                        bad = next(c for c in cs if c is not None and not c.ok)
                        line.append(bad.text())
                a, p = totals["aigraph"], totals["pyoxigraph"]
                worst = max((c["aigraph"].median / c["pyoxigraph"].median for c in group
                             if "aigraph" in c and "pyoxigraph" in c and c["aigraph"].ok and c["pyoxigraph"].ok),
                            default=None)
                ratio = f"{a / p:.2f}x" if a and p else "-"
                if worst is not None and len(group) > 1:
                    ratio += f" (worst {worst:.2f}x)"
                line.append(ratio)
                peaks = []
                for tool in TOOLS:
                    rss = [c[tool].rss for c in group if tool in c and c[tool].ok]
                    peaks.append(_mb(max(rss)) if rss else "-")
                line.append(" / ".join(peaks))
                print("| " + " | ".join(line) + " |")
        if self.mismatches:
            print(f"\nanswers differed from bare pyoxigraph for: {', '.join(self.mismatches)}")


def _has_view() -> bool:
    run_ = subprocess.run([*AIGRAPH, "--help"], capture_output=True, text=True)
    return "\n  view " in run_.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e3,1e4,1e5,1e6",
                        help="comma-separated triple counts (default 1e3,1e4,1e5,1e6)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell; the median is shown (default 3)")
    parser.add_argument("--repeat-over", type=float, default=2.0, metavar="SECONDS",
                        help="do not repeat a run slower than this (default 2)")
    parser.add_argument("--cap", type=float, default=30.0, metavar="SECONDS",
                        help="stop a run after this long (default 30)")
    parser.add_argument("--queries", help="comma-separated saved query names (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--workdir", default=str(HERE / "out"),
                        help="where graphs and outputs go (default benchmarks/out)")
    parser.add_argument("--no-rdflib", action="store_true", help="leave rdflib out")
    parser.add_argument("--no-view", action="store_true", help="leave the view out")
    parser.add_argument("--no-seed", action="store_true", help="leave the seed-graph section out")
    args = parser.parse_args(argv)

    names = sorted(p.stem for p in QUERIES.glob("*.rq"))
    if args.queries:
        wanted = args.queries.split(",")
        unknown = sorted(set(wanted) - set(names))
        if unknown:
            parser.error(f"unknown saved queries: {', '.join(unknown)}")
        names = wanted
    sizes = [(s.strip(), generate.parse_size(s)) for s in args.sizes.split(",") if s.strip()]

    import pyoxigraph
    import rdflib

    print(f"aigraph bench_scale: python {platform.python_version()}, pyoxigraph {pyoxigraph.__version__},"
          f" rdflib {rdflib.__version__}, {os.cpu_count()} CPUs, {platform.platform()}")
    print(f"command: {' '.join(AIGRAPH)}; repeat {args.repeat} (not over {args.repeat_over:g} s),"
          f" cap {args.cap:g} s, seed {args.seed}, {len(names)} saved queries;"
          f" bytecode cached in {Path(args.workdir) / 'pycache'}")
    global PYCACHE
    PYCACHE = Path(args.workdir) / "pycache"
    bench = Bench(args)
    started = time.perf_counter()
    bench.warm_up(names)
    if not args.no_seed:
        bench.seed(names)
    for label, target in sizes:
        bench.size(label, target, names)
    bench.report()
    print(f"\ntotal benchmark time {time.perf_counter() - started:.0f} s")
    return 1 if bench.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
