"""Lexer regexes stay linear in memory on long tokens (hostile pass three, D2/D3).

Each case runs in a subprocess and must grow its peak RSS by under 150 MiB; before the
unrolled regexes a 4 MB token needed several hundred MiB (~940 MB in inspect_query)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

_PRELUDE = """
import resource, sys
sys.path.insert(0, sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

_CHECK = """
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) // 1024)
"""


def _peak_mib(body: str) -> int:
    code = _PRELUDE + body + _CHECK
    out = subprocess.run(
        [sys.executable, "-c", code, str(SRC)], capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return int(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "token",
    [
        "'\"' + 'a' * 4_000_000 + '\"'",
        "\"'\" + 'a' * 4_000_000 + \"'\"",
        "'\"\"\"' + 'a' * 4_000_000 + '\"\"\"'",
        "'<http://example.org/' + 'a' * 4_000_000 + '>'",
        "'1' * 4_000_000",
        "'ex:' + 'a' * 4_000_000",
    ],
)
def test_query_lexer_memory_is_linear(token: str) -> None:
    body = (
        "from aigraph.sparql import guard\n"
        f"text = 'SELECT * WHERE {{ ?s ?p ' + {token} + ' }}'\n"
        "toks = [m.lastgroup for m in guard._tokens().finditer(text)]\n"
        "assert len(toks) < 40, toks\n"
    )
    assert _peak_mib(body) < 150


def test_json_string_tokens_memory_is_linear() -> None:
    body = (
        "from aigraph import rdfio\n"
        "data = b'{\"@context\": {\"@vocab\": \"' + b'a' * 4_000_000 + b'\\\\u00e9\"}}'\n"
        "n = sum(1 for _ in rdfio._json_tokens().finditer(data))\n"
        "assert n == 7, n\n"
        "assert rdfio._lone_surrogate(data, 'x.jsonld') is None\n"
    )
    assert _peak_mib(body) < 150
