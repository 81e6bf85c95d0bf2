"""Packaging smoke test: build the desktop bundle and prove it works as a trader would run it.

    .venv/bin/python packaging/smoke_test.py            # make package, then every check
    .venv/bin/python packaging/smoke_test.py --no-build # check an existing dist/ib-terminal/

Checks (all run; any failure makes the script exit 1):
  1. `make package` builds dist/ib-terminal/ (build time reported: CI budget);
  2. the bundle holds no tests and no dev tools (files on disk and modules in the archive);
  3. `ib-terminal --help` exits 0 and prints usage;
  4. start-up: `--screenshot F --quit-after 0.1` under QT_QPA_PLATFORM=offscreen, median of
     three runs after a warm-up, reported against the 3 s target (issue 8); it fails the run
     only when IB_TERMINAL_START_BUDGET_S is set;
  5. `ib-terminal --self-test` (embedded gateway, live data, order placed and cancelled) exits 0;
     the bundled `ib-terminal-sim` serves an ib_async client and stops cleanly on SIGTERM;
  6. every run above used a fresh HOME and an empty working dir: logs and settings must land in the
     platform dirs under that HOME, nothing next to the executable or in the working dir;
  7. the bundle's size stays under its budget.

Prints a table and one JSON line (`{"smoke": ...}`) with the numbers.
"""

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bundle_rules import is_test_file, is_test_module

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "ib-terminal"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
EXE_NAME = f"ib-terminal{EXE_SUFFIX}"
SIM_NAME = f"ib-terminal-sim{EXE_SUFFIX}"
# Speed is measured, not asserted, on shared CI machines: the start-up time is reported against
# the 3 s target and only fails the run when a budget is set explicitly.
START_TARGET_S = 3.0
START_BUDGET_S = float(os.environ.get("IB_TERMINAL_START_BUDGET_S", "0") or 0)
SIZE_BUDGET_MB = float(os.environ.get("IB_TERMINAL_SIZE_BUDGET_MB", "250"))
SELF_TEST_TIMEOUT_S = 180.0
Completed = subprocess.CompletedProcess[str]


class SmokeFailure(Exception):
    pass


@dataclass
class Report:
    rows: list[tuple[str, str]] = field(default_factory=list)
    numbers: dict[str, object] = field(default_factory=dict)

    def add(self, check: str, result: str, **numbers: object) -> None:
        self.rows.append((check, result))
        self.numbers.update(numbers)
        print(f"  {check:<34} {result}", flush=True)


def bundle_offenders(bundle: Path, modules: Iterable[str]) -> list[str]:
    files = [
        str(p.relative_to(bundle))
        for p in bundle.rglob("*")
        if p.is_file() and is_test_file(p.relative_to(bundle))
    ]
    return sorted(files) + sorted(m for m in modules if is_test_module(m))


def archived_modules(executable: Path) -> list[str]:
    """Module names frozen into the executable's PYZ archive (one-dir and one-file builds)."""
    from PyInstaller.archive.readers import pkg_archive_contents  # type: ignore[import-untyped]

    return list(pkg_archive_contents(str(executable), recursive=True))


def tree_size_mb(path: Path) -> float:
    total = sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())
    return total / 1e6


def snapshot(path: Path) -> dict[str, float]:
    return {str(p.relative_to(path)): p.lstat().st_mtime for p in path.rglob("*")}


