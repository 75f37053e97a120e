"""aigraph view: one self-contained, offline, escaped and deterministic HTML page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from aigraph.cli import cli
from aigraph.namespaces import AIG, DCTERMS, RDF, RDFS
from aigraph.store.dataset import load_quads
from aigraph.view import page as view_module
from aigraph.view.netx import to_networkx
from aigraph.view.page import json_for_script, layout, render_html, write_view

EX = "http://example.org/"


def page_data(html: bytes) -> dict[str, Any]:
    text = html.decode("utf-8")
    m = re.search(r'<script type="application/json" id="aigraph-data">(.*?)</script>', text, re.S)
    assert m
    return json.loads(m.group(1))


def edges_from_columns(data: dict[str, Any]) -> list[dict[str, Any]]:
    """A big page's edge columns made into edge objects, as view.js's fromColumns does."""
    columns, both = data["edges"], {"to": {"enabled": True}, "from": {"enabled": True, "scaleFactor": 0.55}}
    curved = {j: (kind, roundness) for j, kind, roundness in columns["curved"]}
    edges = []
    for j, (a, b, r) in enumerate(zip(columns["from"], columns["to"], columns["r"], strict=True)):
        e: dict[str, Any] = {"id": j, "r": r, "from": a, "to": b}
        if "a" in columns:
            e["a"] = columns["a"][j]
        e["arrows"] = both if data["relations"][r]["symmetric"] else "to"
        if j in curved:
            e["smooth"] = {"enabled": True, "type": curved[j][0], "roundness": curved[j][1]}
        edges.append(e)
    return edges


def nodes_from_columns(data: dict[str, Any]) -> list[dict[str, Any]]:
    """A big page's node columns made into node objects, as view.js's nodesFromColumns does."""
    columns = data["nodes"]
    nodes = []
    for i, (x, y, c, label, size) in enumerate(
        zip(columns["x"], columns["y"], columns["c"], columns["label"], columns["size"], strict=True)
    ):
        n: dict[str, Any] = {"id": i, "label": label, "shape": data["classes"][c]["shape"], "x": x, "y": y, "c": c}
        if size is not None:
            n["size"] = size
        if "a" in columns:
            n["a"] = columns["a"][i]
        nodes.append(n)
    return nodes


def edge_info(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each edge's details with every field (``ev``, ``q``, ``src``, ``by``), as view.js makes
    them of a small page's dicts (empty fields left out) or a big page's columns."""
    defaults: dict[str, Any] = {"ev": [], "q": [], "src": "", "by": []}
    info = data["edgeInfo"]
    if isinstance(info, list):
        return [{**defaults, **i} for i in info]
    return [{k: info[k][j] if k in info else v for k, v in defaults.items()} for j in range(len(info["q"]))]


def script_blocks(text: str) -> list[str | None]:
    """The type of every <script> element an HTML parser finds (their text is never markup)."""
    from html.parser import HTMLParser

    found: list[str | None] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "script":
                assert "src" not in dict(attrs)
                found.append(dict(attrs).get("type"))

    Parser().feed(text)
    return found


@pytest.fixture(scope="module")
def built_html() -> bytes:
    return render_html(load_quads())


def test_page_is_self_contained(built_html: bytes) -> None:
    text = built_html.decode("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    # Nothing is loaded from anywhere: no src/href attributes, no <link>, no @import.
    loading = r"<(?:script|link|img|iframe|embed|object|source|audio|video)\b[^>]*\b(?:src|href)\s*="
    assert re.findall(loading, text, re.I) == []
    assert "<link" not in text.lower() and "@import" not in text
    assert re.findall(r"url\((?!\"?data:)", text) == []
    # A Content-Security-Policy forbids the network as a second line of defence.
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)
    assert csp and "default-src 'none'" in csp.group(1) and "connect-src 'none'" in csp.group(1)
    # vis-network is inlined from pyvis, its license header with it.
    assert "vis-network" in text and "@license" in text and "Apache" in text
    assert script_blocks(text) == ["application/json", None, None]


