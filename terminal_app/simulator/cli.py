"""`ib-terminal-sim`: the simulated gateway on its own."""

import argparse
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog="ib-terminal-sim",
        description="An offline TWS for your own ib_async or ibapi scripts.",
    )


def main(argv: Sequence[str] | None = None) -> int:
    build_parser().parse_args(argv)
    return 0
