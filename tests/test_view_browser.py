"""The HTML view in a real browser: Debian's chromium driven by playwright.

Every test records each request the page makes (none may leave ``file:``),
each console message (no errors) and each dialog (none may open). A missing
/usr/bin/chromium fails these tests: the browser is part of the test setup.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from aigraph.cli import cli
from aigraph.namespaces import AIG, DCTERMS, KG, OWL, PROV, RDF, RDFS
from aigraph.store.dataset import load_quads
from aigraph.view.netx import to_networkx
from aigraph.view.page import render_html

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# vis-network sets a string title with innerText: only <br> elements, for its newlines.
TOOLTIP_MARKUP = "Array.from(document.querySelectorAll('div.vis-tooltip *')).map(e => e.tagName).filter(t => t != 'BR')"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does) to run the view tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


@dataclass
class Opened:
    page: Any
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def js(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def check_clean(self) -> None:
        left = [u for u in self.requests if not u.startswith("file:")]
        assert left == [], f"requests left file: {left[:5]}"
        errors = [m for m in self.console if m[0] in ("error", "pageerror")]
        assert errors == [], errors
        assert self.dialogs == []


def open_page(browser: Any, path: Path, *, width: int = 1400, height: int = 860, touch: bool = False) -> Opened:
    page = browser.new_page(viewport={"width": width, "height": height}, has_touch=touch, is_mobile=touch)
    opened = Opened(page)
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("console", lambda m: opened.console.append((m.type, m.text)))
    page.on("pageerror", lambda e: opened.console.append(("pageerror", str(e))))

    def on_dialog(d: Any) -> None:
        opened.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    start = time.perf_counter()
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.aigraph && window.aigraph.ready === true", timeout=120_000)
    opened.seconds = time.perf_counter() - start
    return opened


def screenshot(opened: Opened, tmp_path: Path, name: str) -> Path:
    shot = tmp_path / f"{name}.png"
    opened.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    return shot


def write_page(tmp_path: Path, quads: list[ox.Quad], name: str = "view.html") -> tuple[Path, nx.MultiDiGraph]:
    out = tmp_path / name
    out.write_bytes(render_html(quads))
    return out, to_networkx(quads)


def node_id(opened: Opened, label: str) -> int:
    ids = opened.js("label => window.aigraph.nodes.getIds({filter: n => n.label === label})", label)
    assert len(ids) == 1, (label, ids)
    return int(ids[0])


def edge_between(opened: Opened, a: str, b: str) -> int:
    ids = opened.js(
        "([a, b]) => window.aigraph.edges.getIds({filter: e => e.from === a && e.to === b})",
        [node_id(opened, a), node_id(opened, b)],
    )
    assert len(ids) == 1
    return int(ids[0])


def edge_point(opened: Opened, edge: int) -> tuple[float, float]:
    """A page point on the drawn edge where nothing else (node or edge) is under the mouse."""
    point = opened.js(
        """id => {
          const net = window.aigraph.network, box = document.getElementById('graph').getBoundingClientRect();
          for (const t of [0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74]) {
            const c = net.body.edges[id].edgeType.getPoint(t);
            const d = net.canvasToDOM(c);
            if (d.x < 5 || d.y < 5 || d.x > box.width - 5 || d.y > box.height - 5) continue;
            if (net.getNodeAt(d) === undefined && net.getEdgeAt(d) === id) return [box.left + d.x, box.top + d.y];
          }
          return null;
        }""",
        edge,
    )
    assert point is not None, "no free point on the edge"
    return float(point[0]), float(point[1])


def node_point(opened: Opened, node: int) -> tuple[float, float]:
    x, y = opened.js(
        """id => {
          const net = window.aigraph.network, box = document.getElementById('graph').getBoundingClientRect();
          const d = net.canvasToDOM(net.getPositions([id])[id]);
          return [box.left + d.x, box.top + d.y];
        }""",
        node,
    )
    return float(x), float(y)


def hover(opened: Opened, x: float, y: float, first_line: str = "", *, off: float = 30, tries: int = 3) -> Any:
    """Move the mouse onto page point ``(x, y)`` from ``off`` px away and wait until vis-network's
    tooltip shows, starting with ``first_line``; returns the tooltip's locator.

    vis-network shows a tooltip on a timer after the last mouse move. On a loaded machine the
    browser can miss it (once in many runs, the wait ran out while the page was still busy), so
    the move is made again, from off the edge, up to ``tries`` times: a page that never shows
    the right tooltip still fails.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tooltip = opened.page.locator("div.vis-tooltip")
    for attempt in range(1, tries + 1):
        opened.page.mouse.move(x - off, y - off)
        opened.page.mouse.move(x, y, steps=4)
        try:
            opened.page.wait_for_function(
                "first => { const e = document.querySelector('div.vis-tooltip');"
                " return e && e.style.visibility !== 'hidden' && e.innerText.startsWith(first); }",
                arg=first_line,
                timeout=5000,
            )
            return tooltip
        except PlaywrightTimeout:
            if attempt == tries:
                raise
    raise AssertionError("unreachable")


# ----------------------------------------------------------------------------- our graph


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, nx.MultiDiGraph]:
    return write_page(tmp_path_factory.mktemp("ours"), load_quads())


def test_our_graph_draws_everything_offline(browser: Any, ours: tuple[Path, nx.MultiDiGraph], tmp_path: Path) -> None:
    path, g = ours
    opened = open_page(browser, path)
    counts = opened.js("window.aigraph.counts()")
    assert counts == {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "totalNodes": g.number_of_nodes(),
        "totalEdges": g.number_of_edges(),
    }
    # What vis-network holds is what it draws.
    drawn = opened.js(
        """() => { const b = window.aigraph.network.body;
           return [b.nodeIndices.filter(i => !b.nodes[i].options.hidden).length,
                   b.edgeIndices.filter(i => !b.edges[i].options.hidden).length]; }"""
    )
    assert drawn == [g.number_of_nodes(), g.number_of_edges()]
    assert opened.js("document.getElementById('heading').textContent").startswith("Meta and IBM team up")
    legend = opened.js("Array.from(document.querySelectorAll('#classes .name')).map(e => e.textContent)")
    assert {"Industry alliance", "Company", "Organization", "Focus area", "AI model"} <= set(legend)
    relations = opened.js("Array.from(document.querySelectorAll('#relations .name')).map(e => e.textContent)")
    assert {"competes with", "criticizes", "founding member of", "member of"} <= set(relations)
    opened.check_clean()
    screenshot(opened, tmp_path, "ai-alliance")


