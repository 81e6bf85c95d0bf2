"""`ib-terminal`: the QApplication on one qasync loop shared with ib_async."""

import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication, QWidget

from terminal_app import APP_NAME
from terminal_app.cli import LaunchOptions, parse_args
from terminal_app.logging_setup import configure_logging
from terminal_app.tasks import TaskOwner, install_exception_handler
from ui.main_window import MainWindow
from ui.qt_messages import route_qt_messages

log = logging.getLogger(__name__)


def save_screenshot(widget: QWidget, path: Path) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    ok = widget.grab().save(str(path), "PNG")
    if ok:
        log.info("screenshot saved to %s", path)
    else:
        log.error("could not save screenshot to %s", path)
    return ok


async def _screenshot_later(window: QWidget, path: Path, delay: float) -> bool:
    await asyncio.sleep(delay)
    return save_screenshot(window, path)


async def _quit_after(window: MainWindow, opts: LaunchOptions) -> int:
    assert opts.quit_after is not None
    code = 0
    if opts.screenshot is None:
        await asyncio.sleep(opts.quit_after)
    elif not await _screenshot_later(window, opts.screenshot, opts.quit_after):
        code = 1
    window.close()
    return code


async def run_app(opts: LaunchOptions, window: MainWindow | None = None) -> int:
    """Show the window and run until it closes; then stop everything the app started."""
    install_exception_handler(asyncio.get_running_loop())
    window = window if window is not None else MainWindow(TaskOwner("app"))
    window.show()
    timer: asyncio.Task[int] | None = None
    if opts.quit_after is not None:
        timer = window.tasks.spawn(_quit_after(window, opts), name="quit-after")
    elif opts.screenshot is not None:
        # No delay given: take it once the window has painted, and keep running.
        window.tasks.spawn(_screenshot_later(window, opts.screenshot, 1.0), name="screenshot")
    await window.closed.wait()
    code = timer.result() if timer is not None and timer.done() else 0
    await window.tasks.cancel_all()
    window.deleteLater()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    opts = parse_args(argv)
    log_file = configure_logging()
    route_qt_messages()
    log.info("%s starting, log file %s", APP_NAME, log_file)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setQuitOnLastWindowClosed(False)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        code = runner.run(run_app(opts))
    log.info("%s exiting with %d", APP_NAME, code)
    return code


if __name__ == "__main__":
    sys.exit(main())
