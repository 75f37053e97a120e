"""The on-disk store cache of `aigraph query --data`: hits, misses, changed files,
concurrent processes, an unwritable folder, `aigraph cache` and `--no-cache`."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from aigraph.cli import cli
from aigraph.store import cache, threads

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


# ------------------------------------------------------------------ keys without pathlib, hashlib, json


def test_key_is_the_sha256_of_the_json_material(data: Path, tmp_path: Path) -> None:
    """The key is made without hashlib and json (a query's start-up), and is the same as
    theirs: entries made before stay valid."""
    import hashlib
    import json

    from aigraph import __version__, resources

    odd = tmp_path / 'quote " back\\ tab\t é \u2028 \U0001f600.ttl'
    odd.write_bytes(b"")
    sources = cache._sources([data, odd])
    ext = cache._sources([odd])
    for with_ontology, extensions in ((False, []), (True, ext)):
        material = {
            "format": cache._FORMAT_VERSION,
            "aigraph": __version__,
            "pyoxigraph": ox.__version__,
            "sources": sources,
            "ontology": hashlib.sha256(resources.ontology().read_bytes()).hexdigest() if with_ontology else None,
            "extensions": extensions,
        }
        expected = hashlib.sha256(json.dumps(material, sort_keys=True).encode("utf-8")).hexdigest()[:32]
        assert cache._key(sources, with_ontology, extensions) == expected
    for value in ["\x00\x1f\x7f\udcff", 'a"b\\c', [1, -2, ("x", True, False, None)], {"b": 1, "a": [2]}, 10**30]:
        assert cache._json_text(value) == json.dumps(value, sort_keys=True)
    with pytest.raises(TypeError):
        cache._json_text(1.5)


def test_sources_resolve_as_pathlib(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "link.ttl").symlink_to(data)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    for name in ("g.ttl", "./g.ttl", "link.ttl", str(tmp_path) + "//sub/../g.ttl", Path("link.ttl")):
        if "sub" in str(name):
            (tmp_path / "sub").mkdir(exist_ok=True)
        st = Path(name).resolve().stat()
        assert cache._sources([name]) == [(str(Path(name).resolve()), st.st_size, st.st_mtime_ns)]
    for bad in ("missing.ttl", "loop"):
        with pytest.raises(OSError):
            cache._sources([bad])
        assert cache.cached_store([bad], with_ontology=False) is None


def test_cache_dir_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / ".cache" / "aigraph" == Path(cache._cache_dir())
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.cache_dir() == tmp_path / ".cache" / "aigraph"


def test_a_hit_keeps_its_files_inputs(runner: CliRunner, data: Path) -> None:
    """Read through the cache, a --data file is still an input: never the command's output."""
    _count(runner, data)
    before = data.read_bytes()
    result = runner.invoke(cli, ["query", "CONSTRUCT WHERE { ?s ?p ?o }", "--data", str(data), "-o", str(data)])
    assert result.exit_code == 1 and "is an input of this command" in result.stderr
    assert data.read_bytes() == before and len(_entries()) == 1


# ------------------------------------------------------------------ opening a store in a thread


def test_open_soon_opens_the_entry_cached_store_returns(data: Path) -> None:
    assert cache.open_soon([data], with_ontology=False) is None  # no entry yet: nothing to open
    built = cache.cached_store([data], with_ontology=False)
    assert built is not None
    del built
    opening = cache.open_soon([data], with_ontology=False)
    assert opening is not None
    opening.wait()
    assert opening.store is not None
    assert cache.cached_store([data], with_ontology=False) is opening.store  # taken once
    assert cache._opening is None
    again = cache.cached_store([data], with_ontology=False)
    assert again is not None and again is not opening.store and len(again) == 817


def test_open_soon_for_another_entry_is_not_taken(data: Path) -> None:
    for with_ontology in (False, True):
        assert cache.cached_store([data], with_ontology=with_ontology) is not None
    opening = cache.open_soon([data], with_ontology=True)
    assert opening is not None
    plain = cache.cached_store([data], with_ontology=False)
    assert plain is not None and plain is not opening.store and len(plain) == 817
    assert cache._opening is None


def test_open_soon_then_the_file_changes(runner: CliRunner, data: Path) -> None:
    """A file changed after the store began to open: its old entry is not used, and replaced."""
    _count(runner, data)
    [old] = _entries()
    opening = cache.open_soon([data], with_ontology=False)
    assert opening is not None
    data.write_text(data.read_text(encoding="utf-8") + "\nkg:X kg:y kg:Z .\n", encoding="utf-8")
    store = cache.cached_store([data], with_ontology=False)
    assert store is not None and len(store) == 818 and store is not opening.store
    [new] = _entries()
    assert new.path != old.path


def test_open_soon_failing_is_said_as_before(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cache.cached_store([data], with_ontology=False) is not None
    [entry] = _entries()
    (entry.path / "CURRENT").write_text("MANIFEST-999999\n")  # damaged: Oxigraph cannot open it
    opening = cache.open_soon([data], with_ontology=False)
    assert opening is not None
    assert cache.cached_store([data], with_ontology=False) is None
    assert opening.store is None
    err = capsys.readouterr().err
    assert err.startswith(f"aigraph: note: cannot open the cached store {entry.path} (") and err.count("\n") == 1


def test_open_soon_opens_on_small_stacks_and_a_cpu_of_its_own(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """RocksDB's opening threads start while the default stack is 1 MiB, on one CPU the caller
    leaves them; the default stack and the caller's CPUs are put back after."""
    assert cache.cached_store([data], with_ontology=False) is not None
    stack, cpus = threads.default_size(), os.sched_getaffinity(0)
    assert stack is not None and stack > threads.STACK  # Linux, glibc, ulimit -s above 1 MiB (CI's 8 MiB)
    seen: list[tuple[int | None, set[int]]] = []

    class Store:
        @staticmethod
        def read_only(path: str) -> ox.Store:
            seen.append((threads.default_size(), os.sched_getaffinity(0)))
            return ox.Store.read_only(path)

    monkeypatch.setattr(cache, "ox", SimpleNamespace(Store=Store, __version__=ox.__version__))  # the same key
    opening = cache.open_soon([data], with_ontology=False)
    assert opening is not None
    callers = os.sched_getaffinity(0)
    opening.wait()
    assert opening.store is not None and len(opening.store) == 817
    [(opening_stack, openings)] = seen
    assert opening_stack == threads.STACK
    if len(cpus) > 1:  # CI has two
        assert openings == {max(cpus)} and callers == cpus - openings
    else:
        assert openings == callers == cpus
    assert threads.default_size() == stack and os.sched_getaffinity(0) == cpus
    opening.wait()  # again (the command's last word): nothing changes
    assert os.sched_getaffinity(0) == cpus


def test_apart_where_the_system_refuses_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    cpus = os.sched_getaffinity(0)

    def refuse(pid: int, mask: object) -> None:
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(os, "sched_setaffinity", refuse)
    apart = threads.Apart()
    apart.enter()
    apart.end()
    monkeypatch.undo()
    assert os.sched_getaffinity(0) == cpus


def test_narrowed_stacks_change_only_a_larger_default() -> None:
    before = threads.default_size()
    assert before is not None
    assert threads.narrowed(before) is None and threads.default_size() == before  # already as small
    restore = threads.narrowed(before // 2)
    assert restore is not None and threads.default_size() == before // 2
    restore()
    assert threads.default_size() == before


def test_narrowed_stacks_without_the_c_functions_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not glibc or musl (no pthread_setattr_default_np): the opening goes on with the default."""
    before = threads.default_size()

    def missing(self: object, name: str, *args: object) -> None:
        raise OSError(f"{name} failed")

    monkeypatch.setattr(threads._Defaults, "_call", missing)
    assert threads.narrowed() is None
    monkeypatch.undo()
    assert threads.default_size() == before


def test_open_soon_never_raises(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It runs before the command's error handling: an error is left to cached_store, which says it."""
    assert cache.cached_store([data], with_ontology=True) is not None

    def unreadable() -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(cache, "_ontology_bytes", unreadable)
    assert cache.open_soon([data], with_ontology=True) is None
    with pytest.raises(OSError, match="Input/output error"):
        cache.cached_store([data], with_ontology=True)