def test_hovering_and_clicking_an_edge_shows_its_sentence(browser: Any, ours: tuple[Path, nx.MultiDiGraph]) -> None:
    path, g = ours
    sentence = g.edges[KG + "Google", KG + "Meta", AIG + "criticizes"]["evidence"][0]
    opened = open_page(browser, path)
    edge = edge_between(opened, "Google", "Meta")
    x, y = edge_point(opened, edge)
    text = hover(opened, x, y, "Google").inner_text()
    assert sentence in text and "criticizes" in text
    opened.page.mouse.click(x, y)
    details = opened.page.locator("#details")
    details.wait_for(state="visible")
    assert sentence in details.inner_text()
    assert opened.js("document.querySelector('#details mark').textContent") in sentence
    opened.check_clean()


def test_clicking_a_node_lists_its_facts(browser: Any, ours: tuple[Path, nx.MultiDiGraph]) -> None:
    path, g = ours
    opened = open_page(browser, path)
    x, y = node_point(opened, node_id(opened, "Google"))
    opened.page.mouse.click(x, y)
    details = opened.page.locator("#details")
    details.wait_for(state="visible")
    text = details.inner_text()
    assert text.startswith("Google")
    for _, _, d in g.in_edges(KG + "Google", data=True):
        assert d["evidence"][0] in text
    for _, _, d in g.out_edges(KG + "Google", data=True):
        assert d["label"] in text and d["evidence"][0] in text
    # The panel's links move on to the other node.
    opened.page.get_by_role("button", name="Meta", exact=True).first.click()
    assert opened.page.locator("#details h2").inner_text() == "Meta"
    opened.check_clean()


def test_a_relation_checkbox_hides_its_edges(browser: Any, ours: tuple[Path, nx.MultiDiGraph], tmp_path: Path) -> None:
    path, g = ours
    n_competes = sum(1 for _, _, k in g.edges(keys=True) if k == AIG + "competesWith")
    assert n_competes
    opened = open_page(browser, path)
    box = opened.page.locator('#relations input[data-rel="aig:competesWith"]')
    box.uncheck()
    counts = opened.js("window.aigraph.counts()")
    assert counts["edges"] == g.number_of_edges() - n_competes
    assert counts["nodes"] == g.number_of_nodes()
    hidden = opened.js(
        """() => window.aigraph.edges.get().filter(e => e.hidden)
                 .map(e => window.aigraph.network.body.edges[e.id].options.hidden)"""
    )
    assert hidden == [True] * n_competes
    screenshot(opened, tmp_path, "competes-hidden")
    box.check()
    assert opened.js("window.aigraph.counts()")["edges"] == g.number_of_edges()
    # Hiding a class hides its nodes and their edges; "Show everything" brings them back.
    opened.page.locator("#classes li", has_text="Company").locator("input").uncheck()
    companies = [n for n, d in g.nodes(data=True) if d["class"] == AIG + "Company"]
    touching = sum(1 for s, o in g.edges() if s in companies or o in companies)
    counts = opened.js("window.aigraph.counts()")
    assert counts["nodes"] == g.number_of_nodes() - len(companies)
    assert counts["edges"] == g.number_of_edges() - touching
    opened.page.click("#reset")
    assert opened.js("window.aigraph.counts()")["nodes"] == g.number_of_nodes()
    opened.check_clean()


def test_search_finds_and_focuses_a_node(browser: Any, ours: tuple[Path, nx.MultiDiGraph]) -> None:
    path, _g = ours
    opened = open_page(browser, path)
    target = node_id(opened, "Partnership on AI")
    opened.page.fill("#search", "partnership")
    assert opened.page.locator("#matches li").first.inner_text().startswith("Partnership on AI")
    opened.page.press("#search", "Enter")
    # The focus animation runs frame by frame: wait for it to end.
    opened.page.wait_for_function(
        """id => { const net = window.aigraph.network, c = net.getViewPosition(), p = net.getPositions([id])[id];
                   return Math.abs(c.x - p.x) < 5 && Math.abs(c.y - p.y) < 5; }""",
        arg=target,
        timeout=10_000,
    )
    assert opened.js("window.aigraph.focused") == target
    assert opened.js("window.aigraph.network.getSelectedNodes()") == [target]
    centre = opened.js("window.aigraph.network.getViewPosition()")
    pos = opened.js(f"window.aigraph.network.getPositions([{target}])[{target}]")
    assert abs(centre["x"] - pos["x"]) < 5 and abs(centre["y"] - pos["y"]) < 5
    assert opened.page.locator("#details h2").inner_text() == "Partnership on AI"
    # The neighbourhood of the found node, then everything again.
    opened.page.click("#hood")
    shown = opened.js("window.aigraph.counts()")
    assert 1 < shown["nodes"] < shown["totalNodes"]
    opened.page.click("#reset")
    assert opened.js("window.aigraph.counts()")["nodes"] == shown["totalNodes"]
    opened.check_clean()


# ----------------------------------------------------------------------------- hostile data

IMG = '<img src=x onerror="window.__pwned=1">'
SCRIPT = "</script><script>window.__pwned=1</script>"
HREF = '<a href="javascript:window.__pwned=1">see href</a>'
SVG = "<svg onload=window.__pwned=1></svg> &amp; \u2028 <!--"
EX = "http://example.org/evil#"


def _hostile_quads() -> list[ox.Quad]:
    def t(s: str, p: str, o: str | ox.Literal) -> ox.Quad:
        obj = o if isinstance(o, ox.Literal) else ox.NamedNode(o)
        return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), obj)

    lit = ox.Literal
    return [
        t(EX + "Evil", RDF + "type", OWL + "Class"),
        t(EX + "Evil", RDFS + "label", lit(f"class {IMG}")),
        t(EX + "rel", RDF + "type", OWL + "ObjectProperty"),
        t(EX + "rel", RDFS + "label", lit(f"rel {SCRIPT}")),
        t(EX + "a", RDF + "type", EX + "Evil"),
        t(EX + "a", RDFS + "label", lit(IMG)),
        t(EX + "a", EX + "note", lit(HREF)),
        t(EX + "b", RDF + "type", AIG + "Company"),
        t(EX + "b", RDFS + "label", lit(SCRIPT)),
        t(EX + "c", RDFS + "label", lit(HREF)),
        t(EX + "d", RDFS + "label", lit(SVG)),
        t(EX + "a", EX + "rel", EX + "b"),
        t(EX + "b", AIG + "criticizes", EX + "c"),
        t(EX + "c", EX + "rel", EX + "d"),
        t(EX + "fact", RDF + "type", AIG + "Fact"),
        t(EX + "fact", RDF + "subject", EX + "a"),
        t(EX + "fact", RDF + "predicate", EX + "rel"),
        t(EX + "fact", RDF + "object", EX + "b"),
        t(EX + "fact", AIG + "quote", lit(SCRIPT)),
        t(EX + "fact", AIG + "evidence", EX + "s1"),
        t(EX + "s1", RDF + "type", AIG + "Sentence"),
        t(EX + "s1", PROV + "value", lit(f"It said {SCRIPT} and {IMG} and {HREF}.")),
        t(EX + "s1", PROV + "wasQuotedFrom", EX + "article"),
        t(EX + "article", RDF + "type", AIG + "Article"),
        t(EX + "article", DCTERMS + "title", lit(f"{SCRIPT} {IMG} {HREF}")),
        t(EX + "article", RDFS + "label", lit(IMG)),
    ]


