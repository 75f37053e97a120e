"""Bounded work: runaway queries stop on time with bounded memory; concurrent builds stay whole.

The query tests run ``aigraph query --timeout`` in a real process, started by a
small wrapper process that caps the address space (so a runaway cannot take
the CI machine down) and reports the wall time and the peak resident memory of
aigraph and its forked evaluator (``resource.getrusage(RUSAGE_CHILDREN)``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from aigraph.cli import cli

from .conftest import GOLDEN_TTL
from .reporting import Tally, announce

TIMEOUT = 2.0  # seconds given to --timeout
GRACE = 1.0  # the issue allows --timeout plus at most 1 s, whole process included
CAP_MB = 1536  # address-space cap for the wrapped aigraph process
PEAK_MB = 1024  # what a stopped query may have used at most
CHAIN = 4000  # nodes in the test graph (two triples each)

TALLY = Tally("bounded-work checks passed")
FIGURES: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _announce(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    announce(request.config, f"{TALLY.line()}: " + "; ".join(FIGURES))


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few thousand triples: a chain of CHAIN nodes, each with a label."""
    path = tmp_path_factory.mktemp("bounded") / "chain.ttl"
    lines = ["@prefix ex: <http://example.org/> ."]
    lines += [f'ex:n{i} ex:next ex:n{i + 1} ; ex:label "node {i}" .' for i in range(CHAIN)]
    path.write_text("\n".join(lines) + "\n")
    return path


