"""The on-disk store cache of `aigraph query --data`: hits, misses, changed files,
concurrent processes, an unwritable folder, `aigraph cache` and `--no-cache`."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from aigraph.cli import cli
from aigraph.store import cache

from .conftest import GOLDEN_TTL, ROOT

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
DEFAULT_THRESHOLD = cache.THRESHOLD  # read before any test changes it


@pytest.fixture(autouse=True)
def _cache_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test files are small: cache them all (the 16 MiB threshold has its own test)."""
    monkeypatch.setattr(cache, "THRESHOLD", 0)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "g.ttl"
    path.write_bytes(GOLDEN_TTL.read_bytes())
    return path


def _count(runner: CliRunner, data: Path, *more: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["query", QUERY, "--data", str(data), "--format", "csv", *more])
    assert result.exit_code == 0, result.output
    return int(result.stdout.splitlines()[1]), result.stderr


def _entries() -> list[cache.Entry]:
    return cache.entries()


def test_cache_lives_under_xdg_cache_home(_private_cache: Path) -> None:
    assert cache.cache_dir() == _private_cache / "aigraph"


def test_miss_then_hit(runner: CliRunner, data: Path) -> None:
    first, err = _count(runner, data)
    assert first == 817 and err == ""
    [entry] = _entries()
    assert entry.sources == [str(data.resolve())] and entry.triples == 817 and not entry.with_ontology
    again, _ = _count(runner, data)
    assert again == first
    assert [(e.path, e.created) for e in _entries()] == [(entry.path, entry.created)]  # opened, not rebuilt
    store = cache.cached_store([data], with_ontology=False)
    assert store is not None and len(store) == 817
    with pytest.raises(RuntimeError, match="read-write"):  # opened read-only: a hit never writes
        store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.NamedNode("http://e/o")))


def test_with_ontology_is_another_entry(runner: CliRunner, data: Path) -> None:
    plain, _ = _count(runner, data)
    with_onto, _ = _count(runner, data, "--with-ontology")
    assert with_onto > plain
    assert sorted(e.with_ontology for e in _entries()) == [False, True]


def test_answers_equal_without_cache(runner: CliRunner, data: Path) -> None:
    args = ["query", "members", "--data", str(data), "--with-ontology", "--format", "tsv"]
    cached = runner.invoke(cli, args)
    hit = runner.invoke(cli, args)
    plain = runner.invoke(cli, [*args, "--no-cache"])
    assert cached.exit_code == hit.exit_code == plain.exit_code == 0
    assert cached.stdout == hit.stdout == plain.stdout
    assert "kg:IBM" in plain.stdout or "id/IBM" in plain.stdout


def test_no_cache_writes_nothing(runner: CliRunner, data: Path) -> None:
    assert _count(runner, data, "--no-cache")[0] == 817
    assert _entries() == [] and not cache.cache_dir().exists()


@pytest.mark.parametrize("same_size", [False, True])
def test_a_changed_file_is_read_again(runner: CliRunner, data: Path, same_size: bool) -> None:
    _count(runner, data)
    [old] = _entries()
    text = data.read_text(encoding="utf-8")
    if same_size:  # one IRI for another of the same length: only the modification time tells
        assert "kg:Meta " in text
        data.write_text(text.replace("kg:Meta ", "kg:Mata ", 1), encoding="utf-8")
        stat = data.stat()
        os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    else:
        data.write_text(text + "\nkg:X kg:y kg:Z .\n", encoding="utf-8")
    ask = "ASK { { kg:Mata ?p ?o } UNION { ?s ?p kg:Mata } }" if same_size else "ASK { kg:X kg:y kg:Z }"
    result = runner.invoke(cli, ["query", ask, "--data", str(data), "--format", "tsv"])
    assert result.exit_code == 0 and "true" in result.stdout, result.output
    [new] = _entries()  # the stale entry is gone
    assert new.path != old.path and not old.path.exists()


def test_small_files_are_not_cached(runner: CliRunner, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "THRESHOLD", data.stat().st_size + 1)
    assert _count(runner, data)[0] == 817
    assert _entries() == []
    monkeypatch.setattr(cache, "THRESHOLD", data.stat().st_size)
    _count(runner, data)
    assert len(_entries()) == 1
    assert cache.THRESHOLD == data.stat().st_size  # (the default is 16 MiB)


def test_default_threshold() -> None:
    assert DEFAULT_THRESHOLD == 16 << 20  # 16 MiB: see the docstring of cache.THRESHOLD