def test_hostile_text_shows_as_text_and_runs_nothing(browser: Any, tmp_path: Path) -> None:
    data = tmp_path / "hostile.nt"
    data.write_bytes(ox.serialize(_hostile_quads(), format=ox.RdfFormat.N_QUADS))
    out = tmp_path / "hostile.html"
    result = CliRunner().invoke(cli, ["view", "--data", str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    g = to_networkx(load_quads([data]))
    opened = open_page(browser, out)
    # The four resources; the class and the property the file declares name them, undrawn.
    assert opened.js("window.aigraph.counts()")["nodes"] == g.number_of_nodes() == 4
    assert opened.js("document.getElementById('heading').textContent") == f"{SCRIPT} {IMG} {HREF}"
    assert opened.page.title() == f"{SCRIPT} {IMG} {HREF}"
    legend = opened.js("Array.from(document.querySelectorAll('.keys .name')).map(e => e.textContent)")
    assert f"class {IMG}" in legend and f"rel {SCRIPT}" in legend

    # Hover and click everything: tooltips and the panel hold text, never markup.
    edge = edge_between(opened, IMG, SCRIPT)
    x, y = edge_point(opened, edge)
    opened.page.mouse.move(x, y, steps=3)
    tooltip = opened.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    assert f"It said {SCRIPT} and {IMG} and {HREF}." in tooltip.inner_text()
    assert opened.js(TOOLTIP_MARKUP) == []
    opened.page.mouse.click(x, y)
    assert f"It said {SCRIPT}" in opened.page.locator("#details").inner_text()
    for label in (IMG, SCRIPT, HREF, SVG):
        # The panel lies over the drawing: close it, so that no node is under it.
        opened.page.keyboard.press("Escape")
        opened.page.wait_for_timeout(500)  # a move out from under the panel
        nx_, ny = node_point(opened, node_id(opened, label))
        opened.page.mouse.move(nx_, ny, steps=3)
        opened.page.wait_for_timeout(250)
        assert opened.js(TOOLTIP_MARKUP) == []
        opened.page.mouse.click(nx_, ny)
        assert opened.js("document.querySelector('#details h2').textContent") == label
    opened.page.fill("#search", "<img")
    assert IMG in opened.page.locator("#matches").inner_text()
    opened.page.press("#search", "Enter")

    assert opened.js("window.__pwned") is None
    assert opened.js("document.querySelectorAll('script').length") == 3
    assert opened.js("document.querySelectorAll('img, a, iframe, [onerror], [onload]').length") == 0
    opened.check_clean()
    screenshot(opened, tmp_path, "hostile")


# ----------------------------------------------------------------------------- other shapes


def _ring_and_star(n_ring: int, n_star: int) -> list[ox.Quad]:
    ex = "http://example.org/shape/"
    quads = []
    for i in range(n_ring):
        following = ox.NamedNode(f"{ex}r{(i + 1) % n_ring}")
        quads.append(ox.Quad(ox.NamedNode(f"{ex}r{i}"), ox.NamedNode(ex + "next"), following))
    for i in range(1, n_star):
        quads.append(ox.Quad(ox.NamedNode(ex + "hub"), ox.NamedNode(ex + "spoke"), ox.NamedNode(f"{ex}s{i}")))
        quads.append(ox.Quad(ox.NamedNode(f"{ex}s{i}"), ox.NamedNode(RDFS + "label"), ox.Literal(f"leaf {i}")))
    return quads


def _foreign_rdf() -> bytes:
    """FOAF-ish Turtle with blank nodes, languages, datatypes and no aigraph term at all."""
    lines = [
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "@prefix : <http://example.org/people/> .",
    ]
    for i in range(120):
        lines.append(f':p{i} a foaf:Person ; foaf:name "Person {i}"@en ; foaf:age "{20 + i % 50}"^^xsd:integer .')
        lines.append(f":p{i} foaf:knows :p{(i * 7 + 3) % 120}, :p{(i * 13 + 5) % 120} .")
        if i % 10 == 0:
            lines.append(f':p{i} foaf:member [ a foaf:Group ; foaf:name "Group {i // 10}" ] .')
    lines.append(':loner foaf:name "Nobody knows me" .')
    return ("\n".join(lines) + "\n").encode()


def test_other_shapes_through_data(browser: Any, tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.nt"
    shapes.write_bytes(ox.serialize(_ring_and_star(500, 300), format=ox.RdfFormat.N_QUADS))
    foaf = tmp_path / "people.ttl"
    foaf.write_bytes(_foreign_rdf())
    for name, files in (("shapes", [shapes]), ("people", [foaf]), ("both", [shapes, foaf])):
        out = tmp_path / f"{name}.html"
        args = [arg for f in files for arg in ("--data", str(f))]
        result = CliRunner().invoke(cli, ["view", "--no-open", "-o", str(out), *args])
        assert result.exit_code == 0, result.output
        g = to_networkx(load_quads(files))
        opened = open_page(browser, out)
        counts = opened.js("window.aigraph.counts()")
        assert (counts["nodes"], counts["edges"]) == (g.number_of_nodes(), g.number_of_edges()), name
        opened.check_clean()
        screenshot(opened, tmp_path, name)
    # The people graph keeps its own vocabulary in the legend.
    legend = opened.js("Array.from(document.querySelectorAll('.keys .name')).map(e => e.textContent)")
    assert {"Person", "Group", "Untyped resource", "knows", "member", "next", "spoke"} <= set(legend)


def _random_graph(n: int, seed: int = 1) -> list[ox.Quad]:
    import random

    rng = random.Random(seed)
    ex = "http://example.org/big/"
    classes = [ox.NamedNode(ex + c) for c in ("Person", "Place", "Thing", "Event")]
    preds = [ox.NamedNode(ex + p) for p in ("knows", "near", "partOf", "likes", "sees")]
    quads = []
    for i in range(n):
        node = ox.NamedNode(f"{ex}n{i}")
        quads.append(ox.Quad(node, ox.NamedNode(RDF + "type"), classes[i % 4]))
        quads.append(ox.Quad(node, ox.NamedNode(RDFS + "label"), ox.Literal(f"node {i}")))
        for _ in range(2):
            quads.append(ox.Quad(node, rng.choice(preds), ox.NamedNode(f"{ex}n{rng.randrange(n)}")))
    return quads


@pytest.mark.parametrize("n", [100, 5000])
def test_graph_sizes_settle(browser: Any, tmp_path: Path, n: int) -> None:
    quads = _random_graph(n)
    start = time.perf_counter()
    path, g = write_page(tmp_path, quads)
    written = time.perf_counter() - start
    opened = open_page(browser, path)
    counts = opened.js("window.aigraph.counts()")
    assert (counts["nodes"], counts["edges"]) == (g.number_of_nodes(), g.number_of_edges())
    drawn_ms = opened.js("window.aigraph.drawnAt")
    big = n > 2000
    assert opened.page.locator("#notice").is_visible() == big
    # Still usable: a class filter answers.
    opened.page.locator("#classes li", has_text="Person").locator("input").uncheck()
    assert opened.js("window.aigraph.counts()")["nodes"] == n - n // 4
    # Physics is off: nothing moves after the first drawing.
    before = opened.js("JSON.stringify(window.aigraph.network.getPositions([0, 1, 2]))")
    opened.page.wait_for_timeout(300)
    assert opened.js("JSON.stringify(window.aigraph.network.getPositions([0, 1, 2]))") == before
    opened.check_clean()
    screenshot(opened, tmp_path, f"random-{n}")
    print(
        f"\n{n} nodes / {g.number_of_edges()} edges: HTML written in {written:.2f} s, "
        f"drawn {drawn_ms / 1000:.2f} s after navigation ({opened.seconds:.2f} s to ready)"
    )
    assert drawn_ms < 30_000


def test_big_pages_draw_in_the_same_styles(
    browser: Any, ours: tuple[Path, nx.MultiDiGraph], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big page sends styles once and writes tooltips itself: what vis draws is the same."""
    import aigraph.view.page

    monkeypatch.setattr(aigraph.view.page, "BIG_GRAPH", 10)
    path, g = ours
    big, _ = write_page(tmp_path, load_quads(), "big.html")
    probe = """() => { const b = window.aigraph.network.body;
      return [Object.values(b.nodes).map(n => [n.options.color.background, n.options.color.border,
                                              n.options.color.highlight.background, n.options.shape, n.options.margin]),
              Object.values(b.edges).map(e => [e.options.color.color, e.options.color.hover, e.options.dashes,
                                              e.options.width, e.options.arrows.from.enabled])]; }"""
    small_page, big_page = open_page(browser, path), open_page(browser, big)
    assert big_page.page.locator("#notice").is_visible()
    assert big_page.js(probe) == small_page.js(probe)
    # The tooltips the page writes name both ends, the relation and its sentence.
    edge = edge_between(big_page, "Google", "Meta")
    title = big_page.js(f"window.aigraph.edges.get({edge}).title")
    assert title.startswith("Google \u2014 criticizes \u2192 Meta")
    assert g.edges[KG + "Google", KG + "Meta", AIG + "criticizes"]["evidence"][0] in title
    assert big_page.js(f"window.aigraph.nodes.get({node_id(big_page, 'Google')}).title") == "Google\nCompany"
    for opened in (small_page, big_page):
        opened.check_clean()


def test_big_page_stays_usable(browser: Any, tmp_path: Path) -> None:
    """10,000 nodes: it opens, and search and each filter answer within seconds."""
    n = 10_000
    path, g = write_page(tmp_path, _random_graph(n))
    opened = open_page(browser, path)
    assert opened.seconds < 20
    page = opened.page

    def timed(action: Any, done: str) -> float:
        start = time.perf_counter()
        action()
        page.wait_for_function(f"() => {done}", timeout=20_000)
        return time.perf_counter() - start

    target = node_id(opened, "node 4321")
    took = {
        "search": timed(lambda: (page.fill("#search", "node 4321"), page.press("#search", "Enter")),
                        f"window.aigraph.focused === {target}"),
        "class": timed(lambda: page.locator("#classes li", has_text="Person").locator("input").uncheck(),
                       f"window.aigraph.counts().nodes === {n - n // 4}"),
        "relation": timed(lambda: page.locator('#relations input[data-rel="http://example.org/big/knows"]').uncheck(),
                          "window.aigraph.counts().edges < window.aigraph.counts().totalEdges"),
        "neighbourhood": timed(lambda: (page.evaluate(f"window.aigraph.focusNode({target})"), page.click("#hood")),
                               "window.aigraph.counts().nodes < 200"),
        "everything": timed(lambda: page.click("#reset"), f"window.aigraph.counts().nodes === {n}"),
    }  # fmt: skip
    assert page.locator("#details h2").inner_text() == "node 4321"
    assert opened.js("window.aigraph.counts()")["edges"] == g.number_of_edges()
    print("\n10000 nodes:", {k: f"{v:.2f} s" for k, v in took.items()}, f"open {opened.seconds:.2f} s")
    assert max(took.values()) < 10
    opened.check_clean()


def test_committed_view_opens(browser: Any) -> None:
    from .conftest import ROOT

    opened = open_page(browser, ROOT / "graphs" / "ai-alliance.html")
    data = json.loads(opened.js("document.getElementById('aigraph-data').textContent"))
    assert opened.js("window.aigraph.counts()")["nodes"] == len(data["nodes"]) > 30
    opened.check_clean()


# ----------------------------------------------------------------------------- every edge can be hovered

# The edge whose tooltip vis-network would show at a canvas point: none if a node is there,
# else the last edge (in drawing order) within 10 canvas units, as its popup code decides.
TOOLTIP_OWNER = """
function tooltipOwner(net, c) {
  const body = net.body, box = {left: c.x, top: c.y, right: c.x, bottom: c.y};
  for (const i of body.nodeIndices) {
    if (!body.nodes[i].options.hidden && body.nodes[i].isOverlappingWith(box)) return null;
  }
  let last = null;
  for (const j of body.edgeIndices) {
    const e = body.edges[j];
    if (e.connected && !e.options.hidden && e.isOverlappingWith(box)) last = j;
  }
  return last;
}"""


def own_stretches(opened: Opened) -> dict[int, tuple[float, float]]:
    """For each edge, the longest stretch between 25% and 75% of its length whose points show
    that edge's tooltip and no other: its length in screen pixels and its middle (t)."""
    found = opened.js(
        "() => {"
        + TOOLTIP_OWNER
        + """
          const net = window.aigraph.network, body = net.body, out = {};
          for (const j of body.edgeIndices) {
            const e = body.edges[j];
            if (e.fromId === e.toId) continue;
            let best = [0, 0.5], run = 0, start = 0;
            const samples = 81;
            for (let k = 0; k < samples; k++) {
              const t = 0.25 + 0.5 * k / (samples - 1);
              if (tooltipOwner(net, e.edgeType.getPoint(t)) === j) {
                if (run === 0) start = t;
                run++;
                const len = (t - start) * Math.hypot(e.to.x - e.from.x, e.to.y - e.from.y) * net.getScale();
                if (len > best[0]) best = [len, (start + t) / 2];
              } else run = 0;
            }
            out[j] = best;
          }
          return out;
        }"""
    )
    return {int(j): (float(v[0]), float(v[1])) for j, v in found.items()}


def test_every_edge_of_our_graph_can_be_hovered(browser: Any, ours: tuple[Path, nx.MultiDiGraph]) -> None:
    """No edge runs under another or through a node for all its middle: each has a stretch of its
    own, and hovering there shows that edge's sentence."""
    path, g = ours
    opened = open_page(browser, path)
    # The page opens zoomed in on the actors: see every edge first.
    opened.js("window.aigraph.network.fit({animation: false})")
    stretches = own_stretches(opened)
    assert len(stretches) == g.number_of_edges()
    short = {j: round(v[0], 1) for j, v in stretches.items() if v[0] < 12}
    assert short == {}, f"edges without 12 px of their own to hover: {short}"
    box = opened.js(
        "(() => { const b = document.getElementById('graph').getBoundingClientRect(); return [b.left, b.top]; })()"
    )
    for j, (_length, t) in sorted(stretches.items()):
        x, y = opened.js(
            "([j, t]) => { const net = window.aigraph.network;"
            " const d = net.canvasToDOM(net.body.edges[j].edgeType.getPoint(t));"
            " return [d.x, d.y]; }",
            [j, t],
        )
        title = opened.js(f"window.aigraph.edges.get({j}).title")
        tooltip = hover(opened, box[0] + x, box[1] + y, title.split("\n")[0], off=-25)
        assert tooltip.inner_text().split("\n")[0] == title.split("\n")[0]
    opened.check_clean()


def test_relation_labels_show_once_per_fan_and_all_when_zoomed(
    browser: Any, ours: tuple[Path, nx.MultiDiGraph]
) -> None:
    path, _g = ours
    opened = open_page(browser, path)
    # What vis-network decides to draw at the scale it opened at, and at a close zoom.
    probe = """() => { const net = window.aigraph.network, s = net.getScale();
      return net.body.edgeIndices.filter(j => { const e = net.body.edges[j];
        return e.options.label &&
          e.labelModule.fontOptions.size * s >= e.options.scaling.label.drawThreshold - 1; }).length; }"""
    shown, total = opened.js(probe), opened.js("window.aigraph.edges.length")
    relations = opened.js("new Set(window.aigraph.edges.get().map(e => e.r)).size")
    assert relations <= shown < total
    opened.js("window.aigraph.network.moveTo({scale: 1.2})")
    assert opened.js(probe) == total
    opened.check_clean()


# ----------------------------------------------------------------------------- labels of level edges


def test_a_level_edge_keeps_its_label(browser: Any, tmp_path: Path) -> None:
    """vis-network 9.1.2 draws the label of an edge pointing exactly right to left at the canvas
    origin: the layout makes no such edge, and the page keeps the label in place if a drag does."""
    ex = "http://example.org/level/"

    def t(s: str, p: str, o: str) -> ox.Quad:
        return ox.Quad(ox.NamedNode(ex + s), ox.NamedNode(ex + p), ox.NamedNode(ex + o))

    quads = [t("alice", "knows", "bob"), t("alice", "likes", "carol"), t("bob", "sees", "dave")]
    path, _ = write_page(tmp_path, quads)
    data = json.loads(re.search(rb'id="aigraph-data">(.*?)</script>', path.read_bytes(), re.S).group(1))  # type: ignore[union-attr]
    ys = {n["id"]: n["y"] for n in data["nodes"]}
    assert all(ys[e["from"]] != ys[e["to"]] for e in data["edges"]), "the layout made a level edge"
    opened = open_page(browser, path, width=1000, height=700)
    ids = {n: node_id(opened, n) for n in ("alice", "bob", "carol", "dave")}
    # Drag-like: Bob exactly level with Alice, to her left, far from the canvas origin.
    opened.js(
        """ids => { const net = window.aigraph.network;
          net.moveNode(ids.alice, 400, 200); net.moveNode(ids.bob, 100, 200);
          net.moveNode(ids.carol, 500, 420); net.moveNode(ids.dave, 100, 420);
          window.aigraph.nodes.update([{id: ids.alice, label: ' '}, {id: ids.bob, label: ' '},
                                       {id: ids.carol, label: ' '}, {id: ids.dave, label: ' '}]);
          net.fit({animation: false}); net.redraw(); }""",
        ids,
    )
    opened.page.wait_for_timeout(300)
    ink = """([x, y]) => { const net = window.aigraph.network, canvas = document.querySelector('#graph canvas');
      const d = net.canvasToDOM({x: x, y: y}), r = window.devicePixelRatio || 1;
      const px = canvas.getContext('2d').getImageData(Math.round((d.x - 22) * r), Math.round((d.y - 8) * r),
                                                       Math.round(44 * r), Math.round(16 * r)).data;
      let dark = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 200 && px[i] < 110 && px[i + 1] < 110) dark++;
      return dark; }"""
    assert opened.js(ink, [250, 200]) > 15  # "knows", on its edge
    assert opened.js(ink, [0, 0]) == 0  # and nothing at the origin
    opened.check_clean()


# ----------------------------------------------------------------------------- narrow windows, small things


def test_narrow_window_keeps_the_legend_a_click_away(
    browser: Any, ours: tuple[Path, nx.MultiDiGraph], tmp_path: Path
) -> None:
    path, g = ours
    opened = open_page(browser, path, width=760, height=800)
    page = opened.page
    legend = page.locator("#legend")
    assert not legend.is_visible()
    toggle = page.locator("#legend-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert legend.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    screenshot(opened, tmp_path, "narrow-legend")
    page.locator('#relations input[data-rel="aig:competesWith"]').uncheck()
    assert opened.js("window.aigraph.counts()")["edges"] < g.number_of_edges()
    page.locator("#legend-close").click()
    assert not legend.is_visible()
    toggle.click()
    page.keyboard.press("Escape")
    assert not legend.is_visible()
    # Wide again: the legend is beside the drawing, and the button hides it there too.
    page.set_viewport_size({"width": 1300, "height": 800})
    # The page hears of the new width from matchMedia's "change" event, a frame after the resize.
    page.wait_for_function("() => document.getElementById('legend-toggle').getAttribute('aria-expanded') === 'true'")
    assert legend.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert not legend.is_visible()
    opened.check_clean()


def test_empty_graph_says_so(browser: Any, tmp_path: Path) -> None:
    path, _ = write_page(tmp_path, [])
    opened = open_page(browser, path)
    assert opened.page.locator("#empty").is_visible()
    assert "Nothing to draw" in opened.page.locator("#empty").inner_text()
    opened.check_clean()


def test_loops_long_words_and_blank_nodes_in_the_panel(browser: Any, tmp_path: Path) -> None:
    ex = "http://example.org/small/"
    word = "Supercalifragilistic" * 8
    quads = [
        ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "knows"), ox.NamedNode(ex + "a")),
        ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "knows"), ox.NamedNode(ex + "b")),
        ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(RDFS + "label"), ox.Literal(word)),
        ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "note"), ox.Literal("hola", language="es")),
        ox.Quad(ox.NamedNode(ex + "b"), ox.NamedNode(ex + "near"), ox.BlankNode("x1")),
    ]
    path, _ = write_page(tmp_path, quads)
    opened = open_page(browser, path)
    # An unbroken word is drawn cut short (vis-network wraps it letter by letter); the panel shows it all.
    drawn = word[:59] + "\u2026"
    opened.js(f"window.aigraph.showNode({node_id(opened, drawn)})")
    assert opened.js("document.querySelector('#details h2').textContent") == word
    panel = opened.page.locator("#panel")
    assert opened.page.locator("#details .fact").count() == 2  # the loop once, and a -> b
    assert opened.js("(() => { const p = document.getElementById('panel'); return p.scrollWidth <= p.clientWidth; })()")
    assert "hola @es" in panel.inner_text()
    assert node_id(opened, "blank node 1") >= 0
    opened.check_clean()


