"""SPARQL over the graph: one engine (Oxigraph), saved queries, bindings, evaluation and rendering.

Oxigraph evaluates; rdflib is imported only for ``infer=True`` (owlrl works on
rdflib graphs). Every query is read-only and local unless the caller allows the
network: refused before evaluation (:func:`aigraph.sparql.guard.check_safety`), and evaluated in a
forked child that cannot open sockets (:mod:`aigraph.sparql.sandbox`). A time limit is
enforced by killing that child when the limit passes (no thread can interrupt
the evaluator): :mod:`aigraph.sparql.limits`.

>>> import aigraph
>>> [row[1].value for row in aigraph.query("founders")]
['https://w3id.org/aigraph/id/IBM', 'https://w3id.org/aigraph/id/Meta']
"""

from __future__ import annotations

import functools
import os
import re

import pyoxigraph as ox

from ..errors import AigraphError, NetworkRefused
from ..namespaces import PREFIXES
from .guard import FrozenRecord, Record, check_safety, inspect_query, lex
from .limits import _OUT_OF_MEMORY, DEFAULT_MAX_MEMORY_MB, run_limited

# typing, dataclasses and pathlib cost a query's start-up milliseconds: the records here are
# plain classes (guard.Record), and mypy alone reads the type names.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence
    from pathlib import Path
    from typing import Any, TypeAlias

    from .guard import Kind, QueryInfo

    Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

# ------------------------------------------------------------------ saved queries


class SavedQuery(FrozenRecord):
    """A query shipped in ``aigraph/sparql/queries/NAME.rq``: standalone SPARQL 1.1.

    The first line is ``# description``. The query declares its own prefixes,
    so it runs unchanged on any SPARQL endpoint; default values are its final
    ``VALUES`` clause, which ``bind`` replaces (``defaults`` lists them).
    """

    __slots__ = ("name", "description", "text", "defaults")

    def __init__(self, name: str, description: str, text: str, defaults: dict[str, str] | None = None) -> None:
        self.name = name
        self.description = description
        self.text = text
        self.defaults = defaults if defaults is not None else {}


def _queries_folder() -> Any:
    """The package's queries folder: a plain path when the package is on disk (importing
    importlib.resources costs a few milliseconds of every query's start-up), else a resource."""
    from pathlib import Path

    here = Path(__file__).parent / "queries"
    if here.is_dir():
        return here
    from importlib.resources import files

    return files("aigraph").joinpath("sparql", "queries")


def _read_saved(name: str, text: str) -> SavedQuery:
    lines = text.splitlines()
    description = lines[0].lstrip("#").strip() if lines and lines[0].startswith("#") else ""
    values = trailing_values(text)
    defaults = {}
    if values is not None:
        for i, var in enumerate(values.variables):
            column = {row[i] for row in values.rows}
            if len(column) == 1 and "UNDEF" not in column:
                defaults[var] = column.pop()
    return SavedQuery(name, description, text, defaults)


