"""aigraph.layout: node positions with numpy alone, and the grid helpers under them."""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import pytest

from aigraph.layout import BIG_PIECE, DENSE, _blur, _Hops, close_pairs, positions


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
