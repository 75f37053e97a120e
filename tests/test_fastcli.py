"""`aigraph query` and `aigraph build` without click (aigraph.fastcli, issue 15): the same
parameters, output, messages and exit codes as the click commands, and none of the heavy imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from aigraph import fastcli
from aigraph.cli import cli

from .conftest import FACTS, GOLDEN_TTL, ROOT

HIDDEN = {"AIGRAPH_DEBUG", "PYTHONIOENCODING", "LC_ALL", "LC_CTYPE", "LANG", "COLUMNS"}
FAST = [sys.executable, "-m", "aigraph"]
CLICK = [sys.executable, "-c", "from aigraph.cli import main; main()"]


def test_argument_table_is_what_click_declares_now() -> None:
    from aigraph import fastargs

    assert fastcli.render() == Path(fastargs.__file__).read_text(encoding="utf-8"), (
        "the options of a fast command changed: run tools/regenerate.py"
    )


# ------------------------------------------------------------------ the parser against click's


def click_params(command: str, argv: list[str]) -> dict[str, object] | None:
    """What click gives the command for ``argv``, or None when click refuses it (or prints help)."""
    try:
        # Under the group's context, as the command runs (click keeps the help option it makes first).
        with click.Context(cli, info_name="aigraph", help_option_names=["-h", "--help"]) as top:
            with cli.commands[command].make_context(command, list(argv), parent=top) as ctx:
                return dict(ctx.params)
    except (click.exceptions.Exit, click.ClickException):
        return None


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a file and a directory, as the cwd."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.ttl").write_text("", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    return tmp_path


# Forms the fast path must take (click agrees on their parameters).
TAKEN = [
    ("query", ["members"]),
    ("query", ["members", "--format", "tsv"]),
    ("query", ["members", "-f", "TSV"]),
    ("query", ["--format=ttl", "SELECT * { ?s ?p ?o }"]),
    ("query", ["members", "-o", "out.csv", "--data", "data.ttl", "--data", "folder", "--with-ontology"]),
    ("query", ["members", "--output=-", "--no-cache", "--infer", "--allow-network"]),
    ("query", ["competitors", "--bind", "company=kg:Google", "--bind=x=1", "--bind", "novalue"]),
    ("query", ["members", "--timeout", "0", "--max-memory", "0"]),
    ("query", ["members", "--timeout", "1.5", "--max-memory", "1073741824", "--timeout", "1e3"]),
    ("query", ["members", "--timeout", "1e308"]),
    ("query", ["members", "--base", "http://example.org/", "--endpoint", "http://localhost:7878/query"]),
    ("query", ["members", "--user", "me", "--ca-cert", "data.ttl", "--named", "data.ttl"]),
    ("query", ["members", "--ontology", "data.ttl", "--output", "--format"]),  # a value that looks like an option
    ("query", ["members", "-o", ""]),
    ("query", ["ask {}", "-o", "x=y"]),
    ("build", []),
    ("build", ["-o", "-", "--facts", "data.ttl", "--facts", "folder", "--ontology", "data.ttl"]),
    ("build", ["--allow-outside-article", "--no-cache", "--output=graphs/x.ttl"]),
]

# Forms that go to click (the fast parser returns None), whatever click then makes of them.
LEFT_TO_CLICK = [
    ("query", []),  # the argument is missing
    ("query", ["members", "extra"]),
    ("query", ["-"]),
    ("query", ["--", "members"]),
    ("query", ["members", "--"]),
    ("query", ["members", "-h"]),
    ("query", ["members", "--help"]),
    ("query", ["members", "--nope"]),
    ("query", ["members", "--form", "tsv"]),  # no abbreviations in click either
    ("query", ["members", "-ftsv"]),
    ("query", ["members", "-f=tsv"]),
    ("query", ["members", "--format"]),
    ("query", ["members", "--format", "yaml"]),
    ("query", ["members", "--format="]),
    ("query", ["members", "--infer=yes"]),
    ("query", ["members", "--timeout", "nan"]),
    ("query", ["members", "--timeout", "inf"]),
    ("query", ["members", "--timeout", "-1"]),
    ("query", ["members", "--timeout", "1e400"]),
    ("query", ["members", "--timeout", " 3"]),
    ("query", ["members", "--timeout", "1_0"]),
    ("query", ["members", "--max-memory", "1.5"]),
    ("query", ["members", "--max-memory", "1073741825"]),
    ("query", ["members", "--max-memory", "-1"]),
    ("query", ["members", "--max-memory", "010"]),
    ("query", ["members", "--max-memory", "\u0661\u0662"]),  # Arabic-Indic digits: int() takes them
    ("query", ["members", "--ca-cert", "folder"]),
    ("query", ["members\udcff"]),
    ("query", ["members", "--bind", "x=\udcff"]),
    ("query", ["members", "-1"]),
    ("build", ["members"]),
    ("build", ["--facts"]),
    ("build", ["-x"]),
    ("queries", []),
    ("nosuch", ["members"]),
]


@pytest.mark.parametrize(("command", "argv"), TAKEN)
def test_fast_parser_gives_what_click_gives(command: str, argv: list[str], files: Path) -> None:
    fast = fastcli.parse(command, argv)
    assert fast is not None, "the fast path should take this command line"
    slow = click_params(command, argv)
    assert slow is not None and fast == slow
    assert {k: type(v) for k, v in fast.items()} == {k: type(v) for k, v in slow.items()}  # Path, not str


@pytest.mark.parametrize(("command", "argv"), TAKEN)
def test_plain_paths_print_as_click_paths(command: str, argv: list[str], files: Path) -> None:
    """``plain_paths`` (the fast query) gives each Path click gives as the text it prints."""
    plain = fastcli.parse(command, argv, plain_paths=True)
    slow = click_params(command, argv)
    assert plain is not None and slow is not None

    def printed(value: object) -> object:
        if isinstance(value, tuple):
            return tuple(printed(v) for v in value)
        return str(value) if isinstance(value, Path) else value

    assert plain == {k: printed(v) for k, v in slow.items()}
    values = [v for value in plain.values() for v in (value if isinstance(value, tuple) else [value])]
    assert not any(isinstance(v, Path) for v in values)


@pytest.mark.parametrize(
    "raw",
    ["", ".", "./", "/", "//", "///", "a", "a/", "./a", "a/./b", "a//b", "//a//b/", "///a", "../a/..", "a/.../b",
     ". /x", "a/.", "/./", "\\x/y", "é/\udcff", "~/x", "a\nb"],
)
def test_plain_path_is_what_pathlib_prints(raw: str) -> None:
    assert fastcli.plain_path(raw) == str(Path(raw))


@pytest.mark.parametrize(("command", "argv"), LEFT_TO_CLICK)
def test_fast_parser_leaves_the_rest_to_click(command: str, argv: list[str], files: Path) -> None:
    assert fastcli.parse(command, argv) is None


def test_an_unreadable_file_is_left_to_click(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As os.access answers for a file without read permission (root reads every file: no chmod here).
    access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: access(p, mode) and not str(p).endswith("data.ttl"))
    assert click_params("query", ["members", "--data", "data.ttl"]) is None
    assert fastcli.parse("query", ["members", "--data", "data.ttl"]) is None
    assert fastcli.parse("query", ["members", "--data", "folder"]) is not None


# ------------------------------------------------------------------ whole commands, both ways


def both(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """The command run through the entry point (fast when it can be), then through click."""
    env = {k: v for k, v in os.environ.items() if k not in HIDDEN}
    env["PYTHONPATH"] = str(ROOT / "src")
    fast, slow = (
        subprocess.run([*prefix, *args], cwd=cwd, env=env, capture_output=True, timeout=120) for prefix in (FAST, CLICK)
    )
    return fast, slow


FOREVER = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["query", "members", "--format", "tsv"], 0),
        (["query", "members"], 0),
        (["query", "competitors", "--bind", "company=kg:Google", "-f", "csv"], 0),
        (["query", "CONSTRUCT WHERE { kg:Meta ?p ?o }", "-f", "nt"], 0),
        (["query", "ASK { kg:Microsoft aig:competesWith kg:IBM }", "--infer"], 0),
        (["query", "members", "--bind", "novalue"], 2),
        (["query", "members", "--endpoint", "http://127.0.0.1:9/query", "--infer"], 2),
        (["query", "nosuch"], 1),
        (["query", "SELECT * WHERE {"], 1),
        (["query", "SELECT * { SERVICE <http://example.org/> { ?s ?p ?o } }"], 1),
        (["query", "members", "--format", "ttl"], 1),
        (["query", "missing.rq"], 1),
        (["query", "members", "--data", "missing.ttl"], 1),
        (["query", FOREVER, "--timeout", "1", "-f", "tsv"], 3),
    ],
)
def test_fast_and_click_commands_answer_alike(args: list[str], code: int, tmp_path: Path) -> None:
    fast, slow = both(args, tmp_path)
    assert fast.returncode == slow.returncode == code, (fast.stderr, slow.stderr)
    assert fast.stdout == slow.stdout
    assert fast.stderr == slow.stderr
    if code:
        assert fast.stderr.count(b"\n") == 1 and fast.stderr.startswith(b"aigraph: error: "), fast.stderr


def test_the_watchdog_names_the_query_it_stopped(tmp_path: Path) -> None:
    # The fast path forks the watchdog before it knows the query: the worker tells it the source later.
    (tmp_path / "forever.rq").write_text(FOREVER, encoding="utf-8")
    fast, slow = both(["query", "forever.rq", "--timeout", "1", "-o", "out.tsv"], tmp_path)
    assert fast.returncode == slow.returncode == 3
    assert fast.stderr == slow.stderr
    assert fast.stderr.startswith(b"aigraph: error: forever.rq: the query was stopped after 1 s (--timeout)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forever.rq"]  # nothing half-written


def test_fast_and_click_write_the_same_files(tmp_path: Path) -> None:
    data = tmp_path / "g.ttl"
    data.write_bytes(GOLDEN_TTL.read_bytes())
    for name in ("fast", "click"):
        (tmp_path / name).mkdir()
    fast, slow = (
        subprocess.run(
            [*prefix, "query", "members", "--data", str(data), "--with-ontology", "-o", f"{name}/out.csv"],
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
        for prefix, name in ((FAST, "fast"), (CLICK, "click"))
    )
    assert fast.returncode == slow.returncode == 0, (fast.stderr, slow.stderr)
    assert fast.stdout == slow.stdout == b""
    assert fast.stderr.replace(b"fast/", b"click/") == slow.stderr == b"Wrote click/out.csv (csv).\n"
    assert (tmp_path / "fast/out.csv").read_bytes() == (tmp_path / "click/out.csv").read_bytes()
    # The output is never one of the inputs, on either path.
    fast, slow = both(["query", "CONSTRUCT WHERE { ?s ?p ?o }", "--data", str(data), "-o", str(data)], tmp_path)
    assert fast.returncode == slow.returncode == 1 and fast.stderr == slow.stderr
    assert b"is an input of this command" in fast.stderr


def test_fast_and_click_builds_alike(tmp_path: Path) -> None:
    fast, slow = both(["build", "--facts", str(FACTS), "-o", "-"], tmp_path)
    assert fast.returncode == slow.returncode == 0, (fast.stderr, slow.stderr)
    assert fast.stdout == slow.stdout == GOLDEN_TTL.read_bytes()
    fast, slow = both(["build", "--facts", str(tmp_path / "none.facts.toml")], tmp_path)
    assert fast.returncode == slow.returncode == 1 and fast.stderr == slow.stderr


# ------------------------------------------------------------------ what the seed query imports


# Every module here cost the seed query milliseconds of start-up; none is needed to answer it.
NOT_IMPORTED = [
    "click",
    "dataclasses",
    "inspect",
    "typing",
    "json",
    "rdflib",
    "http.client",
    "ssl",
    "email",
    "urllib.request",
    "pathlib",  # with urllib.parse and ipaddress
    "urllib.parse",
    "ipaddress",
    "threading",  # the Ctrl-C watcher starts on _thread; the progress line imports it on a terminal
    "re",  # with enum: imported by the functions that use it (a saved query's name is read without it)
    "enum",
    "signal",  # its functions come from _signal, without its enums
    "functools",  # with collections: aigraph.lean's cache instead
    "collections",
    "contextlib",  # context managers on the query path are classes (or aigraph.lean's, made when used)
    "ctypes",  # the socket filter and the opening's thread stacks call C through aigraph.clib (_ctypes)
]

# Says, as the process leaves (os._exit: the commands skip the interpreter's teardown), which
# of the banned modules were imported.
LEAVE_SPY = """
_exit = os._exit
def leave(code):
    sys.stderr.write("modules: " + repr(sorted(m for m in {banned!r} if m in sys.modules)) + "\\n")
    sys.stderr.flush()
    _exit(code)
