"""The one exception family aigraph raises for bad input or refused work."""

from __future__ import annotations

from pathlib import Path

MAX_MESSAGE = 400
"""Longest message (without the file and line) the CLI prints."""

_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(32), 127]}


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
            path = self.path.translate(_CONTROLS)  # a file name may hold a newline
            where = f"{path}:{self.line}: " if self.line else f"{path}: "
        # One line, always, and short: data can carry newlines (or megabytes) into a message.
        text = " ".join(self.message[: 4 * MAX_MESSAGE].split()).translate(_CONTROLS)
        if len(text) > MAX_MESSAGE:
            text = text[: MAX_MESSAGE - 1] + "…"
        return where + text


class NetworkRefused(AigraphError):
    """The input or query would reach the network and that was not allowed."""


class QueryTimeout(AigraphError):
    """A query ran longer than its time limit and was stopped."""

    exit_code = 3
