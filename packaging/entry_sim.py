"""Frozen-build entry point of `ib-terminal-sim` (the simulated gateway on its own)."""

import sys

from terminal_app.simulator.cli import main

if __name__ == "__main__":
    sys.exit(main())
