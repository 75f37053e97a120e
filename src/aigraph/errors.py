"""The one exception family aigraph raises for bad input or refused work."""

from __future__ import annotations

from . import lean

TYPE_CHECKING = False  # typing and pathlib cost milliseconds of a query's start-up (mypy reads the name)
if TYPE_CHECKING:
    import re  # imported where used: re and enum cost a query's start-up 3 ms
    from pathlib import Path

MAX_MESSAGE = 400
"""Longest message (without the file and line) the CLI prints."""

# Shown as escapes, never sent to the terminal raw: C0 and C1 controls (U+009B is
# CSI), line separators, and bidirectional marks and overrides (U+202E reverses text).
_CONTROLS = {
    **{c: f"\\x{c:02x}" for c in [*range(32), *range(127, 160)]},
    ord("\t"): "\\t",
    **{c: f"\\u{c:04x}" for c in [0x061C, 0x200E, 0x200F, *range(0x2028, 0x202F), *range(0x2066, 0x206A)]},
}


def printable(text: str) -> str:
    """``text`` with control characters, line separators and bidirectional marks as escapes:
    for status lines that show a user's path ("Wrote o\\n.nt"), one line and no terminal codes."""
    return text.translate(_CONTROLS)


@lean.cache
def _quoted_control() -> re.Pattern[str]:
    # compiled on first use: most commands never need it (start-up)
    import re

    return re.compile("'[\x00-\x1f\x7f-\x9f\u2028\u2029]'")


@lean.cache
def _line_breaks() -> re.Pattern[str]:
    # compiled on first use: most commands never need it (start-up)
    import re

    return re.compile("[ \t]*[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029][\\s]*")


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
        # A control character quoted on its own ("code point '\t'") is the point of the
        # message: escape it before line breaks become spaces, and never turn a tab into one.
        text = _quoted_control().sub(lambda m: m.group().translate(_CONTROLS), self.message[: 4 * MAX_MESSAGE])
        text = _line_breaks().sub(" ", text).strip().translate(_CONTROLS)
        if len(text) > MAX_MESSAGE:
            text = text[: MAX_MESSAGE - 1] + "…"
        return where + text


class UsageError(AigraphError):
    """Options that cannot go together, or a value no option takes: the command line is wrong.

    Exits 2, as click's own usage errors do; the CLI adds where to read the usage.
    """

    exit_code = 2

    def __init__(self, message: str, *, command: str, option: str | None = None) -> None:
        super().__init__(f"Invalid value for '{option}': {message}" if option else message)
        self.command = command  # "aigraph query": its -h is named in the message


class NetworkRefused(AigraphError):
    """The input or query would reach the network and that was not allowed."""


class QueryTimeout(AigraphError):
    """A query ran longer than its time limit and was stopped."""

    exit_code = 3
