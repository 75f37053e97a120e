"""Node positions for the view: deterministic, computed once, so the browser needs no physics.

numpy only (no scipy): ``import numpy`` is the one import a layout costs.

In each connected piece, nodes with a single neighbour (leaves) are set aside;
the rest are placed by Fruchterman-Reingold forces started from a pivot-MDS
embedding; then each hub's leaves fan out around it, grouped by class, away
from its other links. Pieces are packed in rows, biggest first. Up to
:data:`DENSE` core nodes, every pair of nodes repels; beyond, nodes are pushed
down the slope of a smoothed density grid and only close pairs (found through a
grid as well) repel exactly, so the work grows with nodes plus edges.

>>> positions(4, [(0, 1), (1, 2), (2, 3), (0, 3)], keys=[("", c, i) for i, c in enumerate("abcd")])
[(122, 0), (0, 120), (-122, 0), (0, -120)]
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

DENSE = 600
"""Pieces with at most this many core nodes get exact all-pairs repulsion."""

BIG_PIECE = 2000
"""Pieces with more core nodes get fewer pivots and iterations (a big page hides labels anyway)."""


def positions(
    n: int,
    pairs: Sequence[tuple[int, int]] | np.ndarray,
    keys: Sequence[tuple[str, str, int]],
    *,
    boxes: Sequence[tuple[float, float, float]] | None = None,
    big: bool = False,
) -> list[tuple[int, int]]:
    """Pixel positions of nodes ``0..n-1`` joined by ``pairs``.

    ``pairs`` are distinct ``(a, b)`` with ``a < b`` (no loops), sorted;
    ``keys`` order each hub's leaves (class, label, index); ``boxes`` are label
    boxes in pixels ``(width, height, centre below the node)`` to push apart;
    ``big`` packs nodes closer, for pages that draw thousands of them.
    """
    import numpy as np

    if n == 0:
        return []
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    graph = _Graph(n, pairs)
    pieces = [(comp, _layout_piece(graph, k, keys)) for k, comp in enumerate(graph.comps)]
    pos = _pack(pieces, n)
    scale = 150.0 if n <= 150 else 70.0 if big else 120.0
    pos = pos * scale
    if boxes is not None and n > 1:
        pos = _declutter(pos, np.array(boxes, dtype=float))
    pos -= (pos.min(axis=0) + pos.max(axis=0)) / 2
    return [(int(round(x)), int(round(y))) for x, y in pos.tolist()]


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
        a, b = close_pairs(centre, reach)
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


def _layout_piece(graph: _Graph, k: int, keys: Sequence[tuple[str, str, int]]) -> np.ndarray:
    """Positions (edge length about 1) of one connected piece."""
    import numpy as np

    comp = graph.comps[k]
    s = len(comp)
    if s == 1:
        return np.zeros((1, 2))
    if s == 2:
        return np.array([[0.0, 0.0], [1.2, 0.0]])
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
    core = np.flatnonzero(~is_leaf)
    ring = cache(_ring_radius)
    reach = np.array([ring(len(leaves_of[i]), 1.6 * math.pi) if i in leaves_of else 0.0 for i in core.tolist()])
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
    for hub, leaves in leaves_of.items():
        leaves.sort(key=lambda i: keys[comp[i]])
        linked = [j for j in where[graph.adj[comp[hub]]].tolist() if not is_leaf[j]]
        _fan(pos, hub, leaves, linked)
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
    a, b = close_pairs(pos, cutoff)
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


# ----------------------------------------------------------------------------- numpy helpers


def close_pairs(pos: np.ndarray, reach: float) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(a, b)``, ``a < b``, of the points at most ``reach`` apart.

    The points are binned in a grid of ``reach``-sized cells; each point meets
    the points of its own cell and of four neighbouring cells, so the work grows
    with points plus pairs (a k-d tree's job, without scipy).
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
    found_a, found_b = [], []
    # Own cell, then the cells above, below-right, right and above-right: every pair once.
    for dx, dy in ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1)):
        wanted = cells + dx * width + dy
        j = np.minimum(np.searchsorted(cells, wanted), len(cells) - 1)
        hit = cells[j] == wanted
        count = np.where(hit, counts[j], 0)[cell_of]
        total = int(count.sum())
        if total == 0:
            continue
        a = np.repeat(np.arange(n), count)
        b = np.repeat(starts[j][cell_of], count) + np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        if dx == dy == 0:
            keep = a < b
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
