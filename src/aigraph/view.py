"""The interactive view: one self-contained, offline HTML page of a graph.

pyvis's ``Network`` (directed, so parallel edges survive) produces the vis.js
nodes, edges and options; the page around them is aigraph's own template in
``aigraph/templates``, because pyvis's links Bootstrap from a CDN and renders
any title containing ``href`` as raw HTML. vis-network's JavaScript and CSS
come from inside the pyvis package and are inlined, so the page loads nothing.

Every piece of text from the data travels as JSON inside a
``<script type="application/json">`` block and reaches the page through
``textContent``; a Content-Security-Policy forbids any network access.

>>> from aigraph.view import render_html
>>> html = render_html()                  # the built graph; same input -> same bytes
>>> html.startswith(b"<!DOCTYPE html>")
True
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .errors import AigraphError
from .namespaces import AIG, DCTERMS, OWL, RDF, RDFS, SCHEMA
from .ontology import Ontology

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np
    from pyvis.network import Network

DEFAULT_OUTPUT = "graphs/ai-alliance.html"

BIG_GRAPH = 2000
"""Above this many nodes the page says so, hides edge labels and labels appear on zoom."""

VIS_VERSION = "9.1.2"

# Shape and colour of the aigraph classes; other classes get the generic cycle below.
_AIG_CLASS_STYLE: dict[str, tuple[str, str]] = {
    "IndustryAlliance": ("box", "#3f37c9"),
    "Organization": ("box", "#1f6fb2"),
    "Company": ("box", "#0f7f74"),
    "GovernanceBody": ("diamond", "#8e44ad"),
    "GoverningBoard": ("diamond", "#8e44ad"),
    "TechnicalOversightCommittee": ("diamond", "#b03a8c"),
    "WorkingGroup": ("diamond", "#6c5ce7"),
    "AIModel": ("triangle", "#e8590c"),
    "AIPlatform": ("square", "#c77c02"),
    "FocusArea": ("dot", "#2b9348"),
    "Goal": ("dot", "#0b8fb3"),
    "Value": ("dot", "#d4a017"),
    "Stance": ("hexagon", "#d6336c"),
    "Sector": ("dot", "#7cb518"),
    "Challenge": ("star", "#d62828"),
    "Topic": ("dot", "#6c7a89"),
    "Article": ("square", "#495057"),
    "Sentence": ("dot", "#868e96"),
}

# Colour, dash pattern and width of the aigraph relations.
_AIG_RELATION_STYLE: dict[str, tuple[str, bool | list[int], float]] = {
    "memberOf": ("#1f6fb2", False, 2.0),
    "hasMember": ("#1f6fb2", [8, 4], 2.0),
    "foundingMemberOf": ("#3f37c9", False, 3.5),
    "hasFoundingMember": ("#3f37c9", [8, 4], 3.0),
    "collaboratesWith": ("#0f9d58", False, 3.0),
    "competesWith": ("#f76707", [10, 6], 2.5),
    "criticizes": ("#e03131", [4, 4], 2.0),
    "willEstablish": ("#8e44ad", [12, 4, 2, 4], 2.0),
    "released": ("#e8590c", False, 2.0),
    "offers": ("#c77c02", False, 2.0),
    "focusArea": ("#2b9348", False, 1.5),
    "aimsTo": ("#0b8fb3", False, 1.5),
    "emphasizes": ("#d4a017", False, 1.5),
    "advocates": ("#d6336c", False, 2.0),
    "opposes": ("#c92a2a", [3, 4], 2.0),
    "membershipSector": ("#7cb518", [6, 4], 1.5),
    "positionedAt": ("#6c7a89", [2, 4], 1.5),
    "faces": ("#d62828", [2, 3], 1.5),
}

_PALETTE = [
    "#1f77b4", "#e8590c", "#2b9348", "#d62828", "#8e44ad", "#8c564b",
    "#d6336c", "#5c677d", "#a4a000", "#0b8fb3", "#3f37c9", "#c77c02",
]  # fmt: skip
_SHAPES = ["dot", "diamond", "square", "triangle", "hexagon", "star", "triangleDown"]
_DASHES: list[bool | list[int]] = [False, [8, 5], [3, 4], [12, 4, 2, 4]]
_UNTYPED = ("dot", "#9aa5b1")

_TITLE_CLASSES = (AIG + "Article", SCHEMA + "NewsArticle", SCHEMA + "Article", OWL + "Ontology")
_TITLE_PROPS = (DCTERMS + "title", SCHEMA + "headline", SCHEMA + "name", RDFS + "label")


@dataclass(frozen=True)
class ViewResult:
    """What :func:`write_view` wrote."""

    path: str
    nodes: int
    edges: int
    seconds: float


def write_view(
    output: str | Path = DEFAULT_OUTPUT,
    *,
    data: Sequence[str | Path] | None = None,
    title: str | None = None,
    open_browser: bool = False,
) -> ViewResult:
    """Write the interactive HTML view of the built graph (or of ``data`` files).

    The file is written atomically (``-`` means stdout); with ``open_browser``
    it is opened in the default web browser.
    """
    from .dataset import load_quads
    from .rdfio import write_bytes

    start = time.perf_counter()
    quads = load_quads(list(data) if data else None)
    page = build_page(quads, title=title)
    write_bytes(output, page.html)
    if open_browser and str(output) != "-":
        import webbrowser

        webbrowser.open(Path(output).resolve().as_uri())
    return ViewResult(str(output), page.nodes, page.edges, time.perf_counter() - start)


@dataclass(frozen=True)
class Page:
    html: bytes
    nodes: int
    edges: int


def render_html(quads: Iterable[ox.Quad] | Iterable[ox.Triple] | None = None, *, title: str | None = None) -> bytes:
    """The HTML page of some RDF (default: the built graph), as bytes; same input, same bytes."""
    if quads is None:
        from .dataset import load_quads

        quads = load_quads()
    return build_page(quads, title=title).html


def build_page(quads: Iterable[ox.Quad] | Iterable[ox.Triple], *, title: str | None = None) -> Page:
    """Convert RDF to NetworkX, lay it out, fill a pyvis Network and render the page."""
    from .netx import to_networkx, vocabulary

    triples = [q.triple if isinstance(q, ox.Quad) else q for q in quads]
    vocab = vocabulary(triples)
    g = to_networkx(triples, ontology=vocab)
    heading = title if title is not None else page_title(triples)
    payload = page_data(g, vocab, title=heading)
    return Page(_render(payload, heading), g.number_of_nodes(), g.number_of_edges())


def page_title(triples: Iterable[ox.Triple]) -> str:
    """A heading from the data: the title of an article or ontology it describes."""
    typed: set[str] = set()
    titles: dict[str, dict[str, str]] = defaultdict(dict)
    for t in triples:
        if not isinstance(t.subject, ox.NamedNode):
            continue
        s, p = t.subject.value, t.predicate.value
        if p == RDF + "type" and isinstance(t.object, ox.NamedNode) and t.object.value in _TITLE_CLASSES:
            typed.add(s)
        elif p in _TITLE_PROPS and isinstance(t.object, ox.Literal):
            titles[s].setdefault(p, t.object.value)
    for s in sorted(typed):
        for p in _TITLE_PROPS:
            if p in titles[s]:
                return " ".join(titles[s][p].split())
    return "Knowledge graph"


# ----------------------------------------------------------------------------- styles


def _family(cls: str, vocab: Ontology) -> str:
    """The most general declared class above ``cls`` (its family shares a shape)."""
    family = cls
    for a in vocab.ancestors(cls):
        term = vocab.terms.get(a)
        if term is not None and term.kind == "class":
            family = a
    return family


def _class_styles(g: nx.MultiDiGraph, vocab: Ontology) -> dict[str, dict[str, Any]]:
    counts = Counter(d.get("class", "") for _, d in g.nodes(data=True))
    styles: dict[str, dict[str, Any]] = {}
    generic = sorted(
        (c for c in counts if c and not (c.startswith(AIG) and c[len(AIG) :] in _AIG_CLASS_STYLE)),
        key=lambda c: (-counts[c], c),
    )
    family_shape: dict[str, str] = {}
    for i, cls in enumerate(generic):
        fam = _family(cls, vocab)
        if fam not in family_shape:
            family_shape[fam] = _SHAPES[len(family_shape) % len(_SHAPES)]
        colour = _PALETTE[i % len(_PALETTE)]
        # Cycle shapes as well once colours repeat, so every class stays distinct.
        shape = family_shape[fam] if i < len(_PALETTE) else _SHAPES[(i // len(_PALETTE)) % len(_SHAPES)]
        styles[cls] = {"shape": shape, "color": colour}
    for cls in counts:
        if cls.startswith(AIG) and cls[len(AIG) :] in _AIG_CLASS_STYLE:
            shape, colour = _AIG_CLASS_STYLE[cls[len(AIG) :]]
            styles[cls] = {"shape": shape, "color": colour}
    if "" in counts:
        styles[""] = {"shape": _UNTYPED[0], "color": _UNTYPED[1]}
    for cls, style in styles.items():
        style["count"] = counts[cls]
        style["family"] = _family(cls, vocab) if cls else ""
    return styles


def _relation_styles(g: nx.MultiDiGraph, vocab: Ontology) -> dict[str, dict[str, Any]]:
    counts = Counter(d["predicate"] for _, _, d in g.edges(data=True))
    styles: dict[str, dict[str, Any]] = {}
    generic = sorted(
        (p for p in counts if not (p.startswith(AIG) and p[len(AIG) :] in _AIG_RELATION_STYLE)),
        key=lambda p: (-counts[p], p),
    )
    for i, pred in enumerate(generic):
        colour = _PALETTE[i % len(_PALETTE)]
        dashes = _DASHES[(i // len(_PALETTE)) % len(_DASHES)]
        styles[pred] = {"color": colour, "dashes": dashes, "width": 1.5}
    for pred in counts:
        if pred.startswith(AIG) and pred[len(AIG) :] in _AIG_RELATION_STYLE:
            colour, dashes, width = _AIG_RELATION_STYLE[pred[len(AIG) :]]
            styles[pred] = {"color": colour, "dashes": dashes, "width": width}
    for pred, style in styles.items():
        term = vocab.terms.get(pred)
        style["count"] = counts[pred]
        style["symmetric"] = bool(term and "Symmetric" in term.characteristics)
    return styles


@cache
def _lighten(colour: str, amount: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    r, g, b = (round(c + (255 - c) * amount) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


# ----------------------------------------------------------------------------- page data


class _IdList(list[Any]):
    """pyvis keeps node ids in a list and scans it for every node and edge added
    (quadratic on big graphs); this list answers ``in`` from a set."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[Any] = set()

    def append(self, item: Any) -> None:
        self._seen.add(item)
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self._seen


