"""A corpus: several (fictional) articles that share entities and disagree on a value."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from aigraph.builder import build_graph
from aigraph.namespaces import AIG, KG, RDF

from .conftest import ROOT

CORPUS = ROOT / "tests" / "articles" / "corpus"
LAUNCH = CORPUS / "rotor-launch.facts.toml"
MEMBERS = CORPUS / "rotor-members.facts.toml"


def _objects(store: ox.Store, s: str, p: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None)}


def test_articles_built_apart_load_together_without_mixing() -> None:
    # Both articles have a fact "count" (30 members in one, 35 in the other):
    # each keeps its own record, value and sentence.
    store = ox.Store()
    for facts in (LAUNCH, MEMBERS):
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in build_graph(facts))
    for article, value in (("rotor-launch", "30"), ("rotor-members", "35")):
        fact = KG + f"{article}-fact-count"
        assert _objects(store, fact, RDF + "object") == {value}
        evidence = _objects(store, fact, AIG + "evidence")
        assert evidence and all(e.startswith(KG + article + "-s") for e in evidence), evidence
    assert _objects(store, KG + "OpenRotor", AIG + "approximateMemberCount") == {"30", "35"}
