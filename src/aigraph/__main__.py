"""``python -m aigraph``."""

from aigraph.cli import main

main()
