"""The main window: menus, dock framework and status bar, plus an awaitable close."""

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QWidget

from terminal_app import APP_NAME, __version__
from terminal_app.tasks import TaskOwner
from ui.docks import DockManager


class MainWindow(QMainWindow):
    """Owns the app's tasks; closing it resolves `closed` instead of quitting Qt directly, so the
    caller can shut down asynchronously (cancel tasks, disconnect) before the loop stops."""

    def __init__(self, tasks: TaskOwner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        self.setObjectName("main-window")
        self.resize(1280, 800)
        self.setDockOptions(
            QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AnimatedDocks
        )
        self.setDockNestingEnabled(True)
        self.tasks = tasks if tasks is not None else TaskOwner("window")
        self.closed = asyncio.Event()

        menu_bar = self.menuBar()
        self.file_menu = menu_bar.addMenu("&File")
        self.view_menu = menu_bar.addMenu("&View")
        self.help_menu = menu_bar.addMenu("&Help")
        self.docks = DockManager(self, self.view_menu)

        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.file_menu.addAction(quit_action)
        about = QAction("&About", self)
        about.triggered.connect(self._show_about)
        self.help_menu.addAction(about)

        self.status_label = QLabel("Ready")
        self.statusBar().addWidget(self.status_label, 1)
        central = QWidget(self)
        central.setMaximumSize(0, 0)  # docks own all the space
        self.setCentralWidget(central)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.set()
        event.accept()

    def _show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(f"About {APP_NAME}")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"{APP_NAME} {__version__}\nA trading terminal for Interactive Brokers.")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # never exec(): that would nest a second loop inside the qasync one
