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


VENV = "python3 -m venv .venv && . .venv/bin/activate && "
MAIN_COMMAND = VENV + "python3 -m pip install . && aigraph build && aigraph view"
TEST_COMMAND = VENV + 'python3 -m pip install ".[test]" && python3 -m pytest'


def test_readme_ci_and_test_command_agree() -> None:
    """CI does what the README tells a user: the Debian packages, then the test command in a new venv."""
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```", 1)[0].strip() for b in quick_start.split("```console\n")[1:]]
    assert blocks == [MAIN_COMMAND, TEST_COMMAND]
    ci = (ROOT / ".ci" / "run").read_text()
    lines = ci.splitlines()
    run = next(i for i, line in enumerate(lines) if line.startswith(TEST_COMMAND))
    assert lines[run] == TEST_COMMAND + " || status=$?"
    # Fresh: whatever .venv there was is gone first, and the venv does not see the system's packages.
    assert "rm -rf .venv" in lines[:run] and "system-site-packages" not in ci
    assert "exit \"$status\"" in lines[run:]  # pytest's exit code, 5 (no tests) included, is CI's
    for package in ("chromium", "fonts-dejavu-core", "libxml2-utils"):
        assert package in ci and f"`{package}`" in README
