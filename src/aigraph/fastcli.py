"""``aigraph query`` and ``aigraph build`` without importing click (issue 15: a seed query within
2x a bare pyoxigraph script; click alone takes 30 ms to import).

The options are declared once, on the click commands in :mod:`aigraph.cli`.
``tools/regenerate.py`` writes what this module needs to know about them into
:mod:`aigraph.fastargs` (:func:`render`; ``tests/test_fastcli.py`` checks it
equals what click declares now). :func:`parse` applies that table to the
common forms of a command line: ``--opt value``, ``--opt=value``, ``-o value``,
flags, repeated options and the positional argument. Whatever it does not read
exactly as click would (an unknown option, ``--``, ``-``, bundled short flags,
``-h``, a value click would refuse, text that is not UTF-8, a parameter type
the table cannot describe) makes it return None, and click reads the command
line, words any error, and runs the same body (:mod:`aigraph.commands`).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs milliseconds of a query's start-up (mypy reads the name)
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path
    from typing import Any

_FAIL = object()  # a value the table cannot vouch for: click decides


def _number(raw: str, spec: tuple[Any, ...]) -> Any:
    """An int or float within the spec's closed range, written as plain digits; else _FAIL.

    (``int()`` and ``float()`` take more spellings than these, " 1_0", Arabic-Indic
    digits, "inf": click takes them too, and says so better; they go to click.)
    """
    kind, low, high = spec[0], spec[1], spec[2]
    allowed = "0123456789" if kind == "int" else "0123456789.eE+-"
    if not raw or raw.strip(allowed) or (kind == "int" and raw.startswith("0") and raw != "0"):
        return _FAIL
    try:
        value: Any = int(raw) if kind == "int" else float(raw)
    except ValueError:
        return _FAIL
    if value != value or value in (float("inf"), float("-inf")):  # nan, inf: click's to refuse or take
        return _FAIL
    if (low is not None and value < low) or (high is not None and value > high):
        return _FAIL
    return value


def _path(raw: str, spec: tuple[Any, ...], plain: bool = False) -> Any:
    """As ``click.Path`` (exists=False, no dash, not resolved) checks and converts a path
    (with ``plain``, a click ``pathlib.Path`` is given as the text it prints: :func:`plain_path`)."""
    _, file_okay, dir_okay, readable, writable, executable, as_path = spec
    try:
        st = os.stat(raw)
    except OSError:
        pass  # click does not ask that it exist
    else:
        import stat

        if (
            (not file_okay and stat.S_ISREG(st.st_mode))
            or (not dir_okay and stat.S_ISDIR(st.st_mode))
            or (readable and not os.access(raw, os.R_OK))
            or (writable and not os.access(raw, os.W_OK))
            or (executable and not os.access(raw, os.X_OK))
        ):
            return _FAIL
    if as_path:
        if plain:
            return plain_path(raw)
        from pathlib import Path

        return Path(raw)
    return raw


def plain_path(raw: str) -> str | Path:
    """``str(pathlib.Path(raw))`` without pathlib (with urllib.parse and ipaddress, 3 ms of a
    cached query's start-up) on POSIX: slashes collapsed, except two leading ones, ``.`` parts and
    a trailing slash dropped, ``.`` for nothing. Elsewhere the Path itself (drives, backslashes)."""
    if os.name != "posix":
        from pathlib import Path

        return Path(raw)
    rest = raw.lstrip("/")
    root = "//" if len(raw) - len(rest) == 2 else "/" if rest != raw else ""
    return root + "/".join(part for part in rest.split("/") if part and part != ".") or "."


def _convert(raw: str, spec: tuple[Any, ...], plain: bool = False) -> Any:
    kind = spec[0]
    if kind == "text":
        return raw
    if kind == "choice":
        folded = raw.casefold() if not spec[2] else raw
        for choice in spec[1]:
            if (choice.casefold() if not spec[2] else choice) == folded:
                return choice
        return _FAIL
    if kind in ("int", "float"):
        return _number(raw, spec)
    if kind == "path":
        return _path(raw, spec, plain)
    return _FAIL


def parse(command: str, argv: Sequence[str], *, plain_paths: bool = False) -> dict[str, Any] | None:
    """The parameters click would give ``command`` for ``argv``, or None if click must read them.

    With ``plain_paths``, the values click gives as ``pathlib.Path`` are the text they print
    (:func:`plain_path`): a command body that takes either then runs without pathlib."""
    from .fastargs import COMMANDS

    params: tuple[tuple[Any, ...], ...] | None = COMMANDS.get(command)
    if params is None:
        return None
    try:
        for arg in argv:
            arg.encode("utf-8")  # a lone surrogate: bytes that are not UTF-8, which click words
    except UnicodeEncodeError:
        return None
    by_name = {name: p for p in params for name in p[1]}
    values: dict[str, Any] = {p[0]: p[4] for p in params}
    repeated: dict[str, list[Any]] = {}
    positional: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg[:1] != "-":
            positional.append(arg)
            continue
        if arg in ("-", "--"):
            return None
        name, eq, explicit = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        found = by_name.get(name)
        if found is None or (len(name) == 2) != (name[1] != "-"):  # unknown, or "-xyz" bundled
            return None
        dest, _, kind, spec, _ = found
        if kind == "flag":
            if eq:
                return None
            values[dest] = True
            continue
        if kind not in ("value", "multiple"):
            return None
        if eq:
            raw = explicit
        elif i < len(argv):
            raw = argv[i]
            i += 1
        else:
            return None
        value = _convert(raw, spec, plain_paths)
        if value is _FAIL:
            return None
        if kind == "multiple":
            repeated.setdefault(dest, []).append(value)
        else:
            values[dest] = value
    arguments = [p for p in params if p[2] == "argument"]
    if len(positional) != len(arguments):
        return None
    for p, raw in zip(arguments, positional, strict=True):
        value = _convert(raw, p[3], plain_paths)
        if value is _FAIL:
            return None
        values[p[0]] = value
    for dest, items in repeated.items():
        values[dest] = tuple(items)
    return values


def run(argv: Sequence[str]) -> None:
    """Run ``aigraph COMMAND ...`` here and leave, or return when click must read the arguments."""
    if not argv:
        return
    # commands.query takes a path as text or Path: its files are opened by name (the store cache's
    # entries too), and made Path objects where they are read (files.check_input).
    params = parse(argv[0], argv[1:], plain_paths=argv[0] == "query")
    if params is None:
        return
    opening = None
    if argv[0] == "query" and params["endpoint"] is None:
        from .sparql import watchdog

        # The watchdog (--timeout) forked now, before the command's imports: the worker then
        # copies few pages on write (6 ms less than forking where commands.query asks for it).
        watchdog.start()
        if params["data"] and not params["no_cache"] and not params["named"]:
            from . import interrupts
            from .store import cache

            # The signal watcher's thread started first (commands.prepare_process would start it
            # while the store opens, with the opening's small stack, on the caller's fewer CPUs).
            interrupts.install()

            # The cached store of --data (as commands.query asks for it) opened in a thread while
            # the command imports what it needs: 12 ms of Oxigraph's, 5-10 ms of ours.
            opening = cache.open_soon(
                params["data"], with_ontology=params["with_ontology"], extensions=params["ontology"]
            )
    from . import commands

    bodies: dict[str, Callable[..., None]] = {"query": commands.query, "build": commands.build}
    body = bodies[argv[0]]

    def run_body() -> None:
        try:
            body(**params)
        finally:
            if opening is not None:  # taken by the command, or unused (it failed first)
                opening.wait()

    commands.prepare_process()
    code = commands.invoke(run_body)
    commands.finish_process(code)


# ------------------------------------------------------------------ the table, from click


FAST = ("build", "query")
"""The commands :func:`run` takes (their bodies are in :mod:`aigraph.commands`)."""


def describe(command: Any) -> tuple[tuple[Any, ...], ...]:
    """One click command's parameters as :func:`parse` reads them:
    ``(dest, option names, kind, type, default)`` with kind ``argument``, ``flag``,
    ``value``, ``multiple`` or ``click`` (a parameter only click reads)."""
    import click

    from . import cli

    required = ["x"] * sum(isinstance(p, click.Argument) for p in command.params)

    def params(*args: str) -> dict[str, Any]:
        # Under the group's context, as the command runs (click keeps the help option it makes first).
        with click.Context(cli.cli, info_name="aigraph", **cli.CONTEXT) as top:  # type: ignore[arg-type]
            with command.make_context(command.name, [*required, *args], parent=top) as ctx:
                return dict(ctx.params)

    defaults = params()  # as click converts them
    out: list[tuple[Any, ...]] = []
    for p in command.params:
        names = tuple(sorted(p.opts, key=len))
        spec = _type_spec(p.type, cli)
        if isinstance(p, click.Argument):
            if p.nargs != 1 or not p.required or spec is None:
                raise ValueError(f"{command.name}: the argument {p.name} is not one the fast path can read")
            out.append((p.name, (), "argument", spec, None))
            continue
        assert isinstance(p, click.Option)
        if (
            p.is_flag
            and not p.secondary_opts
            and not p.count
            and defaults[p.name] is False
            and params(names[0])[p.name] is True
        ):
            kind = "flag"
        elif p.is_flag or p.count or p.nargs != 1 or p.secondary_opts or spec is None or p.envvar:
            kind = "click"
        else:
            kind = "multiple" if p.multiple else "value"
        out.append((p.name, names, kind, spec if kind in ("value", "multiple") else None, defaults[p.name]))
    return tuple(out)


def _type_spec(kind: Any, cli: Any) -> tuple[Any, ...] | None:
    """How :func:`_convert` mirrors a click type, or None when it cannot (exact types only:
    a subclass may convert differently)."""
    import click

    t = type(kind)
    if t is click.types.StringParamType or t is cli._Utf8Text:  # _Utf8Text: parse() refuses non-UTF-8 first
        return ("text",)
    if t is click.Choice and all(isinstance(c, str) for c in kind.choices):
        return ("choice", tuple(kind.choices), kind.case_sensitive)
    if t in (click.IntRange, click.FloatRange, cli._Seconds) and not (kind.min_open or kind.max_open or kind.clamp):
        return ("int" if t is click.IntRange else "float", kind.min, kind.max)
    if t is click.types.IntParamType:
        return ("int", None, None)
    if t is click.types.FloatParamType:
        return ("float", None, None)
    if t is click.Path and not (kind.exists or kind.allow_dash or kind.resolve_path):
        import pathlib

        if kind.type not in (None, pathlib.Path):
            return None
        flags = (kind.file_okay, kind.dir_okay, kind.readable, kind.writable, kind.executable)
        return ("path", *flags, kind.type is pathlib.Path)
    return None


def render() -> str:
    """The source of :mod:`aigraph.fastargs`, from the click commands now (tools/regenerate.py)."""
    import pprint

    from .cli import cli

    lines = [
        '"""Generated by tools/regenerate.py from the click commands (see aigraph.fastcli): do not edit."""',
        "",
        "# command -> ((dest, option names, kind, type, default), ...)",
        "COMMANDS = {",
    ]
    for name in FAST:
        lines.append(f"    {name!r}: (")
        for row in describe(cli.commands[name]):
            if len(repr(row)) < 100:
                lines.append(f"        {row!r},")
                continue
            lines.append("        (")
            lines.extend(
                f"            {pprint.pformat(item, width=100, compact=True)},".replace("\n", "\n            ")
                for item in row
            )
            lines.append("        ),")
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"