def test_page_data_matches_networkx(built_html: bytes) -> None:
    data = page_data(built_html)
    g = to_networkx(load_quads())
    assert len(data["nodes"]) == g.number_of_nodes()
    assert len(data["edges"]) == g.number_of_edges()
    assert data["title"].startswith("Meta and IBM team up")
    labels = {n["label"] for n in data["nodes"]}
    assert labels == {d["label"] for _, d in g.nodes(data=True)}
    # Every edge tooltip is plain text holding its evidence sentence.
    for edge, info in zip(data["edges"], data["edgeInfo"], strict=True):
        assert info["ev"] and info["ev"][0] in edge["title"]
    # Physics is off: the layout is computed here, once.
    assert data["options"]["physics"]["enabled"] is False
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in data["nodes"])


def test_styles_come_from_the_ontology(built_html: bytes) -> None:
    data = page_data(built_html)
    classes = {c["label"]: c for c in data["classes"]}
    assert {"Industry alliance", "Company", "Organization", "Focus area", "Challenge", "AI model"} <= set(classes)
    assert len({(c["shape"], c["color"]) for c in data["classes"]}) == len(data["classes"])
    relations = {r["label"]: r for r in data["relations"]}
    assert len({(r["color"], json.dumps(r["dashes"])) for r in data["relations"]}) == len(data["relations"])
    # Symmetric relations read as mutual: arrows at both ends.
    assert relations["competes with"]["symmetric"] and relations["collaborates with"]["symmetric"]
    assert not relations["criticizes"]["symmetric"]
    competes = [e for e in data["edges"] if data["relations"][e["r"]]["label"] == "competes with"]
    assert competes and all(e["arrows"]["from"]["enabled"] and e["arrows"]["to"]["enabled"] for e in competes)
    assert all(e["label"] for e in data["edges"])


def test_same_input_same_bytes() -> None:
    # Blank nodes get fresh random ids on every parse; the page must not show them.
    text = b"@prefix ex: <http://example.org/> . ex:a ex:p [ ex:q [ ex:r ex:b ] ] . [] ex:s ex:a ."
    first = render_html(ox.parse(text, format=ox.RdfFormat.TURTLE))
    second = render_html(ox.parse(text, format=ox.RdfFormat.TURTLE))
    assert first == second
    assert {n["label"] for n in page_data(first)["nodes"]} == {"a", "b", "blank node 1", "blank node 2", "blank node 3"}
    assert render_html(load_quads()) == render_html(load_quads())


def test_json_is_safe_inside_a_script_block() -> None:
    payload = {"x": "</script><script>alert(1)</script> <!-- & \u2028\u2029"}
    text = json_for_script(payload)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in text
    assert json.loads(text) == payload


def test_hostile_text_is_escaped_everywhere() -> None:
    evil = '</script><img src=x onerror="alert(1)"> href <!--'
    quads = [
        ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(RDFS + "label"), ox.Literal(evil)),
        ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.NamedNode(EX + "b")),
        ox.Quad(ox.NamedNode(EX + "doc"), ox.NamedNode(RDF + "type"), ox.NamedNode(AIG + "Article")),
        ox.Quad(ox.NamedNode(EX + "doc"), ox.NamedNode(DCTERMS + "title"), ox.Literal(evil)),
    ]
    html = render_html(quads).decode("utf-8")
    assert "<img" not in html and "<!--" not in html.split("<style>")[0].replace("<!-- vis-network", "")
    assert html.count("</script>") == 3 and script_blocks(html) == ["application/json", None, None]
    assert "<title>&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt; href &lt;!--</title>" in html
    data = page_data(html.encode())
    assert data["title"] == evil and data["nodes"][0]["label"] == evil
    assert render_html(quads, title=evil) == html.encode()


def test_big_graphs_are_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(view_module, "BIG_GRAPH", 10)
    quads = [
        ox.Quad(ox.NamedNode(f"{EX}n{i}"), ox.NamedNode(EX + "next"), ox.NamedNode(f"{EX}n{(i + 1) % 30}"))
        for i in range(30)
    ]
    data = page_data(render_html(quads))
    assert data["big"] is True
    assert set(data["edges"]) == {"from", "to", "r", "curved"}  # columns: no relation labels until the panel
    assert set(data["nodes"]) == {"x", "y", "c", "label", "size"}  # columns: no tooltip, no style
    assert [n["label"] for n in nodes_from_columns(data)] == [f"n{i}" for i in range(30)]
    assert data["options"]["interaction"]["hideEdgesOnDrag"] is True


