"""``python -m aigraph``."""

from aigraph.fasthelp import run

run()
