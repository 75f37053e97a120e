"""Outputs: what ``-o`` may replace, with which permissions, and what it refuses.

Issue 16, items 3 (modes), 4 (an output that is the command's own input),
11 (SIGHUP) and 12 (a FIFO with no reader). Each refusal is one line on
stderr, a non-zero exit, and the input left byte for byte as it was.
"""

from __future__ import annotations

import os
import select
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aigraph.cli import cli

from .conftest import ARTICLE, FACTS, GOLDEN_TTL, ROOT

QUERY = "CONSTRUCT WHERE { ?s ?p ?o }"


def invoke(args: list[str]) -> Result:
    return CliRunner().invoke(cli, args)


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@contextmanager
def cwd(folder: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def refused(result: Result, shown: str, fragment: str) -> None:
    assert result.exit_code == 1, (result.exit_code, result.stderr, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"aigraph: error: {shown}: "), lines
    assert fragment in lines[0], lines[0]
    assert result.stdout == ""


# ------------------------------------------------------------------ item 4: output = input


def _data(tmp: Path) -> Path:
    data = tmp / "g.ttl"
    data.write_bytes(GOLDEN_TTL.read_bytes())
    return data


def _facts(tmp: Path) -> Path:
    (tmp / ARTICLE.name).write_bytes(ARTICLE.read_bytes())
    facts = tmp / FACTS.name
    facts.write_bytes(FACTS.read_bytes())
    return facts


def _query_file(tmp: Path) -> Path:
    rq = tmp / "q.rq"
    rq.write_text(QUERY + "\n")
    return rq


def _deal(tmp: Path) -> Path:
    """The fictional Zanthor article, its facts and its ontology extension deals.ttl."""
    for name in ("zanthor-deal.txt", "zanthor-deal.facts.toml", "deals.ttl"):
        shutil.copy(ROOT / "tests" / "articles" / name, tmp / name)
    return tmp / "deals.ttl"


def _article(tmp: Path) -> Path:
    _facts(tmp)
    return tmp / ARTICLE.name


def _build(tmp: Path, out: str) -> list[str]:
    return ["build", "--facts", str(tmp / FACTS.name), "-o", out]


def _with_data(*args: str) -> Callable[[Path, str], list[str]]:
    return lambda tmp, out: [args[0], "--data", str(tmp / "g.ttl"), *args[1:], "-o", out]


# name -> (make the inputs in a folder and return the one -o will name, the arguments for an -o path)
SETUPS: dict[str, tuple[Callable[[Path], Path], Callable[[Path, str], list[str]]]] = {
    "build -o the facts file": (_facts, _build),
    "build -o the article": (_article, _build),
    "export -o the data": (_data, _with_data("export")),
    "export -f ntriples -o the data (the streaming path)": (_data, _with_data("export", "-f", "ntriples")),
    "export -f jsonld -o the second data file": (
        _data,
        lambda tmp, out: ["export", "--data", str(GOLDEN_TTL), "--data", str(tmp / "g.ttl"), "-f", "jsonld", "-o", out],
    ),
    "build -o the extension the facts file names": (
        _deal,
        lambda tmp, out: ["build", "--facts", str(tmp / "zanthor-deal.facts.toml"), "-o", out],
    ),
    "export --ontology -o the extension": (
        _deal,
        lambda tmp, out: ["export", "--ontology", str(tmp / "deals.ttl"), "--with-ontology", "-o", out],
    ),
    "view --ontology -o the extension": (
        _deal,
        lambda tmp, out: ["view", "--ontology", str(tmp / "deals.ttl"), "-o", out],
    ),
    "view -o the data": (_data, _with_data("view")),
    "query -o the data": (_data, _with_data("query", QUERY)),
    "query -o the query file": (
        _query_file,
        lambda tmp, out: ["query", str(tmp / "q.rq"), "--data", str(GOLDEN_TTL), "-f", "turtle", "-o", out],
    ),
}

# How the -o path names the input: the same string, another spelling, or another name for the file.
SPELLINGS: dict[str, Callable[[Path], str]] = {
    "same name": str,
    "./ spelling": lambda p: f"{p.parent}/./{p.name}",
    "hard link": lambda p: (os.link(p, p.parent / f"hard-{p.name}"), str(p.parent / f"hard-{p.name}"))[1],
    "symbolic link": lambda p: ((p.parent / f"sym-{p.name}").symlink_to(p.name), str(p.parent / f"sym-{p.name}"))[1],
}


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
@pytest.mark.parametrize("setup", sorted(SETUPS))
def test_output_onto_an_input_is_refused(setup: str, spelling: str, tmp_path: Path) -> None:
    make_inputs, args = SETUPS[setup]
    guarded = make_inputs(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    mode = stat.S_IMODE(guarded.stat().st_mode)
    target = SPELLINGS[spelling](guarded)
    result = invoke(args(tmp_path, target))
    refused(result, target, "is an input of this command")
    if spelling in ("hard link", "symbolic link"):
        assert f"({guarded}, the same file)" in result.stderr
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == {**before, **{n: after[n] for n in after.keys() - before.keys()}}, "an input changed"
    assert guarded.read_bytes() == before[guarded.name]
    assert stat.S_IMODE(guarded.stat().st_mode) == mode
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_default_input_is_guarded_too(tmp_path: Path) -> None:
    """``export`` and ``view`` read graphs/ai-alliance.ttl here when it exists: -o may not name it."""
    built = tmp_path / "graphs" / "ai-alliance.ttl"
    built.parent.mkdir()
    built.write_bytes(GOLDEN_TTL.read_bytes())
    with cwd(tmp_path):
        for args in (["export", "-f", "ntriples"], ["view"], ["query", QUERY]):
            refused(invoke([*args, "-o", "graphs/ai-alliance.ttl"]), "graphs/ai-alliance.ttl", "is an input")
    assert built.read_bytes() == GOLDEN_TTL.read_bytes()


def test_stdout_appended_to_an_input_is_refused(tmp_path: Path) -> None:
    """Like ``cat x >> x``: the export would read what it writes (a real process, a real stdout)."""
    data = _data(tmp_path)
    with data.open("ab") as out:
        run = subprocess.run(
            [sys.executable, "-m", "aigraph", "export", "--data", str(data), "-f", "ntriples"],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert run.returncode == 1, run.stderr
    assert (
        run.stderr == f"aigraph: error: {data}: standard output is this input file: aigraph never writes over"
        " its own input; choose another output\n"
    )
    assert data.read_bytes() == GOLDEN_TTL.read_bytes()


def test_library_calls_are_guarded(tmp_path: Path) -> None:
    import aigraph
    from aigraph.graph.build import build
    from aigraph.view.page import write_view

    data = _data(tmp_path)
    facts = _facts(tmp_path)
    with pytest.raises(aigraph.AigraphError, match="is an input of this command"):
        aigraph.export("ntriples", data, data=[data])
    with pytest.raises(aigraph.AigraphError, match="is an input of this command"):
        write_view(data, data=[data])
    with pytest.raises(aigraph.AigraphError, match="is an input of this command"):
        build(facts, facts)
    assert data.read_bytes() == GOLDEN_TTL.read_bytes() and facts.read_bytes() == FACTS.read_bytes()
    # Outside a command the writer is free: read a file, then write it (a library user's choice).
    from aigraph.files import write_bytes
    from aigraph.rdfio import read_rdf, serialize

    write_bytes(data, serialize(read_rdf(data), "ntriples"))
    assert data.read_bytes().startswith(b"<")


def test_a_different_file_with_the_same_content_is_fine(tmp_path: Path) -> None:
    data = _data(tmp_path)
    copy = tmp_path / "copy.ttl"
    copy.write_bytes(data.read_bytes())
    result = invoke(["export", "--data", str(data), "-o", str(copy)])
    assert result.exit_code == 0, result.stderr


# ------------------------------------------------------------------ item 3: permissions


@pytest.mark.parametrize("command", ["build", "export", "view", "query"])
def test_a_replaced_file_keeps_its_mode(command: str, tmp_path: Path) -> None:
    target = tmp_path / {"build": "g.ttl", "export": "g.ttl", "view": "g.html", "query": "r.ttl"}[command]
    target.write_bytes(b"private\n")
    target.chmod(0o600)
    args = {
        "build": ["build", "--facts", str(FACTS)],
        "export": ["export"],
        "view": ["view", "--data", str(GOLDEN_TTL)],
        "query": ["query", QUERY, "--data", str(GOLDEN_TTL)],
    }[command]
    with umask(0o022):
        result = invoke([*args, "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes() != b"private\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_odd_modes_are_kept_but_not_set_id_bits(tmp_path: Path) -> None:
    target = tmp_path / "g.ttl"
    for before, after in ((0o640, 0o640), (0o604, 0o604), (0o755, 0o755), (0o4755, 0o755), (0o2770, 0o770)):
        target.write_bytes(b"old\n")
        target.chmod(before)
        assert invoke(["export", "-o", str(target)]).exit_code == 0
        assert stat.S_IMODE(target.stat().st_mode) == after, oct(before)


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077, 0o002])
def test_a_new_file_follows_the_umask(mask: int, tmp_path: Path) -> None:
    target = tmp_path / "new" / "g.ttl"
    with umask(mask):
        assert invoke(["export", "-o", str(target)]).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_owner_and_group_are_kept(tmp_path: Path) -> None:
    """Root keeps both; anyone else keeps the group when they belong to it, else the file becomes theirs."""
    target = tmp_path / "g.ttl"
    target.write_bytes(b"old\n")
    if os.geteuid() == 0:
        os.chown(target, 65534, 65534)
        expected = (65534, 65534)
    else:
        expected = (os.geteuid(), os.getegid())
    tmp_path.chmod(0o777)
    assert invoke(["export", "-o", str(target)]).exit_code == 0
    st = target.stat()
    assert (st.st_uid, st.st_gid) == expected


def test_a_symbolic_link_is_written_through(tmp_path: Path) -> None:
    """As cp and editors do: the file it points to is replaced (keeping its mode), the link stays."""
    real = tmp_path / "real.ttl"
    real.write_bytes(b"old\n")
    real.chmod(0o640)
    link = tmp_path / "link.ttl"
    link.symlink_to("real.ttl")
    assert invoke(["export", "-o", str(link)]).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == "real.ttl"
    assert real.read_bytes() == invoke(["export"]).stdout_bytes
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_dangling_symbolic_link_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "link.ttl"
    link.symlink_to("nowhere/real.ttl")
    refused(invoke(["export", "-o", str(link)]), str(link), "a broken or looping symbolic link")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ttl"]


# ------------------------------------------------------------------ item 12: pipes and devices


@pytest.mark.parametrize("command", ["build", "export", "view", "query"])
def test_a_fifo_nobody_reads_is_refused_at_once(command: str, tmp_path: Path) -> None:
    """In a real process with a time limit: the old code blocked in open() for ever."""
    fifo = tmp_path / "out.pipe"
    os.mkfifo(fifo)
    args = {
        "build": ["build"],
        "export": ["export"],
        "view": ["view"],
        "query": ["query", QUERY, "-f", "turtle"],
    }[command]
    run = subprocess.run(
        [sys.executable, "-m", "aigraph", *args, "-o", str(fifo)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert run.returncode == 1
    assert run.stderr == (
        f"aigraph: error: {fifo}: is a named pipe (FIFO) that no program is reading: aigraph does not wait;"
        " start the reader first, or give a regular file\n"
    )
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_fifo_with_a_reader_gets_the_output(tmp_path: Path) -> None:
    fifo = tmp_path / "out.pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    opened = threading.Event()

    def read() -> None:
        # Open without waiting for a writer; select() then waits for data, and an empty
        # read after it means the writer has closed its end.
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        opened.set()
        chunks: list[bytes] = []
        try:
            while select.select([fd], [], [], 60)[0]:
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(fd)
        got.append(b"".join(chunks))

    reader = threading.Thread(target=read)
    reader.start()
    opened.wait(10)
    result = invoke(["export", "-f", "ntriples", "-o", str(fifo)])
    reader.join(60)
    assert result.exit_code == 0, result.stderr
    assert got and got[0].count(b"\n") > 100 and got[0].startswith(b"<")


def test_dev_null_is_an_output(tmp_path: Path) -> None:
    result = invoke(["export", "-o", os.devnull])
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_full_device_is_one_line(tmp_path: Path) -> None:
    refused(invoke(["export", "-o", "/dev/full"]), "/dev/full", "No space left on device")


def test_a_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        refused(invoke(["export", "-o", str(path)]), str(path), "is a socket")


# ------------------------------------------------------------------ item 11: SIGHUP

# Run the real entry point, with os.fsync (called once the output is written to the
# temporary file, before it is renamed) sending the signal: deterministic, no sleeps.
_SIGNAL_MID_WRITE = """
import os, signal, sys
from aigraph import files, cli
real, signum = os.fsync, getattr(signal, sys.argv[1])
def fsync(fd):
    os.kill(os.getpid(), signum)
    real(fd)
files.os.fsync = fsync
sys.argv = ["aigraph", *sys.argv[2:]]
cli.main()
"""


@pytest.mark.parametrize(("signame", "code", "said"), [("SIGHUP", 129, "hung up"), ("SIGTERM", 143, "terminated")])
def test_a_signal_mid_write_keeps_the_old_file_and_leaves_no_temporary(
    signame: str, code: int, said: str, tmp_path: Path
) -> None:
    target = tmp_path / "g.jsonld"
    target.write_bytes(b"old\n")
    run = subprocess.run(
        [sys.executable, "-c", _SIGNAL_MID_WRITE, signame, "export", "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (run.returncode, run.stderr) == (code, f"aigraph: {said}\n")
    assert target.read_bytes() == b"old\n"
    assert os.listdir(tmp_path) == ["g.jsonld"]


def test_sighup_stays_ignored_under_nohup(tmp_path: Path) -> None:
    import signal

    target = tmp_path / "g.ttl"
    run = subprocess.run(
        [sys.executable, "-c", _SIGNAL_MID_WRITE, "SIGHUP", "export", "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),  # what nohup does
    )
    assert run.returncode == 0, run.stderr
    assert target.read_bytes() == invoke(["export"]).stdout_bytes
