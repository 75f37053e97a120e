"""What a query may do, decided before Oxigraph sees it: its tokens, as Oxigraph's grammar reads
them, its form, the network it would reach, and how deep the engine would recurse.

Oxigraph's parsers recurse, so nesting and long operator chains are bounded here
(:data:`MAX_NESTING`, :data:`MAX_OPERATORS`); ``SERVICE``, ``FROM`` and ``LOAD``
are refused unless the caller allows the network (:func:`check_safety`). The
forked child that evaluates also loses its sockets (:mod:`aigraph.sparql.sandbox`).
"""

from __future__ import annotations

from .. import lean
from ..errors import AigraphError, NetworkRefused
from ..records import Record

# typing and dataclasses cost a query's start-up milliseconds (inspect, ast, dis): the records
# of the query path are plain classes, and mypy alone reads the type names.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import re  # imported where used: re and enum cost a query's start-up 3 ms
    from collections.abc import Iterator
    from typing import Any, Literal, TypeAlias

    Kind: TypeAlias = Literal["select", "ask", "graph"]


# Repeated tokens are written as unrolled loops (run of plain characters, then escape
# plus run): Python's re keeps ~200 bytes per iteration of an alternation, so
# (?:x|\\.)* over a 4 MB literal peaked near 1 GB.

@lean.cache
def _tokens() -> re.Pattern[str]:
    # compiled on first use (about 1 ms of every query's start-up otherwise)
    import re

    return re.compile(
        r"""
          (?P<ws>\s+)
        | (?P<comment>\#[^\n\r]*)
        | (?P<iri><[^<>"{}|^`\\\x00-\x20]*(?:(?:\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})[^<>"{}|^`\\\x00-\x20]*)*>)
        | (?P<string>'''[^'\\]*(?:(?:\\.|'{1,2}(?!'))[^'\\]*)*'''
                   |\"\"\"[^"\\]*(?:(?:\\.|"{1,2}(?!"))[^"\\]*)*\"\"\"
                   |'[^'\\\n\r]*(?:\\.[^'\\\n\r]*)*'
                   |"[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*")
        | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]*)
        | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
        | (?P<word>(?=[^\s<>"'{}()\[\],;\#?$@^|!=&*+/\\~`]|\\.)[^\s<>"'{}()\[\],;\#?$@^|!=&*+/\\~`]*
                    (?:\\.[^\s<>"'{}()\[\],;\#?$@^|!=&*+/\\~`]*)*)
        | (?P<punct>.)
        """,
        re.X | re.S,
    )


# Oxigraph's parser reads '<' by context, not by longest match: where an expression
# has an operand before it ("1<!!x&&3>2", "?a<?b&&?c>?d") it is less-than, although
# the text from '<' to the next '>' is also a well-formed IRIREF; where a term is
# expected (patterns, after '(' or an operator) it opens an IRI. A lexer that took
# the IRIREF there would hide the operators inside it from the limits below.
_EXPR_NONOPERAND = {"DISTINCT", "IN", "NOT", "AS", "EXISTS", "SEPARATOR", "ASC", "DESC"}
_CLAUSE_START = ("SELECT", "GROUP", "HAVING", "ORDER")  # their ( ) hold expressions
_CLAUSE_END = {"WHERE", "LIMIT", "OFFSET", "VALUES"}


