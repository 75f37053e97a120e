"""A big page's layout on the second core, while this process builds the rest of the page.

At a million triples everything after the two-core scan (:mod:`aigraph.view.split`) ran on
one core: the fold's finish, the page data and the JSON. The layout (about 0.35 s there) needs
little: the node count, the pairs of linked nodes and each node's sort key. So the view forks
a :class:`Placer` while the process is still small (right after the page's modules load,
before the scan's data exists), hands it those when the fold is done, builds the nodes and
edges meanwhile, and puts the positions in last.

Forked later, the placer would share the fold's few hundred MB copy-on-write and count them
again in the processes' summed memory; forked early it holds only the modules (tens of MB).
Any failure (it died, could not be forked, answered nothing) leaves the layout to the caller,
which computes it in process: same code, same inputs, same positions.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..interrupts import forked_helper, reap

if TYPE_CHECKING:
    import numpy as np

    from .layout import Placement


class Placer:
    """A forked process that lays out one big page (see the module's docs).

    :meth:`start` forks it, :meth:`submit` sends it the layout's inputs, :meth:`result` waits
    for the positions (None: lay out in process), :meth:`close` ends it if it is still there.
    """

    def __init__(self) -> None:
        self.pid: int | None = None
        self._to: int | None = None
        self._back: int | None = None
        self._sent = False

    def start(self) -> None:
        """Fork the placer (nothing happens where forking is not possible or not known to be safe)."""
        # The placer is forked after numpy is loaded, and lays out with its BLAS: safe with
        # OpenBLAS's fork handlers on Linux; Apple's Accelerate makes no such promise.
        if self.pid is not None or not hasattr(os, "fork") or not sys.platform.startswith("linux"):
            return
        if threading.current_thread() is not threading.main_thread():
            return
        request_r, request_w = os.pipe()
        answer_r, answer_w = os.pipe()
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork() beside the CLI's signal thread
            try:
                pid = os.fork()
            except OSError:
                for fd in (request_r, request_w, answer_r, answer_w):
                    os.close(fd)
                return
        if pid == 0:  # pragma: no cover - the placer (coverage does not follow a fork)
            os.close(request_w)
            os.close(answer_r)
            _serve(request_r, answer_w)
        os.close(request_r)
        os.close(answer_w)
        self.pid, self._to, self._back = pid, request_w, answer_r

    def submit(self, n: int, pairs: np.ndarray, keys: Sequence[tuple[str, str, int]], *, big: bool) -> bool:
        """Send the inputs of ``layout.place(n, pairs, keys, big=big)``; False if there is no placer."""
        if self._to is None or self._sent:
            return False
        data = pickle.dumps((n, pairs, list(keys), big), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            _write_all(self._to, data)
        except OSError:  # it died: the caller lays out
            return False
        finally:
            os.close(self._to)  # the placer reads to the end
            self._to = None
        self._sent = True
        return True

    def result(self) -> Placement | None:
        """The placer's :class:`~aigraph.view.layout.Placement`, or None if it gave none."""
        from .layout import Placement

        if self._back is None or not self._sent:
            return None
        try:
            data = _read_all(self._back)
        finally:
            os.close(self._back)
            self._back = None
        status = self._reap()
        if status is None or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not data:
            return None
        xy, above = pickle.loads(data)
        return Placement(xy, above)

    def close(self) -> None:
        """End the placer if it is still running (an error, Ctrl-C, or a page that did not use it)."""
        for fd in (self._to, self._back):
            if fd is not None:
                os.close(fd)
        self._to = self._back = None
        if self.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> int | None:
        pid, self.pid = self.pid, None
        return None if pid is None else reap(pid)

    def __enter__(self) -> Placer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(request: int, answer: int) -> None:  # pragma: no cover - runs in the forked placer
    """The placer: read one request, write its placement, leave at once (nothing to flush or
    free). Exit status 1 on any error; 0 without a word if the view sent nothing."""
    code = 1
    try:
        forked_helper()  # Ctrl-C ends the placer with the view
        data = _read_all(request)
        if not data:
            code = 0
            return
        from .layout import place

        n, pairs, keys, big = pickle.loads(data)
        del data
        placement = place(n, pairs, keys, big=big)
        _write_all(answer, pickle.dumps((placement.xy, placement.above), protocol=pickle.HIGHEST_PROTOCOL))
        code = 0
    except BaseException:  # noqa: BLE001 - any failure: the view lays out in process
        pass
    finally:
        os._exit(code)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int) -> bytes:
    chunks: list[Any] = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)
