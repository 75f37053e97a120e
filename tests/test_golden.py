"""The committed outputs in graphs/ are what the current sources produce (python tools/regenerate.py)."""

from __future__ import annotations

from aigraph.graph.build import build_graph, to_turtle

from .conftest import FACTS, GOLDEN_TTL, ROOT


def test_golden_turtle_is_current() -> None:
    assert to_turtle(build_graph(FACTS)) == GOLDEN_TTL.read_bytes(), "run: python tools/regenerate.py"


def test_golden_view_is_current() -> None:
    from aigraph.view.page import render_html

    html = ROOT / "graphs" / "ai-alliance.html"
    assert render_html() == html.read_bytes(), "run: python tools/regenerate.py"