def test_big_pages_send_each_style_once(monkeypatch: pytest.MonkeyPatch, built_html: bytes) -> None:
    monkeypatch.setattr(view_module, "BIG_GRAPH", 10)
    html = render_html(load_quads())
    data, full = page_data(html), page_data(built_html)
    assert data["big"] is True and len(html) < len(built_html)
    # The same nodes and edges; tooltips and styles are left to the page. The nodes as
    # columns, which view.js makes into what a small page sends, less tooltip and style (a
    # big page's dots are 0.6 times as big).
    nodes = nodes_from_columns(data)
    assert [(n["id"], n["c"], n["label"], n["shape"]) for n in nodes] == [
        (n["id"], n["c"], n["label"], n["shape"]) for n in full["nodes"]
    ]
    for big, small in zip(nodes, full["nodes"], strict=True):
        assert ("size" in big) == ("size" in small) == (small["shape"] != "box")
        assert "size" not in big or abs(big["size"] - 0.6 * small["size"]) <= 0.11
    # The edges as columns, which view.js makes into what a small page sends, less tooltip and style.
    drawn = ("id", "r", "from", "to", "arrows", "smooth")
    assert edges_from_columns(data) == [{k: e[k] for k in drawn if k in e} for e in full["edges"]]
    assert any("smooth" in e for e in full["edges"]) and any(isinstance(e["arrows"], dict) for e in full["edges"])
    for n in full["nodes"]:
        assert n["color"] == full["classes"][n["c"]]["node"]["color"]
    for e in full["edges"]:
        assert e["color"] == full["relations"][e["r"]]["edge"]["color"]
    assert data["classes"] == full["classes"] and data["relations"] == full["relations"]
    # The edge details as columns too, which view.js makes into what a small page sends.
    assert set(data["edgeInfo"]) == {"q", "ev", "src"} and isinstance(full["edgeInfo"], list)
    assert edge_info(data) == edge_info(full) and data["nodeInfo"] == full["nodeInfo"]


