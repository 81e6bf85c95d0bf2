"""One QApplication for the whole run, and a fresh qasync loop over it for each async test.

Async code and widgets are thereby tested on the same kind of loop the app uses: Qt timers and
signals fire while a test awaits, and ib_async connects and streams on it.
"""

import os
import tempfile
from collections.abc import Callable, Mapping

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep logs, settings and simulator state of the test run out of the user's real dirs.
os.environ["IB_TERMINAL_HOME"] = tempfile.mkdtemp(prefix="ib-terminal-tests-")

import qasync
from PySide6.QtWidgets import QApplication


def _app() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(["ib-terminal-tests"])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    return app


def _qasync_loop() -> qasync.QEventLoop:
    return qasync.QEventLoop(_app())


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], qasync.QEventLoop]]:
    return {"qasync": _qasync_loop}


@pytest.fixture(scope="session")
def qapp() -> QApplication:
    """pytest-qt's qapp, created the same way the loop factory would (never quit between tests)."""
    return _app()


# Simulated-gateway fixtures (sim_gateway, sim_ib, running_gateway): see tests/sim_fixtures.py.
pytest_plugins = ["tests.sim_fixtures"]
