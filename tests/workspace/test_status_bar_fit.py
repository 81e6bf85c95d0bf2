"""The status bar as a trader reads it: a failed connection said once, elided, with what to do;
no label cut at the window's smallest size; the terminal's own messages explained."""

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from terminal_app.session.profiles import ProfileKind, make_profile
from terminal_app.session.state import Phase
from tests.waiting import wait_until
from tests.workspace.app_run import shown_window
from ui.main_window import MainWindow
from ui.messages_dock import COLUMNS, MessagesPanel

MEANING = COLUMNS.index("Meaning")


@pytest.fixture
def window(qapp: QApplication, tmp_path: Path) -> Iterator[MainWindow]:
    with shown_window(tmp_path) as win:
        yield win


def _closed_port() -> int:
    """A loopback port nobody listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _status_labels(window: MainWindow) -> list[QLabel]:
    return [
        label
        for label in window.statusBar().findChildren(QLabel)
        if label.isVisible() and label is not window.status.state
    ]


@pytest.mark.asyncio
async def test_a_failed_connection_is_shown_once_elided_with_what_to_do(
    window: MainWindow,
) -> None:
    port = _closed_port()
    profile = make_profile(ProfileKind.CUSTOM, port=port, read_only=True)
    try:
        window.request_connect(profile)
        await wait_until(lambda: window.session.state.phase is Phase.FAILED, 10)
        reason = window.session.state.reason
        assert f"127.0.0.1:{port}" in reason
        assert window.statusBar().currentMessage() == ""  # not a second, cut-off copy
        state = window.status.state
        window.resize(window.minimumSize())
        await wait_until(lambda: state.width() < state.sizeHint().width(), 5, "not squeezed")
        await wait_until(lambda: state.text().endswith("…"), 5, state.text())
        assert state.fontMetrics().horizontalAdvance(state.text()) <= state.contentsRect().width()
        assert reason in state.toolTip() and "File → Connect…" in state.toolTip()
        badge = window.status.readonly_badge
        assert badge.isVisible() and not badge.geometry().intersects(state.geometry())

        messages = MessagesPanel(window.session.messages)
        messages.model.sync()
        app_rows = [
            r for r in range(messages.model.rowCount()) if messages.model.message(r).source == "app"
        ]
        assert app_rows
        for row in app_rows:
            assert messages.model.index(row, MEANING).data(), messages.model.message(row).text
        failed = next(r for r in app_rows if "Connection failed" in messages.model.message(r).text)
        assert "TWS" in messages.model.index(failed, MEANING).data()
        messages.release_panel()
        messages.deleteLater()
    finally:
        await window.session.close()


@pytest.mark.asyncio
async def test_no_status_label_is_cut_at_the_smallest_window(window: MainWindow) -> None:
    profile = make_profile(ProfileKind.SIMULATED, read_only=True)
    window.status.show_profile(profile)
    window.status.show_accounts(["DU1234567"])
    window.resize(1, 1)  # the window manager never goes below the declared minimum
    await wait_until(lambda: window.width() == window.minimumWidth(), 5)
    labels = _status_labels(window)
    assert len(labels) >= 4  # badges, profile, account, lag or clock

    def cut() -> list[str]:
        return [f"{x.text()!r}: {x.width()} px" for x in labels if x.width() < x.sizeHint().width()]

    await wait_until(lambda: not cut(), 5, f"cut labels: {cut()}")
    state = window.status.state
    assert state.text() == "● Disconnected"
    assert window.minimumHeight() >= 400
