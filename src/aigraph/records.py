"""Plain records: classes whose fields are their ``__slots__``, shown and compared by them.

They stand in for dataclasses on the query path, where ``dataclasses`` (with ``inspect``,
``ast`` and ``dis``) cost milliseconds of every query's start-up. This module imports nothing.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs milliseconds of a query's start-up (mypy reads the name)
if TYPE_CHECKING:
    from typing import Any


class Record:
    """A record of the query path: its fields are its ``__slots__``; shown and compared by them."""

    __slots__: tuple[str, ...] = ()

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__ if not name.startswith("_"))
        return f"{type(self).__name__}({shown})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass without frozen=True


class FrozenRecord(Record):
    """A record not meant to change (a frozen dataclass before): hashed by its fields."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]  # Record's is None: it is mutable
        return hash(self._fields())
