"""The query lexer reads '<' as Oxigraph does, so no token hides operators from the limits.

``1<!!!...true&&3>2`` is a well-formed IRIREF from '<' to '>', yet Oxigraph reads
less-than there: it tokenises by context. A lexer that took the IRI hid 12,000
operators from :data:`aigraph.sparql.guard.MAX_OPERATORS`, and the engine overflowed
its stack. The property test builds queries from random pieces around a long
chain, lets Oxigraph parse each in a forked child, and checks: whenever the
engine crashes on a query, :func:`aigraph.sparql.guard.inspect_query` refuses it.
"""

from __future__ import annotations

import faulthandler
import os
import random
import resource
import signal
import warnings

import pyoxigraph as ox
import pytest

from aigraph.sparql.engine import trailing_values
from aigraph.sparql.guard import MAX_OPERATORS, inspect_query

N = 12_000
CHAIN = "!" * N

HIDDEN = {
    "less-than glued": "ASK { FILTER(1<" + CHAIN + "true&&3>2) }",
    "less-than with spaces": "ASK { FILTER(1 < " + CHAIN + "true&&3>2) }",
    "less-or-equal": "ASK { FILTER(1<=" + CHAIN + "true&&3>2) }",
    "after a variable": "ASK { FILTER(?a<" + CHAIN + "true&&?c>?d) }",
    "after a string": 'ASK { FILTER("a"<' + CHAIN + "true&&3>2) }",
    "after a tagged string": 'ASK { FILTER("a"@en<' + CHAIN + "true&&3>2) }",
    "after a bracket": "ASK { FILTER((1)<" + CHAIN + "true&&3>2) }",
    "after an IRI": "ASK { FILTER(<http://e/a><" + CHAIN + "true&&3>2) }",
    "in BIND": "SELECT * { BIND(1<" + CHAIN + "true&&3>2 AS ?x) }",
    "in SELECT": "SELECT (1<" + CHAIN + "true&&3>2 AS ?x) {}",
    "in a subquery's SELECT": "SELECT * { { SELECT ?a (1<" + CHAIN + "true&&3>2 AS ?x) {} } }",
    "in a subquery's ORDER BY": "SELECT * { { SELECT * {} ORDER BY (EXISTS{}) (1<" + CHAIN + "true&&3>2) } }",
    "in FILTER fn(...)": 'ASK { FILTER regex(1<' + CHAIN + 'true&&3>2, "") }',
    "in FILTER glued to fn(": 'ASK { FILTERregex(1<' + CHAIN + 'true&&3>2, "") }',
    "in HAVING": "SELECT * {} GROUP BY ?x HAVING(1<" + CHAIN + "true&&3>2)",
    "in FILTER EXISTS": "ASK { FILTER EXISTS { FILTER(1<" + CHAIN + "true&&3>2) } }",
    "in an IN list": "ASK { FILTER(?z IN (1<" + CHAIN + "true&&3>2)) }",
    "binary chain": "ASK { FILTER(1<" + "1+" * N + "3>2) }",
    "at the end": "ASK { FILTER(1<" + CHAIN + "true) } #<",
}


@pytest.mark.parametrize("query", HIDDEN.values(), ids=HIDDEN.keys())
def test_operators_after_less_than_count(query: str) -> None:
    info = inspect_query(query)
    assert info.operators > MAX_OPERATORS and info.too_long == 1


VALID = {
    "IRIs in patterns and collections": "SELECT * { ?s <http://a/b/c> ?o . ?s ?p (<http://x/SERVICE> <http://a/b>) }",
    "IRIs in IN and =": "SELECT * { ?s ?p ?o FILTER(?o IN (<http://a/b>, <http://c/d>)) FILTER(?o = <http://a/b/c>) }",
    "a function IRI after DISTINCT": (
        "SELECT (COUNT(DISTINCT <http://www.w3.org/2001/XMLSchema#string>(?x)) AS ?n) {} VALUES (?x) { (<http://a/b>) }"
    ),
    "a function IRI in ORDER BY": "SELECT * {} ORDER BY ?x <http://www.w3.org/2001/XMLSchema#string>(?y)",
    "a datatype IRI": 'ASK { FILTER(?x = "1"^^<http://www.w3.org/2001/XMLSchema#int>) }',
}


