"""Regenerate the committed outputs in graphs/ from sources/ and ontology/ (and the
pre-rendered `aigraph --help`, src/aigraph/helptexts.py, and the option table of the
commands that run without click, src/aigraph/fastargs.py, and the shipped saved queries
lexed ahead of time, src/aigraph/sparql/prelexed.py).

    python tools/regenerate.py

CI checks that the committed files equal what this writes (tests/test_golden.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    from aigraph import fastcli
    from aigraph.fasthelp import render
    from aigraph.graph.build import build

    # `aigraph --help` without click: the help click renders, kept with the package.
    (ROOT / "src" / "aigraph" / "helptexts.py").write_text(render(), encoding="utf-8")
    print("wrote src/aigraph/helptexts.py", file=sys.stderr)
    # `aigraph query` and `build` without click: their options as click declares them.
    (ROOT / "src" / "aigraph" / "fastargs.py").write_text(fastcli.render(), encoding="utf-8")
    print("wrote src/aigraph/fastargs.py", file=sys.stderr)
    from aigraph.sparql.engine import render_prelexed

    # The shipped saved queries lexed ahead of time (their start-up: no lexer to compile).
    (ROOT / "src" / "aigraph" / "sparql" / "prelexed.py").write_text(render_prelexed(), encoding="utf-8")
    print("wrote src/aigraph/sparql/prelexed.py", file=sys.stderr)

    build(ROOT / "sources" / "ai-alliance.facts.toml", ROOT / "graphs" / "ai-alliance.ttl")
    print("wrote graphs/ai-alliance.ttl", file=sys.stderr)
    try:
        from aigraph.view.page import write_view
    except ImportError:  # the view arrives with issue 4
        return 0
    write_view(ROOT / "graphs" / "ai-alliance.html")
    print("wrote graphs/ai-alliance.html", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