# ----------------------------------------------------------------------------- the first view (issue 10)

# What vis-network draws of every label at the current zoom, in CSS pixels: a label is drawn
# from drawThreshold - 1 px; `faded` is whether its colour is not the full one it would draw.
DRAWN_LABELS = """() => {
  const net = window.aigraph.network, s = net.getScale(), body = net.body;
  const frame = document.getElementById('graph').getBoundingClientRect();
  function onScreen(b) {
    const tl = net.canvasToDOM({x: b.left, y: b.top}), br = net.canvasToDOM({x: b.right, y: b.bottom});
    return {any: br.x > 0 && tl.x < frame.width && br.y > 0 && tl.y < frame.height,
            whole: tl.x >= 0 && tl.y >= 0 && br.x <= frame.width && br.y <= frame.height};
  }
  function label(item, kind, id, box) {
    const m = item.labelModule, px = m.fontOptions.size * s;
    const drawn = !!item.options.label && !item.options.hidden && px >= item.options.scaling.label.drawThreshold - 1;
    const [colour, stroke] = m._getColor('#3e4c59', px, '#ffffff');
    const where = onScreen(box);
    return {kind: kind, id: id, label: item.options.label || '', px: px, drawn: drawn,
            faded: colour !== '#3e4c59' || stroke !== '#ffffff', onScreen: where.any, whole: where.whole};
  }
  const out = [];
  for (const i of body.nodeIndices) out.push(label(body.nodes[i], 'node', i, net.getBoundingBox(i)));
  for (const j of body.edgeIndices) {
    const e = body.edges[j], p = e.edgeType.getPoint(0.5);
    out.push(label(e, 'edge', j, {left: p.x - 1, right: p.x + 1, top: p.y - 1, bottom: p.y + 1}));
  }
  return out;
}"""

