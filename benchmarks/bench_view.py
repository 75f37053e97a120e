"""`aigraph view` on random graphs: writing the page, then drawing and using it in headless Chromium.

    python benchmarks/bench_view.py
    python benchmarks/bench_view.py --sizes 1000,10000 --browser-sizes 5000 --usable-sizes 20000 --repeat 5

Each graph has N nodes (an rdfs:label and one of 7 classes each) and 2N
distinct random edges over 5 predicates, as N-Triples; same N and --seed, same
bytes. Printed, per size:

  whole process   median wall time of `aigraph view --data G.nt -o G.html --no-open`
                  (interpreter start, imports, parse, layout, write)
  in-process      median time of aigraph.view.page.write_view() in this process, after one
                  warm-up call (so imports are paid already)
  browser         Debian's chromium (headless, the flags of tests/test_view_browser.py):
                  milliseconds from navigation start to the first finished drawing
                  (window.aigraph.drawnAt; physics is off, so that drawing is the
                  settled one), the wall time until the page says it is ready, and
                  a check that no node moves afterwards
  usable          on big pages: the milliseconds a search (type, Enter, focus), a class
                  filter, a relation filter, a 2-step neighbourhood and "show
                  everything" take, each measured until the page has answered

Pages and graphs go to benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PYCACHE = OUT / "pycache"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
EX = "http://example.org/random/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
CLASSES = ("Person", "Place", "Thing", "Event", "Project", "Paper", "Group")
PREDICATES = ("knows", "near", "partOf", "likes", "cites")


def _aigraph() -> list[str]:
    """The installed console script (not a pyenv shim, which adds its own startup)."""
    script = Path(sys.executable).parent / "aigraph"
    return [str(script)] if script.exists() else [sys.executable, "-m", "aigraph"]


def random_graph(n: int, seed: int = 1) -> bytes:
    """N-Triples: ``n`` labelled nodes of 7 classes and ``2n`` distinct random edges over 5 predicates."""
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        lines.append(f'<{EX}n{i}> <{RDFS_LABEL}> "node {i}" .')
        lines.append(f"<{EX}n{i}> <{RDF_TYPE}> <{EX}{CLASSES[i % len(CLASSES)]}> .")
    seen: set[tuple[int, int, int]] = set()
    while len(seen) < 2 * n:
        edge = (rng.randrange(n), rng.randrange(len(PREDICATES)), rng.randrange(n))
        if edge not in seen:
            seen.add(edge)
            s, p, o = edge
            lines.append(f"<{EX}n{s}> <{EX}{PREDICATES[p]}> <{EX}n{o}> .")
    return ("\n".join(lines) + "\n").encode()


def graph_file(n: int, seed: int) -> Path:
    path = OUT / f"view-{n}.nt"
    data = random_graph(n, seed)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    return path


def whole_process(n: int, seed: int, repeat: int) -> float:
    graph, html = graph_file(n, seed), OUT / f"view-{n}.html"
    # Cached bytecode, as an installed package has it, even where PYTHONDONTWRITEBYTECODE is set.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    command = [*_aigraph(), "view", "--data", str(graph), "-o", str(html), "--no-open"]
    times = []
    for i in range(repeat + 1):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        if i:  # the first run writes the bytecode cache
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process(n: int, seed: int, repeat: int) -> float:
    from aigraph.view.page import write_view

    graph, html = graph_file(n, seed), OUT / f"view-{n}.html"
    write_view(html, data=[graph])
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        write_view(html, data=[graph])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def page_for(n: int, seed: int) -> Path:
    from aigraph.view.page import write_view

    html = OUT / f"view-{n}.html"
    write_view(html, data=[graph_file(n, seed)])
    return html


def open_page(browser: Any, html: Path) -> tuple[Any, float]:
    page = browser.new_page(viewport={"width": 1400, "height": 860})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    start = time.perf_counter()
    page.goto(html.resolve().as_uri())
    page.wait_for_function("() => window.aigraph && window.aigraph.ready === true", timeout=120_000, polling=20)
    wall = time.perf_counter() - start
    if errors:
        raise SystemExit(f"{html}: the page reported {errors[:3]}")
    return page, wall


def draw(browser: Any, n: int, seed: int, repeat: int) -> tuple[float, float, bool]:
    html = page_for(n, seed)
    drawn, walls, still = [], [], True
    for _ in range(repeat):
        page, wall = open_page(browser, html)
        drawn.append(page.evaluate("window.aigraph.drawnAt"))
        walls.append(wall)
        probe = "JSON.stringify(window.aigraph.network.getPositions([0, 1, 2]))"
        before = page.evaluate(probe)
        page.wait_for_timeout(300)
        still = still and page.evaluate(probe) == before
        page.close()
    return statistics.median(drawn), statistics.median(walls), still


def _timed(page: Any, action: Any, until: str) -> float:
    start = time.perf_counter()
    action()
    page.wait_for_function(f"() => {until}", timeout=60_000, polling=10)
    return (time.perf_counter() - start) * 1000


def usable(browser: Any, n: int, seed: int) -> dict[str, float]:
    html = page_for(n, seed)
    page, wall = open_page(browser, html)
    total = page.evaluate("window.aigraph.counts().totalNodes")
    out = {"open s": wall, "notice": float(page.locator("#notice").is_visible())}
    target = n // 2
    search = page.locator("#search")

    def find() -> None:
        search.fill(f"node {target}")
        search.press("Enter")

    out["search"] = _timed(page, find, f"window.aigraph.focused === {target}")
    first = page.locator("#classes input").first
    out["class off"] = _timed(page, first.uncheck, f"window.aigraph.counts().nodes < {total}")
    out["class on"] = _timed(page, first.check, f"window.aigraph.counts().nodes === {total}")
    rel = page.locator("#relations input").first
    edges = page.evaluate("window.aigraph.counts().totalEdges")
    out["relation off"] = _timed(page, rel.uncheck, f"window.aigraph.counts().edges < {edges}")
    rel.check()
    page.evaluate(f"window.aigraph.focusNode({target})")
    out["neighbourhood"] = _timed(page, page.locator("#hood").click, f"window.aigraph.counts().nodes < {total}")
    shown = page.evaluate("window.aigraph.counts().nodes")
    out["hood nodes"] = float(shown)
    out["show all"] = _timed(page, page.locator("#reset").click, f"window.aigraph.counts().nodes === {total}")
    page.close()
    return out


def _sizes(text: str) -> list[int]:
    return [int(float(x)) for x in text.split(",") if x.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,5000,10000", help="nodes, for writing the page")
    ap.add_argument("--browser-sizes", default="100,1000,5000", help="nodes, for drawing it")
    ap.add_argument("--usable-sizes", default="10000,20000", help="nodes, for searching and filtering")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)

    print("| nodes | edges | whole process (median) | in-process write_view (median) |")
    print("| ---: | ---: | ---: | ---: |")
    for n in _sizes(args.sizes):
        whole = whole_process(n, args.seed, args.repeat)
        inside = in_process(n, args.seed, args.repeat)
        print(f"| {n:,} | {2 * n:,} | {whole:.2f} s | {inside:.2f} s |", flush=True)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            print("\n| nodes | drawn, settled (ms after navigation) | page ready (wall) | still afterwards |")
            print("| ---: | ---: | ---: | --- |")
            for n in _sizes(args.browser_sizes):
                drawn, wall, still = draw(browser, n, args.seed, max(1, min(args.repeat, 3)))
                print(f"| {n:,} | {drawn:.0f} ms | {wall:.2f} s | {'yes' if still else 'NO'} |", flush=True)
            big = _sizes(args.usable_sizes)
            if big:
                keys = ["open s", "search", "class off", "class on", "relation off", "neighbourhood", "show all"]
                print("\n| nodes | big-graph notice | " + " | ".join(keys) + " |")
                print("| ---: | --- |" + " ---: |" * len(keys))
                for n in big:
                    got = usable(browser, n, args.seed)
                    cells = [f"{got['open s']:.2f} s"] + [f"{got[k]:.0f} ms" for k in keys[1:]]
                    notice = "shown" if got["notice"] else "none"
                    print(f"| {n:,} | {notice} | " + " | ".join(cells) + " |", flush=True)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
