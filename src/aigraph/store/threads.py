"""Where and how the threads Oxigraph starts while it opens a store run (issue 15).

Opening an on-disk store, RocksDB starts and joins 15 threads for each of
Oxigraph's 12 column families (``max_file_opening_threads``, which pyoxigraph
does not expose): 180 threads, 8-14 ms alone, the larger part of a cached
query's wait. ``cache.open_soon`` opens the store in a thread while the
command imports what it needs, and two things made that opening slow:

- **Stacks** (:func:`narrowed`). Each thread gets glibc's default stack, the
  size of ``ulimit -s`` (8 MiB), and glibc keeps only 40 MiB of freed stacks
  for reuse, so most of each family's threads map, fault in and unmap a new
  one. With 1 MiB stacks the first family's are reused by the others: 8-10 ms
  instead of 12-14. 1 MiB is ample for opening table files (musl's default
  thread stack is 128 KiB, and RocksDB runs on it; Oxigraph's own Rust threads
  set their size themselves).
- **CPUs** (:class:`Apart`). Each family's threads must all run before the
  next family starts, and the scheduler puts some of them on the CPU where
  Python is busy importing: they wait there for a time slice, and the opening
  took 15-23 ms beside the imports. The opening thread (and the threads it
  starts) now has one CPU to itself, the caller the others, until the store is
  open.

Both change process-wide or inherited state, so they are for the command line,
where no other thread starts meanwhile, and both are undone as soon as the
store is open. Calls into the C library go through :mod:`aigraph.clib`
(``_ctypes``, not ctypes: 3 ms less on the same critical path). Anything
unexpected (not Linux, not glibc or musl, one CPU, an affinity the system
refuses) leaves things as they were: these are optimisations only.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

STACK = 1 << 20
"""The stack size, in bytes, of the threads started while narrowed."""

_ATTR_BYTES = 128  # sizeof(pthread_attr_t): 56 on 64-bit glibc, 36 on 32-bit; room to spare


class _Defaults:
    """The process's default thread attributes (pthread_getattr_default_np), read and set
    through the C library; OSError, or any error of ``_ctypes``, when they cannot be."""

    def __init__(self) -> None:
        from .. import clib

        self._clib = clib
        self._attr = clib.buffer(_ATTR_BYTES)
        self._call("pthread_getattr_default_np", self._attr)

    def _call(self, name: str, *args: object) -> None:
        if self._clib.function(name)(*args) != 0:
            raise OSError(f"{name} failed")

    def stack_size(self) -> int:
        size = self._clib.ULong()
        self._call("pthread_attr_getstacksize", self._attr, self._clib.byref(size))
        return int(size.value)

    def set_stack_size(self, size: int) -> None:
        self._call("pthread_attr_setstacksize", self._attr, self._clib.ULong(size))
        self._call("pthread_setattr_default_np", self._attr)

    def close(self) -> None:
        self._call("pthread_attr_destroy", self._attr)


def narrowed(size: int = STACK) -> Callable[[], None] | None:
    """Make threads started from now on, in the whole process, get ``size``-byte stacks;
    return the function that puts the former default back, or None when this platform does
    not allow it or the default is already as small (nothing was changed)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        defaults = _Defaults()
    except Exception:  # noqa: BLE001 - an optimisation only: the default stays as it was
        return None
    try:
        former = defaults.stack_size()
        if former <= size:  # a low ulimit -s: leave it
            defaults.close()
            return None
        defaults.set_stack_size(size)
    except Exception:  # noqa: BLE001
        defaults.close()
        return None

    def restore() -> None:
        try:
            defaults.set_stack_size(former)
        finally:
            defaults.close()

    return restore


def default_size() -> int | None:
    """The stack size, in bytes, a thread started now would get (None where :func:`narrowed`
    cannot tell)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        defaults = _Defaults()
    except Exception:  # noqa: BLE001
        return None
    try:
        return defaults.stack_size()
    finally:
        defaults.close()


class Apart:
    """One of the process's CPUs for a thread about to start, the others for the caller:
    made in the caller, :meth:`enter` in the thread (the threads it starts inherit its CPU),
    :meth:`end` in the caller once the thread is done. Where the process has one CPU, or the
    system refuses, nothing changes."""

    __slots__ = ("_all", "_theirs")

    def __init__(self) -> None:
        self._all: set[int] | None = None
        self._theirs = -1
        try:
            cpus = os.sched_getaffinity(0)
            if len(cpus) < 2:
                return
            theirs = max(cpus)
            os.sched_setaffinity(0, cpus - {theirs})  # 0: the calling thread
        except (AttributeError, OSError):  # not Linux; a cpuset that changed meanwhile
            return
        self._all, self._theirs = cpus, theirs

    def enter(self) -> None:
        """In the thread: run on the CPU set apart."""
        if self._all is not None:
            try:
                os.sched_setaffinity(0, {self._theirs})
            except OSError:
                pass

    def end(self) -> None:
        """In the caller: all of its CPUs again (once; later calls do nothing)."""
        cpus, self._all = self._all, None
        if cpus is not None:
            try:
                os.sched_setaffinity(0, cpus)
            except OSError:
                pass