def test_view_imports_only_what_it_needs() -> None:
    """pyvis loads networkx, jsonpickle and IPython for jobs the view never does: they stay
    unloaded (a third of a big page's time), and pyvis still has them when it needs them."""
    import subprocess
    import sys

    script = """
import sys
from aigraph.view.page import render_html
render_html()
print(sorted(m for m in ("networkx", "jsonpickle", "IPython", "scipy") if m in sys.modules))
import networkx as nx
from pyvis.network import Network
net = Network()
net.from_nx(nx.path_graph(3))
print(len(net.nodes), Network.__module__)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["[]", "3 pyvis.network"]


@pytest.mark.parametrize("shape", ["ring", "star", "isolated", "mixed"])
def test_layout_spreads_nodes(shape: str) -> None:
    n = 200
    quads = []
    for i in range(n):
        s = ox.NamedNode(f"{EX}n{i}")
        if shape == "ring" or (shape == "mixed" and i < 100):
            quads.append(ox.Quad(s, ox.NamedNode(EX + "p"), ox.NamedNode(f"{EX}n{(i + 1) % n}")))
        elif shape == "star" or (shape == "mixed" and i < 150):
            quads.append(ox.Quad(ox.NamedNode(EX + "hub"), ox.NamedNode(EX + "p"), s))
        else:
            quads.append(ox.Quad(s, ox.NamedNode(RDFS + "label"), ox.Literal(f"lonely {i}")))
    g = to_networkx(quads)
    pos = layout(g)
    assert len(pos) == g.number_of_nodes()
    assert len(set(pos)) == len(pos), "two nodes on one spot"
    assert layout(g) == pos
    xs, ys = [p[0] for p in pos], [p[1] for p in pos]
    assert abs(max(xs) + min(xs)) <= 1 and abs(max(ys) + min(ys)) <= 1  # centred
    assert layout(to_networkx([])) == []


# ----------------------------------------------------------------------------- the command


def test_view_command_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "view.html"
    result = CliRunner().invoke(cli, ["view", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Wrote {out}" in result.stderr and "nodes" in result.stderr
    assert out.resolve().as_uri() in result.stderr and "aigraph view --open" in result.stderr
    assert out.read_bytes() == render_html(load_quads())
    assert [p.name for p in out.parent.iterdir()] == ["view.html"]  # no temporary file left


def test_view_to_stdout() -> None:
    result = CliRunner().invoke(cli, ["view", "-o", "-"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"<!DOCTYPE html>")
    assert result.stderr == ""


def test_view_open_opens_the_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    out = tmp_path / "v.html"
    result = CliRunner().invoke(cli, ["view", "--open", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert opened == [out.resolve().as_uri()]
    assert "--open" not in result.stderr


def test_view_data_files_and_title(tmp_path: Path) -> None:
    data = tmp_path / "g.ttl"
    data.write_text("@prefix ex: <http://example.org/> . ex:a ex:knows ex:b . ex:b ex:knows ex:c .\n")
    out = tmp_path / "g.html"
    result = CliRunner().invoke(cli, ["view", "--data", str(data), "--title", "My <b>graph</b>", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "(3 nodes, 2 relations)" in result.stderr
    html = out.read_bytes()
    assert b"<title>My &lt;b&gt;graph&lt;/b&gt;</title>" in html
    assert page_data(html)["title"] == "My <b>graph</b>"


def test_bad_data_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n")
    out = tmp_path / "out.html"
    result = CliRunner().invoke(cli, ["view", "--data", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"aigraph: error: {bad}:3:")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]
    missing = CliRunner().invoke(cli, ["view", "--data", str(tmp_path / "nope.ttl"), "-o", str(out)])
    assert missing.exit_code == 1 and "nope.ttl" in missing.stderr and not out.exists()


def test_output_into_a_directory_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["view", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "directory" in result.stderr


def test_library_write_view(tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    result = write_view(out)
    assert result.path == str(out) and result.nodes > 30 and result.edges > 30
    assert out.read_bytes().startswith(b"<!DOCTYPE html>")


def test_same_bytes_across_processes(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"v{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "aigraph", "view", "-o", str(out)]
        subprocess.run(command, env=env, check=True, capture_output=True)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


# ----------------------------------------------------------------------------- styles and labels


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* of an sRGB colour, for telling colours apart as eyes do."""
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(v: float) -> float:
        return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_every_relation_of_the_ontology_looks_different() -> None:
    """Colour and dashes tell each relation apart: two with one dash pattern differ clearly in colour."""
    import itertools
    import math

    from aigraph.ontology import load_ontology

    onto = load_ontology()
    relations = sorted(
        iri[len(AIG) :]
        for iri, term in onto.terms.items()
        if iri.startswith(AIG) and term.kind == "object" and term.range != AIG + "Sentence"
    )
    from aigraph.view.styles import _AIG_RELATION_STYLE as styles
    assert set(relations) <= set(styles), set(relations) - set(styles)
    for a, b in itertools.combinations(relations, 2):
        (ca, da, _), (cb, db, _) = styles[a], styles[b]
        if da == db:
            assert math.dist(_lab(ca), _lab(cb)) >= 25, (a, b)
    data = page_data(render_html(load_quads()))
    legend = {(r["color"], json.dumps(r["dashes"])) for r in data["relations"]}
    assert len(legend) == len(data["relations"])


def test_each_fan_of_spokes_is_labelled_once(built_html: bytes) -> None:
    """A hub's spokes of one relation show one label until one zooms in; other edges show theirs."""
    data = page_data(built_html)
    fans: dict[tuple[int, int], list[dict[str, Any]]] = {}
    degree: dict[int, set[int]] = {}
    for e in data["edges"]:
        degree.setdefault(e["from"], set()).add(e["to"])
        degree.setdefault(e["to"], set()).add(e["from"])
    for e in data["edges"]:
        ends = [n for n in (e["from"], e["to"]) if len(degree[n]) == 1]
        if len(ends) == 1:
            hub = e["to"] if ends[0] == e["from"] else e["from"]
            fans.setdefault((hub, e["r"]), []).append(e)
    assert any(len(fan) > 2 for fan in fans.values())
    quiet = view_module._EDGE_LABEL_NEAR
    for fan in fans.values():
        loud = [e for e in fan if e.get("scaling", {}).get("label", {}).get("drawThreshold") != quiet]
        assert len(loud) == 1
    in_fans = {e["id"] for fan in fans.values() for e in fan}
    assert all("scaling" not in e for e in data["edges"] if e["id"] not in in_fans)
    assert data["options"]["edges"]["scaling"]["label"]["drawThreshold"] < quiet