def lex(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) of every token, with '<' read as Oxigraph reads it.

    A '(' opens an expression after FILTER or BIND (or ``FILTER fn``), inside
    another expression, outside every group (SELECT (...), GROUP BY (...)) and in
    a subquery's SELECT / GROUP BY / HAVING / ORDER BY clause; any other '('
    inside a group is an RDF collection or a VALUES row, which holds terms.
    Inside an expression, a '<' after an operand is the operator. When in doubt
    the lexer reads an operator: counting too many keeps the limits safe.
    """
    pos, end = 0, len(text)
    match = _tokens().match
    stack: list[tuple[str, bool, bool]] = []  # (bracket, holds an expression, clause flag at its opening)
    clause = False  # in a SELECT / GROUP BY / HAVING / ORDER BY clause
    prev: tuple[str, str] = ("punct", "")  # the last two significant tokens
    prev2: tuple[str, str] = ("punct", "")
    while pos < end:
        in_expression = bool(stack) and stack[-1][1]
        if text[pos] == "<" and in_expression and _ends_operand(*prev):
            kind, tok = "punct", "<"
        else:
            m = match(text, pos)
            assert m is not None  # the last alternative takes any character
            kind, tok = m.lastgroup or "punct", m.group()
        yield kind, tok, pos
        pos += len(tok)
        if kind in {"ws", "comment"}:
            continue
        if kind == "punct" and tok in "{[(":
            expression = tok == "(" and (
                in_expression
                or clause
                or not any(b != "(" or not e for b, e, _ in stack)  # outside every group
                or (prev[0] == "word" and prev[1].upper().startswith(("FILTER", "BIND")))
                or (prev2[0] == "word" and prev2[1].upper().startswith("FILTER"))  # FILTER fn( / FILTER <fn>(
            )
            stack.append((tok, expression, clause))
            if tok == "{":
                clause = False
        elif kind == "punct" and tok in "}])":
            if stack:
                bracket, _, saved = stack.pop()
                if bracket == "{":
                    clause = saved
        elif kind == "word" and ":" not in tok:
            upper = tok.upper()
            if upper.startswith(_CLAUSE_START):
                clause = True
            elif upper in _CLAUSE_END:
                clause = False
        prev2, prev = prev, (kind, tok)


def _ends_operand(kind: str, tok: str) -> bool:
    """Whether a '<' after this token compares (the token can end an operand)."""
    if kind in {"var", "string", "lang", "iri"}:
        return True
    if kind == "word":
        return tok.upper() not in _EXPR_NONOPERAND
    return kind == "punct" and tok == ")"


_NETWORK = {"SERVICE", "FROM", "LOAD"}
# The local part of a prefixed name or blank node label (SPARQL's PN_LOCAL, with PLX
# escapes): after the colon, not starting or ending with a dot.
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN = r"\w\-\u00B7\u0300-\u036F\u203F-\u2040:"
# Tokens that nest the parsed query one level deeper each time they repeat:
# operators (unary and binary, each a node over the ones before), property path
# steps, and chains of UNION / OPTIONAL / MINUS / BIND / FILTER groups.
_OPERATOR_CHARS = set("!|&*/^=<>+")
@lean.cache
def _word_patterns() -> tuple[re.Pattern[str], ...]:
    """What :func:`inspect_query` looks for inside a word, compiled on first use (about 1 ms)."""
    import re

    return (
        re.compile(r"[^\d.:][^:]*:|:"),  # a prefixed name's start
        re.compile(r"[A-Za-z]+"),  # letters: keywords glued to other characters
        re.compile(rf":(?:(?:[\w:]|{_PLX})(?:(?:[{_PN}.]|{_PLX})*(?:[{_PN}]|{_PLX}))?)?"),  # a local part
        re.compile("|".join(_NETWORK), re.I),  # SERVICE, FROM, LOAD anywhere in it
        re.compile(r"(?<=[\w.])-|-(?![0-9.])"),  # a binary or unary minus; not a number's sign (-1)
        re.compile(r"\.(?![0-9])"),  # a dot ending a triple pattern, not a decimal point
    )


_CHAIN_WORDS = {"UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "GRAPH", "SERVICE", "VALUES", "EXISTS"}
_UPDATE = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}
_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


class QueryInfo(Record):
    """What a light lexer sees in a query, without evaluating it."""

    __slots__ = (
        "form",
        "keywords",
        "dataset_iris",
        "prefixes",
        "variables",
        "prefixed_names",
        "too_deep",
        "operators",
        "too_long",
    )

    def __init__(self) -> None:
        self.form: Kind | None = None
        self.keywords: list[tuple[str, int]] = []  # (KEYWORD, line) of interest
        self.dataset_iris: list[tuple[str, bool, int]] = []  # (iri, named, line)
        self.prefixes: dict[str, str] = {}
        self.variables: set[str] = set()
        self.prefixed_names: list[tuple[str, int]] = []  # (prefix, line) used
        self.too_deep: int | None = None  # the line where brackets first nest deeper than MAX_NESTING
        self.operators = 0  # operators, path steps and chained groups (see MAX_OPERATORS)
        self.too_long: int | None = None  # the line where they pass MAX_OPERATORS

    def state(self) -> tuple[Any, ...]:
        """The fields as plain literals (the variables sorted), for aigraph.sparql.prelexed."""
        return (
            self.form,
            self.keywords,
            self.dataset_iris,
            self.prefixes,
            sorted(self.variables),
            self.prefixed_names,
            self.too_deep,
            self.operators,
            self.too_long,
        )

    @classmethod
    def from_state(cls, state: tuple[Any, ...]) -> QueryInfo:
        """A new QueryInfo from :meth:`state` (its lists and dicts copied: callers may change them)."""
        info = cls()
        form, keywords, dataset_iris, prefixes, variables, prefixed_names, too_deep, operators, too_long = state
        info.form, info.too_deep, info.operators, info.too_long = form, too_deep, operators, too_long
        info.keywords, info.dataset_iris = list(keywords), list(dataset_iris)
        info.prefixes, info.variables, info.prefixed_names = dict(prefixes), set(variables), list(prefixed_names)
        return info


def inspect_query(text: str) -> QueryInfo:
    """Find the query form, PREFIX declarations, variables and risky keywords.

    Comments, strings (all four quote styles) and ``<IRIs>`` are skipped, so a
    variable ``?service``, a prefixed name ``ex:from`` or ``"LOAD"`` never count.
    """
    info = QueryInfo()
    prefixed, letters, local_part, network_word, minus, pattern_dot = _word_patterns()
    words: list[tuple[str, str, int]] = []  # (kind, text, line) of significant tokens
    line = 1
    previous = ""
    open_brackets: list[str] = []
    for kind, tok, _ in lex(text):
        # Inside { } or [ ], a '.', ';' or ',' adds a triple pattern (a join over the ones
        # before); inside ( ) a ',' only separates arguments, which stay flat.
        in_patterns = not open_brackets or open_brackets[-1] != "("
        if kind == "punct" and tok in "{([":
            open_brackets.append(tok)
            info.operators += tok == "{"  # each group pattern can add a join around what came before
            if len(open_brackets) > MAX_NESTING and info.too_deep is None:
                info.too_deep = line
        elif kind == "punct" and tok in "})]":
            if open_brackets:
                open_brackets.pop()
        elif kind == "punct" and tok in ",;" and in_patterns:
            info.operators += 1
        after_lt, previous = previous == "<", (tok if kind != "ws" else previous)
        if kind in {"iri", "var", "word"}:
            words.append((kind, tok, line))
        if kind == "var":
            info.variables.add(tok[1:])
        elif kind == "word" and ":" in tok:  # a prefixed name or a blank node label
            # (not the inside of a malformed <IRI>, which the lexer split at the bad character)
            if not after_lt and not tok.startswith("_:") and prefixed.match(tok):
                info.prefixed_names.append((tok.split(":", 1)[0], line))
        elif kind == "word":
            for part in letters.findall(tok):
                upper = part.upper()
                if upper in _FORMS and info.form is None:
                    info.form = _FORMS[upper]  # type: ignore[assignment]
                if upper in _UPDATE and upper not in _NETWORK:
                    info.keywords.append((upper, line))
        if kind == "word":
            # Oxigraph matches keywords without a word boundary: "SERVICE:", "SERVICEe:x",
            # "1SERVICE", "ex:.SERVICE" all start a SERVICE. So look at the whole token but
            # the local parts of prefixed names (which its lexer reads greedily).
            outside = local_part.sub(" ", tok)
            for hit in network_word.finditer(outside):
                info.keywords.append((hit.group().upper(), line))
            info.operators += len(minus.findall(outside))  # a minus glued to a number or name
            if in_patterns:  # a '.' that ends a triple pattern, not a decimal point
                info.operators += len(pattern_dot.findall(outside))
        elif kind == "punct" and tok in _OPERATOR_CHARS:
            info.operators += 1
        if kind == "word" and tok.upper() in _CHAIN_WORDS:
            info.operators += 1
        if info.operators > MAX_OPERATORS and info.too_long is None:
            info.too_long = line
        if info.too_long is not None or info.too_deep is not None:
            break  # refused (check_safety): lexing a 4 MB chain to its end would only cost time
        line += tok.count("\n")
    for i, (kind, tok, _) in enumerate(words):
        upper = tok.upper()
        if kind == "word" and upper == "PREFIX" and i + 2 < len(words):
            (k1, name, _), (k2, iri, _) = words[i + 1], words[i + 2]
            if k1 == "word" and name.endswith(":") and k2 == "iri":
                info.prefixes[name[:-1]] = iri[1:-1]
        if kind == "word" and upper == "FROM" and i + 1 < len(words):
            named = words[i + 1][1].upper() == "NAMED"
            j = i + 2 if named else i + 1
            if j < len(words):
                info.dataset_iris.append((words[j][1], named, words[j][2]))
    return info


MAX_NESTING = 1000
"""Brackets nested deeper than this are refused: Oxigraph's parser recurses, and
overflows its stack (the process dies) at about 3,000 levels."""

MAX_OPERATORS = 1500
"""More operators, path steps, triple patterns and chained groups than this are
refused. Oxigraph builds each chain (``!!!x``, ``1+1+...``, ``a/b/...``, ``{} UNION
{} ...``, ``BIND ... BIND ...``, ``?s ?p ?o1, ?o2, ...``) into a tree as deep as it
is long and walks it recursively: on an 8 MiB stack it overflows at about 3,000
BINDs, 5,000 MINUS groups and 7,000 to 10,000 operators, UNIONs or triple
patterns (measured with pyoxigraph 0.5)."""


def check_safety(info: QueryInfo, *, allow_network: bool, source: str = "<query>") -> None:
    """Refuse updates, queries nested too deep, and SERVICE / FROM / LOAD unless the network is allowed."""
    if info.too_deep is not None:
        raise AigraphError(
            f"the query nests brackets more than {MAX_NESTING:,} levels deep, more than aigraph reads",
            path=source,
            line=info.too_deep,
        )
    if info.too_long is not None:
        raise AigraphError(
            f"the query chains more than {MAX_OPERATORS:,} operators, path steps, triple patterns or groups"
            " (UNION, OPTIONAL, BIND, ...), more than aigraph evaluates safely (Oxigraph would run out of stack)",
            path=source,
            line=info.too_long,
        )
    for keyword, line in info.keywords:
        if keyword in _NETWORK and not allow_network:
            what = {
                "SERVICE": "SERVICE sends the query to a remote endpoint",
                "FROM": "FROM / FROM NAMED fetch a document from its IRI (web or file)",
                "LOAD": "LOAD fetches a document from its IRI",
            }[keyword]
            raise NetworkRefused(
                f"the query uses {keyword}: {what}; aigraph does not reach the network"
                " or other files unless --allow-network is given",
                path=source,
                line=line,
            )
    for keyword, line in info.keywords:
        if keyword in _UPDATE:
            raise AigraphError(
                f"the query uses {keyword}: aigraph runs read-only SPARQL queries"
                " (SELECT, ASK, CONSTRUCT, DESCRIBE), not SPARQL Update",
                path=source,
                line=line,
            )
