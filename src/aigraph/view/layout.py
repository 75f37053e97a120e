"""Node positions for the view: deterministic, computed once, so the browser needs no physics.

numpy only (no scipy): ``import numpy`` is the one import a layout costs.

In each connected piece, nodes with a single neighbour (leaves) are set aside;
the rest are placed by Fruchterman-Reingold forces started from a pivot-MDS
embedding; then each hub's leaves fan out around it, grouped by class, away
from its other links. Pieces are packed in rows, biggest first. Up to
:data:`DENSE` core nodes, every pair of nodes repels; beyond, nodes are pushed
down the slope of a smoothed density grid and only close pairs (found through a
grid as well) repel exactly, so the work grows with nodes plus edges.

When the caller gives label boxes (pages small enough to show labels), each
hub's leaves sit on one to three rings, each leaf given the arc its label
needs, every spoke passing the leaves of inner rings with room to spare and
clear of the hub's other links; leaves above their hub get their label above
them, so no spoke crosses its own leaf's label. Then label boxes are pushed
apart, and nodes are pushed off the edges and relation labels that run through
them, so every edge keeps a stretch of its own to hover.

>>> positions(4, [(0, 1), (1, 2), (2, 3), (0, 3)], keys=[("", c, i) for i, c in enumerate("abcd")])
[(122, 0), (0, 122), (-122, 0), (0, -122)]
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

DENSE = 600
"""Pieces with at most this many core nodes get exact all-pairs repulsion."""

BIG_PIECE = 2000
"""Pieces with more core nodes get fewer pivots and iterations (a big page hides labels anyway)."""

CLEAR_WORK = 60_000
"""Nodes are pushed off edges when nodes x edge pieces stay under this (small pages: the
seed graph is about 5,000; a dense 160-node graph of 2,000 edges took 17 s at 400,000)."""

CROWD = 32
"""Repulsion and label parting look at most about this many nodes of each grid cell near a
node: a cell holds a handful on a sane layout, but a chain tied to one hub (an RDF list
nested 10,000 deep, all its tails on rdf:nil) piles thousands on a few spots."""

Edge = tuple[int, int, float, float]
"""``(from, to, bend, label width in pixels)``: ``bend`` > 0 for vis-network's curvedCW of that
roundness, < 0 for curvedCCW, 0 for a straight edge."""


@dataclass(frozen=True)
class Placement:
    """Pixel positions, and which nodes have their label drawn above them instead of below."""

    xy: list[tuple[int, int]]
    above: list[bool]


def positions(
    n: int,
    pairs: Sequence[tuple[int, int]] | np.ndarray,
    keys: Sequence[tuple[str, str, int]],
    *,
    boxes: Sequence[tuple[float, float, float]] | None = None,
    big: bool = False,
    edges: Sequence[Edge] | None = None,
) -> list[tuple[int, int]]:
    """Pixel positions of nodes ``0..n-1`` joined by ``pairs`` (see :func:`place`)."""
    return place(n, pairs, keys, boxes=boxes, big=big, edges=edges).xy


def place(
    n: int,
    pairs: Sequence[tuple[int, int]] | np.ndarray,
    keys: Sequence[tuple[str, str, int]],
    *,
    boxes: Sequence[tuple[float, float, float]] | None = None,
    big: bool = False,
    edges: Sequence[Edge] | None = None,
) -> Placement:
    """Positions of nodes ``0..n-1`` joined by ``pairs``, and whose labels go above.

    ``pairs`` are distinct ``(a, b)`` with ``a < b`` (no loops), sorted;
    ``keys`` order each hub's leaves (class, label, index); ``boxes`` are label
    boxes in pixels ``(width, height, centre below the node)`` to keep apart
    (and, on pages that are not ``big``, to fan leaves by); ``edges`` are the
    drawn edges (:data:`Edge`), for curved links and relation labels to keep
    clear of; ``big`` packs nodes closer, for pages that draw thousands of them.
    """
    import numpy as np

    if n == 0:
        return Placement([], [])
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    graph = _Graph(n, pairs)
    scale = 150.0 if n <= 150 else 70.0 if big else 120.0
    box = None if boxes is None else np.array(boxes, dtype=float).reshape(n, 3)
    exact = box is not None and not big and int((graph.degree == 1).sum()) <= EXACT_LEAVES
    rings = _Rings(box / scale, edges) if exact and box is not None else None
    above = np.zeros(n, dtype=bool)
    pieces = [(comp, _layout_piece(graph, k, keys, rings, above)) for k, comp in enumerate(graph.comps)]
    pos = _pack(pieces, n)
    pos = pos * scale
    if box is not None and n > 1:
        box[above, 2] = -box[above, 2]
        pos = _declutter(pos, box)
        if rings is not None and edges:
            pos = _clear_edges(pos, box, edges)
    pos -= (pos.min(axis=0) + pos.max(axis=0)) / 2
    xy = np.round(pos).astype(np.int64)
    _unlevel(xy, pairs)
    return Placement([(int(x), int(y)) for x, y in xy.tolist()], above.tolist())


def _unlevel(xy: np.ndarray, pairs: np.ndarray) -> None:
    """No two linked nodes at exactly one height: vis-network 9.1.2 draws the label of an edge
    pointing exactly right to left at the canvas origin (its label rotation is then 0, and a
    0 rotation skips the move to the edge's middle)."""
    import numpy as np

    for _ in range(8):
        level = xy[pairs[:, 0], 1] == xy[pairs[:, 1], 1]
        if not level.any():
            return
        xy[np.unique(pairs[level, 1]), 1] += 1


class _Graph:
    """Neighbour lists (ascending), connected pieces (biggest first) and each piece's pairs."""

    def __init__(self, n: int, pairs: np.ndarray) -> None:
        import numpy as np

        src = np.concatenate([pairs[:, 0], pairs[:, 1]])
        dst = np.concatenate([pairs[:, 1], pairs[:, 0]])
        order = np.lexsort((dst, src))
        ends = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))]).tolist()
        flat = dst[order].tolist()
        self.adj: list[list[int]] = [flat[ends[i] : ends[i + 1]] for i in range(n)]
        self.degree = np.diff(np.array(ends))
        self.comps = _components(self.adj)
        piece = np.empty(n, dtype=np.int64)
        for k, comp in enumerate(self.comps):
            piece[comp] = k
        # Pairs grouped by piece, still sorted within each.
        by_piece = np.argsort(piece[pairs[:, 0]], kind="stable")
        self.pairs = pairs[by_piece]
        self.bounds = np.searchsorted(piece[self.pairs[:, 0]], np.arange(len(self.comps) + 1)).tolist()
        self.where = np.full(n, -1, dtype=np.int64)  # scratch: a node's index in the piece at hand


