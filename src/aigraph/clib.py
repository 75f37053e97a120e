"""Calling the C library the way ctypes does, through ``_ctypes`` alone (issue 15).

``import ctypes`` takes 1.5-3.6 ms of a query's start-up (its Python layer, struct,
the endian classes); ``_ctypes``, the extension module under it, takes 0.5-0.8 ms.
aigraph calls four small C functions (the query process's socket filter, the thread
stacks of a store's opening), so it uses ``_ctypes`` directly:

- :func:`function` finds a function of the program or the C library (OSError when
  there is none) and returns a caller. Arguments are passed as ctypes passes them
  without ``argtypes``: a Python int as a C ``int``, so anything wider (``size_t``,
  ``unsigned long``, an address) goes as :class:`ULong`; a :func:`buffer` or
  :func:`byref` as a pointer. The result is the C ``int`` returned.
- :func:`buffer` is ``ctypes.create_string_buffer``: writable bytes that stay put
  while the object lives; :func:`address` is where they are.
"""

from __future__ import annotations

import _ctypes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_RTLD_NOW = 2


class Char(_ctypes._SimpleCData):  # type: ignore[misc]  # ctypes.c_char
    _type_ = "c"


class ULong(_ctypes._SimpleCData):  # type: ignore[misc]  # ctypes.c_ulong: size_t and addresses on Linux
    _type_ = "L"


byref = _ctypes.byref


def address(data: object) -> int:
    """Where a :func:`buffer` (or any ctypes object) is in memory."""
    return int(_ctypes.addressof(data))  # type: ignore[arg-type]

_program: int | None = None


def function(name: str) -> Callable[..., int]:
    """The C function ``name`` of this program and its libraries (OSError when there is none)."""
    global _program
    if _program is None:
        _program = _ctypes.dlopen(None, _RTLD_NOW)  # type: ignore[arg-type]  # None: the program itself
    where = _ctypes.dlsym(_program, name)
    call = _ctypes.call_function

    def caller(*args: object) -> int:
        return int(call(where, args))

    caller.__name__ = name
    return caller


def buffer(data: bytes | int) -> object:
    """Writable bytes: a copy of ``data``, or that many zero bytes."""
    size = data if isinstance(data, int) else len(data)
    made = (Char * size)()
    if not isinstance(data, int):
        made[:] = data  # type: ignore[call-overload]  # bytes, as ctypes takes them
    return made