@pytest.mark.parametrize("source", ["ours", "people", "random"])
def test_no_edge_is_level(source: str) -> None:
    """vis-network 9.1.2 misplaces the label of an edge pointing exactly right to left."""
    import random

    if source == "ours":
        quads = load_quads()
    elif source == "people":
        text = "@prefix ex: <http://example.org/> . " + " ".join(
            f"ex:p{i} ex:knows ex:p{(i * 7 + 3) % 40}, ex:p{(i + 1) % 40} ." for i in range(40)
        )
        quads = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    else:
        rng = random.Random(5)
        quads = [
            ox.Quad(
                ox.NamedNode(f"{EX}n{rng.randrange(300)}"),
                ox.NamedNode(EX + "p"),
                ox.NamedNode(f"{EX}n{rng.randrange(300)}"),
            )
            for _ in range(500)
        ]
    data = page_data(render_html(quads))
    ys = [n["y"] for n in data["nodes"]]
    level = [(e["from"], e["to"]) for e in data["edges"] if e["from"] != e["to"] and ys[e["from"]] == ys[e["to"]]]
    assert level == []


def test_vocabulary_is_named_not_drawn() -> None:
    """The ontology beside the graph names classes and relations; it adds no nodes."""
    import aigraph

    with_ontology = page_data(render_html(aigraph.load()))
    alone = page_data(render_html(load_quads()))
    assert len(with_ontology["nodes"]) == len(alone["nodes"])
    legend = {c["label"] for c in with_ontology["classes"]}
    assert not legend & {"Class", "ObjectProperty", "Ontology", "DatatypeProperty"}


def test_open_in_browser_says_whether_a_browser_took_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aigraph.view.page import open_in_browser

    out = tmp_path / "v.html"
    out.write_text("<!DOCTYPE html>")
    asked: list[str] = []
    for answer in (True, False):
        monkeypatch.setattr("webbrowser.open", lambda url, *a, answer=answer, **k: asked.append(url) or answer)
        assert open_in_browser(out) is answer
    assert asked == [out.resolve().as_uri()] * 2
    result = write_view(out, open_browser=True)
    assert result.opened is False  # the last answer above
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: True)
    assert write_view(out, open_browser=True).opened is True
    assert write_view(out).opened is False


def test_open_says_where_the_page_is_when_no_browser_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []

    def no_browser(path: str | Path) -> bool:
        opened.append(str(path))
        return False

    monkeypatch.setattr(view_module, "open_in_browser", no_browser)
    out = tmp_path / "v.html"
    result = CliRunner().invoke(cli, ["view", "-o", str(out), "--open"])
    assert result.exit_code == 0 and out.is_file() and opened == [str(out)]
    assert result.stderr.splitlines()[-1] == f"aigraph: warning: no web browser could be started; open {out.as_uri()}"
    result = CliRunner().invoke(cli, ["view", "-o", "-", "--open"])
    assert result.exit_code == 2 and "--open needs a file to open" in result.stderr and result.stdout == ""


# ----------------------------------------------------------------------------- bounded work (issue 16 item 13)

MEASURE = """
import json, resource, subprocess, sys
cap = int(sys.argv[1]) * 1024 * 1024
def limit():
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
run = subprocess.run(sys.argv[2:], capture_output=True, text=True, preexec_fn=limit)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(json.dumps({"rc": run.returncode, "peak_mb": peak, "stderr": run.stderr}))
"""


@pytest.mark.parametrize("shape", ["nested list", "chain and hub"])
def test_view_of_a_small_pathological_file_stays_small(shape: str, tmp_path: Path) -> None:
    """A list nested 10,000 deep (20 KB of Turtle; every tail on rdf:nil) piled its nodes on a
    few spots and took 0.6 GB (3.5 GB at 50,000 deep); a chain tied to one hub likewise.
    Run in a fresh process under an address-space cap; its peak memory is bounded."""
    import subprocess
    import sys

    depth = 10_000
    data = tmp_path / "in.ttl"
    if shape == "nested list":
        data.write_text("@prefix : <http://example.org/> .\n:a :p " + "(" * depth + ":x" + ")" * depth + " .\n")
    else:
        lines = ["@prefix : <http://example.org/> ."] + [f":n{i} :next :n{i + 1} ." for i in range(depth)]
        lines.append(":hub :p " + ", ".join(f":n{i}" for i in range(depth)) + " .")
        data.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.html"
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, "1536", sys.executable, "-m", "aigraph", "view", "--data", str(data),
         "-o", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    figures = json.loads(run.stdout)
    assert figures["rc"] == 0, figures["stderr"]
    assert figures["peak_mb"] < 300, figures
    assert page_data(out.read_bytes())["nodes"]


