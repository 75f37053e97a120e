"""aigraph.lean: the stand-ins for functools.cache, lru_cache and contextlib.contextmanager."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from aigraph import lean

from .conftest import ROOT


def test_cache_keeps_each_result_by_its_arguments() -> None:
    calls: list[tuple[object, ...]] = []

    @lean.cache
    def add(a: int, b: int = 0) -> int:
        """Adds."""
        calls.append((a, b))
        return a + b

    assert [add(1), add(1), add(1, 2), add(1, b=2), add(1, b=2), add(a=1, b=2)] == [1, 1, 3, 3, 3, 3]
    # as functools.cache: positional and keyword spellings are different keys
    assert calls == [(1, 0), (1, 2), (1, 2), (1, 2)]
    assert add.cache_info().currsize == 4
    add.cache_clear()
    assert add.cache_info().currsize == 0
    assert add(1) == 1 and calls[-1] == (1, 0)
    assert add.__name__ == "add" and add.__doc__ == "Adds." and add.__wrapped__(5) == 5


def test_cache_refuses_unhashable_arguments_as_functools_does() -> None:
    @lean.cache
    def first(items: list[int]) -> int:
        return items[0]

    with pytest.raises(TypeError, match="unhashable"):
        first([1])


def test_cache_keeps_no_result_of_a_call_that_raised() -> None:
    calls = []

    @lean.cache
    def fails(n: int) -> int:
        calls.append(n)
        raise ValueError(n)

    for _ in range(2):
        with pytest.raises(ValueError):
            fails(1)
    assert calls == [1, 1] and fails.cache_info().currsize == 0


def test_lru_cache_forgets_the_oldest_past_its_size() -> None:
    calls: list[int] = []

    @lean.lru_cache(2)
    def square(n: int) -> int:
        calls.append(n)
        return n * n

    assert [square(1), square(2), square(1), square(3)] == [1, 4, 1, 9]
    assert calls == [1, 2, 3] and square.cache_info().currsize == 2
    square(2)  # still kept
    square(1)  # the oldest, forgotten when 3 came
    assert calls == [1, 2, 3, 1] and square.cache_info().maxsize == 2

    @lean.lru_cache(0)
    def never(n: int) -> int:
        calls.append(-n)
        return n

    never(1), never(1)
    assert calls[-2:] == [-1, -1] and never.cache_info().currsize == 0
    with pytest.raises(ValueError):
        lean.lru_cache(-1)


def test_contextmanager_is_contextlibs_once_called() -> None:
    events: list[str] = []

    @lean.contextmanager
    def block(name: str) -> Iterator[str]:
        """A block."""
        events.append(f"enter {name}")
        try:
            yield name.upper()
        except KeyError:
            events.append("handled")
        finally:
            events.append(f"exit {name}")

    with block("a") as value:
        assert value == "A"
    with block("b"):
        raise KeyError("swallowed by the generator")
    with pytest.raises(ValueError), block("c"):
        raise ValueError("passes through")
    assert events == ["enter a", "exit a", "enter b", "handled", "exit b", "enter c", "exit c"]
    assert block.__name__ == "block" and block.__doc__ == "A block."


def test_contextmanager_imports_contextlib_only_when_called() -> None:
    code = (
        "import sys\n"
        "from aigraph import lean\n"
        "@lean.contextmanager\n"
        "def block():\n"
        "    yield 1\n"
        "print('functools' in sys.modules, 'contextlib' in sys.modules)\n"
        "with block() as one:\n"
        "    pass\n"
        "print('contextlib' in sys.modules, one)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT / "src")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "True", "1"]
