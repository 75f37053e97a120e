"""Counts that the hardening test modules print at their end ("42/42 bad inputs handled").

Each module keeps a Tally, records one outcome per case and announces the
line on the terminal (past pytest's capture) when the module finishes, so the
figures show in CI output.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest


class Tally:
    """How many of the cases that ran were handled (a case may span several tests)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.outcomes: dict[str, bool] = {}
        self.notes: list[str] = []

    def record(self, key: str, ok: bool) -> None:
        self.outcomes[key] = self.outcomes.get(key, True) and ok

    @contextmanager
    def case(self, key: str) -> Iterator[None]:
        """Record ``key`` as handled only if the block finishes without an exception."""
        ok = False
        try:
            yield
            ok = True
        finally:
            self.record(key, ok)

    def line(self) -> str:
        done = sum(self.outcomes.values())
        text = f"{done}/{len(self.outcomes)} {self.what}"
        notes = list(dict.fromkeys(self.notes))
        return text + (f" ({'; '.join(notes)})" if notes else "")


def announce(config: pytest.Config, text: str) -> None:
    """Write one line to the terminal even while pytest captures output."""
    capture = config.pluginmanager.getplugin("capturemanager")
    terminal = config.pluginmanager.getplugin("terminalreporter")
    if capture is None or terminal is None:  # pragma: no cover - plugins disabled
        print(text)
        return
    with capture.global_and_fixture_disabled():
        terminal.write_line("")
        terminal.write_line(text)