@pytest.mark.parametrize("query", VALID.values(), ids=VALID.keys())
def test_iris_stay_single_tokens(query: str) -> None:
    """Terms where Oxigraph expects them stay IRIs: no '/' counted, no SERVICE seen in <http://x/SERVICE>."""
    info = inspect_query(query)
    assert info.operators < 10 and info.keywords == [], (info.operators, info.keywords)
    ox.Store().query(query)  # and Oxigraph agrees that the query is well-formed


def test_values_rows_still_found_after_a_less_than() -> None:
    values = trailing_values("SELECT * { FILTER(?a<?b&&?c>?d) } VALUES ?a { <http://e/x> }")
    assert values is not None and values.rows == (("<http://e/x>",),)


# ------------------------------------------------------------------ the property

CONTEXTS = [
    "ASK {{ FILTER({}) }}",
    "SELECT ({} AS ?x) {{}}",
    "SELECT * {{ BIND({} AS ?x) }}",
    "SELECT * {{ {{ SELECT ?a ({} AS ?x) {{}} }} }}",
    'ASK {{ FILTER regex({}, "") }}',
    "SELECT * {{}} GROUP BY ?x HAVING({})",
    "ASK {{ ?s ?p ?o FILTER EXISTS {{ FILTER({}) }} }}",
    "SELECT * {{}} ORDER BY ({})",
    "ASK {{ FILTER(?z IN ({})) }}",
    "ASK {{ FILTER(STR({})) }}",
    "ASK {{ ?s ?p ({}) }}",
    "ASK {{ ?s ?p {} }}",
    "SELECT * {{ VALUES (?x) {{ ({}) }} }}",
]
BEFORE = ["1", "?a", '"a"', "(1)", "true", "<http://e/x>", "STR(?a)", '"a"@en', "1.5", "-1", "", "?a ", "DISTINCT"]
LESS = ["<", "< ", "<=", "<\n", " <", "<<", '<"', "<#c\n", "<>"]
UNITS = ["!", "1+", "1&&", "-", "1*", "?a||"]
AFTER = ["true", "true&&3>2", "3>2", "true)>(2", "?b>?c", "1> ", "1"]
DEEP = 30_000  # deeper than the engine's recursion reaches on the 2 MiB stack below


def _crashes(query: str) -> bool:
    """Whether Oxigraph dies (runs out of stack) parsing and evaluating ``query``, in a forked child."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() beside pytest's threads
        pid = os.fork()
    if pid == 0:
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
            faulthandler.disable()
            resource.setrlimit(resource.RLIMIT_STACK, (2 << 20, resource.getrlimit(resource.RLIMIT_STACK)[1]))
            result = ox.Store().query(query)
            if not isinstance(result, ox.QueryBoolean):
                list(result)  # type: ignore[call-overload]
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT)


def test_whatever_crashes_the_engine_is_refused() -> None:
    """Random pieces around a 30,000-long chain: a crash of the engine implies a refusal."""
    rng = random.Random(16)
    crashed = 0
    tried = 0
    for _ in range(300):
        expression = rng.choice(BEFORE) + rng.choice(LESS) + rng.choice(UNITS) * DEEP + rng.choice(AFTER)
        query = rng.choice(CONTEXTS).format(expression)
        info = inspect_query(query)
        refused = info.too_long is not None or info.too_deep is not None
        tried += 1
        if _crashes(query):
            crashed += 1
            assert refused, f"the engine crashed on a query the limits let through: {query[:80]!r}"
    assert crashed >= 40, f"only {crashed} of {tried} queries reached the engine's recursion: the test lost its teeth"
    assert MAX_OPERATORS < DEEP
