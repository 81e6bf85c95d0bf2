"""`make bench`: run every benchmark module in turn, or the named ones with the options given.

`python -m benchmarks` runs all; `python -m benchmarks bench_watchlist --seconds 4` runs one with
its own options (arguments not naming a `bench_*` module are passed to each one run, so
`python -m benchmarks --seconds 3` is a short run of the whole suite). A benchmark that fails,
or does not take the options given, is reported and the others still run; the exit status
says whether all passed.
"""

import importlib
import pkgutil
import sys
import traceback
from collections.abc import Sequence

import benchmarks


def run_one(name: str, options: list[str]) -> bool:
    print(f"== {name}", flush=True)
    try:
        module = importlib.import_module(f"benchmarks.{name}")
        return bool(module.main(options) == 0)
    except SystemExit as exc:  # argparse: an option this benchmark does not take
        print(f"== {name}: exit {exc.code} with options {options}", flush=True)
        return exc.code in (0, None)
    except Exception:
        traceback.print_exc()
        print(f"== {name}: failed", flush=True)
        return False


def main(argv: Sequence[str] | None = None) -> int:
    args = list(argv if argv is not None else sys.argv[1:])
    names = [a for a in args if a.startswith("bench_")]
    options = [a for a in args if not a.startswith("bench_")]
    if not names:
        names = sorted(
            m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
        )
    failed = [name for name in names if not run_one(name, options)]
    if failed:
        print(f"== failed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
