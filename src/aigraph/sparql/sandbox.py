"""Keep a query process off the network, whatever the query text says.

aigraph refuses SERVICE before evaluation (:func:`aigraph.sparql.guard.check_safety`),
but that check reads the text with its own lexer, and Oxigraph's grammar is
the one that counts. So the forked child that evaluates a query also loses the
ability to open sockets: a seccomp filter makes ``socket()`` fail with EACCES,
and Oxigraph's HTTP client then fails before any byte leaves the machine.

Linux on x86-64 and AArch64 only; elsewhere :func:`deny_sockets` returns False
and the check before evaluation is the one guard.
"""

from __future__ import annotations

import errno
import os
import struct
import sys

from .. import lean

TYPE_CHECKING = False  # collections.abc, for one annotation, costs a query's start-up
if TYPE_CHECKING:
    from collections.abc import Callable

# (audit arch, socket syscall number) per machine; from linux/audit.h and unistd.h
_ARCHES = {
    "x86_64": (0xC000003E, 41),
    "amd64": (0xC000003E, 41),
    "aarch64": (0xC00000B7, 198),
    "arm64": (0xC00000B7, 198),
}

DENIED = errno.EACCES
"""The errno ``socket()`` fails with in a sandboxed process."""

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_RET_K = 0x06  # BPF_RET | BPF_K


def _program(arch: int, socket_nr: int) -> bytes:
    def op(code: int, jt: int, jf: int, k: int) -> bytes:
        return struct.pack("=HBBI", code, jt, jf, k)

    return b"".join(
        [
            op(_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
            op(_JEQ_K, 0, 3, arch),  # another ABI (x32, compat): allow, as before
            op(_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
            op(_JEQ_K, 0, 1, socket_nr),
            op(_RET_K, 0, 0, _RET_ERRNO | DENIED),
            op(_RET_K, 0, 0, _RET_ALLOW),
        ]
    )


@lean.cache
def prepare() -> Callable[[], bool]:
    """Load what the filter needs (call before forking), and return the function that
    installs it: in the child, then, two system calls and nothing to import. Made once."""
    machine = os.uname().machine.lower() if sys.platform.startswith("linux") else ""
    arch = _ARCHES.get(machine)
    if arch is None:
        return lambda: False
    try:
        from .. import clib  # _ctypes: ctypes itself costs a query's start-up 1.5-3.6 ms

        prctl = clib.function("prctl")
    except (ImportError, OSError):
        return lambda: False
    code = _program(*arch)
    buffer = clib.buffer(code)
    # struct sock_fprog: the number of instructions (unsigned short), then their address
    prog = clib.buffer(struct.pack("@HP", len(code) // 8, clib.address(buffer)))
    no_new_privs = (_PR_SET_NO_NEW_PRIVS, clib.ULong(1), clib.ULong(0), clib.ULong(0), clib.ULong(0))
    seccomp = (_PR_SET_SECCOMP, clib.ULong(_SECCOMP_MODE_FILTER), clib.ULong(clib.address(prog)), clib.ULong(0),
               clib.ULong(0))

    def deny() -> bool:
        keep = (buffer, prog)  # alive until the kernel has copied the program
        if prctl(*no_new_privs) != 0:
            return False
        return bool(prctl(*seccomp) == 0 and keep)

    return deny


def deny_sockets() -> bool:
    """From now on, this process (and threads it starts) cannot create sockets.

    Irreversible: call it only in a process that exists to evaluate one query.
    Returns whether the filter is in place.
    """
    return prepare()()