@functools.lru_cache(maxsize=1)
def saved_queries() -> dict[str, SavedQuery]:
    """The saved queries by name, read from the package."""
    out: dict[str, SavedQuery] = {}
    for entry in sorted(_queries_folder().iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        name = entry.name[: -len(".rq")]
        out[name] = _read_saved(name, entry.read_text(encoding="utf-8"))
    return out


@functools.cache
def _saved(name: str) -> SavedQuery | None:
    """One saved query, reading its file alone (a query needs one of the 17, not all)."""
    here = os.path.join(os.path.dirname(__file__), "queries")
    if os.path.isdir(here):  # the package on disk: no pathlib (a query's start-up)
        if f"{name}.rq" not in os.listdir(here):  # exact case, even on a case-blind disk
            return None
        with open(os.path.join(here, f"{name}.rq"), encoding="utf-8") as fh:
            return _read_saved(name, fh.read())
    folder = _queries_folder()
    if f"{name}.rq" not in {e.name for e in folder.iterdir()}:  # exact case, even on a case-blind disk
        return None
    return _read_saved(name, folder.joinpath(f"{name}.rq").read_text(encoding="utf-8"))


_NAME = re.compile(r"[A-Za-z][\w-]*")


class QueryText(FrozenRecord):
    """SPARQL text, where it came from (for messages), and the base IRI its relative IRIs resolve against."""

    __slots__ = ("text", "source", "base_iri")

    def __init__(self, text: str, source: str = "<query>", base_iri: str | None = None) -> None:
        self.text = text
        self.source = source
        self.base_iri = base_iri

    def with_base(self, base_iri: str | None) -> QueryText:
        return QueryText(self.text, self.source, base_iri)


def saved_query(name: str) -> QueryText:
    """A saved query by name; an unknown name lists the known ones."""
    found = _saved(name) if _NAME.fullmatch(name) else None
    if found is None:
        raise AigraphError(
            f"unknown saved query {name!r}; saved queries: {', '.join(saved_queries())}"
            " (or give SPARQL text, a .rq file, or - for stdin)"
        )
    return QueryText(found.text, f"{name}.rq")


# SPARQL text, even when it holds a "/" and no space: DESCRIBE<https://...>
# Patterns below are compiled on first use (re's own cache): a saved query needs none of them.
_SPARQL_START = r"(?i)\s*(?:PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE|WITH|INSERT|DELETE|LOAD)(?![\w.-])"


def resolve_query(
    arg: str, stdin_text: Callable[[], str] | None = None, *, base_iri: str | None = None
) -> QueryText:
    """Turn a QUERY argument into SPARQL text, its source and its base IRI.

    ``arg`` is a saved query name, a path to a ``.rq``/``.sparql`` file, ``-``
    for standard input (read by ``stdin_text``), or SPARQL text. Relative IRIs
    in a file resolve against the file's address, as SPARQL processors do;
    ``base_iri`` sets the base instead (and is the only base of inline text
    and standard input).
    """
    if arg == "-":
        if stdin_text is None:
            raise AigraphError("no standard input to read the query from")
        return QueryText(stdin_text(), "<stdin>", base_iri)
    if _NAME.fullmatch(arg) and _saved(arg) is not None:
        return saved_query(arg).with_base(base_iri)
    from pathlib import Path

    path = Path(arg)
    query_suffix = path.suffix.lower() in {".rq", ".sparql"}
    maybe_path = "\n" not in arg and "{" not in arg and len(arg) < 4096
    if maybe_path:
        try:
            there = path.exists() or path.is_symlink()
        except (OSError, ValueError) as exc:  # a name too long, a NUL byte
            if query_suffix:
                raise AigraphError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", path=arg) from None
            there = False
        if there:
            from ..files import read_input

            raw = read_input(path, "a query file")
            try:
                text = raw.decode("utf-8").removeprefix("\ufeff")
            except UnicodeDecodeError as exc:
                raise AigraphError(f"not UTF-8 text (byte {exc.start})", path=arg) from None
            return QueryText(text, arg, base_iri or path.resolve().as_uri())
        if query_suffix or (os.sep in arg and not re.match(_SPARQL_START, arg) and not re.search(r"\s", arg)):
            raise AigraphError("no such query file", path=arg)
    if _NAME.fullmatch(arg):
        return saved_query(arg).with_base(base_iri)
    return QueryText(arg, base_iri=base_iri)


# ------------------------------------------------------------------ bindings


def parse_term(value: str | Term, prefixes: Mapping[str, str] | None = None) -> Term:
    """A term from its Turtle spelling: ``kg:IBM``, ``<http://...>``, ``"text"@en``, ``45``."""
    if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple):
        return value
    text = value.strip()
    decl = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in {**PREFIXES, **(prefixes or {})}.items())
    doc = f"{decl}<urn:aigraph:s> <urn:aigraph:p> {text} .\n"
    try:
        triples = [q.triple for q in ox.parse(input=doc.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
    except (SyntaxError, ValueError):
        triples = []
    if len(triples) != 1 or "\n" in text:
        raise AigraphError(
            f"cannot read {value!r} as an RDF term: write an IRI as kg:IBM or <https://...>,"
            ' a string as "text" (quoted), a number as 45'
        )
    return triples[0].object  # type: ignore[return-value]


def display_prefixes(declared: Mapping[str, str]) -> dict[str, str]:
    """The prefixes to shorten IRIs with: the query's own first, then aigraph's for other namespaces.

    >>> display_prefixes({"e": "https://w3id.org/aigraph/id/"})["e"], "kg" in display_prefixes({"e": "x"})
    ('https://w3id.org/aigraph/id/', True)
    """
    taken = set(declared.values())
    return {**declared, **{p: ns for p, ns in PREFIXES.items() if p not in declared and ns not in taken}}


class ValuesClause(FrozenRecord):
    """A query's final ``VALUES`` clause (after its solution modifiers), as written.

    ``start``/``end`` delimit it in the text; each row holds one cell per
    variable, as spelled in the query (``UNDEF`` included).
    """

    __slots__ = ("start", "end", "variables", "rows", "sigils")

    def __init__(
        self,
        start: int,
        end: int,
        variables: tuple[str, ...],
        rows: tuple[tuple[str, ...], ...],
        sigils: tuple[str, ...] = (),  # "?" or "$", as each variable is written
    ) -> None:
        self.start = start
        self.end = end
        self.variables = variables
        self.rows = rows
        self.sigils = sigils


def trailing_values(text: str) -> ValuesClause | None:
    """The final ``VALUES`` clause of a query, or None.

    It is the one ``VALUES`` outside every bracket: any other sits inside a
    group (``WHERE { ... }``, a subquery). Comments, strings and IRIs are
    tokens of their own, so ``"VALUES"`` or ``# VALUES`` never count. None as
    well when the clause is malformed (the engine then reports the error).

    >>> trailing_values("SELECT * { ?s ?p ?o } VALUES ?s { <http://e/a> }").rows
    (('<http://e/a>',),)
    """
    tokens: list[tuple[str, str, int]] = []  # significant (kind, text, offset)
    depth, at = 0, None
    for kind, tok, start in lex(text):
        if kind in {"ws", "comment"}:
            continue
        if kind == "punct" and tok in "{([":
            depth += 1
        elif kind == "punct" and tok in "})]":
            depth -= 1
        elif kind == "word" and depth == 0 and tok.upper() == "VALUES":
            at = len(tokens)
        tokens.append((kind, tok, start))
    if at is None:
        return None
    toks, i = tokens[at + 1 :], 0

    def punct(t: str) -> bool:
        return i < len(toks) and toks[i][0] == "punct" and toks[i][1] == t

    variables: list[str] = []
    if i < len(toks) and toks[i][0] == "var":
        variables, i, single = [toks[i][1]], i + 1, True
    elif punct("("):
        i += 1
        while i < len(toks) and toks[i][0] == "var":
            variables.append(toks[i][1])
            i += 1
        if not punct(")"):
            return None
        i, single = i + 1, False
    else:
        return None
    if not punct("{"):
        return None
    i += 1
    rows: list[tuple[str, ...]] = []
    while not punct("}"):
        if i >= len(toks):
            return None
        if single:
            cell, i = _cell(toks, i, text)
            if cell is None:
                return None
            rows.append((cell,))
            continue
        if not punct("("):
            return None
        i += 1
        row: list[str] = []
        while not punct(")"):
            cell, i = _cell(toks, i, text)
            if cell is None:
                return None
            row.append(cell)
        i += 1
        if len(row) != len(variables):
            return None
        rows.append(tuple(row))
    if i + 1 != len(toks):  # something after the clause: not the end of the query
        return None
    end = toks[i][2] + 1
    return ValuesClause(
        tokens[at][2], end, tuple(v[1:] for v in variables), tuple(rows), tuple(v[0] for v in variables)
    )


def _cell(toks: list[tuple[str, str, int]], i: int, text: str) -> tuple[str | None, int]:
    """One DataBlockValue starting at ``toks[i]``: an IRI, a prefixed name, a literal
    (with its language or datatype), a signed number, ``true``/``false``/``UNDEF``."""
    if i >= len(toks):
        return None, i
    kind, tok, start = toks[i]
    j = i + 1
    if kind == "string":
        if j < len(toks) and toks[j][0] == "lang":
            j += 1
        elif j + 2 < len(toks) and toks[j][1] == "^" and toks[j + 1][1] == "^" and toks[j + 2][0] in {"iri", "word"}:
            j += 3
    elif kind == "punct" and tok in "+-" and j < len(toks) and toks[j][0] == "word":
        j += 1
    elif kind not in {"iri", "word"}:
        return None, i
    last = toks[j - 1]
    return text[start : last[2] + len(last[1])], j


def _bind(
    text: str, bind: Mapping[str, str | Term], info: QueryInfo, source: str, extra: Mapping[str, str] | None = None
) -> tuple[str, dict[ox.Variable, Term]]:
    """Apply ``bind``: the query text with its final VALUES clause rewritten, and the
    substitutions left for the engine.

    A variable of the final ``VALUES`` clause gets the bound value in that
    clause (this is how saved queries give defaults, so the text stays
    standalone SPARQL); any other variable is substituted by Oxigraph
    (``substitutions``: it must be selected).
    """
    values = trailing_values(text) if bind else None
    subs: dict[ox.Variable, Term] = {}
    cells: dict[str, str] = {}
    for name, value in bind.items():
        var = name.lstrip("?$")
        if var not in info.variables:
            raise AigraphError(f"cannot bind ?{var}: the query has no such variable", path=source)
        term = parse_term(value, {**(extra or {}), **info.prefixes})
        if values is not None and var in values.variables and isinstance(term, ox.NamedNode | ox.Literal):
            cells[var] = str(term)  # N-Triples spelling, which SPARQL reads too
        else:
            subs[ox.Variable(var)] = term
    if values is None or not cells:
        return text, subs
    rows = dict.fromkeys(  # rows made equal by the new value would repeat every answer
        tuple(cells.get(var, cell) for var, cell in zip(values.variables, row, strict=True)) for row in values.rows
    )
    names = [sigil + var for sigil, var in zip(values.sigils, values.variables, strict=True)]
    if len(names) == 1:
        clause = f"VALUES {names[0]} {{ {' '.join(row[0] for row in rows)} }}"
    else:
        clause = f"VALUES ({' '.join(names)}) {{ {' '.join('(' + ' '.join(row) + ')' for row in rows)} }}"
    return text[: values.start] + clause + text[values.end :], subs


# ------------------------------------------------------------------ the engine


class Prepared(Record):
    """A checked query, ready for the engine."""

    __slots__ = ("text", "source", "info", "substitutions", "allow_network", "infer", "base_iri", "extra_prefixes")

    def __init__(
        self,
        text: str,
        source: str,
        info: QueryInfo,
        substitutions: dict[ox.Variable, Term],
        allow_network: bool = False,
        infer: bool = False,
        base_iri: str | None = None,
        extra_prefixes: dict[str, str] | None = None,  # pre-declared, beside aigraph's
    ) -> None:
        self.text = text
        self.source = source
        self.info = info
        self.substitutions = substitutions
        self.allow_network = allow_network
        self.infer = infer
        self.base_iri = base_iri
        self.extra_prefixes = extra_prefixes if extra_prefixes is not None else {}

    @property
    def known_prefixes(self) -> dict[str, str]:
        """aigraph's prefixes, the extra ones, and the query's own (which win)."""
        return {**PREFIXES, **self.extra_prefixes, **self.info.prefixes}


def prepare(
    query: QueryText | str,
    *,
    bind: Mapping[str, str | Term] | None = None,
    allow_network: bool = False,
    infer: bool = False,
    base_iri: str | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> Prepared:
    """Check a query (safety, bindings) before any evaluation.

    A plain string is SPARQL text, or the name of a saved query. ``base_iri``
    (else the query's own, a file's address) resolves relative IRIs. ``prefixes``
    are pre-declared too (an ontology extension's, say).
    """
    if isinstance(query, str):
        query = saved_query(query.strip()) if _NAME.fullmatch(query.strip()) else QueryText(query)
    info = inspect_query(query.text)
    check_safety(info, allow_network=allow_network, source=query.source)
    extra = {p: ns for p, ns in (prefixes or {}).items() if p not in PREFIXES}
    text, subs = _bind(query.text, bind or {}, info, query.source, extra)
    base = base_iri or query.base_iri
    if base is not None:
        try:
            valid = bool(re.match(_ABSOLUTE, base)) and ox.NamedNode(base).value == base
        except ValueError:
            valid = False
        if not valid:
            raise AigraphError(f"the base IRI {base!r} is not an absolute IRI (such as https://example.org/)")
    return Prepared(text, query.source, info, subs, allow_network, infer, base, extra)


_SYNTAX = r"(?s)^error at (\d+):(\d+):\s*(.*)$"  # compiled on first use

# Oxigraph words some checks as sentences among the tokens it expected.
_SEMANTIC = {
    "The SELECT contains a variable that is unbound": (
        "a selected variable is neither grouped nor aggregated (add it to GROUP BY, or wrap it in an aggregate)"
    ),
    "The SELECT overrides an existing variable using an expression": (
        "an (expression AS ?var) reuses a variable already bound in the query"
    ),
    "IRI parsing failed": "not a valid IRI",
}


def _syntax_error(exc: Exception, prepared: Prepared) -> AigraphError:
    """One line for a query Oxigraph cannot parse: where, why, and the query text there."""
    text = str(exc)
    m = re.match(_SYNTAX, text)
    if not m:
        return AigraphError(f"SPARQL syntax error: {text}", path=prepared.source)
    known = prepared.known_prefixes
    unknown = [(p, n) for p, n in prepared.info.prefixed_names if p not in known]
    if unknown:  # Oxigraph does not always say so
        prefix, at = unknown[0]
        return AigraphError(
            f"unknown prefix {prefix}: in the query; declare it (PREFIX {prefix}: <...>)"
            f" or use one of the pre-declared: {', '.join(PREFIXES)}",
            path=prepared.source,
            line=at,
        )
    if not prepared.text.strip():
        return AigraphError("the query is empty", path=prepared.source, line=1)
    relative = None if prepared.base_iri else _relative_iri(prepared)
    if relative is not None:
        iri, at = relative
        return AigraphError(
            f"the relative IRI {iri} needs a base IRI: give --base IRI, a BASE line,"
            " or run the query from a file (its address is the base)",
            path=prepared.source,
            line=at,
        )
    lines = prepared.text.splitlines() or [""]
    line, column = int(m.group(1)), int(m.group(2))
    while line > 1 and (line > len(lines) or not lines[line - 1].strip()) and column == 1:
        # Oxigraph points past a final newline or blank lines: name the last line with text.
        line -= 1
        column = len(lines[line - 1]) + 1 if line <= len(lines) else 1
    expected = [x.strip() for x in re.split(r",\s+(?=[\"'\[A-Za-z(])", m.group(3).strip()) if x.strip()]
    expected = [x.removeprefix("expected one of ").removeprefix("expected ") for x in expected]
    notes = [_SEMANTIC.get(x, x[0].lower() + x[1:]) for x in expected if " " in x and x[:1].isupper()]
    if notes:
        return _located(f"SPARQL error: {'; '.join(notes)}", prepared, lines, line, column)
    # Oxigraph reports the furthest point it reached, often the end of the query
    # or of a line; rdflib's parser stops where a clause first fails to match.
    # Take rdflib's place when it comes first (lexical errors, found above, are
    # the ones Oxigraph places exactly).
    useful = [x for x in expected if not x.startswith("[")]  # not Oxigraph's character classes
    if useful and all(x.startswith('"\\') for x in useful):  # only a quote or an escape would do
        return _located(
            f"SPARQL syntax error at column {column}: a string is not closed, or has a bad escape",
            prepared, lines, line, column,
        )  # fmt: skip
    if any(x.startswith("['t' | 'b'") for x in expected):  # the letters of string escapes
        return _located(
            f"SPARQL syntax error at column {column}: a bad escape in a string"
            " (the escapes are \\t \\b \\n \\r \\f \\\" \\' \\\\ \\uXXXX)",
            prepared, lines, line, column,
        )  # fmt: skip
    at_end = not "\n".join(lines)[sum(len(x) + 1 for x in lines[: line - 1]) + column - 1 :].strip()
    unclosed = _unclosed(prepared.text)
    if unclosed:
        at_line, at_column, problem = unclosed
        return _located(f"SPARQL syntax error at column {at_column}: {problem}", prepared, lines, at_line, at_column)
    other = _rdflib_syntax_error(prepared.text)
    unsure = other is not None and other[2] == _UNKNOWN
    if unsure:
        other = None
    if prepared.info.form is None and other and other[2]:
        return _located(
            f"SPARQL syntax error at column {other[1]}: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE"
            f" (after any PREFIX and BASE lines), not {other[2]!r}",
            prepared, lines, other[0], other[1],
        )  # fmt: skip
    if other and (other[0], other[1]) < (line, column):
        at_line, at_column, found = other
        if found is None:
            reason = "the query ends too soon (is a '}' or ')' missing?)"
        else:
            reason = f"cannot read the query from {found!r} on"
            starts_line = 0 < at_line <= len(lines) and not lines[at_line - 1][: at_column - 1].strip()
            previous = next((x.strip() for x in reversed(lines[: at_line - 1]) if x.strip()), "")
            if starts_line and previous and previous[-1] not in ".;,{([" and re.match(r"[?$<\"'_]|\w*:", found):
                reason += " (is a '.' missing at the end of the line before?)"
        return _located(f"SPARQL syntax error at column {at_column}: {reason}", prepared, lines, at_line, at_column)
    if at_end and other is None and not unsure:  # rdflib's grammar reads it: a rule beyond the grammar
        reason = "the query is not valid SPARQL (a variable bound twice, by BIND or AS, is a common cause)"
    elif at_end:
        reason = "the query ends too soon (is a '}' or ')' missing?)"
    elif not useful:
        reason = "the query is not valid SPARQL here"
    else:
        reason = "expected " + (useful[0] if len(useful) == 1 else "one of " + ", ".join(useful[:12]))
        if len(useful) > 12:  # Oxigraph can list every keyword it would accept
            reason += ", …"
    if len(reason) > 200:
        reason = reason[:199] + "…"
    return _located(f"SPARQL syntax error at column {column}: {reason}", prepared, lines, line, column)


def _relative_iri(prepared: Prepared) -> tuple[str, int] | None:
    """The first ``<IRI>`` without a scheme (and its line), when it is why the query
    does not parse: with a stand-in base it does."""
    line, found = 1, None
    for kind, tok, _ in lex(prepared.text):
        if kind == "iri" and not re.match(_ABSOLUTE, tok[1:-1]):
            found = (tok, line)
            break
        line += tok.count("\n")
    if found is None or any(k == "SERVICE" for k, _ in prepared.info.keywords):
        return None  # (an ASK is evaluated at once: never send a SERVICE call to word an error)
    try:
        ox.Store().query(
            prepared.text, prefixes={**PREFIXES, **prepared.extra_prefixes}, base_iri="http://example.invalid/"
        )
    except (SyntaxError, RuntimeError, OSError, ValueError):
        return None
    return found


def _located(message: str, prepared: Prepared, lines: list[str], line: int, column: int) -> AigraphError:
    """``message`` with the query text at ``line`` (and the line before, when the place starts it)."""
    shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    before = lines[line - 1][: max(column - 1, 0)] if 0 < line <= len(lines) else ""
    if not before.strip(" \t{}()") and line > 1:
        # The place starts its line: what is wrong may end the line before.
        previous = next((x.strip() for x in reversed(lines[: line - 1]) if x.strip()), "")
        shown = f"{previous} ⏎ {shown}".strip(" ⏎")
    if len(shown) > 120:
        shown = shown[:119] + "…"
    return AigraphError(f"{message}; in: {shown}", path=prepared.source, line=line)


def _unclosed(text: str) -> tuple[int, int, str] | None:
    """A ``{`` or ``(`` never closed, or a ``}`` or ``)`` that closes nothing (outside strings,
    IRIs and comments): (line, column, what is wrong)."""
    stack: list[tuple[int, int, str]] = []
    line, line_start = 1, 0
    pairs = {"}": "{", ")": "("}
    for kind, tok, start in lex(text):
        if kind == "punct" and tok in "{(":
            stack.append((line, start - line_start + 1, tok))
        elif kind == "punct" and tok in pairs:
            if stack and stack[-1][2] == pairs[tok]:
                stack.pop()
            elif any(b == pairs[tok] for _, _, b in stack):
                at_line, at_column, bracket = stack[-1]  # "{ ( }": the "(" is never closed
                return at_line, at_column, f"this {bracket!r} is never closed"
            else:  # "{ ) }": this ")" closes nothing
                return line, start - line_start + 1, f"this {tok!r} has no {pairs[tok]!r} to close"
        if "\n" in tok:
            line += tok.count("\n")
            line_start = start + tok.rindex("\n") + 1
    if stack:  # the innermost: the last one opened
        at_line, at_column, bracket = stack[-1]
        return at_line, at_column, f"this {bracket!r} is never closed"
    return None


_UNKNOWN = "\x00"  # rdflib could not tell (it ran out of recursion, say)


def _rdflib_syntax_error(text: str) -> tuple[int, int, str | None] | None:
    """Where rdflib's SPARQL grammar fails on ``text``: (line, column, token or None at the end).

    Only called once Oxigraph has refused the query, so rdflib's import costs
    nothing on the normal path. ``None`` when rdflib reads the query; line 0
    and :data:`_UNKNOWN` when it cannot tell.
    """
    try:
        from pyparsing import ParseBaseException
        from rdflib.plugins.sparql.parser import parseQuery
    except ImportError:  # pragma: no cover - rdflib is a dependency
        return None
    try:
        parseQuery(text)
    except ParseBaseException as exc:
        found = re.search(r"found (?:'(.*?)'|(end of text))", str(exc))
        token = None if found is None or found.group(2) else found.group(1)
        return int(exc.lineno), int(exc.col), token
    except Exception:  # RecursionError and the like: no better place than Oxigraph's
        return (0, 0, _UNKNOWN)
    return None


def _store_query(store: ox.Store, prepared: Prepared) -> Any:
    """The one place a query meets the engine."""
    try:
        return store.query(
            prepared.text,
            prefixes={**PREFIXES, **prepared.extra_prefixes},
            base_iri=prepared.base_iri,
            # Named graphs (TriG, N-Quads) answer plain queries; an explicit FROM
            # must win, and Oxigraph ignores FROM when the union is on.
            use_default_graph_as_union=not prepared.info.dataset_iris,
            substitutions=prepared.substitutions or None,
        )
    except SyntaxError as exc:
        raise _syntax_error(exc, prepared) from None
    except RuntimeError as exc:
        msg = str(exc)
        m = re.search(r"does not contains? variable \?(\w+)", msg)
        if m:
            raise AigraphError(
                f"cannot bind ?{m.group(1)}: the query does not select it"
                " (bind only variables of the SELECT clause, or use SELECT *)",
                path=prepared.source,
            ) from None
        raise AigraphError(f"query failed: {msg}", path=prepared.source) from None
    except OSError as exc:
        raise _engine_os_error(exc, prepared) from None


_SANDBOXED = "Permission denied (os error 13)"


def _engine_os_error(exc: OSError, prepared: Prepared) -> AigraphError:
    """An OSError from Oxigraph: in the sandbox (see :mod:`aigraph.sparql.sandbox`), a refused socket."""
    if isinstance(exc, PermissionError) and not prepared.allow_network and _SANDBOXED in str(exc):
        return NetworkRefused(
            "the query tried to reach the network (SERVICE) and was stopped; aigraph does not reach"
            " the network unless --allow-network is given",
            path=prepared.source,
        )
    return AigraphError(f"query failed: {' '.join(str(exc).split())}", path=prepared.source)


def _fetch_datasets(store: ox.Store, prepared: Prepared) -> None:
    """Load each FROM / FROM NAMED document into the named graph of its IRI (network allowed)."""
    from ..rdfio import format_for_path, parse_bytes

    for raw, _named, line in prepared.info.dataset_iris:
        iri = _expand_iri(raw, prepared)
        if store.contains_named_graph(ox.NamedNode(iri)):
            continue
        data, fmt = _fetch(iri, prepared.source, line)
        fmt = fmt or format_for_path(iri.split("?")[0]) or "turtle"
        quads = parse_bytes(data, fmt, path=iri, base_iri=iri)
        graph = ox.NamedNode(iri)
        store.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads)


def _expand_iri(raw: str, prepared: Prepared) -> str:
    if raw.startswith("<"):
        iri = re.sub(
            r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
            lambda m: chr(int(m.group(1) or m.group(2), 16)),
            raw[1:-1],
        )
        if prepared.base_iri and not re.match(_ABSOLUTE, iri):  # FROM <data.ttl> beside the query file
            from urllib.parse import urljoin

            iri = urljoin(prepared.base_iri, iri)
        return iri
    prefix, _, local = raw.partition(":")
    namespaces = prepared.known_prefixes
    if prefix in namespaces:
        return namespaces[prefix] + local
    raise AigraphError(f"cannot read the FROM IRI {raw!r}", path=prepared.source)


_ABSOLUTE = r"[A-Za-z][A-Za-z0-9+.-]*:"  # compiled on first use
"""An IRI with a scheme; anything else is relative and needs a base."""


_MEDIA = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "xml",
    "text/n3": "n3",
}


MAX_FETCH = 512 << 20
"""The largest document a FROM IRI may return (with --allow-network)."""


def _fetch(iri: str, source: str, line: int) -> tuple[bytes, str | None]:
    from urllib.parse import unquote, urlparse
    from urllib.request import Request, urlopen

    url = urlparse(iri)
    if url.scheme == "file":
        from ..files import read_input

        try:  # a regular file: /dev/zero would be read for ever
            return read_input(unquote(url.path), "an RDF document"), None
        except AigraphError as exc:
            raise AigraphError(f"FROM <{iri}>: {exc.message}", path=source, line=line) from None
    if url.scheme not in {"http", "https"}:
        raise AigraphError(f"FROM <{iri}>: only http, https and file IRIs can be fetched", path=source, line=line)
    accept = ", ".join(_MEDIA) + ";q=0.9, */*;q=0.1"
    try:
        with urlopen(Request(iri, headers={"Accept": accept}), timeout=30) as response:  # noqa: S310
            media = response.headers.get_content_type()
            body = response.read(MAX_FETCH + 1)
    except OSError as exc:
        raise AigraphError(f"FROM <{iri}>: cannot fetch: {exc}", path=source, line=line) from None
    if len(body) > MAX_FETCH:
        raise AigraphError(
            f"FROM <{iri}>: the document is larger than {MAX_FETCH >> 20} MiB, more than aigraph fetches",
            path=source,
            line=line,
        )
    return body, _MEDIA.get(media)


def infer_quads(quads: Sequence[ox.Quad]) -> list[ox.Quad]:
    """Quads plus their RDFS / OWL 2 RL closure (owlrl) in the default graph.

    The closure is computed over the union of all graphs. Triples RDF cannot
    hold (a literal as subject) and trivial ``x owl:sameAs x`` are left out.
    """
    import owlrl
    import rdflib

    def to_rdflib(t: Any) -> Any:
        if isinstance(t, ox.NamedNode):
            return rdflib.URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return rdflib.BNode(t.value)
        if isinstance(t, ox.Literal):
            if t.language:
                return rdflib.Literal(t.value, lang=t.language)
            return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))
        raise TypeError("RDF 1.2 triple terms cannot be reasoned over")

    def to_ox(t: Any) -> Any:
        if isinstance(t, rdflib.URIRef):
            return ox.NamedNode(str(t))
        if isinstance(t, rdflib.BNode):
            return ox.BlankNode(str(t))
        if t.language:
            return ox.Literal(str(t), language=t.language)
        datatype = t.datatype or rdflib.URIRef(PREFIXES["xsd"] + "string")
        return ox.Literal(str(t), datatype=ox.NamedNode(str(datatype)))

    from ..graph.validate import _quiet_rdflib

    graph = rdflib.Graph()
    with _quiet_rdflib():  # ill-typed or huge literals keep their lexical form, quietly
        for q in quads:
            try:
                graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
            except TypeError as exc:
                raise AigraphError(f"--infer: {exc}") from None
        before = set(graph)
        owlrl.DeductiveClosure(
            owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
        ).expand(graph)
    same_as = rdflib.OWL.sameAs
    out = list(quads)
    for s, p, o in graph:
        if (s, p, o) in before or isinstance(s, rdflib.Literal) or (p == same_as and s == o):
            continue
        out.append(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph()))
    return out