# ----------------------------------------------------------------------------- a corpus

CORPUS = Path(__file__).resolve().parent / "articles" / "corpus"
SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"

# FICTIONAL articles, written for these tests: who states which relation, as
# (subject, relation, object, articles). Quillon Guild is a made-up alliance.
FICTION = {
    "entities": {
        "guild": ("Quillon Guild", "IndustryAlliance"),
        "arvel": ("Arvel Works", "Company"),
        "brisk": ("Brisk Forge", "Company"),
        "corma": ("Corma Optics", "Company"),
        "dunes": ("Dunes Lab", "Company"),
    },
    "articles": {
        "a": ("FICTIONAL: Quillon Guild opens", "2032-01-02"),
        "b": ("FICTIONAL: Guild critics speak", "2032-01-05"),
        "c": ("FICTIONAL: Guild counts members", "2032-01-09"),
    },
    "relations": [
        ("arvel", "memberOf", "guild", "abc"),
        ("brisk", "memberOf", "guild", "ab"),
        ("corma", "memberOf", "guild", "a"),
        ("brisk", "criticizes", "corma", "b"),
        ("dunes", "collaboratesWith", "arvel", "c"),
    ],
    "values": [("guild", "approximateMemberCount", 10, "a"), ("guild", "approximateMemberCount", 12, "c")],
}


def fictional_corpus(titles: dict[str, str] | None = None) -> list[ox.Quad]:
    """A dataset as ``aigraph build`` writes a corpus: assertions in the default graph, each
    article's record, sentences and facts in its named graph (``titles`` replaces titles)."""
    kg = "http://example.org/fiction/"
    quads: list[ox.Quad] = []

    def add(s: str, p: str, o: ox.NamedNode | ox.Literal, g: str | None = None) -> None:
        graph = ox.NamedNode(kg + g) if g else ox.DefaultGraph()
        quads.append(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, graph))

    for eid, (label, cls) in FICTION["entities"].items():
        add(kg + eid, RDF + "type", ox.NamedNode(AIG + cls))
        add(kg + eid, RDFS + "label", ox.Literal(label))
    for aid, (title, date) in FICTION["articles"].items():
        title = (titles or {}).get(aid, title)
        add(kg + aid, RDF + "type", ox.NamedNode(AIG + "Article"), aid)
        add(kg + aid, DCTERMS + "title", ox.Literal(title), aid)
        add(kg + aid, SCHEMA + "datePublished", ox.Literal(date, datatype=ox.NamedNode(XSD + "date")), aid)
        add(kg + aid, SCHEMA + "url", ox.Literal(f"https://example.org/fiction/{aid}"), aid)
    facts = [(s, p, ox.NamedNode(kg + o), who) for s, p, o, who in FICTION["relations"]]
    integer = ox.NamedNode(XSD + "integer")
    facts += [(s, p, ox.Literal(str(v), datatype=integer), who) for s, p, v, who in FICTION["values"]]
    for k, (s, p, o, who) in enumerate(facts):
        add(kg + s, AIG + p, o)
        for aid in who:
            fact, sent = f"{kg}{aid}-fact-{k}", f"{kg}{aid}-s{k}"
            add(fact, RDF + "type", ox.NamedNode(AIG + "Fact"), aid)
            add(fact, RDF + "subject", ox.NamedNode(kg + s), aid)
            add(fact, RDF + "predicate", ox.NamedNode(AIG + p), aid)
            add(fact, RDF + "object", o, aid)
            add(fact, AIG + "evidence", ox.NamedNode(sent), aid)
            add(sent, RDF + "type", ox.NamedNode(AIG + "Sentence"), aid)
            add(sent, PROV + "value", ox.Literal(f"Article {aid} says fact {k} ({s} {p})."), aid)
            add(sent, PROV + "wasQuotedFrom", ox.NamedNode(kg + aid), aid)
    return quads



@pytest.fixture(scope="module")
def corpus_data() -> dict[str, Any]:
    from aigraph.graph.corpus import build_corpus_quads

    quads, _prefixes = build_corpus_quads([CORPUS])
    return page_data(render_html(quads))


def _texts(name: str) -> str:
    return " ".join((CORPUS / name).read_text(encoding="utf-8").split())


