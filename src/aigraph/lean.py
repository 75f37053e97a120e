"""``functools.cache``, ``functools.lru_cache`` and ``contextlib.contextmanager`` for the
modules a query imports, without importing functools or contextlib (issue 15).

functools imports collections, operator, keyword, reprlib and types, and contextlib
imports functools: 3-4 ms of every query's start-up, and of a cached query's ~40 ms
(benchmarks/README.md, "The store's opening"). The stand-ins keep the behaviour the
callers rely on:

- :func:`cache` memoises on the positional and keyword arguments, as ``functools.cache``
  does, with ``cache_clear()`` and ``cache_info().currsize``;
- :func:`lru_cache` is bounded: past ``maxsize`` entries it forgets the oldest one
  (first in, first out, where functools forgets the least recently used);
- :func:`contextmanager` imports contextlib the first time the decorated function is
  called, so that only a command that uses the context manager pays for it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager
    from typing import Generic, ParamSpec, Protocol, TypeVar

    P = ParamSpec("P")
    R = TypeVar("R")
    T = TypeVar("T")

    class CacheInfo(Protocol):
        @property
        def currsize(self) -> int: ...

        @property
        def maxsize(self) -> int | None: ...

    class Memoised(Protocol, Generic[P, R]):
        __wrapped__: Callable[P, R]

        def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R: ...

        def cache_clear(self) -> None: ...

        def cache_info(self) -> CacheInfo: ...


class _Info:
    __slots__ = ("currsize", "maxsize")

    def __init__(self, currsize: int, maxsize: int | None) -> None:
        self.currsize = currsize
        self.maxsize = maxsize

    def __repr__(self) -> str:
        return f"CacheInfo(maxsize={self.maxsize}, currsize={self.currsize})"


_KWARGS = object()  # separates the positional arguments from the keyword ones in a key


def _memoised(func: Callable[P, R], maxsize: int | None) -> Memoised[P, R]:
    memo: dict[object, R] = {}

    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        key: object = args if not kwargs else (*args, _KWARGS, *kwargs.items())
        try:
            return memo[key]
        except KeyError:
            pass
        value = func(*args, **kwargs)
        if maxsize is not None and len(memo) >= maxsize:
            try:
                del memo[next(iter(memo))]  # the oldest entry
            except (StopIteration, KeyError, RuntimeError):  # maxsize 0, or another thread's change
                pass
        if maxsize != 0:
            memo[key] = value
        return value

    def cache_info() -> CacheInfo:
        return _Info(len(memo), maxsize)

    wrapper.cache_clear = memo.clear  # type: ignore[attr-defined]
    wrapper.cache_info = cache_info  # type: ignore[attr-defined]
    _wraps(wrapper, func)
    return wrapper  # type: ignore[return-value]


def _wraps(wrapper: object, func: object) -> None:
    """What ``functools.update_wrapper`` copies (name, docs, module)."""
    for name in ("__module__", "__name__", "__qualname__", "__doc__"):
        try:
            setattr(wrapper, name, getattr(func, name))
        except AttributeError:
            pass
    wrapper.__wrapped__ = func  # type: ignore[attr-defined]


def cache(func: Callable[P, R]) -> Memoised[P, R]:
    """``functools.cache``: every result kept, keyed by the arguments (hashable)."""
    return _memoised(func, None)


def lru_cache(maxsize: int) -> Callable[[Callable[P, R]], Memoised[P, R]]:
    """``functools.lru_cache(maxsize)``, bounded by forgetting the oldest entry."""
    if maxsize < 0:
        raise ValueError("maxsize must not be negative")

    def decorate(func: Callable[P, R]) -> Memoised[P, R]:
        return _memoised(func, maxsize)

    return decorate


def contextmanager(func: Callable[P, Iterator[T]]) -> Callable[P, AbstractContextManager[T]]:
    """``contextlib.contextmanager``, which it imports when the function is first called."""

    def make(*args: P.args, **kwargs: P.kwargs) -> AbstractContextManager[T]:
        made = getattr(make, "_made", None)
        if made is None:
            import contextlib

            made = make._made = contextlib.contextmanager(func)  # type: ignore[attr-defined]
        return made(*args, **kwargs)  # type: ignore[no-any-return]

    _wraps(make, func)
    return make
