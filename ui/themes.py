"""Dark (default) and light themes: Fusion style, a palette, and a small style sheet each."""

import logging

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from terminal_app.paths import resources_dir
from terminal_app.workspace.settings import THEMES

log = logging.getLogger(__name__)

_Role = QPalette.ColorRole
_PALETTES: dict[str, dict[QPalette.ColorRole, str]] = {
    "dark": {
        _Role.Window: "#1b1e23",
        _Role.WindowText: "#d6d9de",
        _Role.Base: "#121418",
        _Role.AlternateBase: "#181b20",
        _Role.Text: "#e6e8eb",
        _Role.Button: "#262a31",
        _Role.ButtonText: "#d6d9de",
        _Role.Highlight: "#2d5fa8",
        _Role.HighlightedText: "#ffffff",
        _Role.ToolTipBase: "#2a2f37",
        _Role.ToolTipText: "#e6e8eb",
        _Role.PlaceholderText: "#6b7280",
        _Role.Link: "#6aa5ff",
        _Role.BrightText: "#ff6b6b",
    },
    "light": {
        _Role.Window: "#f4f5f7",
        _Role.WindowText: "#1d2127",
        _Role.Base: "#ffffff",
        _Role.AlternateBase: "#f6f7f9",
        _Role.Text: "#15181d",
        _Role.Button: "#e9ecf0",
        _Role.ButtonText: "#1d2127",
        _Role.Highlight: "#2f6fdb",
        _Role.HighlightedText: "#ffffff",
        _Role.ToolTipBase: "#ffffff",
        _Role.ToolTipText: "#15181d",
        _Role.PlaceholderText: "#8a909a",
        _Role.Link: "#1f5fc4",
        _Role.BrightText: "#c62828",
    },
}
_DISABLED_TEXT = {"dark": "#5d636d", "light": "#a3a9b2"}


def palette_for(theme: str) -> QPalette:
    palette = QPalette()
    for role, color in _PALETTES[theme].items():
        palette.setColor(role, QColor(color))
    disabled = QColor(_DISABLED_TEXT[theme])
    for role in (_Role.WindowText, _Role.Text, _Role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    # A disabled field is filled like the window around it, so it does not look editable.
    palette.setColor(
        QPalette.ColorGroup.Disabled, _Role.Base, QColor(_PALETTES[theme][_Role.Window])
    )
    return palette


def style_sheet_for(theme: str) -> str:
    path = resources_dir() / "themes" / f"{theme}.qss"
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:  # a missing sheet only costs the fine details; the palette remains
        log.error("theme style sheet %s unreadable: %s", path, exc)
        return ""


def apply_theme(app: QApplication, theme: str) -> None:
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}")
    app.setStyle("Fusion")
    app.setPalette(palette_for(theme))
    app.setStyleSheet(style_sheet_for(theme))
