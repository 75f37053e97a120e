"""Every command has help text with an example and is documented in the README."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from aigraph.cli import cli

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_what_it_is_and_two_commands() -> None:
    lines = README.splitlines()
    assert lines[0] == "# aigraph"
    assert lines[2].startswith("aigraph turns one news article")
    blocks = README.split("## Quick start", 1)[1].split("##", 1)[0].count("```console")
    assert blocks == 2


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_command_help_and_readme(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "-h"])
    assert result.exit_code == 0
    assert "Usage: " in result.output and "Examples:" in result.output
    assert f"`aigraph {name}" in README, f"aigraph {name} is not in the README"


def test_top_level_help_and_version() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in cli.commands:
        assert name in result.output
    assert CliRunner().invoke(cli, ["--version"]).output.startswith("aigraph, version ")


def test_readme_ci_and_test_command_agree() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    command = 'python3 -m pip install ".[test]" && python3 -m pytest'
    assert command in README and command in ci
