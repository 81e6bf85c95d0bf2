"""`make bench`: run every benchmark module in turn, or the named ones with the options given.

`python -m benchmarks` runs all; `python -m benchmarks bench_watchlist --seconds 4` runs one with
its own options (arguments not naming a `bench_*` module are passed to each one run).
"""

import importlib
import pkgutil
import sys
from collections.abc import Sequence

import benchmarks


def main(argv: Sequence[str] | None = None) -> int:
    args = list(argv if argv is not None else sys.argv[1:])
    names = [a for a in args if a.startswith("bench_")]
    options = [a for a in args if not a.startswith("bench_")]
    if not names:
        names = sorted(
            m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
        )
    failures = 0
    for name in names:
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        failures += int(module.main(options) != 0)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