SIZES = [(1400, 900), (1024, 768), (800, 900), (390, 844)]


def central_nodes(g: nx.MultiDiGraph) -> set[str]:
    """The alliance, its founders and its critics: the labels that must read at every size."""
    alliance = {n for n, d in g.nodes(data=True) if d["class"] == AIG + "IndustryAlliance"}
    founders = {s for s, _o, k in g.edges(keys=True) if k == AIG + "foundingMemberOf"}
    critics = {s for s, _o, k in g.edges(keys=True) if k == AIG + "criticizes"}
    assert len(alliance) == 1 and len(founders) == 2 and len(critics) >= 2
    return {g.nodes[n]["label"] for n in alliance | founders | critics}


@pytest.mark.parametrize("width, height", SIZES)
def test_first_view_reads_well(
    browser: Any, ours: tuple[Path, nx.MultiDiGraph], tmp_path: Path, width: int, height: int
) -> None:
    path, g = ours
    opened = open_page(browser, path, width=width, height=height, touch=width < 500)
    labels = opened.js(DRAWN_LABELS)
    shot = screenshot(opened, tmp_path, f"first-view-{width}x{height}")
    print(f"\n{width}x{height}: scale {opened.js('window.aigraph.network.getScale()'):.3f}, screenshot {shot}")
    # No ghost: whatever is drawn is drawn at full contrast, at the zoom the page opened at.
    assert [x["label"] for x in labels if x["drawn"] and x["faded"]] == []
    nodes = [x for x in labels if x["kind"] == "node"]
    edges = [x for x in labels if x["kind"] == "edge"]
    central = central_nodes(g)
    on_screen = {x["label"]: x for x in nodes if x["drawn"] and x["onScreen"]}
    if width == 1400:
        small = {x["label"]: round(x["px"], 1) for x in on_screen.values() if x["px"] < 11}
        assert small == {}, f"node labels under 11 px: {small}"
        drawn_edges = [x for x in edges if x["drawn"] and x["onScreen"]]
        assert drawn_edges, "no relation label drawn"
        assert min(x["px"] for x in drawn_edges) >= 10
        # Most of the graph is in view.
        assert len(on_screen) >= 0.6 * len(nodes)
        # Zoomed to where vis-network would fade relation labels in (between drawThreshold - 1
        # and drawThreshold px), they are drawn at full contrast.
        opened.js(
            """() => { const net = window.aigraph.network, e = net.body.edges[net.body.edgeIndices[0]];
              net.moveTo({scale: (e.options.scaling.label.drawThreshold - 0.5) / e.labelModule.fontOptions.size}); }"""
        )
        between = [x for x in opened.js(DRAWN_LABELS) if x["kind"] == "edge" and x["drawn"]]
        assert between and not any(x["faded"] for x in between)
    if width in (1024, 800):
        for name in central:
            x = on_screen.get(name)
            assert x is not None and x["whole"], f"{name} is not drawn whole in view"
            assert x["px"] >= 11, (name, x["px"])
    if width == 390:
        # A phone: the legend is a drawer, the search box fits, a tap on a node opens it.
        page = opened.page
        assert not page.locator("#legend").is_visible()
        box = page.locator("#search").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width and box["width"] >= 200
        assert opened.js("document.documentElement.scrollWidth") <= width
        alliance = next(n for n in central if "Alliance" in n)
        assert on_screen[alliance]["whole"] and on_screen[alliance]["px"] >= 11
        x, y = node_point(opened, node_id(opened, alliance))
        page.touchscreen.tap(x, y)
        page.locator("#details h2").wait_for(state="visible")
        assert page.locator("#details h2").inner_text() == alliance
        screenshot(opened, tmp_path, "phone-details")
        page.locator("#legend-toggle").tap()
        assert page.locator("#legend").is_visible()
        on_top = """() => { const r = document.getElementById('legend').getBoundingClientRect();
          const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return document.getElementById('legend').contains(e); }"""
        assert opened.js(on_top), "the legend drawer is under something"
        screenshot(opened, tmp_path, "phone-legend")
    opened.check_clean()