@dataclass
class Sandbox:
    """A fresh HOME and an empty working dir per run, so the check sees where files land."""

    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def cwd(self) -> Path:
        return self.root / "cwd"

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("XDG_") and k not in ("IB_TERMINAL_HOME", "PYTHONPATH")
        }
        env.update(HOME=str(self.home), QT_QPA_PLATFORM="offscreen")
        if sys.platform == "win32":
            env.update(APPDATA=str(self.home / "AppData" / "Roaming"))
            env.update(LOCALAPPDATA=str(self.home / "AppData" / "Local"))
        return env

    def prepare(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.cwd.mkdir(parents=True, exist_ok=True)

    def run(self, args: list[str], timeout: float, exe: str = EXE_NAME) -> tuple[Completed, float]:
        self.prepare()
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                [str(BUNDLE / exe), *args],
                cwd=self.cwd,
                env=self.env(),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            raise SmokeFailure(f"`{' '.join(args)}` did not exit within {timeout:.0f} s") from exc
        return proc, time.perf_counter() - start


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def build(report: Report) -> None:
    start = time.perf_counter()
    proc = subprocess.run(["make", "package"], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SmokeFailure(f"make package failed:\n{tail(proc.stdout + proc.stderr, 30)}")
    report.add("build (make package)", f"{elapsed:.1f} s", build_s=round(elapsed, 1))


def check_contents(report: Report) -> None:
    modules = archived_modules(BUNDLE / EXE_NAME)
    if (BUNDLE / SIM_NAME).is_file():
        modules += archived_modules(BUNDLE / SIM_NAME)
    if "terminal_app" not in modules or "ui.main" not in modules:
        raise SmokeFailure("the archive lacks terminal_app / ui.main: wrong bundle?")
    offenders = bundle_offenders(BUNDLE, modules)
    if offenders:
        raise SmokeFailure("tests or dev tools in the bundle:\n  " + "\n  ".join(offenders[:20]))
    if not (BUNDLE / "_internal" / "resources").is_dir():
        raise SmokeFailure("resources/ is not in the bundle")
    report.add("no tests/dev tools in bundle", f"ok ({len(modules)} archived modules)")


def check_help(report: Report, sandbox: Sandbox) -> None:
    proc, elapsed = sandbox.run(["--help"], timeout=60)
    if proc.returncode != 0 or "usage: ib-terminal" not in proc.stdout:
        raise SmokeFailure(f"--help exited {proc.returncode}:\n{tail(proc.stdout + proc.stderr)}")
    report.add("--help", f"ok ({elapsed:.2f} s)")


def _screenshot_at(log: Path, shot: Path) -> datetime | None:
    """When the app logged saving `shot` (its log lines carry wall-clock timestamps)."""
    pattern = re.compile(r"^(\S+ \S+) .*screenshot saved to " + re.escape(str(shot)))
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = pattern.match(line)
        if match:
            return datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f")
    return None


def check_startup(report: Report, sandbox: Sandbox) -> None:
    """Wall time from spawn to the saved screenshot of the shown window, and of the whole run."""
    shots = sandbox.root / "shots"
    to_shown, totals = [], []
    for run in range(4):  # the first run warms the page cache and is reported apart
        shot = shots / f"start-{run}.png"
        spawned = datetime.now()
        proc, total = sandbox.run(["--screenshot", str(shot), "--quit-after", "0.1"], timeout=60)
        if proc.returncode != 0 or not shot.is_file():
            raise SmokeFailure(
                f"--screenshot run exited {proc.returncode}:\n{tail(proc.stdout + proc.stderr)}"
            )
        saved = _screenshot_at(find_log(sandbox), shot)
        shown = (saved - spawned).total_seconds() - 0.1 if saved else total
        to_shown.append(shown)
        totals.append(total)
    warm = statistics.median(to_shown[1:])
    report.add(
        "start-up to window shown",
        f"{warm:.2f} s median warm, {to_shown[0]:.2f} s first (target {START_TARGET_S:.1f} s)",
        startup_s=round(warm, 2),
        startup_first_s=round(to_shown[0], 2),
        process_total_s=round(statistics.median(totals[1:]), 2),
    )
    if START_BUDGET_S and warm > START_BUDGET_S:
        raise SmokeFailure(f"start-up took {warm:.2f} s, budget {START_BUDGET_S:.1f} s")


def check_self_test(report: Report, sandbox: Sandbox) -> None:
    proc, elapsed = sandbox.run(["--self-test"], timeout=SELF_TEST_TIMEOUT_S)
    if proc.returncode != 0:
        raise SmokeFailure(
            f"--self-test exited {proc.returncode} after {elapsed:.1f} s:\n"
            f"{tail(proc.stdout + proc.stderr, 30)}"
        )
    report.add("--self-test", f"ok ({elapsed:.1f} s)", self_test_s=round(elapsed, 1))


async def _sim_round_trip(sandbox: Sandbox) -> str:
    """Start the bundled simulator on a free port, talk to it with ib_async, stop it."""
    from ib_async import IB

    sandbox.prepare()
    proc = await asyncio.create_subprocess_exec(
        str(BUNDLE / SIM_NAME),
        "--port",
        "0",
        cwd=sandbox.cwd,
        env=sandbox.env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert proc.stdout is not None
    try:
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode(errors="replace")
        match = re.search(r"listening on (\S+):(\d+)", line)
        if match is None:
            raise SmokeFailure(f"ib-terminal-sim did not report its port: {line!r}")
        ib = IB()
        await ib.connectAsync(match.group(1), int(match.group(2)), clientId=11, timeout=20)
        try:
            server_time = await asyncio.wait_for(ib.reqCurrentTimeAsync(), 10)
        finally:
            ib.disconnect()
        proc.terminate()
        code = await asyncio.wait_for(proc.wait(), 20)
        if code != 0:
            raise SmokeFailure(f"ib-terminal-sim exited {code} on SIGTERM")
        return f"{server_time:%Y-%m-%d %H:%M}"
    except (TimeoutError, ConnectionError, OSError) as exc:
        raise SmokeFailure(f"ib-terminal-sim round trip failed: {exc!r}") from exc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def check_simulator(report: Report, sandbox: Sandbox) -> None:
    if not (BUNDLE / SIM_NAME).is_file():
        raise SmokeFailure(f"{SIM_NAME} is missing from the bundle")
    start = time.perf_counter()
    server_time = asyncio.run(_sim_round_trip(sandbox))
    elapsed = time.perf_counter() - start
    report.add("ib-terminal-sim + ib_async", f"ok (server time {server_time}, {elapsed:.1f} s)")


def find_log(sandbox: Sandbox) -> Path:
    logs = sorted(sandbox.home.rglob("ib-terminal.log"))
    if not logs:
        raise SmokeFailure(f"no ib-terminal.log under the fresh HOME {sandbox.home}")
    return logs[0]


def check_user_dirs(report: Report, sandbox: Sandbox, bundle_before: dict[str, float]) -> None:
    changed = sorted(
        name for name, mtime in snapshot(BUNDLE).items() if bundle_before.get(name) != mtime
    )
    if changed:
        raise SmokeFailure("the app wrote next to itself:\n  " + "\n  ".join(changed[:20]))
    stray = sorted(str(p.relative_to(sandbox.cwd)) for p in sandbox.cwd.rglob("*"))
    if stray:
        raise SmokeFailure("the app wrote into its working dir:\n  " + "\n  ".join(stray[:20]))
    log = find_log(sandbox).relative_to(sandbox.home)
    used = sorted(
        {p.relative_to(sandbox.home).parts[:3] for p in sandbox.home.rglob("*") if p.is_file()}
    )
    if sys.platform.startswith("linux"):
        # XDG dirs of the app; ~/.cache is for Qt/fontconfig caches.
        allowed = {
            (".config", "ib-terminal"),
            (".local", "share", "ib-terminal"),
            (".local", "state", "ib-terminal"),
        }
        stray = [
            "/".join(parts)
            for parts in used
            if parts[:1] != (".cache",) and parts[:2] not in allowed and parts not in allowed
        ]
        if stray:
            raise SmokeFailure(f"files outside the XDG dirs of ib-terminal: {stray}")
        if log.parts[:2] != (".local", "state"):
            raise SmokeFailure(f"log at ~/{log}, expected under ~/.local/state (XDG state dir)")
    dirs = ", ".join("~/" + "/".join(parts) for parts in used)
    report.add("files only in platform dirs", f"ok ({dirs})")


def check_size(report: Report) -> None:
    size = tree_size_mb(BUNDLE)
    report.add(
        "bundle size", f"{size:.0f} MB (budget {SIZE_BUDGET_MB:.0f} MB)", size_mb=round(size, 1)
    )
    if size > SIZE_BUDGET_MB:
        raise SmokeFailure(f"bundle is {size:.0f} MB, budget {SIZE_BUDGET_MB:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--no-build", action="store_true", help="check the existing bundle")
    args = parser.parse_args(argv)
    report = Report()
    failures: list[str] = []
    print(f"packaging smoke test: {BUNDLE}", flush=True)
    try:
        if not args.no_build:
            build(report)
        if not (BUNDLE / EXE_NAME).is_file():
            raise SmokeFailure(f"{BUNDLE / EXE_NAME} is missing: build first")
    except SmokeFailure as exc:
        failures.append(str(exc))
    if not failures:
        before = snapshot(BUNDLE)
        with tempfile.TemporaryDirectory(prefix="ib-terminal-smoke-") as tmp:
            sandbox = Sandbox(Path(tmp))
            checks = [
                lambda: check_contents(report),
                lambda: check_help(report, sandbox),
                lambda: check_startup(report, sandbox),
                lambda: check_self_test(report, sandbox),
                lambda: check_simulator(report, sandbox),
                lambda: check_user_dirs(report, sandbox, before),
                lambda: check_size(report),
            ]
            for check in checks:  # every check runs, so one report shows all that is wrong
                try:
                    check()
                except SmokeFailure as exc:
                    failures.append(str(exc))
                    print(f"  FAILED: {exc}", file=sys.stderr, flush=True)
    ok = not failures
    print(json.dumps({"smoke": {**report.numbers, "failures": len(failures), "ok": ok}}))
    if not ok:
        print(f"packaging smoke test FAILED ({len(failures)} checks)", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