def _network(big: bool) -> Network:
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="local")
    net.node_ids = _IdList()
    net.options = _options(big)  # a plain dict: pyvis's set_options() strips spaces from strings
    return net


_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"


def _options(big: bool) -> dict[str, Any]:
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "interaction": {
            "hover": True,
            "tooltipDelay": 80,
            "navigationButtons": True,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "multiselect": False,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "zoomSpeed": 0.7,
        },
        "nodes": {
            "borderWidth": 1.5,
            "borderWidthSelected": 3,
            "font": {"face": _FONT, "size": 14, "color": "#1f2933", "strokeWidth": 4, "strokeColor": "#ffffff"},
            "widthConstraint": {"maximum": 180},
            "scaling": {"label": {"drawThreshold": 9 if big else 4}},
            "shapeProperties": {"borderRadius": 6},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.55}},
            "arrowStrikethrough": False,
            "font": {
                "face": _FONT,
                "size": 11,
                "color": "#3e4c59",
                "strokeWidth": 4,
                "strokeColor": "#ffffff",
                "align": "middle",
                "background": "rgba(255,255,255,0.85)",
            },
            "hoverWidth": 1.5,
            "selectionWidth": 2,
            "smooth": False,
            "scaling": {"label": {"drawThreshold": 7}},
        },
    }


