#!/usr/bin/env python3
"""The ``aigraph`` command, and ``python -m aigraph``.

The wheel installs this file itself as the ``aigraph`` script (pyproject's
``shared-scripts``), its first line made the environment's Python: pip's
console-script wrapper would import :mod:`re` first (7 ms, a fifth of a cached
query's start-up, issue 15).
"""

from aigraph.fasthelp import run

run()