@pytest.mark.parametrize("width, height", [(1400, 900), (800, 900)])
def test_the_details_panel_keeps_the_scale_and_escape_clears_it(
    browser: Any, ours: tuple[Path, nx.MultiDiGraph], tmp_path: Path, width: int, height: int
) -> None:
    path, _g = ours
    opened = open_page(browser, path, width=width, height=height)
    page = opened.page
    lit = """() => { const b = window.aigraph.network.body;
      return b.nodeIndices.filter(i => b.nodes[i].selected || b.nodes[i].hover).length +
             b.edgeIndices.filter(j => b.edges[j].selected || b.edges[j].hover).length; }"""
    before = opened.js("window.aigraph.network.getScale()")
    size = ("(() => { const r = document.getElementById('graph').getBoundingClientRect();"
            " return [r.width, r.height]; })()")
    frame = opened.js(size)
    meta = node_id(opened, "Meta")
    x, y = node_point(opened, meta)
    page.mouse.move(x, y, steps=3)
    page.mouse.click(x, y)
    page.locator("#details h2").wait_for(state="visible")
    page.wait_for_timeout(600)  # any move out from under the panel
    assert opened.js("window.aigraph.network.getScale()") == pytest.approx(before, rel=1e-9)
    assert opened.js(size) == frame
    assert opened.js(lit) > 0
    # The clicked node is not under the panel.
    panel = page.locator("#panel").bounding_box()
    nx_, _ny = node_point(opened, meta)
    assert panel is not None and nx_ < panel["x"]
    screenshot(opened, tmp_path, f"panel-{width}")
    page.keyboard.press("Escape")
    assert not page.locator("#panel").is_visible()
    assert opened.js(lit) == 0, "something stays highlighted after Escape"
    assert opened.js("window.aigraph.network.getScale()") == pytest.approx(before, rel=1e-9)
    opened.check_clean()


