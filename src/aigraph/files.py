"""Reading inputs with their checks, and atomic outputs, never over an input.

Every command reads its files through :func:`check_input` (or :func:`read_input`),
which refuses what is not a regular file (a device never ends, a pipe with no
writer waits for ever) and notes the file; every output goes through
:func:`atomic_output` (or :func:`write_bytes`): a temporary file renamed into
place, keeping the replaced file's permissions, and never a file the command
reads (:func:`guard_inputs`). Nothing here knows a format: RDF parsing and
serialising is :mod:`aigraph.rdfio`.
"""

from __future__ import annotations

import contextvars
import errno
import os
import stat
import sys

from . import lean
from .errors import AigraphError

# typing and pathlib (with urllib.parse and ipaddress) cost a query's start-up milliseconds:
# pathlib is imported by the functions that make paths (a query to stdout makes none).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager
    from pathlib import Path
    from typing import IO


def check_input(path: str | Path, what: str = "an RDF file") -> Path:
    """``path`` if it names a regular file to read; else an AigraphError saying what it is.

    Devices, pipes and sockets are refused: ``/dev/zero`` never ends, and a pipe
    with no writer would wait for ever.
    """
    from pathlib import Path

    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise AigraphError("no such file", path=path) from None
    except (OSError, RuntimeError, ValueError) as exc:  # a looping link, a name too long, a NUL byte
        if getattr(exc, "errno", None) == errno.ELOOP or isinstance(exc, RuntimeError):
            raise AigraphError("cannot read: a looping symbolic link", path=path) from None
        reason = getattr(exc, "strerror", None) or str(exc)
        raise AigraphError(f"cannot read: {reason}", path=path) from None
    if stat.S_ISDIR(mode):
        raise AigraphError(f"is a directory, not {what}", path=path)
    if not stat.S_ISREG(mode):
        raise AigraphError(f"not a regular file (a device, pipe or socket), not {what}", path=path)
    note_input(path)
    return path


# The files the current command has read, by identity (st_dev, st_ino) so that a hard
# link, a symbolic link or "./x" for "x" is the same file; None outside a command.
_INPUTS: contextvars.ContextVar[dict[tuple[int, int], str | Path] | None] = contextvars.ContextVar(
    "aigraph_inputs", default=None
)


def guard_inputs() -> AbstractContextManager[dict[tuple[int, int], str | Path]]:
    """Refuse, while the block runs, to write any output onto a file it has read.

    Every input passes :func:`check_input`, which notes it here; every output
    passes :func:`atomic_output`, which refuses a noted file. A command (and each
    library function that reads and then writes) runs inside one guard; nested
    guards share it. (A class, not a contextlib generator: every command runs in
    one, and contextlib costs a query's start-up 4 ms.)
    """
    return _Guard()


class _Guard:
    __slots__ = ("_token",)

    def __enter__(self) -> dict[tuple[int, int], str | Path]:
        current = _INPUTS.get()
        if current is not None:  # an outer guard's
            self._token: contextvars.Token[dict[tuple[int, int], str | Path] | None] | None = None
            return current
        self._token = _INPUTS.set({})
        return _INPUTS.get() or {}

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _INPUTS.reset(self._token)


def note_input(path: str | Path) -> None:
    """Note a file the current command reads (:func:`check_input` does)."""
    inputs = _INPUTS.get()
    if inputs is not None:
        try:
            st = os.stat(path)
        except OSError:
            return
        inputs.setdefault((st.st_dev, st.st_ino), path)


def _refuse_input(output: str | Path, st: os.stat_result, shown: str | Path | None = None) -> None:
    """An AigraphError if the file ``st`` describes is one the current command reads."""
    source = (_INPUTS.get() or {}).get((st.st_dev, st.st_ino))
    if source is not None:
        from pathlib import Path

        same = "" if Path(source) == Path(output) else f" ({source}, the same file)"
        raise AigraphError(
            f"is an input of this command{same}: aigraph never writes over its own input;"
            " choose another output",
            path=shown if shown is not None else output,
        )


def read_input(path: str | Path, what: str = "an RDF file") -> bytes:
    """The bytes of a regular file, or an AigraphError naming it (see :func:`check_input`)."""
    path = check_input(path, what)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise AigraphError("no such file", path=path) from None
    except MemoryError:
        raise AigraphError("not enough memory to read this file", path=path) from None
    except OSError as exc:
        raise AigraphError(f"cannot read: {exc.strerror or exc}", path=path) from None


