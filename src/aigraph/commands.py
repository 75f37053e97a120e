"""The bodies of the commands that run without click (issue 15): one body per command.

:mod:`aigraph.cli` declares the options (click) and calls these functions with
the values click parsed; :mod:`aigraph.fastcli` calls the same functions with
the values it parsed from the table generated from those click declarations.
So nothing here imports click: a wrong combination of options is a
:class:`aigraph.errors.UsageError` (exit 2, as click's own), and every other
failure an :class:`aigraph.errors.AigraphError`.

:func:`invoke` runs a body as a command (one line on stderr, an exit code,
never a traceback); :func:`prepare_process` and :func:`finish_process` are what
the ``aigraph`` process does around it.
"""

from __future__ import annotations

import io
import os
import sys

from .errors import AigraphError, UsageError, printable

TYPE_CHECKING = False  # typing and pathlib cost milliseconds of a query's start-up (mypy reads the name)
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path


def say(text: str) -> None:
    """A status line on stderr; the paths it shows may hold a newline or an escape sequence."""
    sys.stderr.write(printable(text) + "\n")
    sys.stderr.flush()


def error(message: str) -> None:
    # Through the errors module's escaping: a message may quote terminal controls.
    say(f"aigraph: error: {AigraphError(message)}")


def count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


# Short names people type for --format, as file extensions spell them.
ALIASES = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "rdf": "xml"}


MAX_STDIN = 16 << 20
"""The longest query read from standard input."""


