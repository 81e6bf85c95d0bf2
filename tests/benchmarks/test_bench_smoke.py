"""The suite's benchmarks work: each new one, run for a couple of seconds on a small setup, exits
0 and ends with a JSON line carrying its figures. Nothing here judges speed."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--symbols", "20", "--positions", "3", "--orders", "3"]
RUNS = {
    "bench_busy_day": (
        [*SMALL, "--seconds", "2", "--baseline-seconds", "1"],
        {"tick_to_screen_p50_ms", "tick_to_screen_p99_ms", "lag_p99_ms", "cpu_s_per_s"},
    ),
    "bench_saturation": (
        ["--seconds", "2"],
        {"ratio", "terminal_messages_per_s", "bare_messages_per_s", "lag_p99_ms"},
    ),
    "bench_soak": (
        [*SMALL, "--seconds", "3"],
        {"rss_growth_mb", "rss_mb_over_time", "top_growth"},
    ),
}
COMMON = {"benchmark", "cores", "load_avg"}


@pytest.fixture(scope="module")
def outputs(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, subprocess.CompletedProcess[str]]:
    """All three run at once (each waits mostly on its gateway and the app's start)."""
    running = {}
    for name, (options, _keys) in RUNS.items():
        home = tmp_path_factory.mktemp(name)
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "IB_TERMINAL_HOME": str(home)}
        running[name] = subprocess.Popen(
            [sys.executable, "-m", "benchmarks", name, *options],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    done = {}
    for name, process in running.items():
        try:
            stdout, stderr = process.communicate(timeout=200)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return done


@pytest.mark.timeout(240)
@pytest.mark.parametrize("name", sorted(RUNS))
def test_benchmark_prints_its_json_line(
    name: str, outputs: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    done = outputs[name]
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert COMMON | RUNS[name][1] <= figures.keys()


@pytest.mark.timeout(240)
def test_busy_day_measures_the_streaming_panels(
    outputs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    """A probe that stops matching its panel (a changed signal) shows as no samples, not as an
    error the run prints and survives."""
    figures = json.loads(outputs["bench_busy_day"].stdout.strip().splitlines()[-1])
    for kind in ("watchlist", "dom"):
        assert figures["panels"][kind]["n"] > 0, kind