os._exit = leave
"""

SPY = """
import os, sys
""" + LEAVE_SPY + """sys.argv = ["aigraph", *{args!r}]
from aigraph.fasthelp import run
run()
"""


@pytest.mark.parametrize("args", [["query", "members", "--format", "tsv"], ["query", "members", "--timeout", "0"]])
def test_the_seed_query_imports_none_of_the_heavy_modules(args: list[str], tmp_path: Path) -> None:
    code = SPY.format(banned=NOT_IMPORTED, args=args)
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 4  # the header and three members
    lines = done.stderr.splitlines()
    assert lines and all(line == "modules: []" for line in lines), done.stderr


# ------------------------------------------------------------------ a query of a cached store


CACHED_BANNED = [*NOT_IMPORTED, "hashlib", "_hashlib", "json"]

CACHED_SPY = """
import os, sys
from aigraph.store import cache
cache.THRESHOLD = 0  # the test file is small: cache it (16 MiB by default)
took = cache._take_opened
def take(final):
    store = took(final)
    sys.stderr.write(f"opened in a thread: {{store is not None}}\\n")
    return store
cache._take_opened = take
""" + LEAVE_SPY + """sys.argv = ["aigraph", *sys.argv[1:]]
if sys.argv[1] == "--click":
    del sys.argv[1]
    from aigraph.cli import main
    main()