def _evaluate(store: ox.Store, prepared: Prepared) -> Any:
    if prepared.info.dataset_iris and prepared.allow_network:
        copy = ox.Store()  # never add fetched graphs to the caller's store
        copy.extend(store)
        store = copy
        _fetch_datasets(store, prepared)
    if prepared.infer:
        closure = infer_quads(list(store))
        store = ox.Store()
        store.extend(closure)
    return _store_query(store, prepared)


class Rendered(Record):
    """Evaluated and formatted results."""

    __slots__ = ("data", "kind", "fmt", "count")

    def __init__(self, data: bytes, kind: Kind, fmt: str, count: int | None = None) -> None:
        self.data = data
        self.kind = kind
        self.fmt = fmt
        self.count = count  # rows (or triples), when known


# ------------------------------------------------------------------ public API


class QueryResult(Record):
    """What a query returned: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE).

    Iterating gives the rows (tuples of terms, None where unbound) or the triples.
    """

    __slots__ = ("kind", "variables", "rows", "boolean", "triples", "_doc")

    def __init__(
        self,
        kind: Kind,
        variables: tuple[str, ...] = (),
        rows: list[tuple[Term | None, ...]] | None = None,
        boolean: bool | None = None,
        triples: list[ox.Triple] | None = None,
        _doc: bytes = b"",
    ) -> None:
        self.kind = kind
        self.variables = variables
        self.rows = rows if rows is not None else []
        self.boolean = boolean
        self.triples = triples if triples is not None else []
        self._doc = _doc

    def __iter__(self) -> Iterator[Any]:
        return iter(self.triples if self.kind == "graph" else self.rows)

    def __len__(self) -> int:
        return len(self.triples) if self.kind == "graph" else len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.kind == "ask" else len(self) > 0

    def serialize(self, fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
        """The results as ``table``, ``csv``, ``tsv``, ``json`` or ``xml`` (SPARQL results
        formats), or for triples ``turtle``, ``ntriples``, ``jsonld``, ``xml``..."""
        from . import results

        if self.kind == "graph":
            return results.render(iter(self.triples), fmt, prefixes=prefixes).data
        parsed = ox.parse_query_results(self._doc, format=ox.QueryResultsFormat.JSON)
        return results.render(parsed, fmt, prefixes=prefixes).data


def load_store(
    data: Sequence[str | Path] | None = None,
    *,
    with_ontology: bool | None = None,
    ontology: Sequence[str | Path] = (),
    cache: bool = False,
) -> ox.Store:
    """The store a query runs over: the built graph + ontology, or ``data`` files
    (with the ``ontology`` extension files, whenever given; big ``data`` files
    through the on-disk store cache when ``cache``)."""
    from ..store.dataset import load

    if with_ontology is None:
        with_ontology = not data
    return load(data, with_ontology=with_ontology, ontology=ontology, cache=cache)


def render_query(
    prepared: Prepared,
    store: ox.Store,
    fmt: str | None = None,
    *,
    default_results_format: str = "tsv",
    timeout: float | None = None,
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB,
    isolate: bool = False,
) -> Rendered:
    """Evaluate a prepared query and format the result (``fmt`` None: the default for its kind).

    With a ``timeout``, or ``isolate``, the query runs in a forked child
    (see :func:`aigraph.sparql.limits.run_limited`).
    """
    from . import results

    if prepared.info.form is not None:  # refuse a mismatched format before evaluating
        results.choose_format(prepared.info.form, fmt, default_results_format)
    prefixes = display_prefixes({**prepared.extra_prefixes, **prepared.info.prefixes})
    if prepared.allow_network and prepared.info.dataset_iris:
        import urllib.request  # noqa: F401 - imported before a fork, not in the child

    def work() -> Rendered:
        try:
            return results.render(
                _evaluate(store, prepared), fmt, default_results_format=default_results_format, prefixes=prefixes
            )
        except AigraphError as exc:
            if exc.path is None:  # a writer's refusal: name the query it answers
                exc.path = prepared.source
            raise
        except OSError as exc:
            raise _engine_os_error(exc, prepared) from None
        except (RuntimeError, ValueError) as exc:
            # Oxigraph evaluates lazily: its errors surface while results are written.
            raise AigraphError(f"query failed: {' '.join(str(exc).split())}", path=prepared.source) from None
        except MemoryError:
            raise AigraphError(_OUT_OF_MEMORY, path=prepared.source) from None

    return run_limited(
        work, timeout, prepared.source, max_memory_mb, isolate=isolate, sandbox=not prepared.allow_network
    )


def query(
    sparql: str,
    data: Sequence[str | Path] | None = None,
    *,
    store: ox.Store | None = None,
    with_ontology: bool | None = None,
    bind: Mapping[str, str | Term] | None = None,
    infer: bool = False,
    allow_network: bool = False,
    timeout: float | None = None,
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB,
    base_iri: str | None = None,
    ontology: Sequence[str | Path] = (),
) -> QueryResult:
    """Run SPARQL (or a saved query's name) over the built graph + ontology, or ``data``.

    ``bind`` gives variables values (``{"company": "kg:Google"}``); ``infer``
    answers over the RDFS / OWL 2 RL closure; ``timeout`` (seconds) stops a
    runaway query with QueryTimeout, and ``max_memory_mb`` (with a timeout) one that
    grows without bound; ``base_iri`` resolves relative IRIs. Common prefixes (aig, kg, rdf, rdfs, owl,
    xsd, skos, prov, org, schema, dcterms) need no PREFIX lines, nor do those
    of the ``ontology`` extension files, whose terms are added to the store.

    >>> result = query("ASK { kg:IBM aig:competesWith kg:Google }")
    >>> result.boolean
    True
    """
    extra: dict[str, str] = {}
    if ontology:
        from ..facts.extensions import load_extensions

        extra = load_extensions(ontology).prefixes
    prepared = prepare(
        sparql, bind=bind, allow_network=allow_network, infer=infer, base_iri=base_iri, prefixes=extra
    )
    if store is None:
        store = load_store(data, with_ontology=with_ontology, ontology=ontology)
    rendered = render_query(prepared, store, "transport", timeout=timeout, max_memory_mb=max_memory_mb)
    if rendered.kind == "graph":
        triples = [q.triple for q in ox.parse(input=rendered.data, format=ox.RdfFormat.N_TRIPLES)]
        return QueryResult("graph", triples=triples)
    parsed = ox.parse_query_results(rendered.data, format=ox.QueryResultsFormat.JSON)
    if isinstance(parsed, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(parsed), _doc=rendered.data)
    variables = tuple(v.value for v in parsed.variables)
    rows = [tuple(solution[v] for v in variables) for solution in parsed]
    return QueryResult("select", variables, rows, _doc=rendered.data)
