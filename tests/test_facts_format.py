"""docs/facts-format.md: its complete example builds, and it documents every key the reader accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from aigraph.cli import cli
from aigraph.facts.reader import KEYS

from .conftest import ROOT

DOC = ROOT / "docs" / "facts-format.md"
TEXT = DOC.read_text(encoding="utf-8")


def _files() -> dict[str, str]:
    """The example's files: the fenced blocks whose info string names a file."""
    return {name: body for name, body in re.findall(r"```\w+ file=(\S+)\n(.*?)```", TEXT, re.S)}


def test_the_documented_example_builds_queries_and_views(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files()
    assert sorted(files) == ["deals.ttl", "lumora-deal.facts.toml", "lumora-deal.txt"]
    for name, body in files.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    shown = re.search(r"```console\n(.*?)```", TEXT.split("## A complete example", 1)[1], re.S)
    assert shown is not None
    transcript = shown.group(1).splitlines()
    build = runner.invoke(cli, ["build", "--facts", "lumora-deal.facts.toml"])
    assert build.exit_code == 0, build.output
    assert build.stderr.strip() == transcript[1]
    built = (tmp_path / "graphs" / "lumora-deal.ttl").read_text(encoding="utf-8")
    assert "owl:imports <https://example.org/deals> , <https://w3id.org/aigraph/ontology> ." in built
    query = runner.invoke(
        cli, ["query", "SELECT ?buyer ?bought WHERE { ?buyer ex:acquired ?bought }", "--ontology", "deals.ttl",
              "--format", "table"],
    )  # fmt: skip
    assert query.exit_code == 0, query.output
    assert query.stdout.splitlines() == transcript[3:6]
    assert query.stderr.strip() == transcript[6]
    view = runner.invoke(cli, ["view", "--ontology", "deals.ttl"])
    assert view.exit_code == 0, view.output
    assert re.sub(r" in [0-9.]+ s", "", view.stderr.splitlines()[0]) == re.sub(r" in [0-9.]+ s", "", transcript[8])


def test_every_key_is_documented() -> None:
    for table, (required, optional) in KEYS.items():
        heading = f"## `[{table}]`" if table == "article" else f"## `[[{table}]]`"
        section = TEXT.split(heading, 1)[1].split("\n## ", 1)[0]
        rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+) \|", section, re.M))
        assert set(rows) == required | optional, table
        for key in required:
            assert rows[key] == "yes", (table, key)
        for key in optional:
            assert rows[key] != "yes", (table, key)


def test_the_readme_shows_the_same_session() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("## Your own article", 1)[1].split("\n## ", 1)[0]
    doc = re.search(r"```console\n(.*?)```", TEXT.split("## A complete example", 1)[1], re.S)
    assert doc is not None
    assert doc.group(1) in readme
    for name in ("deals.ttl", "lumora-deal.facts.toml"):
        body = _files()[name]
        for block in re.findall(r"```(?:turtle|toml)\n(.*?)```", readme, re.S):
            if ("@prefix" in block) == name.endswith(".ttl"):
                # Every line the README shows is in the documented file (the README shortens it).
                assert all(line in body.splitlines() for line in block.splitlines()), block


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ('predicate = "memberOf"', 'predicat = "memberOf"', 37, "unknown key predicat; did you mean 'predicate'?"),
        ('id = "lumora-deal"\n', "", 1, "[article] is missing id (id = a name made of letters, digits, - and _;"),
        ("[article]\n", "", 1, "id = ... is outside any table: put a line [article] above the article's id"),
        ("[[fact]]", "[[facts]]", 27, "unknown top-level key(s): facts; did you mean 'fact'?"),
        ('class = "Company"', 'class = "company"', 12, "'company' is not in the ontology; did you mean 'Company'"),
    ],
    ids=["misspelt-key", "missing-id", "missing-article", "misspelt-table", "lowercase-class"],
)
def test_errors_teach(tmp_path: Path, old: str, new: str, line: int, message: str) -> None:
    from aigraph.errors import AigraphError
    from aigraph.graph.build import build_graph

    for name, body in _files().items():
        (tmp_path / name).write_text(body.replace(old, new, 1) if name.endswith(".toml") else body, encoding="utf-8")
    with pytest.raises(AigraphError) as caught:
        build_graph(tmp_path / "lumora-deal.facts.toml")
    assert (caught.value.line, message in caught.value.message) == (line, True), str(caught.value)
