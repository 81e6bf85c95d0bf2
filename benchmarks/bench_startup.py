"""Start-up: how soon the window shows, the first live quote is painted, and every default row
streams, from the source install and from the PyInstaller bundle, beside the same run's import
times of the heavy libraries.

Each start is a fresh `ib-terminal --startup-report FILE` process (from source: this Python
running `-m ui.main` in the checkout) on the embedded gateway with its own home
(`IB_TERMINAL_HOME`). The app writes the figures itself (ui/startup_timeline.py), counted from the
process's start as the kernel tells it, so interpreter start-up and every import are included.
The first start of each variant has an empty home (first run: the default workspace, nothing
cached); later ones reuse it, as a second start of the app does.

Variants run in turn within each round, so they share the machine's load: this checkout, the
bundle (`--bundle`, default dist/ib-terminal), another checkout (`--compare DIR`, e.g. main with
the report option) and its bundle (`--compare-bundle DIR`). Import times: each module imported
alone in a fresh process of this Python, once per round. Each figure comes with the terminal
process's CPU seconds by then; `--realtime` runs the starts above every ordinary process.

`python -m benchmarks bench_startup [--runs 3] [--bundle [DIR]] [--compare DIR] [--realtime]`.
Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "ib-terminal"
STAGES = ("window_s", "connected_s", "first_quote_s", "all_rows_s")
TARGETS = {"window_s": 1.0, "first_quote_s": 1.5, "all_rows_s": 2.0}  # source install
IMPORTS = ("PySide6.QtWidgets", "ib_async", "pandas", "pyqtgraph")
EXE_NAME = "ib-terminal.exe" if sys.platform == "win32" else "ib-terminal"
# Linux, as root: the terminal and its gateway at real-time priority 1, above every ordinary
# process, for figures close to an idle machine's on a shared one (each start ends by itself).
REALTIME = ("chrt", "--fifo", "1")


@dataclass
class Variant:
    name: str
    argv: list[str]  # the command before `--startup-report FILE`
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)


def source_variant(name: str, checkout: Path) -> Variant:
    checkout = checkout.resolve()
    return Variant(name, [sys.executable, "-m", "ui.main"], checkout, {"PYTHONPATH": str(checkout)})


def bundle_variant(name: str, folder: Path) -> Variant:
    exe = folder.resolve() / EXE_NAME
    if not exe.is_file():
        raise SystemExit(f"bench_startup: no bundle at {exe} (build it with `make package`)")
    return Variant(name, [str(exe)], folder.resolve())


def start_once(variant: Variant, home: Path, timeout: float, realtime: bool) -> dict[str, Any]:
    """One start; the app's own figures, or what went wrong."""
    report = home / "startup-report.json"
    report.unlink(missing_ok=True)
    env = {**os.environ, **variant.env, "IB_TERMINAL_HOME": str(home)}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # As an installed or checked-out app runs: its bytecode is cached after the first start
    # (a shell with PYTHONDONTWRITEBYTECODE=1 would compile every module on every start).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    argv = [*REALTIME * realtime, *variant.argv, "--startup-report", str(report)]
    try:
        done = subprocess.run(
            argv, cwd=variant.cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"error": f"no report within {timeout:g}s"}
    if not report.is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"error": f"exit {done.returncode}, no report: {' | '.join(tail)}"}
    figures: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return figures


def import_time(module: str) -> float:
    """Seconds to import `module` alone in a fresh process of this Python."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def median_of(runs: list[dict[str, Any]], stage: str) -> float | None:
    values = [r[stage] for r in runs if isinstance(r.get(stage), (int, float))]
    return round(statistics.median(values), 3) if values else None


def summary(variant: Variant) -> dict[str, Any]:
    again = variant.runs[1:] or variant.runs
    return {
        "first": variant.runs[0],
        "again_median": {s: median_of(again, s) for s in (*STAGES, "rows")},
        "again_range": {
            s: [min(v), max(v)]
            for s in STAGES
            if (v := [r[s] for r in again if isinstance(r.get(s), (int, float))])
        },
    }


def cell(run: dict[str, Any], stage: str) -> str:
    """Seconds after the process started, and (in brackets) its CPU seconds by then."""
    wall, cpu = run.get(stage), run.get("cpu_s", {}).get(stage)
    if wall is None:
        return "-"
    return f"{wall:.2f} ({cpu:.2f})" if cpu is not None else f"{wall:.2f}"


def print_table(variants: list[Variant], imports: dict[str, list[float]]) -> None:
    print("seconds from process start (CPU seconds of the terminal process by then)")
    print(f"{'variant':<16}{'run':<10}" + "".join(f"{s:>15}" for s in (*STAGES, "rows")))
    for variant in variants:
        for i, run in enumerate(variant.runs):
            label = "first" if i == 0 else f"again {i}"
            cells = "".join(f"{cell(run, s):>15}" for s in STAGES) + f"{run.get('rows', '-')!s:>15}"
            print(f"{variant.name:<16}{label:<10}{cells}")
            if "error" in run:
                print(f"{'':<26}{run['error']}")
    print(f"{'targets':<26}" + "".join(f"{TARGETS.get(s, '-')!s:>15}" for s in STAGES))
    alone = ", ".join(f"{m} {statistics.median(t):.3f}" for m, t in imports.items())
    print(f"import alone (s): {alone}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_startup", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="starts of each variant")
    parser.add_argument("--timeout", type=float, default=90.0, help="give up on a start after")
    parser.add_argument(
        "--bundle",
        nargs="?",
        type=Path,
        const=BUNDLE,
        default=None,
        help=f"also start the bundle in DIR (default {BUNDLE.relative_to(ROOT)})",
    )
    parser.add_argument("--compare", type=Path, help="also start another checkout (baseline)")
    parser.add_argument("--compare-bundle", type=Path, help="also start another bundle")
    parser.add_argument(
        "--realtime",
        action="store_true",
        help="run the starts with `chrt --fifo 1` (Linux, root): an idle machine's figures",
    )
    args, _unknown = parser.parse_known_args(list(argv) if argv is not None else None)
    variants = [source_variant("source", ROOT)]
    if args.compare is not None:
        variants.append(source_variant("base source", args.compare))
    if args.bundle is not None:
        variants.append(bundle_variant("bundle", args.bundle))
    if args.compare_bundle is not None:
        variants.append(bundle_variant("base bundle", args.compare_bundle))
    imports: dict[str, list[float]] = {m: [] for m in IMPORTS}
    load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        homes = {v.name: Path(tmp) / f"home-{i}" for i, v in enumerate(variants)}
        for home in homes.values():
            home.mkdir()
        for _round in range(max(1, args.runs)):
            for variant in variants:
                run = start_once(variant, homes[variant.name], args.timeout, args.realtime)
                variant.runs.append(run)
            for module in IMPORTS:
                imports[module].append(import_time(module))
    load_after = os.getloadavg() if hasattr(os, "getloadavg") else None
    print_table(variants, imports)
    result = {
        "benchmark": "startup",
        "cores": os.cpu_count(),
        "realtime": args.realtime,
        "load_avg_1m": [round(x[0], 2) for x in (load_before, load_after) if x is not None],
        "targets": TARGETS,
        "variants": {v.name: summary(v) for v in variants},
        "import_s": {m: round(statistics.median(t), 3) for m, t in imports.items()},
        "ran_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    print(json.dumps(result))
    return 0 if all("all_rows_s" in r for v in variants for r in v.runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
