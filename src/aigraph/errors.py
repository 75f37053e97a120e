"""The one exception family aigraph raises for bad input or refused work."""

from __future__ import annotations

from pathlib import Path


class AigraphError(Exception):
    """Bad input, a refused request, or work that cannot be done faithfully.

    The CLI prints ``str(error)`` as one line on stderr and exits non-zero.
    ``path`` and ``line`` (1-based) point at the offending input when known.
    """

    exit_code = 1

    def __init__(
        self, message: str, *, path: str | Path | None = None, line: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        # One line, always: data can carry newlines into a message.
        return where + " ".join(self.message.split())


class NetworkRefused(AigraphError):
    """The input or query would reach the network and that was not allowed."""


class QueryTimeout(AigraphError):
    """A query ran longer than its time limit and was stopped."""

    exit_code = 3
