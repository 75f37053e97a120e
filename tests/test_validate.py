"""aigraph validate and the SHACL shapes: the built graph conforms; mistakes are caught."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aigraph.cli import cli

from .conftest import GOLDEN_TTL

KG = "https://w3id.org/aigraph/id/"
AIG = "https://w3id.org/aigraph/ontology#"


def test_built_graph_conforms(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Conforms: 729 triples")


def test_validate_named_files(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate", str(GOLDEN_TTL)])
    assert result.exit_code == 0
    assert "Conforms" in result.stdout


def _with(tmp_path: Path, extra: str, drop: str | None = None) -> Path:
    text = GOLDEN_TTL.read_text(encoding="utf-8")
    if drop:
        assert drop in text
        text = text.replace(drop, drop.split(" ;")[0] + " .")
    path = tmp_path / "bad.ttl"
    path.write_text(text + "\n" + extra, encoding="utf-8")
    return path


CASES = {
    "wrong domain": (
        "kg:Llama aig:memberOf kg:AIAlliance .",
        None,
        "kg:Llama aig:memberOf kg:AIAlliance: the subject is not in the domain aig:Organization",
    ),
    "wrong range": (
        "kg:Meta aig:focusArea kg:Google .",
        None,
        "kg:Meta aig:focusArea kg:Google: the object is not in the range aig:FocusArea",
    ),
    "fact without evidence": (
        "kg:Meta aig:competesWith kg:Google .",
        None,
        "kg:Meta aig:competesWith kg:Google: no aig:Fact with evidence states this triple",
    ),
    "entity without label": (
        "",
        'kg:Llama a aig:AIModel ;\n\trdfs:label "Llama" .',
        "kg:Llama rdfs:label: An entity that facts are about has no rdfs:label",
    ),
    "entity without class": (
        'kg:Mystery rdfs:label "Mystery" . kg:fact-x a aig:Fact ; rdf:subject kg:Mystery ;'
        ' rdf:predicate aig:criticizes ; rdf:object kg:Meta ; aig:quote "q" ;'
        " aig:evidence kg:ai-alliance-article-s07 .",
        None,
        "kg:Mystery rdf:type: An entity that facts are about has no rdf:type",
    ),
    "fact without sentence": (
        "kg:fact-y a aig:Fact ; rdf:subject kg:Meta ; rdf:predicate aig:criticizes ; rdf:object kg:IBM ;"
        ' aig:quote "q" .',
        None,
        "A fact has no evidence sentence",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_shapes_catch(case: str, runner: CliRunner, tmp_path: Path) -> None:
    extra, drop, expected = CASES[case]
    result = runner.invoke(cli, ["validate", str(_with(tmp_path, extra, drop))])
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("Does not conform")
    assert expected in result.stdout


def test_validate_refuses_unparsable_file(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://e/> .\nex:a ex:b .\n")
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"aigraph: error: {bad}:2: not valid Turtle")
