"""The built wheel installs and works from any folder (package data via importlib.resources)."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from .conftest import GOLDEN_TTL, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("aigraph-*.whl"))


def test_wheel_ships_the_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "aigraph/data/ontology/aigraph.ttl",
        "aigraph/data/ontology/shapes.ttl",
        "aigraph/data/sources/ai-alliance-article.txt",
        "aigraph/data/sources/ai-alliance.facts.toml",
        "aigraph/data/graphs/ai-alliance.ttl",
    ):
        assert needed in names, needed


def test_installed_wheel_works_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run(
        # --ignore-installed: into the venv even where aigraph is installed system-wide (as CI does)
        [py, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [py, "-c", "import aigraph; print(aigraph.__file__)"], cwd=work, capture_output=True, text=True, check=True
    ).stdout
    assert str(env_dir) in where  # the wheel, not the source tree
    aigraph = env_dir / "bin" / "aigraph"
    run = subprocess.run([aigraph, "build"], cwd=work, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (work / "graphs" / "ai-alliance.ttl").read_bytes() == GOLDEN_TTL.read_bytes()
    run = subprocess.run([aigraph, "validate"], cwd=work, capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.startswith("Conforms"), run.stderr
    run = subprocess.run([aigraph, "export", "--format", "ntriples"], cwd=work, capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.count(" .\n") == 817
