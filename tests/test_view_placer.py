"""A big page's layout in a forked process (aigraph.view.placer): the same page, and the page
lays out itself whenever the placer cannot."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from aigraph.view import page as view_module
from aigraph.view import placer as placer_module
from aigraph.view import split
from aigraph.view.page import build_page, write_view
from aigraph.view.placer import Placer

EX = "http://example.org/fictional/"


def _quads() -> list[ox.Quad]:
    """A fictional graph with hubs, leaves and two pieces (30 nodes: big once BIG_GRAPH is 10)."""
    link, other = ox.NamedNode(EX + "partnersWith"), ox.NamedNode(EX + "funds")
    quads = [ox.Quad(ox.NamedNode(f"{EX}n{i}"), link, ox.NamedNode(f"{EX}n{(i + 1) % 12}")) for i in range(12)]
    quads += [ox.Quad(ox.NamedNode(f"{EX}n{i % 3}"), other, ox.NamedNode(f"{EX}leaf{i}")) for i in range(12)]
    quads += [ox.Quad(ox.NamedNode(f"{EX}m{i}"), link, ox.NamedNode(f"{EX}m{i + 1}")) for i in range(5)]
    return quads


def _alone(pid: int) -> bool:
    """True once ``pid`` is gone and reaped (no zombie left behind)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_placer_lays_out_a_big_page_as_the_page_would(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(view_module, "BIG_GRAPH", 10)
    alone = build_page(_quads()).html
    answered: list[bool] = []
    real = Placer.result

    def spied(self: Placer) -> Any:
        got = real(self)
        answered.append(got is not None)
        return got

    monkeypatch.setattr(Placer, "result", spied)
    with Placer() as placer:
        placer.start()
        pid = placer.pid
        assert pid is not None
        html = build_page(_quads(), placer=placer).html
    assert answered == [True]  # the placer's positions were used...
    assert html == alone  # ...and they are the page's own, byte for byte
    assert _alone(pid)


def test_a_placer_that_died_leaves_the_layout_to_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(view_module, "BIG_GRAPH", 10)
    alone = build_page(_quads()).html
    # Killed before the page sends anything: the page cannot send, and lays out itself.
    with Placer() as placer:
        placer.start()
        assert placer.pid is not None
        os.kill(placer.pid, signal.SIGKILL)
        assert build_page(_quads(), placer=placer).html == alone
    # Failing after the request (here: the layout raises in the placer only): no answer, same page.
    from aigraph.view import layout

    here, real = os.getpid(), layout.place

    def broken_there(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != here:
            raise RuntimeError("a layout that fails")
        return real(*args, **kwargs)

    monkeypatch.setattr(layout, "place", broken_there)
    answers: list[Any] = []
    real_result = Placer.result
    monkeypatch.setattr(Placer, "result", lambda self: answers.append(real_result(self)) or answers[-1])
    with Placer() as placer:
        placer.start()
        assert build_page(_quads(), placer=placer).html == alone
    assert answers == [None]


def test_small_pages_leave_the_placer_unused_and_it_ends() -> None:
    with Placer() as placer:
        placer.start()
        pid = placer.pid
        assert pid is not None
        build_page(_quads(), placer=placer)  # 29 nodes: not big, laid out in process
        assert placer.result() is None
    assert _alone(pid)


def test_write_view_forks_the_placer_only_when_it_scans_on_two_cores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(view_module, "BIG_GRAPH", 10)
    path = tmp_path / "graph.nt"
    path.write_text("".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in _quads()), encoding="utf-8")
    started: list[int | None] = []
    real = Placer.start

    def spied(self: Placer) -> None:
        real(self)
        started.append(self.pid)

    monkeypatch.setattr(Placer, "start", spied)
    write_view(tmp_path / "one.html", data=[path])  # under split.SPLIT_BYTES: one process
    assert started == []
    monkeypatch.setattr(split, "SPLIT_BYTES", 0)
    write_view(tmp_path / "two.html", data=[path])
    assert len(started) == 1 and started[0] is not None and _alone(started[0])
    assert (tmp_path / "one.html").read_bytes() == (tmp_path / "two.html").read_bytes()


def test_no_fork_no_placer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(view_module, "BIG_GRAPH", 10)
    alone = build_page(_quads()).html
    monkeypatch.setattr(placer_module.sys, "platform", "darwin")  # forking after numpy: Linux only
    with Placer() as placer:
        placer.start()
        assert placer.pid is None
    monkeypatch.undo()
    monkeypatch.setattr(view_module, "BIG_GRAPH", 10)
    monkeypatch.delattr(os, "fork")
    with Placer() as placer:
        placer.start()
        assert placer.pid is None
        assert build_page(_quads(), placer=placer).html == alone  # laid out in process
        assert placer.result() is None
