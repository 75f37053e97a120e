"""Progress for long loads and builds: one line on a terminal's stderr, nothing when piped.

>>> with progress("Loading big.ttl (45 MB)") as p:
...     p.update("parsing")

Short work prints nothing at all: the line appears only after ``DELAY``
seconds, is rewritten in place with the elapsed time, and ends as
``Loading big.ttl (45 MB): done in 3.1 s``. When stderr is not a terminal
(a pipe, a file, a test runner) nothing is ever written.
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False  # typing costs milliseconds of a query's start-up (mypy reads the names)
if TYPE_CHECKING:
    import threading
    from types import TracebackType
    from typing import TextIO

DELAY = 0.5
"""Seconds of work before anything is shown."""

INTERVAL = 0.2
"""Seconds between redraws."""


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):  # closed or not a real stream
        return False


class Progress:
    """A context manager that keeps one status line up to date while work runs.

    Pyoxigraph releases the GIL while it parses, so a background thread can
    redraw the line during one long call.
    """

    def __init__(self, label: str, *, stream: TextIO | None = None, delay: float | None = None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.delay = DELAY if delay is None else delay
        self.enabled = _is_terminal(self.stream)
        self.detail = ""
        self.shown = False
        self._width = 0
        self._start = 0.0
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Progress:
        self._start = time.monotonic()
        if not self.enabled:
            return self
        # Imported here: off a terminal (pipes, scripts) no command needs a thread (start-up).
        import threading

        self._stop = threading.Event()
        self._lock = threading.Lock()
        if self.delay <= 0:
            self._draw(self.label)
        self._thread = threading.Thread(target=self._run, name="aigraph-progress", daemon=True)
        self._thread.start()
        return self

    def update(self, detail: str) -> None:
        """Say what is happening now (shown on the next redraw)."""
        self.detail = detail

    def elapsed(self) -> float:
        return time.monotonic() - self._start

    def _run(self) -> None:
        if self._stop.wait(max(self.delay, INTERVAL if self.shown else 0)):
            return
        while True:
            self._draw(f"{self.label}: {self.detail + ', ' if self.detail else ''}{self.elapsed():.1f} s")
            if self._stop.wait(INTERVAL):
                return

    def _draw(self, text: str, end: str = "") -> None:
        text = text[: self._columns() - 1]  # a wrapped line could not be redrawn in place
        with self._lock:
            try:
                # Pad with spaces rather than an escape code: works on any terminal.
                self.stream.write("\r" + text.ljust(self._width) + end)
                self.stream.flush()
            except (OSError, ValueError):  # stderr went away: progress is not worth an error
                self.enabled = False
                return
            self._width = 0 if end else len(text)
            self.shown = True

    def _columns(self) -> int:
        try:
            return os.get_terminal_size(self.stream.fileno()).columns or 80
        except (AttributeError, ValueError, OSError):
            return 80

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
        if not self.shown or not self.enabled:
            return
        if exc_type is None:
            self._draw(f"{self.label}: done in {self.elapsed():.1f} s", "\n")
        else:  # leave the line clean for the error message
            self._draw("", "\r")


def progress(label: str, *, stream: TextIO | None = None, delay: float | None = None) -> Progress:
    """A :class:`Progress` for ``label`` on stderr (or ``stream``)."""
    return Progress(label, stream=stream, delay=delay)


def size_text(n: int) -> str:
    """A file size for people: ``45 MB``, ``812 kB``, ``96 bytes``."""
    if n >= 10**9:
        return f"{n / 10**9:.1f} GB"
    if n >= 10**6:
        return f"{n / 10**6:.0f} MB"
    if n >= 10**3:
        return f"{n / 10**3:.0f} kB"
    return f"{n} bytes"
