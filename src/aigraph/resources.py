"""Files shipped inside the package: plain paths when the package is on disk, else
through importlib.resources (a zip), whose import costs every command's start-up."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing and pathlib cost milliseconds of a query's start-up (mypy reads the names)
if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


def data(*parts: str) -> Traversable:
    """Return a file under the package's ``data`` folder."""
    from pathlib import Path

    node: Traversable = Path(__file__).parent / "data"
    if not node.is_dir():
        from importlib.resources import files

        node = files("aigraph").joinpath("data")
    for part in parts:
        node = node.joinpath(part)
    return node


def ontology() -> Traversable:
    return data("ontology", "aigraph.ttl")


def file_on_disk(*parts: str) -> str | None:
    """The name of a file under the package's ``data`` folder when the package is on disk, else
    None (a zip): for ``Store.load``, without pathlib (a query's start-up)."""
    name = os.path.join(os.path.dirname(__file__), "data", *parts)
    return name if os.path.isfile(name) else None


def shapes() -> Traversable:
    return data("ontology", "shapes.ttl")


def facts() -> Traversable:
    return data("sources", "ai-alliance.facts.toml")


def built_graph() -> Traversable:
    """The graph built from the shipped facts (``graphs/ai-alliance.ttl``)."""
    return data("graphs", "ai-alliance.ttl")


def as_path(ref: Traversable):  # type: ignore[no-untyped-def]
    """A context manager giving a real filesystem path for a packaged file."""
    from importlib.resources import as_file

    return as_file(ref)
