"""What Oxigraph's lenient N-Triples parser does not check, checked as its strict parser would.

The view reads big N-Triples files with the lenient parser (:mod:`aigraph.view.split`): at a
million triples it hands them over in about half the strict parser's time. It checks no IRI,
language tag, literal datatype or line break in a literal, and reads an escaped UTF-16
surrogate pair as one character; it checks blank node labels and the rest of the grammar as
the strict parser does. The scan (:func:`aigraph.view.scan.scan`, ``checked``) runs each
distinct term through these checks once; :mod:`aigraph.view.split` looks for surrogate escapes
in the bytes. Anything they refuse raises a ValueError, and the view reads the files again
with the strict parser, which reads the same or words the error.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import RDF


class Unchecked(ValueError):
    """What the lenient parser read may not be what the strict parser reads: read it with the
    strict one (which also words the error, if it is one). ``tests/test_view_split.py`` holds
    the two parsers to that, line against line."""


class Iris(dict[str, str]):
    """Interns the IRIs a lenient parse gives (see :func:`aigraph.view.scan.scan`'s
    ``checked``), each checked the first time it is seen as the strict parser checks it: a
    ValueError if it would refuse it (``<relative>``, ``<a b>``, ``<_:x>``...)."""

    def __missing__(self, text: str) -> str:
        ox.NamedNode(text)
        self[text] = text
        return text


class Labels(dict[str, str]):
    """Interns the other resources a lenient parse gives: blank nodes (whose labels the
    lenient parser checks as the strict one does). A literal or a triple term where a resource
    stands (rare) is not checked here: the strict parser reads the part."""

    def __missing__(self, text: str) -> str:
        if text[:2] != "_:":
            raise Unchecked("a literal or triple term in the place of a resource")
        self[text] = text
        return text


_LANG_STRINGS = {RDF + "langString", RDF + "dirLangString"}


class LiteralCheck:
    """Checks a literal as the strict parser does: its datatype an IRI (not rdf:langString
    without a language), its language tag well formed, no line break in its value. Each
    datatype and language once."""

    def __init__(self) -> None:
        # Apart: a language tag checked says nothing of a datatype IRI spelled the same
        # ("x"@en, then "y"^^<en>).
        self.languages: set[str] = set()
        self.datatypes: set[str] = set()

    def __call__(self, o: ox.Literal) -> None:
        value = o.value
        if "\n" in value or "\r" in value:
            raise Unchecked("a literal holds a line break")
        language = o.language
        if language:
            if language not in self.languages:
                ox.Literal("", language=language)  # a ValueError if not well formed
                self.languages.add(language)
            return
        datatype = o.datatype.value
        if datatype not in self.datatypes:
            if datatype in _LANG_STRINGS:
                raise Unchecked("rdf:langString without a language")
            ox.NamedNode(datatype)
            self.datatypes.add(datatype)


def check_logs(*logs: list[str]) -> None:
    """A line break in a literal's value (logged): the lenient parser reads on to the next line
    where the strict one stops. (A literal that holds an escaped one reads the same: then the
    strict parser reads the part too.)"""
    for log in logs:
        joined = "\x00".join(log)
        if "\n" in joined or "\r" in joined:
            raise Unchecked("a literal holds a line break")