def stdin_text() -> str:
    """Standard input as UTF-8 text, or one clear error."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise AigraphError("standard input is closed", path="<stdin>")
    raw = stream.read(MAX_STDIN + 1)  # `query - < /dev/zero` must not read for ever
    if len(raw) > MAX_STDIN:
        raise AigraphError(f"the query is longer than {MAX_STDIN >> 20} MiB, more than aigraph reads", path="<stdin>")
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise AigraphError(f"not UTF-8 text (byte {exc.start})", path="<stdin>") from None


def note_graph(data: Sequence[str | Path]) -> None:
    """Say which graph a command reads when graphs/ holds several (it reads the newest)."""
    if data:
        return
    from .store.dataset import GRAPHS, built_files

    found = built_files()
    if len(found) > 1:
        say(f"aigraph: reading {found[0]}, the newest of {len(found)} graphs in {GRAPHS}/ (--data FILE reads another)")


whole_process = False
"""True when the ``aigraph`` command runs (:func:`prepare_process`): the process is the command
and nothing else, so ``query`` may fork its watchdog (the original process only waits, then leaves)."""


# ------------------------------------------------------------------ build


def build(
    output: str | None,
    facts_in: tuple[Path, ...],
    ontology: tuple[Path, ...],
    allow_outside_article: bool,
    no_cache: bool,
) -> None:
    """``aigraph build`` (its help text is the click command's)."""
    if whole_process:  # this process is the command: pyshacl without rdflib's unused SPARQL parser
        from .graph.validate import import_pyshacl_lean

        import_pyshacl_lean()
    if len(facts_in) > 1 or (facts_in and facts_in[0].is_dir()):
        from .graph.corpus import CORPUS_OUTPUT, build_corpus

        output = output if output is not None else str(CORPUS_OUTPUT)
        built = build_corpus(
            facts_in, output, ontology=ontology, allow_outside_article=allow_outside_article, cache=not no_cache
        )
        if output != "-":
            say(f"Wrote {output} ({built.articles} articles, {built.quads} quads, {built.facts} facts with evidence).")
        return
    from .graph.build import build as run_build
    from .graph.build import default_output

    facts = facts_in[0] if facts_in else None
    if output is None:
        output = str(default_output(facts))
    triples = run_build(facts, output, ontology=ontology, allow_outside_article=allow_outside_article)
    if output != "-":
        facts_n = sum(1 for t in triples if str(t.object).endswith("#Fact>"))
        say(f"Wrote {output} ({len(triples)} triples, {facts_n} facts with evidence).")


# ------------------------------------------------------------------ query


def query(
    query_arg: str,
    fmt: str | None,
    output: str,
    data: tuple[str | Path, ...],
    with_ontology: bool,
    binds: tuple[str, ...],
    base_iri: str | None,
    infer: bool,
    allow_network: bool,
    timeout: float,
    max_memory: int,
    ontology: tuple[str | Path, ...],
    named: tuple[str | Path, ...],
    no_cache: bool,
    endpoint: str | None,
    user: str | None,
    ca_cert: str | None,
) -> None:
    """``aigraph query`` (its help text is the click command's). The paths may be text, as
    :mod:`aigraph.fastcli` gives them (no pathlib), or Path objects, as click does: each is
    opened by name, or made a Path where it is read, so both print and behave alike."""
    from .sparql.engine import load_store, prepare, render_query, resolve_query

    bind: dict[str, str] = {}
    for item in binds:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{item!r} is not NAME=VALUE", command="aigraph query", option="--bind")
        bind[name.strip()] = value
    fmt = ALIASES.get(fmt.lower(), fmt.lower()) if fmt else None
    worker = None
    if whole_process and endpoint is None:
        from .sparql import watchdog

        # Forked now, while this process is small: the watchdog enforces --timeout by killing
        # this process, which loads and evaluates, instead of a child forked after loading
        # that copy-on-write made copy the store. (aigraph.fastcli has forked it already.)
        worker = watchdog.start()
    text = resolve_query(query_arg, stdin_text, base_iri=base_iri)
    if worker is not None:
        watchdog.start(text.source)  # names the query in the watchdog's messages
    extra: dict[str, str] = {}
    if ontology:
        from .facts.extensions import load_extensions

        extra = load_extensions(ontology).prefixes
    # Reading a long query (the lexer, the limits) counts against --timeout, as evaluating it does.
    if worker is not None:
        with worker.timed(timeout or None):
            prepared = prepare(text, bind=bind, allow_network=allow_network, infer=infer, prefixes=extra)
    else:
        prepared = prepare(text, bind=bind, allow_network=allow_network, infer=infer, prefixes=extra)
    if fmt is None and output != "-":
        from .sparql.results import format_for_path

        fmt = format_for_path(output, prepared.info.form)
    default = "table" if output == "-" and sys.stdout.isatty() else "tsv"
    if endpoint is not None:
        if data or infer:
            raise UsageError("--endpoint queries the server's data: drop --data and --infer", command="aigraph query")
        from .files import write_bytes
        from .store.remote import query_endpoint

        remote = query_endpoint(
            endpoint, prepared, fmt, default_results_format=default, user=user, ca_cert=ca_cert, timeout=timeout or None
        )
        write_bytes(output, remote.data)
        if output != "-":
            say(f"Wrote {output} ({remote.fmt}).")
        elif remote.fmt == "table" and remote.kind == "select":
            n = remote.count
            say("No results." if not n else f"{n} row{'' if n == 1 else 's'}.")
        return
    note_graph(data)
    if worker is not None:  # imported first: aigraph.fastcli may be opening the cached store meanwhile
        import resource  # noqa: F401 - worker.limited's: its limits (0.3 ms)

        from .sparql import results  # noqa: F401 - render_query's

        if not prepared.allow_network:
            from .sparql import sandbox

            sandbox.prepare()  # worker.limited's socket filter, made while the store opens (0.5 ms)
    store = load_store(
        list(data) or None,
        with_ontology=True if not data else with_ontology,
        ontology=ontology,
        cache=not no_cache and not named,  # --named adds to the store: never to a cached one
    )
    if named:
        from .store.dataset import named_quads

        store.extend(named_quads(named))
    if worker is not None:
        # Ctrl-C and SIGTERM are answered by the signal thread; a crash is reported by the watchdog.
        with worker.limited(timeout or None, max_memory or None, sandbox=not prepared.allow_network):
            rendered = render_query(prepared, store, fmt, default_results_format=default, timeout=None)
    else:  # inside another program (a test's CliRunner): a child forked now, which it can outlive
        rendered = render_query(
            prepared,
            store,
            fmt,
            default_results_format=default,
            timeout=timeout or None,
            max_memory_mb=max_memory or None,
            isolate=True,  # Ctrl-C and SIGTERM answered at once; an engine crash reported
        )
    from .files import write_bytes

    write_bytes(output, rendered.data)
    n = rendered.count
    noun = "triple" if rendered.kind == "graph" else "row"
    if output != "-":
        size = f"{n} {noun}{'' if n == 1 else 's'}, " if n is not None else ""
        say(f"Wrote {output} ({size}{rendered.fmt}).")
    elif rendered.fmt == "table" and rendered.kind == "select":
        say("No results." if not n else f"{n} row{'' if n == 1 else 's'}.")


# ------------------------------------------------------------------ running a command


def invoke(body: Callable[[], object]) -> int:
    """Run a command's body inside the input guard; returns its exit code, having said
    on stderr, in one line, why it failed (never a traceback)."""
    try:
        from .files import guard_inputs

        with guard_inputs():  # no command writes its output over a file it read
            body()
        return 0
    except BaseException as exc:  # noqa: BLE001 - answer() re-raises what it does not answer
        return answer(exc)


def answer(exc: BaseException) -> int:
    """Say why a command failed with ``exc``, in one line on stderr, and return its exit code;
    re-raise what is no failure of the command (SystemExit, click's own exceptions)."""
    from .interrupts import Terminated

    if isinstance(exc, UsageError):
        error(f"{exc} (see '{exc.command} -h')")
        return exc.exit_code
    if isinstance(exc, AigraphError):
        say(f"aigraph: error: {exc}")
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        say("aigraph: interrupted")
        return 130
    if isinstance(exc, Terminated):
        import signal

        hung_up = exc.signum == getattr(signal, "SIGHUP", None)
        say("aigraph: hung up" if hung_up else "aigraph: terminated")
        return 128 + exc.signum
    if isinstance(exc, BrokenPipeError):
        # The reader went away (`aigraph query ... | head`): not an error.
        sys.stderr.close()
        return 0
    if isinstance(exc, OSError):
        # The system refused (a full disk, a closed stdout): the user's to fix, not a bug.
        where = f"{exc.filename}: " if exc.filename else ""
        error(f"{where}{exc.strerror or exc}")
        return 1
    if not isinstance(exc, Exception) or type(exc).__module__.startswith("click"):
        raise exc  # SystemExit and click's exceptions (its --help, usage errors): click answers them
    if os.environ.get("AIGRAPH_DEBUG"):
        raise exc
    msg = " ".join(str(exc).split()) or type(exc).__name__
    say(
        f"aigraph: internal error: {type(exc).__name__}: {msg}"
        " (set AIGRAPH_DEBUG=1 for a traceback, and please report it)"
    )
    return 70


class _ClosedStream(io.TextIOBase):
    """Stands in for a standard stream the shell closed (``aigraph export >&-``): using it is an error."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def _closed(self) -> OSError:
        import errno

        return OSError(errno.EBADF, f"{self.name} is closed")

    def write(self, text: str) -> int:
        raise self._closed()

    @property
    def buffer(self) -> object:
        raise self._closed()

    def writable(self) -> bool:
        return True


def prepare_process() -> None:
    """What the ``aigraph`` process does before any command: signal handling, and streams
    that write what the terminal's encoding cannot hold as escapes (a Latin-1 locale and
    U+2028), and make a closed stdout an error when used rather than a crash."""
    global whole_process
    from . import interrupts

    whole_process = True
    if not interrupts.installed:  # aigraph.fastcli installs it before a cached store's opening
        interrupts.install()
    if sys.stdout is None:
        sys.stdout = _ClosedStream("standard output")
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def flush_stdout() -> None:
    """Flush what is left for stdout now, so that a full disk is one line, not a traceback at exit."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError) as exc:
        if not isinstance(exc, BrokenPipeError):
            try:
                sys.stderr.write(f"aigraph: error: cannot write the output: {getattr(exc, 'strerror', None) or exc}\n")
                sys.stderr.flush()
            except (OSError, ValueError):
                pass
        os._exit(0 if isinstance(exc, BrokenPipeError) else 1)


def finish_process(code: int, exit_fast: bool = True) -> None:
    """Leave with ``code``; on success, with ``exit_fast``, without Python's teardown once the
    output is flushed (freeing a million-triple store took 0.3 s)."""
    flush_stdout()
    if exit_fast and code == 0:
        # Outputs are closed (atomic files renamed into place) and the store cache is
        # read-only by now: only stdout and stderr may hold bytes.
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os._exit(0)
    sys.exit(code)
