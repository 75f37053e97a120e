"""aigraph.view.layout: node positions with numpy alone, and the grid helpers under them."""

from __future__ import annotations

import math
from collections import deque
from pathlib import Path

import numpy as np
import pytest

from aigraph.view.layout import BIG_PIECE, CROWD, DENSE, _blur, _Hops, close_pairs, place, positions


@pytest.mark.parametrize("n, reach", [(0, 1.0), (1, 1.0), (2, 0.5), (300, 0.7), (2000, 1.0), (400, 50.0)])
def test_close_pairs_finds_every_close_pair_once(n: int, reach: float) -> None:
    rng = np.random.default_rng(n)
    pos = rng.normal(size=(n, 2)) * max(1.0, math.sqrt(n)) / 2
    if n > 5:
        pos[1:4] = pos[0]  # several points on one spot
    a, b = close_pairs(pos, reach)
    assert (a < b).all()
    d2 = ((pos[:, None, :] - pos[None, :, :]) ** 2).sum(axis=-1)
    want = sorted((int(i), int(j)) for i, j in zip(*np.nonzero(d2 <= reach * reach), strict=True) if i < j)
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == want


@pytest.mark.parametrize("n, reach", [(300, 0.7), (2000, 1.0)])
def test_close_pairs_with_a_crowd_limit_is_exact_where_cells_are_sparse(n: int, reach: float) -> None:
    rng = np.random.default_rng(n)
    pos = rng.normal(size=(n, 2)) * math.sqrt(n) / 2
    pos[1:4] = pos[0]
    exact = sorted(zip(*(x.tolist() for x in close_pairs(pos, reach)), strict=True))
    assert sorted(zip(*(x.tolist() for x in close_pairs(pos, reach, CROWD)), strict=True)) == exact


@pytest.mark.parametrize("spots", [1, 3, 40])
def test_close_pairs_work_is_bounded_where_points_pile_up(spots: int) -> None:
    """Issue 16 item 13: 10,000 points on a few spots made 8 million pairs (gigabytes) in one
    call; with the crowd limit a point gets at most 5 x CROWD candidates, each pair once."""
    n = 10_000
    rng = np.random.default_rng(spots)
    centres = rng.normal(size=(spots, 2)) * 3
    pos = centres[np.arange(n) % spots] + rng.normal(size=(n, 2)) * 0.01
    a, b = close_pairs(pos, 1.0, CROWD)
    assert len(a) <= 5 * CROWD * n
    assert (a < b).all()
    assert len(np.unique(a * n + b)) == len(a), "a pair found twice"
    assert len(a) >= n // 2, "the piled-up points still push each other"
    near = ((pos[a] - pos[b]) ** 2).sum(axis=1)
    assert (near <= 1.0).all()