def test_corpus_page_draws_each_relation_once_with_its_articles(corpus_data: dict[str, Any]) -> None:
    data = corpus_data
    assert data["title"] == "Knowledge graph of 2 articles"
    # Articles oldest first, with their title, date and address.
    assert [(a["title"], a["date"], a["url"], a["count"]) for a in data["articles"]] == [
        ("Open Rotor Coalition launches with 30 members", "2031-03-04", "https://example.org/news/rotor-launch", 2),
        ("Drone coalition counts 35 members", "2031-03-07", "https://example.org/news/rotor-members", 1),
    ]
    labels = [n["label"] for n in data["nodes"]]
    edges = {(labels[e["from"]], labels[e["to"]]): (e, i) for e, i in zip(data["edges"], data["edgeInfo"], strict=True)}
    assert len(edges) == len(data["edges"]) == 2  # the founding stated twice is drawn once
    both, info = edges[("Pellwick Systems", "Open Rotor Coalition")]
    assert both["a"] == [0, 1] and both["label"] == "founding member of \u00d72"
    assert "stated by 2 articles" in both["title"]
    # Its sentences, grouped by article: each from its own article's text only.
    launch, members = _texts("rotor-launch.txt"), _texts("rotor-members.txt")
    assert [k for k, _s in info["by"]] == [0, 1]
    assert "ev" not in info and "src" not in info  # each sentence is sent once, under its article
    assert info["by"][0][1] == ["Pellwick Systems is a founding member of the coalition."]
    assert info["by"][1][1] == ["Pellwick Systems, a founding member of the coalition, will host its first meeting."]
    assert info["by"][0][1][0] in launch and info["by"][0][1][0] not in members
    assert info["by"][1][1][0] in members and info["by"][1][1][0] not in launch
    one, info1 = edges[("Halvorsen Dynamics", "Open Rotor Coalition")]
    assert one["a"] == [0] and one["label"] == "founding member of" and "stated by 1 article\n" in one["title"]
    assert [k for k, _s in info1["by"]] == [0]
    assert both["width"] > one["width"]  # more articles, a thicker line


def test_corpus_page_keeps_both_conflicting_values_each_with_its_article(corpus_data: dict[str, Any]) -> None:
    data = corpus_data
    i = next(k for k, n in enumerate(data["nodes"]) if n["label"] == "Open Rotor Coalition")
    info = data["nodeInfo"][i]
    assert data["nodes"][i]["a"] == [0, 1]
    values = {(prop, value): by for prop, value, by in info["vby"]}
    assert set(values) == {("aig:approximateMemberCount", "30"), ("aig:approximateMemberCount", "35")}
    (k30, s30), = values[("aig:approximateMemberCount", "30")]
    (k35, s35), = values[("aig:approximateMemberCount", "35")]
    assert (k30, k35) == (0, 1)
    assert "30 members" in s30[0] and s30[0] in _texts("rotor-launch.txt")
    assert "35 members" in s35[0] and s35[0] in _texts("rotor-members.txt")
    # The class, stated by both, with each article's sentence.
    assert [k for k, _s in info["tby"]] == [0, 1]


def test_corpus_counts_follow_who_states_what() -> None:
    html = render_html(fictional_corpus())
    data = page_data(html)
    assert render_html(fictional_corpus()) == html  # same data, same bytes
    ids = {a: k for k, a in enumerate(sorted(FICTION["articles"], key=lambda a: FICTION["articles"][a][1]))}
    label = {eid: v[0] for eid, v in FICTION["entities"].items()}
    expected = {(label[s], label[o]): [ids[a] for a in who] for s, _p, o, who in FICTION["relations"]}
    labels = [n["label"] for n in data["nodes"]]
    got = {(labels[e["from"]], labels[e["to"]]): e["a"] for e in data["edges"]}
    assert got == expected
    for e, info in zip(data["edges"], data["edgeInfo"], strict=True):
        assert [k for k, _s in info["by"]] == e["a"]
        for k, sentences in info["by"]:
            aid = next(a for a, i in ids.items() if i == k)
            assert sentences and all(s.startswith(f"Article {aid} says") for s in sentences)
    assert [a["count"] for a in data["articles"]] == [3, 3, 2]


def test_one_article_pages_carry_no_corpus_data(built_html: bytes) -> None:
    data = page_data(built_html)
    assert "articles" not in data
    assert not any("a" in e for e in data["edges"]) and not any("a" in n for n in data["nodes"])
    assert not any("by" in i for i in data["edgeInfo"])
    assert not any("\u00d7" in e["label"] for e in data["edges"])


