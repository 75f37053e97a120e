"""The built wheel installs and works from any folder (package data via importlib.resources)."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from aigraph import __version__

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


def _running_site_packages() -> list[str]:
    """The site-packages folders this interpreter reads (a venv's, and the base's when it shares them)."""
    dirs = [*site.getsitepackages(), site.getusersitepackages()]
    return [d for d in dict.fromkeys(dirs) if d in sys.path and Path(d).is_dir()]


def test_installed_wheel_works_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    # A venv of its own, seeing the dependencies wherever the running tests find them (a user's
    # venv, or the system's) through a .pth file: nothing is downloaded, and only the wheel is
    # installed into it. Its own site-packages comes first, so the wheel wins over any aigraph there.
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=False, with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE"}}
    purelib = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, env=env,
    ).stdout.strip()  # fmt: skip
    Path(purelib, "running-interpreter.pth").write_text("\n".join(_running_site_packages()) + "\n")
    install = subprocess.run(
        # --ignore-installed: into the venv even where aigraph is installed beside the dependencies
        [py, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", "-q", str(wheel)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert install.returncode == 0, install.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [py, "-c", "import aigraph; print(aigraph.__file__)"], cwd=work, capture_output=True, text=True, env=env
    )
    assert where.returncode == 0, where.stderr
    assert where.stdout.startswith(purelib), where.stdout  # the wheel, not the source tree
    aigraph = env_dir / "bin" / "aigraph"
    run = subprocess.run([aigraph, "build"], cwd=work, capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert (work / "graphs" / "ai-alliance.ttl").read_bytes() == GOLDEN_TTL.read_bytes()
    run = subprocess.run([aigraph, "validate"], cwd=work, capture_output=True, text=True, env=env)
    assert run.returncode == 0 and run.stdout.startswith("Conforms"), run.stderr
    run = subprocess.run([aigraph, "export", "--format", "ntriples"], cwd=work, capture_output=True, text=True, env=env)
    assert run.returncode == 0 and run.stdout.count(" .\n") == 817
    # The command is src/aigraph/__main__.py itself (pyproject's shared-scripts), run by the venv's
    # Python: pip's console-script wrapper would import re before aigraph (3-7 ms a command).
    script = aigraph.read_text(encoding="utf-8")
    assert script.splitlines()[0] == f"#!{py}", script.splitlines()[0]
    assert script.endswith("from aigraph.fasthelp import run\n\nrun()\n"), script
    shown = subprocess.run(
        [py, "-X", "importtime", aigraph, "--version"], cwd=work, capture_output=True, text=True, env=env
    )
    assert shown.returncode == 0 and shown.stdout == f"aigraph, version {__version__}\n", shown.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in shown.stderr.splitlines() if line.startswith("import time")}
    assert "aigraph.fasthelp" in imported and not imported & {"re", "enum", "click"}, sorted(imported)
