"""`make bench`: run every benchmark module in turn (or the ones named on the command line)."""

import importlib
import pkgutil
import sys
from collections.abc import Sequence

import benchmarks


def main(argv: Sequence[str] | None = None) -> int:
    names = list(argv if argv is not None else sys.argv[1:]) or sorted(
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    )
    failures = 0
    for name in names:
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        failures += int(module.main([]) != 0)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
