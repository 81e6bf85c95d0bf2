import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication


def test_screenshot_writes_a_png_of_the_window(tmp_path: Path, qapp: QApplication) -> None:
    out = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "IB_TERMINAL_HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "ui.main", "--screenshot", str(out), "--quit-after", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    assert "Task was destroyed" not in proc.stderr
    assert (tmp_path / "log" / "ib-terminal.log").exists()
