"""The query process's limits: time, memory and stack, in a forked child.

:func:`run_limited` is the library's time limit (:func:`aigraph.query`): it forks a child
after loading, the child evaluates (its new memory capped, its stack grown, its
sockets taken away by :mod:`aigraph.sparql.sandbox`, its stderr silenced) and sends
its status and bytes back through a pipe, and the parent kills it when the time
limit passes. ``aigraph query`` forks before loading instead
(:mod:`aigraph.sparql.watchdog`) and uses the memory and stack limits and the
one-line account of a child that died (:func:`_died`) from here.
"""

from __future__ import annotations

import os
import select
import time

from ..errors import AigraphError, NetworkRefused, QueryTimeout

# signal's functions from _signal: signal's enums (enum, 2 ms) cost a query's start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import signal
    from collections.abc import Callable
    from typing import Any

    from .engine import Rendered
else:
    import _signal as signal

_ERRORS: dict[str, type[AigraphError]] = {
    "AigraphError": AigraphError,
    "NetworkRefused": NetworkRefused,
    "QueryTimeout": QueryTimeout,
}


DEFAULT_MAX_MEMORY_MB = 2048
_OUT_OF_MEMORY = (
    "the query ran out of memory and was stopped; no results were written."
    " A cartesian product or an ORDER BY over one can grow without bound (see --max-memory)"
)


def _memory_limit(max_memory_mb: int | None) -> Callable[[], None]:
    """Cap this process's new private memory at ``max_memory_mb`` above what is in use now
    (the soft ``RLIMIT_DATA``); returns the function that lifts the cap again."""
    if not max_memory_mb:
        return lambda: None
    try:
        import resource

        with open("/proc/self/status", encoding="ascii") as fh:
            in_use = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmData:"))
        limit = in_use + max_memory_mb * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (OSError, ValueError, StopIteration, ImportError, OverflowError):
        # No /proc or no RLIMIT_DATA: the time limit still holds; a cap beyond what the
        # kernel can express is no cap.
        return lambda: None

    def lift() -> None:
        try:
            resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
        except (OSError, ValueError):
            pass

    return lift


CHILD_STACK_MB = 64
"""The main-thread stack the query child may grow to (8 MiB is the usual default):
eight times the room for Oxigraph's recursion, beyond :data:`aigraph.sparql.guard.MAX_OPERATORS`."""