def _declutter(pos: np.ndarray, boxes: np.ndarray, rounds: int = 80) -> np.ndarray:
    """Push apart nodes whose label boxes overlap, a little at a time."""
    import numpy as np

    n = len(pos)
    half = boxes[:, :2] / 2
    reach = float(np.sqrt((boxes[:, :2] ** 2).sum(axis=1)).max())
    for _ in range(rounds):
        centre = pos + np.stack([np.zeros(n), boxes[:, 2]], axis=1)
        a, b = close_pairs(centre, reach, CROWD)
        if len(a) == 0:
            break
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


def _clear_edges(pos: np.ndarray, boxes: np.ndarray, edges: Sequence[Edge], rounds: int = 40) -> np.ndarray:
    """Push label boxes off the edges and relation labels that run through them.

    Each edge is its straight line or vis-network's quadratic curve in a few pieces, plus
    its label: a thicker piece along its middle. A box an edge crosses moves off it across
    the edge; when the box is a node with other links and the edge ends at a leaf, the leaf
    moves instead (the spoke swings away). A node still caught after a few rounds moves to
    the nearby spot where the fewest edges, boxes and labels meet it and its own edges.
    Boxes pushed into each other are parted again.
    """
    import numpy as np

    n = len(pos)
    keep = [e for e in edges if e[0] != e[1]]
    ends = np.array([(a, b) for a, b, _, _ in keep], dtype=np.int64).reshape(-1, 2)
    if len(ends) == 0:
        return pos
    bend = np.array([e[2] for e in keep], dtype=float)
    label = np.array([e[3] for e in keep], dtype=float)
    count = np.where(bend != 0, 6, 1)
    if n * int(count.sum() + len(ends)) > CLEAR_WORK:
        return pos
    degree = np.bincount(ends.ravel(), minlength=n)
    edge_of = np.repeat(np.arange(len(ends)), count)
    t0 = np.concatenate([np.arange(k) / k for k in count.tolist()])
    t1 = np.concatenate([np.arange(1, k + 1) / k for k in count.tolist()])
    has = label > 0
    half = boxes[:, :2] / 2

    def pieces(pos: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every edge's pieces, then its label's: ends a and b, half thickness, edge index."""
        p_from, p_to = pos[ends[:, 0]], pos[ends[:, 1]]
        via = _via_array(p_from, p_to, bend)
        a = _bezier(p_from[edge_of], via[edge_of], p_to[edge_of], t0)
        b = _bezier(p_from[edge_of], via[edge_of], p_to[edge_of], t1)
        # Relation labels lie along the middle of their edge.
        mid = _bezier(p_from, via, p_to, np.full(len(ends), 0.5))
        direction = p_to - p_from
        norm = np.maximum(np.sqrt((direction**2).sum(axis=1)), 1e-9)[:, None]
        reach = (label[has, None] / 2 + 4) * direction[has] / norm[has]
        return (
            np.concatenate([a, mid[has] - reach]),
            np.concatenate([b, mid[has] + reach]),
            np.concatenate([np.full(len(a), 5.0), np.full(int(has.sum()), 10.0)]),
            np.concatenate([edge_of, np.flatnonzero(has)]),
        )

    stuck = np.zeros(n, dtype=np.int64)
    relocations = 2 * n + 10  # each scans every spot near the node: keep their number bounded
    for _ in range(rounds):
        a, b, thick, owner = pieces(pos)
        centre = pos + np.stack([np.zeros(n), boxes[:, 2]], axis=1)
        across, reach_n, hit = _box_hits(centre, half, a, b, thick)
        own = ends[owner]
        hit &= (np.arange(n)[:, None] != own[None, :, 0]) & (np.arange(n)[:, None] != own[None, :, 1])
        swing_label = _label_swings(
            a[owner.size - int(has.sum()) :], b[owner.size - int(has.sum()) :], ends[has], degree, pos
        )
        if not hit.any() and swing_label is None:
            break
        node, piece = np.nonzero(hit)
        stuck[:] = np.where(np.bincount(node, minlength=n) > 0, stuck + 1, 0)
        for v in np.flatnonzero(stuck >= 6).tolist()[: max(relocations, 0)]:
            pos[v] = _relocate(v, pos, boxes, ends, a, b, thick, own)
            stuck[v] = 0
            relocations -= 1
        keep_hits = stuck[node] > 0
        node, piece = node[keep_hits], piece[keep_hits]
        depth = reach_n[node, piece] - np.abs(across[node, piece]) + 2
        sign = np.where(across[node, piece] >= 0, 1.0, -1.0)
        seg = b[piece] - a[piece]
        seg /= np.maximum(np.sqrt((seg**2).sum(axis=1)), 1e-9)[:, None]
        push = (depth * sign)[:, None] * np.stack([-seg[:, 1], seg[:, 0]], axis=1)
        # A hub stays; the leaf at the end of the edge crossing it swings away instead.
        e_from, e_to = own[piece, 0], own[piece, 1]
        leaf_end = np.where(degree[e_to] == 1, e_to, np.where(degree[e_from] == 1, e_from, -1))
        swing = (degree[node] > 1) & (leaf_end >= 0)
        mover = np.where(swing, leaf_end, node)
        push[swing] = -push[swing]
        move = np.zeros_like(pos)
        for axis in (0, 1):
            move[:, axis] = np.bincount(mover, push[:, axis], minlength=n)
        moved = np.maximum(np.bincount(mover, minlength=n), 1)[:, None]
        if swing_label is not None:
            leaf, shove = swing_label
            for axis in (0, 1):
                move[:, axis] += np.bincount(leaf, shove[:, axis], minlength=n)
        pos = pos + 0.7 * move / moved
        pos = _declutter(pos, boxes, rounds=4)
    return pos


def _box_hits(
    centre: np.ndarray, half: np.ndarray, a: np.ndarray, b: np.ndarray, thick: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For boxes (centres, half sizes) x pieces a-b of half thickness ``thick``: each box's
    signed distance across the piece, how far it may come, and whether they meet."""
    import numpy as np

    seg = b - a
    length = np.maximum(np.sqrt((seg**2).sum(axis=1)), 1e-9)
    u = seg / length[:, None]
    nrm = np.stack([-u[:, 1], u[:, 0]], axis=1)
    rel = centre[:, None, :] - a[None, :, :]
    across = (rel * nrm[None]).sum(axis=-1)
    along = (rel * u[None]).sum(axis=-1)
    reach_n = half[:, 0:1] * np.abs(nrm[None, :, 0]) + half[:, 1:2] * np.abs(nrm[None, :, 1]) + thick[None]
    reach_u = half[:, 0:1] * np.abs(u[None, :, 0]) + half[:, 1:2] * np.abs(u[None, :, 1])
    hit = (np.abs(across) < reach_n) & (along > -reach_u) & (along < length[None] + reach_u)
    return across, reach_n, hit


def _relocate(
    v: int,
    pos: np.ndarray,
    boxes: np.ndarray,
    ends: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    thick: np.ndarray,
    own: np.ndarray,
) -> np.ndarray:
    """The spot near node ``v`` where its box meets the fewest edges, labels and boxes, and its
    own edges the fewest boxes, and run along no other edge from their far end."""
    import numpy as np

    n = len(pos)
    half = boxes[:, :2] / 2
    size = float(max(boxes[v, 0], boxes[v, 1]))
    angles = np.arange(16) * (math.pi / 8)
    radii = np.array([0.0, 0.6, 1.0, 1.5, 2.2, 3.0]) * size
    cand = pos[v] + (radii[:, None, None] * np.stack([np.cos(angles), np.sin(angles)], axis=1)[None]).reshape(-1, 2)
    cand = np.unique(np.round(cand, 6), axis=0)
    k = len(cand)
    centre = cand + np.array([0.0, boxes[v, 2]])
    mine = (own[:, 0] == v) | (own[:, 1] == v)
    _across, _reach, hit = _box_hits(centre, np.repeat(half[v : v + 1], k, axis=0), a[~mine], b[~mine], thick[~mine])
    cost = hit.sum(axis=1).astype(float)
    # Its box against the others.
    others = np.flatnonzero(np.arange(n) != v)
    oc = pos[others] + np.stack([np.zeros(len(others)), boxes[others, 2]], axis=1)
    gap = np.abs(centre[:, None, :] - oc[None])
    cost += ((gap[..., 0] < half[v, 0] + half[others, 0]) & (gap[..., 1] < half[v, 1] + half[others, 1])).sum(axis=1)
    # Its own edges, straight from each spot, against the other boxes and the other edges at their far end.
    ocentre = pos + np.stack([np.zeros(n), boxes[:, 2]], axis=1)
    for u in np.unique(np.concatenate([ends[ends[:, 0] == v, 1], ends[ends[:, 1] == v, 0]])).tolist():
        line_a = np.repeat(pos[u : u + 1], k, axis=0)
        _x, _r, crossed = _box_hits(ocentre, half, line_a, cand, np.full(k, 4.0))
        crossed[[v, u]] = False
        cost += crossed.sum(axis=0)
        at_u = (~mine) & ((own[:, 0] == u) | (own[:, 1] == u))
        if at_u.any():
            # The piece of each other edge at u that starts there.
            start = np.where(
                np.linalg.norm(a[at_u] - pos[u], axis=1)[:, None] < 1e-6, b[at_u] - pos[u], a[at_u] - pos[u]
            )
            mine_dir = cand - pos[u]
            cos = np.einsum("ik,jk->ij", mine_dir, start) / np.maximum(
                np.linalg.norm(mine_dir, axis=1)[:, None] * np.linalg.norm(start, axis=1)[None], 1e-9
            )
            cost += (cos > math.cos(0.2)).sum(axis=1)
    cost = cost * 1000 + np.linalg.norm(cand - pos[v], axis=1)
    best: np.ndarray = cand[int(np.argmin(cost))]
    return best


_LABEL_HALF = 8.0  # half the height of a relation label, and a little room, in pixels


def _label_swings(
    a: np.ndarray, b: np.ndarray, ends: np.ndarray, degree: np.ndarray, pos: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """Relation labels (pieces ``a``-``b`` along their edges) that overlap: the leaf at the end
    of one edge of each such pair swings it away (moves across it), or None if none overlap."""
    import numpy as np

    count = len(a)
    if count < 2 or count > 600:
        return None
    i, j = np.triu_indices(count, 1)
    gap = _segment_gap(a[i], b[i], a[j], b[j])
    close = gap < 2 * _LABEL_HALF
    if not close.any():
        return None
    i, j, gap = i[close], j[close], gap[close]

    def swing(me: np.ndarray, other: np.ndarray, gap: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        e_from, e_to = ends[me, 0], ends[me, 1]
        # A leaf end swings; failing that, the end with fewer links (if it has few).
        fewer = np.where(degree[e_to] <= degree[e_from], e_to, e_from)
        leaf = np.where(degree[e_to] == 1, e_to, np.where(degree[e_from] == 1, e_from, -1))
        if not first:
            leaf = np.where((leaf < 0) & (degree[fewer] <= 3), fewer, leaf)
        hub = np.where(leaf == e_to, e_from, e_to)
        direction = pos[np.maximum(leaf, 0)] - pos[hub]
        norm = np.maximum(np.sqrt((direction**2).sum(axis=1)), 1e-9)[:, None]
        across = np.stack([-direction[:, 1], direction[:, 0]], axis=1) / norm
        away = (a[me] + b[me] - a[other] - b[other]) / 2
        sign = np.where((away * across).sum(axis=1) >= 0, 1.0, -1.0)
        # The label sits half way along: the leaf moves twice as far as the label must.
        shove = (2 * (2 * _LABEL_HALF - gap) + 2)[:, None] * sign[:, None] * across
        return leaf, shove, leaf >= 0

    first = True
    leaf, shove, ok = swing(j, i, gap)
    # Where that edge has no leaf to swing, the other one's swings (or its end with fewer links).
    first = False
    leaf2, shove2, ok2 = swing(i[~ok], j[~ok], gap[~ok])
    leaves = np.concatenate([leaf[ok], leaf2[ok2]])
    shoves = np.concatenate([shove[ok], shove2[ok2]])
    if len(leaves) == 0:
        return None
    return leaves, shoves


def _segment_gap(p1: np.ndarray, q1: np.ndarray, p2: np.ndarray, q2: np.ndarray) -> np.ndarray:
    """The distance between segments p1-q1 and p2-q2, pair by pair (0 where they cross)."""
    import numpy as np

    def to_segment(x: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
        d = q - p
        t = np.clip(((x - p) * d).sum(axis=1) / np.maximum((d * d).sum(axis=1), 1e-12), 0.0, 1.0)
        out: np.ndarray = np.sqrt(((p + t[:, None] * d - x) ** 2).sum(axis=1))
        return out

    def side(p: np.ndarray, q: np.ndarray, x: np.ndarray) -> np.ndarray:
        out: np.ndarray = np.sign((q[:, 0] - p[:, 0]) * (x[:, 1] - p[:, 1]) - (q[:, 1] - p[:, 1]) * (x[:, 0] - p[:, 0]))
        return out

    crossing = (side(p1, q1, p2) * side(p1, q1, q2) < 0) & (side(p2, q2, p1) * side(p2, q2, q1) < 0)
    gap = np.minimum(
        np.minimum(to_segment(p1, p2, q2), to_segment(q1, p2, q2)),
        np.minimum(to_segment(p2, p1, q1), to_segment(q2, p1, q1)),
    )
    result: np.ndarray = np.where(crossing, 0.0, gap)
    return result


def _via_array(p: np.ndarray, q: np.ndarray, bend: np.ndarray) -> np.ndarray:
    """:func:`_via` for many edges; a straight edge's control point is its middle."""
    import numpy as np

    r = np.abs(bend)
    f = 0.5 * r + 0.5
    dx, dy = q[:, 0] - p[:, 0], p[:, 1] - q[:, 1]
    length = np.sqrt(dx * dx + dy * dy)
    g = np.arctan2(dy, dx) + np.where(bend > 0, f, 0.5 - 0.5 * r) * math.pi
    via = np.stack([p[:, 0] + f * length * np.sin(g), p[:, 1] + f * length * np.cos(g)], axis=1)
    return np.where((bend == 0)[:, None], (p + q) / 2, via)


def _bezier(p: np.ndarray, via: np.ndarray, q: np.ndarray, t: np.ndarray) -> np.ndarray:
    t = t[:, None]
    out: np.ndarray = (1 - t) ** 2 * p + 2 * t * (1 - t) * via + t**2 * q
    return out


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


def _layout_piece(
    graph: _Graph, k: int, keys: Sequence[tuple[str, str, int]], rings: _Rings | None, above: np.ndarray
) -> np.ndarray:
    """Positions (edge length about 1) of one connected piece; ``above`` marks leaves fanned above their hub."""
    import numpy as np

    comp = graph.comps[k]
    s = len(comp)
    if s == 1:
        return np.zeros((1, 2))
    if s == 2:
        gap = 1.2 if rings is None else max(1.2, rings.pair_gap(comp[0], comp[1]))
        return np.array([[0.0, 0.0], [gap, 0.0]])
    members = np.array(comp)
    where = graph.where
    where[members] = np.arange(s)
    degree = graph.degree[members]
    leaves_of: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(degree == 1).tolist():
        hub = int(where[graph.adj[comp[i]][0]])
        if degree[hub] > 1:
            leaves_of[hub].append(i)
    is_leaf = np.zeros(s, dtype=bool)
    for ls in leaves_of.values():
        is_leaf[ls] = True
        ls.sort(key=lambda i: keys[comp[i]])
    core = np.flatnonzero(~is_leaf)
    if rings is None:
        ring = cache(_ring_radius)
        reach = np.array([ring(len(leaves_of[i]), 1.6 * math.pi) if i in leaves_of else 0.0 for i in core.tolist()])
    else:
        reach = np.array(
            [
                _SQUEEZE * rings.reach(comp[i], [comp[j] for j in leaves_of[i]]) if i in leaves_of else 0.0
                for i in core.tolist()
            ]
        )
    pos = np.zeros((s, 2))
    if len(core) == 2:
        pos[core[1]] = [1.0 + 0.6 * (reach[0] + reach[1]), 0.0]
    elif len(core) > 2:
        # The piece's pairs between core nodes, renumbered in core order (so still sorted).
        local = where[graph.pairs[graph.bounds[k] : graph.bounds[k + 1]]]
        local = local[~is_leaf[local].any(axis=1)]
        edges = (np.cumsum(~is_leaf) - 1)[local]
        cdeg = np.bincount(edges.ravel(), minlength=len(core)).astype(float)
        start = _pivot_mds(len(core), edges, cdeg)
        # A little deterministic spread so that nodes PMDS put on one spot can separate.
        c = len(core)
        step = np.arange(c)
        angle = step * 2.399963229728653
        start += 0.05 * np.sqrt(step + 1)[:, None] / math.sqrt(c) * np.stack([np.cos(angle), np.sin(angle)], 1)
        iterations = 300 if c <= 200 else 150 if c <= DENSE else 60 if c <= BIG_PIECE else 20
        pos[core] = _forces(start, edges, reach, iterations, dense=c <= DENSE)
    # Screens are wide: lay the core's long axis across before leaves fan out (their labels
    # are placed for the final orientation).
    pos[core] = _landscape(pos[core])
    for hub, leaves in leaves_of.items():
        linked = [j for j in where[graph.adj[comp[hub]]].tolist() if not is_leaf[j]]
        if rings is None:
            _fan(pos, hub, leaves, linked)
        else:
            room = dict(zip(core.tolist(), reach.tolist(), strict=True))
            placed = rings.fan(
                comp[hub], pos[hub], [comp[j] for j in leaves], [(comp[j], pos[j], room[j]) for j in linked]
            )
            for j, (xy, up) in zip(leaves, placed, strict=True):
                pos[j] = xy
                above[comp[j]] = up
    return pos - pos.mean(axis=0)


_SQUEEZE = 0.55
_PAD = 0.06  # units between two label boxes (9 px on small pages)
_CLEAR = 0.1  # units between a label box and a spoke or link passing it
_MIN_SPOKE = 0.75  # units of spoke outside the hub, for the relation label
_UP = -0.3  # a leaf whose direction from its hub has a sine below this is above it: label above
EXACT_LEAVES = 400
"""Up to this many leaves in a piece are fanned by their exact label boxes; more get rings by count."""


class _Rings:
    """Leaves on rings around their hub, placed by their label boxes (units of the layout).

    A box is ``(width, height, centre below the node)``; a leaf above its hub has its label,
    and so its box, above the node instead.
    """

    def __init__(self, boxes: np.ndarray, edges: Sequence[Edge] | None) -> None:
        self.w = boxes[:, 0].tolist()
        self.h = boxes[:, 1].tolist()
        self.off = boxes[:, 2].tolist()
        # How far a leaf's box (grown by the room kept round it) reaches from its node.
        self.reach_of = [
            math.hypot(w / 2 + _CLEAR + _PAD, h / 2 + abs(o) + _CLEAR + _PAD) * 1.2
            for w, h, o in zip(self.w, self.h, self.off, strict=True)
        ]
        # Curved edges leave a hub off the straight line to their other end.
        self.bent: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
        for a, b, bend, _label in edges or ():
            if bend and a != b:
                self.bent[a].append((a, b, bend))
                self.bent[b].append((a, b, bend))

    def pair_gap(self, a: int, b: int) -> float:
        return (self.w[a] + self.w[b]) / 2 + _MIN_SPOKE

    def _inner(self, hub: int, leaves: list[int]) -> float:
        """The smallest first ring: the hub's box, then room for a relation label."""
        hub_half = max(self.w[hub], self.h[hub]) / 2
        leaf_half = max(min(self.w[i], self.h[i]) for i in leaves) / 2
        return hub_half + leaf_half + _MIN_SPOKE

    def reach(self, hub: int, leaves: list[int]) -> float:
        """About how far a hub's leaves and their labels reach: its room in the force layout."""
        area = sum((self.w[i] + _PAD + _CLEAR) * (self.h[i] + _PAD + _CLEAR) for i in leaves)
        inner = self._inner(hub, leaves)
        # Leaves fill about half of the annulus they sit in.
        r = math.sqrt(inner * inner + 2 * area / math.pi)
        return r + max(self.w[i] for i in leaves) / 2

    def _box(self, i: int, r: float, theta: float) -> tuple[float, float, float, float]:
        """Leaf ``i``'s label box, relative to the hub: (x0, y0, x1, y1)."""
        x, y = r * math.cos(theta), r * math.sin(theta)
        sin = math.sin(theta)
        cy = y - self.off[i] if sin < _UP else y + self.off[i]
        hw, hh = self.w[i] / 2, self.h[i] / 2
        return x - hw, cy - hh, x + hw, cy + hh

    @staticmethod
    def _span(box: tuple[float, float, float, float], pad: float, near: float) -> tuple[float, float, float]:
        """The angles a box (grown by ``pad``) covers as seen from the hub, unwrapped near
        ``near``, and its nearest distance to the hub (0 if it holds the hub)."""
        x0, y0, x1, y1 = box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad
        if x0 <= 0 <= x1 and y0 <= 0 <= y1:
            return near - math.pi, near + math.pi, 0.0
        pi, full = math.pi, 2 * math.pi
        mid = math.atan2(y0 + y1, x0 + x1)
        mid = near + (mid - near + pi) % full - pi
        lo = hi = mid
        for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
            a = math.atan2(y, x)
            a = mid + (a - mid + pi) % full - pi
            if a < lo:
                lo = a
            elif a > hi:
                hi = a
        nx = 0.0 if x0 <= 0 <= x1 else (x0 if x0 > 0 else x1)
        ny = 0.0 if y0 <= 0 <= y1 else (y0 if y0 > 0 else y1)
        return lo, hi, math.hypot(nx, ny)

    def _conflict(self, i: int, r: float, theta: float, other: tuple[float, float, int]) -> float:
        """How much further round leaf ``i`` must go to clear ``other`` (a placed leaf
        ``(angle, radius, index)``, or a link ``(angle, inf, -1)``); 0 if it is clear."""
        tj, rj, j = other
        # Far apart round the hub: nothing can meet.
        apart = abs((theta - tj + math.pi) % (2 * math.pi) - math.pi)
        reach_i = self.reach_of[i] / r
        if j < 0:
            if apart > reach_i:
                return 0.0
        elif apart > reach_i + self.reach_of[j] / rj + 0.05:
            return 0.0
        need = 0.0
        mine = self._box(i, r, theta)
        if j >= 0:
            theirs = self._box(j, rj, tj)
            ox = min(mine[2], theirs[2]) - max(mine[0], theirs[0]) + _PAD
            oy = min(mine[3], theirs[3]) - max(mine[1], theirs[1]) + _PAD
            if ox > 0 and oy > 0:
                # Going on round the ring, how far until the boxes part along x or along y?
                moves = []
                for axis, velocity in ((0, -math.sin(theta)), (1, math.cos(theta))):
                    if abs(velocity) < 0.05:
                        continue
                    gap = (mine[axis] + mine[axis + 2] - theirs[axis] - theirs[axis + 2]) / 2
                    reach = (mine[axis + 2] - mine[axis] + theirs[axis + 2] - theirs[axis]) / 2 + _PAD
                    target = reach if velocity > 0 else -reach
                    moves.append((target - gap) / velocity / r)
                need = min(moves) if moves else 0.05
            # My spoke must pass their box.
            lo, hi, dist = self._span(theirs, _CLEAR, theta)
            if dist < r and lo < theta < hi:
                need = max(need, hi - theta)
        # Their spoke (or the link) must pass my box.
        lo, hi, dist = self._span(mine, _CLEAR, tj)
        if dist < rj and lo < tj < hi:
            need = max(need, (tj - lo) * 1.05)
        return need

    def _fit(self, i: int, r: float, theta: float, near: list[tuple[float, float, int]]) -> float:
        """The first angle from ``theta`` at which leaf ``i`` on ring ``r`` clears everything ``near``."""
        for _ in range(80):
            step = 0.0
            for other in near:
                step = max(step, self._conflict(i, r, theta, other))
            if step <= 0:
                return theta
            theta += max(step, 0.003)
        return theta

    def fan(
        self, hub: int, centre: np.ndarray, leaves: list[int], linked: list[tuple[int, np.ndarray, float]]
    ) -> list[tuple[tuple[float, float], bool]]:
        """Positions of ``leaves`` around ``hub`` at ``centre``, clear of its ``linked`` nodes
        ``(index, position, room their own leaves take)``, and whether each label goes above."""
        full = 2 * math.pi
        hx, hy = float(centre[0]), float(centre[1])
        # Directions the hub's links take up, as angle intervals: a linked node, its box and
        # its own leaves fill a wedge as seen from here; a curve sweeps from its tangent at the
        # hub to the straight line.
        taken: list[tuple[float, float]] = []
        for j, xy, room in linked:
            dx, dy = float(xy[0]) - hx, float(xy[1]) - hy
            box = (
                dx - self.w[j] / 2,
                dy + self.off[j] - self.h[j] / 2,
                dx + self.w[j] / 2,
                dy + self.off[j] + self.h[j] / 2,
            )
            lo, hi, _dist = self._span(box, _CLEAR, math.atan2(dy, dx))
            more = min(0.4, math.atan2(0.5 * room, math.hypot(dx, dy)))
            taken.append((lo - more, hi + more))
        where = {j: xy for j, xy, _room in linked}
        for a, b, bend in self.bent.get(hub, ()):
            other = b if a == hub else a
            if other not in where:
                continue
            p_from = (hx, hy) if a == hub else (float(where[a][0]), float(where[a][1]))
            p_to = (hx, hy) if b == hub else (float(where[b][0]), float(where[b][1]))
            vx, vy = _via(p_from, p_to, bend)
            straight = math.atan2(float(where[other][1]) - hy, float(where[other][0]) - hx)
            tangent = math.atan2(vy - hy, vx - hx)
            tangent = straight + (tangent - straight + math.pi) % full - math.pi
            taken.append((min(straight, tangent), max(straight, tangent)))
        # Free arcs between them; with no link, the whole circle from the top (where the first
        # and last leaves keep apart as if a link left there).
        merged: list[list[float]] = []
        for lo, hi in sorted((lo % full, lo % full + (hi - lo)) for lo, hi in taken):
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        if len(merged) > 1 and merged[-1][1] >= merged[0][0] + full:  # the last wraps into the first
            merged[0][0] = merged[-1][0] - full
            merged[0][1] = max(merged[0][1], merged[-1][1] - full)
            merged.pop()
        if not merged:
            merged = [[-math.pi / 2, -math.pi / 2]]
        arcs = [
            (hi, merged[k + 1][0] if k + 1 < len(merged) else merged[0][0] + full) for k, (_lo, hi) in enumerate(merged)
        ]
        arcs = [(a, b) for a, b in arcs if b - a > 1e-6]
        if sum(b - a for a, b in arcs) < 0.5:  # links all round: use the whole circle anyway
            arcs = [(-math.pi / 2, 1.5 * math.pi)]

        r0 = self._inner(hub, leaves)
        step_r = max(self.h[i] for i in leaves) + 2.5 * _PAD
        best: tuple[float, int, float, list[list[int]]] | None = None
        for m in (1, 2, 3) if len(leaves) > 3 else (1,):
            r1 = r0
            for _ in range(60):
                split, used = self._split(leaves, arcs, r1, m, step_r)
                if split is not None:
                    break
                # Angles shrink about as the radius grows: aim straight for a fit.
                r1 *= min(2.0, max(1.03, used))
            else:  # pragma: no cover - the radius grows without bound
                continue
            outer = r1 + (m - 1) * step_r
            if best is None or outer < best[0] - 1e-9:
                best = (outer, m, r1, split)
        assert best is not None
        _outer, m, r1, split = best
        out: dict[int, tuple[tuple[float, float], bool]] = {}
        for (start, end), members in zip(arcs, split, strict=True):
            if not members:
                continue
            placed = self._sweep(members, start, end, r1, m, step_r, 0.0)
            assert placed is not None
            # Spread the arc's leaves evenly over the room left.
            spare = end - self._end(placed, members)
            for eps in (spare / (len(members) + 1), spare / (len(members) + 1) / 2):
                wider = self._sweep(members, start, end, r1, m, step_r, eps)
                if wider is not None:
                    placed = wider
                    break
            for i, (theta, r) in zip(members, placed, strict=True):
                out[i] = ((hx + r * math.cos(theta), hy + r * math.sin(theta)), math.sin(theta) < _UP)
        return [out[i] for i in leaves]

    def _split(
        self, leaves: list[int], arcs: list[tuple[float, float]], r1: float, m: int, step_r: float
    ) -> tuple[list[list[int]] | None, float]:
        """Leaves in order, shared among the free arcs in proportion to their length, if they fit;
        else how many times the room they need."""
        spans = [end - start for start, end in arcs]
        # An arc too narrow for one average leaf gets none.
        typical = (sum(self.w[i] + self.h[i] for i in leaves) / (2 * len(leaves)) + 2 * _CLEAR) / r1
        usable = [span if span > typical else 0.0 for span in spans]
        total = sum(usable)
        if total <= 0:
            return None, max(1.03, typical / max(spans))
        quota = [len(leaves) * u / total for u in usable]
        counts = [int(q) for q in quota]
        for g in sorted(range(len(arcs)), key=lambda g: (-(quota[g] - counts[g]), g))[: len(leaves) - sum(counts)]:
            counts[g] += 1
        split, at, worst = [], 0, 0.0
        for (start, end), count in zip(arcs, counts, strict=True):
            members = leaves[at : at + count]
            at += count
            if members:
                placed = self._sweep(members, start, end, r1, m, step_r, 0.0, check=False)
                assert placed is not None
                worst = max(worst, (self._end(placed, members) - start) / (end - start))
            split.append(members)
        return (split if worst <= 1.0 else None), worst

    def _end(self, placed: list[tuple[float, float]], members: list[int]) -> float:
        """The first angle past the placed leaves at which a link may leave the hub."""
        end = placed[-1][0]
        for (t, r), i in zip(placed[-3:], members[-3:], strict=False):
            end = max(end, self._span(self._box(i, r, t), _CLEAR, t)[1])
        return end

    def _sweep(
        self,
        members: list[int],
        start: float,
        end: float,
        r1: float,
        m: int,
        step_r: float,
        eps: float,
        *,
        check: bool = True,
    ) -> list[tuple[float, float]] | None:
        """Angles and radii of ``members`` packed from ``start``: None if ``check`` and they overrun ``end``.

        Each leaf goes on the ring (of ``m``) where it fits soonest; its label box keeps clear of its neighbours' boxes
        and spokes, and of the links at both ends of the arc. ``eps`` more radians go between
        neighbours.
        """
        link = [(start, math.inf, -1)]
        placed: list[tuple[float, float, int]] = []
        for i in members:
            theta = placed[-1][0] + eps if placed else start + eps
            near = placed[-2 * m :] + link
            # The ring where the leaf fits soonest (the inner one on a tie).
            best = min((self._fit(i, r1 + k * step_r, theta, near), k) for k in range(m))
            placed.append((best[0], r1 + best[1] * step_r, i))
        out = [(t, r) for t, r, _ in placed]
        if check and self._end(out, members) + eps > end:
            return None
        return out


def _via(p: tuple[float, float], q: tuple[float, float], bend: float) -> tuple[float, float]:
    """The control point of vis-network's curvedCW (``bend`` > 0) or curvedCCW edge from p to q."""
    r = abs(bend)
    f = 0.5 * r + 0.5
    dx, dy = q[0] - p[0], p[1] - q[1]
    length = math.hypot(dx, dy)
    g = math.atan2(dy, dx) + (f if bend > 0 else 0.5 - 0.5 * r) * math.pi
    return p[0] + f * length * math.sin(g), p[1] + f * length * math.cos(g)


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

    hops = _Hops(s, edges)
    count = min(s, 40 if s <= BIG_PIECE else 16)
    pivots = [int(np.argmax(degree))]
    dist = np.empty((count, s))
    mindist = np.full(s, np.inf)
    for i in range(count):
        dist[i] = hops.start(pivots[i])
        mindist = np.minimum(mindist, dist[i])
        if i + 1 < count:
            pivots.append(int(np.argmax(mindist)))
    d2 = dist.T**2  # s x count
    c = d2 - d2.mean(axis=0) - d2.mean(axis=1)[:, None] + d2.mean()
    c *= -0.5
    vecs = _top_eigenvectors(np.einsum("ij,ik->jk", c, c), 2)
    pos = np.einsum("ij,jk->ik", c, vecs)
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
    for step in range(iterations):
        if dense:
            delta = pos[:, None, :] - pos[None, :, :]
            d2 = (delta**2).sum(axis=-1)
            np.fill_diagonal(d2, 1.0)
            np.maximum(d2, 1e-4, out=d2)
            disp = (delta * (np.outer(charge, charge) / d2)[:, :, None]).sum(axis=1)
        else:
            # Beyond a few hundred nodes, repulsion goes through a density grid (linear
            # time) plus exact pushes between close nodes; on big pieces those come only
            # in the last step, to part nodes that the grid sees as one.
            disp = _mesh_push(pos, charge)
            if s <= BIG_PIECE or step == iterations - 1:
                disp += _near_push(pos, charge, 1.5 if s <= BIG_PIECE else 1.0)
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

    s = len(pos)
    a, b = close_pairs(pos, cutoff, CROWD)
    delta = pos[a] - pos[b]
    d2 = np.maximum((delta**2).sum(axis=1), 1e-4)
    f = delta * (charge[a] * charge[b] / d2)[:, None]
    disp = np.zeros_like(pos)
    for axis in (0, 1):
        disp[:, axis] = np.bincount(a, f[:, axis], minlength=s) - np.bincount(b, f[:, axis], minlength=s)
    return disp


def _mesh_push(pos: np.ndarray, charge: np.ndarray, strength: float = 600.0, sigma: float = 1.5) -> np.ndarray:
    """Repulsion down the slope of the smoothed density of charge (per unit area): linear time."""
    import numpy as np

    lo = pos.min(axis=0) - 3 * sigma
    span = pos.max(axis=0) + 3 * sigma - lo
    # Cells of sigma/1.5 resolve the slope well enough and keep the smoothing cheap.
    cell = max(sigma / 1.5, float(span.max()) / 512)
    shape = np.ceil(span / cell).astype(np.int64) + 1
    ij = ((pos - lo) / cell).astype(np.int64)
    density = np.bincount(ij[:, 0] * shape[1] + ij[:, 1], charge, minlength=int(shape[0] * shape[1]))
    field = _blur(density.reshape(shape).astype(float), sigma / cell) / (cell * cell)
    gx, gy = (np.asarray(g) for g in np.gradient(field, cell))
    return -strength * np.stack([gx[ij[:, 0], ij[:, 1]], gy[ij[:, 0], ij[:, 1]]], axis=1)


def _landscape(pos: np.ndarray) -> np.ndarray:
    """Rotate a piece so that its long axis lies across (screens are wide)."""
    import numpy as np

    centred = pos - pos.mean(axis=0)
    xx, yy = (centred**2).sum(axis=0)
    xy = float((centred[:, 0] * centred[:, 1]).sum())
    angle = 0.5 * math.atan2(2 * xy, float(xx - yy))  # the long axis of the 2x2 covariance, in closed form
    cos, sin = math.cos(angle), math.sin(angle)
    return np.stack([centred[:, 0] * cos + centred[:, 1] * sin, centred[:, 1] * cos - centred[:, 0] * sin], axis=1)


def _top_eigenvectors(m: np.ndarray, k: int, iterations: int = 300) -> np.ndarray:
    """The k leading eigenvectors of a small symmetric matrix, by power iteration with deflation.

    Not np.linalg.eigh or `@`: those go through BLAS and LAPACK, whose kernels differ by CPU in the
    last bits, and the layout would then differ from machine to machine. Plain numpy loops do not.
    """
    import numpy as np

    n = m.shape[0]
    out = np.zeros((n, k))
    work = m.astype(float, copy=True)
    for j in range(min(k, n)):
        v = np.linspace(1.0, 2.0, n) + j  # a fixed start, not orthogonal to any leading vector in practice
        for _ in range(iterations):
            w = np.einsum("ij,j->i", work, v)
            norm = math.sqrt(float((w * w).sum()))
            if norm <= 1e-300:
                break
            v = w / norm
        # Fix the sign: the largest entry is positive.
        if v[int(np.argmax(np.abs(v)))] < 0:
            v = -v
        out[:, j] = v
        value = float(np.einsum("i,ij,j->", v, work, v))
        work -= value * np.einsum("i,j->ij", v, v)
    return out


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


# ----------------------------------------------------------------------------- numpy helpers


def close_pairs(pos: np.ndarray, reach: float, crowd: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(a, b)``, ``a < b``, of the points at most ``reach`` apart.

    The points are binned in a grid of ``reach``-sized cells; each point meets
    the points of its own cell and of four neighbouring cells, so the work grows
    with points plus pairs (a k-d tree's job, without scipy).

    With ``crowd``, a point meets at most about ``crowd`` points of each cell (a
    window of them that moves with the point's rank in its own cell): the pairs
    are then a sample where more than ``crowd`` points share a cell, and the work
    is at most ``5 * crowd`` candidates a point however the points pile up. A
    layout's repulsion needs no more; all pairs of 10,000 points on a few spots
    took 10 s and gigabytes.
    """
    import numpy as np

    n = len(pos)
    empty = np.zeros(0, dtype=np.int64)
    if n < 2 or reach <= 0:
        return empty, empty
    cell = np.floor((pos - pos.min(axis=0)) / reach).astype(np.int64)
    width = int(cell[:, 1].max()) + 3
    key = (cell[:, 0] + 1) * width + cell[:, 1] + 1
    # Work in cell order: the points of a cell are consecutive, lookups are per cell.
    order = np.argsort(key, kind="stable")
    key, near = key[order], pos[order]
    first = np.flatnonzero(np.diff(key)) + 1
    starts = np.concatenate([[0], first])
    counts = np.diff(np.concatenate([starts, [n]]))
    cells = key[starts]
    cell_of = np.repeat(np.arange(len(cells)), counts)
    rank = np.arange(n) - starts[cell_of]  # a point's place in its own cell
    found_a, found_b = [], []
    # Own cell, then the cells above, below-right, right and above-right: every pair once.
    for dx, dy in ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1)):
        wanted = cells + dx * width + dy
        j = np.minimum(np.searchsorted(cells, wanted), len(cells) - 1)
        hit = cells[j] == wanted
        size = np.where(hit, counts[j], 0)[cell_of]  # points in the other cell, per point
        if dx == dy == 0:
            # Partners at offsets 1..size-1 round the cell (each pair twice, kept once);
            # in a crowded cell offsets 1..crowd/2 only, each pair then comes once.
            crowded = np.zeros(n, dtype=bool) if crowd is None else size - 1 > crowd
            count = np.where(crowded, max(1, (crowd or 2) // 2), size - 1)
            offset = 1
        else:
            crowded = np.zeros(n, dtype=bool)
            count = size if crowd is None else np.minimum(size, crowd)
            offset = 0
        total = int(count.sum())
        if total == 0:
            continue
        a = np.repeat(np.arange(n), count)
        step = np.arange(total) - np.repeat(np.cumsum(count) - count, count) + offset
        base = starts[j][cell_of]
        b = np.repeat(base, count) + (np.repeat(rank, count) + step) % np.repeat(np.maximum(size, 1), count)
        if dx == dy == 0:
            keep = (a < b) | crowded[a]
            a, b = a[keep], b[keep]
        gap = near[a] - near[b]
        keep = (gap * gap).sum(axis=1) <= reach * reach
        a, b = order[a[keep]], order[b[keep]]
        found_a.append(np.minimum(a, b))
        found_b.append(np.maximum(a, b))
    if not found_a:
        return empty, empty
    return np.concatenate(found_a), np.concatenate(found_b)


class _Hops:
    """Breadth-first hop counts in an undirected graph of ``s`` nodes and ``edges`` (pairs)."""

    _NUMPY_FROM = 64  # frontiers at least this wide expand with numpy, smaller ones in Python

    def __init__(self, s: int, edges: np.ndarray) -> None:
        import numpy as np

        src = np.concatenate([edges[:, 0], edges[:, 1]])
        dst = np.concatenate([edges[:, 1], edges[:, 0]])
        order = np.argsort(src, kind="stable")
        self.indices = dst[order]
        self.indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=s))])
        ends = self.indptr.tolist()
        flat = self.indices.tolist()
        self.adj = [flat[ends[i] : ends[i + 1]] for i in range(s)]
        self.s = s
        self.last = np.zeros(s, dtype=np.int64)

    def start(self, source: int) -> np.ndarray:
        """Hops from ``source`` to every node (``inf`` where unreachable)."""
        import numpy as np

        # The same hop counts twice: a list for the Python steps, an array for the numpy ones.
        dist = [-1] * self.s
        hops = np.full(self.s, -1, dtype=np.int64)
        dist[source] = hops[source] = 0
        frontier: list[int] = [source]
        level = 0
        while frontier:
            level += 1
            if len(frontier) < self._NUMPY_FROM:
                nxt = []
                for v in frontier:
                    for w in self.adj[v]:
                        if dist[w] < 0:
                            dist[w] = level
                            nxt.append(w)
                if nxt:
                    hops[nxt] = level
                frontier = nxt
            else:
                f = np.array(frontier)
                starts = self.indptr[f]
                count = self.indptr[f + 1] - starts
                idx = np.repeat(starts - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
                nb = self.indices[idx]
                nb = nb[hops[nb] < 0]
                hops[nb] = level
                # Each new node once: the slot that wrote it last keeps it (no sort needed).
                slot = np.arange(len(nb))
                self.last[nb] = slot
                frontier = nb[self.last[nb] == slot].tolist()
                for w in frontier:
                    dist[w] = level
        out = hops.astype(float)
        out[hops < 0] = np.inf
        return out


def _blur(grid: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian smoothing (``sigma`` in cells, cut at 4 sigma, zeros outside), one axis at a time."""
    import numpy as np

    r = max(1, int(4 * sigma + 0.5))
    x = np.arange(-r, r + 1, dtype=float)
    w = np.exp(-0.5 * (x / sigma) ** 2)
    w /= w.sum()
    # Shifted sums, not matrix products: no BLAS threads, which stall on a busy machine.
    rows, cols = grid.shape
    padded = np.pad(grid, ((r, r), (0, 0)))
    out = w[0] * padded[:rows]
    for k in range(1, 2 * r + 1):
        out += w[k] * padded[k : k + rows]
    padded = np.pad(out, ((0, 0), (r, r)))
    out = w[0] * padded[:, :cols]
    for k in range(1, 2 * r + 1):
        out += w[k] * padded[:, k : k + cols]
    result: np.ndarray = out
    return result