@lean.contextmanager
def atomic_output(path: str | Path) -> Iterator[IO[bytes]]:
    """Write to a temporary file beside ``path`` and rename it into place on success.

    On any error (or Ctrl-C, SIGTERM, SIGHUP) the target is left as it was and
    the temporary file removed. A replaced file keeps its permission bits (and,
    for root, its owner and group); a new one gets ``0666 & ~umask``, as
    ``cp`` and editors do. A symbolic link is written through: the file it
    points to is replaced and the link kept; a broken or looping link is
    refused. A file the current command reads (see :func:`guard_inputs`) is
    refused, compared by identity, not by name. A replaced file with other hard
    links becomes a new file: its other names keep the old content.

    ``-`` means stdout. Other files that are not regular files are written
    directly, not replaced: a character device (``/dev/null``, a terminal) or a
    named pipe that a program is reading. A pipe that nobody reads would block
    for ever, so it is refused, as are block devices and sockets.
    """
    if str(path) == "-":
        _refuse_stdout_input()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    if str(path).endswith(("/", os.sep)):
        raise AigraphError("names a folder (it ends with a slash); give a file name", path=path)
    from pathlib import Path

    given, path = path, Path(path)
    try:
        old: os.stat_result | None = path.stat()
    except FileNotFoundError:
        old = None
    except (OSError, RuntimeError, ValueError) as exc:  # a looping link, a name too long
        if getattr(exc, "errno", None) == errno.ELOOP or isinstance(exc, RuntimeError):
            raise AigraphError("cannot write here: a broken or looping symbolic link", path=path) from None
        if getattr(exc, "errno", None) == errno.ENOTDIR:
            old = None  # a file where a folder should be: said below
        else:
            raise AigraphError(f"cannot write here: {getattr(exc, 'strerror', None) or exc}", path=path) from None
    if old is not None:
        _refuse_input(path, old, shown=given)
        if stat.S_ISDIR(old.st_mode):
            raise AigraphError("is a directory; give a file name", path=path)
        if not stat.S_ISREG(old.st_mode):
            with _open_special(path, old) as fh:
                yield fh
            return
    if path.is_symlink():
        try:
            path = path.resolve(strict=True)  # replace the file the link points to, not the link
        except (OSError, RuntimeError):
            raise AigraphError("cannot write here: a broken or looping symbolic link", path=path) from None
    folder = path.parent if str(path.parent) else Path(".")
    for above in (folder, *folder.parents):
        if above.exists() or above.is_symlink():
            if not above.is_dir():
                raise AigraphError(f"cannot write here: {above} is a file, not a folder", path=path)
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # only when writing: its import costs every command start-up

        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise AigraphError(f"cannot write here: {exc.strerror or exc}", path=path) from None
    from .interrupts import remove_on_exit

    try:
        # remove_on_exit: the signal watcher removes it too if it must end a process stuck in Oxigraph.
        with remove_on_exit(tmp), os.fdopen(fd, "wb") as fh:
            # mkstemp creates 0600, so nobody reads the file while it is written.
            yield fh
            fh.flush()
            _copy_owner_and_mode(fh.fileno(), old)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _copy_owner_and_mode(fd: int, old: os.stat_result | None) -> None:
    """Give a new output file the replaced file's permissions, else the usual ones.

    The set-user-ID and set-group-ID bits are not kept (the kernel clears them
    too when a file is written). Only root may give a file away; anyone may keep
    its group if they belong to it.
    """
    if old is None:
        os.fchmod(fd, 0o666 & ~_umask())
        return
    if old.st_uid != os.geteuid() or old.st_gid != os.getegid():
        uid = old.st_uid if os.geteuid() == 0 else -1
        try:
            os.fchown(fd, uid, old.st_gid)
        except OSError:  # not allowed: the file becomes the writer's
            pass
    os.fchmod(fd, stat.S_IMODE(old.st_mode) & ~(stat.S_ISUID | stat.S_ISGID))


def _umask() -> int:
    try:  # Linux tells it without changing it (threads may be creating files meanwhile)
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


@lean.contextmanager
def _open_special(path: Path, st: os.stat_result) -> Iterator[IO[bytes]]:
    """Open an output that is a device or a pipe, never waiting for a reader."""
    mode = st.st_mode
    if stat.S_ISFIFO(mode):
        try:  # non-blocking: with no reader this fails at once (ENXIO) instead of waiting
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as exc:
            if exc.errno == errno.ENXIO:
                raise AigraphError(
                    "is a named pipe (FIFO) that no program is reading: aigraph does not wait;"
                    " start the reader first, or give a regular file",
                    path=path,
                ) from None
            raise AigraphError(f"cannot write: {exc.strerror or exc}", path=path) from None
        os.set_blocking(fd, True)
    elif stat.S_ISCHR(mode):  # /dev/null, a terminal, /dev/stdout
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
        except OSError as exc:
            raise AigraphError(f"cannot write: {exc.strerror or exc}", path=path) from None
    else:
        kind = "a special file"
        if stat.S_ISBLK(mode):
            kind = "a block device (a disk)"
        elif stat.S_ISSOCK(mode):
            kind = "a socket"
        raise AigraphError(f"is {kind}; give a regular file, or - for stdout", path=path)
    with os.fdopen(fd, "wb") as fh:
        yield fh


def _refuse_stdout_input() -> None:
    """Like ``cat``: stdout redirected onto an input (``>> input.ttl``) would feed itself."""
    if not _INPUTS.get():
        return
    try:
        st = os.fstat(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # no real stdout (a test runner's buffer)
        return
    if stat.S_ISREG(st.st_mode):
        source = (_INPUTS.get() or {}).get((st.st_dev, st.st_ino))
        if source is not None:
            raise AigraphError(
                "standard output is this input file: aigraph never writes over its own input;"
                " choose another output",
                path=source,
            )


def write_bytes(path: str | Path, data: bytes | Callable[[IO[bytes]], None]) -> None:
    """Atomically write bytes (or what a writer function writes) to ``path`` or ``-``."""
    try:
        if str(path) == "-":  # as atomic_output writes stdout, without making a context manager
            _refuse_stdout_input()
            out = sys.stdout.buffer
            if callable(data):
                data(out)
            else:
                out.write(data)
            out.flush()
            return
        with atomic_output(path) as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data)
    except BrokenPipeError:
        raise  # the reader went away: the CLI ends quietly
    except OSError as exc:
        raise AigraphError(f"cannot write: {exc.strerror or exc}", path=path) from None