def test_a_small_graph_fills_the_canvas(browser: Any, tmp_path: Path) -> None:
    """Eight nodes of a fictional article: the drawing fills the window, up to a sensible zoom."""
    ex = "http://example.org/fictional/"

    def t(s: str, p: str, o: str) -> ox.Quad:
        return ox.Quad(ox.NamedNode(ex + s), ox.NamedNode(ex + p), ox.NamedNode(ex + o))

    quads = [
        t("Zephyr_Labs", "partnersWith", "Quillon_Systems"),
        t("Zephyr_Labs", "funds", "Open_Orchard"),
        t("Quillon_Systems", "funds", "Open_Orchard"),
        t("Open_Orchard", "focusesOn", "soil_sensing"),
        t("Open_Orchard", "focusesOn", "seed_banks"),
        t("Marrow_Institute", "criticizes", "Zephyr_Labs"),
        t("Marrow_Institute", "advises", "Tern_Council"),
    ]
    path, g = write_page(tmp_path, quads)
    assert g.number_of_nodes() == 7
    opened = open_page(browser, path, width=1400, height=900)
    scale = opened.js("window.aigraph.network.getScale()")
    fill = opened.js(
        """() => { const net = window.aigraph.network, b = net.body;
          const frame = document.getElementById('graph').getBoundingClientRect();
          let l = Infinity, r = -Infinity, t = Infinity, d = -Infinity;
          for (const i of b.nodeIndices) { const x = net.getBoundingBox(i);
            l = Math.min(l, x.left); r = Math.max(r, x.right); t = Math.min(t, x.top); d = Math.max(d, x.bottom); }
          const s = net.getScale();
          return Math.max((r - l) * s / frame.width, (d - t) * s / frame.height); }"""
    )
    screenshot(opened, tmp_path, "small-graph")
    assert scale <= 1.6
    assert scale == pytest.approx(1.6) or fill > 0.85, (scale, fill)
    labels = opened.js(DRAWN_LABELS)
    assert all(x["drawn"] and not x["faded"] and x["px"] >= 11 and x["whole"] for x in labels if x["kind"] == "node")
    opened.check_clean()
    # Three nodes: zoomed in (vis-network's own fit stops at 1), up to the limit.
    path, _ = write_page(tmp_path, quads[:2], "tiny.html")
    opened = open_page(browser, path, width=1400, height=900)
    assert 1.2 < opened.js("window.aigraph.network.getScale()") <= 1.6
    screenshot(opened, tmp_path, "tiny-graph")
    opened.check_clean()


# ----------------------------------------------------------------------------- a corpus (issue 13)


def _visible_edges(opened: Opened) -> int:
    """Edges vis-network draws now: not hidden themselves, and both ends shown."""
    count: int = opened.js(
        """() => { const b = window.aigraph.network.body, shown = i => !b.nodes[i].options.hidden;
           return b.edgeIndices.filter(j => { const e = b.edges[j];
             return !e.options.hidden && shown(e.fromId) && shown(e.toId); }).length; }"""
    )
    assert count == opened.js("window.aigraph.counts()")["edges"]
    return count


