"""`ib-terminal` started where it cannot write: it runs all the same (log on stderr, settings in
memory, the simulated account in memory) and tells the user what will not be saved.

The real entry point runs in a subprocess. Folders are made unusable by putting a regular file
where a folder must be: permission bits would not stop root, and CI runs as root.
"""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

LOG = "No log file"
SETTINGS = "Settings and workspaces cannot be saved, changes last until you quit"
ACCOUNT = "The simulated paper account cannot be saved"


def _home_below_a_file(tmp_path: Path) -> Path:
    (tmp_path / "file").write_text("not a folder")
    return tmp_path / "file" / "home"


def _config_is_a_file(tmp_path: Path) -> Path:
    (tmp_path / "config").write_text("not a folder")
    return tmp_path


def _log_file_is_a_folder(tmp_path: Path) -> Path:
    (tmp_path / "log" / "ib-terminal.log").mkdir(parents=True)
    return tmp_path


CASES: dict[str, tuple[Callable[[Path], Path], list[str]]] = {
    "home below a regular file": (_home_below_a_file, [LOG, ACCOUNT, SETTINGS]),
    "config is a regular file": (_config_is_a_file, [SETTINGS]),
    "log file is a folder": (_log_file_is_a_folder, [LOG]),
}


@pytest.mark.parametrize(("make_home", "told"), CASES.values(), ids=CASES.keys())
def test_starts_anyway_and_says_what_cannot_be_saved(
    tmp_path: Path, make_home: Callable[[Path], Path], told: list[str]
) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "IB_TERMINAL_HOME": str(make_home(tmp_path)),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "ui.main", "--quit-after", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    # MainWindow.notify logs what it puts in the status bar and the Messages dock.
    shown = [line for line in proc.stderr.splitlines() if "WARNING ui.main_window: " in line]
    assert [text for text in told if not any(text in line for line in shown)] == []
    assert not [t for t in (LOG, ACCOUNT, SETTINGS) if t not in told and t in proc.stderr]
