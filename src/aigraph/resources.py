"""Files shipped inside the package: plain paths when the package is on disk, else
through importlib.resources (a zip), whose import costs every command's start-up."""

from __future__ import annotations

from pathlib import Path

TYPE_CHECKING = False  # typing costs milliseconds of a query's start-up (mypy reads the name)
if TYPE_CHECKING:
    from importlib.resources.abc import Traversable


def data(*parts: str) -> Traversable:
    """Return a file under the package's ``data`` folder."""
    node: Traversable = Path(__file__).parent / "data"
    if not node.is_dir():
        from importlib.resources import files

        node = files("aigraph").joinpath("data")
    for part in parts:
        node = node.joinpath(part)
    return node


def ontology() -> Traversable:
    return data("ontology", "aigraph.ttl")


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