def test_a_corpus_edge_lists_its_sentences_by_article(browser: Any, tmp_path: Path) -> None:
    from aigraph.graph.corpus import build_corpus_quads

    from .test_view import CORPUS

    quads, _ = build_corpus_quads([CORPUS])
    path, g = write_page(tmp_path, quads)
    opened = open_page(browser, path)
    assert "2 articles" in opened.js("document.getElementById('summary').textContent")
    edge = edge_between(opened, "Pellwick Systems", "Open Rotor Coalition")
    x, y = edge_point(opened, edge)
    assert "stated by 2 articles" in hover(opened, x, y, "Pellwick Systems").inner_text()
    opened.page.mouse.click(x, y)
    opened.page.locator("#details").wait_for(state="visible")
    groups = opened.js(
        """() => Array.from(document.querySelectorAll('#details .article')).map(a => ({
             title: a.querySelector('h4').textContent, meta: a.querySelector('.meta').textContent,
             sentences: Array.from(a.querySelectorAll('blockquote')).map(q => q.textContent)}))"""
    )
    assert [grp["title"] for grp in groups] == [
        "Open Rotor Coalition launches with 30 members",
        "Drone coalition counts 35 members",
    ]
    assert groups[0]["meta"] == "2031-03-04 · https://example.org/news/rotor-launch"
    assert groups[0]["sentences"] == ["\u201cPellwick Systems is a founding member of the coalition.\u201d"]
    assert groups[1]["sentences"] == [
        "\u201cPellwick Systems, a founding member of the coalition, will host its first meeting.\u201d"
    ]
    assert opened.page.locator("#details h3").first.inner_text().lower() == "stated by 2 articles"
    # The alliance's panel keeps both member counts, each under its own article.
    opened.js(f"window.aigraph.showNode({node_id(opened, 'Open Rotor Coalition')})")
    values = opened.js(
        """() => Array.from(document.querySelectorAll('#details .value')).map(v => [
             v.querySelector('.head').textContent,
             Array.from(v.querySelectorAll('.article h4')).map(h => h.textContent)])"""
    )
    assert values == [
        ["aig:approximateMemberCount30", ["Open Rotor Coalition launches with 30 members"]],
        ["aig:approximateMemberCount35", ["Drone coalition counts 35 members"]],
    ]
    opened.check_clean()


def test_corpus_filters_by_article_and_by_agreement(browser: Any, tmp_path: Path) -> None:
    from .test_view import FICTION, fictional_corpus

    # One title is hostile: it must show as text and run nothing.
    path, g = write_page(tmp_path, fictional_corpus(titles={"b": f"FICTIONAL {SCRIPT} {IMG}"}))
    opened = open_page(browser, path)
    relations = FICTION["relations"]
    order = sorted(FICTION["articles"], key=lambda a: FICTION["articles"][a][1])
    assert _visible_edges(opened) == len(relations) == g.number_of_edges()
    assert opened.js("document.querySelectorAll('#articles li').length") == 3
    assert f"FICTIONAL {SCRIPT} {IMG}" in opened.js("document.getElementById('articles').textContent")

    def expect(ticked: str, least: int) -> int:
        return sum(1 for *_x, who in relations if sum(a in who for a in ticked) >= least)

    # At least N articles (all ticked), typed into the number box.
    for least in (2, 3, 1):
        opened.page.fill("#min-articles", str(least))
        assert _visible_edges(opened) == expect("abc", least), least
    opened.page.fill("#min-articles", "2")
    assert _visible_edges(opened) == 2
    # One article only: untick the others.
    opened.page.fill("#min-articles", "1")
    for aid in "bc":
        opened.page.locator(f'#articles input[data-article="{order.index(aid)}"]').uncheck()
    assert _visible_edges(opened) == expect("a", 1) == 3
    names = opened.js("window.aigraph.nodes.get().filter(n => !n.hidden).map(n => n.label).sort()")
    assert names == ["Arvel Works", "Brisk Forge", "Corma Optics", "Quillon Guild"]  # Dunes Lab: only article c
    # Ticked a and c, stated by both.
    opened.page.locator(f'#articles input[data-article="{order.index("c")}"]').check()
    opened.page.fill("#min-articles", "2")
    assert _visible_edges(opened) == expect("ac", 2) == 1
    # The article filters combine with the relation filters.
    opened.page.fill("#min-articles", "1")
    assert _visible_edges(opened) == expect("ac", 1) == 4
    opened.page.locator('#relations input[data-rel="aig:memberOf"]').uncheck()
    assert _visible_edges(opened) == 1
    # A search for a node the filters hide brings it back.
    opened.page.click("#reset")
    assert _visible_edges(opened) == len(relations)
    opened.page.locator(f'#articles input[data-article="{order.index("c")}"]').uncheck()
    opened.page.fill("#search", "Dunes")
    opened.page.keyboard.press("Enter")
    assert opened.js("window.aigraph.nodes.get(window.aigraph.focused).hidden") in (None, False)
    assert opened.page.locator("#details h2").inner_text() == "Dunes Lab"
    # The hostile title heads its sentences in the panel, as text.
    opened.js(f"window.aigraph.showEdge({edge_between(opened, 'Brisk Forge', 'Corma Optics')})")
    assert opened.js("document.querySelector('#details .article h4').textContent") == f"FICTIONAL {SCRIPT} {IMG}"
    assert opened.js("document.querySelectorAll('#details img, #details script').length") == 0
    assert opened.js("window.__pwned === undefined")
    opened.check_clean()


def test_a_50000_character_label_opens_and_responds(browser: Any, tmp_path: Path) -> None:
    ex = "http://example.org/long/"
    word = "L" * 50_000
    iri = ex + "x" * 50_000
    quads = [
        ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(RDFS + "label"), ox.Literal(word)),
        ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "rel" + "R" * 50_000), ox.NamedNode(iri)),
        ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "knows"), ox.NamedNode(ex + "b")),
    ]
    path, _ = write_page(tmp_path, quads)
    start = time.perf_counter()
    opened = open_page(browser, path)
    assert opened.js("window.aigraph.counts()")["edges"] == 2
    drawn = opened.js("window.aigraph.nodes.get().map(n => n.label.length)")
    assert max(drawn) <= 60
    # The page answers: a click on the node opens its panel with the whole label, wrapped.
    x, y = node_point(opened, node_id(opened, "L" * 59 + "\u2026"))
    opened.page.mouse.click(x, y)
    opened.page.locator("#details h2").wait_for(state="visible")
    assert opened.js("document.querySelector('#details h2').textContent") == word
    assert opened.js("(() => { const p = document.getElementById('panel'); return p.scrollWidth <= p.clientWidth; })()")
    opened.page.fill("#search", "LLLL")
    assert opened.page.locator("#matches li").count() == 1
    opened.page.keyboard.press("Escape")
    assert time.perf_counter() - start < 60  # frozen pages never get here: this is a generous bound
    opened.check_clean()


def test_a_big_corpus_page_writes_the_same_tooltips_and_filters(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Big pages write tooltips and widths in the page: they say what small pages say."""
    import aigraph.view.page

    from .test_view import fictional_corpus

    small, _ = write_page(tmp_path, fictional_corpus(), "small.html")
    monkeypatch.setattr(aigraph.view.page, "BIG_GRAPH", 3)
    big, _ = write_page(tmp_path, fictional_corpus(), "big.html")
    probe = "() => window.aigraph.edges.get().map(e => [e.title, e.width])"
    small_page, big_page = open_page(browser, small), open_page(browser, big)
    assert big_page.page.locator("#notice").is_visible()
    assert big_page.js(probe) == small_page.js(probe)
    assert any("stated by 3 articles" in title for title, _w in big_page.js(probe))
    big_page.page.fill("#min-articles", "2")
    assert _visible_edges(big_page) == 2
    big_page.check_clean()