def test_a_chain_tied_to_one_hub_is_laid_out_with_bounded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shape of an RDF list nested thousands deep: every tail links to rdf:nil. Hop
    distances are all 1 or 2, so the start piles nodes on a few spots; the repulsion's pair
    search must stay linear (work counted, not timed)."""
    import aigraph.view.layout as layout_module

    n = 6000
    pairs = sorted([(i, i + 1) for i in range(n - 2)] + [(i, n - 1) for i in range(n - 2)])
    found: list[int] = []
    real = layout_module.close_pairs

    def counting(pos: np.ndarray, reach: float, crowd: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        assert crowd is not None, "the layout searches pairs without a crowd limit"
        a, b = real(pos, reach, crowd)
        found.append(len(a))
        return a, b

    monkeypatch.setattr(layout_module, "close_pairs", counting)
    keys = [("", f"n{i}", i) for i in range(n)]
    pos = positions(n, pairs, keys, big=True)
    assert len(pos) == n and found
    assert max(found) <= 5 * CROWD * n


def _reference_hops(n: int, edges: np.ndarray, source: int) -> list[float]:
    adj: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges.tolist():
        adj[u].append(v)
        adj[v].append(u)
    dist = [math.inf] * n
    dist[source] = 0
    todo = deque([source])
    while todo:
        u = todo.popleft()
        for v in adj[u]:
            if dist[v] == math.inf:
                dist[v] = dist[u] + 1
                todo.append(v)
    return dist


@pytest.mark.parametrize("shape", ["random", "path", "two pieces", "star"])
def test_hops_are_breadth_first_distances(shape: str) -> None:
    n = 3000
    if shape == "random":  # wide frontiers: the numpy steps
        rng = np.random.default_rng(3)
        edges = rng.integers(0, n, size=(3 * n, 2))
    elif shape == "path":  # narrow frontiers: the Python steps
        edges = np.array([(i, i + 1) for i in range(n - 1)])
    elif shape == "two pieces":
        edges = np.array([(i, i + 1) for i in range(n - 1) if i != n // 2])
    else:
        edges = np.array([(0, i) for i in range(1, n)])
    edges = np.unique(np.sort(edges[edges[:, 0] != edges[:, 1]], axis=1), axis=0)
    hops = _Hops(n, edges)
    for source in (0, 7, n - 1):
        assert hops.start(source).tolist() == _reference_hops(n, edges, source)


def test_blur_is_a_normalised_gaussian() -> None:
    grid = np.zeros((61, 41))
    grid[30, 20] = 1.0
    out = _blur(grid, 2.5)
    assert out.sum() == pytest.approx(1.0)
    assert np.allclose(out, out[::-1, :]) and np.allclose(out, out[:, ::-1])
    x = np.arange(-10, 11)
    column = np.exp(-0.5 * (x / 2.5) ** 2)
    assert out[20:41, 20] / out[30, 20] == pytest.approx(column)


def _grid_graph(side: int) -> list[tuple[int, int]]:
    pairs = []
    for r in range(side):
        for c in range(side):
            i = r * side + c
            if c + 1 < side:
                pairs.append((i, i + 1))
            if r + 1 < side:
                pairs.append((i, i + side))
    return sorted(pairs)


@pytest.mark.parametrize("side", [20, 40, 60])  # all-pairs, grid and big-piece repulsion
def test_positions_keep_neighbours_near(side: int) -> None:
    n = side * side
    assert (n <= DENSE, n <= BIG_PIECE) == {20: (True, True), 40: (False, True), 60: (False, False)}[side]
    pairs = _grid_graph(side)
    keys = [("", f"n{i}", i) for i in range(n)]
    pos = positions(n, pairs, keys, big=n > BIG_PIECE)
    assert positions(n, pairs, keys, big=n > BIG_PIECE) == pos  # deterministic
    assert len(set(pos)) == n, "two nodes on one spot"
    xy = np.array(pos, dtype=float)
    edge = np.sqrt(((xy[[a for a, _ in pairs]] - xy[[b for _, b in pairs]]) ** 2).sum(axis=1))
    far = np.sqrt(((xy[: n // 2] - xy[n // 2 :][::-1]) ** 2).sum(axis=1))
    # A grid stays a grid: linked nodes sit close, nodes across it far apart.
    assert np.median(edge) * side / 4 < np.median(far)


def _boxes_of(pos: list[tuple[int, int]], boxes: list[tuple[float, float, float]], above: list[bool]) -> np.ndarray:
    """Label boxes (x0, y0, x1, y1) where the page draws them: below a node, or above it."""
    out = []
    for (x, y), (w, h, off), up in zip(pos, boxes, above, strict=True):
        cy = y - off if up else y + off
        out.append((x - w / 2, cy - h / 2, x + w / 2, cy + h / 2))
    return np.array(out)


def _crosses(box: np.ndarray, a: np.ndarray, b: np.ndarray, samples: int = 200) -> bool:
    t = np.linspace(0.02, 0.98, samples)[:, None]
    points = a + t * (b - a)
    inside = (points[:, 0] > box[0]) & (points[:, 0] < box[2]) & (points[:, 1] > box[1]) & (points[:, 1] < box[3])
    return bool(inside.any())


@pytest.mark.parametrize("leaves, links", [(6, 0), (30, 0), (30, 3), (80, 2)])
def test_leaves_fan_out_clear_of_each_other_and_of_every_spoke(leaves: int, links: int) -> None:
    """A hub's labelled leaves: no two label boxes meet, no spoke or link runs through a box,
    and a leaf above its hub has its label above it (away from its spoke)."""
    rng = np.random.default_rng(leaves + links)
    n = 1 + links + leaves
    pairs = sorted(
        [(0, i) for i in range(1, n)] + [(i, i + 1) for i in range(1, links)] + ([(1, links)] if links > 2 else [])
    )
    boxes: list[tuple[float, float, float]] = [(150.0, 40.0, 0.0)] + [(70.0, 36.0, 0.0)] * links
    for _ in range(leaves):
        width, lines = float(rng.integers(40, 180)), int(rng.integers(1, 4))
        height = 24 + 4 + 14 * lines
        boxes.append((width + 6, height + 4.0, height / 2 - 12))
    keys = [("", f"n{i}", i) for i in range(n)]
    edges = [(a, b, 0.0, 60.0) for a, b in pairs]
    placed = place(n, pairs, keys, boxes=boxes, edges=edges)
    assert place(n, pairs, keys, boxes=boxes, edges=edges) == placed  # deterministic
    xy = np.array(placed.xy, dtype=float)
    drawn = _boxes_of(placed.xy, boxes, placed.above)
    for i in range(1, n):
        for j in range(i + 1, n):
            a, b = drawn[i], drawn[j]
            assert min(a[2], b[2]) <= max(a[0], b[0]) or min(a[3], b[3]) <= max(a[1], b[1]), (i, j)
    for a, b in pairs:
        for k in range(n):
            if k not in (a, b):
                assert not _crosses(drawn[k], xy[a], xy[b]), (a, b, k)
    first = links + 1
    for k in range(first, n):
        dy = xy[k, 1] - xy[0, 1]
        if placed.above[k]:
            assert dy < 0
        elif dy < -0.5 * abs(xy[k, 0] - xy[0, 0]):
            raise AssertionError(f"leaf {k} well above its hub keeps its label below")


def test_no_linked_pair_is_level() -> None:
    """vis-network 9.1.2 draws the label of an edge pointing exactly right to left at the origin."""
    rng = np.random.default_rng(9)
    n = 400
    raw = rng.integers(0, n, size=(900, 2))
    pairs = np.unique(np.sort(raw[raw[:, 0] != raw[:, 1]], axis=1), axis=0)
    keys = [("", f"n{i}", i) for i in range(n)]
    for boxes in (None, [(60.0, 40.0, 10.0)] * n):
        pos = positions(n, pairs, keys, boxes=boxes)
        level = [(a, b) for a, b in pairs.tolist() if pos[a][1] == pos[b][1]]
        assert level == []
    # Two nodes alone are laid out side by side: no longer exactly level.
    assert (
        positions(2, [(0, 1)], [("", "a", 0), ("", "b", 1)])[0][1]
        != positions(2, [(0, 1)], [("", "a", 0), ("", "b", 1)])[1][1]
    )


def test_boxes_are_pushed_off_edges_and_labels() -> None:
    """A node whose label sits on another edge, or on its relation label, moves off it."""
    from aigraph.view.layout import _clear_edges

    pos = np.array([[0.0, 0.0], [400.0, 0.0], [200.0, 5.0], [200.0, 300.0]])
    boxes = np.array([[60.0, 30.0, 0.0], [60.0, 30.0, 0.0], [80.0, 30.0, 0.0], [60.0, 30.0, 0.0]])
    edges = [(0, 1, 0.0, 70.0), (2, 3, 0.0, 0.0)]
    out = _clear_edges(pos, boxes, edges)
    assert abs(out[2, 1]) >= 15 + 10  # half its box plus half a label off the line
    assert np.allclose(out[[0, 1]], pos[[0, 1]])


def test_layout_does_not_depend_on_the_blas_kernel() -> None:
    """The golden page must be the same on every CPU: the layout avoids BLAS and LAPACK.

    OPENBLAS_CORETYPE makes numpy's bundled OpenBLAS use another CPU's kernels; with
    `c.T @ c` and `np.linalg.eigh` in the layout, the seed page moved with it.
    """
    import hashlib
    import os
    import subprocess
    import sys

    code = "import hashlib, aigraph.view.page as v; print(hashlib.sha256(v.render_html()).hexdigest())"
    digests = set()
    for kernel in ("Prescott", "Sandybridge", "Haswell"):
        env = {**os.environ, "OPENBLAS_CORETYPE": kernel}
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        digests.add(run.stdout.strip())
    golden = hashlib.sha256((Path(__file__).parent.parent / "graphs" / "ai-alliance.html").read_bytes()).hexdigest()
    assert digests == {golden}
