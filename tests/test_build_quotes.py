"""Quotes of a long article are found through a word index (QuotePlaces), with the same answers as a scan."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aigraph.cli import cli
from aigraph.facts.reader import read_facts
from aigraph.graph import build as b
from aigraph.sources.article import ArticleText, QuotePlaces

from .test_build import BAD_FACTS, _edit

QUOTE_CASES = ["quote not in the article", "ambiguous quote", "quote over three sentences"]


def _builder(facts: Path) -> b._Builder:
    parsed = read_facts(facts)
    return b._Builder(parsed, ArticleText.read(parsed.article.path), b.extensions_for(parsed))


def test_the_index_is_used_past_the_limit(facts_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not isinstance(getattr(_builder(facts_copy).places, "__self__", None), QuotePlaces)  # the seed: a scan
    monkeypatch.setattr(b, "_SCAN_LIMIT", 0)
    assert isinstance(getattr(_builder(facts_copy).places, "__self__", None), QuotePlaces)


def test_same_graph_through_the_index(built_triples: list, facts_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[type-arg]
    monkeypatch.setattr(b, "_SCAN_LIMIT", 0)
    assert b.to_turtle(b.build_graph(facts_copy)) == b.to_turtle(built_triples)


@pytest.mark.parametrize("case", QUOTE_CASES)
def test_same_errors_through_the_index(
    case: str, runner: CliRunner, facts_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new, message = BAD_FACTS[case]
    _edit(facts_copy, old, new)
    command = ["build", "--facts", str(facts_copy), "-o", str(tmp_path / "out.ttl")]
    scanned = runner.invoke(cli, command)
    monkeypatch.setattr(b, "_SCAN_LIMIT", 0)
    indexed = runner.invoke(cli, command)
    assert scanned.exit_code == indexed.exit_code == 1
    assert message in indexed.stderr
    assert indexed.stderr == scanned.stderr
