"""What the start-up path imports, checked in a fresh interpreter.

pandas and pyqtgraph each take longer to import than the whole start-up budget (window 1 s) and
only the chart and the PnL graph need them: they load when such a panel is built, which during a
start is after the start-up (ui/deferred_panel.py). The entry point (`ui.main`) loads neither Qt
nor ib_async, so the embedded gateway's process starts before them; the gateway itself never
loads Qt (nor pandas).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "pyqtgraph")

START = """
import sys

import ui.main
entry = sorted(m for m in ("asyncio", "PySide6", "ib_async", "numpy", "pandas") if m in sys.modules)

import asyncio, json
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication

import ui.app
from terminal_app.workspace.layout import LayoutStore
from ui.deferred_panel import PanelGate, holding
from ui.main_window import MainWindow

HEAVY = {heavy!r}
home = Path(sys.argv[1])
app = QApplication(["startup-imports"])
seen = {{"entry": entry}}


async def start() -> None:
    window = MainWindow(store=LayoutStore(home / "ws"), settings_path=home / "ui.json")
    gate = PanelGate(window)
    with holding(gate):
        window.workspace.restore(window.settings.last_workspace)  # first run: the default
    window.show()
    await asyncio.sleep(0.05)
    seen["shown"] = sorted(m for m in HEAVY if m in sys.modules)
    charts = window.docks.docks("chart")
    seen["stand_in"] = [type(d.widget()).__name__ for d in charts]
    gate.release()
    for _ in range(400):
        await asyncio.sleep(0.05)
        if all(type(d.widget()).__name__ == "ChartPanel" for d in charts):
            break
    seen["built"] = [type(d.widget()).__name__ for d in charts]
    seen["after"] = sorted(m for m in HEAVY if m in sys.modules)
    window.docks.remove_all()
    window.close()


with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
    runner.run(start())
print(json.dumps(seen))
"""


def _run(code: str, *args: str, home: Path) -> str:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "IB_TERMINAL_HOME": str(home),
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_the_start_up_path_loads_neither_pandas_nor_pyqtgraph_until_the_chart_is_built(
    tmp_path: Path,
) -> None:
    seen = json.loads(_run(START.format(heavy=HEAVY), str(tmp_path), home=tmp_path))
    assert seen["entry"] == [], "ui.main must stay light: the gateway starts before these load"
    assert seen["shown"] == [], "window shown with its default workspace"
    assert seen["stand_in"] == ["LinkedStandIn"]
    assert seen["built"] == ["ChartPanel"]
    assert seen["after"] == sorted(HEAVY)


def test_the_gateway_process_loads_no_qt_and_no_pandas(tmp_path: Path) -> None:
    code = (
        "import sys, json; import terminal_app.simulator.cli, terminal_app.simulator.gateway; "
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.partition('.')[0] in ('PySide6', 'shiboken6', 'pandas', 'pyqtgraph'))))"
    )
    assert json.loads(_run(code, home=tmp_path)) == []
