import asyncio

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel
from qasync import asyncSlot

from terminal_app.cli import LaunchOptions
from tests.waiting import wait_until
from tests.workspace.app_run import noisy
from ui.app import run_app
from ui.docks import PanelKind, kind_of
from ui.main_window import MainWindow


@pytest.mark.asyncio
async def test_window_starts_and_closes_cleanly(
    qapp: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    window = MainWindow()
    run = asyncio.ensure_future(run_app(LaunchOptions(), window, connect=False))
    await wait_until(window.isVisible)
    assert window.windowTitle().startswith("ib-terminal")
    assert window.statusBar().isVisible()
    window.close()
    assert await asyncio.wait_for(run, 5) == 0
    assert noisy(caplog) == []


class _Emitter(QObject):
    fire = Signal(int)


@pytest.mark.asyncio
async def test_async_task_started_from_a_slot_completes(qapp: QApplication) -> None:
    window = MainWindow()
    run = asyncio.ensure_future(run_app(LaunchOptions(), window, connect=False))
    results: list[int] = []

    @asyncSlot(int)
    async def on_fire(value: int) -> None:
        await asyncio.sleep(0.01)
        results.append(value * 2)

    emitter = _Emitter()
    emitter.fire.connect(on_fire)
    QTimer.singleShot(0, lambda: emitter.fire.emit(21))
    await wait_until(lambda: results == [42])
    assert window.isVisible()
    window.close()
    await asyncio.wait_for(run, 5)


@pytest.mark.asyncio
async def test_close_with_pending_task_cancels_it(
    qapp: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    window = MainWindow()
    run = asyncio.ensure_future(run_app(LaunchOptions(), window, connect=False))
    await wait_until(window.isVisible)
    pending = window.tasks.spawn(asyncio.sleep(3600), name="long-running")
    assert window.tasks.pending == 1
    window.close()
    assert await asyncio.wait_for(run, 5) == 0
    assert pending.cancelled()
    assert window.tasks.pending == 0
    assert noisy(caplog) == []


@pytest.mark.asyncio
async def test_failing_owned_task_is_reported(
    qapp: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    window = MainWindow()
    run = asyncio.ensure_future(run_app(LaunchOptions(), window, connect=False))

    async def boom() -> None:
        raise RuntimeError("kaput")

    window.tasks.spawn(boom(), name="boom")
    await wait_until(lambda: any("kaput" in r.getMessage() for r in caplog.records))
    window.close()
    await asyncio.wait_for(run, 5)


@pytest.mark.asyncio
async def test_quit_after_closes_the_window(qapp: QApplication) -> None:
    window = MainWindow()
    run = run_app(LaunchOptions(quit_after=0.05), window, connect=False)
    assert await asyncio.wait_for(run, 5) == 0
    assert window.closed.is_set()


def test_docks_register_open_and_list_in_view_menu(qapp: QApplication) -> None:
    window = MainWindow()
    window.docks.register_kind(PanelKind("notes", "Notes", lambda _ctx: QLabel("n")))
    with pytest.raises(ValueError):
        window.docks.register_kind(PanelKind("notes", "Notes", lambda _ctx: QLabel("n")))
    window.show()
    first = window.docks.open("notes")
    second = window.docks.open("notes")
    assert [d.objectName() for d in window.docks.docks("notes")] == ["notes:1", "notes:2"]
    assert (first.windowTitle(), second.windowTitle()) == ("Notes", "Notes 2")
    assert kind_of(second) == "notes"
    assert not window.tabifiedDockWidgets(first)  # beside it, both in sight
    titles = [a.text() for a in window.view_menu.actions()]
    assert "Notes" in titles and "Notes 2" in titles
    toggle = first.toggleViewAction()
    toggle.trigger()
    assert first.isHidden()
    toggle.trigger()
    assert not first.isHidden()
    assert window.dockWidgetArea(first) == Qt.DockWidgetArea.RightDockWidgetArea
    window.docks.remove(first)
    assert window.docks.docks() == [second]
    assert "Notes" not in [a.text() for a in window.view_menu.actions()]
    window.close()
    window.deleteLater()
