"""Shared fixtures: paths, the built graph, a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
FACTS = SOURCES / "ai-alliance.facts.toml"
ARTICLE = SOURCES / "ai-alliance-article.txt"
GOLDEN_TTL = ROOT / "graphs" / "ai-alliance.ttl"
ONTOLOGY = ROOT / "ontology" / "aigraph.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every process it starts) caches stores under a temporary folder,
    never in the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def built_triples() -> list[ox.Triple]:
    from aigraph.graph.build import build_graph

    return build_graph(FACTS)


@pytest.fixture
def facts_copy(tmp_path: Path) -> Path:
    """A writable copy of the facts file with the article beside it."""
    (tmp_path / ARTICLE.name).write_bytes(ARTICLE.read_bytes())
    target = tmp_path / FACTS.name
    target.write_bytes(FACTS.read_bytes())
    return target


# Real SPARQL servers (tests/servers.py), started once per session when a test asks,
# stopped by pid at the end. A server that cannot start is an error: the test fails.


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from tests.servers import start_oxigraph

    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from tests.servers import start_virtuoso

    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.cleanup()
