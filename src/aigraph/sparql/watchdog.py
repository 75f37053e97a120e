"""The CLI's time limit without copying the data: a small watchdog forked before loading.

``aigraph query`` used to load the store and then fork a child to evaluate the
query, so that the child could be killed at the deadline. Copy-on-write then
copied up to 265 MB of the loaded store at a million triples (0.2-1.5 s of
system time). Now :func:`start` forks first, while the process is small: the
*child* does all the work (loading, evaluating, writing the output), and the
*parent* (the process the shell waits for) only watches. Around the evaluation
the worker calls :meth:`Worker.limited`, which tells the watchdog the deadline,
caps the worker's new memory (``RLIMIT_DATA``), silences its stderr (an
allocator abort must not print a backtrace) and, unless the network is
allowed, takes away its sockets (:mod:`aigraph.sparql.sandbox`, irreversible: the
worker exists for this one command). When the deadline passes the watchdog
kills the worker and prints the one-line error; the output is written only
after the evaluation, so nothing half-written is left. An engine crash or the
memory cap (SIGABRT, SIGKILL, SIGSEGV) is reported in one line by the watchdog.

Signals: SIGINT, SIGTERM and SIGHUP sent to the watchdog are passed on to the
worker, which answers them as every command does (:mod:`aigraph.interrupts`). The watchdog leaves with the
worker's exit status.

The library (:func:`aigraph.query`) cannot do this: it must not take sockets
away from its caller's process, so it keeps the fork after loading
(:func:`aigraph.sparql.limits.run_limited`).
"""

from __future__ import annotations

import os
import select
import struct
import sys
import time

from .. import interrupts  # the worker needs it anyway: imported once, before the fork

# Imported before the fork, so kept small (the worker writes to every page the two processes
# share: copy-on-write, and a cached query opens its store only after the fork): signal's
# functions from _signal, without signal's enums (enum, functools, collections), and no
# contextlib (4-5 ms); errors where used.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import signal
    from contextlib import AbstractContextManager
    from typing import NoReturn
else:
    import _signal as signal

_ARM = b"A"  # followed by the seconds, a packed double
_DISARM = b"D"
_SOURCE = b"S"  # followed by the length (a packed unsigned int) and the query's source, UTF-8

_worker: Worker | None = None
"""The worker's handle once :func:`start` has forked (in the worker)."""


class Worker:
    """The child's end: tells the watchdog when the time limit starts and stops."""

    def __init__(self, fd: int | None) -> None:
        self._fd = fd  # None: no watchdog (no fork on this system): the limits apply in-process, no deadline

    def timed(self, timeout: float | None) -> AbstractContextManager[None]:
        """Inside, the time counts against ``timeout``: the watchdog kills this process once the
        timed blocks together have taken that long (reading a long query text is timed as
        well as evaluating it; loading the data is not)."""
        return _Timed(self._fd, timeout)

    def limited(
        self, timeout: float | None, max_memory_mb: int | None, *, sandbox: bool = True
    ) -> AbstractContextManager[None]:
        """Evaluate inside: killed by the watchdog after ``timeout`` seconds, new memory capped
        at ``max_memory_mb``, no sockets with ``sandbox``, stderr silenced until the block ends."""
        return _Limited(self, timeout, max_memory_mb, sandbox)


# The two blocks are classes, not contextlib generators: contextlib imports functools and
# collections, 4 ms of a query's start-up.


class _Timed:
    __slots__ = ("_fd", "_timeout")

    def __init__(self, fd: int | None, timeout: float | None) -> None:
        self._fd = fd if timeout else None
        self._timeout = timeout

    def __enter__(self) -> None:
        if self._fd is not None:
            os.write(self._fd, _ARM + struct.pack("=d", self._timeout))

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.write(self._fd, _DISARM)


class _Limited:
    __slots__ = ("_timed", "_max_memory_mb", "_sandbox", "_saved_stderr", "_restore_memory")

    def __init__(self, worker: Worker, timeout: float | None, max_memory_mb: int | None, sandbox: bool) -> None:
        self._timed = _Timed(worker._fd, timeout)
        self._max_memory_mb = max_memory_mb
        self._sandbox = sandbox

    def __enter__(self) -> None:
        from .limits import _grow_stack, _memory_limit

        if self._sandbox:
            from .sandbox import deny_sockets

            deny_sockets()
        self._restore_memory = _memory_limit(self._max_memory_mb)
        _grow_stack()
        sys.stderr.flush()
        self._saved_stderr = saved_stderr = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        interrupts.stderr_fd(saved_stderr)  # a forced exit still says why, on the real stderr
        try:
            self._timed.__enter__()
        except BaseException:
            self._restore()
            raise

    def __exit__(self, *exc: object) -> None:
        try:
            self._timed.__exit__(*exc)
        finally:
            self._restore()

    def _restore(self) -> None:
        os.dup2(self._saved_stderr, 2)
        interrupts.stderr_fd(2)
        os.close(self._saved_stderr)
        self._restore_memory()