def test_view_command_draws_a_built_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["build", "--facts", str(CORPUS)]).exit_code == 0
    assert (tmp_path / "graphs" / "corpus.trig").exists()
    result = runner.invoke(cli, ["view", "--no-open"])  # the corpus built last
    assert result.exit_code == 0, result.output
    data = page_data((tmp_path / "graphs" / "corpus.html").read_bytes())
    assert len(data["articles"]) == 2 and data["title"] == "Knowledge graph of 2 articles"
    result = runner.invoke(cli, ["view", "--data", "graphs/corpus.trig", "-o", "c.html"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c.html").read_bytes() == (tmp_path / "graphs" / "corpus.html").read_bytes()


def test_very_long_labels_are_cut_where_drawn_and_whole_in_the_panel() -> None:
    from aigraph.view.styles import drawn_label

    word = "W" * 50_000
    relation = "http://example.org/" + "r" * 50_000
    quads = [
        ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(RDFS + "label"), ox.Literal(word)),
        ox.Quad(ox.NamedNode(EX + "b"), ox.NamedNode(RDFS + "label"), ox.Literal("short " + "x" * 200)),
        ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(relation), ox.NamedNode(EX + "b")),
    ]
    data = page_data(render_html(quads))
    a, b = data["nodes"]
    assert a["label"] == "W" * 59 + "\u2026" and data["nodeInfo"][0]["full"] == word
    assert b["label"] == "short " + "x" * 59 + "\u2026"
    assert len(data["edges"][0]["label"]) == 60 and len(data["edges"][0]["title"]) < 1000
    # Ordinary labels are left alone, long ones cut at 120 characters.
    assert drawn_label("Meta and IBM") == "Meta and IBM"
    sentence = " ".join(["word"] * 40)
    assert drawn_label(sentence).endswith("\u2026") and len(drawn_label(sentence)) <= 120


def test_view_of_a_file_bad_after_many_triples_names_the_line(tmp_path: Path) -> None:
    """The view folds straight from the parser's stream (issue 15): an error after thousands of
    good triples is still the strict reader's one line, and no page is written."""
    ex = "http://example.org/"
    lines = [f"<{ex}n{i}> <{ex}p> <{ex}n{i + 1}> .\n" for i in range(3000)]
    data = tmp_path / "g.nt"
    data.write_text("".join(lines) + f'<{ex}a> <{ex}b> "unterminated .\n', encoding="utf-8")
    out = tmp_path / "g.html"
    done = subprocess.run([sys.executable, "-m", "aigraph", "view", "--data", str(data), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stderr.startswith(f"aigraph: error: {data}:3001: not valid N-Triples"), done
    assert done.stderr.count("\n") == 1 and not out.exists()


@pytest.mark.parametrize("big", [False, True])
def test_nodes_and_edges_are_what_pyvis_would_add(big: bool) -> None:
    from aigraph.view.page import _add_edge, _add_node, _network

    ours, theirs = _network(big), _network(big)
    nodes = [
        (0, "Zanthor", "box", {"x": 1, "y": 2, "c": 0, "color": {"background": "#123456"}, "font": {"size": 17}}),
        (1, "", "dot", {"x": 3, "y": 4, "c": 1, "size": 9.0, "a": [0, 1]}),  # no label: pyvis shows the id
        (2, "Quillon", "dot", {"title": "Quillon\nCompany", "x": 5, "y": 6, "c": 1, "up": 1}),
    ]
    for n_id, label, shape, options in nodes:
        _add_node(ours, n_id, label, shape, dict(options))
        theirs.add_node(n_id, label=label, shape=shape, **dict(options))
    edges = [
        (0, 1, {"id": 0, "r": 0, "a": [0]}),
        (1, 2, {"id": 1, "r": 1, "arrows": {"to": {"enabled": True}}, "smooth": {"type": "curvedCW"}}),
        (2, 2, {"id": 2, "title": "loop", "label": "self", "width": 2.5}),
    ]
    for a, b, options in edges:
        _add_edge(ours, a, b, dict(options))
        theirs.add_edge(a, b, **dict(options))
    assert json.dumps(ours.get_network_data()[:2]) == json.dumps(theirs.get_network_data()[:2])
    assert ours.node_map == theirs.node_map and list(ours.node_ids) == list(theirs.node_ids)
