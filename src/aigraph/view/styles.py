"""How the view draws classes, relations and text: each class's shape and colour, each
relation's colour, dashes and width (aigraph's own terms have fixed ones; any other term
gets a palette colour unlike those on the page), their vis options, their names, and the
cut of long labels and tooltips.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cache
from typing import Any

from ..namespaces import AIG
from ..ontology import Ontology
from .fold import label_of

BOX_FONT = 17
"""Font size of a box's label (an organisation's name), in canvas pixels (see the font sizes
in :mod:`aigraph.view.page`)."""

# Shape and colour of the aigraph classes; other classes get the generic cycle below.
_AIG_CLASS_STYLE: dict[str, tuple[str, str]] = {
    "IndustryAlliance": ("box", "#3f37c9"),
    "Organization": ("box", "#1f6fb2"),
    "Company": ("box", "#0f7f74"),
    "GovernanceBody": ("diamond", "#8e44ad"),
    "GoverningBoard": ("diamond", "#8e44ad"),
    "TechnicalOversightCommittee": ("diamond", "#b03a8c"),
    "WorkingGroup": ("diamond", "#6c5ce7"),
    "AIModel": ("triangle", "#e8590c"),
    "AIPlatform": ("square", "#c77c02"),
    "FocusArea": ("dot", "#2b9348"),
    "Goal": ("dot", "#0b8fb3"),
    "Value": ("dot", "#d4a017"),
    "Stance": ("hexagon", "#d6336c"),
    "Sector": ("dot", "#7cb518"),
    "Challenge": ("star", "#d62828"),
    "Topic": ("dot", "#6c7a89"),
    "Article": ("square", "#495057"),
    "Sentence": ("dot", "#868e96"),
}


# Colour, dash pattern and width of the aigraph relations: no two alike in colour and dashes
# (an inverse shares its relation's colour, with its own dashes). Warm reds for criticism and
# opposition, each with its own dashes; organisations' ties in blues and violets, solid.
_AIG_RELATION_STYLE: dict[str, tuple[str, bool | list[int], float]] = {
    "memberOf": ("#1971c2", False, 2.0),
    "hasMember": ("#1971c2", [2, 4], 2.0),
    "foundingMemberOf": ("#6741d9", False, 3.5),
    "hasFoundingMember": ("#6741d9", [8, 4], 3.0),
    "collaboratesWith": ("#5c940d", False, 3.0),
    "competesWith": ("#e8590c", [10, 6], 2.5),
    "criticizes": ("#e03131", [4, 4], 2.0),
    "opposes": ("#a61e4d", [12, 4, 2, 4], 2.0),
    "faces": ("#495057", [2, 4], 1.8),
    "willEstablish": ("#ae3ec9", [12, 4, 2, 4, 2, 4], 2.0),
    "released": ("#9c4f1d", False, 2.0),
    "offers": ("#0b7285", [10, 3], 2.0),
    "focusArea": ("#12b886", False, 1.8),
    "aimsTo": ("#1098ad", False, 1.8),
    "emphasizes": ("#f59f00", False, 1.8),
    "advocates": ("#d6336c", False, 2.0),
    "membershipSector": ("#74b816", [6, 4], 1.5),
    "positionedAt": ("#4263eb", [1, 4], 1.8),
}


_PALETTE = [
    "#1f77b4", "#e8590c", "#2b9348", "#d62828", "#8e44ad", "#8c564b",
    "#d6336c", "#5c677d", "#a4a000", "#0b8fb3", "#3f37c9", "#c77c02",
]  # fmt: skip


_SHAPES = ["dot", "diamond", "square", "triangle", "hexagon", "star", "triangleDown"]


_DASHES: list[bool | list[int]] = [False, [8, 5], [3, 4], [12, 4, 2, 4]]


_UNTYPED = ("dot", "#9aa5b1")


def _family(cls: str, vocab: Ontology) -> str:
    """The most general declared class above ``cls`` (its family shares a shape)."""
    family = cls
    for a in vocab.ancestors(cls):
        term = vocab.terms.get(a)
        if term is not None and term.kind == "class":
            family = a
    return family


def class_styles(classes: list[str], vocab: Ontology) -> dict[str, dict[str, Any]]:
    counts = Counter(classes)
    styles: dict[str, dict[str, Any]] = {}
    generic = sorted(
        (c for c in counts if c and not (c.startswith(AIG) and c[len(AIG) :] in _AIG_CLASS_STYLE)),
        key=lambda c: (-counts[c], c),
    )
    family_shape: dict[str, str] = {}
    taken = [
        _AIG_CLASS_STYLE[c[len(AIG) :]][1] for c in counts if c.startswith(AIG) and c[len(AIG) :] in _AIG_CLASS_STYLE
    ]
    for i, cls in enumerate(generic):
        fam = _family(cls, vocab)
        if fam not in family_shape:
            family_shape[fam] = _SHAPES[len(family_shape) % len(_SHAPES)]
        colour = _unlike(taken, i)
        # Cycle shapes as well once colours repeat, so every class stays distinct.
        shape = family_shape[fam] if i < len(_PALETTE) else _SHAPES[(i // len(_PALETTE)) % len(_SHAPES)]
        styles[cls] = {"shape": shape, "color": colour}
    for cls in counts:
        if cls.startswith(AIG) and cls[len(AIG) :] in _AIG_CLASS_STYLE:
            shape, colour = _AIG_CLASS_STYLE[cls[len(AIG) :]]
            styles[cls] = {"shape": shape, "color": colour}
    if "" in counts:
        styles[""] = {"shape": _UNTYPED[0], "color": _UNTYPED[1]}
    for cls, style in styles.items():
        style["count"] = counts[cls]
        style["family"] = _family(cls, vocab) if cls else ""
    return styles


def relation_styles(predicates: list[str], vocab: Ontology) -> dict[str, dict[str, Any]]:
    counts = Counter(predicates)
    styles: dict[str, dict[str, Any]] = {}
    generic = sorted(
        (p for p in counts if not (p.startswith(AIG) and p[len(AIG) :] in _AIG_RELATION_STYLE)),
        key=lambda p: (-counts[p], p),
    )
    taken = [
        _AIG_RELATION_STYLE[p[len(AIG) :]][0]
        for p in counts
        if p.startswith(AIG) and p[len(AIG) :] in _AIG_RELATION_STYLE
    ]
    for i, pred in enumerate(generic):
        colour = _unlike(taken, i)
        dashes = _DASHES[(i // len(_PALETTE)) % len(_DASHES)]
        styles[pred] = {"color": colour, "dashes": dashes, "width": 1.5}
    for pred in counts:
        if pred.startswith(AIG) and pred[len(AIG) :] in _AIG_RELATION_STYLE:
            colour, dashes, width = _AIG_RELATION_STYLE[pred[len(AIG) :]]
            styles[pred] = {"color": colour, "dashes": dashes, "width": width}
    for pred, style in styles.items():
        term = vocab.terms.get(pred)
        style["count"] = counts[pred]
        style["symmetric"] = bool(term and "Symmetric" in term.characteristics)
    return styles


def _unlike(taken: list[str], i: int) -> str:
    """The ``i``-th generic colour, skipping palette colours close to ``taken`` (aigraph's own
    on the page, and those given before), so that an extension's term looks like no other."""
    if i >= len(_PALETTE):
        return _PALETTE[i % len(_PALETTE)]  # the palette is spent: dashes or shapes tell them apart
    for colour in _PALETTE[i:] + _PALETTE[:i]:
        if all(_rgb_distance(colour, t) > 60 for t in taken):
            taken.append(colour)
            return colour
    return _PALETTE[i]