def _blank_labels(g: nx.MultiDiGraph) -> dict[str, str]:
    """Stable labels for blank nodes without one (their parsed ids are random)."""
    from .netx import local_name

    out: dict[str, str] = {}
    for n, d in g.nodes(data=True):
        if n.startswith("_:") and d.get("label") == local_name(n):
            out[n] = f"blank node {len(out) + 1}"
    return out


def _short_iri(iri: str) -> str:
    from .netx import short

    return short(iri)


def page_data(g: nx.MultiDiGraph, vocab: Ontology, *, title: str) -> dict[str, Any]:
    """Everything the page shows, as JSON-ready data (vis nodes and edges come from pyvis)."""
    n_nodes = g.number_of_nodes()
    big = n_nodes > BIG_GRAPH
    index = {n: i for i, n in enumerate(g)}
    blanks = _blank_labels(g)
    class_styles = _class_styles(g, vocab)
    relation_styles = _relation_styles(g, vocab)
    degree = dict(g.degree())
    weight: Counter[str] = Counter()
    for n, d in g.nodes(data=True):
        weight[class_styles[d.get("class", "")]["family"]] += degree[n] + 1
    # The legend lists the most connected family of classes first (the actors).
    class_order = sorted(
        class_styles,
        key=lambda c: (c == "", -weight[class_styles[c]["family"]], class_styles[c]["family"], _cls_label(c, vocab)),
    )
    class_index = {c: i for i, c in enumerate(class_order)}
    rel_order = sorted(relation_styles, key=lambda p: (_rel_label(g, p, vocab).lower(), p))
    rel_index = {p: i for i, p in enumerate(rel_order)}
    positions = layout(
        g, boxes=None if big else [_label_box(d, degree[n], class_styles) for n, d in g.nodes(data=True)]
    )
    leaves = _leaves(g)

    net = _network(big)
    node_info: list[dict[str, Any]] = []
    for n, d in g.nodes(data=True):
        i = index[n]
        label = blanks.get(n, d.get("label") or n)
        cls = d.get("class", "")
        style = class_styles[cls]
        cls_label = _cls_label(cls, vocab)
        colour = style["color"]
        deg = degree.get(n, 0)
        options: dict[str, Any] = {
            "title": f"{label}\n{cls_label}" + ("" if big else "\nClick for its facts and sentences"),
            "x": positions[i][0],
            "y": positions[i][1],
            "c": class_index[cls],
        }
        if style["shape"] == "box":
            options["color"] = {
                "background": colour,
                "border": _darken(colour),
                "highlight": {"background": _lighten(colour, 0.15), "border": "#111111"},
                "hover": {"background": _lighten(colour, 0.15), "border": "#111111"},
            }
            options["font"] = {
                "color": "#ffffff",
                "strokeWidth": 0,
                "size": 15 + min(7, deg // 4),
                "bold": {"color": "#ffffff"},
            }
            options["margin"] = 10
            options["widthConstraint"] = {"maximum": 220}
        else:
            options["color"] = {
                "background": colour,
                "border": _darken(colour),
                "highlight": {"background": _lighten(colour, 0.3), "border": "#111111"},
                "hover": {"background": _lighten(colour, 0.3), "border": "#111111"},
            }
            options["size"] = round(min(30.0, 9 + 3 * math.sqrt(deg)) * (0.6 if big else 1.0), 1)
        net.add_node(i, label=label, shape=style["shape"], **options)
        node_info.append(_node_info(n, d, label, cls_label, vocab))

    edge_info: list[dict[str, Any]] = []
    curves = _curves(g, index)
    for j, (s, o, _key, d) in enumerate(g.edges(keys=True, data=True)):
        pred = d["predicate"]
        rs = relation_styles[pred]
        s_label = blanks.get(s, g.nodes[s].get("label") or s)
        o_label = blanks.get(o, g.nodes[o].get("label") or o)
        rel = d.get("label") or _short_iri(pred)
        evidence = list(d.get("evidence") or [])
        tooltip = f"{s_label} \u2014 {rel} \u2192 {o_label}\n\n" + (
            "\n\n".join(f"\u201c{e}\u201d" for e in evidence) if evidence else "(no evidence sentence recorded)"
        )
        edge: dict[str, Any] = {
            "id": j,
            "title": tooltip,
            "color": {"color": rs["color"], "highlight": _darken(rs["color"]), "hover": _darken(rs["color"])},
            "dashes": rs["dashes"],
            "width": rs["width"],
            "r": rel_index[pred],
        }
        if not big:
            edge["label"] = rel
            if s in leaves or o in leaves:
                # Spokes to leaves are many and short: their labels wait until one zooms in.
                edge["scaling"] = {"label": {"drawThreshold": 12}}
        if rs["symmetric"]:
            edge["arrows"] = {"to": {"enabled": True}, "from": {"enabled": True, "scaleFactor": 0.55}}
        curve = curves.get(j)
        if curve:
            edge["smooth"] = {"enabled": True, "type": curve[0], "roundness": curve[1]}
        net.add_edge(index[s], index[o], **edge)
        edge_info.append(
            {
                "p": pred,
                "pl": _short_iri(pred),
                "ev": evidence,
                "q": list(d.get("quotes") or []),
                "src": d.get("source") or "",
            }
        )

    vis_nodes, vis_edges, _heading, _h, _w, options_json = net.get_network_data()
    classes = [
        {
            "iri": c,
            "label": _cls_label(c, vocab),
            "short": _short_iri(c) if c else "",
            "comment": _comment(c, vocab),
            "shape": class_styles[c]["shape"],
            "color": class_styles[c]["color"],
            "count": class_styles[c]["count"],
        }
        for c in class_order
    ]
    relations = [
        {
            "iri": p,
            "label": _rel_label(g, p, vocab),
            "short": _short_iri(p),
            "comment": _comment(p, vocab),
            "color": relation_styles[p]["color"],
            "dashes": relation_styles[p]["dashes"],
            "width": relation_styles[p]["width"],
            "symmetric": relation_styles[p]["symmetric"],
            "count": relation_styles[p]["count"],
        }
        for p in rel_order
    ]
    return {
        "title": title,
        "big": big,
        "threshold": BIG_GRAPH,
        "vis": VIS_VERSION,
        "classes": classes,
        "relations": relations,
        "nodes": vis_nodes,
        "edges": vis_edges,
        "nodeInfo": node_info,
        "edgeInfo": edge_info,
        "options": json.loads(options_json),
    }


@cache
def _darken(colour: str, amount: float = 0.25) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    r, g, b = (round(c * (1 - amount)) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


def _leaves(g: nx.MultiDiGraph) -> set[str]:
    """Nodes with exactly one neighbour, which has others."""
    simple = {n: {m for m in list(g.successors(n)) + list(g.predecessors(n)) if m != n} for n in g}
    return {n for n, ms in simple.items() if len(ms) == 1 and len(simple[next(iter(ms))]) > 1}


def _cls_label(cls: str, vocab: Ontology) -> str:
    from .netx import local_name

    if not cls:
        return "Untyped resource"
    term = vocab.terms.get(cls)
    if term and term.label and term.label != cls.rsplit("#", 1)[-1]:
        return term.label
    return local_name(cls)


def _rel_label(g: nx.MultiDiGraph, pred: str, vocab: Ontology) -> str:
    from .netx import local_name

    term = vocab.terms.get(pred)
    if term and term.label and term.label != pred.rsplit("#", 1)[-1]:
        return term.label
    return local_name(pred)


def _comment(iri: str, vocab: Ontology) -> str:
    term = vocab.terms.get(iri)
    return term.comment if term else ""


_NODE_KEYS = {"label", "class", "class_label", "types", "evidence", "value_evidence"}


def _node_info(n: str, d: dict[str, Any], label: str, cls_label: str, vocab: Ontology) -> dict[str, Any]:
    props = [[k, [str(x) for x in v] if isinstance(v, list) else [str(v)]] for k, v in d.items() if k not in _NODE_KEYS]
    value_ev = d.get("value_evidence") or {}
    return {
        "iri": "" if n.startswith("_:") else n,
        "cl": cls_label,
        "types": [_short_iri(t) for t in d.get("types", [])],
        "props": props,
        "ev": list(d.get("evidence") or []),
        "vev": [[k, list(v)] for k, v in value_ev.items()],
    }


def _curves(g: nx.MultiDiGraph, index: dict[str, int]) -> dict[int, tuple[str, float]]:
    """Bend parallel edges apart: the first of a pair of nodes stays straight."""
    groups: dict[tuple[int, int], list[tuple[int, bool]]] = defaultdict(list)
    for j, (s, o) in enumerate(g.edges()):
        a, b = index[s], index[o]
        if a == b:
            continue
        groups[(min(a, b), max(a, b))].append((j, a > b))
    out: dict[int, tuple[str, float]] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        for rank, (j, reverse) in enumerate(members):
            if rank == 0:
                continue
            side = 1 if rank % 2 else -1
            amount = round(0.18 * ((rank + 1) // 2), 2)
            clockwise = (side > 0) != reverse
            out[j] = ("curvedCW" if clockwise else "curvedCCW", amount)
    return out


# ----------------------------------------------------------------------------- layout


def _label_box(d: dict[str, Any], degree: int, class_styles: dict[str, dict[str, Any]]) -> tuple[float, float, float]:
    """Rough size of a node with its label, in pixels: (width, height, centre below the node)."""
    text = str(d.get("label", ""))
    if class_styles[d.get("class", "")]["shape"] == "box":
        per_char = 8.6 + min(7, degree // 4) * 0.55
        width = min(220.0, len(text) * per_char) + 20
        lines = max(1, math.ceil(len(text) * per_char / 220))
        return (width, lines * 19 + 20, 0.0)
    size = min(30.0, 9 + 3 * math.sqrt(degree))
    width = max(2 * size, min(180.0, len(text) * 7.4))
    lines = max(1, math.ceil(len(text) * 7.4 / 180))
    height = 2 * size + 4 + lines * 17
    return (width + 6, height + 4, height / 2 - size)


def layout(g: nx.MultiDiGraph, boxes: list[tuple[float, float, float]] | None = None) -> list[tuple[int, int]]:
    """Pixel positions for the nodes of ``g`` in order: deterministic, no physics needed.

    In each connected piece, nodes with a single neighbour (leaves) are set
    aside; the rest are placed by Fruchterman-Reingold forces started from a
    pivot-MDS embedding (repulsion only between near nodes on big pieces);
    then each hub's leaves fan out around it, grouped by class, away from its
    other links. Pieces are packed in rows, biggest first.
    """
    import numpy as np

    nodes = list(g)
    n = len(nodes)
    if n == 0:
        return []
    index = {v: i for i, v in enumerate(nodes)}
    pairs = sorted({(min(index[s], index[o]), max(index[s], index[o])) for s, o in g.edges() if s != o})
    adj: list[list[int]] = [[] for _ in range(n)]
    for a, b in pairs:
        adj[a].append(b)
        adj[b].append(a)
    keys = [
        (str(d.get("class", "")), str(d.get("label", "")).lower(), i) for i, (_, d) in enumerate(g.nodes(data=True))
    ]
    pieces = [(comp, _layout_piece(comp, adj, keys)) for comp in _components(adj)]
    pos = _pack(pieces, n)
    scale = 150.0 if n <= 150 else 120.0 if n <= BIG_GRAPH else 70.0
    pos = pos * scale
    if boxes is not None and n > 1:
        pos = _declutter(pos, np.array(boxes, dtype=float))
    pos -= (pos.min(axis=0) + pos.max(axis=0)) / 2
    return [(int(round(x)), int(round(y))) for x, y in pos.tolist()]


def _declutter(pos: np.ndarray, boxes: np.ndarray, rounds: int = 80) -> np.ndarray:
    """Push apart nodes whose label boxes overlap, a little at a time."""
    import numpy as np
    from scipy.spatial import cKDTree

    n = len(pos)
    half = boxes[:, :2] / 2
    reach = float(np.sqrt((boxes[:, :2] ** 2).sum(axis=1)).max())
    for _ in range(rounds):
        centre = pos + np.stack([np.zeros(n), boxes[:, 2]], axis=1)
        pairs = cKDTree(centre).query_pairs(reach, output_type="ndarray")
        if len(pairs) == 0:
            break
        a, b = pairs[:, 0], pairs[:, 1]
        gap = centre[b] - centre[a]
        over = half[a] + half[b] - np.abs(gap)
        hit = (over[:, 0] > 0) & (over[:, 1] > 0)
        if not hit.any():
            break
        a, b, gap, over = a[hit], b[hit], gap[hit], over[hit]
        # Separate along the axis that needs the smaller move.
        along_x = over[:, 0] < over[:, 1]
        sign = np.where(gap >= 0, 1.0, -1.0)
        sign[(gap == 0).all(axis=1)] = 1.0
        push = np.zeros_like(gap)
        push[along_x, 0] = (over[along_x, 0] / 2 + 1) * sign[along_x, 0]
        push[~along_x, 1] = (over[~along_x, 1] / 2 + 1) * sign[~along_x, 1]
        move = np.zeros_like(pos)
        for axis in (0, 1):
            move[:, axis] = np.bincount(b, push[:, axis], minlength=n) - np.bincount(a, push[:, axis], minlength=n)
        pos = pos + 0.5 * move
    return pos


def _components(adj: list[list[int]]) -> list[list[int]]:
    seen = [False] * len(adj)
    comps: list[list[int]] = []
    for start in range(len(adj)):
        if seen[start]:
            continue
        seen[start] = True
        comp, stack = [start], [start]
        while stack:
            v = stack.pop()
            for w in adj[v]:
                if not seen[w]:
                    seen[w] = True
                    comp.append(w)
                    stack.append(w)
        comps.append(sorted(comp))
    comps.sort(key=lambda c: (-len(c), c[0]))
    return comps


_LEAF_GAP = 0.6  # room along a ring for one leaf and its label
_RING_STEP = 0.55  # distance between rings of leaves
_FIRST_RING = 1.3


def _ring_radius(leaves: int, free_angle: float) -> float:
    """The outer ring of ``leaves`` fanned out over ``free_angle`` radians."""
    if leaves == 0:
        return 0.0
    rings = max(1, math.ceil(leaves * _LEAF_GAP / (free_angle * _FIRST_RING)))
    if rings > 4:
        # A disk of rings: area grows with the number of leaves.
        rings = max(1, math.ceil(math.sqrt(leaves * _LEAF_GAP * _RING_STEP * 2 * math.pi / free_angle) / _RING_STEP))
    return _FIRST_RING + (rings - 1) * _RING_STEP


def _layout_piece(comp: list[int], adj: list[list[int]], keys: list[tuple[str, str, int]]) -> np.ndarray:
    """Positions (edge length about 1) of one connected piece."""
    import numpy as np

    s = len(comp)
    if s == 1:
        return np.zeros((1, 2))
    if s == 2:
        return np.array([[0.0, 0.0], [1.2, 0.0]])
    local = {v: i for i, v in enumerate(comp)}
    nbrs = [[local[w] for w in adj[v]] for v in comp]
    degree = np.array([len(x) for x in nbrs], dtype=float)
    leaves_of: dict[int, list[int]] = defaultdict(list)
    for i in range(s):
        if degree[i] == 1 and degree[nbrs[i][0]] > 1:
            leaves_of[nbrs[i][0]].append(i)
    leaf_set = {i for ls in leaves_of.values() for i in ls}
    core = [i for i in range(s) if i not in leaf_set]
    reach = np.array([_ring_radius(len(leaves_of.get(i, [])), 1.6 * math.pi) for i in core])
    pos = np.zeros((s, 2))
    if len(core) == 2:
        pos[core[1]] = [1.0 + 0.6 * (reach[0] + reach[1]), 0.0]
    elif len(core) > 2:
        cidx = {v: k for k, v in enumerate(core)}
        edges = np.array([(cidx[i], cidx[j]) for i in core for j in nbrs[i] if j in cidx and cidx[j] > cidx[i]])
        cdeg = np.bincount(edges.ravel(), minlength=len(core)).astype(float)
        start = _pivot_mds(len(core), edges, cdeg)
        # A little deterministic spread so that nodes PMDS put on one spot can separate.
        k = np.arange(len(core))
        angle = k * 2.399963229728653
        start += 0.05 * np.sqrt(k + 1)[:, None] / math.sqrt(len(core)) * np.stack([np.cos(angle), np.sin(angle)], 1)
        c = len(core)
        iterations = 300 if c <= 200 else 150 if c <= 600 else 60 if c <= BIG_GRAPH else 30
        pos[core] = _forces(start, edges, reach, iterations, dense=c <= 600)
    for hub, leaves in leaves_of.items():
        leaves.sort(key=lambda i: keys[comp[i]])
        _fan(pos, hub, leaves, [j for j in nbrs[hub] if j not in leaf_set])
    return _landscape(pos)


def _fan(pos: np.ndarray, hub: int, leaves: list[int], linked: list[int]) -> None:
    """Place a hub's leaves on rings around it, in the widest gaps between its other links."""
    import numpy as np

    full = 2 * math.pi
    if linked:
        d = pos[linked] - pos[hub]
        angles = sorted(float(a) % full for a in np.arctan2(d[:, 1], d[:, 0]))
        gaps = []
        for k, a in enumerate(angles):
            b = angles[k + 1] if k + 1 < len(angles) else angles[0] + full
            margin = min(0.35, (b - a) / 4)
            gaps.append((a + margin, b - a - 2 * margin))
    else:
        gaps = [(-math.pi / 2, full)]
    usable = sum(g for _, g in gaps) or full
    if usable < 0.5:
        gaps, usable = [(-math.pi / 2, full)], full
    rings = max(1, math.ceil(len(leaves) * _LEAF_GAP / (usable * _FIRST_RING)))
    if rings <= 4:
        # Few rings: consecutive leaves alternate rings so neighbouring labels do not touch.
        slots = [(_FIRST_RING + (j % rings) * _RING_STEP, j) for j in range(len(leaves))]
        step = usable / len(leaves)
        where = [(r, (j + 0.5) * step) for r, j in slots]
    else:
        where = []
        r = _FIRST_RING
        ring = 0
        while len(where) < len(leaves):
            cap = max(1, int(usable * r / _LEAF_GAP))
            take = min(cap, len(leaves) - len(where))
            step = usable / take
            phase = 0.5 if ring % 2 else 0.0
            where.extend((r, (j + 0.25 + phase / 2) * step) for j in range(take))
            r += _RING_STEP
            ring += 1
    for leaf, (r, along) in zip(leaves, where, strict=True):
        for start, size in gaps:
            if along <= size or (start, size) == gaps[-1]:
                theta = start + min(along, size)
                break
            along -= size
        pos[leaf] = pos[hub] + r * np.array([math.cos(theta), math.sin(theta)])


def _pivot_mds(s: int, edges: np.ndarray, degree: np.ndarray) -> np.ndarray:
    """Brandes & Pich's pivot MDS: classical MDS on distances to a few far-apart nodes."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    m = csr_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(s, s))
    m = m + m.T
    count = min(s, 40)
    pivots = [int(np.argmax(degree))]
    dist = np.empty((count, s))
    mindist = np.full(s, np.inf)
    for i in range(count):
        dist[i] = shortest_path(m, directed=False, unweighted=True, indices=pivots[i])
        mindist = np.minimum(mindist, dist[i])
        if i + 1 < count:
            pivots.append(int(np.argmax(mindist)))
    d2 = dist.T**2  # s x count
    c = d2 - d2.mean(axis=0) - d2.mean(axis=1)[:, None] + d2.mean()
    c *= -0.5
    vals, vecs = np.linalg.eigh(c.T @ c)
    order = np.argsort(vals)[::-1][:2]
    vecs = vecs[:, order]
    # Fix each axis's sign so the output does not depend on the LAPACK build.
    signs = np.sign(vecs[np.argmax(np.abs(vecs), axis=0), np.arange(vecs.shape[1])])
    pos = c @ (vecs * signs)
    if pos.shape[1] < 2:
        pos = np.hstack([pos, np.zeros((s, 2 - pos.shape[1]))])
    # Scale so that the average edge is about one unit long, as the forces want,
    # but no denser than a node per unit square (dense starts are slow to untangle).
    lengths = np.sqrt(((pos[edges[:, 0]] - pos[edges[:, 1]]) ** 2).sum(axis=1))
    mean = float(lengths.mean()) if len(lengths) else 0.0
    span = float(np.abs(pos).max())
    if mean <= 1e-9 or span <= 1e-9:
        return pos
    return pos * max(1 / mean, math.sqrt(s) / span)


def _forces(pos: np.ndarray, edges: np.ndarray, reach: np.ndarray, iterations: int, *, dense: bool) -> np.ndarray:
    """Fruchterman-Reingold with cooling; nodes with leaves to fan out ask for more room."""
    import numpy as np

    s = len(pos)
    u, v = edges[:, 0], edges[:, 1]
    want = 1.0 + 0.6 * (reach[u] + reach[v])
    charge = 1.0 + reach
    temp = 0.5 + 0.05 * math.sqrt(s)  # the pivot-MDS start is good: refine, do not shake
    cool = temp / (iterations + 1)
    # Far nodes push too weakly to matter; ignoring them keeps big pieces fast.
    cutoff = min(6.0, 2.5 + float(reach.max(initial=0.0)))
    for _ in range(iterations):
        if dense:
            delta = pos[:, None, :] - pos[None, :, :]
            d2 = (delta**2).sum(axis=-1)
            np.fill_diagonal(d2, 1.0)
            np.maximum(d2, 1e-4, out=d2)
            disp = (delta * (np.outer(charge, charge) / d2)[:, :, None]).sum(axis=1)
        elif s <= BIG_GRAPH:
            disp = _near_push(pos, charge, cutoff)
        else:
            # Big pieces: exact pushes only between close nodes, the rest through a density grid.
            disp = _near_push(pos, charge, 1.0) + _mesh_push(pos)
        delta = pos[u] - pos[v]
        dist = np.sqrt(np.maximum((delta**2).sum(axis=1), 1e-9))
        f = delta * (dist / want**2)[:, None]
        for axis in (0, 1):
            disp[:, axis] += np.bincount(v, f[:, axis], minlength=s) - np.bincount(u, f[:, axis], minlength=s)
        length = np.sqrt(np.maximum((disp**2).sum(axis=1), 1e-12))
        pos = pos + disp * (np.minimum(length, temp) / length)[:, None]
        temp = max(temp - cool, 0.01)
    return pos


def _near_push(pos: np.ndarray, charge: np.ndarray, cutoff: float) -> np.ndarray:
    """Fruchterman-Reingold repulsion between the pairs of nodes closer than ``cutoff``."""
    import numpy as np
    from scipy.spatial import cKDTree

    s = len(pos)
    near = cKDTree(pos).query_pairs(cutoff, output_type="ndarray")
    a, b = near[:, 0], near[:, 1]
    delta = pos[a] - pos[b]
    d2 = np.maximum((delta**2).sum(axis=1), 1e-4)
    f = delta * (charge[a] * charge[b] / d2)[:, None]
    disp = np.zeros_like(pos)
    for axis in (0, 1):
        disp[:, axis] = np.bincount(a, f[:, axis], minlength=s) - np.bincount(b, f[:, axis], minlength=s)
    return disp


def _mesh_push(pos: np.ndarray, strength: float = 600.0, sigma: float = 1.5) -> np.ndarray:
    """Repulsion as the slope of the smoothed node density: linear time, for big pieces."""
    import numpy as np
    from scipy.ndimage import gaussian_filter

    lo = pos.min(axis=0) - 3 * sigma
    span = pos.max(axis=0) + 3 * sigma - lo
    cell = max(0.5, float(span.max()) / 512)
    shape = np.ceil(span / cell).astype(np.int64) + 1
    ij = ((pos - lo) / cell).astype(np.int64)
    density = np.bincount(ij[:, 0] * shape[1] + ij[:, 1], minlength=int(shape[0] * shape[1]))
    field = gaussian_filter(density.reshape(shape).astype(float), sigma=sigma / cell)
    gx, gy = np.gradient(field, cell)
    return -strength * np.stack([gx[ij[:, 0], ij[:, 1]], gy[ij[:, 0], ij[:, 1]]], axis=1)


def _landscape(pos: np.ndarray) -> np.ndarray:
    """Rotate a piece so that its long axis lies across (screens are wide)."""
    import numpy as np

    centred = pos - pos.mean(axis=0)
    _vals, vecs = np.linalg.eigh(centred.T @ centred)
    axis = vecs[:, 1] * (1 if vecs[np.argmax(np.abs(vecs[:, 1])), 1] >= 0 else -1)
    rot = np.array([[axis[0], axis[1]], [-axis[1], axis[0]]])
    return centred @ rot.T


def _pack(pieces: list[tuple[list[int], np.ndarray]], n: int) -> np.ndarray:
    """Place pieces in rows (biggest first) on a roughly square sheet."""
    import numpy as np

    out = np.zeros((n, 2))
    margin = 1.2
    boxes = []
    for comp, pos in pieces:
        lo = pos.min(axis=0)
        size = pos.max(axis=0) - lo
        boxes.append((comp, pos - lo, size + margin))
    area = sum(float(b[2][0] * b[2][1]) for b in boxes)
    width = max(max(float(b[2][0]) for b in boxes), math.sqrt(area) * 1.4)
    x = y = row_h = 0.0
    for comp, pos, size in boxes:
        if x > 0 and x + size[0] > width:
            x, y, row_h = 0.0, y + row_h, 0.0
        out[comp] = pos + np.array([x, y])
        x += float(size[0])
        row_h = max(row_h, float(size[1]))
    return out


# ----------------------------------------------------------------------------- HTML


def _template(name: str) -> str:
    return files("aigraph").joinpath("templates", name).read_text(encoding="utf-8")


def _vis_asset(name: str) -> str:
    ref = files("pyvis").joinpath("templates", "lib", f"vis-{VIS_VERSION}", name)
    try:
        text = ref.read_text(encoding="utf-8")
    except OSError as exc:  # pragma: no cover - a broken pyvis install
        raise AigraphError(f"pyvis does not ship vis-network {VIS_VERSION} ({name}): {exc}") from None
    end_tag = "</style" if name.endswith(".css") else "</script"
    if end_tag in text.lower() or "<!--" in text:
        raise AigraphError(f"vis-network's {name} cannot be inlined safely")
    return text


def json_for_script(value: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">`` (and as JS)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _escape_text(text: str) -> str:
    import html

    return html.escape(" ".join(text.split()), quote=True)


def _render(payload: dict[str, Any], title: str) -> bytes:
    parts = {
        "TITLE": _escape_text(title),
        "VIS_VERSION": VIS_VERSION,
        "VIS_CSS": _vis_asset("vis-network.css"),
        "VIEW_CSS": _template("view.css"),
        "VIS_JS": _vis_asset("vis-network.min.js"),
        "VIEW_JS": _template("view.js"),
        "DATA": json_for_script(payload),
    }
    # One pass over the template only: nothing substituted is scanned again.
    page = re.sub(r"@@([A-Z_]+)@@", lambda m: parts[m.group(1)], _template("view.html"))
    return page.encode("utf-8")
