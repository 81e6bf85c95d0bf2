"""The app's run: the QApplication on one qasync loop shared with ib_async (`ui.main` is the
entry point that gets here).

Start-up: theme, last workspace (or the default), window, then the connection from the command
line (default: the embedded simulator). Shutdown, once the window closes: save the workspace,
cancel the app's tasks, close the session (disconnect, stop the embedded gateway), exit 0.
"""

import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from terminal_app import APP_NAME
from terminal_app.cli import LaunchOptions, profile_from_options
from terminal_app.logging_setup import configure_logging
from terminal_app.loop_lag import LoopLagProbe
from terminal_app.paths import resources_dir, unsaved_at_start
from terminal_app.session.profiles import ConnectionProfile
from terminal_app.session.state import Phase
from terminal_app.tasks import TaskOwner, install_exception_handler
from ui.deferred_panel import HOLD_MAX_S, PanelGate, holding
from ui.main_window import MainWindow
from ui.qt_messages import route_qt_messages
from ui.self_test import run_self_test
from ui.startup_timeline import StartupTimeline

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


async def _self_test(window: MainWindow, profile: ConnectionProfile) -> int:
    result = await run_self_test(window.session, profile, window.panels_live)
    log.log(logging.INFO if result.ok else logging.ERROR, "%s", result.summary)
    if sys.stdout is not None:
        print(result.summary, flush=True)
    window.close()
    return 0 if result.ok else 1


def _report_startup(window: MainWindow, path: Path, figures: dict[str, object]) -> None:
    """`--startup-report FILE`: the figures as one JSON object, then quit."""
    try:
        path.write_text(json.dumps(figures) + "\n", encoding="utf-8")
    except OSError as exc:
        log.error("start-up report not written to %s: %s", path, exc)
    window.close()


def _restore_workspace(window: MainWindow, opts: LaunchOptions) -> PanelGate:
    """The last (or the default) workspace, its chart and PnL graph held back until the
    start-up is over: every watchlist row streams (the start-up timeline), the connection
    failed, or `HOLD_MAX_S` passed. Their imports would block the loop longer than the whole
    start-up budget."""
    gate = PanelGate(window)
    with holding(gate):
        if opts.self_test:
            window.workspace.reset_to_default()
        else:
            window.workspace.restore(window.settings.last_workspace)
    timeline = StartupTimeline(window)
    timeline.finished.connect(gate.release)
    window.session.stateChanged.connect(
        lambda state: gate.release() if state.phase is Phase.FAILED else None
    )
    QTimer.singleShot(int(HOLD_MAX_S * 1000), gate, gate.release)
    if opts.startup_report is not None:
        report = opts.startup_report
        timeline.finished.connect(lambda figures: _report_startup(window, report, figures))
    return gate


async def run_app(
    opts: LaunchOptions,
    window: MainWindow | None = None,
    connect: bool = True,
    notices: Sequence[str] = (),
) -> int:
    """Show the window and run until it closes; then stop everything the app started.

    `connect=False` keeps the session offline (tests of the window alone); `notices` are
    start-up problems for the user (what cannot be saved), shown like any other message."""
    loop = asyncio.get_running_loop()
    probe = LoopLagProbe()
    probe.start(loop)
    window = window if window is not None else MainWindow(TaskOwner("app"))
    window.status.set_probe(probe)
    install_exception_handler(loop, window.session.report_error)
    window.apply_settings()
    profile = profile_from_options(opts)
    gate = _restore_workspace(window, opts)
    window.show()
    if not connect:
        gate.release()  # no start-up to wait for
    timer: asyncio.Task[int] | None = None
    if opts.self_test:
        timer = window.tasks.spawn(_self_test(window, profile), name="self-test")
    elif opts.quit_after is not None:
        timer = window.tasks.spawn(_quit_after(window, opts), name="quit-after")
    elif opts.screenshot is not None:
        # No delay given: take it once the window has painted, and keep running.
        window.tasks.spawn(_screenshot_later(window, opts.screenshot, 1.0), name="screenshot")
    if connect and not opts.self_test:
        window.request_connect(profile)
    for text in notices:  # last, so the status bar shows the last of them, not a consequence
        window.notify(text)
    await window.closed.wait()
    code = timer.result() if timer is not None and timer.done() else 0
    if not opts.self_test:
        window.workspace.save()
    probe.stop()
    await window.tasks.cancel_all()
    await window.session.close()
    window.docks.remove_all()  # panels give back what they hold before the window goes
    window.deleteLater()
    return code


def run(opts: LaunchOptions) -> int:
    """The whole GUI run for checked options; the exit code."""
    logging_to = configure_logging()
    route_qt_messages()
    log.info(
        "%s starting, log file %s", APP_NAME, "none" if logging_to.problem else logging_to.path
    )
    notices = []
    if logging_to.problem:
        notices.append(f"No log file ({logging_to.problem}); the log goes to stderr only.")
    notices += unsaved_at_start()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setQuitOnLastWindowClosed(False)
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "ib-terminal.png")))
    app.setDesktopFileName(APP_NAME)  # Wayland matches the window to ib-terminal.desktop by this
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        code = runner.run(run_app(opts, notices=notices))
    log.info("%s exiting with %d", APP_NAME, code)
    return code