else:
    from aigraph.fasthelp import run
    run()
"""


def test_a_cached_query_imports_none_of_the_heavy_modules(tmp_path: Path) -> None:
    """A query of a cached store (a hit) reads its keys without pathlib, hashlib or json, opens
    the store in a thread while it imports the rest, and answers as the click command does."""
    data = tmp_path / "g.ttl"
    data.write_bytes(GOLDEN_TTL.read_bytes())
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    code = CACHED_SPY.format(banned=CACHED_BANNED)
    args = ["query", "members", "--data", "./g.ttl", "--with-ontology", "-f", "tsv"]

    def run(*prefix: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", code, *prefix, *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)

    first = run()  # a miss: builds the entry
    assert first.returncode == 0 and "opened in a thread: False" in first.stderr, first.stderr
    hit, click_hit = run(), run("--click")
    assert hit.returncode == click_hit.returncode == 0, (hit.stderr, click_hit.stderr)
    assert hit.stdout == click_hit.stdout == first.stdout and hit.stdout.count("\n") == 4
    lines = hit.stderr.splitlines()
    assert lines[0] == "opened in a thread: True", hit.stderr
    assert lines[1:] == ["modules: []"] * 2, hit.stderr  # the worker, then the watchdog
    assert "opened in a thread: False" in click_hit.stderr  # click: no thread, the store is opened when asked
    assert len(list((tmp_path / "xdg" / "aigraph" / "stores").iterdir())) == 1


THREAD_SPY = """
import _thread, os, sys
from aigraph.store import cache, threads
cache.THRESHOLD = 0
started = _thread.start_new_thread
def spy(func, args, *more):
    cpus = len(os.sched_getaffinity(0))
    sys.stderr.write(f"thread {func.__name__}: stack {threads.default_size()}, {cpus} cpus\\n")
    return started(func, args, *more)
