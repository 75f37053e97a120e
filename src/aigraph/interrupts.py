"""Ctrl-C and SIGTERM answered within a second, even while Oxigraph is busy.

Python runs signal handlers only between bytecodes of the main thread, and
Oxigraph does not return to Python while it parses a large file or evaluates a
query: a Ctrl-C would wait until it finishes, which can be never. So the CLI
also watches for signals from a thread (Oxigraph releases the GIL while it
works): when the main thread has not started to answer a signal within
:data:`GRACE` seconds, the watcher removes the files registered with
:func:`remove_on_exit`, says so on stderr, and ends the process.
"""

from __future__ import annotations

import _thread  # the documented low-level API: `threading` costs a millisecond of every command's start-up
import os
import time

# typing and pathlib cost milliseconds of a query's start-up (mypy reads the names); so do
# signal's enums (enum, functools, collections): its functions are _signal's, with numbers.
# A query imports this module before it forks its watchdog (aigraph.sparql.watchdog).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import signal
    from contextlib import AbstractContextManager
    from pathlib import Path
    from typing import Any
else:
    import _signal as signal

GRACE = 1.0
"""Seconds the main thread has to start answering a signal before the watcher ends the process."""

CLEANUP = 5.0
"""Seconds the main thread has, once it answers, to clean up and leave."""

_EXIT: dict[int, tuple[int, str]] = {signal.SIGINT: (130, "interrupted"), signal.SIGTERM: (143, "terminated")}
if hasattr(signal, "SIGHUP"):  # a closed terminal or ssh session ends aigraph like SIGTERM
    _EXIT[signal.SIGHUP] = (129, "hung up")


class _Once:
    """A flag the main thread sets once and the watcher waits for (``threading.Event``'s part we use)."""

    def __init__(self) -> None:
        self._set = False
        self._lock = _thread.allocate_lock()
        self._lock.acquire()  # released when set

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        if not self._set:
            self._set = True
            self._lock.release()

    def wait(self, timeout: float) -> bool:
        return self._set or self._lock.acquire(timeout=timeout) or self._set


_answered = _Once()
_pending: set[str] = set()  # paths, as given
_stderr = 2  # where a forced exit says why (see stderr_fd)


def stderr_fd(fd: int) -> None:
    """Say why on ``fd`` when the watcher ends the process (while stderr itself is silenced)."""
    global _stderr
    _stderr = fd


class Terminated(BaseException):
    """SIGTERM (``timeout``, ``kill``) or SIGHUP (the terminal closed), raised so that
    half-written temporary files are removed."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_sigint(signum: int, frame: Any) -> None:
    if _answered.is_set():  # a second Ctrl-C must not cut the cleanup short; the watcher ends it
        return
    _answered.set()
    raise KeyboardInterrupt


def _on_sigterm(signum: int, frame: Any) -> None:
    if _answered.is_set():
        return
    _answered.set()
    raise Terminated(signum)


def remove_on_exit(path: str | Path) -> AbstractContextManager[None]:
    """While inside, a forced exit (see the module doc) removes ``path`` first."""
    return _Pending(os.fspath(path))


class _Pending:
    """:func:`remove_on_exit`'s context manager (contextlib costs this module's importers 3 ms)."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __enter__(self) -> None:
        _pending.add(self.path)

    def __exit__(self, *exc: object) -> None:
        _pending.discard(self.path)


def forked_helper() -> None:
    """In a child forked to compute for this process (the view's scan worker, its placer): the
    parent's signal watcher did not come along, and Ctrl-C, SIGTERM and SIGHUP end the child at
    once, with its parent (unless they are ignored, as under nohup)."""
    try:
        signal.set_wakeup_fd(-1)
    except (ValueError, OSError):
        pass
    for signum in _EXIT:
        if signal.getsignal(signum) != signal.SIG_IGN:
            signal.signal(signum, signal.SIG_DFL)


def reap(pid: int) -> int:
    """Wait for the child ``pid`` to end; its wait status (0 if it was reaped already).
    (PEP 475: waitpid retries by itself when a signal interrupts it.)"""
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return 0


def _force_exit(signum: int) -> None:
    code, word = _EXIT.get(signum, (128 + signum, "stopped"))
    for path in list(_pending):
        try:
            os.unlink(path)
        except OSError:
            pass
    try:
        os.write(_stderr, f"aigraph: {word}\n".encode())
    except OSError:
        pass
    os._exit(code)


def _watch(read_fd: int) -> None:
    while True:
        try:
            data = os.read(read_fd, 1)
        except OSError:
            return
        if not data:
            return
        signum = data[0]
        if signum not in _EXIT:
            continue
        # The main thread answers at once when it runs Python; if it is still inside
        # native code after GRACE, it will not answer in time. Once it has answered,
        # it gets CLEANUP seconds to remove its temporary files and leave.
        if _answered.wait(GRACE):
            time.sleep(CLEANUP)
        _force_exit(signum)


installed = False
"""Whether :func:`install` ran (a forked worker installs again: threads do not survive a fork)."""


def install() -> None:
    """Set the SIGINT, SIGTERM and SIGHUP handlers and start the watcher (main thread of the CLI only)."""
    global installed
    installed = True
    if signal.getsignal(signal.SIGINT) != signal.SIG_IGN:  # nohup and `cmd &` ignore it: so do we
        signal.signal(signal.SIGINT, _on_sigint)
    signal.signal(signal.SIGTERM, _on_sigterm)
    # Under `nohup` SIGHUP is ignored, and stays so.
    if hasattr(signal, "SIGHUP") and signal.getsignal(signal.SIGHUP) != signal.SIG_IGN:
        signal.signal(signal.SIGHUP, _on_sigterm)
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    _thread.start_new_thread(_watch, (read_fd,))  # a daemon: it never holds the process back
