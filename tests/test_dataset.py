"""Outputs named after the article, and which built graph commands read (fictional test article)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from aigraph.cli import cli

from .conftest import ROOT

ARTICLES = ROOT / "tests" / "articles"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh current folder holding the fictional Zanthor article, its facts and extension."""
    for name in ("zanthor-deal.txt", "zanthor-deal.facts.toml", "deals.ttl"):
        shutil.copy(ARTICLES / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(runner: CliRunner, *args: str) -> tuple[str, str]:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_outputs_are_named_after_the_article(runner: CliRunner, here: Path) -> None:
    _, err = _run(runner, "build", "--facts", "zanthor-deal.facts.toml")
    assert err.startswith("Wrote graphs/zanthor-deal.ttl (")
    _, err = _run(runner, "view")
    assert err.startswith("Wrote graphs/zanthor-deal.html (")
    assert sorted(p.name for p in (here / "graphs").iterdir()) == ["zanthor-deal.html", "zanthor-deal.ttl"]
    # The commands read that graph: it is the only one here.
    out, err = _run(runner, "query", "ASK { kg:Zanthor ?p kg:Quillfeather }", "--format", "json")
    assert '"boolean":true' in out.replace(" ", "") and err == ""


def test_the_shipped_article_keeps_its_names(runner: CliRunner, here: Path) -> None:
    _, err = _run(runner, "build")
    assert err.startswith("Wrote graphs/ai-alliance.ttl (")
    shutil.copy(ROOT / "sources" / "ai-alliance-article.txt", here / "ai-alliance-article.txt")
    shutil.copy(ROOT / "sources" / "ai-alliance.facts.toml", here / "ai-alliance.facts.toml")
    _, err = _run(runner, "build", "--facts", "ai-alliance.facts.toml")
    assert err.startswith("Wrote graphs/ai-alliance.ttl (")
    _, err = _run(runner, "view")
    assert err.startswith("Wrote graphs/ai-alliance.html (")


def test_several_graphs_the_newest_is_read_and_named(runner: CliRunner, here: Path) -> None:
    _run(runner, "build")
    _run(runner, "build", "--facts", "zanthor-deal.facts.toml")
    graphs = here / "graphs"
    os.utime(graphs / "ai-alliance.ttl", (1_000_000_000, 1_000_000_000))  # older
    _, err = _run(runner, "view", "--no-open")
    lines = err.splitlines()
    assert lines[0] == (
        "aigraph: reading graphs/zanthor-deal.ttl, the newest of 2 graphs in graphs/ (--data FILE reads another)"
    )
    assert lines[1].startswith("Wrote graphs/zanthor-deal.html (")
    out, err = _run(runner, "query", "ASK { kg:Zanthor ?p kg:Quillfeather }", "--format", "json")
    assert '"boolean":true' in out.replace(" ", "") and "reading graphs/zanthor-deal.ttl" in err
    # Built again, the seed is the newest and is read.
    os.utime(graphs / "zanthor-deal.ttl", (1_000_000_000, 1_000_000_000))
    os.utime(graphs / "ai-alliance.ttl", None)
    out, _ = _run(runner, "query", "ASK { kg:Zanthor ?p kg:Quillfeather }", "--format", "json")
    assert '"boolean":false' in out.replace(" ", "")
    # --data picks one; the page is written beside it.
    _, err = _run(runner, "view", "--data", "graphs/zanthor-deal.ttl")
    assert err.startswith("Wrote graphs/zanthor-deal.html (")
    other = here / "elsewhere" / "copy.ttl"
    other.parent.mkdir()
    shutil.copy(graphs / "zanthor-deal.ttl", other)
    _, err = _run(runner, "view", "--data", str(other))
    assert err.startswith(f"Wrote {other.with_suffix('.html')} (")


def test_no_graph_here_reads_the_shipped_one(runner: CliRunner, here: Path) -> None:
    out, err = _run(runner, "query", "ASK { kg:Google aig:criticizes kg:Meta }", "--format", "json")
    assert '"boolean":true' in out.replace(" ", "") and err == ""
    _, err = _run(runner, "view")
    assert err.startswith("Wrote graphs/ai-alliance.html (")