def _grow_stack() -> None:
    """In the child: let the main thread's stack grow to CHILD_STACK_MB (Linux grows it on demand)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
        want = CHILD_STACK_MB << 20
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft != resource.RLIM_INFINITY and soft < want:
            resource.setrlimit(resource.RLIMIT_STACK, (want, hard))
    except (OSError, ValueError, ImportError):
        pass  # the bounds of inspect_query still hold


def run_limited(
    work: Callable[[], Rendered],
    timeout: float | None,
    source: str = "<query>",
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB,
    *,
    isolate: bool = False,
    sandbox: bool = True,
) -> Rendered:
    """Run ``work`` in a forked child and kill it if it outlives ``timeout`` seconds.

    The child sends a small JSON status and its bytes through a pipe; nothing
    reaches the caller unless the child finished in time. The
    child's memory is capped at ``max_memory_mb`` more than the parent uses, its
    stderr is silenced (an allocator abort must not print a backtrace), and with
    ``sandbox`` it cannot open sockets (:func:`aigraph.sparql.sandbox.deny_sockets`).

    Without a timeout the work runs in this process, unless ``isolate``: then it
    runs in a child with no deadline, so that Ctrl-C and SIGTERM are answered at
    once (Oxigraph does not return to Python while it evaluates) and a crash of
    the engine is reported rather than killing the caller.
    """
    import math  # here: a cached query's start-up never comes this way (math and warnings: 0.7 ms)
    import warnings

    if timeout is not None and math.isnan(timeout):
        raise AigraphError("the time limit is not a number (nan); give seconds, or None for no limit", path=source)
    no_deadline = timeout is None or timeout <= 0 or math.isinf(timeout)
    if (no_deadline and not isolate) or not hasattr(os, "fork"):
        return work()
    import json  # here, before the fork: the CLI's own path never needs it (start-up)

    deadline = None if no_deadline else time.monotonic() + (timeout or 0)
    deny_sockets: Callable[[], bool] | None = None
    if sandbox:
        from .sandbox import prepare

        deny_sockets = prepare()  # the imports happen here, once, not in every child
    r_fd, w_fd = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about fork() beside threads; the child only evaluates
        # and writes, and what it imports (urllib for FROM) is imported beforehand.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: evaluate, report, and leave without cleanup handlers
        status: dict[str, Any]
        data = b""
        try:
            os.close(r_fd)
            try:  # Ctrl-C ends the child quietly
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.set_wakeup_fd(-1)  # the parent's signal watcher is not ours
            except ValueError:
                pass
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            import faulthandler

            faulthandler.disable()  # a crash is reported by the parent, in one line
            _memory_limit(max_memory_mb)  # lifted only by the child's exit
            _grow_stack()
            if deny_sockets is not None:
                deny_sockets()
            result = work()
            data = result.data
            status = {"ok": True, "kind": result.kind, "fmt": result.fmt, "count": result.count, "size": len(data)}
        except AigraphError as exc:
            status = {"error": type(exc).__name__, "message": exc.message, "path": exc.path, "line": exc.line}
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            status = {"crash": f"{type(exc).__name__}: {exc}"}
        try:
            # One JSON line, then the bytes, through the pipe: no temporary file, so
            # a full or missing TMPDIR cannot get in the way.
            view = memoryview(json.dumps(status).encode("utf-8") + b"\n" + data)
            while view:
                view = view[os.write(w_fd, view) :]
        finally:
            os._exit(0)
    os.close(w_fd)
    payload: bytes | None = None
    wait_status = 0
    try:
        payload = _read_until(r_fd, deadline)
    finally:
        os.close(r_fd)
        if payload is None:
            os.kill(pid, signal.SIGKILL)
        wait_status = _reap(pid)
    if payload is None:
        raise QueryTimeout(
            f"the query was stopped after {timeout:g} s (--timeout); no results were written."
            " A cartesian product or an unbounded property path can run for ever",
            path=source,
        )
    head, newline, data = payload.partition(b"\n")
    if not newline:
        raise AigraphError(_died(wait_status), path=source)
    status = json.loads(head)
    if "error" in status:
        cls = _ERRORS.get(status["error"], AigraphError)
        raise cls(status["message"], path=status["path"], line=status["line"])
    if "crash" in status:
        raise RuntimeError(status["crash"])
    if len(data) != status["size"]:  # killed while it wrote
        raise AigraphError(_died(wait_status), path=source)
    from .engine import Rendered  # here: the engine imports this module

    return Rendered(data, status["kind"], status["fmt"], status["count"])


def _died(wait_status: int) -> str:
    """Why the query child left without a word: memory, the stack, or another signal."""
    sig = os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else None
    if sig in (signal.SIGABRT, signal.SIGKILL):  # allocator abort, memory cap, OOM killer
        return _OUT_OF_MEMORY
    if sig in (signal.SIGSEGV, signal.SIGBUS):
        return (
            "the query engine crashed (it ran out of stack, most likely on a query nested or"
            " chained too deeply); no results were written. Split the query or make it shallower"
        )
    if sig is not None:
        from signal import Signals  # for its name

        try:
            return f"the query process was killed by {Signals(sig).name}; no results were written"
        except ValueError:
            pass
        return f"the query process was killed by signal {sig}; no results were written"
    return f"the query process ended without an answer (exit status {os.WEXITSTATUS(wait_status)})"


def _read_until(fd: int, deadline: float | None) -> bytes | None:
    """All bytes from ``fd`` until EOF, or None if the deadline (if any) passes first."""
    chunks: list[bytes] = []
    while True:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            return None
        # In steps of at most an hour: select() refuses a timeout beyond time_t (--timeout 1e308).
        ready, _, _ = select.select([fd], [], [], None if left is None else min(left, 3600.0))
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reap(pid: int) -> int:
    """Wait for the child; return its wait status. Interrupted (Ctrl-C), kill it first."""
    from ..interrupts import reap

    try:
        return reap(pid)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        reap(pid)
        raise