WRAPPER = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    cap = int(sys.argv[1]) * 1024 * 1024
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    start = time.monotonic()
    run = subprocess.run(sys.argv[2:], capture_output=True, text=True, preexec_fn=limit)
    seconds = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(json.dumps({"rc": run.returncode, "seconds": seconds, "peak_mb": peak,
                      "stderr": run.stderr, "stdout": run.stdout[:2000]}))
    """
)


def measured(args: list[str], cwd: Path) -> dict:
    """Run ``python -m aigraph ARGS`` under the cap in a fresh wrapper; return its figures."""
    wrapper = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(CAP_MB), sys.executable, "-m", "aigraph", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
    assert wrapper.returncode == 0, wrapper.stderr
    return json.loads(wrapper.stdout)


RUNAWAYS = {
    "cartesian product": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "cartesian product, counted": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "unbounded property path": "SELECT (COUNT(*) AS ?n) WHERE { ?x ex:next* ?y }",
    "unbounded path both ways": "SELECT (COUNT(*) AS ?n) WHERE { ?x (ex:next|^ex:next)* ?y }",
    "two paths over any predicate": "SELECT (COUNT(*) AS ?n) WHERE { ?x (!ex:none)* ?y . ?y (!ex:none)* ?z }",
}


def _available() -> None:
    if "query" not in cli.commands:  # type: ignore[attr-defined]
        pytest.fail("aigraph query does not exist yet")


@pytest.mark.parametrize("name", list(RUNAWAYS))
def test_runaway_query_stops_on_time(name: str, chain: Path, tmp_path: Path) -> None:
    _available()
    with TALLY.case(f"timeout: {name}"):
        out = tmp_path / "answers.tsv"
        query = "PREFIX ex: <http://example.org/> " + RUNAWAYS[name]
        got = measured(["query", "--data", str(chain), query, "--timeout", str(TIMEOUT), "-o", str(out)], tmp_path)
        FIGURES.append(f"{name}: {got['seconds']:.2f} s, peak {got['peak_mb']} MB")
        assert got["rc"] == 3, got  # QueryTimeout's exit code
        lines = got["stderr"].splitlines()
        assert len(lines) == 1 and "Traceback" not in got["stderr"], lines
        assert lines[0].startswith("aigraph: error: ") and f"stopped after {TIMEOUT:g} s" in lines[0], lines
        assert got["seconds"] <= TIMEOUT + GRACE, f"took {got['seconds']:.2f} s for --timeout {TIMEOUT}"
        assert got["peak_mb"] <= PEAK_MB, f"peak memory {got['peak_mb']} MB"
        assert not out.exists() and got["stdout"] == ""


def test_a_long_query_text_is_read_within_the_time_limit(tmp_path: Path) -> None:
    # Reading the query (aigraph's lexer and limits, before Oxigraph sees it) counts against
    # --timeout as evaluating it does: an 8 MB VALUES block takes seconds to read.
    _available()
    rows = " ".join(f'(<http://example.org/{i}> "v{i}"@en {i}.5e3)' for i in range(200_000))
    big = tmp_path / "big.rq"
    big.write_text(f"SELECT ?x ?y ?z WHERE {{ VALUES (?x ?y ?z) {{ {rows} }} }} LIMIT 1\n")
    out = tmp_path / "answers.tsv"
    with TALLY.case("timeout: reading an 8 MB query"):
        got = measured(["query", str(big), "--timeout", "0.3", "-o", str(out)], tmp_path)
        FIGURES.append(f"8 MB query text: {got['seconds']:.2f} s")
        assert got["rc"] == 3, got
        lines = got["stderr"].splitlines()
        assert len(lines) == 1 and "big.rq" in lines[0] and "stopped after 0.3 s" in lines[0], lines
        assert got["seconds"] <= 0.3 + GRACE, got["seconds"]
        assert not out.exists()


def test_memory_hungry_query_fails_cleanly(chain: Path, tmp_path: Path) -> None:
    _available()
    with TALLY.case("memory: ORDER BY over a cartesian product"):
        query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a"
        # A long timeout: the cap, not the clock, must stop it; it must still end cleanly.
        got = measured(["query", "--data", str(chain), query, "--timeout", "60", "-o", "x.tsv"], tmp_path)
        FIGURES.append(f"ORDER BY cartesian: exit {got['rc']} after {got['seconds']:.2f} s, peak {got['peak_mb']} MB")
        lines = got["stderr"].splitlines()
        assert got["rc"] not in (0, 70) and len(lines) == 1 and lines[0].startswith("aigraph: error: "), got
        assert not (tmp_path / "x.tsv").exists()


def test_fast_query_is_not_slowed(chain: Path, tmp_path: Path) -> None:
    _available()
    with TALLY.case("a bounded query answers"):
        got = measured(["query", "--data", str(chain), "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "-f", "tsv"], tmp_path)
        assert got["rc"] == 0 and got["stdout"].split() == ["?n", str(2 * CHAIN)], got
        FIGURES.append(f"count over {2 * CHAIN} triples: {got['seconds']:.2f} s")


# ------------------------------------------------------------------ concurrent builds


def test_concurrent_builds_leave_a_valid_graph(tmp_path: Path) -> None:
    """Two (then three) builds at once into one file, while a reader keeps reading it."""
    with TALLY.case("concurrent builds"):
        target = tmp_path / "graph.ttl"
        target.write_bytes(GOLDEN_TTL.read_bytes())
        expected = len(list(ox.parse(GOLDEN_TTL.read_bytes(), format=ox.RdfFormat.TURTLE)))
        stop = threading.Event()
        reads: list[int] = []
        torn: list[str] = []

        def reader() -> None:
            while not stop.is_set():
                data = target.read_bytes()
                try:
                    n = len(list(ox.parse(data, format=ox.RdfFormat.TURTLE)))
                except SyntaxError as exc:
                    torn.append(str(exc))
                    continue
                reads.append(n)
                if n != expected:
                    torn.append(f"{n} triples")

        thread = threading.Thread(target=reader)
        thread.start()
        try:
            for copies in (2, 3):
                started = time.monotonic()
                procs = [
                    subprocess.Popen(
                        [sys.executable, "-m", "aigraph", "build", "-o", str(target)],
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                        cwd=tmp_path,
                    )
                    for _ in range(copies)
                ]
                results = [p.communicate(timeout=300) for p in procs]
                assert all(p.returncode == 0 for p in procs), results
                FIGURES.append(f"{copies} concurrent builds: {time.monotonic() - started:.1f} s")
        finally:
            stop.set()
            thread.join()
        assert target.read_bytes() == GOLDEN_TTL.read_bytes()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"], "temporary files were left"
        assert not torn, f"a reader saw a half-written graph: {torn[:3]}"
        assert len(reads) > 2
        FIGURES.append(f"{len(reads)} reads during the builds, none torn")


def test_interrupted_write_leaves_the_old_file(tmp_path: Path) -> None:
    """A writer that fails half-way leaves the target as it was and no temporary file."""
    from aigraph.files import write_bytes

    with TALLY.case("interrupted write"):
        target = tmp_path / "graph.ttl"
        target.write_bytes(b"old\n")

        def half(fh) -> None:  # type: ignore[no-untyped-def]
            fh.write(b"new and incompl")
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            write_bytes(target, half)
        assert target.read_bytes() == b"old\n"
        assert os.listdir(tmp_path) == ["graph.ttl"]


def test_terminated_export_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    """SIGTERM (what `timeout` and `kill` send) mid-write: old target kept, temporary file removed."""
    with TALLY.case("terminated export"):
        big = tmp_path / "big.nt"
        with big.open("w") as fh:  # about 40 MB: long enough to be caught while writing
            for i in range(400_000):
                fh.write(f'<http://example.org/s{i}> <http://example.org/p> "value number {i} of many" .\n')
        out = tmp_path / "out"
        out.mkdir()
        target = out / "g.jsonld"  # JSON-LD is built in Python: the signal lands between steps
        target.write_bytes(b"old\n")
        proc = subprocess.Popen(
            [sys.executable, "-m", "aigraph", "export", "--data", str(big), "-o", str(target)],
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.5)
        proc.terminate()
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 143 and err.endswith("aigraph: terminated\n"), (proc.returncode, err[-300:])
        assert target.read_bytes() == b"old\n"
        assert os.listdir(out) == ["g.jsonld"]


def test_output_path_ending_in_a_slash_is_refused(tmp_path: Path) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["export", "-o", f"{tmp_path}/new/"])
    assert result.exit_code == 1 and "names a folder (it ends with a slash)" in result.stderr
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------ signals and crashes (issue 16)

# Runs for ever (COUNT keeps memory flat): a query only a signal or a limit can end.
FOREVER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
ANSWER_WITHIN = 20.0  # generous: before the fix, the process never answered at all


def _started(proc: subprocess.Popen[str], seconds: float = 2.0) -> None:
    time.sleep(seconds)  # into the evaluation (startup and loading take well under a second)
    assert proc.poll() is None, proc.communicate()


def _answer(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """What the process wrote once it ended; a process that does not end is killed, and fails."""
    try:
        return proc.communicate(timeout=ANSWER_WITHIN)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError(f"still running {ANSWER_WITHIN:g} s after the signal") from None


@pytest.mark.parametrize(("signum", "code", "word"), [(2, 130, "interrupted"), (15, 143, "terminated")])
def test_signals_stop_a_query_without_a_time_limit(signum: int, code: int, word: str, tmp_path: Path) -> None:
    """Ctrl-C and SIGTERM end `aigraph query --timeout 0` (Oxigraph never returns to Python)."""
    with TALLY.case(f"signal {signum} with --timeout 0"):
        proc = subprocess.Popen(
            [sys.executable, "-m", "aigraph", "query", FOREVER, "--timeout", "0", "-o", str(tmp_path / "n.tsv")],
            stderr=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
        )
        _started(proc)
        os.kill(proc.pid, signum)
        out, err = _answer(proc)
        assert proc.returncode == code and err == f"aigraph: {word}\n" and out == "", (proc.returncode, err)
        assert os.listdir(tmp_path) == []


WATCHED = textwrap.dedent(
    """
    import sys
    from aigraph import interrupts, query
    interrupts.install()
    print("evaluating", flush=True)
    query(sys.argv[1])  # in this process, in the main thread: only the watcher can answer
    """
)


@pytest.mark.parametrize(("signum", "code", "word"), [(2, 130, "interrupted"), (15, 143, "terminated")])
def test_signal_watcher_ends_a_process_stuck_in_oxigraph(signum: int, code: int, word: str) -> None:
    """The main thread is inside Oxigraph (no fork): the watcher thread answers the signal."""
    with TALLY.case(f"signal watcher, signal {signum}"):
        proc = subprocess.Popen(
            [sys.executable, "-c", WATCHED, FOREVER], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline() == "evaluating\n"
        _started(proc, 1.0)
        os.kill(proc.pid, signum)
        _, err = _answer(proc)
        assert proc.returncode == code and err == f"aigraph: {word}\n", (proc.returncode, err)


def test_remove_on_exit_files_go_when_the_watcher_ends_the_process(tmp_path: Path) -> None:
    with TALLY.case("watcher cleanup"):
        partial = tmp_path / ".out.ttl.tmp"
        script = WATCHED.replace(
            "query(sys.argv[1])", "with interrupts.remove_on_exit(sys.argv[2]):\n    query(sys.argv[1])"
        )
        partial.write_bytes(b"half")
        proc = subprocess.Popen(
            [sys.executable, "-c", script, FOREVER, str(partial)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline() == "evaluating\n"
        _started(proc, 1.0)
        proc.terminate()
        _answer(proc)
        assert proc.returncode == 143 and not partial.exists()


def test_a_crash_of_the_query_child_is_a_clear_message() -> None:
    """Should the engine still overflow its stack, the caller gets one clear line, not a dead process."""
    import ctypes

    from aigraph.errors import AigraphError
    from aigraph.sparql.engine import Rendered
    from aigraph.sparql.limits import run_limited

    def crash() -> Rendered:
        ctypes.string_at(0)  # SIGSEGV, as a stack overflow in Rust ends
        raise AssertionError("unreachable")

    for timeout in (None, 30.0):
        with pytest.raises(AigraphError, match="the query engine crashed .*ran out of stack"):
            run_limited(crash, timeout, isolate=True)


@pytest.mark.parametrize("where", ["a full TMPDIR", "a TMPDIR that does not exist"])
def test_query_needs_no_temporary_files(where: str, tmp_path: Path) -> None:
    """The query child hands its answer through a pipe: a full (simulated: no file may grow past
    4 KiB) or missing TMPDIR changes nothing. It used to write a temporary file there."""
    with TALLY.case(f"query with {where}"):
        tmpdir = tmp_path / ("tmp" if "full" in where else "missing")
        if "full" in where:
            tmpdir.mkdir()

        def full_disk() -> None:
            import resource
            import signal

            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

        run = subprocess.run(
            [sys.executable, "-m", "aigraph", "query", "SELECT * { ?s ?p ?o }", "-f", "tsv", "--timeout", "30"],
            capture_output=True,
            env={**os.environ, "TMPDIR": str(tmpdir)},
            preexec_fn=full_disk if "full" in where else None,
            timeout=120,
        )
        assert run.returncode == 0 and run.stderr == b"", run.stderr[-300:]
        assert run.stdout.count(b"\n") > 800 and len(run.stdout) > 4096  # more than a file could hold


# ------------------------------------------------------------------ the watchdog (issue 15)

WATCHDOG = textwrap.dedent(
    """
    import socket, sys, time
    from aigraph.sparql import watchdog
    worker = watchdog.start("<test>")
    with worker.limited(float(sys.argv[1]), 64, sandbox=sys.argv[2] == "sandbox"):
        try:
            socket.socket().close()
            print("opened", flush=True)
        except PermissionError:
            print("denied", flush=True)
        time.sleep(float(sys.argv[3]))
    print("done", flush=True)
    """
)


@pytest.mark.parametrize(("sandbox", "said"), [("sandbox", "denied"), ("network", "opened")])
def test_the_query_worker_has_no_sockets(sandbox: str, said: str) -> None:
    """`aigraph query` evaluates in the process the watchdog watches: inside the limits it cannot
    open a socket (unless the network is allowed), and it leaves with the worker's status."""
    run = subprocess.run([sys.executable, "-c", WATCHDOG, "30", sandbox, "0"], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and run.stdout.split() == [said, "done"] and run.stderr == "", run


def test_the_watchdog_stops_the_worker_at_the_deadline() -> None:
    start = time.monotonic()
    run = subprocess.run([sys.executable, "-c", WATCHDOG, "1", "sandbox", "30"], capture_output=True, text=True,
                         timeout=60)
    seconds = time.monotonic() - start
    assert run.returncode == 3 and run.stdout.split() == ["denied"], run
    assert run.stderr.startswith("aigraph: error: <test>: the query was stopped after 1 s (--timeout)"), run.stderr
    assert run.stderr.count("\n") == 1 and seconds < 1 + 5, seconds  # 5: a loaded machine's start-up