def start(source: str | None = None) -> Worker:
    """Fork the watchdog. Returns, in the worker, the handle to arm it with; the watchdog
    itself never returns (it leaves with the worker's status).

    The earlier the fork, the fewer pages the worker must copy: :mod:`aigraph.fastcli` forks
    before the command's imports, and the command's own call then only names the query's
    ``source`` (for the watchdog's messages) and gets the same handle.
    """
    global _worker
    if _worker is not None:
        if source is not None and _worker._fd is not None:
            data = source.encode("utf-8", "surrogateescape")
            os.write(_worker._fd, _SOURCE + struct.pack("=I", len(data)) + data)
        return _worker
    if not hasattr(os, "fork"):
        _worker = Worker(None)
        return _worker
    for stream in (sys.stdout, sys.stderr):  # None when the shell closed it (`>&-`)
        try:
            stream.flush()  # type: ignore[union-attr]
        except (OSError, ValueError, AttributeError):
            pass
    r_fd, w_fd = os.pipe()
    if interrupts.installed:  # the signal watcher's thread runs
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork() beside a thread (3.12+)
            pid = os.fork()
    else:  # aigraph.fastcli forks first, before any thread
        pid = os.fork()
    if pid == 0:  # the worker: carries on with the command
        os.close(r_fd)
        if interrupts.installed:
            interrupts.install()  # the signal thread did not survive the fork
        _worker = Worker(w_fd)
        return _worker
    os.close(w_fd)
    _watch(pid, r_fd, source or "<query>")


def _watch(pid: int, fd: int, source: str) -> NoReturn:
    def pass_on(signum: int, frame: object) -> None:
        try:
            os.kill(pid, signum)
        except OSError:
            pass

    signal.set_wakeup_fd(-1)  # the signal thread inherited from the CLI is the worker's business now
    # A Ctrl-C at the terminal reaches the worker too (a second one is ignored there), but
    # `kill -INT` reaches this process alone: pass every one on.
    for signum in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None and signal.getsignal(signum) != signal.SIG_IGN:
            signal.signal(signum, pass_on)
    deadline: float | None = None
    limit = 0.0  # the --timeout, for the message
    used = 0.0  # seconds of it spent in earlier armed periods (reading the query)
    armed_at = 0.0
    buffer = b""
    while True:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            from ..errors import QueryTimeout

            exc = QueryTimeout(
                f"the query was stopped after {limit:g} s (--timeout); no results were written."
                " A cartesian product or an unbounded property path can run for ever",
                path=source,
            )
            _leave(f"aigraph: error: {exc}\n", exc.exit_code)
        try:
            ready, _, _ = select.select([fd], [], [], None if left is None else min(left, 3600.0))
        except InterruptedError:  # pragma: no cover - PEP 475 retries select
            continue
        if not ready:
            continue
        chunk = os.read(fd, 64)
        if not chunk:  # the worker is gone (or closed its end at exit)
            break
        buffer += chunk
        while buffer:
            if buffer[:1] == _DISARM:
                if deadline is not None:
                    used += time.monotonic() - armed_at
                deadline, buffer = None, buffer[1:]
            elif buffer[:1] == _ARM and len(buffer) >= 9:
                limit = struct.unpack("=d", buffer[1:9])[0]
                armed_at = time.monotonic()
                deadline, buffer = armed_at + max(limit - used, 0.0), buffer[9:]
            elif buffer[:1] == _SOURCE and len(buffer) >= 5:
                size = struct.unpack("=I", buffer[1:5])[0]
                if len(buffer) < 5 + size:
                    break
                source, buffer = buffer[5 : 5 + size].decode("utf-8", "surrogateescape"), buffer[5 + size :]
            else:
                break
    status = interrupts.reap(pid)
    if os.WIFEXITED(status):
        os._exit(os.WEXITSTATUS(status))
    sig = os.WTERMSIG(status)
    if sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", -1)):
        word = "interrupted" if sig == signal.SIGINT else "terminated" if sig == signal.SIGTERM else "hung up"
        _leave(f"aigraph: {word}\n", 128 + sig)
    from ..errors import AigraphError
    from .limits import _died

    _leave(f"aigraph: error: {AigraphError(_died(status), path=source)}\n", 1)


def _leave(message: str, code: int) -> NoReturn:
    try:
        os.write(2, message.encode("utf-8", "backslashreplace"))
    except OSError:
        pass
    os._exit(code)