def _rgb_distance(a: str, b: str) -> float:
    return math.dist([int(a[k : k + 2], 16) for k in (1, 3, 5)], [int(b[k : k + 2], 16) for k in (1, 3, 5)])


@cache
def _lighten(colour: str, amount: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    r, g, b = (round(c + (255 - c) * amount) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


def node_style(style: dict[str, Any]) -> dict[str, Any]:
    """The vis options every node of a class shares."""
    colour = style["color"]
    lift = 0.15 if style["shape"] == "box" else 0.3
    out: dict[str, Any] = {
        "color": {
            "background": colour,
            "border": _darken(colour),
            "highlight": {"background": _lighten(colour, lift), "border": "#111111"},
            "hover": {"background": _lighten(colour, lift), "border": "#111111"},
        }
    }
    if style["shape"] == "box":
        out["font"] = {"color": "#ffffff", "strokeWidth": 0, "size": BOX_FONT, "bold": {"color": "#ffffff"}}
        out["margin"] = 10
        out["widthConstraint"] = {"maximum": 220}
    return out


def edge_style(style: dict[str, Any]) -> dict[str, Any]:
    """The vis options every edge of a relation shares."""
    colour = style["color"]
    return {
        "color": {"color": colour, "highlight": _darken(colour), "hover": _darken(colour)},
        "dashes": style["dashes"],
        "width": style["width"],
    }


@cache
def _darken(colour: str, amount: float = 0.25) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    r, g, b = (round(c * (1 - amount)) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


def class_label(cls: str, vocab: Ontology) -> str:
    return label_of(cls, vocab) if cls else "Untyped resource"


relation_label = label_of


def comment(iri: str, vocab: Ontology) -> str:
    term = vocab.terms.get(iri)
    return term.comment if term else ""


_LABEL_CAP = 120
"""Characters of a label drawn on the canvas; the panel shows all of it."""
_WORD_CAP = 60
"""Characters of one unbroken word drawn: vis-network wraps a long word letter by letter, and a
50,000-letter one kept the page frozen for about 20 s."""
_TIP_CAP = 600
"""Characters of a sentence in a tooltip (the panel shows all of it)."""


def drawn_label(text: str) -> str:
    """``text`` as drawn on the canvas: cut, with an ellipsis, at the first word longer than
    60 characters or at 120 characters.

    >>> drawn_label("x" * 100)[-3:], len(drawn_label("x" * 100))
    ('xx…', 60)
    """
    if len(text) <= _WORD_CAP:
        return text
    long_word = re.search(rf"\S{{{_WORD_CAP + 1}}}", text)
    cut = min(_LABEL_CAP, long_word.start() + _WORD_CAP if long_word else _LABEL_CAP)
    if len(text) <= cut:
        return text
    return text[: cut - 1].rstrip() + "\u2026"


def tip(text: str) -> str:
    return text if len(text) <= _TIP_CAP else text[: _TIP_CAP - 1] + "\u2026"