_thread.start_new_thread = spy
sys.argv = ["aigraph", *sys.argv[1:]]
from aigraph.fasthelp import run
run()
"""


def test_only_the_opening_thread_starts_on_its_small_stack_and_cpu(tmp_path: Path) -> None:
    """The signal watcher starts before the cached store's opening narrows the stacks and the
    caller's CPUs: it keeps the process's defaults; the opening thread gets 1 MiB."""
    data = tmp_path / "g.ttl"
    data.write_bytes(GOLDEN_TTL.read_bytes())
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    args = ["query", "members", "--data", "./g.ttl", "-f", "tsv"]
    runs = [subprocess.run([sys.executable, "-c", THREAD_SPY, *args], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=120) for _ in range(2)]  # a miss (builds the entry), then a hit
    assert all(r.returncode == 0 and r.stdout.count("\n") == 4 for r in runs), [r.stderr for r in runs]
    from aigraph.store import threads

    stack, cpus = threads.default_size(), len(os.sched_getaffinity(0))
    started = [line for line in runs[1].stderr.splitlines() if line.startswith("thread ")]
    assert started == [
        f"thread _watch: stack {stack}, {cpus} cpus",
        f"thread _run: stack {threads.STACK}, {max(cpus - 1, 1)} cpus",  # the caller's, as it starts the opening
    ], runs[1].stderr


def test_saved_query_names_are_read_as_the_regex_reads_them() -> None:
    """engine._is_name is ``[A-Za-z][\\w-]*`` in full, without re."""
    import re

    from aigraph.sparql.engine import _is_name

    pattern = re.compile(r"[A-Za-z][\w-]*")
    samples = ["", "a", "members", "x-1", "a_b", "-a", "1a", "a b", "a\n", "a.rq", "\u00e9", "a\u00e9", "a\u0301",
               "a\u0663", "a\u2167", "a\u00b2", "K\u212a", "\u212a", "a/b", "a:b", "A_\u4e00"]
    samples += ["a" + chr(c) for c in range(0x20, 0x3000)]
    for text in samples:
        assert _is_name(text) == bool(pattern.fullmatch(text)), repr(text)


@pytest.mark.parametrize(
    "data", [b"plain\t\"caf\xc3\xa9\"\n", b"a\x1bb\x00\x7f\n", b"\xc2\x9b\xc2\xa3\xc2\xb0\n", b"", b"\x0b\x0c\r\n"]
)
def test_tsv_controls_without_re_when_there_are_none(data: bytes) -> None:
    import re

    from aigraph.sparql import results

    def escape(m: re.Match[bytes]) -> bytes:
        return f"\\u{ord(m.group().decode('utf-8')):04X}".encode("ascii")

    assert results._tsv_controls(data) == re.sub(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]", escape, data)