def test_unwritable_cache_folder_falls_back_to_memory(
    runner: CliRunner, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    count, err = _count(runner, data)
    assert count == 817
    assert err.count("\n") == 1 and err.startswith("aigraph: note: cannot write the store cache in ")
    assert err.rstrip().endswith("; loading into memory")


def test_cache_note_escapes_the_folder_name(
    runner: CliRunner, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # $XDG_CACHE_HOME may hold a newline or a terminal escape: the note stays one inert line.
    blocked = tmp_path / "evil\n\x1b[31mred"
    blocked.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    count, err = _count(runner, data)
    assert count == 817
    assert err.count("\n") == 1 and "\x1b" not in err
    assert "evil\\x0a\\x1b[31mred" in err


def test_full_disk_falls_back_to_memory(runner: CliRunner, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(store: ox.Store, path: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache, "_load", full)
    count, err = _count(runner, data)
    assert count == 817
    assert "No space left on device" in err and err.count("\n") == 1
    assert _entries() == []
    assert not any(cache.cache_dir().glob("stores/tmp-*"))  # the half-built store is removed


def test_bad_input_is_reported_as_without_cache(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://e/> .\nex:a ex:b .\n")
    with_cache = runner.invoke(cli, ["query", QUERY, "--data", str(bad)])
    without = runner.invoke(cli, ["query", QUERY, "--data", str(bad), "--no-cache"])
    assert with_cache.exit_code == without.exit_code == 1
    assert with_cache.stderr == without.stderr
    assert with_cache.stderr.startswith(f"aigraph: error: {bad}:2: not valid Turtle")
    assert _entries() == [] and not any(cache.cache_dir().glob("stores/tmp-*"))


def test_concurrent_processes(data: Path) -> None:
    """Four processes fill the same entry at once: all answer, one entry remains, no debris."""
    script = (
        "import sys, aigraph.store.cache as c\n"
        "s = c.cached_store([sys.argv[1]], with_ontology=True, threshold=0)\n"
        "print(len(s), len(list(s.query('SELECT * { ?s a ?o }'))))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(data)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env, text=True)
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, outputs
    assert len({out for out, _ in outputs}) == 1 and all(err == "" for _, err in outputs)
    assert len(_entries()) == 1
    assert [p.name for p in (cache.cache_dir() / "stores").iterdir()] == [_entries()[0].path.name]


def test_cache_shows_and_clears(runner: CliRunner, data: Path) -> None:
    empty = runner.invoke(cli, ["cache"])
    assert empty.exit_code == 0 and f"Store cache: {cache.cache_dir()}" in empty.stdout
    assert "0 stores" in empty.stdout
    _count(runner, data)
    shown = runner.invoke(cli, ["cache"])
    assert shown.exit_code == 0
    assert "817 triples" in shown.stdout and str(data.resolve()) in shown.stdout and "1 store," in shown.stdout
    cleared = runner.invoke(cli, ["cache", "clear"])
    assert cleared.exit_code == 0 and cleared.stderr.startswith(f"Removed {cache.cache_dir()} (")
    assert not cache.cache_dir().exists()
    assert _count(runner, data)[0] == 817  # and it fills again


def test_a_corpus_build_fills_the_store_cache(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The corpus build puts its store in the cache: the first query on the TriG opens it and
    parses nothing (parsing is made to fail, and a copy of the file shows that it would)."""
    from aigraph.store import dataset

    corpus = ROOT / "tests" / "articles" / "corpus"
    out = tmp_path / "c.trig"
    assert runner.invoke(cli, ["build", "--facts", str(corpus), "-o", str(out)]).exit_code == 0
    [entry] = _entries()
    assert entry.sources == [str(out.resolve())] and not entry.with_ontology and entry.extensions == []
    assert entry.triples == len(list(ox.parse(path=str(out), format=ox.RdfFormat.TRIG)))

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the data file was parsed")

    monkeypatch.setattr(cache, "_load", no_parsing)
    monkeypatch.setattr(dataset, "load_file", no_parsing)
    query = ["query", "articles", "--format", "csv"]
    result = runner.invoke(cli, [*query, "--data", str(out)])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 3  # the header and both articles
    copy = tmp_path / "copy.trig"
    copy.write_bytes(out.read_bytes())
    result = runner.invoke(cli, [*query, "--data", str(copy)])
    assert result.exit_code != 0 and "the data file was parsed" in result.output
    # Built again, the corpus is written again: its new entry replaces the old one. It is the old
    # store with the changes made (loading the whole file again is made to fail), and holds
    # exactly what the file holds: unchanged, then after an article changed.
    def no_loading(*args: object) -> None:
        raise AssertionError("the whole store was loaded again")

    monkeypatch.setattr(cache, "_fill_from_bytes", no_loading)
    articles = tmp_path / "articles"
    shutil.copytree(corpus, articles)
    members = articles / "rotor-members.txt"
    for change in (None, ("first meeting", "first summit")):
        if change is not None:
            members.write_text(members.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
        result = runner.invoke(cli, ["build", "--facts", str(articles), "-o", str(out)])
        assert result.exit_code == 0, result.output
        [now] = _entries()
        assert now.sources == [str(out.resolve())] and now.path != entry.path
        fresh = ox.Store()
        fresh.load(path=str(out), format=ox.RdfFormat.TRIG)
        assert set(ox.Store.read_only(str(now.path))) == set(fresh) and now.triples == len(fresh)
        entry = now
    assert b"first summit" in out.read_bytes()
    # --no-cache leaves the store cache alone, as it does the articles' cache.
    other = tmp_path / "other.trig"
    assert runner.invoke(cli, ["build", "--facts", str(corpus), "-o", str(other), "--no-cache"]).exit_code == 0
    assert all(e.sources != [str(other.resolve())] for e in _entries())
